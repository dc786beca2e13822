// load_test::min_iteration_duration (k6's minIterationDuration), simulated on a manual time:
// a VU waits out the rest after a short iteration, the wait is not part of iteration_duration,
// and a graceful stop ends the wait as it would an iteration.
#include <stampede/exec/runner.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <stdexcept>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

sp::result simulate(const sp::load_test& test) {
  sp::manual_time time;
  return sp::run(test, {.threads = 1, .seed = 1, .time = &time});
}

const sp::histogram& trend(const sp::result& r, const sp::metric_descriptor& m) {
  const auto* s = r.metrics.find(m);
  REQUIRE(s != nullptr);
  return std::get<sp::trend_sink>(*s).samples;
}

double counter_value(const sp::result& r, const sp::metric_descriptor& m) {
  const auto* s = r.metrics.find(m);
  REQUIRE(s != nullptr);
  return std::get<sp::counter_sink>(*s).sum;
}

sp::task<> sleep_100ms(sp::vu& u) { co_await u.sleep(100ms); }

}  // namespace

TEST_CASE("a VU waits out min_iteration_duration after a shorter iteration, outside iteration_duration") {
  sp::load_test test{.scenarios = {{.exec = sleep_100ms, .executor = sp::constant_vus{.vus = 2, .duration = 10s}}},
                     .min_iteration_duration = 1s};
  const auto r = simulate(test);
  // Iterations start at 0 s, 1 s, ... 9 s on each VU; the last wait ends with the duration.
  CHECK(r.complete_iterations() == 20);
  CHECK(r.interrupted_iterations() == 0);
  CHECK(r.duration == 10s);
  const auto& durations = trend(r, sp::iteration_duration.descriptor());
  CHECK(durations.count() == 20);
  CHECK(durations.max() == static_cast<std::uint64_t>(std::chrono::nanoseconds{100ms}.count()));
}

TEST_CASE("without min_iteration_duration the same VUs loop back to back") {
  sp::load_test test{.scenarios = {{.exec = sleep_100ms, .executor = sp::constant_vus{.vus = 2, .duration = 10s}}}};
  const auto r = simulate(test);
  CHECK(r.complete_iterations() == 200);
}

TEST_CASE("an iteration longer than min_iteration_duration is followed at once") {
  sp::load_test test{.scenarios = {{.exec = [](sp::vu& u) -> sp::task<> { co_await u.sleep(1500ms); },
                                    .executor = sp::constant_vus{.vus = 1, .duration = 10s}}},
                     .min_iteration_duration = 1s};
  const auto r = simulate(test);
  // Starts at 0, 1.5, 3, 4.5, 6, 7.5 and 9 s; the last ends in the graceful stop.
  CHECK(r.complete_iterations() == 7);
  CHECK(r.duration == 10500ms);
}

TEST_CASE("an iteration that throws still waits out min_iteration_duration, as in k6") {
  sp::load_test test{.scenarios = {{.exec = [](sp::vu&) -> sp::task<> {
                                      throw std::runtime_error{"failed"};
                                      co_return;
                                    },
                                    .executor = sp::per_vu_iterations{.vus = 1, .iterations = 3}}},
                     .min_iteration_duration = 1s};
  const auto r = simulate(test);
  CHECK(r.complete_iterations() == 3);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].count == 3);
  CHECK(r.duration == 3s);  // the wait after the last iteration too
}

TEST_CASE("the wait after the scenario's end lasts until the graceful stop interrupts it, as in k6") {
  SECTION("a graceful stop longer than the wait: the VU waits it out") {
    sp::load_test test{.scenarios = {{.exec = sleep_100ms, .executor = sp::constant_vus{.vus = 1, .duration = 1s},
                                      .graceful_stop = 30s}},
                       .min_iteration_duration = 10s};
    const auto r = simulate(test);
    CHECK(r.complete_iterations() == 1);
    CHECK(r.interrupted_iterations() == 0);
    CHECK(r.duration == 10s);
  }
  SECTION("no graceful stop: the wait ends with the duration, and no iteration counts as interrupted") {
    sp::load_test test{.scenarios = {{.exec = sleep_100ms, .executor = sp::constant_vus{.vus = 1, .duration = 1s},
                                      .graceful_stop = 0s}},
                       .min_iteration_duration = 10s};
    const auto r = simulate(test);
    CHECK(r.complete_iterations() == 1);
    CHECK(r.interrupted_iterations() == 0);
    CHECK(r.duration == 1s);
  }
}

TEST_CASE("a VU of an arrival-rate scenario stays busy for its min_iteration_duration") {
  // Arrivals every 100 ms on one VU, whose iterations take 10 ms but hold it for 250 ms: it
  // takes the arrivals at 0, 300, 600 and 900 ms and the others are dropped.
  sp::load_test test{.scenarios = {{.exec = [](sp::vu& u) -> sp::task<> { co_await u.sleep(10ms); },
                                    .executor = sp::constant_arrival_rate{.rate = 10, .time_unit = 1s,
                                                                          .duration = 1s, .pre_allocated_vus = 1,
                                                                          .max_vus = 1}}},
                     .min_iteration_duration = 250ms};
  const auto r = simulate(test);
  CHECK(r.complete_iterations() == 4);
  CHECK(counter_value(r, sp::dropped_iterations.descriptor()) == 6);
}

TEST_CASE("a ramped-down VU's wait lasts until its graceful ramp-down ends") {
  // Two VUs, dropped to none at 1 s for the plan's last second; each iteration ends at 100 ms
  // and its wait would last until 3 s.
  const auto ramping = [](std::chrono::nanoseconds grace) {
    return sp::load_test{.scenarios = {{.exec = sleep_100ms,
                                        .executor = sp::ramping_vus{.start_vus = 2,
                                                                    .stages = {{1s, 2}, {0s, 0}, {1s, 0}},
                                                                    .graceful_ramp_down = grace}}},
                         .min_iteration_duration = 3s};
  };
  SECTION("no graceful ramp-down: the waits end at 1 s, the scenario with its plan") {
    const auto r = simulate(ramping(0s));
    CHECK(r.complete_iterations() == 2);
    CHECK(r.interrupted_iterations() == 0);
    CHECK(r.duration == 2s);
  }
  SECTION("a graceful ramp-down longer than the waits: the scenario waits for them") {
    const auto r = simulate(ramping(30s));
    CHECK(r.complete_iterations() == 2);
    CHECK(r.interrupted_iterations() == 0);
    CHECK(r.duration == 3s);
  }
}

TEST_CASE("a negative min_iteration_duration is a usage error") {
  sp::load_test test{.scenarios = {{.exec = sleep_100ms, .executor = sp::per_vu_iterations{}}},
                     .min_iteration_duration = -1s};
  CHECK_THROWS_AS(sp::validate(test), sp::usage_error);
}
