// A run's result as a file (`--out result=FILE`): everything another machine needs to merge
// it with other parts of the same test, or a report needs to draw it — the exact metrics,
// per-interval metrics that still merge, the checks, how the run went — as one versioned JSON
// document. Result files come from other machines: reading one validates every field.
#pragma once

#include <stampede/config.hpp>
#include <stampede/exec/load_test.hpp>
#include <stampede/exec/observer.hpp>
#include <stampede/exec/result.hpp>
#include <stampede/metrics/snapshot.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stampede {

/// The marker lines around a result document written to stdout (`--out result=-`), so that
/// the logs of every part of a test (`kubectl logs`) carry their documents without a shared
/// volume; `read_result_parts` (report/merge.hpp) finds them amid the rest of the output.
inline constexpr std::string_view result_begin_marker = "----- stampede result begin -----";
inline constexpr std::string_view result_end_marker = "----- stampede result end -----";

/// One threshold's outcome as a part saw it: for information, since a merge evaluates the
/// thresholds again on the union.
struct recorded_threshold {
  std::string description;
  bool passed = true;
  friend bool operator==(const recorded_threshold&, const recorded_threshold&) = default;
};

/// What a result file holds (`"format": "stampede-result", "version": 1`).
struct result_document {
  /// `fingerprint(test)`: parts of one test carry the same.
  std::string test;
  /// k6's execution segment of this part (`1/4:1/2`) and the sequence it belongs to, filled
  /// from 0 to 1 (`0,1/4,1/2,1`); a whole run is `0:1` in `0,1`.
  std::string segment = "0:1";
  std::string sequence = "0,1";
  /// When the scenarios started (wall clock) and how long they ran.
  std::chrono::system_clock::time_point started_at{};
  std::chrono::nanoseconds duration{0};
  /// How late the part joined its synchronised start (`result::start_skew`).
  std::chrono::nanoseconds start_skew{0};
  std::uint64_t seed = 0;
  run_status status = run_status::finished;
  int exit_code = 0;
  std::string message{};
  unsigned shards = 0;
  std::optional<std::chrono::nanoseconds> generator_cpu{};
  /// Every sample of the run, exactly.
  snapshot metrics;
  /// The same metrics per interval (a second, or longer for long runs), in order: they merge
  /// across parts interval by interval, where percentiles would not.
  std::vector<snapshot> intervals{};
  std::vector<recorded_threshold> thresholds{};
  std::vector<scenario_outcome> scenarios{};
  std::vector<iteration_error> errors{};

  friend bool operator==(const result_document&, const result_document&);
};

/// A hash of what makes a test the same test: its scenarios (names, executors as k6 describes
/// them, start times), thresholds and custom metrics. FNV-1a 64, in hex: a check that parts
/// belong together, not a defence against forgery.
[[nodiscard]] std::string fingerprint(const load_test& test);

/// The document of a finished run.
[[nodiscard]] result_document make_result_document(const load_test& test, const result& r,
                                                   std::vector<snapshot> intervals = {});

/// The document as JSON; `result_document_from_json` reads it back equal.
[[nodiscard]] std::string to_json(const result_document& document);

/// Reads a result file. Throws `parse_error` for text that is not JSON and `usage_error`
/// naming the JSON path of anything else wrong (`intervals[2].entries[0].data: …`): another
/// format or version, a missing or unknown key, a value of the wrong type or out of range
/// (times and lengths are nanoseconds from 0 to `max_file_time`, in metrics/snapshot_json.hpp,
/// so that a merge's sums of them fit in 64 bits), and what `snapshot_from_json` refuses in
/// its snapshots.
[[nodiscard]] result_document result_document_from_json(std::string_view json);

/// The metrics a report's tables split by tag, which a run must be asked for before it starts
/// (`run_observer::breakdowns`): the HTTP request metrics by `name` (k6 names a request by its
/// URL unless it names itself) and `scenario`, the iterations by `scenario`. A result file
/// holds them too, so that a report drawn from it later has its tables.
[[nodiscard]] std::vector<metric_breakdown> report_breakdowns();

/// A run's metrics per interval, bounded: each tick's delta is kept as an interval until there
/// are more than `max_intervals`; then neighbours merge in pairs and, from then on, intervals
/// are twice as long, so that an hour's run and a day's take the same memory.
class interval_log {
 public:
  explicit interval_log(std::size_t max_intervals = 1200);
  void clear() noexcept;
  /// Adds a tick's delta (which starts where the previous one ended).
  void add(const snapshot& delta);
  [[nodiscard]] const std::vector<snapshot>& intervals() const noexcept { return intervals_; }
  /// The intervals, moved out; the log is left empty.
  [[nodiscard]] std::vector<snapshot> take() noexcept;

 private:
  std::size_t max_intervals_;
  std::vector<snapshot> intervals_;
  std::chrono::nanoseconds interval_{0};  // the length intervals are merged to; 0: a tick
};

/// Throws `usage_error` naming `path` when a file cannot be created in its folder: what an
/// output checks before the run, so that a run never ends with nowhere to write.
void check_writable(const std::string& path);

/// Writes `text` to a temporary file beside `path`, then renames it over `path`, so that a
/// reader never sees half a file. Throws `std::runtime_error` naming `what` and the file.
void write_file_atomically(const std::string& path, std::string_view text, std::string_view what);

/// Writes the result file when the run ends, interrupted or not: to a temporary file beside
/// it, then renamed over it, so that a reader never sees half a document. The path `-` writes
/// the document to `stream` (stdout) between `result_begin_marker` and `result_end_marker`
/// lines instead. Keeps each tick's
/// metrics as an interval; past `max_intervals` neighbours merge in pairs (the intervals
/// double in length), so a long run's file stays bounded.
///
/// Thread safety: one run at a time.
/// Throws: `usage_error` from the constructor when the file's folder cannot be written
/// (before the run); from `on_end`, `std::runtime_error` naming the file when writing fails
/// (the runner reports it among the result's errors).
class result_output final : public run_observer {
 public:
  explicit result_output(std::string path, std::size_t max_intervals = 1200, std::FILE* stream = stdout);

  [[nodiscard]] STAMPEDE_DECL std::vector<metric_breakdown> breakdowns() const override;
  STAMPEDE_DECL void on_start(const load_test& test, const execution_tuple& part) override;
  STAMPEDE_DECL void on_tick(const snapshot& delta, const run_progress& progress) override;
  STAMPEDE_DECL void on_end(const result& r) override;

  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  /// Whether the last run's document was written.
  [[nodiscard]] bool written() const noexcept { return written_; }

 private:
  std::string path_;
  std::FILE* stream_;
  bool written_ = false;
  std::optional<load_test> test_;
  interval_log intervals_;
};

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/report/impl/result_file.ipp>
#endif
