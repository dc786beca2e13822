// Merging the parts of a test that ran as execution segments on several machines: the result
// files (or the logs the parts printed them to) are read as untrusted input, checked to be the
// parts of one test exactly once, and merged exactly — counters, rates and histograms summed,
// the VU gauges added up per interval — so that the thresholds are judged once, on every sample
// of the test, as if one machine had run it.
#pragma once

#include <stampede/core/error.hpp>
#include <stampede/exec/load_test.hpp>
#include <stampede/exec/result.hpp>
#include <stampede/report/result_file.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace stampede {

/// A result document as read for a merge, with where it came from: a file name, or
/// `parts.log#3` for the third document of a log.
struct result_part {
  std::string source;
  result_document document;
};

/// The result documents in `text`, read from `source`: one JSON document, or any number of
/// them between `result_begin_marker` and `result_end_marker` lines (report/result_file.hpp) amid other output (a part's
/// summary, the logs of several pods one after the other).
/// Throws `usage_error` naming the source, and the document's place in it, for a document that
/// is not a valid result (see `result_document_from_json`), an unterminated one, or text that
/// holds none.
[[nodiscard]] std::vector<result_part> read_result_parts(std::string_view text, const std::string& source);

/// Thrown by `merge_parts` when the parts are not the parts of one test exactly once; the
/// message names every problem (`exit_code::parts_incomplete`).
class incomplete_parts : public usage_error {
 public:
  using usage_error::usage_error;
};

/// Parts merged into the result of the whole test.
struct merged_result {
  /// The whole test's result: the merged metrics and per-interval series, the scenarios'
  /// iterations summed, the parts' errors summed, the thresholds judged on the merged data,
  /// the earliest start and the span to the latest end. Its status is the first part's that
  /// did not finish (with that part named in the message), so its exit code is the test's.
  result run;
  /// The merged intervals, in time order: what a run's observers would have seen once a tick.
  std::vector<snapshot> intervals;
  std::size_t parts = 0;
  /// The sequence the parts tiled, `0,1/4,1/2,3/4,1`.
  std::string sequence;
  /// How far the parts were from starting together: the latest start minus the earliest, or
  /// the lateness a part reported joining a synchronised start (`result::start_skew`), the
  /// larger.
  std::chrono::nanoseconds largest_skew{0};
};

/// Merges parts one at a time, keeping only small facts per part and the running sums, so that
/// merging a thousand parts takes the memory of one. `merge_parts` is `add` for each part, then
/// `finish`; see it for the rules.
///
/// ```cpp
/// stampede::part_merger merger{&test};
/// for (const auto& file : files) {
///   for (const auto& part : stampede::read_result_parts(read(file), file)) merger.add(part);
/// }
/// const auto merged = merger.finish();
/// ```
class part_merger {
 public:
  /// With `test` (not owned; it must outlive the merger), its fingerprint is the reference and
  /// its thresholds are judged; without, the first part's fingerprint and none.
  explicit part_merger(const load_test* test = nullptr);
  ~part_merger();
  part_merger(part_merger&&) noexcept;
  part_merger& operator=(part_merger&&) noexcept;
  part_merger(const part_merger&) = delete;
  part_merger& operator=(const part_merger&) = delete;

  /// Adds a part. One of another test or another sequence is set aside and named by `finish`.
  /// Throws `usage_error` naming the part when its entries cannot merge with the others (the
  /// same metric with different types or histogram settings); the merger is spent then.
  void add(const result_part& part);
  /// The merged result. Throws as `merge_parts` does; the merger is spent afterwards.
  [[nodiscard]] merged_result finish();

 private:
  struct state;
  const load_test* test_;
  std::unique_ptr<state> state_;
};

/// Merges `parts` into the result of the whole test.
///
/// The parts must share the test's fingerprint (`test`'s when given) and one sequence, and
/// hold each of its segments exactly once. Metrics merge exactly: counters, rates, trends'
/// histograms and the other entries by their own rules (`snapshot::merge`); the parts ran at
/// once, so the built-in `vus` and `vus_max` add up: per interval (intervals are aligned on
/// the time since each part's start, longer ones taking shorter ones in), value, min and max
/// each summed; over the run, the value is the sum of the parts' last values and min and max
/// are those of the summed intervals. Custom gauges keep the latest value any part recorded.
/// With `test`, its thresholds are judged on the merged data (windows over the merged
/// intervals); without it they are left out, and the parts' own verdicts are not reused.
///
/// Throws: `incomplete_parts` naming each part missing, duplicated, of another test or of
/// another sequence; `usage_error` for no parts, or parts whose entries cannot merge (the same
/// metric with different types or histogram settings).
[[nodiscard]] merged_result merge_parts(const std::vector<result_part>& parts, const load_test* test = nullptr);

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/report/impl/merge.ipp>
#endif
