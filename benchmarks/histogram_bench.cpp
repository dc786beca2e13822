// Costs of the trend histogram: record (the hot path of every request), merge (what the
// ticker does once a second per shard), percentile queries and the sparse state export,
// beside the peer approach k6 takes for a Trend: keep every sample, sort for percentiles.
#include <stampede/metrics/histogram.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace {

// Latency-like values, 10 µs … ~1 s log-uniform, drawn once so the loop measures recording
// and not the random generator. 4096 entries: fits in L1 beside the hot slots, like a real
// run whose latencies cluster.
const std::array<std::uint64_t, 4096>& latencies() {
  static const auto values = [] {
    std::array<std::uint64_t, 4096> v{};
    std::mt19937_64 rng{42};
    for (auto& x : v) {
      const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;  // [0, 1)
      x = static_cast<std::uint64_t>(std::exp(std::log(1e4) + u * (std::log(1e9) - std::log(1e4))));
    }
    return v;
  }();
  return values;
}

stampede::histogram filled(std::size_t samples, std::uint64_t seed) {
  stampede::histogram h;
  std::mt19937_64 rng{seed};
  const auto& v = latencies();
  for (std::size_t i = 0; i < samples; ++i) h.record(v[rng() % v.size()]);
  return h;
}

void histogram_record(benchmark::State& state) {
  stampede::histogram h;
  const auto& v = latencies();
  std::size_t i = 0;
  for (auto _ : state) {
    h.record(v[i++ & (v.size() - 1)]);
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(histogram_record);

void histogram_record_same_value(benchmark::State& state) {
  stampede::histogram h;
  std::uint64_t value = 1'250'000;
  for (auto _ : state) {
    benchmark::DoNotOptimize(value);
    h.record(value);
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(histogram_record_same_value);

// What the ticker does each second: fold a shard's histogram into the run's.
void histogram_merge(benchmark::State& state) {
  const auto shard = filled(static_cast<std::size_t>(state.range(0)), 1);
  stampede::histogram total;
  for (auto _ : state) {
    total.merge(shard);
  }
  benchmark::DoNotOptimize(total.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(histogram_merge)->Arg(1'000)->Arg(100'000);

void histogram_percentile(benchmark::State& state) {
  const auto h = filled(1'000'000, 2);
  for (auto _ : state) {
    benchmark::DoNotOptimize(h.value_at_percentile(99.0));
  }
}
BENCHMARK(histogram_percentile);

// The sparse export a result file or a per-second delta uses.
void histogram_state_export(benchmark::State& state) {
  const auto h = filled(static_cast<std::size_t>(state.range(0)), 3);
  for (auto _ : state) {
    auto s = h.state();
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(histogram_state_export)->Arg(1'000)->Arg(100'000);

// The peer: k6's Trend sink appends every sample to a slice (and sorts it for percentiles),
// which is why long k6 runs grow without bound (k6 issue #763). Same values, same loop.
void sample_vector_record(benchmark::State& state) {
  std::vector<std::uint64_t> samples;
  const auto& v = latencies();
  std::size_t i = 0;
  for (auto _ : state) {
    samples.push_back(v[i++ & (v.size() - 1)]);
  }
  benchmark::DoNotOptimize(samples.data());
  state.SetItemsProcessed(state.iterations());
  state.counters["bytes_per_sample"] = static_cast<double>(samples.capacity() * sizeof(std::uint64_t)) /
                                       static_cast<double>(samples.size());
}
BENCHMARK(sample_vector_record);

void sample_vector_percentile(benchmark::State& state) {
  std::vector<std::uint64_t> samples;
  std::mt19937_64 rng{2};
  const auto& v = latencies();
  for (int i = 0; i < 1'000'000; ++i) samples.push_back(v[rng() % v.size()]);
  for (auto _ : state) {
    state.PauseTiming();
    auto copy = samples;  // selection reorders; every query starts from the recorded order
    state.ResumeTiming();
    const auto nth = copy.begin() + static_cast<std::ptrdiff_t>(copy.size() * 99 / 100);
    std::nth_element(copy.begin(), nth, copy.end());
    benchmark::DoNotOptimize(*nth);
  }
}
BENCHMARK(sample_vector_percentile);

}  // namespace

BENCHMARK_MAIN();
