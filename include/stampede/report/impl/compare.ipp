// Bodies of the run_comparison of runs (included by report/compare.hpp).
#pragma once

#include <stampede/config.hpp>
#include <stampede/core/error.hpp>
#include <stampede/core/units.hpp>
#include <stampede/metrics/builtin.hpp>
#include <stampede/metrics/tags.hpp>
#include <stampede/report/html_report.hpp>
#include <stampede/report/svg.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>
#include <variant>

namespace stampede {

// --- the noise rules ---------------------------------------------------------------------------

STAMPEDE_DECL std::optional<noise_interval> noise_percentile(const histogram& h, double p) {
  if (!(p >= 0.0 && p <= 100.0)) {
    throw std::invalid_argument(fmt::format("noise_percentile: p must be in [0, 100], got {}", p));
  }
  if (h.count() == 0) return std::nullopt;
  const double n = static_cast<double>(h.count());
  const double q = p / 100.0;
  const double half = noise_z * std::sqrt(n * q * (1.0 - q));
  // Outward to whole ranks, so that the interval never narrows.
  const double low_rank = std::floor(n * q - half);
  const double high_rank = std::ceil(n * q + half);
  // The value of rank r (1 … n): value_at_percentile's nearest rank of 100·(r − ½)/n is r.
  const auto value_of_rank = [&](double rank) {
    if (rank <= 1.0) return static_cast<double>(h.min());
    if (rank >= n) return static_cast<double>(h.max());
    return static_cast<double>(h.value_at_percentile(100.0 * (rank - 0.5) / n));
  };
  const double error = h.max_relative_error();
  const double below_lowest = static_cast<double>(h.config().lowest - 1);
  noise_interval out;
  out.low = low_rank < 1.0 ? 0.0 : std::max(0.0, value_of_rank(low_rank) * (1.0 - error) - below_lowest);
  out.high = high_rank > n ? std::numeric_limits<double>::infinity() : value_of_rank(high_rank) * (1.0 + error);
  return out;
}

STAMPEDE_DECL std::optional<noise_interval> noise_proportion(std::uint64_t hits, std::uint64_t total) {
  if (total == 0) return std::nullopt;
  const double n = static_cast<double>(total);
  const double share = static_cast<double>(std::min(hits, total)) / n;
  const double z2 = noise_z * noise_z;
  const double denominator = 1.0 + z2 / n;
  const double centre = (share + z2 / (2.0 * n)) / denominator;
  const double half = noise_z * std::sqrt(share * (1.0 - share) / n + z2 / (4.0 * n * n)) / denominator;
  return noise_interval{std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

STAMPEDE_DECL std::optional<noise_interval> noise_count(double count, double seconds) {
  if (!(seconds > 0) || !std::isfinite(seconds) || !std::isfinite(count)) return std::nullopt;
  const double n = std::max(0.0, count);
  const double half = noise_z * std::sqrt(n);
  return noise_interval{std::max(0.0, n - half) / seconds, (n + half) / seconds};
}

STAMPEDE_DECL change_verdict judge_change(const std::optional<noise_interval>& base,
                                          const std::optional<noise_interval>& other) noexcept {
  if (!base || !other) return change_verdict::no_data;
  if (other->low > base->high) return change_verdict::increase;
  if (other->high < base->low) return change_verdict::decrease;
  return change_verdict::noise;
}

// --- comparisons -------------------------------------------------------------------------------

STAMPEDE_DECL compare_by parse_compare_by(std::string_view text) {
  if (text == "name") return compare_by::name;
  if (text == "scenario") return compare_by::scenario;
  if (text == "none") return compare_by::none;
  throw usage_error(fmt::format("--by: expected name, scenario or none, got \"{}\"", text));
}

STAMPEDE_DECL std::string_view to_string(compared_metric m) noexcept {
  switch (m) {
    case compared_metric::requests: return "http_reqs";
    case compared_metric::request_rate: return "http_reqs rate";
    case compared_metric::failure_rate: return "http_req_failed";
    case compared_metric::duration_med: return "http_req_duration med";
    case compared_metric::duration_p95: return "http_req_duration p(95)";
    case compared_metric::duration_p99: return "http_req_duration p(99)";
    case compared_metric::iteration_rate: return "iterations rate";
    case compared_metric::iteration_duration_med: return "iteration_duration med";
    case compared_metric::iteration_duration_p95: return "iteration_duration p(95)";
    case compared_metric::iteration_duration_p99: return "iteration_duration p(99)";
  }
  return "unknown";
}

STAMPEDE_DECL bool higher_is_worse(compared_metric m) noexcept {
  return m != compared_metric::requests && m != compared_metric::request_rate && m != compared_metric::iteration_rate;
}

STAMPEDE_DECL bool judged_by_tolerance(compared_metric m) noexcept { return m != compared_metric::requests; }

namespace detail::comparing {

inline constexpr std::array<compared_metric, 10> all_metrics{
    compared_metric::requests,       compared_metric::request_rate,           compared_metric::failure_rate,
    compared_metric::duration_med,   compared_metric::duration_p95,           compared_metric::duration_p99,
    compared_metric::iteration_rate, compared_metric::iteration_duration_med, compared_metric::iteration_duration_p95,
    compared_metric::iteration_duration_p99};

// One group's metrics in one run.
struct figures {
  counter_sink requests;
  std::optional<rate_sink> failed;
  std::optional<trend_sink> duration;
  counter_sink iterations;
  std::optional<trend_sink> iteration_duration;
};

template <typename Sink>
void fold(std::optional<Sink>& into, const Sink& s) {
  if (into) {
    into->merge(s);
  } else {
    into = s;
  }
}

STAMPEDE_DECL void add_entry(figures& f, const snapshot_entry& e) {
  const auto& name = e.metric.name;
  if (const auto* c = std::get_if<counter_sink>(&e.data)) {
    if (name == http_reqs.name()) f.requests.merge(*c);
    if (name == iterations.name()) f.iterations.merge(*c);
  } else if (const auto* r = std::get_if<rate_sink>(&e.data)) {
    if (name == http_req_failed.name()) fold(f.failed, *r);
  } else if (const auto* t = std::get_if<trend_sink>(&e.data)) {
    if (name == http_req_duration.name()) fold(f.duration, *t);
    if (name == iteration_duration.name()) fold(f.iteration_duration, *t);
  }
}

// Whether `e` is one of the splits a result file keeps (`report_breakdowns()`): the HTTP
// metrics by exactly `name` and `scenario`, the iterations by exactly `scenario`. A threshold's
// sub-metric on the same metric (`{name:/login}`) holds some of the same samples again and is
// left out.
STAMPEDE_DECL bool is_breakdown(const snapshot_entry& e) {
  const auto& tags = e.metric.filter.tags();
  const auto& name = e.metric.name;
  if (name == http_reqs.name() || name == http_req_failed.name() || name == http_req_duration.name()) {
    return tags.size() == 2 && tags.contains(system_tag::name) && tags.contains(system_tag::scenario);
  }
  if (name == iterations.name() || name == iteration_duration.name()) {
    return tags.size() == 1 && tags.contains(system_tag::scenario);
  }
  return false;
}

struct run_figures {
  double seconds = 0;
  figures whole;
  std::map<std::string, figures> groups;
};

STAMPEDE_DECL run_figures figures_of(const result& r, compare_by by) {
  run_figures out;
  out.seconds = std::chrono::duration<double>(r.duration).count();
  const std::string_view key = by == compare_by::scenario ? system_tag::scenario : system_tag::name;
  for (const auto& e : r.metrics.entries()) {
    if (!e.metric.is_submetric()) {
      add_entry(out.whole, e);
    } else if (by != compare_by::none && is_breakdown(e)) {
      if (const auto value = e.metric.filter.tags().get(key)) add_entry(out.groups[std::string{*value}], e);
    }
  }
  return out;
}

// A trend's percentile in ms with its interval.
STAMPEDE_DECL compared_value percentile_value(const std::optional<trend_sink>& t, double p) {
  compared_value v;
  if (!t || t->samples.count() == 0) return v;
  const double to_ms = t->contains == value_type::time ? 1e-6 : 1.0 / t->scale();
  v.samples = t->samples.count();
  v.value = t->samples.interpolated_percentile(p) * to_ms;
  if (auto range = noise_percentile(t->samples, p)) {
    range->low *= to_ms;
    range->high *= to_ms;
    v.range = range;
  }
  return v;
}

STAMPEDE_DECL compared_value count_value(const counter_sink& c, double seconds) {
  compared_value v;
  v.samples = c.sum > 0 ? static_cast<std::uint64_t>(std::llround(c.sum)) : 0;
  v.range = noise_count(c.sum, seconds);
  if (v.range) v.value = c.sum / seconds;
  return v;
}

STAMPEDE_DECL compared_value value_of(const figures& f, compared_metric m, double seconds) {
  switch (m) {
    case compared_metric::requests: return count_value(f.requests, 1.0);
    case compared_metric::request_rate: return count_value(f.requests, seconds);
    case compared_metric::failure_rate: {
      compared_value v;
      if (!f.failed || f.failed->total == 0) return v;
      v.samples = f.failed->total;
      v.value = f.failed->rate();
      v.range = noise_proportion(f.failed->nonzero, f.failed->total);
      return v;
    }
    case compared_metric::duration_med: return percentile_value(f.duration, 50.0);
    case compared_metric::duration_p95: return percentile_value(f.duration, 95.0);
    case compared_metric::duration_p99: return percentile_value(f.duration, 99.0);
    case compared_metric::iteration_rate: return count_value(f.iterations, seconds);
    case compared_metric::iteration_duration_med: return percentile_value(f.iteration_duration, 50.0);
    case compared_metric::iteration_duration_p95: return percentile_value(f.iteration_duration, 95.0);
    case compared_metric::iteration_duration_p99: return percentile_value(f.iteration_duration, 99.0);
  }
  return {};
}

// The group's rows: each metric some run has samples of, judged against the base run's.
STAMPEDE_DECL std::vector<comparison_row> rows_of(const std::vector<const figures*>& runs,
                                                  const std::vector<double>& seconds) {
  static const figures nothing{};
  std::vector<comparison_row> rows;
  for (const auto m : all_metrics) {
    comparison_row row{.metric = m};
    bool any = false;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      auto v = value_of(runs[i] != nullptr ? *runs[i] : nothing, m, seconds[i]);
      any = any || v.samples > 0;
      row.runs.push_back(std::move(v));
    }
    if (!any) continue;
    const auto& base = row.runs.front();
    for (std::size_t i = 1; i < row.runs.size(); ++i) {
      auto& v = row.runs[i];
      v.verdict = judge_change(base.range, v.range);
      if (base.value && v.value) {
        v.relative = *base.value == 0 ? (*v.value == 0 ? 0.0 : std::numeric_limits<double>::infinity())
                                      : *v.value / *base.value - 1.0;
      } else {
        v.relative = std::numeric_limits<double>::quiet_NaN();
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace detail::comparing

STAMPEDE_DECL run_comparison compare_runs(const std::vector<run_to_compare>& runs, compare_by by) {
  namespace d = detail::comparing;
  if (runs.empty()) throw usage_error("compare: no runs to compare");
  std::vector<d::run_figures> figures;
  std::vector<double> seconds;
  std::set<std::string> names;
  run_comparison out{.by = by};
  for (const auto& r : runs) {
    out.labels.push_back(r.label);
    figures.push_back(d::figures_of(r.run, by));
    seconds.push_back(figures.back().seconds);
    for (const auto& [name, f] : figures.back().groups) names.insert(name);
  }
  std::vector<const d::figures*> group(runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) group[i] = &figures[i].whole;
  out.groups.push_back({.name = {}, .rows = d::rows_of(group, seconds)});
  for (const auto& name : names) {
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const auto it = figures[i].groups.find(name);
      group[i] = it != figures[i].groups.end() ? &it->second : nullptr;
    }
    auto rows = d::rows_of(group, seconds);
    if (!rows.empty()) out.groups.push_back({.name = name, .rows = std::move(rows)});
  }
  return out;
}

STAMPEDE_DECL std::vector<regression> regressions(const run_comparison& c, double tolerance) {
  std::vector<regression> out;
  for (const auto& g : c.groups) {
    for (const auto& row : g.rows) {
      if (!judged_by_tolerance(row.metric)) continue;
      const bool up_is_worse = higher_is_worse(row.metric);
      for (std::size_t i = 1; i < row.runs.size(); ++i) {
        const auto& v = row.runs[i];
        const bool worse = up_is_worse ? v.verdict == change_verdict::increase : v.verdict == change_verdict::decrease;
        if (!worse || !v.value || !row.runs.front().value) continue;
        const double by = up_is_worse ? v.relative : -v.relative;
        if (by > tolerance) out.push_back({g.name, row.metric, i, *row.runs.front().value, *v.value, v.relative});
      }
    }
  }
  return out;
}

STAMPEDE_DECL std::string format_compared_value(compared_metric m, double value) {
  switch (m) {
    case compared_metric::requests: return format_number(value);
    case compared_metric::request_rate:
    case compared_metric::iteration_rate: return fmt::format("{:.2f}/s", value);
    case compared_metric::failure_rate: return format_percent(value);
    default: return format_duration(value * 1e6);
  }
}

STAMPEDE_DECL std::string format_relative_change(double relative) {
  if (std::isnan(relative)) return "";
  if (std::isinf(relative)) return relative > 0 ? "+∞%" : "-∞%";
  const double percent = relative * 100.0;
  // A change that rounds to 0.0 reads +0.0%, whichever side of 0 it was.
  return std::fabs(percent) < 0.05 ? std::string{"+0.0%"} : fmt::format("{:+.1f}%", percent);
}

namespace detail::comparing {

// The value as the outputs write it, `–` without one.
STAMPEDE_DECL std::string format_figure(compared_metric m, const compared_value& v) {
  return v.value ? format_compared_value(m, *v.value) : std::string{"–"};
}

STAMPEDE_DECL std::string_view mark_of(change_verdict c) {
  switch (c) {
    case change_verdict::noise: return "≈";
    case change_verdict::increase: return "▲";
    case change_verdict::decrease: return "▼";
    default: return "";
  }
}

// `▲ +100.0%`, `≈ -1.2%`; empty for the base run and where there is nothing to judge.
STAMPEDE_DECL std::string format_change(const compared_value& v) {
  const auto mark = mark_of(v.verdict);
  if (mark.empty()) return "";
  const auto relative = format_relative_change(v.relative);
  return relative.empty() ? std::string{mark} : fmt::format("{} {}", mark, relative);
}

// Whether the change is real and for the worse (a regression, whatever the tolerance) or for
// the better.
STAMPEDE_DECL bool is_worse(compared_metric m, change_verdict c) {
  return higher_is_worse(m) ? c == change_verdict::increase : c == change_verdict::decrease;
}
STAMPEDE_DECL bool is_better(compared_metric m, change_verdict c) {
  return higher_is_worse(m) ? c == change_verdict::decrease : c == change_verdict::increase;
}

// Columns in a terminal: UTF-8 code points (µ, ▲, ≈ are one column each).
STAMPEDE_DECL std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
}

STAMPEDE_DECL std::string padded(std::string_view text, std::size_t width) {
  std::string out{text};
  const auto w = display_width(text);
  if (w < width) out.append(width - w, ' ');
  return out;
}

STAMPEDE_DECL std::string group_heading(compare_by by, const std::string& name) {
  if (name.empty()) return "WHOLE RUN";
  return fmt::format("{}: {}", by == compare_by::scenario ? "SCENARIO" : "ENDPOINT", name);
}

STAMPEDE_DECL std::string_view group_column(compare_by by) {
  return by == compare_by::scenario ? "scenario" : by == compare_by::name ? "endpoint" : "run";
}

inline constexpr std::string_view legend_real = "▲ ▼ a real change: the runs' 95% intervals do not overlap (each run's own sampling noise)";
inline constexpr std::string_view legend_noise = "≈ within that noise";
inline constexpr std::string_view direction_text =
    "Regressions: a duration or failure rate ▲, a request or iteration rate ▼.";

}  // namespace detail::comparing

STAMPEDE_DECL std::string format_comparison_text(const run_comparison& c) {
  namespace d = detail::comparing;
  const std::size_t runs = c.labels.size();
  // Widths over every group, so that the columns line up down the whole text.
  std::size_t name_width = 0;
  std::vector<std::size_t> value_width(runs, 0);
  std::vector<std::size_t> change_width(runs, 0);
  for (std::size_t i = 0; i < runs; ++i) value_width[i] = d::display_width(c.labels[i]);
  for (const auto& g : c.groups) {
    for (const auto& row : g.rows) {
      name_width = std::max(name_width, to_string(row.metric).size());
      for (std::size_t i = 0; i < runs && i < row.runs.size(); ++i) {
        value_width[i] = std::max(value_width[i], d::display_width(d::format_figure(row.metric, row.runs[i])));
        change_width[i] = std::max(change_width[i], d::display_width(d::format_change(row.runs[i])));
      }
    }
  }
  name_width += 3;  // at least three dots

  std::string out = fmt::format("Comparing {} run{} with the first, {}.\n  {}\n  {}\n  {}\n", runs, runs == 1 ? "" : "s",
                                runs > 0 ? c.labels.front() : "", d::legend_real, d::legend_noise, d::direction_text);
  for (const auto& g : c.groups) {
    out += fmt::format("\n  █ {}\n\n", d::group_heading(c.by, g.name));
    std::string header(4 + name_width + 2, ' ');
    for (std::size_t i = 0; i < runs; ++i) {
      const auto width = value_width[i] + (change_width[i] > 0 ? 1 + change_width[i] : 0);
      header += d::padded(c.labels[i], i + 1 < runs ? width + 2 : 0);
    }
    while (!header.empty() && header.back() == ' ') header.pop_back();
    out += header + "\n";
    for (const auto& row : g.rows) {
      const auto name = to_string(row.metric);
      std::string line = fmt::format("    {}{}: ", name, std::string(name_width - name.size(), '.'));
      for (std::size_t i = 0; i < runs && i < row.runs.size(); ++i) {
        const auto change = d::format_change(row.runs[i]);
        std::string cell = d::padded(d::format_figure(row.metric, row.runs[i]), value_width[i]);
        if (change_width[i] > 0) cell += " " + d::padded(change, change_width[i]);
        line += cell;
        if (i + 1 < runs) line += "  ";
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
  }
  return out;
}

namespace detail::comparing {

// A table's columns: the figures each run shows side by side.
struct table_spec {
  std::string_view heading;
  std::vector<std::pair<compared_metric, std::string_view>> columns;
  bool iterations = false;  // rows split by scenario only: by name, the whole run alone
};

STAMPEDE_DECL std::string_view first_column(compare_by by, const table_spec& t) {
  return t.iterations && by == compare_by::name ? "run" : group_column(by);
}

STAMPEDE_DECL std::vector<table_spec> tables() {
  return {{"Requests",
           {{compared_metric::requests, "requests"},
            {compared_metric::request_rate, "rate"},
            {compared_metric::failure_rate, "failed"}},
           false},
          {"Request duration (http_req_duration)",
           {{compared_metric::duration_med, "med"},
            {compared_metric::duration_p95, "p(95)"},
            {compared_metric::duration_p99, "p(99)"}},
           false},
          {"Iterations",
           {{compared_metric::iteration_rate, "rate"},
            {compared_metric::iteration_duration_med, "duration med"},
            {compared_metric::iteration_duration_p95, "duration p(95)"},
            {compared_metric::iteration_duration_p99, "duration p(99)"}},
           true}};
}

STAMPEDE_DECL const comparison_row* find_row(const compared_group& g, compared_metric m) {
  const auto it = std::find_if(g.rows.begin(), g.rows.end(), [m](const comparison_row& r) { return r.metric == m; });
  return it != g.rows.end() ? &*it : nullptr;
}

STAMPEDE_DECL bool has_any(const compared_group& g, const table_spec& t) {
  return std::any_of(t.columns.begin(), t.columns.end(), [&](const auto& col) { return find_row(g, col.first) != nullptr; });
}

// A table cell's figure and change (`40ms ▲ +100.0%`), `–` where the group lacks the row.
STAMPEDE_DECL std::pair<std::string, std::string> cell_of(const compared_group& g, compared_metric m, std::size_t run) {
  const auto* row = find_row(g, m);
  if (row == nullptr || run >= row->runs.size()) return {"–", ""};
  return {format_figure(m, row->runs[run]), format_change(row->runs[run])};
}

STAMPEDE_DECL std::string markdown_text(std::string_view text) {
  std::string out;
  for (const char ch : text) {
    if (ch == '|' || ch == '\\' || ch == '*' || ch == '_' || ch == '`' || ch == '<' || ch == '[' || ch == ']') out += '\\';
    out += ch == '\n' || ch == '\r' ? ' ' : ch;
  }
  return out;
}

}  // namespace detail::comparing

STAMPEDE_DECL std::string format_comparison_markdown(const run_comparison& c) {
  namespace d = detail::comparing;
  const std::size_t runs = c.labels.size();
  std::string out = fmt::format("## Comparison of {} runs\n\nBase run: {}. {}; {}. {}\n", runs,
                                runs > 0 ? d::markdown_text(c.labels.front()) : "", d::legend_real, d::legend_noise,
                                d::direction_text);
  for (const auto& t : d::tables()) {
    std::vector<const compared_group*> groups;
    for (const auto& g : c.groups) {
      if (d::has_any(g, t)) groups.push_back(&g);
    }
    if (groups.empty()) continue;
    out += fmt::format("\n### {}\n\n| {} |", t.heading, d::first_column(c.by, t));
    std::string rule = "| --- |";
    for (std::size_t i = 0; i < runs; ++i) {
      for (const auto& [m, label] : t.columns) {
        out += fmt::format(" {} {} |", d::markdown_text(c.labels[i]), label);
        rule += " ---: |";
      }
    }
    out += "\n" + rule + "\n";
    for (const auto* g : groups) {
      out += fmt::format("| {} |", g->name.empty() ? std::string{"**whole run**"} : d::markdown_text(g->name));
      for (std::size_t i = 0; i < runs; ++i) {
        for (const auto& [m, label] : t.columns) {
          const auto [figure, change] = d::cell_of(*g, m, i);
          out += fmt::format(" {}{}{} |", figure, change.empty() ? "" : " ", change);
        }
      }
      out += "\n";
    }
  }
  return out;
}

STAMPEDE_DECL std::string format_comparison_html(const run_comparison& c, std::string_view title) {
  namespace d = detail::comparing;
  using svg::escape_xml;
  const std::size_t runs = c.labels.size();
  std::string out = detail::html::page_start(title);
  out += fmt::format("<header><h1>{}</h1>\n<p>Base run: <b>{}</b>. {}; {}. {}</p>\n", escape_xml(title),
                     runs > 0 ? escape_xml(c.labels.front()) : std::string{}, escape_xml(d::legend_real),
                     escape_xml(d::legend_noise), escape_xml(d::direction_text));
  out += "<dl class=\"facts\">\n";
  for (std::size_t i = 0; i < runs; ++i) {
    out += fmt::format("<div><dt>{}</dt><dd>{}</dd></div>\n", i == 0 ? std::string{"base"} : fmt::format("run {}", i + 1),
                       escape_xml(c.labels[i]));
  }
  out += "</dl></header>\n";

  // The bar charts: a category per endpoint (the whole run when there is none), a group per run.
  std::vector<const compared_group*> categories;
  for (const auto& g : c.groups) {
    if (!g.name.empty() && d::find_row(g, compared_metric::duration_med) != nullptr) categories.push_back(&g);
  }
  if (categories.empty() && !c.groups.empty() && d::find_row(c.groups.front(), compared_metric::duration_med) != nullptr) {
    categories.push_back(&c.groups.front());
  }
  const std::pair<compared_metric, std::string_view> charts[] = {{compared_metric::duration_med, "median"},
                                                                 {compared_metric::duration_p99, "p(99)"}};
  if (!categories.empty()) {
    out += "<section id=\"charts\"><h2>Request duration by run</h2>\n";
    for (const auto& [metric, what] : charts) {
      svg::bar_chart chart{.id = fmt::format("chart-{}", metric == compared_metric::duration_med ? "median" : "p99"),
                           .title = fmt::format("http_req_duration {} per {}", what, d::group_column(c.by))};
      chart.y = {.title = fmt::format("{} (ms)", what), .format = svg::unit::milliseconds};
      for (const auto* g : categories) chart.categories.push_back(g->name.empty() ? "whole run" : g->name);
      for (std::size_t i = 0; i < runs; ++i) {
        svg::bar_group group{.name = c.labels[i]};
        for (const auto* g : categories) {
          const auto* row = d::find_row(*g, metric);
          const auto& v = row != nullptr && i < row->runs.size() ? row->runs[i].value : std::nullopt;
          group.values.push_back(v ? *v : std::numeric_limits<double>::quiet_NaN());
        }
        chart.groups.push_back(std::move(group));
      }
      out += "<figure class=\"chart\">" + svg::render(chart) + "</figure>\n";
    }
    out += "</section>\n";
  }

  for (const auto& t : d::tables()) {
    std::vector<const compared_group*> groups;
    for (const auto& g : c.groups) {
      if (d::has_any(g, t)) groups.push_back(&g);
    }
    if (groups.empty()) continue;
    out += fmt::format("<section><h2>{}</h2>\n<table class=\"numbers\" style=\"white-space:nowrap\"><thead><tr><th rowspan=\"2\">{}</th>",
                       escape_xml(t.heading), d::first_column(c.by, t));
    for (std::size_t i = 0; i < runs; ++i) {
      out += fmt::format("<th colspan=\"{}\">{}</th>", t.columns.size(), escape_xml(c.labels[i]));
    }
    out += "</tr><tr>";
    for (std::size_t i = 0; i < runs; ++i) {
      for (const auto& col : t.columns) out += fmt::format("<th>{}</th>", escape_xml(col.second));
    }
    out += "</tr></thead><tbody>\n";
    for (const auto* g : groups) {
      out += fmt::format("<tr><td>{}</td>", g->name.empty() ? std::string{"<b>whole run</b>"} : escape_xml(g->name));
      for (std::size_t i = 0; i < runs; ++i) {
        for (const auto& col : t.columns) {
          const auto [figure, change] = d::cell_of(*g, col.first, i);
          const auto* row = d::find_row(*g, col.first);
          const auto verdict = row != nullptr && i < row->runs.size() ? row->runs[i].verdict : change_verdict::no_data;
          const char* colour = d::is_worse(col.first, verdict) ? " style=\"color:var(--fail)\""
                               : d::is_better(col.first, verdict) ? " style=\"color:var(--pass)\""
                                                                   : "";
          out += fmt::format("<td{}>{}{}{}</td>", colour, escape_xml(figure), change.empty() ? "" : " ", escape_xml(change));
        }
      }
      out += "</tr>\n";
    }
    out += "</tbody></table></section>\n";
  }
  out += detail::html::page_end();
  return out;
}

}  // namespace stampede
