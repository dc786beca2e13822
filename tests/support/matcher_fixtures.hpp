// Results and curves for the test-framework integration tests (tests/testing/ and tests/gtest/):
// runs that pass and fail their thresholds, and curves that scale and that do not.
#pragma once

#include <stampede/eval/threshold.hpp>
#include <stampede/exec/result.hpp>
#include <stampede/metrics/builtin.hpp>
#include <stampede/scaling/curve.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace stampede::testing::fixtures {

namespace sp = stampede;
using namespace std::chrono_literals;

// A threshold evaluated as if the run had observed `values` ("metric aggregation" → value).
inline sp::threshold_result evaluated(const sp::threshold& t, std::vector<std::pair<std::string, double>> values) {
  return t.evaluate([values = std::move(values)](const sp::metric_aggregate& a) {
    for (const auto& [key, value] : values) {
      if (key == a.metric.display_name() + " " + a.aggregation_name()) return std::vector<double>{value};
    }
    return std::vector<double>{};
  });
}

inline sp::result run_of(std::vector<sp::threshold_result> thresholds) {
  sp::result r;
  r.thresholds = std::move(thresholds);
  r.scenarios = {sp::scenario_outcome{.name = "default", .description = "", .complete = 1000, .interrupted = 2, .max_vus = 10}};
  r.duration = 10s;
  return r;
}

// p(95) 312.5 ms against a 200 ms bound; 0.2% failed requests against 1%.
inline sp::result failing_run() {
  return run_of({evaluated(sp::http_req_duration.p(95) < 200ms, {{"http_req_duration p(95)", 312.5e6}}),
                 evaluated(sp::http_req_failed.rate() < 0.01, {{"http_req_failed rate", 0.002}})});
}

inline sp::result passing_run() {
  return run_of({evaluated(sp::http_req_duration.p(95) < 200ms, {{"http_req_duration p(95)", 120e6}}),
                 evaluated(sp::http_req_failed.rate() < 0.01, {{"http_req_failed rate", 0.002}})});
}

inline sp::study_point at(double replicas, double rps) {
  sp::measurement m;
  m.window = 10s;
  m.requests = static_cast<std::uint64_t>(rps * 10);
  m.requests_per_second = rps;
  m.p50 = 10ms;
  m.p95 = 20ms;
  m.p99 = 30ms;
  return sp::study_point{sp::configuration{{"replicas", replicas}}, {m}, m};
}

// Nearly linear up to 8 replicas.
inline sp::curve scaling_curve() {
  return sp::curve{{"replicas"}, {at(1, 1000), at(2, 1980), at(4, 3900), at(8, 7600)}};
}

// Efficiency 0.75 at 4 replicas, and 8 replicas slower than 4: the seed's puzzle.
inline sp::curve retrograde_curve() {
  return sp::curve{{"replicas"}, {at(1, 1000), at(2, 1800), at(4, 3000), at(8, 2500)}};
}

}  // namespace stampede::testing::fixtures
