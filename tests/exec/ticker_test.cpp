// The run's ticker without threads or a clock: shard deltas and VU counts in, the merged
// delta, the total, the per-tick series and abort-on-fail out.
#include <stampede/exec/detail/ticker.hpp>
#include <stampede/metrics/builtin.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <memory>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

struct fixture {
  std::shared_ptr<sp::metric_registry> registry = std::make_shared<sp::metric_registry>();
  sp::metric_id duration = *registry->find("http_req_duration");
  sp::metric_id reqs = *registry->find("http_reqs");
  sp::recorder shard_a{registry};
  sp::recorder shard_b{registry};
  sp::tag_set_id tags_a = shard_a.intern({});
  sp::tag_set_id tags_b = shard_b.intern({});

  // Each shard's samples, taken at `now` as the runner takes them.
  std::vector<sp::snapshot> take(std::chrono::nanoseconds now) {
    std::vector<sp::snapshot> out;
    out.push_back(shard_a.take(now));
    out.push_back(shard_b.take(now));
    return out;
  }
};

const sp::gauge_sink& gauge(const sp::snapshot& s, const sp::gauge& g) {
  const auto* sink = s.find(g.descriptor());
  REQUIRE(sink != nullptr);
  return std::get<sp::gauge_sink>(*sink);
}

double counter(const sp::snapshot& s, const sp::counter& c) {
  const auto* sink = s.find(c.descriptor());
  return sink == nullptr ? 0 : std::get<sp::counter_sink>(*sink).sum;
}

}  // namespace

TEST_CASE("a tick merges every shard's delta with a vus sample into the total and the series") {
  fixture f;
  sp::detail::ticker ticker{f.registry, sp::tag_set{{"env", "test"}}, {}};
  ticker.keep_series(true);  // as run_options::keep_series asks
  f.shard_a.add(f.reqs, 1, f.tags_a, 100ms);
  f.shard_b.add(f.reqs, 1, f.tags_b, 200ms);
  f.shard_b.add(f.reqs, 1, f.tags_b, 900ms);
  const auto& first = ticker.tick(1s, f.take(1s), {.active = 3, .allocated = 5, .peak = 3});
  CHECK(first.start() == 0ns);
  CHECK(first.end() == 1s);
  CHECK(counter(first, sp::http_reqs) == 3);
  CHECK(gauge(first, sp::vus).value == 3);
  CHECK(gauge(first, sp::vus_max).value == 5);

  f.shard_a.add(f.reqs, 1, f.tags_a, 1500ms);
  const auto& second = ticker.tick(2s, f.take(2s), {.active = 6, .allocated = 5, .peak = 6});
  CHECK(second.start() == 1s);
  CHECK(counter(second, sp::http_reqs) == 1);
  CHECK(gauge(second, sp::vus_max).value == 6);  // more active than allocated: the active count

  CHECK(counter(ticker.total(), sp::http_reqs) == 4);
  CHECK(ticker.total().end() == 2s);
  const auto series = ticker.take_series();
  const auto* reqs = series.find(sp::http_reqs.descriptor());
  REQUIRE(reqs != nullptr);
  CHECK(reqs->rows.size() == 2);
  CHECK(series.intervals().size() == 2);
}

TEST_CASE("ticks while every scenario ends keep the steady vus count; a run shorter than a tick reports its peak") {
  fixture f;
  sp::detail::ticker steady{f.registry, {}, {}};
  (void)steady.tick(1s, f.take(1s), {.active = 10, .allocated = 10, .peak = 10});
  (void)steady.tick(2s, f.take(2s), {.active = 2, .allocated = 10, .peak = 10, .all_ending = true});
  (void)steady.last_tick(2500ms, f.take(2500ms), {.active = 0, .allocated = 10, .peak = 10, .all_ending = true});
  CHECK(gauge(steady.total(), sp::vus).value == 10);
  CHECK(gauge(steady.total(), sp::vus).min == 10);
  CHECK(gauge(steady.total(), sp::vus).samples == 1);

  sp::detail::ticker short_run{f.registry, {}, {}};
  (void)short_run.last_tick(300ms, f.take(300ms), {.active = 0, .allocated = 3, .peak = 3, .all_ending = true});
  CHECK(gauge(short_run.total(), sp::vus).value == 3);
  CHECK(gauge(short_run.total(), sp::vus_max).value == 3);
  CHECK(short_run.total().end() == 300ms);
}

TEST_CASE("abort-on-fail waits for its delay and for samples; at the end an empty trend compares as 0") {
  fixture f;
  const auto known = f.registry->metrics();
  std::vector<sp::threshold> thresholds{(sp::http_req_duration.p(95) < 200ms).abort_on_fail(2s).resolve(known),
                                        (sp::http_req_duration.med() > 10ms).resolve(known)};
  sp::detail::ticker ticker{f.registry, {}, thresholds};

  (void)ticker.tick(1s, f.take(1s), {});
  CHECK(ticker.failed_abort(1s) == nullptr);  // no samples yet: cannot fail while running

  f.shard_a.add(f.duration, 500e6, f.tags_a, 1200ms);  // 500 ms
  (void)ticker.tick(2s, f.take(2s), {});
  CHECK(ticker.failed_abort(1999ms) == nullptr);  // before its delay
  const auto* failed = ticker.failed_abort(2s);
  REQUIRE(failed != nullptr);
  CHECK(failed->describe() == thresholds[0].describe());

  const auto judged = ticker.judge();
  REQUIRE(judged.size() == 2);
  CHECK_FALSE(judged[0].passed);
  CHECK(judged[1].passed);  // med 500 ms > 10 ms

  sp::detail::ticker empty{f.registry, {}, thresholds};
  (void)empty.last_tick(1s, f.take(1s), {});
  const auto empty_judged = empty.judge();
  CHECK(empty_judged[0].passed);       // p(95) of nothing is 0 < 200 ms
  CHECK_FALSE(empty_judged[1].passed);  // med of nothing is 0, not > 10 ms
}
