// sp::result: what a run leaves behind, as a value — the merged metrics, each threshold's
// outcome, each scenario's iterations, iteration errors, how the run ended and k6's exit code.
#pragma once

#include <stampede/eval/check.hpp>
#include <stampede/eval/threshold.hpp>
#include <stampede/exec/segment.hpp>
#include <stampede/metrics/snapshot.hpp>
#include <stampede/metrics/time_series.hpp>
#include <stampede/report/summary.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stampede {

/// How a run ended.
enum class run_status : std::uint8_t {
  finished,           ///< every scenario ran to its end
  threshold_aborted,  ///< a threshold with `abort_on_fail` failed (k6 exits 99)
  test_aborted,       ///< an iteration called `vu::abort_test` (exit 108)
  invalid_test,       ///< an iteration used the test wrongly, e.g. recorded an unlisted metric (exit 104)
  interrupted,        ///< stopped by `run_control` / a signal (exit 105)
  setup_failed,       ///< setup threw or timed out (exit 107)
  teardown_failed,    ///< teardown threw or timed out (exit 107)
};

[[nodiscard]] constexpr std::string_view to_string(run_status s) noexcept {
  switch (s) {
    case run_status::finished: return "finished";
    case run_status::threshold_aborted: return "aborted by a threshold";
    case run_status::test_aborted: return "aborted by the test";
    case run_status::invalid_test: return "stopped: the test is invalid";
    case run_status::interrupted: return "interrupted";
    case run_status::setup_failed: return "setup failed";
    case run_status::teardown_failed: return "teardown failed";
  }
  return "unknown";
}

/// k6's exit codes, which `sp::main` returns.
namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int thresholds_failed = 99;
inline constexpr int invalid_config = 104;
inline constexpr int stopped_by_signal = 105;
inline constexpr int setup_teardown_error = 107;
inline constexpr int aborted_by_test = 108;
/// stampede's own: the result files given to `merge` are not the parts of one test exactly
/// once (a part missing, duplicated, or of another test).
inline constexpr int parts_incomplete = 111;
/// An error that is neither bad input nor an outcome of the run (an exception the engine did
/// not expect). k6 exits with -1 for those, which a POSIX shell sees as 255.
inline constexpr int generic_error = 255;
}  // namespace exit_code

/// An exception that escaped iterations: its message, where, and how often.
struct iteration_error {
  std::string scenario;
  std::string message;
  std::uint64_t count = 0;
  friend bool operator==(const iteration_error&, const iteration_error&) = default;
};

/// One scenario's iterations over the run.
struct scenario_outcome {
  std::string name;
  std::string description;  ///< k6's executor line, e.g. "10 looping VUs for 10s (gracefulStop: 30s)"
  std::uint64_t complete = 0;
  std::uint64_t interrupted = 0;
  std::int64_t max_vus = 0;
};

/// The outcome of `sp::run`.
struct result {
  snapshot metrics;                          ///< everything recorded, merged over shards
  time_series series;                        ///< the same, per tick (one second), with `run_options::keep_series`
  std::vector<threshold_result> thresholds;  ///< in the order of `load_test::thresholds`
  std::vector<scenario_outcome> scenarios;
  std::vector<iteration_error> errors;
  /// Observers (outputs, the summary's export) that failed — a full disk, a closed pipe — and
  /// were detached, with why; the run went on without them. k6 logs these and keeps its exit
  /// code; so does `exit_code()`.
  std::vector<std::string> output_errors;
  run_status status = run_status::finished;
  std::string message;  ///< why it stopped early (abort reason, setup error), if it did
  std::uint64_t seed = 0;
  /// The part of the test this run carried out (`run_options::part`): the whole test unless
  /// it ran as parts.
  execution_tuple part{};
  /// The wall-clock time the scenarios started (a manual time's wall reading in a simulated run):
  /// `run_options::start_at` when one was given, even if this run joined late.
  std::chrono::system_clock::time_point started_at{};
  /// How late this run joined the start it was given (`run_options::start_at`); 0 when it was
  /// ready in time or had none.
  std::chrono::nanoseconds start_skew{0};
  std::chrono::nanoseconds duration{0};
  /// Shards (threads) the run used.
  unsigned shards = 0;
  /// CPU time (user + system) the shard threads used while the scenarios ran, where the
  /// platform measures per-thread CPU time (POSIX). Against `duration × shards` it tells
  /// whether the load generator itself was the bottleneck.
  std::optional<std::chrono::nanoseconds> generator_cpu{};
  summary_options summary_format;

  [[nodiscard]] bool thresholds_passed() const noexcept {
    for (const auto& t : thresholds) {
      if (!t.passed) return false;
    }
    return true;
  }
  [[nodiscard]] std::uint64_t complete_iterations() const noexcept {
    std::uint64_t n = 0;
    for (const auto& s : scenarios) n += s.complete;
    return n;
  }
  [[nodiscard]] std::uint64_t interrupted_iterations() const noexcept {
    std::uint64_t n = 0;
    for (const auto& s : scenarios) n += s.interrupted;
    return n;
  }
  /// Each check's passes and fails, by group.
  [[nodiscard]] std::vector<check_result> checks() const { return check_results(metrics); }

  /// k6's exit code for this outcome: 0, or 99 thresholds failed, 104 the test is invalid,
  /// 105 signal, 107 setup/teardown, 108 aborted by the test.
  [[nodiscard]] int exit_code() const noexcept {
    switch (status) {
      case run_status::setup_failed:
      case run_status::teardown_failed: return exit_code::setup_teardown_error;
      case run_status::test_aborted: return exit_code::aborted_by_test;
      case run_status::invalid_test: return exit_code::invalid_config;
      case run_status::interrupted: return exit_code::stopped_by_signal;
      case run_status::threshold_aborted: return exit_code::thresholds_failed;
      case run_status::finished: break;
    }
    return thresholds_passed() ? exit_code::ok : exit_code::thresholds_failed;
  }

  /// The end-of-test summary in k6's layout, then iteration errors, output errors and, when the run stopped
  /// early, why.
  [[nodiscard]] std::string summary() const { return summary(summary_format); }
  [[nodiscard]] std::string summary(const summary_options& options) const;
};

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/exec/impl/result.ipp>
#endif
