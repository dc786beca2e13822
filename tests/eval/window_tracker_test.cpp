// Tests of windowed and warmed-up threshold evaluation over a run's per-second deltas.
#include <stampede/eval/window_tracker.hpp>

#include <stampede/core/error.hpp>
#include <stampede/metrics/recorder.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <memory>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

// A run of `seconds` seconds, 100 requests a second, taking `latency(second)` each; the
// ticker's deltas go to the tracker and the total.
template <typename Latency>
sp::snapshot run(sp::window_tracker& windows, int seconds, Latency latency) {
  auto registry = std::make_shared<sp::metric_registry>();
  sp::recorder rec{registry};
  const auto tags = rec.intern({{"status", "200"}});
  const auto duration = *registry->find("http_req_duration");
  const auto reqs = *registry->find("http_reqs");
  auto total = sp::snapshot::empty_for(*registry);
  for (int s = 0; s < seconds; ++s) {
    for (int i = 0; i < 100; ++i) {
      const auto at = std::chrono::seconds{s} + std::chrono::milliseconds{i * 10};
      rec.add(duration, latency(s) * 1e6, tags, at);
      rec.add(reqs, 1, tags, at);
    }
    const auto delta = rec.take(std::chrono::seconds{s + 1});
    windows.add(delta);
    total.merge(delta);
  }
  windows.finish(std::chrono::seconds{seconds});
  return total;
}

}  // namespace

TEST_CASE("a stall hidden in the overall p95 fails a threshold that must hold in every window") {
  // 60 s at 20 ms with a 3-second stall at 2 s: 5% of the run, so the overall p95 is fine.
  const auto overall = sp::http_req_duration.p(95) < 200ms;
  const auto per_window = sp::http_req_duration.p(95).over(10s) < 200ms;
  sp::window_tracker windows{{overall, per_window}};
  CHECK(windows.followed() == 1);
  const auto total = run(windows, 60, [](int s) { return s >= 30 && s < 33 ? 2000.0 : 20.0; });
  const auto source = windows.source(total);

  CHECK(overall.evaluate(source).passed);
  const auto r = per_window.evaluate(source);
  CHECK_FALSE(r.passed);
  CHECK(r.conditions[0].observed == Approx(2000e6).epsilon(1e-3));  // the window 30–40 s
  CHECK(windows.values(sp::http_req_duration.p(95).over(10s)).size() == 6);
}

TEST_CASE("after() leaves the warm-up out") {
  const auto warm = sp::http_req_duration.max().after(5s) < 100ms;
  sp::window_tracker windows{{warm}};
  const auto total = run(windows, 20, [](int s) { return s < 5 ? 900.0 : 30.0; });  // slow start
  const auto source = windows.source(total);
  CHECK(warm.evaluate(source).passed);
  CHECK_FALSE((sp::http_req_duration.max() < 100ms).evaluate(source).passed);
  CHECK(windows.values(sp::http_req_duration.max().after(5s)) == std::vector<double>{30e6});
}

TEST_CASE("windows start after the warm-up and a counter's rate is per second of its window") {
  const auto rate = sp::http_reqs.rate().over(4s).after(2s) >= 100;
  sp::window_tracker windows{{rate}};
  const auto total = run(windows, 12, [](int) { return 10.0; });
  // Windows [2,6) [6,10) [10,12): the last one partial, still 100 requests a second.
  const auto values = windows.values(sp::http_reqs.rate().over(4s).after(2s));
  REQUIRE(values.size() == 3);
  for (const double v : values) CHECK(v == Approx(100));
  CHECK(rate.evaluate(windows.source(total)).passed);
}

TEST_CASE("several aggregations of one metric share a track and windows without samples have no value") {
  const auto p99 = sp::http_req_duration.p(99).over(5s) < 1s;
  const auto avg = sp::http_req_duration.avg().over(5s) < 1s;
  sp::window_tracker windows{{p99 && avg}};
  CHECK(windows.followed() == 1);

  auto registry = std::make_shared<sp::metric_registry>();
  sp::recorder rec{registry};
  const auto tags = rec.intern({});
  const auto duration = *registry->find("http_req_duration");
  // Samples at 1 s and at 12 s only: windows [0,5) and [10,15) have values, [5,10) none.
  rec.add(duration, 10e6, tags, 1s);
  windows.add(rec.take(2s));
  for (int s = 2; s < 12; ++s) windows.add(rec.take(std::chrono::seconds{s + 1}));
  rec.add(duration, 30e6, tags, 12s);
  windows.add(rec.take(13s));
  windows.finish(13s);
  CHECK(windows.values(sp::http_req_duration.avg().over(5s)) == std::vector<double>{10e6, 30e6});
}

TEST_CASE("asking for an aggregation the tracker does not follow is a usage error") {
  sp::window_tracker windows{{sp::http_req_duration.p(95).over(10s) < 200ms}};
  CHECK_THROWS_AS(windows.values(sp::http_req_duration.p(99).over(10s)), sp::usage_error);
  windows.finish(1s);
  CHECK_THROWS_AS(windows.add(sp::snapshot{}), sp::usage_error);
}
