// sp::snapshot on its own: merging in any order gives the same snapshot, spans widen to cover
// both, sub-metrics are matched by name and filter, and values() answers what thresholds and
// the summary ask.
#include <stampede/metrics/builtin.hpp>
#include <stampede/metrics/recorder.hpp>
#include <stampede/metrics/snapshot.hpp>

#include "support/catch_compat.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

// One shard's second of a run: `requests` requests of `ms` milliseconds, `failed` of them failed.
sp::snapshot shard_second(const std::shared_ptr<sp::metric_registry>& registry, std::chrono::nanoseconds start,
                          int requests, double ms, int failed) {
  sp::recorder rec{registry};
  const auto ok = rec.intern({{"expected_response", "true"}});
  const auto bad = rec.intern({{"expected_response", "false"}});
  const auto duration = *registry->find("http_req_duration");
  const auto reqs = *registry->find("http_reqs");
  const auto failures = *registry->find("http_req_failed");
  (void)rec.take(start);  // the span starts here
  for (int i = 0; i < requests; ++i) {
    const auto tags = i < failed ? bad : ok;
    const auto at = start + std::chrono::milliseconds{i};
    rec.add(duration, ms * 1e6, tags, at);
    rec.add(reqs, 1, tags, at);
    rec.add(failures, i < failed ? 1 : 0, tags, at);
  }
  return rec.take(start + 1s);
}

// A snapshot's entries in a fixed order, so that two snapshots merged in different orders compare.
std::vector<sp::snapshot_entry> sorted(const sp::snapshot& s) {
  auto entries = s.entries();
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return std::tie(a.metric.name, a.metric.filter) < std::tie(b.metric.name, b.metric.filter);
  });
  return entries;
}

}  // namespace

TEST_CASE("merging shard snapshots in any order gives the same entries and the union of their spans") {
  auto registry = std::make_shared<sp::metric_registry>();
  registry->track(sp::http_req_duration.where("expected_response", "true"));
  const auto a = shard_second(registry, 0s, 100, 10, 3);
  const auto b = shard_second(registry, 0s, 50, 30, 0);
  const auto c = shard_second(registry, 1s, 20, 5, 20);

  sp::snapshot abc{0s, 0s};
  for (const auto* s : {&a, &b, &c}) abc.merge(*s);
  sp::snapshot cba;
  for (const auto* s : {&c, &b, &a}) cba.merge(*s);
  CHECK(sorted(abc) == sorted(cba));
  CHECK(abc.start() == 0s);
  CHECK(abc.end() == 2s);
  CHECK(cba.start() == 0s);  // a default snapshot takes the first span it merges
  CHECK(cba.end() == 2s);
  CHECK(abc.duration() == 2s);

  const auto count = [&](const sp::metric_aggregate& agg) { return abc.values(agg).at(0); };
  CHECK(count(sp::http_reqs.count()) == 170);
  CHECK(count(sp::http_reqs.rate()) == Approx(85));  // per second of the merged span
  CHECK(count(sp::http_req_failed.rate()) == Approx(23.0 / 170));
  CHECK(count(sp::http_req_duration.max()) == Approx(30e6).epsilon(0.001));
  CHECK(count(sp::http_req_duration.min()) == Approx(5e6).epsilon(0.001));
  // The sub-metric has only the expected responses: none of c's, and not a's three failures.
  const auto expected = sp::http_req_duration.where("expected_response", "true");
  const auto* sub = abc.find(expected.descriptor());
  REQUIRE(sub != nullptr);
  CHECK(std::get<sp::trend_sink>(*sub).samples.count() == 97 + 50);
  CHECK(abc.values(expected.max()).at(0) == Approx(30e6).epsilon(0.001));
}

TEST_CASE("add merges into the entry of the same metric and filter, and keeps others apart") {
  sp::snapshot s{0s, 1s};
  s.add(sp::http_reqs.descriptor(), sp::counter_sink{.sum = 2});
  s.add(sp::http_reqs.descriptor(), sp::counter_sink{.sum = 3});
  s.add(sp::http_reqs.where("status", "200").descriptor(), sp::counter_sink{.sum = 4});
  REQUIRE(s.entries().size() == 2);
  CHECK(std::get<sp::counter_sink>(*s.find(sp::http_reqs.descriptor())).sum == 5);
  CHECK(std::get<sp::counter_sink>(*s.find(sp::http_reqs.where("status", "200").descriptor())).sum == 4);
  CHECK(s.find(sp::http_reqs.where("status", "500").descriptor()) == nullptr);
}

TEST_CASE("values() is empty for an absent metric, and refuses windows and warm-ups") {
  const sp::snapshot s{0s, 10s};
  CHECK(s.values(sp::http_reqs.count()).empty());
  CHECK(s.values(sp::http_req_duration.p(95)).empty());
  CHECK_THROWS_AS(s.values(sp::http_req_duration.p(95).over(10s)), sp::usage_error);
  CHECK_THROWS_WITH(s.values(sp::http_req_duration.p(95).after(5s)),
                    Catch::Matchers::Contains("windows and warm-ups need the run's per-second series"));
  // An empty snapshot of a registry lists its metrics; a counter there reads 0.
  const sp::metric_registry registry;
  const auto empty = sp::snapshot::empty_for(registry, 0s, 10s);
  CHECK(empty.values(sp::http_reqs.count()) == std::vector<double>{0});
}
