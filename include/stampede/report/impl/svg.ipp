// Bodies of the SVG charts (included by report/svg.hpp): values as tick labels and hover titles,
// tick placement, and the two renderers, which share the axes, grid and legend layout.
#pragma once

#include <stampede/config.hpp>

// A separately compiled build reaches this file from report/impl/src.hpp, not from the header.
#if defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/report/svg.hpp>
#endif

#include <stampede/core/detail/text_width.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stampede::svg {

namespace detail {

// Sizes in px. Text widths are estimated from the count of code points (an average sans-serif
// character at font-size 11), not measured, so the layout is the same on every machine.
inline constexpr double char_width = 6.2;
inline constexpr double row_height = 18;
inline constexpr int min_width = 200;
inline constexpr int min_height = 150;
inline constexpr double min_plot = 60;
inline constexpr std::size_t max_titled_points = 500;
inline constexpr std::size_t max_label_chars = 24;
inline constexpr std::size_t max_legend_chars = 40;
inline constexpr std::string_view grid_colour = "#e5e5e5";
inline constexpr std::string_view axis_colour = "#666666";
inline constexpr std::string_view label_colour = "#444444";
inline constexpr std::string_view rule_colour = "#555555";

// ---- numbers ------------------------------------------------------------------------------

// x × 10^k. The powers up to 10^22 are exact doubles, so 3 × 2 / 10 is the double nearest 0.6,
// where 3 × 0.2 is not.
STAMPEDE_DECL double shift(double x, int k) {
  if (x == 0) return 0;  // 0 × ∞ would be NaN, and -0 would print as "-0"
  const int n = std::abs(k);
  double p = 1;
  for (int i = 0; i < std::min(n, 22); ++i) p *= 10;
  if (n > 22) p *= std::pow(10.0, n - 22);
  return k >= 0 ? x * p : x / p;
}

// The exponent of x's leading digit (x finite and > 0).
STAMPEDE_DECL int decade_of(double x) {
  return static_cast<int>(std::floor(std::log10(x)));
}

// x (finite, ≥ 0) rounded to three significant digits. Values beyond 10^±300 are left as they
// are: scaling them to three digits would overflow.
STAMPEDE_DECL double round3(double x) {
  if (x == 0 || x < 1e-300 || x > 1e300) return x;
  const int e = decade_of(x) - 2;
  return shift(std::round(shift(x, -e)), e);
}

// x (≥ 0) with at most three significant digits and no trailing zeros: `2.5`, `0.001`, `120`;
// below 10^-4 and from 10^15 in scientific notation (`1.5e-05`).
STAMPEDE_DECL std::string sig3(double x) {
  if (!std::isfinite(x)) return "–";
  if (x == 0) return "0";
  const double r = round3(x);
  if (r < 1e-4 || r >= 1e15) return fmt::format("{:.3g}", r);
  auto text = fmt::format("{:.{}f}", r, std::max(0, 2 - decade_of(r)));
  if (text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  return text;
}

// x (≥ 0) with a 1000-based prefix: `950`, `1.2k`, `3.4M`, `5G`, `1T`, each part joined by `sep`.
// The prefix is chosen after rounding, so 999.7 is `1k`, not `1000`.
STAMPEDE_DECL std::string with_prefix(double x, std::string_view sep) {
  static constexpr std::array<std::string_view, 5> prefixes{"", "k", "M", "G", "T"};
  const double r = round3(x);
  if (r >= 1e15) return fmt::format("{}{}", sig3(r), sep);
  std::size_t i = 0;
  double divisor = 1;
  while (i + 1 < prefixes.size() && r >= divisor * 1000) {
    divisor *= 1000;
    ++i;
  }
  return fmt::format("{}{}{}", sig3(r / divisor), sep, prefixes[i]);
}

// A plain number: three significant digits under 1000, every digit with a thousands separator
// under 10,000 (counts read better whole), a k/M/G/T suffix above.
STAMPEDE_DECL std::string plain_number(double x) {
  if (round3(x) < 1000) return sig3(x);
  if (const double whole = std::round(x); whole < 10000) {
    const auto n = static_cast<long long>(whole);
    return fmt::format("{},{:03}", n / 1000, n % 1000);
  }
  return with_prefix(x, "");
}

// A duration of `ms` milliseconds (≥ 0), in the largest unit that keeps it at 1 or more, with
// the unit chosen after rounding (999.7 ms is `1s`): `500ns`, `800µs`, `250ms`, `1.5s`, then
// whole minutes and seconds (`2m30s`, `2m`) and from an hour whole hours and minutes (`1h05m`).
STAMPEDE_DECL std::string duration(double ms, std::string_view zero) {
  if (ms == 0) return std::string{zero};
  if (const double r = round3(ms); r < 0.001) {
    return sig3(ms * 1e6) + "ns";
  } else if (r < 1) {
    return sig3(ms * 1000) + "µs";
  } else if (r < 1000) {
    return sig3(ms) + "ms";
  }
  const double s = ms / 1000;
  if (round3(s) < 60) return sig3(s) + "s";
  if (s >= 3.6e9) return sig3(s / 3600) + "h";  // a million hours: the whole number would be long
  if (const double whole = std::round(s); whole < 3600) {
    const auto total = static_cast<long long>(whole);
    return total % 60 == 0 ? fmt::format("{}m", total / 60)
                           : fmt::format("{}m{:02}s", total / 60, total % 60);
  }
  const auto minutes = static_cast<long long>(std::round(s / 60));
  return minutes % 60 == 0 ? fmt::format("{}h", minutes / 60)
                           : fmt::format("{}h{:02}m", minutes / 60, minutes % 60);
}

// The indexes of the multiples of `step` from the largest ≤ lo to the smallest ≥ hi. The slack
// absorbs lo / step landing a rounding error away from a whole number.
STAMPEDE_DECL std::pair<double, double> multiples(double lo, double hi, double step) {
  return {std::floor(lo / step + 1e-9), std::ceil(hi / step - 1e-9)};
}

// Ticks at every multiple of m × 10^e from the largest ≤ lo to the smallest ≥ hi, each computed
// from its index (no accumulated error). Empty when the step is not a positive finite number;
// at most 1001 ticks, strictly increasing (neighbours that a double cannot tell apart are one),
// without those past the largest double.
STAMPEDE_DECL std::vector<double> ticks_at(double lo, double hi, double m, int e) {
  const double step = shift(m, e);
  if (!(step > 0) || !std::isfinite(step)) return {};
  const auto [first, last] = multiples(lo, hi, step);
  if (!(last - first >= 0 && last - first <= 1000)) return {};
  std::vector<double> out;
  for (double k = 0; k <= last - first; ++k) {
    const double v = shift((first + k) * m, e);
    if (std::isfinite(v) && (out.empty() || v > out.back())) out.push_back(v);
  }
  return out;
}

// ---- axes ---------------------------------------------------------------------------------

STAMPEDE_DECL bool placeable(double v, scale kind) {
  return std::isfinite(v) && (kind == scale::linear || v > 0);
}

// An axis as drawn: its range in the axis's own space (the value, or its log10), the px that
// range spans, and the labelled ticks inside it.
struct placed_axis {
  bool log = false;
  double lo = 0;
  double hi = 1;
  double from = 0;  // px of lo
  double to = 1;    // px of hi
  std::vector<tick> ticks{};

  // Where v (placeable) lies as a fraction of the range; halving keeps hi - lo finite for any
  // two finite doubles.
  [[nodiscard]] double fraction(double v) const {
    const double span = hi / 2 - lo / 2;
    if (!(span > 0)) return 0.5;
    return ((log ? std::log10(v) : v) / 2 - lo / 2) / span;
  }
  [[nodiscard]] bool contains(double v) const {
    if (!placeable(v, log ? scale::log : scale::linear)) return false;
    const double f = fraction(v);
    return f >= -1e-6 && f <= 1 + 1e-6;
  }
  // The px of v, or nothing when v cannot be placed or lies outside the range.
  [[nodiscard]] std::optional<double> place(double v) const {
    if (!contains(v)) return std::nullopt;
    return from + std::clamp(fraction(v), 0.0, 1.0) * (to - from);
  }
  // The px of v (placeable), held to the range: a bar taller than the axis ends at its end.
  [[nodiscard]] double place_held(double v) const {
    return from + std::clamp(fraction(v), 0.0, 1.0) * (to - from);
  }
};

// 10^t for a log axis's bound: exact at whole decades.
STAMPEDE_DECL double from_log(double t) {
  return t == std::floor(t) && std::abs(t) < 400 ? shift(1, static_cast<int>(t))
                                                 : std::pow(10.0, t);
}

// A linear axis's computed ticks, about `target` of them. Durations over a minute step by 15 s,
// 30 s, whole minutes or whole hours (1m, 2m, 5m, 10m, 15m, 30m, 1h …) rather than by 1, 2 or
// 5 × 10^k seconds, which would put ticks at 1m40s and 3m20s; as nice_ticks, the smallest step
// that leaves at most target + 1 intervals.
STAMPEDE_DECL std::vector<double> linear_ticks(unit u, double lo, double hi, std::size_t target) {
  const double per_second = u == unit::seconds ? 1 : u == unit::milliseconds ? 1000 : 0;
  if (per_second > 0 && hi / 60 - lo / 60 > per_second) {
    static constexpr std::array<double, 18> steps{
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400};
    const double n = static_cast<double>(std::max<std::size_t>(target, 1));
    for (const double step : steps) {
      if (const auto [first, last] = multiples(lo, hi, step * per_second); last - first <= n + 1) {
        return ticks_at(lo, hi, step * per_second, 0);
      }
    }
  }
  return nice_ticks(lo, hi, target);
}

// A log axis's computed ticks over [lo, hi] (log10 space): log_ticks' when they are at most
// about twice `target`, else the powers of ten, every stride-th one when there are too many
// (those whose exponent is a multiple of the stride, so 1 stays a tick).
STAMPEDE_DECL std::vector<double> log_axis_ticks(double lo, double hi, std::size_t target) {
  auto all = log_ticks(from_log(lo), from_log(hi));
  if (all.size() <= 2 * target + 1) return all;
  const int d_lo = static_cast<int>(std::floor(lo + 1e-9));
  const int d_hi = static_cast<int>(std::ceil(hi - 1e-9));
  const auto decades = static_cast<std::size_t>(d_hi - d_lo);
  const int stride = static_cast<int>(
      std::max<std::size_t>(1, (decades + target - 1) / std::max<std::size_t>(target, 1)));
  std::vector<double> out;
  for (int d = d_lo; d <= d_hi; ++d) {
    if (d % stride != 0) continue;
    if (const double v = shift(1, d); v > 0 && std::isfinite(v)) out.push_back(v);
  }
  return out;
}

// The range and ticks of axis `a` drawn over `values` (data points, rules; those it cannot place
// are ignored), with about `target` computed ticks; `take_zero` asks a linear axis to include 0
// (unless its min is set). An axis with nothing to go on (no value, no tick, no set end) gets
// the range [0, 1] (log: [1, 10]) and no ticks: a chart without data shows no invented scale.
STAMPEDE_DECL placed_axis resolve(const axis& a, const std::vector<double>& values, bool take_zero,
                                  std::size_t target) {
  placed_axis out;
  out.log = a.kind == scale::log;
  const auto ok = [&](double v) { return placeable(v, a.kind); };
  const auto space = [&](double v) { return out.log ? std::log10(v) : v; };

  // The extent of the values, the caller's ticks and 0 when taken in (empty while lo > hi).
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  const auto take = [&](double v) {
    if (!ok(v)) return;
    lo = std::min(lo, space(v));
    hi = std::max(hi, space(v));
  };
  for (const double v : values) take(v);
  for (const auto& t : a.ticks) take(t.value);
  const bool set_lo = a.min && ok(*a.min);
  const bool set_hi = a.max && ok(*a.max);
  const bool informed = lo <= hi || set_lo || set_hi;
  if (!out.log && take_zero && !set_lo) take(0);
  const bool from_data = lo <= hi;
  if (set_lo) lo = space(*a.min);
  if (set_hi) hi = space(*a.max);
  if (!from_data && !set_lo && !set_hi) {
    lo = 0;
    hi = 1;
  } else if (!from_data && !set_hi) {
    hi = lo;
  } else if (!from_data && !set_lo) {
    lo = hi;
  }
  if (lo > hi) {
    if (set_lo && set_hi) {
      std::swap(lo, hi);
    } else if (set_lo) {
      hi = lo;
    } else {
      lo = hi;
    }
  }
  // One value (one point, equal values, min == max): a range around it that leaves a set end
  // where it is; 0 on a linear axis gets [0, 1].
  if (lo == hi) {
    const double span = out.log ? 1 : (lo == 0 ? 1 : std::abs(lo) / 5);
    if (set_hi && !set_lo) {
      lo -= span;
    } else if (set_lo || (!out.log && lo == 0)) {
      hi += span;
    } else {
      lo -= span / 2;
      hi += span / 2;
    }
  }

  // Unset ends move out to the enclosing ticks (decades on a log axis); the caller's ticks are
  // shown as given, the range only spanning them.
  std::vector<double> computed;
  if (a.ticks.empty() && informed) {
    if (out.log) {
      if (!set_lo) lo = std::floor(lo + 1e-9);
      if (!set_hi) hi = std::ceil(hi - 1e-9);
      computed = log_axis_ticks(lo, hi, target);
    } else {
      computed = linear_ticks(a.format, lo, hi, target);
      if (!computed.empty() && !set_lo) lo = std::min(lo, computed.front());
      if (!computed.empty() && !set_hi) hi = std::max(hi, computed.back());
    }
  }
  // Only absurd inputs (ends near the largest double) leave no usable range: fall back to the
  // default one, in which such points are not placed.
  if (!(std::isfinite(lo) && std::isfinite(hi) && lo < hi)) {
    lo = 0;
    hi = 1;
    computed.clear();
  }
  out.lo = lo;
  out.hi = hi;
  for (const auto& t : a.ticks) {
    if (out.contains(t.value)) out.ticks.push_back(t);
  }
  for (const double v : computed) {
    if (out.contains(v)) out.ticks.push_back({v, format_value(v, a.format)});
  }
  return out;
}

STAMPEDE_DECL double label_width(std::string_view text) {
  return static_cast<double>(stampede::detail::text_width(text)) * char_width;
}

// Whether neighbouring tick labels leave a gap: side by side on a horizontal axis, a line's
// height apart on a vertical one.
STAMPEDE_DECL bool labels_fit(const placed_axis& p, bool horizontal) {
  std::vector<std::pair<double, double>> at;  // px, half the label's extent
  for (const auto& t : p.ticks) {
    if (const auto px = p.place(t.value))
      at.emplace_back(*px, horizontal ? label_width(t.label) / 2 : 7);
  }
  std::sort(at.begin(), at.end());
  for (std::size_t i = 1; i < at.size(); ++i) {
    if (at[i].first - at[i - 1].first < at[i].second + at[i - 1].second + 6) return false;
  }
  return true;
}

// `resolve` over the px [from, to], with as many computed ticks as their labels leave room for.
STAMPEDE_DECL placed_axis resolve_fitted(const axis& a, const std::vector<double>& values,
                                         bool take_zero, double from, double to, bool horizontal) {
  auto target = static_cast<std::size_t>(
      std::max(2.0, std::floor(std::abs(to - from) / (horizontal ? 90 : 45))));
  for (;;) {
    auto p = resolve(a, values, take_zero, target);
    p.from = from;
    p.to = to;
    if (!a.ticks.empty() || target <= 2 || labels_fit(p, horizontal)) return p;
    --target;
  }
}

STAMPEDE_DECL double widest_label(const placed_axis& p) {
  double w = 0;
  for (const auto& t : p.ticks) w = std::max(w, label_width(t.label));
  return w;
}

// ---- text and layout ----------------------------------------------------------------------

// A coordinate or a length: one decimal, the same bytes on every platform, never "-0.0".
// Callers place only finite values; the guard keeps "nan" out of the file even so.
STAMPEDE_DECL std::string num(double v) {
  if (!std::isfinite(v)) v = 0;
  auto text = fmt::format("{:.1f}", v);
  if (text == "-0.0") text = "0.0";
  return text;
}

// `text` cut to `limit` code points, the last one an ellipsis, when it is longer.
STAMPEDE_DECL std::string shortened(std::string_view text, std::size_t limit) {
  if (limit == 0 || stampede::detail::text_width(text) <= limit) return std::string{text};
  // Keep limit - 1 code points: cut where the limit-th one starts.
  std::size_t points = 0;
  std::size_t i = 0;
  for (; i < text.size(); ++i) {
    const bool starts_point = (static_cast<unsigned char>(text[i]) & 0xC0U) != 0x80U;
    if (starts_point && ++points == limit) break;
  }
  return std::string{text.substr(0, i)} + "…";
}

// A text element, with the full text as a hover title when it had to be shortened.
STAMPEDE_DECL std::string text_element(double x, double y, std::string_view anchor,
                                       std::string_view text, std::size_t limit) {
  const auto shown = shortened(text, limit);
  return fmt::format(
      "<text x=\"{}\" y=\"{}\" text-anchor=\"{}\">{}{}</text>\n", num(x), num(y), anchor,
      escape_xml(shown),
      shown.size() == text.size() ? std::string{} : "<title>" + escape_xml(text) + "</title>");
}

STAMPEDE_DECL std::string colour_at(std::string_view given, std::size_t index) {
  const auto colours = palette();
  return std::string{given.empty() ? colours[index % colours.size()] : given};
}

enum class swatch : std::uint8_t { line, dot, box };

struct legend_entry {
  std::string name;
  std::string colour;
  swatch kind = swatch::line;
  bool dashed = false;
};

// How many characters of a name a legend entry shows: 40, or fewer if a row of `width` px
// would not hold them.
STAMPEDE_DECL std::size_t legend_chars(double width) {
  return std::min(max_legend_chars,
                  static_cast<std::size_t>(std::max(3.0, std::floor((width - 18) / char_width))));
}

// Legend rows: entries left to right, wrapped to `width`; each entry as (index, its width).
STAMPEDE_DECL std::vector<std::vector<std::pair<std::size_t, double>>> legend_rows(
    const std::vector<legend_entry>& entries, double width) {
  constexpr double gap = 14;
  std::vector<std::vector<std::pair<std::size_t, double>>> rows;
  double used = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const double w = 18 + label_width(shortened(entries[i].name, legend_chars(width)));
    if (rows.empty() || (used + gap + w > width && !rows.back().empty())) {
      rows.emplace_back();
      used = -gap;
    }
    rows.back().emplace_back(i, w);
    used += gap + w;
  }
  return rows;
}

// Where the plot lies in the picture, which grows when the plot would be smaller than
// min_plot px either way (a long legend, wide tick labels).
struct frame {
  int width = 0;
  int height = 0;
  double left = 0;
  double top = 0;
  double right = 0;
  double bottom = 0;
  double legend_top = 0;  // the first legend row's top
};

// The vertical layout: the title above the plot; below it, the x tick labels, the x axis's
// title and the legend rows.
STAMPEDE_DECL frame vertical_frame(int width, int height, bool has_title, bool has_x_title,
                                   std::size_t legend_rows) {
  frame f;
  f.width = std::max(width, min_width);
  f.top = has_title ? 34 : 14;
  const double x_title = has_x_title ? row_height : 0;
  const double legend = legend_rows > 0 ? static_cast<double>(legend_rows) * row_height + 6 : 0;
  const double below = 24 + x_title + legend + 6;
  f.height =
      std::max(std::max(height, min_height), static_cast<int>(std::ceil(f.top + min_plot + below)));
  f.bottom = f.height - below;
  f.legend_top = f.bottom + 24 + x_title + 6;
  return f;
}

// The horizontal layout, from the widest tick labels and whether each side has a title.
STAMPEDE_DECL void horizontal_frame(frame& f, double left_labels, bool left_title,
                                    std::optional<double> right_labels, bool right_title) {
  f.left = std::max(36.0, 8 + (left_title ? 18 : 0) + left_labels + 8);
  // Without a right axis, room for half of the last x tick label.
  const double margin =
      right_labels ? std::max(36.0, 8 + (right_title ? 18 : 0) + *right_labels + 8) : 24;
  f.width = std::max(f.width, static_cast<int>(std::ceil(f.left + min_plot + margin)));
  f.right = f.width - margin;
}

STAMPEDE_DECL std::string open_svg(const frame& f, std::string_view id, std::string_view title) {
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\"";
  if (!id.empty()) out += fmt::format(" id=\"{}\"", escape_xml(id));
  out += fmt::format(
      " class=\"chart\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\"", f.width,
      f.height);
  if (!title.empty()) out += fmt::format(" aria-label=\"{}\"", escape_xml(title));
  out += " font-family=\"sans-serif\" font-size=\"11\">\n";
  if (!title.empty()) out += fmt::format("<title>{}</title>\n", escape_xml(title));
  out += fmt::format("<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", f.width, f.height);
  if (!title.empty()) {
    out += fmt::format(
        "<text class=\"chart-title\" x=\"{}\" y=\"20\" text-anchor=\"middle\" font-size=\"13\" "
        "font-weight=\"bold\" fill=\"#222222\">{}</text>\n",
        num(f.width / 2.0), escape_xml(title));
  }
  return out;
}

STAMPEDE_DECL std::string line_element(double x1, double y1, double x2, double y2,
                                       std::string_view extra = {}) {
  return fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"{}/>\n", num(x1), num(y1),
                     num(x2), num(y2), extra);
}

// Gridlines at the x ticks (when `x` is given) and the left y axis's ticks.
STAMPEDE_DECL std::string grid(const frame& f, const placed_axis* x, const placed_axis& y) {
  std::string lines;
  if (x != nullptr) {
    for (const auto& t : x->ticks) {
      if (const auto px = x->place(t.value)) lines += line_element(*px, f.top, *px, f.bottom);
    }
  }
  for (const auto& t : y.ticks) {
    if (const auto py = y.place(t.value)) lines += line_element(f.left, *py, f.right, *py);
  }
  if (lines.empty()) return {};
  return fmt::format("<g class=\"grid\" stroke=\"{}\" stroke-width=\"1\">\n{}</g>\n", grid_colour,
                     lines);
}

// An axis's line, tick labels and title. `side`: the bottom, left or right edge of the plot.
enum class edge : std::uint8_t { bottom, left, right };

STAMPEDE_DECL std::string axis_group(const frame& f, const placed_axis& p, std::string_view title,
                                     edge side) {
  static constexpr std::array<std::string_view, 3> names{"x-axis", "y-axis", "y2-axis"};
  std::string out = fmt::format("<g class=\"axis {}\" fill=\"{}\">\n",
                                names[static_cast<std::size_t>(side)], label_colour);
  const auto stroke = fmt::format(" stroke=\"{}\"", axis_colour);
  const double middle_y = (f.top + f.bottom) / 2;
  switch (side) {
    case edge::bottom:
      out += line_element(f.left, f.bottom, f.right, f.bottom, stroke);
      for (const auto& t : p.ticks) {
        if (const auto px = p.place(t.value))
          out += text_element(*px, f.bottom + 16, "middle", t.label, max_label_chars);
      }
      if (!title.empty()) {
        out += fmt::format(
            "<text class=\"axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
            num((f.left + f.right) / 2), num(f.bottom + 34), escape_xml(title));
      }
      break;
    case edge::left:
      out += line_element(f.left, f.top, f.left, f.bottom, stroke);
      for (const auto& t : p.ticks) {
        if (const auto py = p.place(t.value))
          out += text_element(f.left - 6, *py + 4, "end", t.label, max_label_chars);
      }
      if (!title.empty()) {
        out += fmt::format(
            "<text class=\"axis-title\" transform=\"translate(18 {}) rotate(-90)\" "
            "text-anchor=\"middle\">{}</text>\n",
            num(middle_y), escape_xml(title));
      }
      break;
    case edge::right:
      out += line_element(f.right, f.top, f.right, f.bottom, stroke);
      for (const auto& t : p.ticks) {
        if (const auto py = p.place(t.value))
          out += text_element(f.right + 6, *py + 4, "start", t.label, max_label_chars);
      }
      if (!title.empty()) {
        out += fmt::format(
            "<text class=\"axis-title\" transform=\"translate({} {}) rotate(90)\" "
            "text-anchor=\"middle\">{}</text>\n",
            num(f.width - 18.0), num(middle_y), escape_xml(title));
      }
      break;
  }
  return out + "</g>\n";
}

STAMPEDE_DECL std::string no_data(const frame& f) {
  return fmt::format(
      "<text class=\"no-data\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#888888\">"
      "no data</text>\n",
      num((f.left + f.right) / 2), num((f.top + f.bottom) / 2));
}

STAMPEDE_DECL std::string legend(const frame& f, const std::vector<legend_entry>& entries) {
  if (entries.empty()) return {};
  const double width = f.width - 20.0;
  const auto rows = legend_rows(entries, width);
  std::string out = fmt::format("<g class=\"legend\" fill=\"{}\">\n", label_colour);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    double row_width = -14;
    for (const auto& [i, w] : rows[r]) row_width += 14 + w;
    double x = (f.width - row_width) / 2;
    const double mid = f.legend_top + static_cast<double>(r) * row_height + row_height / 2;
    for (const auto& [i, w] : rows[r]) {
      const auto& e = entries[i];
      const auto colour = escape_xml(e.colour);
      out += fmt::format("<g class=\"legend-item\" data-series=\"{}\">\n", i);
      switch (e.kind) {
        case swatch::line:
          out += line_element(x, mid, x + 14, mid,
                              fmt::format(" stroke=\"{}\" stroke-width=\"2\"{}", colour,
                                          e.dashed ? " stroke-dasharray=\"4 2\"" : ""));
          break;
        case swatch::dot:
          out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"{}\"/>\n", num(x + 7),
                             num(mid), colour);
          break;
        case swatch::box:
          out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/>\n",
                             num(x + 1), num(mid - 6), colour);
          break;
      }
      out += text_element(x + 18, mid + 4, "start", e.name, legend_chars(width));
      out += "</g>\n";
      x += w + 14;
    }
  }
  return out + "</g>\n";
}

STAMPEDE_DECL std::string display_name(std::string_view name, std::size_t index) {
  return name.empty() ? fmt::format("series {}", index + 1) : std::string{name};
}

// One series: a path through its runs of placeable points (a line breaks where a point cannot be
// placed), dots, and hover titles. Returns how many points were placed.
STAMPEDE_DECL std::size_t write_series(std::string& out, std::size_t index, const series& s,
                                       const placed_axis& x, const placed_axis& y, unit x_unit,
                                       unit y_unit) {
  struct spot {
    double px;
    double py;
    point at;
  };
  std::vector<std::vector<spot>> runs(1);
  for (const auto& p : s.points) {
    const auto px = x.place(p.x);
    const auto py = y.place(p.y);
    if (px && py) {
      runs.back().push_back({*px, *py, p});
    } else if (!runs.back().empty()) {
      runs.emplace_back();
    }
  }
  std::size_t placed = 0;
  for (const auto& run : runs) placed += run.size();

  const auto name = display_name(s.name, index);
  const auto colour = escape_xml(colour_at(s.color, index));
  out += fmt::format("<g class=\"series\" data-series=\"{}\" fill=\"{}\" stroke=\"{}\">\n", index,
                     colour, colour);
  const bool titled = placed <= max_titled_points;
  if (!titled) out += fmt::format("<title>{}: {} points</title>\n", escape_xml(name), placed);

  const bool joined = s.style != mark::points;
  if (joined) {
    std::string d;
    for (const auto& run : runs) {
      if (run.size() < 2) continue;
      d += fmt::format("M{} {}", num(run[0].px), num(run[0].py));
      for (std::size_t i = 1; i < run.size(); ++i) {
        // A step holds the previous y until this x, then rises or falls to this y.
        d += s.style == mark::step ? fmt::format("H{}V{}", num(run[i].px), num(run[i].py))
                                   : fmt::format("L{} {}", num(run[i].px), num(run[i].py));
      }
    }
    if (!d.empty()) {
      out += fmt::format("<path d=\"{}\" fill=\"none\" stroke-width=\"1.5\"{}/>\n", d,
                         s.dashed ? " stroke-dasharray=\"6 4\"" : "");
    }
  }
  // Dots: every point of `points` and `line_points`; on a line, a point with no neighbour to join
  // (else it would not show), and invisible dots that carry the hover titles.
  for (const auto& run : runs) {
    for (const auto& p : run) {
      const bool visible = !joined || s.style == mark::line_points || run.size() == 1;
      if (!visible && !titled) continue;
      out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\" stroke=\"none\"{}", num(p.px),
                         num(p.py), visible ? "2.5" : "4", visible ? "" : " fill-opacity=\"0\"");
      if (titled) {
        out += fmt::format("><title>{}</title></circle>\n",
                           escape_xml(fmt::format("{}: {}, {}", name, format_value(p.at.x, x_unit),
                                                  format_value(p.at.y, y_unit))));
      } else {
        out += "/>\n";
      }
    }
  }
  out += "</g>\n";
  return placed;
}

// A rule as drawn: its line across the plot and where its label goes.
struct placed_rule {
  const rule* source = nullptr;
  double x1 = 0;
  double y1 = 0;
  double x2 = 0;
  double y2 = 0;
  double label_x = 0;
  double label_y = 0;
  std::string_view anchor{};
};

// The rules that can be placed (a horizontal one on the left y axis, a vertical one on x).
STAMPEDE_DECL std::vector<placed_rule> place_rules(const frame& f, const std::vector<rule>& rules,
                                                   const placed_axis& x, const placed_axis& y) {
  std::vector<placed_rule> out;
  for (const auto& r : rules) {
    if (r.direction == rule::orientation::horizontal) {
      // The label above the line at the right end, or below it when the line is near the top.
      if (const auto py = y.place(r.at)) {
        out.push_back({&r, f.left, *py, f.right, *py, f.right - 4,
                       *py - 4 < f.top + 12 ? *py + 13 : *py - 4, "end"});
      }
    } else if (const auto px = x.place(r.at)) {
      // The label at the top, on the side of the line with more room.
      const bool left_of = *px > (f.left + f.right) / 2;
      out.push_back({&r, *px, f.top, *px, f.bottom, left_of ? *px - 4 : *px + 4, f.top + 12,
                     left_of ? "end" : "start"});
    }
  }
  return out;
}

STAMPEDE_DECL std::string rule_colour_of(const rule& r) {
  return escape_xml(r.color.empty() ? rule_colour : std::string_view{r.color});
}

// The rules' dashed lines, drawn under the series.
STAMPEDE_DECL std::string rule_lines(const std::vector<placed_rule>& rules) {
  if (rules.empty()) return {};
  std::string out = "<g class=\"rules\" stroke-dasharray=\"4 3\">\n";
  for (const auto& r : rules) {
    out += line_element(r.x1, r.y1, r.x2, r.y2,
                        fmt::format(" stroke=\"{}\"", rule_colour_of(*r.source)));
  }
  return out + "</g>\n";
}

// The rules' labels, drawn over the series and every line, each with a white outline that
// keeps it readable where it crosses one.
STAMPEDE_DECL std::string rule_labels(const std::vector<placed_rule>& rules) {
  std::string out;
  for (const auto& r : rules) {
    if (r.source->label.empty()) continue;
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"{}\" fill=\"{}\" stroke=\"#ffffff\" "
        "stroke-width=\"3\" paint-order=\"stroke\">{}</text>\n",
        num(r.label_x), num(r.label_y), r.anchor, rule_colour_of(*r.source),
        escape_xml(r.source->label));
  }
  return out.empty() ? out : "<g class=\"rule-labels\">\n" + out + "</g>\n";
}

}  // namespace detail

STAMPEDE_DECL std::string format_value(double value, unit u) {
  if (!std::isfinite(value)) return "–";
  if (value < 0) return "-" + format_value(-value, u);
  if (value == 0) value = 0;  // -0 prints as 0
  switch (u) {
    case unit::plain: return detail::plain_number(value);
    case unit::milliseconds: return detail::duration(value, "0ms");
    case unit::seconds:
      // Past a million hours (where value × 1000 could overflow) only the hours count.
      return value >= 3.6e9 ? detail::sig3(value / 3600) + "h"
                            : detail::duration(value * 1000, "0s");
    case unit::ratio: return detail::sig3(value * 100) + "%";
    case unit::per_second: return detail::with_prefix(value, "") + "/s";
    case unit::bytes_per_second: return detail::with_prefix(value, " ") + "B/s";
  }
  return detail::sig3(value);
}

STAMPEDE_DECL std::vector<double> nice_ticks(double lo, double hi, std::size_t target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {};
  if (lo > hi) std::swap(lo, hi);
  if (lo == hi) return {lo == 0 ? 0.0 : lo};
  const double n = static_cast<double>(std::max<std::size_t>(target, 1));
  const double raw = hi / n - lo / n;  // (hi - lo) / n without overflowing
  if (!(raw > 0) || raw < 1e-300) return {lo, hi};
  // The smallest 1, 2 or 5 × 10^k step that cuts [lo, hi] into at most target + 1 intervals: the
  // smallest step ≥ raw could leave as few as target / 2.5 of them. 5 × 10^(d+1) > 5 raw always
  // does, unless lo / step overflows.
  const int d = detail::decade_of(raw);
  for (int e = d - 1; e <= d + 1; ++e) {
    for (const double m : {1.0, 2.0, 5.0}) {
      if (const auto [first, last] = detail::multiples(lo, hi, detail::shift(m, e));
          last - first <= n + 1) {
        auto ticks = detail::ticks_at(lo, hi, m, e);
        return ticks.empty() ? std::vector<double>{lo, hi} : ticks;
      }
    }
  }
  return {lo, hi};
}

STAMPEDE_DECL std::vector<double> log_ticks(double lo, double hi) {
  if (!(lo > 0) || !(hi > 0) || !std::isfinite(lo) || !std::isfinite(hi)) return {};
  if (lo > hi) std::swap(lo, hi);
  const int d_lo = std::max(-307, static_cast<int>(std::floor(std::log10(lo) + 1e-9)));
  const int d_hi = std::min(308, static_cast<int>(std::ceil(std::log10(hi) - 1e-9)));
  const bool between = std::log10(hi) - std::log10(lo) < 3 - 1e-9;
  std::vector<double> out;
  for (int d = d_lo; d <= d_hi; ++d) {
    out.push_back(detail::shift(1, d));
    if (between && d < d_hi) {
      out.push_back(detail::shift(2, d));
      out.push_back(detail::shift(5, d));
    }
  }
  return out;
}

STAMPEDE_DECL std::span<const std::string_view> palette() noexcept {
  // Okabe and Ito's colours for colour-blind readers, ordered so that the first few differ most;
  // black and the yellow, which shows poorly on white, come last.
  static constexpr std::array<std::string_view, 8> colours{
      "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"};
  return colours;
}

STAMPEDE_DECL std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\t':
      case '\n':
      case '\r': out += c; break;
      default:
        // XML 1.0 cannot hold the other control characters, not even as references.
        if (static_cast<unsigned char>(c) >= 0x20) out += c;
        break;
    }
  }
  return out;
}

STAMPEDE_DECL std::string render(const chart& c) {
  using namespace detail;
  const bool has_y2 = c.y2.has_value();
  const auto on_right = [&](const series& s) { return has_y2 && s.right_axis; };

  // The points that can be placed on both their axes decide the ranges, with the rules.
  std::vector<double> xs;
  std::vector<double> ys;
  std::vector<double> y2s;
  for (const auto& s : c.data) {
    const auto& y_axis = on_right(s) ? *c.y2 : c.y;
    for (const auto& p : s.points) {
      if (!placeable(p.x, c.x.kind) || !placeable(p.y, y_axis.kind)) continue;
      xs.push_back(p.x);
      (on_right(s) ? y2s : ys).push_back(p.y);
    }
  }
  // A rule takes in a little room on either side, so that one at the end of its axis does not
  // lie on the plot's edge (where a threshold's bound would hide in the frame).
  for (const auto& r : c.rules) {
    auto& values = r.direction == rule::orientation::horizontal ? ys : xs;
    for (const double side : {-0.04, 0.0, 0.04}) values.push_back(r.at + std::abs(r.at) * side);
  }

  std::vector<legend_entry> entries;
  for (std::size_t i = 0; i < c.data.size(); ++i) {
    const auto& s = c.data[i];
    entries.push_back({display_name(s.name, i), colour_at(s.color, i),
                       s.style == mark::points ? swatch::dot : swatch::line,
                       s.dashed && s.style != mark::points});
  }
  auto f = vertical_frame(c.width, c.height, !c.title.empty(), !c.x.title.empty(),
                          legend_rows(entries, std::max(c.width, min_width) - 20.0).size());
  const auto y = resolve_fitted(c.y, ys, c.y.from_zero, f.bottom, f.top, false);
  const auto y2 =
      has_y2 ? std::optional{resolve_fitted(*c.y2, y2s, c.y2->from_zero, f.bottom, f.top, false)}
             : std::nullopt;
  horizontal_frame(f, widest_label(y), !c.y.title.empty(),
                   y2 ? std::optional{widest_label(*y2)} : std::nullopt,
                   has_y2 && !c.y2->title.empty());
  const auto x = resolve_fitted(c.x, xs, c.x.from_zero, f.left, f.right, true);

  std::string out = open_svg(f, c.id, c.title);
  out += grid(f, &x, y);
  out += axis_group(f, x, c.x.title, edge::bottom);
  out += axis_group(f, y, c.y.title, edge::left);
  if (y2) out += axis_group(f, *y2, c.y2->title, edge::right);
  const auto rules = place_rules(f, c.rules, x, y);
  out += rule_lines(rules);
  std::size_t placed = 0;
  for (std::size_t i = 0; i < c.data.size(); ++i) {
    const auto& s = c.data[i];
    placed += write_series(out, i, s, x, on_right(s) ? *y2 : y, c.x.format,
                           on_right(s) ? c.y2->format : c.y.format);
  }
  out += rule_labels(rules);
  if (placed == 0) out += no_data(f);
  out += legend(f, entries);
  return out + "</svg>\n";
}

STAMPEDE_DECL std::string render(const bar_chart& c) {
  using namespace detail;
  const std::size_t categories = c.categories.size();
  std::vector<double> values;
  for (const auto& g : c.groups) {
    for (std::size_t i = 0; i < std::min(categories, g.values.size()); ++i)
      values.push_back(g.values[i]);
  }
  std::vector<legend_entry> entries;
  for (std::size_t i = 0; i < c.groups.size(); ++i) {
    entries.push_back(
        {display_name(c.groups[i].name, i), colour_at(c.groups[i].color, i), swatch::box, false});
  }
  auto f = vertical_frame(c.width, c.height, !c.title.empty(), false,
                          legend_rows(entries, std::max(c.width, min_width) - 20.0).size());
  // Bars rise from 0 on a linear axis, so 0 is always in its range.
  const auto y = resolve_fitted(c.y, values, true, f.bottom, f.top, false);
  horizontal_frame(f, widest_label(y), !c.y.title.empty(), std::nullopt, false);

  std::string out = open_svg(f, c.id, c.title);
  out += grid(f, nullptr, y);
  placed_axis no_ticks;  // the category axis: its line only; the labels follow
  out += axis_group(f, no_ticks, {}, edge::bottom);
  out += axis_group(f, y, c.y.title, edge::left);

  // Each category a band of the plot's width; its bars side by side in the middle 80%.
  const double band = categories > 0 ? (f.right - f.left) / static_cast<double>(categories) : 0;
  const double bar = c.groups.empty() ? 0 : band * 0.8 / static_cast<double>(c.groups.size());
  // A log axis's bars rise from its bottom; a linear one's from 0, or the end nearer it.
  const double base = y.log ? f.bottom : y.place_held(0);
  std::size_t drawn = 0;
  for (std::size_t g = 0; g < c.groups.size(); ++g) {
    const auto& group = c.groups[g];
    const auto colour = escape_xml(colour_at(group.color, g));
    out += fmt::format("<g class=\"series\" data-series=\"{}\" fill=\"{}\">\n", g, colour);
    for (std::size_t i = 0; i < std::min(categories, group.values.size()); ++i) {
      const double v = group.values[i];
      if (!placeable(v, c.y.kind)) continue;
      const double top = y.place_held(v);
      const double left =
          f.left + band * static_cast<double>(i) + band * 0.1 + bar * static_cast<double>(g);
      out += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}</title></rect>\n",
          num(left), num(std::min(top, base)), num(bar * 0.9), num(std::abs(base - top)),
          escape_xml(fmt::format("{}, {}: {}", display_name(group.name, g), c.categories[i],
                                 format_value(v, c.y.format))));
      ++drawn;
    }
    out += "</g>\n";
  }
  // Category names under their bands, shortened to what a band holds (at most 24 characters).
  if (categories > 0) {
    out += fmt::format("<g class=\"categories\" fill=\"{}\">\n", label_colour);
    const auto fits = static_cast<std::size_t>(std::max(3.0, std::floor(band / char_width)));
    for (std::size_t i = 0; i < categories; ++i) {
      out += text_element(f.left + band * (static_cast<double>(i) + 0.5), f.bottom + 16, "middle",
                          c.categories[i], std::min(max_label_chars, fits));
    }
    out += "</g>\n";
  }
  if (drawn == 0) out += no_data(f);
  out += legend(f, entries);
  return out + "</svg>\n";
}

}  // namespace stampede::svg
