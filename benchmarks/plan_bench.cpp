// Costs of the plan functions the runner asks on every scheduling decision: the VUs a
// ramping_vus wants at a moment and when that changes, and when the next iteration of an
// arrival-rate executor is due (even and Poisson arrivals).
#include <stampede/exec/plan.hpp>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>

namespace {

namespace sp = stampede;
using namespace std::chrono_literals;

// A typical ramp: up, hold, spike, hold, down — over 5 stages and 10 minutes.
sp::stage_list ramp() { return {{1min, 100}, {3min, 100}, {30s, 500}, {4min, 500}, {90s, 0}}; }

void plan_vus_at(benchmark::State& state) {
  const sp::vu_plan plan{sp::ramping_vus{.start_vus = 0, .stages = ramp()}};
  std::chrono::nanoseconds t{0};
  for (auto _ : state) {
    benchmark::DoNotOptimize(plan.vus_at(t));
    t = t < plan.duration() ? t + 7919ms : 0ns;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(plan_vus_at);

// The runner's walk through a ramp: next_change from each change to the next, 2,300 steps.
void plan_next_change_walk(benchmark::State& state) {
  const sp::vu_plan plan{sp::ramping_vus{.start_vus = 0, .stages = ramp()}};
  std::int64_t steps = 0;
  for (auto _ : state) {
    std::chrono::nanoseconds t{0};
    while (const auto next = plan.next_change(t)) {
      t = *next;
      ++steps;
    }
  }
  state.SetItemsProcessed(steps);
}
BENCHMARK(plan_next_change_walk);

void plan_start_of_constant_rate(benchmark::State& state) {
  const sp::arrival_plan plan{sp::constant_arrival_rate{.rate = 1000, .time_unit = 1s, .duration = 1h,
                                                        .pre_allocated_vus = 10}};
  std::uint64_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(plan.start_of(i));
    i = i < 3'000'000 ? i + 1 : 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(plan_start_of_constant_rate);

void plan_start_of_ramping_rate(benchmark::State& state) {
  const sp::arrival_plan plan{sp::ramping_arrival_rate{.start_rate = 0, .time_unit = 1s, .stages = ramp(),
                                                       .pre_allocated_vus = 10}};
  std::uint64_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(plan.start_of(i));
    i = i < 100'000 ? i + 1 : 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(plan_start_of_ramping_rate);

// arrival_schedule::next(), the runner's one call per arrival.
void plan_schedule_next(benchmark::State& state) {
  const auto process = state.range(0) == 0 ? sp::arrival_process::even : sp::arrival_process::poisson;
  const sp::ramping_arrival_rate executor{.start_rate = 0, .time_unit = 1s, .stages = ramp(),
                                          .pre_allocated_vus = 10, .arrivals = process};
  sp::arrival_schedule schedule{sp::arrival_plan{executor}, process, 1};
  for (auto _ : state) {
    auto next = schedule.next();
    if (!next) {
      state.PauseTiming();
      schedule = sp::arrival_schedule{sp::arrival_plan{executor}, process, 1};
      state.ResumeTiming();
      next = schedule.next();
    }
    benchmark::DoNotOptimize(next);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(process == sp::arrival_process::even ? "even" : "poisson");
}
BENCHMARK(plan_schedule_next)->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
