// Bodies of the HTML report (included by report/html_report.hpp).
#pragma once

#include <stampede/config.hpp>
#include <stampede/core/timestamp.hpp>
#include <stampede/core/units.hpp>
#include <stampede/eval/check.hpp>
#include <stampede/metrics/builtin.hpp>
#include <stampede/metrics/engine.hpp>
#include <stampede/metrics/tags.hpp>
#include <stampede/report/summary.hpp>
#include <stampede/report/svg.hpp>
#include <stampede/version.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <utility>
#include <variant>

namespace stampede {

namespace detail::html {

using svg::escape_xml;

// The sink of `m` in `s`, if present and of type T.
template <typename T>
[[nodiscard]] const T* sink_of(const snapshot& s, const metric_descriptor& m) {
  const auto* found = s.find(m);
  return found != nullptr ? std::get_if<T>(found) : nullptr;
}

[[nodiscard]] inline double seconds_of(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

// A trend's statistic in milliseconds (time trends) or its own unit; empty without samples.
STAMPEDE_DECL std::optional<double> trend_ms(const trend_sink* t, aggregation_kind kind, double percentile = 0) {
  if (t == nullptr || t->samples.count() == 0) return std::nullopt;
  const auto v = t->value(kind, percentile);
  if (!v) return std::nullopt;
  return t->contains == value_type::time ? *v / 1e6 : *v;
}

[[nodiscard]] STAMPEDE_DECL double counter_sum(const snapshot& s, const metric_descriptor& m) {
  const auto* c = sink_of<counter_sink>(s, m);
  return c != nullptr ? c->sum : 0.0;
}

// The tag `key`'s value in a sub-metric's filter.
[[nodiscard]] STAMPEDE_DECL std::optional<std::string> filter_value(const metric_descriptor& m, std::string_view key) {
  if (const auto v = m.filter.tags().get(key)) return std::string{*v};
  return std::nullopt;
}

STAMPEDE_DECL void append_chart(std::string& out, const svg::chart& c) {
  out += "<figure class=\"chart\">";
  out += svg::render(c);
  out += "</figure>\n";
}

// A trend statistic as the tables show it: as the summary writes it, `–` without samples.
STAMPEDE_DECL std::string trend_cell(const trend_sink* t, const metric_descriptor& m, const std::string& stat,
                                     const summary_options& o) {
  if (t == nullptr || t->samples.count() == 0) return "–";
  return format_trend_statistic(*t, m, stat, o);
}

STAMPEDE_DECL void append_figure(std::string& out, std::string_view label, const std::string& value,
                                 const std::string& detail_text) {
  out += fmt::format("<div class=\"figure\"><div class=\"value\">{}</div><div class=\"label\">{}</div>", escape_xml(value),
                     escape_xml(label));
  if (!detail_text.empty()) out += fmt::format("<div class=\"detail\">{}</div>", escape_xml(detail_text));
  out += "</div>\n";
}

// One row of numbers per interval, for the charts over time.
struct interval_rows {
  std::vector<svg::point> vus, request_rate, iteration_rate, failure_rate, check_failure_rate;
  std::vector<svg::point> p50, p90, p95, p99;
  std::vector<std::pair<std::string, std::vector<svg::point>>> phases;
  std::vector<svg::point> received, sent, dropped, start_delay;
};

STAMPEDE_DECL interval_rows rows_of(const std::vector<snapshot>& intervals) {
  interval_rows rows;
  const metric_descriptor phase_metrics[] = {http_req_blocked.descriptor(),   http_req_connecting.descriptor(),
                                             http_req_tls_handshaking.descriptor(), http_req_sending.descriptor(),
                                             http_req_waiting.descriptor(),   http_req_receiving.descriptor()};
  for (const auto& m : phase_metrics) rows.phases.emplace_back(m.name, std::vector<svg::point>{});
  for (const auto& interval : intervals) {
    const double length = seconds_of(interval.duration());
    if (!(length > 0)) continue;
    const double x = seconds_of(interval.end());
    if (const auto* g = sink_of<gauge_sink>(interval, vus.descriptor()); g != nullptr && g->samples > 0) {
      rows.vus.push_back({x, g->value});
    }
    rows.request_rate.push_back({x, counter_sum(interval, http_reqs.descriptor()) / length});
    rows.iteration_rate.push_back({x, counter_sum(interval, iterations.descriptor()) / length});
    if (const auto* f = sink_of<rate_sink>(interval, http_req_failed.descriptor()); f != nullptr && f->total > 0) {
      rows.failure_rate.push_back({x, *f->rate()});
    }
    if (const auto* c = sink_of<rate_sink>(interval, checks.descriptor()); c != nullptr && c->total > 0) {
      rows.check_failure_rate.push_back({x, 1.0 - *c->rate()});
    }
    const auto* d = sink_of<trend_sink>(interval, http_req_duration.descriptor());
    const std::pair<std::vector<svg::point>*, double> percentiles[] = {
        {&rows.p50, 50.0}, {&rows.p90, 90.0}, {&rows.p95, 95.0}, {&rows.p99, 99.0}};
    for (const auto& [points, p] : percentiles) {
      if (const auto v = trend_ms(d, aggregation_kind::percentile, p)) points->push_back({x, *v});
    }
    for (std::size_t i = 0; i < rows.phases.size(); ++i) {
      if (const auto v = trend_ms(sink_of<trend_sink>(interval, phase_metrics[i]), aggregation_kind::avg)) {
        rows.phases[i].second.push_back({x, *v});
      }
    }
    rows.received.push_back({x, counter_sum(interval, data_received.descriptor()) / length});
    rows.sent.push_back({x, counter_sum(interval, data_sent.descriptor()) / length});
    rows.dropped.push_back({x, counter_sum(interval, dropped_iterations.descriptor()) / length});
    if (const auto v = trend_ms(sink_of<trend_sink>(interval, iteration_start_delay.descriptor()),
                                aggregation_kind::percentile, 95.0)) {
      rows.start_delay.push_back({x, *v});
    }
  }
  return rows;
}

[[nodiscard]] inline bool any_positive(const std::vector<svg::point>& points) {
  return std::any_of(points.begin(), points.end(), [](const svg::point& p) { return p.y > 0; });
}

// A latency axis: logarithmic when the values span more than two decades.
STAMPEDE_DECL svg::axis latency_axis(std::string title, const std::vector<const std::vector<svg::point>*>& series) {
  double lo = 0;
  double hi = 0;
  for (const auto* s : series) {
    for (const auto& p : *s) {
      if (!(p.y > 0)) continue;
      lo = lo == 0 ? p.y : std::min(lo, p.y);
      hi = std::max(hi, p.y);
    }
  }
  svg::axis a{.title = std::move(title), .format = svg::unit::milliseconds};
  if (lo > 0 && hi / lo > 100) a.kind = svg::scale::log;
  return a;
}

// The horizontal rules of the thresholds on `metric`'s percentiles, averages and extremes
// whose bounds are times: where a chart of the metric in ms should stay.
STAMPEDE_DECL std::vector<svg::rule> threshold_rules(const std::vector<threshold_result>& thresholds,
                                                     const std::string& metric) {
  std::vector<svg::rule> rules;
  for (const auto& t : thresholds) {
    for (const auto& c : t.conditions) {
      const auto& a = c.condition.aggregate;
      if (a.metric.name != metric || a.metric.is_submetric() || a.metric.contains != value_type::time) continue;
      if (a.kind == aggregation_kind::count || a.kind == aggregation_kind::rate) continue;
      rules.push_back({.at = c.condition.bound / 1e6,
                       .label = c.condition.expression(),
                       .color = c.passed ? "#2e7d32" : "#c62828"});
    }
  }
  return rules;
}

STAMPEDE_DECL void append_time_charts(std::string& out, const result& r, const std::vector<snapshot>& intervals) {
  const auto rows = rows_of(intervals);
  const svg::axis time_axis{.title = "time into the run", .format = svg::unit::seconds};
  const bool http = any_positive(rows.request_rate);
  out += "<section id=\"over-time\"><h2>Over time</h2>\n";

  svg::chart load{.id = "chart-load", .title = http ? "VUs and request rate" : "VUs and iteration rate", .x = time_axis};
  load.y = {.title = "VUs"};
  load.y2 = svg::axis{.title = "per second", .format = svg::unit::per_second};
  load.data.push_back({.name = "VUs", .points = rows.vus});
  if (http) load.data.push_back({.name = "requests/s", .points = rows.request_rate, .right_axis = true});
  load.data.push_back({.name = "iterations/s", .points = rows.iteration_rate, .dashed = true, .right_axis = true});
  append_chart(out, load);

  if (!rows.p50.empty()) {
    svg::chart latency{.id = "chart-latency", .title = "Request duration (http_req_duration)", .x = time_axis};
    latency.y = latency_axis("duration", {&rows.p50, &rows.p90, &rows.p95, &rows.p99});
    latency.data = {{.name = "p(50)", .points = rows.p50},
                    {.name = "p(90)", .points = rows.p90},
                    {.name = "p(95)", .points = rows.p95},
                    {.name = "p(99)", .points = rows.p99}};
    // A threshold's bound far above the data would flatten the curves it judges: drawn only
    // when it is within twice the highest p(99).
    double highest = 0;
    for (const auto& p : rows.p99) highest = std::max(highest, p.y);
    for (auto& rule : threshold_rules(r.thresholds, http_req_duration.name())) {
      if (rule.at <= 2 * highest) latency.rules.push_back(std::move(rule));
    }
    append_chart(out, latency);
  }
  if (!rows.failure_rate.empty() || !rows.check_failure_rate.empty()) {
    svg::chart failures{.id = "chart-failures", .title = "Failure rate", .x = time_axis};
    failures.y = {.title = "share", .format = svg::unit::ratio};
    if (!rows.failure_rate.empty()) failures.data.push_back({.name = "http_req_failed", .points = rows.failure_rate});
    if (!rows.check_failure_rate.empty()) {
      failures.data.push_back({.name = "checks failed", .points = rows.check_failure_rate, .dashed = true});
    }
    append_chart(out, failures);
  }
  if (http) {
    svg::chart phases{.id = "chart-phases", .title = "Request phases (average)", .x = time_axis};
    std::vector<const std::vector<svg::point>*> all;
    for (const auto& [name, points] : rows.phases) {
      if (any_positive(points)) {
        phases.data.push_back({.name = name, .points = points});
        all.push_back(&points);
      }
    }
    phases.y = latency_axis("duration", all);
    if (!phases.data.empty()) {
      append_chart(out, phases);
    }
  }
  if (any_positive(rows.received) || any_positive(rows.sent)) {
    svg::chart data{.id = "chart-data", .title = "Data rates", .x = time_axis};
    data.y = {.title = "per second", .format = svg::unit::bytes_per_second};
    data.data = {{.name = "data_received", .points = rows.received}, {.name = "data_sent", .points = rows.sent}};
    append_chart(out, data);
  }
  if (any_positive(rows.dropped) || !rows.start_delay.empty()) {
    svg::chart open{.id = "chart-arrivals", .title = "Arrivals: dropped iterations and start delay", .x = time_axis};
    open.y = {.title = "dropped per second", .format = svg::unit::per_second};
    open.y2 = svg::axis{.title = "start delay p(95)", .format = svg::unit::milliseconds};
    open.data = {{.name = "dropped_iterations/s", .points = rows.dropped},
                 {.name = "iteration_start_delay p(95)", .points = rows.start_delay, .right_axis = true}};
    append_chart(out, open);
  }
  out += "</section>\n";
}

// The distribution of a time trend: counts in bins of a tenth of a decade, and the percentile
// spectrum (the value at percentile p against 1/(1-p), HDR Histogram's plot).
STAMPEDE_DECL void append_distribution(std::string& out, const trend_sink& t, const std::string& metric) {
  const auto& h = t.samples;
  const double scale = t.contains == value_type::time ? 1e6 : 1.0;  // histogram units per ms
  std::map<int, double> bins;  // bin k holds [10^(k/10), 10^((k+1)/10)) ms
  h.for_each_nonzero_bucket([&](std::size_t index, std::uint64_t n) {
    const double lowest = static_cast<double>(h.bucket_lowest(index)) / scale;
    const int k = lowest > 0 ? static_cast<int>(std::floor(std::log10(lowest) * 10.0)) : -60;
    bins[k] += static_cast<double>(n);
  });
  svg::chart distribution{.id = "chart-distribution", .title = fmt::format("Distribution of {}", metric)};
  distribution.x = {.title = metric, .kind = svg::scale::log, .format = svg::unit::milliseconds};
  distribution.y = {.title = "samples"};
  // A staircase over every bin from the lowest to the highest, empty ones at 0, closed at 0
  // on both ends.
  svg::series counts{.name = "samples per bin", .style = svg::mark::step};
  if (!bins.empty()) {
    const int first = bins.begin()->first;
    const int last = bins.rbegin()->first;
    counts.points.push_back({std::pow(10.0, first / 10.0), 0.0});
    for (int k = first; k <= last; ++k) {
      const auto it = bins.find(k);
      counts.points.push_back({std::pow(10.0, k / 10.0), it != bins.end() ? it->second : 0.0});
    }
    counts.points.push_back({std::pow(10.0, (last + 1) / 10.0), 0.0});
  }
  distribution.data.push_back(std::move(counts));

  svg::chart spectrum{.id = "chart-spectrum", .title = fmt::format("Percentile spectrum of {}", metric)};
  spectrum.x = {.title = "percentile", .kind = svg::scale::log};
  const std::pair<double, const char*> ticks[] = {{1.0, "0%"},      {2.0, "50%"},        {10.0, "90%"},
                                                  {100.0, "99%"},   {1000.0, "99.9%"},   {1e4, "99.99%"},
                                                  {1e5, "99.999%"}, {1e6, "99.9999%"}};
  const double count = static_cast<double>(h.count());
  for (const auto& [x, label] : ticks) {
    if (x <= std::max(count, 10.0)) spectrum.x.ticks.push_back({x, label});
  }
  spectrum.y = {.title = metric, .format = svg::unit::milliseconds};
  svg::series line{.name = metric};
  // Twenty points a decade, up to the percentile the samples support (1 - p ≥ 1/count).
  for (int k = 0; k <= 120; ++k) {
    const double x = std::pow(10.0, k / 20.0);
    if (x > std::max(count, 1.0)) break;
    const double p = 100.0 * (1.0 - 1.0 / x);
    line.points.push_back({x, h.interpolated_percentile(p) / scale});
  }
  line.points.push_back({std::max(count, 1.0), static_cast<double>(h.max()) / scale});
  spectrum.data.push_back(std::move(line));

  out += fmt::format("<section id=\"distribution\"><h2>Distribution of {}</h2>\n", escape_xml(metric));
  append_chart(out, distribution);
  append_chart(out, spectrum);
  out += "</section>\n";
}

// The rows of a table split by a tag: the sub-metrics of `metric` that `report_breakdowns()`
// made (filters with exactly its keys; a threshold's `{name:login}` is another series, which
// would count its samples twice), merged by the value of `key` (a breakdown by `name` and
// `scenario` read by `name`).
template <typename Sink>
[[nodiscard]] std::map<std::string, Sink> split_by(const snapshot& s, const std::string& metric, std::string_view key) {
  std::vector<std::string> keys;
  for (const auto& b : report_breakdowns()) {
    if (b.metric.name == metric) keys = b.tag_keys;
  }
  std::map<std::string, Sink> out;
  for (const auto& e : s.entries()) {
    const auto& tags = e.metric.filter.tags();
    if (e.metric.name != metric || tags.size() != keys.size()) continue;
    if (!std::all_of(keys.begin(), keys.end(), [&](const std::string& k) { return tags.contains(k); })) continue;
    const auto value = filter_value(e.metric, key);
    const auto* sink = std::get_if<Sink>(&e.data);
    if (!value || sink == nullptr) continue;
    if (const auto [it, inserted] = out.try_emplace(*value, *sink); !inserted) it->second.merge(*sink);
  }
  return out;
}

STAMPEDE_DECL void append_split_table(std::string& out, const result& r, std::string_view key, std::string_view id,
                                      std::string_view heading, std::string_view first_column) {
  const auto requests = split_by<counter_sink>(r.metrics, http_reqs.name(), key);
  if (requests.empty()) return;
  const auto failed = split_by<rate_sink>(r.metrics, http_req_failed.name(), key);
  const auto durations = split_by<trend_sink>(r.metrics, http_req_duration.name(), key);
  const auto& stats = r.summary_format.trend_stats;
  const double length = seconds_of(r.duration);
  out += fmt::format("<section id=\"{}\"><h2>{}</h2>\n<table class=\"numbers\"><thead><tr><th>{}</th><th>requests</th>"
                     "<th>rate</th><th>failed</th>",
                     id, heading, first_column);
  for (const auto& stat : stats) out += fmt::format("<th>{}</th>", escape_xml(stat));
  out += "</tr></thead><tbody>\n";
  for (const auto& [value, count] : requests) {
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td>", escape_xml(value), format_number(count.sum),
                       length > 0 ? svg::format_value(count.sum / length, svg::unit::per_second) : std::string{"–"});
    const auto f = failed.find(value);
    const auto share = f != failed.end() ? f->second.rate() : std::nullopt;
    out += fmt::format("<td>{}</td>", share ? format_percent(*share) : std::string{"–"});
    const auto d = durations.find(value);
    for (const auto& stat : stats) {
      out += fmt::format("<td>{}</td>", escape_xml(trend_cell(d != durations.end() ? &d->second : nullptr, http_req_duration.descriptor(), stat, r.summary_format)));
    }
    out += "</tr>\n";
  }
  out += "</tbody></table></section>\n";
}

STAMPEDE_DECL void append_scenarios(std::string& out, const result& r) {
  if (r.scenarios.empty()) return;
  const auto durations = split_by<trend_sink>(r.metrics, iteration_duration.name(), system_tag::scenario);
  const auto dropped = split_by<counter_sink>(r.metrics, dropped_iterations.name(), system_tag::scenario);
  const auto& stats = r.summary_format.trend_stats;
  out += "<section id=\"scenarios\"><h2>Scenarios</h2>\n<table class=\"numbers\"><thead><tr><th>scenario</th>"
         "<th>executor</th><th>max VUs</th><th>complete</th><th>interrupted</th><th>dropped</th>";
  for (const auto& stat : stats) out += fmt::format("<th>iteration {}</th>", escape_xml(stat));
  out += "</tr></thead><tbody>\n";
  for (const auto& s : r.scenarios) {
    const auto d = dropped.find(s.name);
    out += fmt::format("<tr><td>{}</td><td class=\"text\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                       escape_xml(s.name), escape_xml(s.description), s.max_vus, s.complete, s.interrupted,
                       d != dropped.end() ? format_number(d->second.sum) : std::string{"0"});
    const auto it = durations.find(s.name);
    for (const auto& stat : stats) {
      out += fmt::format("<td>{}</td>", escape_xml(trend_cell(it != durations.end() ? &it->second : nullptr, iteration_duration.descriptor(), stat, r.summary_format)));
    }
    out += "</tr>\n";
  }
  out += "</tbody></table></section>\n";
}

STAMPEDE_DECL void append_verdict(std::string& out, const result& r) {
  out += "<section id=\"thresholds\"><h2>Thresholds</h2>\n";
  if (r.thresholds.empty()) {
    out += "<p class=\"none\">No thresholds.</p>\n";
  } else {
    out += "<table><thead><tr><th></th><th>metric</th><th>threshold</th><th>observed</th></tr></thead><tbody>\n";
    for (const auto& t : r.thresholds) {
      for (const auto& c : t.conditions) {
        out += fmt::format("<tr class=\"{}\"><td class=\"mark\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                           c.passed ? "pass" : "fail", c.passed ? "✓" : "✗",
                           escape_xml(c.condition.aggregate.metric.display_name()),
                           escape_xml(c.condition.expression()), escape_xml(format_observed(c, r.summary_format)));
      }
    }
    out += "</tbody></table>\n";
  }
  out += "</section>\n";

  const auto checks_list = r.checks();
  out += "<section id=\"checks\"><h2>Checks</h2>\n";
  if (checks_list.empty()) {
    out += "<p class=\"none\">No checks.</p>\n";
  } else {
    out += "<table><thead><tr><th></th><th>group</th><th>check</th><th>passed</th><th>failed</th><th>share "
           "passed</th></tr></thead><tbody>\n";
    for (const auto& c : checks_list) {
      std::string group;
      for (const auto& g : group_path(c.group)) group += (group.empty() ? "" : " › ") + g;
      const auto total = c.passes + c.fails;
      out += fmt::format(
          "<tr class=\"{}\"><td class=\"mark\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
          c.fails == 0 ? "pass" : "fail", c.fails == 0 ? "✓" : "✗", escape_xml(group), escape_xml(c.name), c.passes,
          c.fails,
          total > 0 ? format_percent(static_cast<double>(c.passes) / static_cast<double>(total)) : std::string{"–"});
    }
    out += "</tbody></table>\n";
  }
  out += "</section>\n";
}

STAMPEDE_DECL void append_overview(std::string& out, const result& r) {
  const auto& m = r.metrics;
  const double length = seconds_of(r.duration);
  const auto per_second = [length](double n) {
    return length > 0 ? svg::format_value(n / length, svg::unit::per_second) : std::string{};
  };
  out += "<section id=\"overview\"><h2>Overview</h2>\n<div class=\"figures\">\n";
  const double iteration_count = counter_sum(m, iterations.descriptor());
  append_figure(out, "iterations", format_number(iteration_count), per_second(iteration_count));
  const double requests = counter_sum(m, http_reqs.descriptor());
  if (requests > 0) {
    append_figure(out, "HTTP requests", format_number(requests), per_second(requests));
    const auto* d = sink_of<trend_sink>(m, http_req_duration.descriptor());
    if (d != nullptr && d->samples.count() > 0) {
      const auto& md = http_req_duration.descriptor();
      append_figure(out, "request duration, p(95)", trend_cell(d, md, "p(95)", r.summary_format),
                    fmt::format("median {}, p(99) {}", trend_cell(d, md, "med", r.summary_format),
                                trend_cell(d, md, "p(99)", r.summary_format)));
    }
    if (const auto* f = sink_of<rate_sink>(m, http_req_failed.descriptor()); f != nullptr && f->total > 0) {
      append_figure(out, "failed requests", format_percent(*f->rate()),
                    fmt::format("{} of {}", f->nonzero, f->total));
    }
  }
  if (const auto* c = sink_of<rate_sink>(m, checks.descriptor()); c != nullptr && c->total > 0) {
    append_figure(out, "checks passed", format_percent(*c->rate()), fmt::format("{} of {}", c->nonzero, c->total));
  }
  if (const auto* v = sink_of<gauge_sink>(m, vus_max.descriptor()); v != nullptr && v->samples > 0) {
    append_figure(out, "VUs (max)", format_number(v->max), "");
  }
  const double received = counter_sum(m, data_received.descriptor());
  const double sent = counter_sum(m, data_sent.descriptor());
  if (received > 0 || sent > 0) {
    append_figure(out, "data received", format_bytes(received),
                  length > 0 ? svg::format_value(received / length, svg::unit::bytes_per_second) : std::string{});
    append_figure(out, "data sent", format_bytes(sent),
                  length > 0 ? svg::format_value(sent / length, svg::unit::bytes_per_second) : std::string{});
  }
  const double dropped = counter_sum(m, dropped_iterations.descriptor());
  if (dropped > 0) append_figure(out, "dropped iterations", format_number(dropped), per_second(dropped));
  out += "</div></section>\n";
}

STAMPEDE_DECL void append_header(std::string& out, const result& r, const html_report_options& o) {
  const bool passed = r.status == run_status::finished && r.thresholds_passed();
  std::string verdict;
  if (passed) {
    verdict = "✓ passed";
  } else if (r.status == run_status::finished) {
    verdict = "✗ failed: thresholds were crossed";
  } else {
    verdict = fmt::format("✗ {}{}", to_string(r.status), r.message.empty() ? "" : ": " + r.message);
  }
  out += fmt::format("<header><h1>{}</h1>\n<p class=\"verdict {}\">{} <span class=\"exit\">(exit code {})</span></p>\n",
                     escape_xml(o.title), passed ? "pass" : "fail", escape_xml(verdict), r.exit_code());
  out += "<dl class=\"facts\">\n";
  const auto fact = [&out](std::string_view term, const std::string& value) {
    out += fmt::format("<div><dt>{}</dt><dd>{}</dd></div>\n", escape_xml(term), escape_xml(value));
  };
  fact("started", format_rfc3339(r.started_at, timestamp_precision::seconds));
  fact("duration", format_go_duration(std::chrono::duration_cast<std::chrono::milliseconds>(r.duration)));
  fact("seed", std::to_string(r.seed));
  if (r.shards > 0) fact("shards", std::to_string(r.shards));
  if (r.generator_cpu && r.shards > 0 && r.duration.count() > 0) {
    fact("generator CPU", format_percent(seconds_of(*r.generator_cpu) / (seconds_of(r.duration) * r.shards)));
  }
  if (o.parts > 1) {
    fact("parts", fmt::format("{} (sequence {})", o.parts, o.sequence));
    fact("largest start skew",
         format_go_duration(std::chrono::duration_cast<std::chrono::milliseconds>(o.largest_skew)));
  }
  fact("stampede", version_string);
  out += "</dl></header>\n";
}

STAMPEDE_DECL void append_errors(std::string& out, const result& r) {
  if (r.errors.empty() && r.output_errors.empty()) return;
  out += "<section id=\"errors\"><h2>Errors</h2>\n<ul>\n";
  for (const auto& e : r.errors) {
    out += fmt::format("<li><b>{}</b> × {}: {}</li>\n", escape_xml(e.scenario), e.count, escape_xml(e.message));
  }
  for (const auto& e : r.output_errors) out += fmt::format("<li>output: {}</li>\n", escape_xml(e));
  out += "</ul></section>\n";
}

inline constexpr std::string_view style = R"(
:root{color-scheme:light;--fg:#1d2330;--muted:#5b6475;--line:#d9dde5;--pass:#2e7d32;--fail:#c62828}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);margin:0 auto;max-width:1180px;padding:16px 24px 48px}
h1{font-size:24px;margin:8px 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.verdict{font-size:18px;font-weight:600;margin:4px 0 12px}.verdict.pass{color:var(--pass)}.verdict.fail{color:var(--fail)}
.exit{font-weight:400;color:var(--muted);font-size:14px}
.facts{display:flex;flex-wrap:wrap;gap:4px 24px;margin:0}.facts div{display:flex;gap:6px}.facts dt{color:var(--muted)}.facts dd{margin:0}
.figures{display:flex;flex-wrap:wrap;gap:12px}.figure{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:140px}
.figure .value{font-size:22px;font-weight:600}.figure .label{color:var(--muted)}.figure .detail{color:var(--muted);font-size:12px}
table{border-collapse:collapse;margin:4px 0 8px}th,td{padding:3px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
table.numbers td{text-align:right;font-variant-numeric:tabular-nums}table.numbers td:first-child,table.numbers td.text{text-align:left}
tr.fail td{color:var(--fail)}td.mark{font-weight:700}tr.pass td.mark{color:var(--pass)}
figure.chart{margin:8px 0 16px}figure.chart svg{max-width:100%;height:auto}
.legend-item{cursor:pointer}.none{color:var(--muted)}footer{margin-top:32px;color:var(--muted);font-size:12px}
)";

// Clicking a legend entry hides or shows its series (and dims the entry).
inline constexpr std::string_view script = R"(
document.querySelectorAll('svg.chart .legend-item').forEach(function (item) {
  item.addEventListener('click', function () {
    var svg = item.closest('svg');
    var shown = item.getAttribute('opacity') !== '0.35';
    svg.querySelectorAll('.series[data-series="' + item.getAttribute('data-series') + '"]').forEach(function (g) {
      g.style.display = shown ? 'none' : '';
    });
    item.setAttribute('opacity', shown ? '0.35' : '1');
  });
});
)";

STAMPEDE_DECL std::string page_start(std::string_view title) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  // Nothing may be fetched: a report opened from a mail attachment must not call anywhere.
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "script-src 'unsafe-inline'; img-src data:\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<meta name=\"generator\" content=\"stampede {}\">\n", version_string);
  out += fmt::format("<title>{} — stampede report</title>\n<style>{}</style>\n</head>\n<body>\n", escape_xml(title),
                     style);
  return out;
}

STAMPEDE_DECL std::string page_end() {
  return fmt::format("<footer>Written by stampede {}. Every figure comes from exact histograms and counters; "
                     "nothing on this page was fetched.</footer>\n<script>{}</script>\n</body>\n</html>\n",
                     version_string, script);
}

}  // namespace detail::html

STAMPEDE_DECL std::string format_html_report(const result& r, const std::vector<snapshot>& intervals,
                                             const html_report_options& options) {
  namespace h = detail::html;
  std::string out = h::page_start(options.title);
  out.reserve(64 * 1024);
  h::append_header(out, r, options);
  h::append_verdict(out, r);
  h::append_overview(out, r);
  if (!intervals.empty()) h::append_time_charts(out, r, intervals);
  if (const auto* d = h::sink_of<trend_sink>(r.metrics, http_req_duration.descriptor()); d != nullptr && d->samples.count() > 0) {
    h::append_distribution(out, *d, http_req_duration.name());
  } else if (const auto* i = h::sink_of<trend_sink>(r.metrics, iteration_duration.descriptor());
             i != nullptr && i->samples.count() > 0) {
    h::append_distribution(out, *i, iteration_duration.name());
  }
  h::append_split_table(out, r, system_tag::name, "endpoints", "Endpoints", "name");
  h::append_scenarios(out, r);
  h::append_errors(out, r);
  out += h::page_end();
  return out;
}

STAMPEDE_DECL html_output::html_output(std::string path, html_report_options options, std::size_t max_intervals)
    : path_{std::move(path)}, options_{std::move(options)}, intervals_{max_intervals} {
  if (path_.empty()) throw usage_error("an HTML report needs a file name: --out html=FILE");
  check_writable(path_);
}

STAMPEDE_DECL void html_output::on_start(const load_test& /*test*/, const execution_tuple& /*part*/) {
  written_ = false;
  intervals_.clear();
}

STAMPEDE_DECL void html_output::on_tick(const snapshot& delta, const run_progress& /*progress*/) {
  // The charts over time read only whole metrics: the tables' breakdowns stay out of the
  // intervals, which a long run keeps 1,200 of.
  snapshot kept{delta.start(), delta.end()};
  for (const auto& e : delta.entries()) {
    if (!e.metric.is_submetric()) kept.add(e.metric, e.data);
  }
  intervals_.add(kept);
}

STAMPEDE_DECL void html_output::on_end(const result& r) {
  write_file_atomically(path_, format_html_report(r, intervals_.intervals(), options_), "html");
  written_ = true;
}

}  // namespace stampede
