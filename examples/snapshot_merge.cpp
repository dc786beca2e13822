// A distributed run in one program: two "processes" each record their share of the samples
// and write their snapshot as JSON; a third reads both files back and merges them into the
// snapshot of the whole run. Then per-second deltas become a time series, written as CSV.
#include <stampede/metrics/recorder.hpp>
#include <stampede/metrics/snapshot_json.hpp>
#include <stampede/metrics/time_series.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>

namespace sp = stampede;
using namespace std::chrono_literals;

int main() {
  auto registry = std::make_shared<sp::metric_registry>();
  registry->track(sp::http_req_duration.where("expected_response", "true"));

  // [write]
  // What each process of the run does: record its samples, then write its snapshot as JSON
  // (to a file or a socket; a string here).
  const auto run_process = [&](std::uint64_t seed) {
    sp::recorder rec{registry};
    std::mt19937_64 rng{seed};
    std::lognormal_distribution<double> latency_ms{3.0, 0.5};  // median ≈ 20 ms
    for (int i = 0; i < 5'000; ++i) {
      const auto at = std::chrono::milliseconds{i * 2};  // 10 s of traffic
      rec.add(sp::http_req_duration, latency_ms(rng) * 1e6, {{"expected_response", "true"}}, at);
      rec.add(sp::http_reqs, 1, {}, at);
    }
    return sp::to_json(rec.take(10s));
  };
  const std::string from_a = run_process(1);
  const std::string from_b = run_process(2);
  // [write]

  // [merge]
  // Whoever collects the results reads each file back (losslessly, histograms included) and
  // merges: the result is the snapshot one process would have recorded with every sample.
  auto run = sp::snapshot_from_json(from_a);
  run.merge(sp::snapshot_from_json(from_b));
  const double requests = run.values(sp::http_reqs.count()).at(0);
  const double p95 = run.values(sp::http_req_duration.p(95)).at(0);
  fmt::print("{} requests in {}s, p(95) = {:.2f}ms\n", requests,
             std::chrono::duration<double>{run.duration()}.count(), p95 / 1e6);
  // [merge]

  // [series]
  // The ticker's per-second deltas, kept for outputs in bounded memory.
  sp::time_series series;
  sp::recorder rec{registry};
  for (int second = 0; second < 3; ++second) {
    for (int i = 0; i < 100 * (second + 1); ++i) {
      const auto at = std::chrono::seconds{second} + std::chrono::milliseconds{i};
      rec.add(sp::http_reqs, 1, {}, at);
      rec.add(sp::http_req_duration, (5 + 10 * second + i % 20) * 1e6, {{"expected_response", "true"}}, at);
    }
    series.add(rec.take(std::chrono::seconds{second + 1}));
  }
  fmt::print("{}", sp::to_csv(series));
  // [series]
  return requests == 10'000 ? 0 : 1;
}
