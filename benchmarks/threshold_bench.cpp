// Costs of thresholds: evaluating them against a run's merged snapshot (the ticker does this
// once a second for abort_on_fail thresholds, the runner once at the end for all of them) and
// parsing k6's string form (once per threshold, before the run).
#include <stampede/eval/threshold.hpp>
#include <stampede/eval/window_tracker.hpp>
#include <stampede/metrics/snapshot.hpp>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <vector>

namespace {

namespace sp = stampede;
using namespace std::chrono_literals;

// A snapshot as a run ends with: 10^5 request durations (log-uniform 100 µs … 100 ms) and
// the failed-request rate.
sp::snapshot run_snapshot() {
  sp::snapshot s{0s, 10s};
  sp::trend_sink duration{sp::value_type::time};
  sp::rate_sink failed;
  double value = 1e5;
  for (int i = 0; i < 100'000; ++i) {
    duration.add(value);
    failed.add(i % 1000 == 0);
    value = value < 1e8 ? value * 1.0001 : 1e5;
  }
  s.add(sp::http_req_duration.descriptor(), duration);
  s.add(sp::http_req_failed.descriptor(), failed);
  return s;
}

// The common pair: a latency percentile and an error rate.
void threshold_evaluate_p95_and_rate(benchmark::State& state) {
  const auto total = run_snapshot();
  const std::vector<sp::threshold> thresholds{sp::http_req_duration.p(95) < 200ms,
                                              sp::http_req_failed.rate() < 0.01};
  const sp::window_tracker windows{thresholds};
  const auto source = windows.source(total);
  for (auto _ : state) {
    for (const auto& t : thresholds) {
      auto r = t.evaluate(source);
      benchmark::DoNotOptimize(r.passed);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(thresholds.size()));
}
BENCHMARK(threshold_evaluate_p95_and_rate);

// A composed expression of four conditions on one trend: `p(50) < 50ms && p(90) < 100ms &&
// p(99) < 200ms && max < 1s`, each condition a percentile query of the histogram.
void threshold_evaluate_composed(benchmark::State& state) {
  const auto total = run_snapshot();
  const auto t = sp::http_req_duration.p(50) < 50ms && sp::http_req_duration.p(90) < 100ms &&
                 sp::http_req_duration.p(99) < 200ms && sp::http_req_duration.max() < 1s;
  const sp::window_tracker windows{{t}};
  const auto source = windows.source(total);
  for (auto _ : state) {
    auto r = t.evaluate(source);
    benchmark::DoNotOptimize(r.passed);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(threshold_evaluate_composed);

// k6's string form, as a test written from a k6 script declares its thresholds.
void threshold_parse(benchmark::State& state) {
  for (auto _ : state) {
    auto t = sp::threshold::parse("http_req_duration{expected_response:true}", "p(95) < 200");
    benchmark::DoNotOptimize(&t);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(threshold_parse);

}  // namespace

BENCHMARK_MAIN();
