// Comparing runs (`PROGRAM compare BASE.json NEW.json...`): each metric of each endpoint and of
// the whole run side by side with its change from the first run, a change called real only
// when it is beyond both runs' sampling noise, by the rules stated once below (`noise_*`) on
// the exact histograms and counts a result file keeps. Written as text, Markdown or HTML.
#pragma once

#include <stampede/config.hpp>
#include <stampede/exec/result.hpp>
#include <stampede/metrics/histogram.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stampede {

// --- the noise rules ---------------------------------------------------------------------------
//
// A run's figure is an estimate from its own samples; another run of the same code would give
// another. Each rule below gives a 95% interval for a figure from the run alone (its sampling
// noise, not the run-to-run variation of the system, which only repetitions measure), and a
// change between two runs is real when their intervals do not overlap.

/// A 95% interval, in the figure's unit; `low` may be 0 and `high` +∞ when the samples cannot
/// bound that side.
struct noise_interval {
  double low = 0;
  double high = 0;

  [[nodiscard]] bool overlaps(const noise_interval& other) const noexcept {
    return low <= other.high && other.low <= high;
  }
  friend bool operator==(const noise_interval&, const noise_interval&) = default;
};

/// The z of a two-sided 95% interval.
inline constexpr double noise_z = 1.96;

/// A percentile's interval, in the histogram's units, for percentile `p` (0 to 100) of its
/// `n = count()` samples: the rank of the p-th percentile is binomial, so its 95% interval is
/// `n·q ± 1.96·√(n·q·(1−q))` with `q = p/100`; the ranks, taken outward to whole ranks and
/// clamped to [1, n], map to values with `value_at_percentile` (rank 1 is `min()`, rank n
/// `max()`), and the values widen by the histogram's error: the low one to `v·(1−ε) −
/// (lowest−1)` with ε = `max_relative_error()`, the high one to `v·(1+ε)`. A side whose rank
/// had to be clamped (the interval reaches past the smallest or largest sample, where the
/// percentile could lie beyond anything observed) is open: `low` 0, `high` +∞. So one sample
/// bounds nothing, and a p(99) needs about 400 samples before it has an upper bound. Empty
/// without samples. Throws `std::invalid_argument` for `p` outside [0, 100].
[[nodiscard]] std::optional<noise_interval> noise_percentile(const histogram& h, double p);

/// A proportion's interval (a failure rate, `hits` of `total`): Wilson's score interval at 95%,
/// `(p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)` with `p̂ = hits/total`, z = 1.96, which
/// stays within [0, 1] and is not empty at 0 or 1 failures. Empty when `total` is 0.
[[nodiscard]] std::optional<noise_interval> noise_proportion(std::uint64_t hits, std::uint64_t total);

/// A count's interval (requests, iterations), as a Poisson count: `count ± 1.96·√count`, at
/// least 0, divided by `seconds` for a rate over the run (1: the count itself). A count of 0
/// is [0, 0]. Empty when `seconds` is not positive.
[[nodiscard]] std::optional<noise_interval> noise_count(double count, double seconds = 1.0);

/// What a figure did from the base run's to another's.
enum class change_verdict : std::uint8_t {
  baseline,  ///< the base run's own figure
  no_data,   ///< one of the two has no samples to judge by
  noise,     ///< the intervals overlap: within the runs' sampling noise (`≈`)
  increase,  ///< the other's interval lies wholly above the base's (`▲`)
  decrease,  ///< … wholly below (`▼`)
};

/// The rule for every kind: real (`increase`, `decrease`) when the intervals do not overlap.
[[nodiscard]] change_verdict judge_change(const std::optional<noise_interval>& base, const std::optional<noise_interval>& other) noexcept;

// --- comparisons -------------------------------------------------------------------------------

/// One run to compare: its label (the file it came from) and its result.
struct run_to_compare {
  std::string label;
  result run;
};

/// What the rows split the HTTP metrics by: the `name` tag (endpoints), the `scenario` tag,
/// or nothing (the whole run only). A result file (`--out result=`) keeps both splits.
enum class compare_by : std::uint8_t { name, scenario, none };

/// `name`, `scenario` or `none`; throws `usage_error` naming them otherwise.
[[nodiscard]] compare_by parse_compare_by(std::string_view text);

/// The figures compared, in the order they are shown.
enum class compared_metric : std::uint8_t {
  requests,                ///< http_reqs, a count
  request_rate,            ///< http_reqs per second of the run
  failure_rate,            ///< http_req_failed, a share from 0 to 1
  duration_med,            ///< http_req_duration, in ms
  duration_p95,
  duration_p99,
  iteration_rate,          ///< iterations per second (the whole run and scenarios)
  iteration_duration_med,  ///< iteration_duration, in ms
  iteration_duration_p95,
  iteration_duration_p99,
};

/// How the figure is written: `http_reqs`, `http_reqs rate`, `http_req_duration p(95)`, ….
[[nodiscard]] std::string_view to_string(compared_metric m) noexcept;
/// Whether a rise is a regression (durations, failures) rather than a fall (rates).
[[nodiscard]] bool higher_is_worse(compared_metric m) noexcept;
/// Whether `--tolerance` judges it: every figure but the plain counts, which differ with the
/// runs' lengths (their rates are judged).
[[nodiscard]] bool judged_by_tolerance(compared_metric m) noexcept;

/// One run's figure and its change from the base run's.
struct compared_value {
  /// In the figure's unit (a count, per second, a share, ms); empty without samples.
  std::optional<double> value{};
  /// Its 95% interval by the rule for its kind; empty without samples.
  std::optional<noise_interval> range{};
  /// The samples behind it (requests, or iterations).
  std::uint64_t samples = 0;
  change_verdict verdict = change_verdict::baseline;
  /// value / base − 1 (+∞ from a base of 0); NaN when either is missing.
  double relative = 0;
};

/// One figure across the runs: `runs[0]` is the base run's.
struct comparison_row {
  compared_metric metric = compared_metric::requests;
  std::vector<compared_value> runs{};
};

/// The rows of one endpoint or scenario, or of the whole run (`name` empty).
struct compared_group {
  std::string name{};
  std::vector<comparison_row> rows{};
};

/// Runs side by side: the whole run's group first, then one per endpoint (or scenario) seen in
/// any run, by name. A row no run has samples for is left out.
struct run_comparison {
  compare_by by = compare_by::name;
  std::vector<std::string> labels{};  ///< the runs', base first
  std::vector<compared_group> groups{};
};

/// Compares `runs` with the first: each figure's value and interval in every run, judged
/// against the base's (`judge_change`). Durations are `http_req_duration`'s and
/// `iteration_duration`'s percentiles as k6 computes them (interpolated); rates are counts over
/// each run's own duration. Endpoints come from the sub-metrics split by tag that a result file
/// keeps (`report_breakdowns()`), merged over the other tag.
/// Throws `usage_error` when `runs` is empty.
[[nodiscard]] run_comparison compare_runs(const std::vector<run_to_compare>& runs, compare_by by = compare_by::name);

/// A real change that made a figure worse by more than the tolerance.
struct regression {
  std::string group;  ///< as `compared_group::name`
  compared_metric metric = compared_metric::requests;
  std::size_t run = 0;  ///< index into `run_comparison::labels`
  double base = 0;
  double value = 0;
  double relative = 0;
};

/// The real changes (`increase`, `decrease`) for the worse — durations and failures up, rates
/// down — by more than `tolerance` (a fraction: 0.1 for 10%) of the base's figure, among the
/// figures `judged_by_tolerance`.
[[nodiscard]] std::vector<regression> regressions(const run_comparison& c, double tolerance);

/// A figure as the outputs write it: `181` requests, `30.17/s`, `4.44%` failed (truncated, as
/// k6), `40.5ms`.
[[nodiscard]] std::string format_compared_value(compared_metric m, double value);

/// `+12.5%`, `-3.0%`, `+∞%` (from 0): a relative change as the outputs write it.
[[nodiscard]] std::string format_relative_change(double relative);

/// Aligned columns as k6's summary: per group a heading (`█ ENDPOINT: /items/{id}`), each
/// figure's value in every run and, after each run but the base, `▲ +x.x%`, `▼ -x.x%` (a real
/// change) or `≈ +x.x%` (noise). The rule and which way is a regression are said at the top.
[[nodiscard]] std::string format_comparison_text(const run_comparison& c);
/// Markdown tables (for a pull request or a results file): one for requests (count, rate,
/// failure rate), one for `http_req_duration` (med, p(95), p(99)) and one for iterations, with
/// the endpoints as rows (the whole run first) and each run's columns side by side.
[[nodiscard]] std::string format_comparison_markdown(const run_comparison& c);
/// A self-contained HTML page: the Markdown's tables, and bar charts of the median and of
/// p(99) per endpoint, grouped by run. Fetches nothing.
[[nodiscard]] std::string format_comparison_html(const run_comparison& c, std::string_view title = "stampede compare");

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/report/impl/compare.ipp>
#endif
