// The live progress of a running test in k6's layout — `running (00m05.4s), 0091/5000 VUs, 140
// complete and 0 interrupted iterations` and one bar per scenario — as pure functions of the
// numbers, so the runner only decides when to print.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace stampede {

/// One scenario's state, as its progress bar shows it.
struct scenario_progress {
  std::string name;
  std::int64_t active_vus = 0;
  std::int64_t max_vus = 0;
  std::uint64_t complete = 0;
  std::uint64_t interrupted = 0;
  std::chrono::nanoseconds elapsed{0};   ///< since the scenario started (0 before)
  std::chrono::nanoseconds duration{0};  ///< its scheduled length, without graceful stop
  bool started = false;
  bool done = false;
  /// Executor-specific text after the time: `050/100 shared iters`, `200.00 iters/s`.
  std::string detail;
};

/// The whole test's state.
struct run_progress {
  std::chrono::nanoseconds elapsed{0};
  /// The test's longest possible duration (incl. graceful stops): it fixes the time format's
  /// width, as in k6 (`05.4s` under a minute, `00m05.4s` under an hour, `0h00m05.4s` beyond).
  std::chrono::nanoseconds max_duration{0};
  std::int64_t active_vus = 0;
  std::int64_t max_vus = 0;
  std::uint64_t complete = 0;
  std::uint64_t interrupted = 0;
  std::vector<scenario_progress> scenarios;
};

/// A duration in k6's fixed-width progress format for a test of `max` at most.
[[nodiscard]] std::string format_progress_time(std::chrono::nanoseconds d, std::chrono::nanoseconds max);

/// `running (00m05.4s), 0091/5000 VUs, 140 complete and 0 interrupted iterations`.
[[nodiscard]] std::string format_progress_status(const run_progress& p);

/// One line per scenario: name, ✓ when done, a 38-cell bar, VUs, time and detail:
/// `default ✓ [======================================] 10 VUs  10s`. Names are padded to
/// the longest.
[[nodiscard]] std::vector<std::string> format_progress_bars(const run_progress& p);

/// The status line and the bars, one per line, ending in a newline.
[[nodiscard]] std::string format_progress(const run_progress& p);

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/report/impl/progress.ipp>
#endif
