// Bodies of k6 1.x's sectioned summary, `--summary-mode=compact` and `full` (included by
// report/summary.hpp after summary.ipp, whose helpers it uses). A port of k6's summary.js and
// of how k6's summary output sorts metrics into sections (internal/output/summary).
#pragma once

#include <stampede/config.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace stampede::detail::summary {

// k6's colours as its ANSIFormatter spells them: styles, then the colour.
inline constexpr std::string_view bold = "1";
inline constexpr std::string_view white = "37";
inline constexpr std::string_view white_faint = "2;37";
inline constexpr std::string_view cyan_faint_styled = "2;36";

// The metric sections in the order summary.js prints them: k6 moves `custom` to the front
// of its struct order (http, execution, network, browser, webvitals, grpc, websocket, custom).
enum class metric_section : std::uint8_t { custom, http, execution, network, browser, webvitals, grpc, websocket };
inline constexpr std::array<std::string_view, 8> section_titles{"CUSTOM",  "HTTP",      "EXECUTION", "NETWORK",
                                                                "BROWSER", "WEBVITALS", "GRPC",      "WEBSOCKET"};

STAMPEDE_DECL bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// k6's isHTTPMetric, isExecutionMetric, … by the metric's own name (k6 matches prefixes of
// the name; stampede's names are exact, so a custom `http_reqs_total` stays custom). The
// engine's iteration_start_delay and iteration_latency are execution metrics k6 lacks.
STAMPEDE_DECL metric_section section_of(std::string_view name) {
  if (one_of(name, {"http_reqs", "http_req_failed", "http_req_duration", "http_req_blocked", "http_req_connecting",
                    "http_req_tls_handshaking", "http_req_sending", "http_req_waiting", "http_req_receiving"})) {
    return metric_section::http;
  }
  if (one_of(name, {"vus", "vus_max", "iterations", "iteration_duration", "dropped_iterations", "iteration_start_delay",
                    "iteration_latency"})) {
    return metric_section::execution;
  }
  if (one_of(name, {"data_sent", "data_received"})) return metric_section::network;
  if (name.starts_with("browser_web_vital_")) return metric_section::webvitals;
  if (name.starts_with("browser_")) return metric_section::browser;
  if (name.starts_with("grpc_")) return metric_section::grpc;
  if (name.starts_with("ws_")) return metric_section::websocket;
  return metric_section::custom;
}

// k6's isSkippedMetric: checks are shown as checks, group_duration never; compact also leaves
// out the phases of an HTTP request.
STAMPEDE_DECL bool skipped(std::string_view name, summary_mode mode) {
  if (one_of(name, {"checks", "group_duration"})) return true;
  return mode == summary_mode::compact &&
         one_of(name, {"http_req_blocked", "http_req_connecting", "http_req_receiving", "http_req_sending",
                       "http_req_tls_handshaking", "http_req_waiting"});
}

// The tag a sub-metric is filtered by when it is its only one (`{scenario:checkout}`).
STAMPEDE_DECL std::optional<std::string_view> sole_tag(const metric_descriptor& m, std::string_view key) {
  if (m.filter.tags().size() != 1) return std::nullopt;
  return m.filter.tags().get(key);
}

// A metric's line as summary.js computes it: a rate shows `N out of M` rather than ✓/✗.
STAMPEDE_DECL metric_line sectioned_line(const snapshot_entry& e, const snapshot& s, const summary_options& o) {
  auto line = describe(e, s, o);
  if (const auto* r = std::get_if<rate_sink>(&e.data); r != nullptr && !line.empty) {
    line.cells.resize(1);
    line.cells.push_back(std::to_string(r->nonzero) + " out of " + std::to_string(r->total));
  }
  return line;
}

// summary.js's RenderContext: text at level L is indented by 2·(L+1) spaces.
STAMPEDE_DECL std::string indent_of(int level) { return std::string(static_cast<std::size_t>(level + 1) * 2, ' '); }

// How summary.js's build() joins a report: each item on a new line, each "\n" item a line break.
struct report_text {
  std::string text;
  void line(std::string_view s) {
    text += '\n';
    text += s;
  }
  void gap() { text += '\n'; }
};

// `█ TITLE ` (`↳ GROUP: name ` when nested), with the trailing space and newline k6 prints.
STAMPEDE_DECL std::string title_text(std::string_view title, int level, std::string_view prefix, const painter& paint) {
  return indent_of(level) + std::string{prefix} + " " + paint(title, bold) + " \n";
}

STAMPEDE_DECL std::string shown_name(const metric_descriptor& m) {
  return m.is_submetric() ? "  " + display_name(m) : m.name;
}

// The columns of one block of metric lines (computeSummaryInfo): every line of a block is
// aligned with the others, across its sections.
struct columns {
  std::size_t name = 0;
  std::size_t value = 0;
  std::vector<std::size_t> extra;
  std::vector<std::size_t> trend;
};

STAMPEDE_DECL columns measure(const std::vector<metric_line>& lines, std::size_t indent, std::size_t trend_stats) {
  columns c;
  c.trend.assign(trend_stats, 0);
  for (const auto& l : lines) {
    c.name = std::max(c.name, indent + text_width(shown_name(l.metric)));
    if (l.empty) continue;
    if (l.trend) {
      for (std::size_t i = 0; i < l.cells.size() && i < c.trend.size(); ++i) {
        c.trend[i] = std::max(c.trend[i], text_width(l.cells[i]));
      }
      continue;
    }
    c.value = std::max(c.value, text_width(l.cells[0]));
    for (std::size_t i = 1; i < l.cells.size(); ++i) {
      if (c.extra.size() < i) c.extra.push_back(0);
      c.extra[i - 1] = std::max(c.extra[i - 1], text_width(l.cells[i]));
    }
  }
  return c;
}

STAMPEDE_DECL std::string spaces(std::size_t to, std::size_t width) { return std::string(to > width ? to - width : 0, ' '); }

// renderMetricLine: the name, at least three dots up to the block's longest name, the data.
STAMPEDE_DECL std::string sectioned_metric_text(const metric_line& l, const columns& c, int level, const painter& paint,
                                                const summary_options& o) {
  const auto indent = indent_of(level);
  const auto name = shown_name(l.metric);
  const auto used = indent.size() + text_width(name);
  const auto dots = std::max<std::size_t>(3, c.name + 3 > used ? c.name + 3 - used : 0);
  std::string data;
  if (l.trend) {
    for (std::size_t i = 0; i < l.cells.size(); ++i) {
      if (i > 0) data += ' ';
      data += o.trend_stats[i] + "=" + paint(l.cells[i], cyan) + spaces(c.trend[i], text_width(l.cells[i]));
    }
  } else {
    data = paint(l.cells[0], cyan) + spaces(c.value, text_width(l.cells[0]));
    if (l.cells.size() == 2) {
      data += " " + paint(l.cells[1], cyan_faint_styled);
    } else {
      for (std::size_t i = 1; i < l.cells.size(); ++i) {
        data += " " + paint(l.cells[i], cyan_faint_styled) + spaces(c.extra[i - 1], text_width(l.cells[i]));
      }
    }
  }
  return indent + name + paint(std::string(dots, '.') + ":", white_faint) + " " + data;
}

STAMPEDE_DECL bool metric_order(const metric_line& a, const metric_line& b) {
  if (a.metric.name != b.metric.name) return a.metric.name < b.metric.name;
  if (a.metric.is_submetric() != b.metric.is_submetric()) return !a.metric.is_submetric();
  return to_string(a.metric.filter) < to_string(b.metric.filter);
}

// _renderMetrics: the lines sorted into sections, each under its title, all aligned together.
// `level` is the level of what contains them (the section's title level).
STAMPEDE_DECL void write_metrics(std::vector<metric_line> lines, int level, const painter& paint,
                                 const summary_options& o, report_text& out) {
  std::sort(lines.begin(), lines.end(), metric_order);
  const int inner = level + 1;
  const auto c = measure(lines, indent_of(inner).size(), o.trend_stats.size());
  for (std::size_t s = 0; s < section_titles.size(); ++s) {
    bool titled = false;
    for (const auto& l : lines) {
      if (static_cast<std::size_t>(section_of(l.metric.name)) != s) continue;
      if (!titled) out.line(indent_of(inner) + paint(section_titles[s], bold));
      titled = true;
      out.line(sectioned_metric_text(l, c, inner, paint, o));
    }
    if (titled) out.gap();
  }
}

// How many checks ran in a part of the test, and how many passed.
struct check_totals {
  std::uint64_t total = 0;
  std::uint64_t passes = 0;
};

// renderCheck: ✓ name, or ✗ name and its counts on the next line, indented as k6 does (its
// RenderContext adds the check's level twice).
STAMPEDE_DECL std::string check_text(const check_result& c, int level, const painter& paint) {
  if (c.fails == 0) return indent_of(level) + paint(std::string{pass_mark} + " " + c.name, green);
  const auto percent = 100 * c.passes / (c.passes + c.fails);  // floor, as k6
  return indent_of(level) + paint(std::string{fail_mark} + " " + c.name, red) + "\n" + indent_of(2 * level) +
         paint("↳  " + std::to_string(percent) + "% — " + std::string{pass_mark} + " " + std::to_string(c.passes) +
                   " / " + std::string{fail_mark} + " " + std::to_string(c.fails),
               red);
}

// _renderChecks: checks_total, checks_succeeded and checks_failed (aligned on their own),
// then each check. `level` is the level of what contains them.
STAMPEDE_DECL void write_checks(const check_totals& t, const std::vector<check_result>& list, int level,
                                std::chrono::nanoseconds duration, const painter& paint, const summary_options& o,
                                report_text& out) {
  const int inner = level + 1;
  const double seconds = std::chrono::duration<double>{duration}.count();
  const auto total = static_cast<double>(t.total);
  const auto fails = t.total - t.passes;
  const auto share = [&](std::uint64_t n) { return t.total == 0 ? 0.0 : static_cast<double>(n) / total; };
  std::vector<metric_line> lines{
      {counter{"checks_total"}.descriptor(), false, false,
       {format_number(total), format_number(seconds > 0 ? total / seconds : 0) + "/s"}},
      {rate{"checks_succeeded"}.descriptor(), false, false,
       {format_percent(share(t.passes)), std::to_string(t.passes) + " out of " + std::to_string(t.total)}},
      {rate{"checks_failed"}.descriptor(), false, false,
       {format_percent(share(fails)), std::to_string(fails) + " out of " + std::to_string(t.total)}},
  };
  const auto c = measure(lines, indent_of(inner).size(), o.trend_stats.size());
  for (const auto& l : lines) out.line(sectioned_metric_text(l, c, inner, paint, o));
  out.gap();
  for (const auto& check : list) out.line(check_text(check, inner, paint));
  if (!list.empty()) out.gap();
}

// A group in the full summary: its checks, the sub-metrics filtered by its path alone, and
// its subgroups in order of first appearance.
struct report_group {
  std::string name;
  std::vector<check_result> checks;
  std::vector<const snapshot_entry*> metrics;
  std::vector<std::unique_ptr<report_group>> groups;

  report_group& child(const std::string& child_name) {
    for (auto& g : groups) {
      if (g->name == child_name) return *g;
    }
    groups.push_back(std::make_unique<report_group>());
    groups.back()->name = child_name;
    return *groups.back();
  }
};

// A group's or a scenario's metrics: shown under their metric's own name.
STAMPEDE_DECL std::vector<metric_line> scoped_lines(const std::vector<const snapshot_entry*>& entries, const snapshot& s,
                                                    const summary_options& o) {
  std::vector<metric_line> lines;
  for (const auto* e : entries) {
    if (skipped(e->metric.name, o.mode) || !has_samples(e->data)) continue;
    auto line = sectioned_line(*e, s, o);
    line.metric.filter = {};
    lines.push_back(std::move(line));
  }
  return lines;
}

// _renderGroupContent: checks, metrics, then nested groups as `↳ GROUP:` one level deeper.
STAMPEDE_DECL void write_group_content(const report_group& g, int level, const snapshot& s, const painter& paint,
                                       const summary_options& o, report_text& out) {
  if (!g.checks.empty()) {
    check_totals t;
    for (const auto& c : g.checks) {
      t.total += c.passes + c.fails;
      t.passes += c.passes;
    }
    write_checks(t, g.checks, level, s.duration(), paint, o, out);
  }
  write_metrics(scoped_lines(g.metrics, s, o), level, paint, o, out);
  for (const auto& sub : g.groups) {
    out.line(title_text("GROUP: " + sub->name, level + 1, "↳", paint));
    write_group_content(*sub, level + 1, s, paint, o, out);
  }
}

// renderThresholds: each metric with thresholds (sorted, a sub-metric under its metric when
// that has thresholds too), then each condition as written with the value it was judged by.
STAMPEDE_DECL void write_thresholds(const std::vector<threshold_result>& thresholds, const painter& paint,
                                    const summary_options& o, report_text& out) {
  std::vector<std::pair<metric_descriptor, std::vector<const condition_result*>>> by_metric;
  for (const auto& t : thresholds) {
    for (const auto& c : t.conditions) {
      const auto& m = c.condition.aggregate.metric;
      auto it = std::find_if(by_metric.begin(), by_metric.end(), [&](const auto& p) {
        return p.first.display_name() == m.display_name();
      });
      if (it == by_metric.end()) it = by_metric.insert(by_metric.end(), {m, {}});
      it->second.push_back(&c);
    }
  }
  std::stable_sort(by_metric.begin(), by_metric.end(), [](const auto& a, const auto& b) {
    if (a.first.name != b.first.name) return a.first.name < b.first.name;
    if (a.first.is_submetric() != b.first.is_submetric()) return !a.first.is_submetric();
    return to_string(a.first.filter) < to_string(b.first.filter);
  });
  const auto has_parent = [&](const metric_descriptor& m) {
    return std::any_of(by_metric.begin(), by_metric.end(),
                       [&](const auto& p) { return !p.first.is_submetric() && p.first.name == m.name; });
  };
  for (const auto& [metric, conditions] : by_metric) {
    const bool under_parent = metric.is_submetric() && has_parent(metric);
    const int level = under_parent ? 2 : 1;
    out.line(indent_of(level) + (under_parent ? to_string(metric.filter) : metric.display_name()));
    for (const auto* c : conditions) {
      const auto observed = observed_text(*c, o);
      const auto eq = observed.find('=');
      auto expression = c->condition.expression();
      while (!expression.empty() && expression.back() == ' ') expression.pop_back();
      while (!expression.empty() && expression.front() == ' ') expression.erase(0, 1);
      out.line(indent_of(level) + paint(c->passed ? pass_mark : fail_mark, c->passed ? green : red) + " " +
               paint("'" + expression + "'", white) + " " + paint(observed.substr(0, eq), white) + "=" +
               paint(observed.substr(eq + 1), cyan));
    }
    out.gap();
  }
  // k6 has no thresholds over several metrics; stampede's (&&, ||, !) are judged as a whole.
  for (const auto& t : thresholds) {
    if (t.conditions.size() < 2) continue;
    out.line(indent_of(1) + paint(t.passed ? pass_mark : fail_mark, t.passed ? green : red) + " " + t.description);
    out.gap();
  }
}

STAMPEDE_DECL std::string sectioned_summary(const snapshot& metrics, const std::vector<threshold_result>& thresholds,
                                            const summary_options& options) {
  const painter paint{options.colors};
  report_text out;

  if (!thresholds.empty()) {
    out.line(title_text("THRESHOLDS", 0, "█", paint));
    write_thresholds(thresholds, paint, options, out);
    out.gap();
  }

  // TOTAL RESULTS: the metrics the legacy list would show (those with samples, those a
  // threshold names and their parents; every one but WebSocket's if nothing got a sample),
  // less the ones k6 leaves out and the per-scenario sub-metrics the full summary tracks for
  // itself.
  std::set<std::string> named;
  for (const auto& t : thresholds) {
    for (const auto& c : t.conditions) {
      named.insert(c.condition.aggregate.metric.display_name());
      named.insert(c.condition.aggregate.metric.name);
    }
  }
  const bool any_samples = std::any_of(metrics.entries().begin(), metrics.entries().end(),
                                       [](const snapshot_entry& e) { return has_samples(e.data); });
  std::vector<metric_line> totals;
  check_totals all_checks;
  for (const auto& e : metrics.entries()) {
    const auto& m = e.metric;
    if (m.name == checks.name() && !m.is_submetric()) {
      if (const auto* r = std::get_if<rate_sink>(&e.data)) all_checks = {r->total, r->nonzero};
    }
    if (skipped(m.name, options.mode)) continue;
    const bool is_named = named.contains(m.display_name());
    if (!listed_submetric(m, is_named)) continue;
    if (any_samples && !has_samples(e.data) && !is_named) continue;
    if (!any_samples && !is_named && section_of(m.name) == metric_section::websocket) continue;  // a test without WebSocket
    totals.push_back(sectioned_line(e, metrics, options));
  }
  out.line(title_text("TOTAL RESULTS", 0, "█", paint));
  if (all_checks.total > 0) {
    // The test's checks by name, whatever their group, as k6's root lists them.
    std::vector<check_result> by_name;
    for (const auto& c : check_results(metrics)) {
      auto it = std::find_if(by_name.begin(), by_name.end(), [&](const check_result& x) { return x.name == c.name; });
      if (it == by_name.end()) it = by_name.insert(by_name.end(), {"", c.name, 0, 0});
      it->passes += c.passes;
      it->fails += c.fails;
    }
    write_checks(all_checks, by_name, 0, metrics.duration(), paint, options, out);
  }
  write_metrics(std::move(totals), 0, paint, options, out);
  out.gap();

  if (options.mode == summary_mode::full) {
    // Groups: from the checks' tree, with the sub-metrics filtered by a group path alone.
    report_group root;
    for (const auto& c : check_results(metrics)) {
      report_group* g = &root;
      for (const auto& name : group_path(c.group)) g = &g->child(name);
      if (g != &root) g->checks.push_back(c);
    }
    for (const auto& e : metrics.entries()) {
      const auto path = sole_tag(e.metric, system_tag::group);
      if (!path || path->empty() || !has_samples(e.data)) continue;
      report_group* g = &root;
      for (const auto& name : group_path(*path)) g = &g->child(name);
      if (g != &root) g->metrics.push_back(&e);
    }
    for (const auto& g : root.groups) {
      out.line(title_text("GROUP: " + g->name, 0, "█", paint));
      write_group_content(*g, 0, metrics, paint, options, out);
      out.gap();
    }

    // Scenarios, sorted by name: the sub-metrics filtered by the scenario alone. As k6, none
    // for a scenario called "default".
    std::map<std::string, std::vector<const snapshot_entry*>> scenarios;
    for (const auto& e : metrics.entries()) {
      const auto name = sole_tag(e.metric, system_tag::scenario);
      if (!name || *name == "default" || !has_samples(e.data)) continue;
      scenarios[std::string{*name}].push_back(&e);
    }
    for (const auto& [name, entries] : scenarios) {
      out.line(title_text("SCENARIO: " + name, 0, "█", paint));
      for (const auto* e : entries) {
        const auto* r = std::get_if<rate_sink>(&e->data);
        if (e->metric.name == checks.name() && r != nullptr) {
          write_checks({r->total, r->nonzero}, {}, 0, metrics.duration(), paint, options, out);
        }
      }
      write_metrics(scoped_lines(entries, metrics, options), 0, paint, options, out);
      out.gap();
    }
  }

  // build() starts with a line break and ends with a blank line; the caller frames the text.
  auto text = std::move(out.text);
  if (text.starts_with('\n')) text.erase(0, 1);
  if (text.ends_with("\n\n")) text.pop_back();
  return text;
}

}  // namespace stampede::detail::summary
