// sp::measurement: what one run of a scaling study measured over its window — throughput,
// latency percentiles, errors, VUs — and whether the load generator itself kept up.
#pragma once

#include <stampede/metrics/snapshot.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace stampede {

/// Whether the load generator was the bottleneck. A saturated generator makes a flat curve
/// that says nothing about the system under test, so a study flags it instead of fitting it.
struct generator_health {
  /// CPU the shard threads used over the run, as a share of `duration × shards` (0 to 1);
  /// empty where the platform does not measure per-thread CPU time.
  std::optional<double> cpu_utilisation{};
  /// p(99) of `iteration_start_delay` (open-model scenarios only): how late iterations
  /// started against their schedule.
  std::optional<std::chrono::nanoseconds> start_delay_p99{};
  /// Iterations an open-model scenario could not start for want of a free VU.
  std::uint64_t dropped_iterations = 0;
  /// Set when any limit of `saturation_limits` was passed; `reason` says which.
  bool saturated = false;
  std::string reason{};

  friend bool operator==(const generator_health&, const generator_health&) = default;
};

/// When a generator counts as saturated.
struct saturation_limits {
  double cpu_utilisation = 0.9;  ///< shard CPU share at or above which the generator is the bottleneck
  std::chrono::nanoseconds start_delay_p99 = std::chrono::milliseconds{10};
  bool dropped_iterations = true;  ///< any dropped iteration counts

  friend bool operator==(const saturation_limits&, const saturation_limits&) = default;
};

/// One run's figures over its measured window (the run after its warm-up).
struct measurement {
  std::chrono::nanoseconds window{0};  ///< the measured span
  std::uint64_t iterations = 0;        ///< complete iterations in the window
  std::uint64_t requests = 0;          ///< `http_reqs` in the window
  std::uint64_t failed_requests = 0;   ///< of which `http_req_failed`
  double iterations_per_second = 0;
  double requests_per_second = 0;
  /// Latency percentiles of `http_req_duration` when the test made HTTP requests, of
  /// `iteration_duration` otherwise; empty without samples.
  std::optional<std::chrono::nanoseconds> p50{}, p95{}, p99{};
  /// Failed requests over requests; for a test without HTTP requests, iterations that threw
  /// over the run's iterations.
  double error_rate = 0;
  std::int64_t vus = 0;  ///< the most VUs active at a tick of the window
  generator_health generator{};

  /// Requests per second when the test made HTTP requests, iterations per second otherwise:
  /// the throughput a study fits.
  [[nodiscard]] double throughput() const noexcept { return requests > 0 ? requests_per_second : iterations_per_second; }

  friend bool operator==(const measurement&, const measurement&) = default;
};

/// What a measurement needs to know of the whole run besides its measured window: the error
/// rate of a test without HTTP requests, and the generator's health, are judged over it.
struct run_facts {
  const snapshot* metrics = nullptr;  ///< everything the run recorded (null: nothing)
  std::uint64_t iterations = 0;        ///< complete and interrupted
  std::uint64_t iteration_errors = 0;  ///< exceptions that escaped iterations
  std::chrono::nanoseconds duration{0};
  unsigned shards = 0;
  std::optional<std::chrono::nanoseconds> generator_cpu{};  ///< the shard threads' CPU time
};

/// The figures of `window` (a snapshot of part of the run, or all of it), with the generator's
/// health judged against `limits` over the whole run. `measure(window, result)` in
/// <stampede/study/measure.hpp> takes the facts from a run's result.
[[nodiscard]] measurement measure(const snapshot& window, const run_facts& run, const saturation_limits& limits = {});

/// The median of each figure over repetitions (for an even count, the mean of the middle
/// two); the generator is flagged if any repetition was, and its dropped iterations are the
/// most any repetition dropped. Throws `usage_error` when empty.
[[nodiscard]] measurement median_of(const std::vector<measurement>& runs);

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/scaling/impl/measurement.ipp>
#endif
