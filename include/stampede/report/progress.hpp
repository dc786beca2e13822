// The live progress of a running test in k6's layout — k6's scenarios header, then `running
// (00m05.4s), 0091/5000 VUs, 140 complete and 0 interrupted iterations` and one bar per
// scenario — as pure functions of the numbers, and `progress_printer`, the run observer that
// writes them to a stream.
#pragma once

#include <stampede/config.hpp>
#include <stampede/exec/executors.hpp>
#include <stampede/exec/observer.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace stampede {

struct load_test;

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

/// k6's executor-specific text after a scenario's time: `050/100 shared iters`,
/// `20/40 iters, 2 per VU`, `200.00 iters/s`; empty for the other executors.
/// For a `part` of the test, the part's share of the iterations.
[[nodiscard]] std::string format_progress_detail(const executor& e, const scenario_progress& s,
                                                 const execution_tuple& part = {});

/// k6's header before a run:
/// ```text
///      scenarios: (100.00%) 1 scenario, 10 max VUs, 40s max duration (incl. graceful stop):
///               * default: 10 looping VUs for 10s (gracefulStop: 30s)
/// ```
/// For a `part` of the test, the percentage is the segment's length and the figures are the
/// part's (k6's GetDescription(et)).
[[nodiscard]] std::string format_scenarios_header(const load_test& test, const execution_tuple& part = {});

/// Whether and how live progress is shown while a test runs.
enum class progress_mode : std::uint8_t {
  none,       ///< only the scenarios header (k6's `--quiet`)
  automatic,  ///< `terminal` if the stream is a terminal, else `plain`
  terminal,   ///< k6's live lines, redrawn in place every tick
  plain,      ///< a frame every `plain_interval`, for logs and CI
};

/// Writes k6's live output for a run: the scenarios header when it starts, the progress while
/// it runs (redrawn in place on a terminal, a frame every `plain_interval` otherwise) and the
/// final frame when the scenarios have ended.
///
/// ```cpp
/// sp::progress_printer progress{{.mode = sp::progress_mode::automatic}};
/// auto r = sp::run(test, {.observers = {&progress}});
/// ```
/// Thread safety: one run at a time.
class progress_printer final : public run_observer {
 public:
  struct options {
    std::FILE* stream = stderr;
    progress_mode mode = progress_mode::automatic;
    std::chrono::nanoseconds plain_interval = std::chrono::seconds{10};
    /// What the run streams to, for k6's `output:` line above the scenarios (`json
    /// (out.json)`); none: no line.
    std::vector<std::string> outputs{};
  };

  explicit progress_printer(options o) : options_{std::move(o)} {}

  STAMPEDE_DECL void on_start(const load_test& test, const execution_tuple& part) override;
  STAMPEDE_DECL void on_tick(const snapshot& delta, const run_progress& progress) override;

 private:
  void print(const run_progress& progress);

  options options_;
  bool terminal_ = false;
  std::vector<executor> executors_;  // the test's, in scenario order, for each bar's detail
  execution_tuple part_;             // the part of the test this process runs
  std::chrono::nanoseconds next_plain_{0};
  std::size_t lines_ = 0;  // of the last frame, which a terminal redraw replaces
};

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/report/impl/progress.ipp>
#endif
