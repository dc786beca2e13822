// Tests of the per-shard recorder and the snapshots it hands over: routing to sub-metrics,
// deltas, and merges across shards that equal one recorder that saw everything.
#include <stampede/metrics/recorder.hpp>

#include <stampede/core/error.hpp>
#include <stampede/eval/threshold.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

std::shared_ptr<sp::metric_registry> registry_with_expected_response() {
  auto registry = std::make_shared<sp::metric_registry>();
  registry->track(sp::http_req_duration.where("expected_response", "true"));
  return registry;
}

// Records a small run: `n` requests, every 10th failing (status 500).
void record_requests(sp::recorder& rec, int n, int offset = 0) {
  const auto ok = rec.intern({{"expected_response", "true"}, {"status", "200"}});
  const auto failed = rec.intern({{"expected_response", "false"}, {"status", "500"}});
  const auto duration = *rec.registry().find("http_req_duration");
  const auto reqs = *rec.registry().find("http_reqs");
  const auto fail_rate = *rec.registry().find("http_req_failed");
  for (int i = offset; i < offset + n; ++i) {
    const bool fails = i % 10 == 9;
    const auto tags = fails ? failed : ok;
    const auto at = std::chrono::milliseconds{i};
    rec.add(duration, (fails ? 500 : 10 + i % 7) * 1e6, tags, at);
    rec.add(reqs, 1, tags, at);
    rec.add(fail_rate, fails ? 1 : 0, tags, at);
  }
}

}  // namespace

TEST_CASE("interning gives equal tag sets one id") {
  sp::recorder rec{std::make_shared<sp::metric_registry>()};
  const auto a = rec.intern({{"status", "200"}, {"method", "GET"}});
  const auto b = rec.intern({{"method", "GET"}, {"status", "200"}});
  const auto c = rec.intern({{"method", "POST"}});
  CHECK(a == b);
  CHECK(a != c);
  CHECK(rec.tags(a) == sp::tag_set{{"method", "GET"}, {"status", "200"}});
}

TEST_CASE("a sample feeds its metric and the tracked sub-metrics its tags match") {
  auto registry = registry_with_expected_response();
  sp::recorder rec{registry};
  record_requests(rec, 100);
  const auto s = rec.take(10s);

  const auto all = std::get<sp::trend_sink>(*s.find(sp::http_req_duration.descriptor()));
  const auto expected = std::get<sp::trend_sink>(
      *s.find(sp::http_req_duration.where("expected_response", "true").descriptor()));
  CHECK(all.samples.count() == 100);
  CHECK(expected.samples.count() == 90);
  CHECK(all.samples.max() == 500'000'000);
  CHECK(expected.samples.max() < 20'000'000);  // the failures' 500 ms stay out
  CHECK(std::get<sp::counter_sink>(*s.find(sp::http_reqs.descriptor())).sum == 100);
  CHECK(std::get<sp::rate_sink>(*s.find(sp::http_req_failed.descriptor())).nonzero == 10);
  CHECK(s.start() == 0s);
  CHECK(s.end() == 10s);
}

TEST_CASE("take() hands over what was recorded since the previous take and starts afresh") {
  sp::recorder rec{std::make_shared<sp::metric_registry>()};
  record_requests(rec, 30);
  CHECK(rec.pending_samples() == 90);
  const auto first = rec.take(1s);
  CHECK(rec.pending_samples() == 0);
  const auto empty = rec.take(2s);
  CHECK(empty.entries().empty());
  CHECK(empty.start() == 1s);
  record_requests(rec, 5, 30);
  const auto third = rec.take(3s);
  CHECK(std::get<sp::counter_sink>(*first.find(sp::http_reqs.descriptor())).sum == 30);
  CHECK(std::get<sp::counter_sink>(*third.find(sp::http_reqs.descriptor())).sum == 5);
  CHECK(third.start() == 2s);
  CHECK(first.find(sp::vus.descriptor()) == nullptr);  // untouched metrics are not in a delta
}

TEST_CASE("merging shards' deltas equals one recorder that recorded everything") {
  auto registry = registry_with_expected_response();
  sp::recorder one{registry}, shard_a{registry}, shard_b{registry};
  record_requests(one, 200);
  record_requests(shard_a, 120);
  record_requests(shard_b, 80, 120);
  const auto whole = one.take(5s);

  auto ab = shard_a.take(5s);
  ab.merge(shard_b.take(5s));
  auto ba = shard_b.take(5s);  // empty now: merging nothing changes nothing
  ba.merge(ab);

  for (const auto& d : registry->series()) {
    INFO(d.display_name());
    const auto* expected = whole.find(d);
    const auto* merged = ab.find(d);
    REQUIRE((expected == nullptr) == (merged == nullptr));
    if (expected != nullptr) CHECK(*merged == *expected);
  }
  CHECK(ab.duration() == 5s);
  CHECK(ba == ab);  // an empty delta merged with a full one is the full one
}

TEST_CASE("an empty snapshot of the registry lists every metric and reads 0 for counters") {
  auto registry = registry_with_expected_response();
  const auto s = sp::snapshot::empty_for(*registry, 0s, 10s);
  CHECK(s.entries().size() == registry->series().size());
  CHECK(s.values(sp::http_reqs.count()) == std::vector<double>{0});
  CHECK(s.values(sp::http_req_duration.p(95)).empty());
  CHECK((sp::http_req_duration.p(95) < 200ms).evaluate([&](const auto& a) { return s.values(a); }).passed);
}

TEST_CASE("thresholds read a merged snapshot, sub-metrics included") {
  auto registry = registry_with_expected_response();
  sp::recorder rec{registry};
  record_requests(rec, 1000);
  const auto s = rec.take(10s);
  const auto source = [&](const sp::metric_aggregate& a) { return s.values(a); };

  CHECK_FALSE((sp::http_req_duration.p(95) < 200ms).evaluate(source).passed);
  CHECK((sp::http_req_duration.where("expected_response", "true").p(95) < 200ms).evaluate(source).passed);
  CHECK(s.values(sp::http_reqs.rate()) == std::vector<double>{100});  // 1000 in 10 s
  CHECK(s.values(sp::http_req_failed.rate()) == std::vector<double>{0.1});
  CHECK_THROWS_AS(s.values(sp::http_req_duration.p(95).over(1s)), sp::usage_error);
}

TEST_CASE("recording by metric value checks that the metric is registered with its type") {
  auto registry = std::make_shared<sp::metric_registry>();
  const sp::rate under_500ms{"requests_under_500ms"};
  registry->add(under_500ms);
  sp::recorder rec{registry};
  rec.add(under_500ms, 1, {{"name", "login"}}, 1s);
  rec.add(under_500ms, 0, {{"name", "login"}}, 2s);
  CHECK(rec.take(2s).values(under_500ms.rate()) == std::vector<double>{0.5});
  CHECK_THROWS_AS(rec.add(sp::trend{"unregistered"}, 1, {}, 1s), sp::usage_error);
  CHECK_THROWS_AS(rec.add(sp::counter{"requests_under_500ms"}, 1, {}, 1s), sp::usage_error);
  CHECK_THROWS_AS(rec.add(sp::metric_id{999}, 1, 0, 1s), sp::usage_error);
}

TEST_CASE("routes stay right when tag sets are interned between samples") {
  auto registry = registry_with_expected_response();
  sp::recorder rec{registry};
  const auto duration = *registry->find("http_req_duration");
  const auto ok = rec.intern({{"expected_response", "true"}});
  rec.add(duration, 1e6, ok, 0s);
  // Each new tag set grows the dense route table; the routes seen so far must survive it.
  std::vector<sp::tag_set_id> others;
  for (int i = 0; i < 100; ++i) {
    others.push_back(rec.intern({{"expected_response", i % 2 == 0 ? "true" : "false"}, {"name", std::to_string(i)}}));
  }
  rec.add(duration, 2e6, ok, 1s);
  for (const auto id : others) rec.add(duration, 3e6, id, 1s);
  const auto s = rec.take(2s);
  const auto& all = std::get<sp::trend_sink>(*s.find(sp::http_req_duration.descriptor()));
  const auto& expected = std::get<sp::trend_sink>(
      *s.find(sp::http_req_duration.where("expected_response", "true").descriptor()));
  CHECK(all.samples.count() == 102);
  CHECK(expected.samples.count() == 52);  // ok twice, and the 50 even names
}

TEST_CASE("a tag set id that the recorder did not intern is a usage_error, not a stray write") {
  sp::recorder rec{std::make_shared<sp::metric_registry>()};
  const auto reqs = *rec.registry().find("http_reqs");
  const auto id = rec.intern({{"status", "200"}});
  CHECK_THROWS_WITH(rec.add(reqs, 1, id + 1, 1s), Catch::Matchers::Contains("was not interned by this recorder"));
  rec.add(reqs, 1, id, 1s);
  CHECK(rec.pending_samples() == 1);
}

TEST_CASE("tag sets that agree on a breakdown's keys share its series") {
  sp::recorder rec{std::make_shared<sp::metric_registry>()};
  const auto checks = *rec.registry().find("checks");
  const auto a = rec.intern({{"check", "status is 200"}, {"group", "::login"}, {"status", "200"}});
  const auto b = rec.intern({{"check", "status is 200"}, {"group", "::login"}, {"status", "500"}});
  const auto c = rec.intern({{"check", "body ok"}, {"group", "::login"}});
  rec.add(checks, 1, a, 0s);
  rec.add(checks, 0, b, 0s);
  rec.add(checks, 1, c, 0s);
  rec.add(checks, 1, a, 0s);
  const auto s = rec.take(1s);
  const auto status = sp::checks.where("check", "status is 200").where("group", "::login");
  const auto body = sp::checks.where("check", "body ok").where("group", "::login");
  CHECK(std::get<sp::rate_sink>(*s.find(status.descriptor())) == sp::rate_sink{.nonzero = 2, .total = 3});
  CHECK(std::get<sp::rate_sink>(*s.find(body.descriptor())) == sp::rate_sink{.nonzero = 1, .total = 1});
  CHECK(std::get<sp::rate_sink>(*s.find(sp::checks.descriptor())) == sp::rate_sink{.nonzero = 3, .total = 4});
  CHECK(s.entries().size() == 3);
}

TEST_CASE("a breakdown keeps its first combinations apart and pools the rest as (other)") {
  auto registry = std::make_shared<sp::metric_registry>();
  registry->breakdown(sp::http_reqs, {"name"});
  sp::recorder rec{registry};
  const auto requests = *registry->find("http_reqs");
  // A name per request, as a URL with an id in it would make: more than a recorder keeps.
  const std::size_t names = sp::max_breakdown_combinations + 5;
  for (std::size_t i = 0; i < names; ++i) {
    rec.add(requests, 1, rec.intern({{"name", "/items/" + std::to_string(i)}}), 0s);
  }
  rec.add(requests, 1, rec.intern({{"name", "/items/0"}}), 0s);  // a kept one still counts there
  const auto s = rec.take(1s);
  const auto sum_of = [&](const std::string& name) {
    const auto* sink = s.find(sp::http_reqs.where("name", name).descriptor());
    return sink != nullptr ? std::get<sp::counter_sink>(*sink).sum : -1.0;
  };
  CHECK(sum_of("/items/0") == 2);
  CHECK(sum_of("/items/" + std::to_string(sp::max_breakdown_combinations - 1)) == 1);
  CHECK(sum_of("/items/" + std::to_string(sp::max_breakdown_combinations)) == -1);  // pooled
  CHECK(sum_of(std::string{sp::other_breakdown_value}) == 5);
  CHECK(s.entries().size() == 1 + sp::max_breakdown_combinations + 1);
  CHECK(std::get<sp::counter_sink>(*s.find(sp::http_reqs.descriptor())).sum == static_cast<double>(names + 1));
}

TEST_CASE("a take leaves empty sinks behind: the next take holds only what came after") {
  auto registry = registry_with_expected_response();
  sp::recorder rec{registry};
  record_requests(rec, 100);
  rec.add(*registry->find("iteration_duration"), -1, rec.intern({}), 0s);  // rejected: negative
  const auto first = rec.take(1s);
  CHECK(std::get<sp::trend_sink>(*first.find(sp::iteration_duration.descriptor())).rejected == 1);

  record_requests(rec, 10, 100);
  const auto second = rec.take(2s);
  const auto& duration = std::get<sp::trend_sink>(*second.find(sp::http_req_duration.descriptor()));
  CHECK(duration.samples.count() == 10);  // the first delta's 100 are gone
  CHECK(duration.samples.min() == 10'000'000);  // request 105: 10 + 105 % 7 ms
  CHECK(duration.samples.max() == 500'000'000);
  CHECK(std::get<sp::counter_sink>(*second.find(sp::http_reqs.descriptor())).sum == 10);
  CHECK(second.find(sp::iteration_duration.descriptor()) == nullptr);

  // What the second take handed out equals what a recorder that saw only those requests hands out.
  sp::recorder fresh{registry};
  (void)fresh.take(1s);
  record_requests(fresh, 10, 100);
  const auto expected = fresh.take(2s);
  for (const auto& e : expected.entries()) {
    INFO(e.metric.display_name());
    REQUIRE(second.find(e.metric) != nullptr);
    CHECK(*second.find(e.metric) == e.data);
  }
  CHECK(second.entries().size() == expected.entries().size());
}

TEST_CASE("merging a snapshot by move equals merging a copy, and leaves the moved one empty") {
  auto registry = registry_with_expected_response();
  sp::recorder a{registry}, b{registry};
  record_requests(a, 50);
  record_requests(b, 70, 50);
  const auto from_a = a.take(2s);
  auto from_b = b.take(3s);
  sp::snapshot copied{1s, 2s};
  copied.merge(from_a);
  copied.merge(from_b);
  sp::snapshot moved{1s, 2s};
  auto a_copy = from_a;
  moved.merge(std::move(a_copy));  // into an empty snapshot: every sink moves
  moved.merge(std::move(from_b));  // into existing entries: they merge
  CHECK(moved == copied);
  CHECK(a_copy.entries().empty());  // NOLINT(bugprone-use-after-move): the documented state
  CHECK(moved.start() == 0s);
  CHECK(moved.end() == 3s);
  auto self = copied;
  self.merge(std::move(self));  // NOLINT(bugprone-use-after-move): merging itself doubles it
  auto doubled = copied;
  doubled.merge(copied);
  CHECK(self == doubled);
}

TEST_CASE("a recorder keeps every sample only when asked, and hands them over with the new tag sets") {
  auto registry = std::make_shared<sp::metric_registry>();
  for (const auto& m : sp::builtin_metrics()) registry->add(m);
  sp::recorder rec{registry};
  const auto reqs = *registry->find("http_reqs");
  const auto get = rec.intern({{"method", "GET"}});
  rec.add(reqs, 1, get, 1ms);
  auto none = rec.take_samples(3);
  CHECK(none.samples.empty());  // not kept yet
  CHECK(none.source == 3);
  REQUIRE(none.new_tags.size() == 1);
  CHECK(none.first_new_tags == 0);

  rec.keep_samples(true);
  const auto post = rec.intern({{"method", "POST"}});
  rec.add(reqs, 1, post, 2ms);
  rec.add(reqs, 2, get, 3ms);
  const auto delta = rec.take(4ms);  // taking the sinks leaves the kept samples alone
  CHECK(std::get<sp::counter_sink>(*delta.find(sp::http_reqs.descriptor())).sum == 4);
  auto block = rec.take_samples(3);
  REQUIRE(block.samples.size() == 2);
  CHECK(block.samples[0].metric == reqs);
  CHECK(block.samples[0].tags == post);
  CHECK(block.samples[0].at == 2ms);
  CHECK(block.samples[1].value == 2);
  CHECK(block.first_new_tags == 1);  // only the tag set interned since the first block
  REQUIRE(block.new_tags.size() == 1);
  CHECK(block.new_tags[0] == sp::tag_set{{"method", "POST"}});
  CHECK(rec.take_samples(3).samples.empty());

  sp::sample_tag_tables tables;
  tables.learn(none);
  tables.learn(block);
  CHECK(tables.get(3, post) == sp::tag_set{{"method", "POST"}});
  CHECK(tables.get(3, get) == sp::tag_set{{"method", "GET"}});
  CHECK_THROWS_WITH(tables.get(3, 7), Catch::Contains("tag set 7 of sample source 3 is not known"));
  CHECK_THROWS_WITH(tables.get(0, 0), Catch::Contains("is not known"));
  sp::sample_tag_tables skipped;
  CHECK_THROWS_WITH(skipped.learn(block), Catch::Contains("a block was skipped"));
}
