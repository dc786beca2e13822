// Bodies of the text summary (included by report/summary.hpp): the helpers every layout
// shares and k6 0.x's layout (`legacy`), which follows k6's summary-legacy.js: the same column
// widths, dot leaders, marks and check tree. The sectioned layouts are in summary_compact.ipp.
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/detail/text_width.hpp>
#include <stampede/core/charconv.hpp>
#include <stampede/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string_view>
#include <type_traits>
#include <variant>

#if defined(_WIN32)
#  include <io.h>
#else
#  include <unistd.h>
#endif

namespace stampede {

STAMPEDE_DECL bool is_terminal(std::FILE* stream) {
#if defined(_WIN32)
  return _isatty(_fileno(stream)) != 0;
#else
  return isatty(fileno(stream)) != 0;
#endif
}

STAMPEDE_DECL bool summary_colors_for_terminal() {
  if (const char* no_color = std::getenv("NO_COLOR"); no_color != nullptr && *no_color != '\0') return false;
  return is_terminal(stdout);
}

namespace detail::summary {

inline constexpr std::string_view pass_mark = "✓";
inline constexpr std::string_view fail_mark = "✗";

using detail::text_width;

STAMPEDE_DECL std::string pad(std::string_view text, std::size_t to) {
  std::string out{text};
  const auto w = text_width(text);
  if (w < to) out.append(to - w, ' ');
  return out;
}

struct painter {
  bool on = false;
  [[nodiscard]] std::string operator()(std::string_view text, std::string_view code) const {
    if (!on) return std::string{text};
    return "\x1b[" + std::string{code} + "m" + std::string{text} + "\x1b[0m";
  }
};
inline constexpr std::string_view cyan = "36";
inline constexpr std::string_view cyan_faint = "36;2";
inline constexpr std::string_view faint = "2";
inline constexpr std::string_view green = "32";
inline constexpr std::string_view red = "31";

// k6's humanizeValue: rates as percentages, then by what the metric holds.
STAMPEDE_DECL std::string humanize(double value, const metric_descriptor& m, const summary_options& o,
                            bool as_rate) {
  if (as_rate) return format_percent(value);
  switch (m.contains) {
    case value_type::data: return format_bytes(value);
    case value_type::time:
      return o.fixed_time_unit ? format_duration(value, *o.fixed_time_unit) : format_duration(value);
    case value_type::plain: break;
  }
  return format_number(value);
}

// k6's displayNameForMetric: a sub-metric shows only its filter, spaced inside the braces.
STAMPEDE_DECL std::string display_name(const metric_descriptor& m) {
  if (!m.is_submetric()) return m.name;
  const auto braces = to_string(m.filter);
  return "{ " + braces.substr(1, braces.size() - 2) + " }";
}

// A trend statistic as summaryTrendStats names it: "avg", "min", "med", "max", "count", "p(N)".
struct trend_stat {
  bool is_count = false;
  aggregation_kind kind = aggregation_kind::avg;
  double percentile = 0;
};

STAMPEDE_DECL trend_stat parse_trend_stat(const std::string& stat) {
  if (stat == "count") return {true, aggregation_kind::count, 0};
  if (stat == "avg") return {false, aggregation_kind::avg, 0};
  if (stat == "min") return {false, aggregation_kind::min, 0};
  if (stat == "max") return {false, aggregation_kind::max, 0};
  if (stat == "med") return {false, aggregation_kind::med, 0};
  const auto p = stat.size() > 3 && stat.starts_with("p(") && stat.back() == ')'
                     ? parse_double(std::string_view{stat}.substr(2, stat.size() - 3))
                     : std::nullopt;
  if (!p || !(*p >= 0 && *p <= 100)) {
    throw usage_error("unknown trend statistic \"" + stat + "\" (avg, min, med, max, count or p(N) with N from 0 to 100)");
  }
  return {false, aggregation_kind::percentile, *p};
}

// One trend statistic of a non-empty trend sink, formatted.
}  // namespace detail::summary

STAMPEDE_DECL void validate_trend_stat(const std::string& stat) { (void)detail::summary::parse_trend_stat(stat); }

STAMPEDE_DECL summary_mode parse_summary_mode(std::string_view text) {
  for (const auto mode : {summary_mode::compact, summary_mode::full, summary_mode::legacy, summary_mode::disabled}) {
    if (text == to_string(mode)) return mode;
  }
  throw usage_error(fmt::format("invalid summary mode \"{}\": expected compact, full, legacy or disabled", text));
}

STAMPEDE_DECL std::string_view to_string(summary_mode mode) noexcept {
  switch (mode) {
    case summary_mode::compact: return "compact";
    case summary_mode::full: return "full";
    case summary_mode::legacy: return "legacy";
    case summary_mode::disabled: return "disabled";
  }
  return "compact";
}

namespace detail::summary {

STAMPEDE_DECL std::string format_trend_stat(const trend_sink& t, const metric_descriptor& m, const std::string& stat,
                                     const summary_options& o) {
  const auto s = parse_trend_stat(stat);
  if (s.is_count) return std::to_string(t.samples.count());
  return humanize(t.value(s.kind, s.percentile).value_or(0), m, o, false);
}

}  // namespace detail::summary

STAMPEDE_DECL std::string format_trend_statistic(const trend_sink& t, const metric_descriptor& metric,
                                                 const std::string& stat, const summary_options& options) {
  return detail::summary::format_trend_stat(t, metric, stat, options);
}

namespace detail::summary {

struct metric_line {
  metric_descriptor metric;
  bool trend = false;
  bool empty = false;              // no samples: "[no data]", left out of the column widths
  std::vector<std::string> cells;  // trend: one per stat; others: value then extras
};

// Whether a summary lists `m`: a metric always; a sub-metric when a threshold names it
// (`named`), and k6's `{ expected_response:true }`. The run keeps other sub-metrics for other
// readers — the checks' series, the per-endpoint and per-scenario breakdowns a report asks
// for, the full summary's scenario sections — which the list would only repeat.
STAMPEDE_DECL bool listed_submetric(const metric_descriptor& m, bool named) {
  if (!m.is_submetric() || named) return true;
  return m.name == http_req_duration.name() && m.filter.tags().size() == 1 &&
         m.filter.tags().get(system_tag::expected_response) == std::optional<std::string_view>{"true"};
}

STAMPEDE_DECL bool has_samples(const sink& s) {
  return std::visit(
      [](const auto& x) {
        using sink_type = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<sink_type, rate_sink>) {
          return x.total > 0;
        } else if constexpr (std::is_same_v<sink_type, trend_sink>) {
          return x.samples.count() > 0 || x.rejected > 0;
        } else {
          return x.samples > 0;
        }
      },
      s);
}

STAMPEDE_DECL metric_line describe(const snapshot_entry& e, const snapshot& s, const summary_options& o) {
  metric_line line{e.metric, false, false, {}};
  const auto& m = e.metric;
  const double seconds = std::chrono::duration<double>{s.duration()}.count();
  if (const auto* c = std::get_if<counter_sink>(&e.data)) {
    line.cells = {humanize(c->sum, m, o, false),
                  humanize(seconds > 0 ? c->sum / seconds : 0, m, o, false) + "/s"};
  } else if (const auto* g = std::get_if<gauge_sink>(&e.data)) {
    if (g->samples == 0) {
      line.cells = {"[no data]"};
      line.empty = true;
    } else {
      line.cells = {humanize(g->value, m, o, false), "min=" + humanize(g->min, m, o, false),
                    "max=" + humanize(g->max, m, o, false)};
    }
  } else if (const auto* r = std::get_if<rate_sink>(&e.data)) {
    if (r->total == 0) {
      line.cells = {"[no data]"};
      line.empty = true;
    } else {
      line.cells = {humanize(*r->rate(), m, o, true), std::string{pass_mark} + " " + std::to_string(r->nonzero),
                    std::string{fail_mark} + " " + std::to_string(r->total - r->nonzero)};
    }
  } else {
    const auto& t = std::get<trend_sink>(e.data);
    if (t.samples.count() == 0) {
      line.cells = {"[no data]"};
      line.empty = true;
    } else {
      line.trend = true;
      for (const auto& stat : o.trend_stats) line.cells.push_back(format_trend_stat(t, m, stat, o));
    }
  }
  return line;
}

// A group of k6's check tree: its own checks, then its subgroups, in first-seen order.
struct group_node {
  std::string name;
  std::vector<check_result> checks;
  std::vector<std::unique_ptr<group_node>> groups;

  group_node& child(const std::string& child_name) {
    for (auto& g : groups) {
      if (g->name == child_name) return *g;
    }
    groups.push_back(std::make_unique<group_node>());
    groups.back()->name = child_name;
    return *groups.back();
  }
};

STAMPEDE_DECL void write_group(const group_node& g, std::string indent, const painter& paint,
                        std::vector<std::string>& out) {
  if (!g.name.empty()) {
    out.push_back(indent + "█ " + g.name);
    out.emplace_back();
    indent += "  ";
  }
  for (const auto& c : g.checks) {
    if (c.fails == 0) {
      out.push_back(paint(indent + std::string{pass_mark} + " " + c.name, green));
    } else {
      const auto percent = 100 * c.passes / (c.passes + c.fails);  // floor, as k6
      out.push_back(paint(indent + std::string{fail_mark} + " " + c.name + "\n" + indent + " ↳  " +
                              std::to_string(percent) + "% — " + std::string{pass_mark} + " " +
                              std::to_string(c.passes) + " / " + std::string{fail_mark} + " " +
                              std::to_string(c.fails),
                          red));
    }
  }
  if (!g.checks.empty()) out.emplace_back();
  for (const auto& sub : g.groups) write_group(*sub, indent, paint, out);
}

STAMPEDE_DECL std::string observed_text(const condition_result& r, const summary_options& o) {
  const auto& a = r.condition.aggregate;
  if (!r.observed) return a.aggregation_name() + "=[no data]";
  const bool as_rate = a.kind == aggregation_kind::rate && a.metric.type == metric_type::rate;
  double value = *r.observed;
  std::string text;
  if (a.kind == aggregation_kind::count) {
    text = a.metric.contains == value_type::data ? format_bytes(value) : format_number(value);
  } else if (a.kind == aggregation_kind::rate && a.metric.type == metric_type::counter) {
    text = (a.metric.contains == value_type::data ? format_bytes(value) : format_number(value)) + "/s";
  } else {
    text = humanize(value, a.metric, o, as_rate);
  }
  return a.aggregation_name() + "=" + text;
}

}  // namespace detail::summary

STAMPEDE_DECL std::string format_observed(const condition_result& r, const summary_options& options) {
  return detail::summary::observed_text(r, options);
}

namespace detail::summary {

// k6 1.x's sectioned summary (`compact` and `full`), in impl/summary_compact.ipp.
STAMPEDE_DECL std::string sectioned_summary(const snapshot& metrics, const std::vector<threshold_result>& thresholds,
                                            const summary_options& options);

// k6 0.x's layout (`legacy`): checks by group, then every metric in one list.
STAMPEDE_DECL std::string legacy_summary(const snapshot& metrics, const std::vector<threshold_result>& thresholds,
                                         const summary_options& options) {
  namespace d = detail::summary;
  const d::painter paint{options.colors};
  std::vector<std::string> out;
  const std::string indent = "   ";  // k6: options.indent (" ") + "  "

  // Checks, by group.
  d::group_node root;
  for (const auto& c : check_results(metrics)) {
    d::group_node* g = &root;
    for (const auto& name : group_path(c.group)) g = &g->child(name);
    g->checks.push_back(c);
  }
  d::write_group(root, " " + std::string(4, ' '), paint, out);

  // A metric's mark: ✓ when all its thresholds passed, ✗ when one failed, blank without.
  // A metric a threshold names is listed even without samples, and so is the parent of a
  // sub-metric a threshold names, so that the sub-metric's line sits under it (as in k6).
  std::map<std::string, bool> threshold_ok;
  std::set<std::string> listed_without_samples;
  for (const auto& t : thresholds) {
    for (const auto& c : t.conditions) {
      const auto name = c.condition.aggregate.metric.display_name();
      const auto it = threshold_ok.find(name);
      threshold_ok[name] = (it == threshold_ok.end() || it->second) && c.passed;
      listed_without_samples.insert(name);
      listed_without_samples.insert(c.condition.aggregate.metric.name);
    }
  }

  // Metrics, as k6 lists them: those that got samples, and those listed above. A run
  // without any sample lists every metric but WebSocket's (which only a test that speaks it
  // records), each marked "[no data]". The per-check series of `checks` are shown as the
  // checks above, not here.
  const bool any_samples = std::any_of(metrics.entries().begin(), metrics.entries().end(),
                                       [](const snapshot_entry& e) { return d::has_samples(e.data); });
  std::vector<d::metric_line> lines;
  for (const auto& e : metrics.entries()) {
    if (e.metric.name == checks.name() && e.metric.filter.tags().contains(system_tag::check)) continue;
    const bool listed = listed_without_samples.contains(e.metric.display_name());
    if (!d::listed_submetric(e.metric, listed)) continue;
    if (any_samples && !d::has_samples(e.data) && !listed) continue;
    if (!any_samples && !listed && e.metric.name.starts_with("ws_")) continue;
    lines.push_back(d::describe(e, metrics, options));
  }
  std::sort(lines.begin(), lines.end(), [](const d::metric_line& a, const d::metric_line& b) {
    if (a.metric.name != b.metric.name) return a.metric.name < b.metric.name;
    if (a.metric.is_submetric() != b.metric.is_submetric()) return !a.metric.is_submetric();
    return to_string(a.metric.filter) < to_string(b.metric.filter);
  });

  std::size_t name_max = 0, value_max = 0;
  std::vector<std::size_t> extra_max(2, 0), trend_max(options.trend_stats.size(), 0);
  for (const auto& l : lines) {
    name_max = std::max(name_max, (l.metric.is_submetric() ? 2U : 0U) + d::text_width(d::display_name(l.metric)));
    if (l.empty) continue;
    if (l.trend) {
      for (std::size_t i = 0; i < l.cells.size(); ++i) trend_max[i] = std::max(trend_max[i], d::text_width(l.cells[i]));
    } else {
      value_max = std::max(value_max, d::text_width(l.cells[0]));
      for (std::size_t i = 1; i < l.cells.size(); ++i) {
        extra_max[i - 1] = std::max(extra_max[i - 1], d::text_width(l.cells[i]));
      }
    }
  }

  for (const auto& l : lines) {
    std::string data;
    if (l.trend) {
      for (std::size_t i = 0; i < l.cells.size(); ++i) {
        if (i > 0) data += ' ';
        data += options.trend_stats[i] + "=" + paint(l.cells[i], d::cyan) +
                std::string(trend_max[i] - d::text_width(l.cells[i]), ' ');
      }
    } else {
      data = paint(l.cells[0], d::cyan) + std::string(value_max - std::min(value_max, d::text_width(l.cells[0])), ' ');
      if (l.cells.size() == 2) {
        data += " " + paint(l.cells[1], d::cyan_faint);
      } else {
        for (std::size_t i = 1; i < l.cells.size(); ++i) {
          data += " " + paint(l.cells[i], d::cyan_faint) + std::string(extra_max[i - 1] - d::text_width(l.cells[i]), ' ');
        }
      }
    }
    const auto sub_indent = l.metric.is_submetric() ? std::string{"  "} : std::string{};
    const auto name = d::display_name(l.metric);
    std::string mark = " ";
    std::string_view mark_color = "0";
    if (const auto it = threshold_ok.find(l.metric.display_name()); it != threshold_ok.end()) {
      mark = std::string{it->second ? d::pass_mark : d::fail_mark};
      mark_color = it->second ? d::green : d::red;
    }
    const auto colored = [&](const std::string& text) { return mark == " " ? text : paint(text, mark_color); };
    out.push_back(indent + sub_indent + colored(mark) + " " + colored(name) +
                  paint(std::string(name_max - d::text_width(name) - sub_indent.size() + 3, '.') + ":", d::faint) + " " +
                  data);
  }

  // Thresholds, each with what was observed.
  if (!thresholds.empty()) {
    out.emplace_back();
    out.push_back(indent + "  THRESHOLDS");
    out.emplace_back();
    for (const auto& t : thresholds) {
      const auto mark = std::string{t.passed ? d::pass_mark : d::fail_mark};
      const auto color = t.passed ? d::green : d::red;
      if (t.conditions.size() == 1) {
        const auto& c = t.conditions[0];
        out.push_back(indent + "  " + paint(mark, color) + " " + c.condition.aggregate.metric.display_name() + " '" +
                      c.condition.expression() + "' " + d::observed_text(c, options));
        continue;
      }
      out.push_back(indent + "  " + paint(mark, color) + " " + t.description);
      for (const auto& c : t.conditions) {
        out.push_back(indent + "      " + paint(std::string{c.passed ? d::pass_mark : d::fail_mark}, c.passed ? d::green : d::red) +
                      " " + c.condition.aggregate.metric.display_name() + " '" + c.condition.expression() + "' " +
                      d::observed_text(c, options));
      }
    }
  }

  std::string text;
  for (const auto& line : out) text += line + "\n";
  return text;
}

}  // namespace detail::summary

STAMPEDE_DECL std::string format_summary(const snapshot& metrics, const std::vector<threshold_result>& thresholds,
                                         const summary_options& options) {
  switch (options.mode) {
    case summary_mode::disabled: return {};
    case summary_mode::legacy: return detail::summary::legacy_summary(metrics, thresholds, options);
    case summary_mode::compact:
    case summary_mode::full: break;
  }
  return detail::summary::sectioned_summary(metrics, thresholds, options);
}

}  // namespace stampede
