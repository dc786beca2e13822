// Records a million simulated response times into a stampede::histogram and prints the
// statistics k6's summary shows for a trend, with the histogram's memory and error bound.
#include <stampede/metrics/histogram.hpp>

#include <fmt/format.h>

#include <cstdint>
#include <random>

int main() {
  // [example]
  stampede::histogram duration;  // 1 ns … 1 h at 3 significant digits: bounded memory
  std::mt19937_64 rng{7};
  std::lognormal_distribution<double> ms{2.5, 0.5};  // a median near 12 ms
  for (int i = 0; i < 1'000'000; ++i) {
    duration.record(static_cast<std::uint64_t>(ms(rng) * 1e6));  // nanoseconds
  }

  const auto at = [&](double p) { return static_cast<double>(duration.value_at_percentile(p)) / 1e6; };
  fmt::print("http_req_duration: avg={:.2f}ms min={:.2f}ms med={:.2f}ms max={:.2f}ms p(90)={:.2f}ms p(95)={:.2f}ms\n",
             duration.mean() / 1e6, at(0), at(50), at(100), at(90), at(95));
  fmt::print("{} samples in {} KiB; any percentile within {:.3}% of the exact one\n",
             duration.count(), duration.memory_bytes() / 1024, 100 * duration.max_relative_error());
  // [example]
}
