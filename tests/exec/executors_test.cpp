// Tests of the executor definitions: how users write them, k6's names and description lines,
// every validation message, and the VU and duration figures a runner reads.
#include <stampede/exec/executors.hpp>

#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

TEST_CASE("executors are written with designated initializers and k6's defaults") {
  const sp::executor examples[] = {
      sp::constant_arrival_rate{
          .rate = 200, .time_unit = 1s, .duration = 30s, .pre_allocated_vus = 50, .max_vus = 500},
      sp::ramping_vus{.start_vus = 0, .stages = {{30s, 100}}},
      sp::per_vu_iterations{.vus = 1, .iterations = 5},
      sp::shared_iterations{.vus = 10, .iterations = 100},
      sp::constant_vus{.vus = 10, .duration = 10s},
      sp::ramping_arrival_rate{.start_rate = 50,
                               .stages = {{1min, 300}, {1min}, {0s, 0}},
                               .pre_allocated_vus = 50,
                               .max_vus = 500,
                               .arrivals = sp::arrival_process::poisson},
  };
  for (const auto& e : examples) CHECK_NOTHROW(sp::validate(e, "example"));

  // k6's defaults (NewSharedIterationsConfig, NewRampingVUsConfig, ...).
  CHECK(sp::shared_iterations{} ==
        sp::shared_iterations{.vus = 1, .iterations = 1, .max_duration = 10min});
  CHECK(sp::per_vu_iterations{}.max_duration == 10min);
  CHECK(sp::constant_vus{}.vus == 1);
  CHECK(sp::ramping_vus{}.start_vus == 1);
  CHECK(sp::ramping_vus{}.graceful_ramp_down == 30s);
  CHECK(sp::constant_arrival_rate{}.time_unit == 1s);
  CHECK(sp::ramping_arrival_rate{}.arrivals == sp::arrival_process::even);

  // Each definition compares as a value.
  CHECK(sp::ramping_vus{.stages = {{1s, 5}}} != sp::ramping_vus{.stages = {{1s, 6}}});
  CHECK(sp::constant_arrival_rate{.rate = 1} != sp::constant_arrival_rate{.rate = 2});
  CHECK(sp::executor{sp::constant_vus{}} != sp::executor{sp::per_vu_iterations{}});
}

TEST_CASE("executor_name gives k6's type names") {
  CHECK(sp::executor_name(sp::constant_vus{}) == "constant-vus");
  CHECK(sp::executor_name(sp::ramping_vus{}) == "ramping-vus");
  CHECK(sp::executor_name(sp::shared_iterations{}) == "shared-iterations");
  CHECK(sp::executor_name(sp::per_vu_iterations{}) == "per-vu-iterations");
  CHECK(sp::executor_name(sp::constant_arrival_rate{}) == "constant-arrival-rate");
  CHECK(sp::executor_name(sp::ramping_arrival_rate{}) == "ramping-arrival-rate");
}

TEST_CASE("validate names the scenario, the field, the bad value and what was expected") {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  constexpr double inf = std::numeric_limits<double>::infinity();
  const sp::constant_arrival_rate car{.rate = 10, .duration = 1s, .pre_allocated_vus = 5};
  const sp::ramping_arrival_rate rar{.stages = {{1s, 10}}, .pre_allocated_vus = 5};
  struct row {
    sp::executor e;
    std::string message;
  };
  // Rows marked "k6:" reproduce a case of k6's lib/executor/executors_test.go (configMapTestCases,
  // whose JSON is shown) or ramping_vus_test.go (TestRampingVUsConfigValidation) that k6 refuses.
  // clang-format off
  const std::vector<row> rows = {
      // k6: {"executor": "constant-vus", "vus": 10, "duration": "0s"}, and "vus": 10 with no duration.
      {sp::constant_vus{.vus = 10, .duration = 0s}, "constant_vus.duration must be greater than 0 (got 0s)"},
      {sp::constant_vus{.vus = 10, .duration = -1500ms}, "constant_vus.duration must be greater than 0 (got -1.5s)"},
      {sp::constant_vus{.vus = 0, .duration = 1s}, "constant_vus.vus must be at least 1 (got 0)"},  // k6: "vus": 0
      {sp::constant_vus{.vus = -1, .duration = 60s}, "constant_vus.vus must be at least 1 (got -1)"},  // k6: "vus": -1

      {sp::ramping_vus{.start_vus = -1, .stages = {{1s, 1}}}, "ramping_vus.start_vus must be at least 0 (got -1)"},
      {sp::ramping_vus{.start_vus = -1, .stages = {{60s, 30}}}, "ramping_vus.start_vus must be at least 0 (got -1)"},  // k6: "startVUs": -1
      // k6: "stages": [], no stages at all, and TestRampingVUsConfigValidation's "no stages".
      {sp::ramping_vus{.stages = {}}, "ramping_vus.stages must have at least one stage (got none)"},
      {sp::ramping_vus{.start_vus = 2, .stages = {{-60s, 30}}}, "ramping_vus.stages[0].duration must be at least 0 (got -1m0s)"},  // k6: "duration": "-60s"
      {sp::ramping_vus{.start_vus = 2, .stages = {{60s, -30}}}, "ramping_vus.stages[0].target must be at least 0 (got -30)"},  // k6: "target": -30
      {sp::ramping_vus{.stages = {{1s, 1}, {-2s, 3}}}, "ramping_vus.stages[1].duration must be at least 0 (got -2s)"},
      {sp::ramping_vus{.stages = {{1s, 1}, {2s, 3}, {1s, -4}}}, "ramping_vus.stages[2].target must be at least 0 (got -4)"},
      {sp::ramping_vus{.stages = {{1s, 1}}, .graceful_ramp_down = -1s}, "ramping_vus.graceful_ramp_down must be at least 0 (got -1s)"},
      {sp::ramping_vus{.start_vus = 0, .stages = {{1s, 0}, {2s}}}, "ramping_vus.stages must reach at least 1 VU (got start_vus and every target 0)"},
      // k6: "startVUs": 0 with one stage to 0, and TestRampingVUsConfigValidation's "basic 1 stage"
      // with startVUs 0.
      {sp::ramping_vus{.start_vus = 0, .stages = {{60s, 0}}}, "ramping_vus.stages must reach at least 1 VU (got start_vus and every target 0)"},
      {sp::ramping_vus{.start_vus = 0, .stages = {{12s, 0}}}, "ramping_vus.stages must reach at least 1 VU (got start_vus and every target 0)"},

      {sp::shared_iterations{.vus = 0, .iterations = 5}, "shared_iterations.vus must be at least 1 (got 0)"},
      {sp::shared_iterations{.vus = 1, .iterations = 0}, "shared_iterations.iterations must be at least 1 (got 0)"},
      {sp::shared_iterations{.vus = 5, .iterations = 3}, "shared_iterations.iterations must be at least vus (5) (got 3)"},
      {sp::shared_iterations{.max_duration = 0s}, "shared_iterations.max_duration must be greater than 0 (got 0s)"},
      {sp::shared_iterations{.vus = 10, .iterations = 20, .max_duration = 0s}, "shared_iterations.max_duration must be greater than 0 (got 0s)"},  // k6: "maxDuration": "0s"
      {sp::shared_iterations{.vus = 10, .iterations = 20, .max_duration = -3min}, "shared_iterations.max_duration must be greater than 0 (got -3m0s)"},  // k6: "maxDuration": "-3m"
      {sp::shared_iterations{.vus = 10}, "shared_iterations.iterations must be at least vus (10) (got 1)"},  // k6: "vus": 10 (1 iteration by default)
      {sp::shared_iterations{.vus = 30, .iterations = 20}, "shared_iterations.iterations must be at least vus (30) (got 20)"},  // k6: "iterations": 20, "vus": 30
      {sp::shared_iterations{.vus = -10, .iterations = 20}, "shared_iterations.vus must be at least 1 (got -10)"},  // k6: "vus": -10
      {sp::shared_iterations{.vus = 1, .iterations = -1}, "shared_iterations.iterations must be at least 1 (got -1)"},  // k6: "iterations": -1

      {sp::per_vu_iterations{.vus = -3}, "per_vu_iterations.vus must be at least 1 (got -3)"},
      {sp::per_vu_iterations{.iterations = 0}, "per_vu_iterations.iterations must be at least 1 (got 0)"},
      {sp::per_vu_iterations{.max_duration = -1min}, "per_vu_iterations.max_duration must be greater than 0 (got -1m0s)"},
      {sp::per_vu_iterations{.vus = 10, .iterations = 20, .max_duration = -3min}, "per_vu_iterations.max_duration must be greater than 0 (got -3m0s)"},  // k6: "maxDuration": "-3m"
      {sp::per_vu_iterations{.vus = 10, .iterations = 20, .max_duration = 0s}, "per_vu_iterations.max_duration must be greater than 0 (got 0s)"},  // k6: "maxDuration": "0s"
      {sp::per_vu_iterations{.vus = -10, .iterations = 20}, "per_vu_iterations.vus must be at least 1 (got -10)"},  // k6: "vus": -10
      {sp::per_vu_iterations{.vus = 1, .iterations = -1}, "per_vu_iterations.iterations must be at least 1 (got -1)"},  // k6: "iterations": -1

      // k6: "rate": 0, and no rate.
      {sp::constant_arrival_rate{.rate = 0, .duration = 1s, .pre_allocated_vus = 5}, "constant_arrival_rate.rate must be greater than 0 (got 0)"},
      {sp::constant_arrival_rate{.duration = 10min, .pre_allocated_vus = 20, .max_vus = 30}, "constant_arrival_rate.rate must be greater than 0 (got 0)"},
      {sp::constant_arrival_rate{.rate = -2.5, .duration = 1s, .pre_allocated_vus = 5}, "constant_arrival_rate.rate must be greater than 0 (got -2.5)"},
      {sp::constant_arrival_rate{.rate = nan, .duration = 1s, .pre_allocated_vus = 5}, "constant_arrival_rate.rate must be greater than 0 (got nan)"},
      {sp::constant_arrival_rate{.rate = inf, .duration = 1s, .pre_allocated_vus = 5}, "constant_arrival_rate.rate must be finite (got inf)"},
      {[&] { auto e = car; e.time_unit = 0s; return e; }(), "constant_arrival_rate.time_unit must be greater than 0 (got 0s)"},  // k6: "timeUnit": "0s"
      {sp::constant_arrival_rate{.rate = 10, .time_unit = -1s, .duration = 10min, .pre_allocated_vus = 20, .max_vus = 30}, "constant_arrival_rate.time_unit must be greater than 0 (got -1s)"},  // k6: "timeUnit": "-1s"
      // k6: "duration": "0m", "duration": "0s", and no duration.
      {[&] { auto e = car; e.duration = 0s; return e; }(), "constant_arrival_rate.duration must be greater than 0 (got 0s)"},
      {sp::constant_arrival_rate{.rate = 10, .pre_allocated_vus = 20, .max_vus = 30}, "constant_arrival_rate.duration must be greater than 0 (got 0s)"},
      // k6 refuses a missing preAllocatedVUs but accepts 0; stampede refuses 0, with which no
      // iteration could ever start (docs/k6.md).
      {[&] { auto e = car; e.pre_allocated_vus = 0; return e; }(), "constant_arrival_rate.pre_allocated_vus must be at least 1 (got 0)"},
      {sp::constant_arrival_rate{.rate = 10, .duration = 10min, .max_vus = 30}, "constant_arrival_rate.pre_allocated_vus must be at least 1 (got 0)"},  // k6: no preAllocatedVUs
      {sp::constant_arrival_rate{.rate = 10, .duration = 10min, .pre_allocated_vus = -2, .max_vus = 25}, "constant_arrival_rate.pre_allocated_vus must be at least 1 (got -2)"},  // k6: "preAllocatedVUs": -2
      {[&] { auto e = car; e.max_vus = 4; return e; }(), "constant_arrival_rate.max_vus must be 0 (as many as pre_allocated_vus) or at least pre_allocated_vus (5) (got 4)"},
      {sp::constant_arrival_rate{.rate = 10, .duration = 10min, .pre_allocated_vus = 20, .max_vus = 15}, "constant_arrival_rate.max_vus must be 0 (as many as pre_allocated_vus) or at least pre_allocated_vus (20) (got 15)"},  // k6: "maxVUs": 15
      {[&] { auto e = car; e.max_vus = -1; return e; }(), "constant_arrival_rate.max_vus must be 0 (as many as pre_allocated_vus) or at least pre_allocated_vus (5) (got -1)"},

      {[&] { auto e = rar; e.start_rate = -1; return e; }(), "ramping_arrival_rate.start_rate must be at least 0 (got -1)"},  // k6: "startRate": -1
      {[&] { auto e = rar; e.start_rate = nan; return e; }(), "ramping_arrival_rate.start_rate must be at least 0 (got nan)"},
      {[&] { auto e = rar; e.start_rate = inf; return e; }(), "ramping_arrival_rate.start_rate must be finite (got inf)"},
      {[&] { auto e = rar; e.time_unit = -1s; return e; }(), "ramping_arrival_rate.time_unit must be greater than 0 (got -1s)"},  // k6: "timeUnit": "-1s"
      {sp::ramping_arrival_rate{.time_unit = 0s, .stages = {{5min, 10}}, .pre_allocated_vus = 20, .max_vus = 50}, "ramping_arrival_rate.time_unit must be greater than 0 (got 0s)"},  // k6: "timeUnit": "0s"
      {[&] { auto e = rar; e.stages = {}; return e; }(), "ramping_arrival_rate.stages must have at least one stage (got none)"},  // k6: "stages": [], and no stages
      {[&] { auto e = rar; e.stages = {{-1ns, 1}}; return e; }(), "ramping_arrival_rate.stages[0].duration must be at least 0 (got -1ns)"},
      {[&] { auto e = rar; e.stages = {{1s, -10}}; return e; }(), "ramping_arrival_rate.stages[0].target must be at least 0 (got -10)"},
      // k6 refuses a missing preAllocatedVUs (and accepts 0: see above).
      {[&] { auto e = rar; e.pre_allocated_vus = 0; return e; }(), "ramping_arrival_rate.pre_allocated_vus must be at least 1 (got 0)"},
      {sp::ramping_arrival_rate{.stages = {{5min, 10}}, .pre_allocated_vus = -20, .max_vus = 50}, "ramping_arrival_rate.pre_allocated_vus must be at least 1 (got -20)"},  // k6: "preAllocatedVUs": -20
      {[&] { auto e = rar; e.max_vus = 2; return e; }(), "ramping_arrival_rate.max_vus must be 0 (as many as pre_allocated_vus) or at least pre_allocated_vus (5) (got 2)"},
      {sp::ramping_arrival_rate{.stages = {{5min, 10}}, .pre_allocated_vus = 30, .max_vus = 20}, "ramping_arrival_rate.max_vus must be 0 (as many as pre_allocated_vus) or at least pre_allocated_vus (30) (got 20)"},  // k6: "preAllocatedVUs": 30, "maxVUs": 20

      // k6's maxConcurrentVUs (lib/executor/ramping_vus.go: "the startVUs exceed max limit of
      // 100000000", "target for stage 2 exceeds max limit of 100000000"), for every VU count;
      // k6: TestRampingVUsConfigValidation, "If startVUs are larger than maxConcurrentVUs, the
      // validation should return an error".
      {sp::ramping_vus{.start_vus = 100'000'001, .stages = {{1s, 1}}}, "ramping_vus.start_vus must be at most 100000000 (got 100000001)"},
      {sp::ramping_vus{.stages = {{1s, 1}, {1s, 100'000'001}}}, "ramping_vus.stages[1].target must be at most 100000000 (got 100000001)"},
      {sp::constant_vus{.vus = 100'000'001, .duration = 1s}, "constant_vus.vus must be at most 100000000 (got 100000001)"},
      {sp::shared_iterations{.vus = 100'000'001, .iterations = 100'000'001}, "shared_iterations.vus must be at most 100000000 (got 100000001)"},
      {sp::per_vu_iterations{.vus = 100'000'001}, "per_vu_iterations.vus must be at most 100000000 (got 100000001)"},
      {[&] { auto e = car; e.pre_allocated_vus = 100'000'001; return e; }(), "constant_arrival_rate.pre_allocated_vus must be at most 100000000 (got 100000001)"},
      {[&] { auto e = rar; e.max_vus = 100'000'001; return e; }(), "ramping_arrival_rate.max_vus must be at most 100000000 (got 100000001)"},
  };
  // clang-format on
  for (const auto& r : rows) {
    INFO(r.message);
    CHECK_THROWS_AS(sp::validate(r.e, "checkout"), sp::usage_error);
    CHECK_THROWS_WITH(sp::validate(r.e, "checkout"), "scenario \"checkout\": " + r.message);
  }
}

TEST_CASE("validate refuses durations and stage totals past max_test_duration, so no sum of them overflows") {
  using std::chrono::nanoseconds;
  const auto huge = nanoseconds{std::numeric_limits<std::int64_t>::max()};
  const auto half = nanoseconds{std::numeric_limits<std::int64_t>::max() / 2 + 1};
  struct row {
    sp::executor e;
    std::string message;
  };
  const std::vector<row> rows = {
      {sp::constant_vus{.duration = huge},
       "constant_vus.duration must be at most 876000h0m0s (max_test_duration) (got 2562047h47m16.854775807s)"},
      {sp::ramping_vus{.stages = {{half, 1}, {half, 1}}},
       "ramping_vus.stages[0].duration must be at most 876000h0m0s (max_test_duration) (got 1281023h53m38.427387904s)"},
      {sp::ramping_vus{.stages = {{sp::max_test_duration, 1}, {1ns, 1}}},
       "ramping_vus.stages must last at most 876000h0m0s in all (max_test_duration) (got 876000h0m0.000000001s by stages[1])"},
      {sp::ramping_arrival_rate{.stages = {{600'000h, 1}, {300'000h, 1}}, .pre_allocated_vus = 1},
       "ramping_arrival_rate.stages must last at most 876000h0m0s in all (max_test_duration) (got 900000h0m0s by stages[1])"},
      {sp::ramping_vus{.stages = {{1s, 1}}, .graceful_ramp_down = huge},
       "ramping_vus.graceful_ramp_down must be at most 876000h0m0s (max_test_duration) (got 2562047h47m16.854775807s)"},
      {sp::shared_iterations{.max_duration = huge},
       "shared_iterations.max_duration must be at most 876000h0m0s (max_test_duration) (got 2562047h47m16.854775807s)"},
      {sp::constant_arrival_rate{.rate = 1, .time_unit = huge, .duration = 1s, .pre_allocated_vus = 1},
       "constant_arrival_rate.time_unit must be at most 876000h0m0s (max_test_duration) (got 2562047h47m16.854775807s)"},
  };
  for (const auto& r : rows) {
    INFO(r.message);
    CHECK_THROWS_WITH(sp::validate(r.e, "long"), "scenario \"long\": " + r.message);
  }
  CHECK_NOTHROW(sp::validate(sp::ramping_vus{.stages = {{sp::max_test_duration - 1s, 1}, {1s, 0}}}, "long"));
}

TEST_CASE("validate accepts the edge values k6 accepts") {
  const std::vector<sp::executor> fine = {
      // k6 wants a duration of at least 1s; stampede takes any above 0, because tests in a
      // unit-test binary run for milliseconds (docs/k6.md).
      sp::constant_vus{.vus = 1, .duration = 1ns},
      sp::ramping_vus{.start_vus = 0, .stages = {{0s, 5}, {0s, 0}}},  // jumps only
      sp::ramping_vus{.start_vus = 3, .stages = {{10s}}, .graceful_ramp_down = 0s},
      sp::shared_iterations{.vus = 5, .iterations = 5},
      // k6's rate is a whole number of iterations per timeUnit (0.5/s is written rate 1,
      // timeUnit 2s, and "rate": 0.5 does not parse); stampede's rate is a double, so that
      // a rate can be scaled or computed without rounding.
      sp::constant_arrival_rate{.rate = 0.5, .duration = 1s, .pre_allocated_vus = 1, .max_vus = 1},
      sp::ramping_arrival_rate{.start_rate = 0, .stages = {{1s, 0}}, .pre_allocated_vus = 1},
      sp::ramping_vus{.start_vus = 100'000'000, .stages = {{1s, 100'000'000}}},  // k6's limit itself
      sp::ramping_arrival_rate{.stages = {{1s, 200'000'000}}, .pre_allocated_vus = 1},  // a rate, not VUs

      // k6's lib/executor/executors_test.go, configMapTestCases that validate (their JSON in
      // the comments; what k6 leaves out takes k6's default, as here).
      sp::constant_vus{.duration = 60s},                                      // {"duration": "60s"}: 1 VU
      sp::shared_iterations{},                                                // {}: 1 VU, 1 iteration
      sp::shared_iterations{.iterations = 20},                                // {"iterations": 20}
      sp::shared_iterations{.vus = 10, .iterations = 20, .max_duration = 30min},  // "maxDuration": "30m"
      sp::per_vu_iterations{},                                                // {}: 1 VU, 1 iteration
      sp::per_vu_iterations{.iterations = 20},                                // {"iterations": 20}
      sp::per_vu_iterations{.vus = 10},                                       // {"vus": 10}
      sp::per_vu_iterations{.vus = 10, .iterations = 20},                     // both
      sp::constant_arrival_rate{.rate = 10, .duration = 10min, .pre_allocated_vus = 20, .max_vus = 30},
      sp::constant_arrival_rate{.rate = 10, .duration = 10min, .pre_allocated_vus = 20},  // no maxVUs
      sp::ramping_arrival_rate{.stages = {{5min, 10}}, .pre_allocated_vus = 20, .max_vus = 50},
      sp::ramping_arrival_rate{.stages = {{5min, 10}}, .pre_allocated_vus = 20},  // no maxVUs
      sp::ramping_vus{.start_vus = 1, .stages = {{10s, 10}, {0s, 1}, {10s, 5}}, .graceful_ramp_down = 0s},
      sp::ramping_vus{.start_vus = 1, .stages = {{10s, 10}, {0s, 11}, {0s, 1}, {10s, 5}}, .graceful_ramp_down = 0s},
      // k6's ramping_vus_test.go, TestRampingVUsConfigValidation: "basic 1 stage" (startVUs 1 by
      // default) and "VU values below maxConcurrentVUs will pass validation".
      sp::ramping_vus{.stages = {{12s, 0}}},
      sp::ramping_vus{.start_vus = 0, .stages = {{1s, 100'000'000 - 1}}},
  };
  for (const auto& e : fine) {
    INFO(sp::executor_name(e));
    CHECK_NOTHROW(sp::validate(e, "edge"));
  }
}

TEST_CASE("describe prints k6's description line for each executor") {
  struct row {
    sp::executor e;
    std::chrono::nanoseconds graceful_stop;
    std::string text;
  };
  const std::vector<row> rows = {
      {sp::constant_vus{.vus = 10, .duration = 10s}, 30s,
       "10 looping VUs for 10s (gracefulStop: 30s)"},
      {sp::constant_vus{.vus = 10, .duration = 10s}, 0s, "10 looping VUs for 10s"},
      {sp::ramping_vus{.stages = {{1min, 1000}, {10min, 5000}}}, 30s,
       "Up to 5000 looping VUs for 11m0s over 2 stages (gracefulRampDown: 30s, gracefulStop: 30s)"},
      {sp::ramping_vus{.start_vus = 20, .stages = {{30s, 10}}, .graceful_ramp_down = 0s}, 0s,
       "Up to 20 looping VUs for 30s over 1 stages (gracefulRampDown: 0s)"},
      {sp::shared_iterations{.vus = 10, .iterations = 100}, 30s,
       "100 iterations shared among 10 VUs (maxDuration: 10m0s, gracefulStop: 30s)"},
      {sp::per_vu_iterations{.vus = 1, .iterations = 5}, 30s,
       "5 iterations for each of 1 VUs (maxDuration: 10m0s, gracefulStop: 30s)"},
      {sp::per_vu_iterations{.vus = 4, .iterations = 2, .max_duration = 90s}, 2500ms,
       "2 iterations for each of 4 VUs (maxDuration: 1m30s, gracefulStop: 2.5s)"},
      {sp::constant_arrival_rate{
           .rate = 200, .time_unit = 1s, .duration = 30s, .pre_allocated_vus = 50, .max_vus = 500},
       30s, "200.00 iterations/s for 30s (maxVUs: 50-500, gracefulStop: 30s)"},
      {sp::constant_arrival_rate{
           .rate = 200, .time_unit = 1min, .duration = 30s, .pre_allocated_vus = 50},
       30s, "3.33 iterations/s for 30s (maxVUs: 50, gracefulStop: 30s)"},
      {sp::constant_arrival_rate{
           .rate = 1, .time_unit = 100ms, .duration = 1s, .pre_allocated_vus = 5, .max_vus = 5},
       0s, "10.00 iterations/s for 1s (maxVUs: 5)"},
      {sp::ramping_arrival_rate{.start_rate = 50,
                                .stages = {{1min, 300}, {30s, 300}, {30s, 0}},
                                .pre_allocated_vus = 50,
                                .max_vus = 500},
       30s, "Up to 300.00 iterations/s for 2m0s over 3 stages (maxVUs: 50-500, gracefulStop: 30s)"},
      {sp::ramping_arrival_rate{
           .start_rate = 600, .time_unit = 1min, .stages = {{10s, 60}}, .pre_allocated_vus = 2},
       30s, "Up to 10.00 iterations/s for 10s over 1 stages (maxVUs: 2, gracefulStop: 30s)"},

      // k6's lib/executor/executors_test.go, configMapTestCases: GetDescription of the whole test.
      {sp::ramping_vus{.start_vus = 1, .stages = {{10s, 10}}, .graceful_ramp_down = 10s}, 0s,
       "Up to 10 looping VUs for 10s over 1 stages (gracefulRampDown: 10s)"},
      {sp::ramping_vus{.start_vus = 1, .stages = {{10s, 10}, {0s, 1}, {10s, 5}}, .graceful_ramp_down = 0s}, 0s,
       "Up to 10 looping VUs for 20s over 3 stages (gracefulRampDown: 0s)"},
      {sp::ramping_vus{.start_vus = 1, .stages = {{10s, 10}, {0s, 11}, {0s, 1}, {10s, 5}}, .graceful_ramp_down = 0s}, 0s,
       "Up to 11 looping VUs for 20s over 4 stages (gracefulRampDown: 0s)"},
      {sp::shared_iterations{.vus = 12, .iterations = 22, .max_duration = 100s}, 30s,
       "22 iterations shared among 12 VUs (maxDuration: 1m40s, gracefulStop: 30s)"},
      {sp::per_vu_iterations{.vus = 13, .iterations = 23}, 0s,
       "23 iterations for each of 13 VUs (maxDuration: 10m0s)"},
      {sp::constant_arrival_rate{
           .rate = 30, .time_unit = 1min, .duration = 10min, .pre_allocated_vus = 20, .max_vus = 30},
       30s, "0.50 iterations/s for 10m0s (maxVUs: 20-30, gracefulStop: 30s)"},
      {sp::ramping_arrival_rate{.start_rate = 10,
                                .time_unit = 30s,
                                .stages = {{3min, 30}, {5min, 10}},
                                .pre_allocated_vus = 20,
                                .max_vus = 50},
       30s, "Up to 1.00 iterations/s for 8m0s over 2 stages (maxVUs: 20-50, gracefulStop: 30s)"},
  };
  for (const auto& r : rows) {
    CHECK(sp::describe(r.e, r.graceful_stop) == r.text);
  }
}

TEST_CASE("describe lists a scenario's startTime before gracefulStop, each only when above 0") {
  const sp::executor e = sp::constant_vus{.vus = 10, .duration = 10s};
  CHECK(sp::describe(e, 30s, 1min) == "10 looping VUs for 10s (startTime: 1m0s, gracefulStop: 30s)");
  CHECK(sp::describe(e, 0s, 1min) == "10 looping VUs for 10s (startTime: 1m0s)");
  CHECK(sp::describe(e, 0s, 0s) == "10 looping VUs for 10s");
  const sp::executor r = sp::ramping_vus{.start_vus = 0, .stages = {{30s, 100}}};
  CHECK(sp::describe(r, 30s, 5s) ==
        "Up to 100 looping VUs for 30s over 1 stages (gracefulRampDown: 30s, startTime: 5s, gracefulStop: 30s)");

  // k6's lib/executor/executors_test.go, configMapTestCases: "varloops" (startTime 23s).
  const sp::executor varloops =
      sp::ramping_vus{.start_vus = 20, .stages = {{60s, 30}, {130s, 10}}, .graceful_ramp_down = 10s};
  CHECK(sp::describe(varloops, 15s, 23s) ==
        "Up to 30 looping VUs for 3m10s over 2 stages (gracefulRampDown: 10s, startTime: 23s, gracefulStop: 15s)");
  // The constant-vus case with "exec": "someFunc", "startTime": "70s", "gracefulStop": "10s".
  // k6 describes it as "10 looping VUs for 1m0s (exec: someFunc, startTime: 1m10s,
  // gracefulStop: 10s)"; stampede leaves out `exec: ...` because a scenario's exec is a C++
  // callable, which has no name to show (the scenario's name identifies it).
  CHECK(sp::describe(sp::constant_vus{.vus = 10, .duration = 60s}, 10s, 70s) ==
        "10 looping VUs for 1m0s (startTime: 1m10s, gracefulStop: 10s)");
}

TEST_CASE("the VU and duration figures follow k6's requirements for each executor") {
  struct row {
    sp::executor e;
    std::int64_t max_vus;
    std::int64_t initial_vus;
    std::chrono::nanoseconds regular;
  };
  const std::vector<row> rows = {
      {sp::constant_vus{.vus = 10, .duration = 10s}, 10, 10, 10s},
      {sp::ramping_vus{.start_vus = 3, .stages = {{10s, 20}, {1min}, {5s, 0}}}, 20, 20, 75s},
      {sp::ramping_vus{.start_vus = 30, .stages = {{10s, 20}}}, 30, 30, 10s},
      {sp::shared_iterations{.vus = 10, .iterations = 100}, 10, 10, 10min},
      {sp::per_vu_iterations{.vus = 4, .iterations = 2, .max_duration = 90s}, 4, 4, 90s},
      {sp::constant_arrival_rate{
           .rate = 200, .duration = 30s, .pre_allocated_vus = 50, .max_vus = 500},
       500, 50, 30s},
      {sp::constant_arrival_rate{.rate = 200, .duration = 30s, .pre_allocated_vus = 50}, 50, 50,
       30s},
      {sp::ramping_arrival_rate{
           .stages = {{1min, 300}, {0s, 10}, {2min}}, .pre_allocated_vus = 7, .max_vus = 9},
       9, 7, 3min},
  };
  for (const auto& r : rows) {
    INFO(sp::executor_name(r.e));
    CHECK(sp::max_vus(r.e) == r.max_vus);
    CHECK(sp::initial_vus(r.e) == r.initial_vus);
    CHECK(sp::regular_duration(r.e) == r.regular);
    CHECK(sp::max_duration(r.e, 30s) == r.regular + 30s);
    CHECK(sp::max_duration(r.e, 0s) == r.regular);
  }
}

TEST_CASE("the VU and duration figures of k6's configurations are k6's GetExecutionRequirements") {
  // k6's lib/executor/executors_test.go, configMapTestCases: GetMaxPossibleVUs is max_vus,
  // GetMaxPlannedVUs is initial_vus, and GetEndOffset (without the scenario's startTime) is
  // max_duration with the scenario's graceful stop.
  struct row {
    const char* name;
    sp::executor e;
    std::chrono::nanoseconds graceful_stop;
    std::int64_t max_vus;
    std::int64_t initial_vus;
    std::chrono::nanoseconds end_offset;
  };
  const std::vector<row> rows = {
      {"someKey", sp::constant_vus{.vus = 10, .duration = 60s}, 10s, 10, 10, 70s},
      {"varloops", sp::ramping_vus{.start_vus = 20, .stages = {{60s, 30}, {130s, 10}}, .graceful_ramp_down = 10s}, 15s,
       30, 30, 205s},
      {"varloops, 1 stage", sp::ramping_vus{.start_vus = 1, .stages = {{10s, 10}}, .graceful_ramp_down = 10s}, 0s, 10,
       10, 10s},
      {"varloops, 3 stages", sp::ramping_vus{.start_vus = 1, .stages = {{10s, 10}, {0s, 1}, {10s, 5}}, .graceful_ramp_down = 0s},
       0s, 10, 10, 20s},
      {"varloops, 4 stages",
       sp::ramping_vus{.start_vus = 1, .stages = {{10s, 10}, {0s, 11}, {0s, 1}, {10s, 5}}, .graceful_ramp_down = 0s}, 0s,
       11, 11, 20s},
      {"ishared", sp::shared_iterations{.vus = 12, .iterations = 22, .max_duration = 100s}, 30s, 12, 12, 130s},
      {"ipervu", sp::per_vu_iterations{.vus = 13, .iterations = 23}, 0s, 13, 13, 600s},
      {"carrival",
       sp::constant_arrival_rate{.rate = 30, .time_unit = 1min, .duration = 10min, .pre_allocated_vus = 20, .max_vus = 30},
       30s, 30, 20, 630s},
      {"varrival",
       sp::ramping_arrival_rate{
           .start_rate = 10, .time_unit = 30s, .stages = {{3min, 30}, {5min, 10}}, .pre_allocated_vus = 20, .max_vus = 50},
       30s, 50, 20, 510s},
      // Without maxVUs, k6 takes preAllocatedVUs (MaxVUs.Int64 == 20).
      {"carrival, no maxVUs", sp::constant_arrival_rate{.rate = 10, .duration = 10min, .pre_allocated_vus = 20}, 30s, 20,
       20, 630s},
      {"varrival, no maxVUs", sp::ramping_arrival_rate{.stages = {{5min, 10}}, .pre_allocated_vus = 20}, 30s, 20, 20,
       330s},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    CHECK(sp::max_vus(r.e) == r.max_vus);
    CHECK(sp::initial_vus(r.e) == r.initial_vus);
    CHECK(sp::max_duration(r.e, r.graceful_stop) == r.end_offset);
  }
}

TEST_CASE("an arrival-rate part's VUs and work follow k6's segmented requirements") {
  const auto tuple = [](const char* segment, const char* sequence) {
    return sp::execution_tuple{sp::execution_segment::parse(segment), sp::execution_segment_sequence::parse(sequence)};
  };
  // k6's ramping_arrival_rate_test.go, TestRampingArrivalRateActiveVUs_GetExecutionRequirements:
  // PlannedVUs is initial_vus, and PlannedVUs + MaxUnplannedVUs is max_vus.
  struct row {
    const char* name;
    std::int64_t pre_allocated_vus;
    std::int64_t max_vus;
    const char* segment;
    const char* sequence;
    std::int64_t planned;
    std::int64_t max_unplanned;
  };
  const row rows[] = {
      {"Segmented/Odd", 1, 4000, "0:1/4", "0,1/4,1/2,3/4,1", 1, 999},
      {"Segmented/Even", 100, 4000, "0:1/4", "0,1/4,1/2,3/4,1", 25, 975},
      {"NotSegmented/Odd", 1, 4000, "0:1", "0,1", 1, 3999},
      {"NotSegmented/Even", 100, 4000, "0:1", "0,1", 100, 3900},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    const sp::executor e =
        sp::ramping_arrival_rate{.stages = {{1s, 1}}, .pre_allocated_vus = r.pre_allocated_vus, .max_vus = r.max_vus};
    const auto part = tuple(r.segment, r.sequence);
    CHECK(sp::initial_vus(e, part) == r.planned);
    CHECK(sp::max_vus(e, part) - sp::initial_vus(e, part) == r.max_unplanned);
  }
  // TestRampingArrivalRateCornerCase: of 2 maxVUs, the part 1/5:2/5 of 0,1/5,2/5,1 gets none,
  // so it has no work. (k6's config leaves preAllocatedVUs at 0; stampede wants at least 1.)
  const sp::executor corner = sp::ramping_arrival_rate{.start_rate = 1, .stages = {{1s, 1}}, .pre_allocated_vus = 1, .max_vus = 2};
  CHECK_FALSE(sp::has_work(corner, tuple("1/5:2/5", "0,1/5,2/5,1")));
  CHECK(sp::has_work(corner, tuple("0:1/5", "0,1/5,2/5,1")));
}

TEST_CASE("where k6 refuses a ramping_vus configuration and stampede reads it otherwise") {
  // k6's configMapTestCases refuse {"stages": [{"duration": "60s"}]} ("stage 1 doesn't have a
  // target"); stampede reads a stage without a target as a hold at the level before it (here
  // start_vus, 1 by default), because `sp::hold(60s)` and `{60s}` are how stampede writes a
  // plateau.
  CHECK_NOTHROW(sp::validate(sp::ramping_vus{.stages = {{60s}}}, "varloops"));
  CHECK(sp::max_vus(sp::ramping_vus{.stages = {{60s}}}) == 1);
  // With start_vus 0 a hold stays at 0, and the rule that some stage reaches a VU refuses it.
  CHECK_THROWS_WITH(sp::validate(sp::ramping_vus{.start_vus = 0, .stages = {{60s}}}, "varloops"),
                    "scenario \"varloops\": ramping_vus.stages must reach at least 1 VU (got start_vus and every target 0)");

  // k6's TestRampingVUsConfigValidation, "For multiple VU values larger than maxConcurrentVUs,
  // multiple errors are returned": k6 returns both errors (startVUs, then stage 1's target);
  // stampede throws the first one, because validate reports a mistake as a usage_error
  // exception, and one message names one field to fix.
  CHECK_THROWS_WITH(sp::validate(sp::ramping_vus{.start_vus = 100'000'001, .stages = {{1s, 100'000'002}}}, "stage"),
                    "scenario \"stage\": ramping_vus.start_vus must be at most 100000000 (got 100000001)");
}

TEST_CASE("every executor definition is a model of executor_options") {
  STATIC_REQUIRE(sp::executor_options<sp::constant_vus>);
  STATIC_REQUIRE(sp::executor_options<sp::ramping_arrival_rate>);
  STATIC_REQUIRE_FALSE(sp::executor_options<sp::stage_list>);
  STATIC_REQUIRE_FALSE(sp::executor_options<int>);
}
