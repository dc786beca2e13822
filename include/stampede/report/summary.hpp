// The end-of-test summary in k6's text layouts (`--summary-mode`): k6 1.x's sections of
// thresholds, checks and metrics, or k6 0.x's list, with dotted names, aligned columns and k6's units.
#pragma once

#include <stampede/core/units.hpp>
#include <stampede/eval/check.hpp>
#include <stampede/eval/threshold.hpp>
#include <stampede/metrics/snapshot.hpp>

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stampede {

/// Which end-of-test summary is written (k6's `--summary-mode`).
enum class summary_mode {
  /// k6's default since v1: the thresholds, then the whole test's checks and metrics in
  /// sections (HTTP, EXECUTION, NETWORK, custom ones), counts shown as `45 out of 60`.
  compact,
  /// `compact`, then the same for each group and each scenario.
  full,
  /// k6 0.x's layout (k6 1.x's `--summary-mode=legacy`), the one its users pasted for years:
  /// checks as `✓ 45 ✗ 15`, every metric in one list, thresholds marked on their metric.
  legacy,
  /// No summary (k6's `--summary-mode=disabled`, k6 1.x's `--no-summary`).
  disabled,
};

/// `compact`, `full`, `legacy` or `disabled`; throws `usage_error` naming the modes otherwise.
[[nodiscard]] summary_mode parse_summary_mode(std::string_view text);
/// The mode's name, as `--summary-mode` takes it.
[[nodiscard]] std::string_view to_string(summary_mode mode) noexcept;

/// How the summary is written.
struct summary_options {
  /// The layout; `disabled` writes nothing.
  summary_mode mode = summary_mode::compact;
  /// The statistics shown for trends, in order (k6's `summaryTrendStats`): `avg`, `min`,
  /// `med`, `max`, `count`, `p(N)`.
  std::vector<std::string> trend_stats{"avg", "min", "med", "max", "p(90)", "p(95)"};
  /// Durations in one unit (`--summary-time-unit`) instead of the one that fits each value.
  std::optional<time_unit> fixed_time_unit;
  /// ANSI colours, as k6 on a terminal. `summary_colors_for_terminal()` decides as k6 does.
  bool colors = false;
};

/// Throws `usage_error` unless `stat` is a trend statistic the summaries know: `avg`, `min`,
/// `med`, `max`, `count` or `p(N)` with N from 0 to 100 (k6's `summaryTrendStats`).
void validate_trend_stat(const std::string& stat);

/// Whether `stream` is a terminal (live progress redraws in place only there).
[[nodiscard]] bool is_terminal(std::FILE* stream);

/// Whether standard output is a terminal and `NO_COLOR` is unset: colours on.
[[nodiscard]] bool summary_colors_for_terminal();

/// Writes the summary of a run in `options.mode`'s layout: its metrics (as k6, those that got
/// samples, plus any a threshold names, marked `[no data]` if empty; a run with no samples at
/// all lists every metric so marked), its checks and each threshold with its observed value.
/// `compact` and `full` print k6 1.x's sections (`█ THRESHOLDS`, `█ TOTAL RESULTS`, then in
/// `full` `█ GROUP:` and `█ SCENARIO:`), `legacy` k6 0.x's list, `disabled` nothing (an empty
/// string). Throws `usage_error` for an unknown trend statistic in `options`.
[[nodiscard]] std::string format_summary(const snapshot& metrics,
                                         const std::vector<threshold_result>& thresholds,
                                         const summary_options& options = {});

/// One statistic of a trend as the summary writes it, in `metric`'s unit: `avg`, `min`, `med`,
/// `max`, `count` or `p(N)` (as `summary_options::trend_stats` names them); `312.4ms`, `1.2 kB`.
/// Throws `usage_error` for an unknown statistic.
[[nodiscard]] std::string format_trend_statistic(const trend_sink& t, const metric_descriptor& metric,
                                                 const std::string& stat, const summary_options& options = {});

/// A threshold condition's observed value as the summary's thresholds show it, in the
/// metric's unit: `p(95)=312.4ms`, `rate=2.50%`, `count=1200`, or `p(95)=[no data]`.
[[nodiscard]] std::string format_observed(const condition_result& r, const summary_options& options = {});

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/report/impl/summary.ipp>
#  include <stampede/report/impl/summary_compact.ipp>
#endif
