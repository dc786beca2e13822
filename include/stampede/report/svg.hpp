// Charts as SVG that stampede writes itself, for the HTML report: series of points on linear
// or logarithmic axes with readable ticks, a legend and hover titles, and grouped bars. No
// script, stylesheet or font is needed to show them; the same chart always gives the same
// bytes, and no coordinate is ever NaN or infinite.
#pragma once

#include <stampede/config.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace stampede::svg {

/// How an axis maps values to positions.
enum class scale : std::uint8_t {
  linear,
  log,  ///< base 10; values ≤ 0 cannot be placed and are left out
};

/// What an axis's values are, for their tick labels and hover titles (`format_value`).
enum class unit : std::uint8_t {
  /// a number: three significant digits under 1000 (`0`, `2.5`, `0.001`), whole with a
  /// thousands separator under 10,000 (`1,200`), then with k, M, G, T (`12.3k`, `1.5M`);
  /// under 10^-4 in scientific notation (`1.5e-05`)
  plain,
  milliseconds,  ///< a duration given in ms: `500ns`, `800µs`, `250ms`, `1.5s`, `2m30s`, `1h05m`
  seconds,       ///< a time into the run given in s: `0s`, `250ms`, `45s`, `1m30s`, `2m`, `1h05m`
  ratio,         ///< a fraction shown as a percentage: 0.05 → `5%`, 0.999 → `99.9%`
  per_second,    ///< a rate: `120/s`, `1.2k/s`
  bytes_per_second,  ///< a data rate: `800 B/s`, `1.2 kB/s`, `3.4 MB/s` (powers of 1000, as k6)
};

/// `value` as `unit` writes it, with about three significant digits (ticks use it too); the
/// unit is chosen after rounding, so 999.7 ms is `1s`. Non-finite values print as `–`.
[[nodiscard]] std::string format_value(double value, unit u);

/// A tick placed by the caller, with its own label (the percentile spectrum's `99.9%`).
struct tick {
  double value = 0;
  std::string label{};
};

struct axis {
  std::string title{};  ///< written along the axis, e.g. `request duration`
  scale kind = scale::linear;
  unit format = unit::plain;
  /// The range shown; unset ends come from the data and the rules (padded to the enclosing
  /// ticks; decades on a log axis). Points outside a set end are not drawn.
  std::optional<double> min{};
  std::optional<double> max{};
  /// A linear axis's range takes in 0 (counts, rates, durations), unless `min` is set.
  bool from_zero = true;
  /// Ticks to show instead of computed ones. Their values also widen the range, which is then
  /// not padded: it spans the data and these ticks.
  std::vector<tick> ticks{};
};

/// How a series is drawn.
enum class mark : std::uint8_t {
  line,         ///< points joined in order; a gap where a point cannot be placed
  points,       ///< a dot per point
  line_points,  ///< both
  step,         ///< a staircase: each y holds until the next x (histogram counts)
};

struct point {
  double x = 0;
  double y = 0;
};

struct series {
  std::string name{};  ///< the legend's and hover titles' label (empty: `series N`, N from 1)
  std::vector<point> points{};
  /// A CSS colour; empty: `palette()` by the series' position in the chart.
  std::string color{};
  mark style = mark::line;
  bool dashed = false;
  /// Plotted against the chart's right-hand axis (`chart::y2`; the left one if it has none).
  bool right_axis = false;
};

/// A labelled reference line across the plot: a threshold's bound (horizontal, at a y of the
/// left axis) or a level such as N* (vertical, at an x). A rule widens an unset end of its axis
/// so that it shows.
struct rule {
  enum class orientation : std::uint8_t { horizontal, vertical };
  orientation direction = orientation::horizontal;
  double at = 0;
  std::string label{};
  std::string color{};  ///< empty: a dark grey
};

/// A chart of series over one x axis, with a left y axis and optionally a right one.
///
/// The written `<svg>` has `id` (when set) and class `chart`; each series' elements are in a
/// `<g class="series" data-series="I">` and each legend entry in a `<g class="legend-item"
/// data-series="I">` (I counts from 0), so a page's script can toggle a series from its legend
/// entry. A series' points get `<title>` hover text (`name: x, y` in the axes' units): each
/// point its own for up to 500 points, the whole series one beyond.
struct chart {
  std::string id{};
  std::string title{};
  axis x{};
  axis y{};
  std::optional<axis> y2{};
  std::vector<series> data{};
  std::vector<rule> rules{};
  /// The picture's size in px: at least 200 × 150, and larger when the legend or the tick labels
  /// would leave the plot less than 60 px either way.
  int width = 720;
  int height = 320;
};

/// The chart as an `<svg>` element (with its XML namespace, so it is also a valid file). A
/// chart without a point to place draws its axes and says "no data".
[[nodiscard]] std::string render(const chart& c);

/// One group of bars: a value per category (NaN: no bar).
struct bar_group {
  std::string name{};
  std::vector<double> values{};
  std::string color{};  ///< empty: `palette()` by the group's position
};

/// Grouped bars: for each category (an endpoint), one bar per group (an environment, a run),
/// on a value axis from 0 (linear) or from the smallest decade (log); values a log axis cannot
/// place get no bar either. Category names are shortened to what their band holds (24
/// characters at most), the whole name in a hover title. Legend entries and bars carry
/// `data-series` as in `chart`; each bar has a `<title>` (`group, category: value`). Sized as a
/// `chart`.
struct bar_chart {
  std::string id{};
  std::string title{};
  std::vector<std::string> categories{};
  std::vector<bar_group> groups{};
  axis y{};
  int width = 720;
  int height = 320;
};

[[nodiscard]] std::string render(const bar_chart& c);

/// Ticks for a linear axis: the multiples of the smallest 1, 2 or 5 × 10^k step that cuts
/// [lo, hi] into at most `target` + 1 intervals, from the largest multiple ≤ `lo` to the
/// smallest ≥ `hi` (those past the largest double left out): [0, 1] gives 0, 0.2, … 1 and
/// [0, 7.3] gives 0, 2, 4, 6, 8. One value when lo == hi; lo > hi are swapped; empty when either
/// is not finite; just lo and hi when no step fits (a range under 10^-300, or lo / step
/// overflowing).
///
/// The chart's axes use these, except that durations (`unit::milliseconds`, `unit::seconds`)
/// over a minute step by 15 s, 30 s, whole minutes or whole hours.
[[nodiscard]] std::vector<double> nice_ticks(double lo, double hi, std::size_t target = 5);

/// Ticks for a log axis over [lo, hi] (both > 0): the powers of ten that enclose it, with 2 and
/// 5 × each power between them when hi / lo is under 1000: 1 … 1000 gives 1, 10, 100, 1000;
/// 0.3 … 40 gives 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100. Empty unless both are finite and
/// positive; lo > hi are swapped.
[[nodiscard]] std::vector<double> log_ticks(double lo, double hi);

/// The series colours, in order: distinct for the common forms of colour blindness (Okabe and
/// Ito's eight).
[[nodiscard]] std::span<const std::string_view> palette() noexcept;

/// `text` with `&`, `<`, `>`, `"` and `'` escaped, for XML text and attribute values. Control
/// characters other than tab, LF and CR, which XML 1.0 cannot hold at all, are left out.
[[nodiscard]] std::string escape_xml(std::string_view text);

}  // namespace stampede::svg

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/report/impl/svg.ipp>
#endif
