// The HTML report of a run (`--out html=FILE`; `PROGRAM report RESULT.json... -o FILE` for
// result files, merged parts included): one file that works offline and from a mail
// attachment — the verdict, k6's dashboard figures, charts over time, the latency
// distribution and percentile spectrum the exact histograms allow, and tables per endpoint
// and per scenario. Charts are stampede's own SVG (report/svg.hpp); the page fetches nothing
// (its Content-Security-Policy forbids it) and carries a few lines of script only to toggle
// series from a chart's legend.
#pragma once

#include <stampede/config.hpp>
#include <stampede/exec/observer.hpp>
#include <stampede/exec/result.hpp>
#include <stampede/metrics/snapshot.hpp>
#include <stampede/report/result_file.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace stampede {

/// What a report says about its run beyond the result.
struct html_report_options {
  /// The test's name: the page's title and heading (a test program's own name).
  std::string title = "stampede";
  /// For a result merged from parts (`merge`, `report` of several files): how many, the
  /// sequence they tiled and how far apart they started. 1 part: a run of its own.
  std::size_t parts = 1;
  std::string sequence{};
  std::chrono::nanoseconds largest_skew{0};
};

/// The report as one HTML document. `intervals` are the run's metrics per tick in time order
/// (an observer's `on_tick` deltas, `merged_result::intervals`, or a result file's), which
/// the charts over time plot; without them the report has the rest. The same input always
/// gives the same bytes: the report holds no time but the run's own.
[[nodiscard]] std::string format_html_report(const result& r, const std::vector<snapshot>& intervals,
                                             const html_report_options& options = {});

namespace detail::html {
/// Every stampede page's start, up to `<body>` (charset, a Content-Security-Policy that
/// forbids any request, the style sheet), and its end (footer, the legend-toggling script).
std::string page_start(std::string_view title);
std::string page_end();
}  // namespace detail::html

/// The observer behind `--out html=FILE`: keeps the run's ticks (bounded as a result file's
/// intervals are) and writes the report when the run ends, interrupted or not, to a
/// temporary file renamed over `path`.
///
/// Thread safety: one run at a time.
/// Throws: `usage_error` from the constructor when the file's folder cannot be written
/// (before the run); from `on_end`, `std::runtime_error` naming the file when writing fails
/// (the runner reports it among the result's errors).
class html_output final : public run_observer {
 public:
  explicit html_output(std::string path, html_report_options options = {}, std::size_t max_intervals = 1200);

  /// What the next report says of its run (set by `merge` and `report` for merged parts).
  void set_options(html_report_options options) { options_ = std::move(options); }

  [[nodiscard]] std::vector<metric_breakdown> breakdowns() const override { return report_breakdowns(); }
  STAMPEDE_DECL void on_start(const load_test& test, const execution_tuple& part) override;
  STAMPEDE_DECL void on_tick(const snapshot& delta, const run_progress& progress) override;
  STAMPEDE_DECL void on_end(const result& r) override;

  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  /// Whether the last run's report was written.
  [[nodiscard]] bool written() const noexcept { return written_; }

 private:
  std::string path_;
  html_report_options options_;
  interval_log intervals_;
  bool written_ = false;
};

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/report/impl/html_report.ipp>
#endif
