// sp::measure and sp::median_of as pure functions of a window and the run's facts: the
// figures a scaling study fits, and when the load generator counts as saturated.
#include <stampede/metrics/builtin.hpp>
#include <stampede/metrics/engine.hpp>
#include <stampede/metrics/recorder.hpp>
#include <stampede/scaling/measurement.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <memory>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

struct recorded {
  std::shared_ptr<sp::metric_registry> registry = std::make_shared<sp::metric_registry>();
  sp::recorder rec{[this] {
    registry->add(sp::iteration_start_delay.descriptor());
    return registry;
  }()};
  sp::tag_set_id tags = rec.intern({});

  void add(const sp::metric_descriptor& m, double v, std::chrono::nanoseconds at) {
    rec.add(*registry->find(m.name), v, tags, at);
  }
};

}  // namespace

TEST_CASE("a window's figures: throughput, latency percentiles, errors and VUs") {
  recorded r;
  (void)r.rec.take(1s);  // the window starts after a 1 s warm-up
  for (int i = 0; i < 400; ++i) {
    const auto at = 1s + std::chrono::milliseconds{i * 5};
    r.add(sp::http_reqs.descriptor(), 1, at);
    r.add(sp::http_req_duration.descriptor(), (i % 100 + 1) * 1e6, at);  // 1…100 ms, four times
    r.add(sp::http_req_failed.descriptor(), i < 8 ? 1 : 0, at);
    r.add(sp::iterations.descriptor(), 1, at);
  }
  r.add(sp::vus.descriptor(), 8, 2s);
  r.add(sp::vus.descriptor(), 10, 2500ms);
  const auto window = r.rec.take(3s);

  const auto m = sp::measure(window, sp::run_facts{.metrics = &window, .duration = 3s, .shards = 1});
  CHECK(m.window == 2s);
  CHECK(m.requests == 400);
  CHECK(m.failed_requests == 8);
  CHECK(m.requests_per_second == Approx(200));
  CHECK(m.iterations_per_second == Approx(200));
  CHECK(m.throughput() == Approx(200));
  CHECK(m.error_rate == Approx(0.02));
  REQUIRE(m.p50.has_value());
  CHECK(static_cast<double>(m.p50->count()) == Approx(50e6).epsilon(0.02));
  CHECK(static_cast<double>(m.p99->count()) == Approx(99e6).epsilon(0.02));
  CHECK(m.vus == 10);  // the most at a tick of the window
  CHECK_FALSE(m.generator.saturated);
}

TEST_CASE("a test without HTTP requests is measured by its iterations, and its errors by iteration errors") {
  recorded r;
  for (int i = 0; i < 100; ++i) {
    r.add(sp::iterations.descriptor(), 1, std::chrono::milliseconds{i * 10});
    r.add(sp::iteration_duration.descriptor(), 10e6, std::chrono::milliseconds{i * 10});
  }
  const auto window = r.rec.take(1s);
  const auto m = sp::measure(window, sp::run_facts{.metrics = &window, .iterations = 110, .iteration_errors = 11,
                                                   .duration = 1s, .shards = 1});
  CHECK(m.requests == 0);
  CHECK(m.throughput() == Approx(100));
  CHECK(m.error_rate == Approx(0.1));
  REQUIRE(m.p95.has_value());
  CHECK(static_cast<double>(m.p95->count()) == Approx(10e6).epsilon(0.01));
}

TEST_CASE("the generator is saturated by CPU, late starts or dropped iterations, and says which") {
  recorded r;
  r.add(sp::iteration_start_delay.descriptor(), 50e6, 100ms);  // 50 ms late
  r.add(sp::dropped_iterations.descriptor(), 3, 200ms);
  const auto run = r.rec.take(1s);
  const sp::snapshot window{0s, 1s};
  const sp::run_facts facts{.metrics = &run, .duration = 10s, .shards = 2, .generator_cpu = 19s};
  const auto m = sp::measure(window, facts);
  REQUIRE(m.generator.cpu_utilisation.has_value());
  CHECK(*m.generator.cpu_utilisation == Approx(0.95));
  CHECK(m.generator.dropped_iterations == 3);
  CHECK(m.generator.saturated);
  CHECK(m.generator.reason ==
        "its shards used 95% of their CPU; iterations started late (iteration_start_delay p(99) = 50ms); "
        "3 iterations were dropped for want of a free VU");
  // Looser limits: nothing to report.
  const auto relaxed = sp::measure(window, facts, {.cpu_utilisation = 0.99, .start_delay_p99 = 100ms, .dropped_iterations = false});
  CHECK_FALSE(relaxed.generator.saturated);
  CHECK(relaxed.generator.reason.empty());
  // No per-thread CPU time, no whole-run metrics: nothing to judge by.
  const auto unknown = sp::measure(window, sp::run_facts{.duration = 10s, .shards = 2});
  CHECK_FALSE(unknown.generator.cpu_utilisation.has_value());
  CHECK_FALSE(unknown.generator.saturated);
}

TEST_CASE("median_of takes each figure's median over repetitions and keeps the worst generator") {
  sp::measurement a;
  a.requests_per_second = 100;
  a.p50 = 10ms;
  sp::measurement b;
  b.requests_per_second = 300;
  b.p50 = 30ms;
  b.generator.saturated = true;
  b.generator.dropped_iterations = 4;
  sp::measurement c;
  c.requests_per_second = 200;
  const auto m = sp::median_of({a, b, c});
  CHECK(m.requests_per_second == 200);
  REQUIRE(m.p50.has_value());
  CHECK(*m.p50 == 20ms);  // of the two that measured it: the mean of the middle two
  CHECK(m.generator.saturated);
  CHECK(m.generator.dropped_iterations == 4);
  CHECK_THROWS_AS(sp::median_of({}), sp::usage_error);
}
