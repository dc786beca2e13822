// k6's six executors and composable stages, then a short test that runs three scenarios at
// once and prints k6's summary (docs/executors.md takes its code from here).
#include <stampede/stampede.hpp>

#include <fmt/format.h>

#include <chrono>

namespace sp = stampede;
using namespace std::chrono_literals;

// [iteration]
// One iteration of a virtual user: a think time drawn from the VU's seeded generator.
sp::task<> browse(sp::vu& u) {
  u.check(u.id(), "VU ids start at 1", [](std::uint64_t id) { return id >= 1; });
  co_await u.sleep(5ms, 15ms);
}
// [iteration]

int main() {
  // [executors]
  // Closed model: a number of VUs loop over the iteration.
  sp::executor steady = sp::constant_vus{.vus = 10, .duration = 30s};
  sp::executor ramp = sp::ramping_vus{.start_vus = 0, .stages = {{30s, 100}, {1min, 100}, {10s, 0}}};
  sp::executor batch = sp::shared_iterations{.vus = 10, .iterations = 200, .max_duration = 1min};
  sp::executor each = sp::per_vu_iterations{.vus = 5, .iterations = 20};
  // Open model: iterations start at a rate, whether or not earlier ones finished.
  sp::executor rate = sp::constant_arrival_rate{.rate = 200, .time_unit = 1s, .duration = 30s,
                                                .pre_allocated_vus = 50, .max_vus = 500};
  sp::executor spike = sp::ramping_arrival_rate{.start_rate = 50, .time_unit = 1s,
                                                .stages = {{10s, 50}, {5s, 500}, {10s, 50}},
                                                .pre_allocated_vus = 50, .max_vus = 1000,
                                                .arrivals = sp::arrival_process::poisson};
  // [executors]

  // [stages]
  // Stages compose as values: the same list as {{30s, 100}, {1min, 100}, {10s, 0}}.
  const auto shape = sp::ramp_to(100, 30s) >> sp::hold(1min) >> sp::ramp_to(0, 10s);
  // A step pattern repeated three times, then the whole shape at twice the load.
  const auto steps = (sp::ramp_to(50, 10s) >> sp::hold(20s)) * 3;
  const auto soak = shape.scaled(2.0);
  // [stages]

  for (const auto& e : {steady, ramp, batch, each, rate, spike}) {
    fmt::print("{:<22} {}\n", sp::executor_name(e), sp::describe(e, 30s));
  }
  fmt::print("stages: {} ({} total), steps: {} stages, soak peak {}\n", shape.size(),
             sp::format_go_duration(shape.total_duration()), steps.size(), soak.stages()[0].target.value_or(0));

  // [run]
  // Three scenarios at once, scaled down to about a second.
  sp::load_test test{
      .scenarios = {{.name = "steady", .exec = browse, .executor = sp::constant_vus{.vus = 5, .duration = 1s}},
                    {.name = "ramp", .exec = browse,
                     .executor = sp::ramping_vus{.start_vus = 0, .stages = sp::ramp_to(10, 500ms) >> sp::ramp_to(0, 500ms)}},
                    {.name = "open", .exec = browse,
                     .executor = sp::constant_arrival_rate{.rate = 100, .time_unit = 1s, .duration = 1s,
                                                           .pre_allocated_vus = 5, .max_vus = 20},
                     .start_time = 200ms}},
      .thresholds = {sp::iteration_duration.p(95) < 100ms, sp::checks.rate() > 0.99},
  };
  const auto result = sp::run(test, {.threads = 2, .seed = 7});
  fmt::print("{}", result.summary());
  return result.exit_code();
  // [run]
}
