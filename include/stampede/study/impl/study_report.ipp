// Bodies of a scaling study's HTML report (included by study/study_report.hpp).
#pragma once

#include <stampede/config.hpp>
#include <stampede/core/error.hpp>
#include <stampede/report/html_report.hpp>
#include <stampede/report/svg.hpp>
#include <stampede/scaling/fit.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

namespace stampede {

namespace detail::study_html {

using svg::escape_xml;

// The study's table as HTML: numbers right-aligned, as in the run report's tables.
STAMPEDE_DECL void append_table(std::string& out, const table& t, std::string_view id) {
  out += fmt::format("<table class=\"numbers\" id=\"{}\"><thead><tr>", id);
  for (const auto& column : t.columns()) out += fmt::format("<th>{}</th>", escape_xml(column));
  out += "</tr></thead><tbody>\n";
  for (const auto& row : t.rows()) {
    out += "<tr>";
    for (const auto& cell : row) out += fmt::format("<td>{}</td>", escape_xml(cell.text));
    out += "</tr>\n";
  }
  out += "</tbody></table>\n";
}

STAMPEDE_DECL void append_chart(std::string& out, const svg::chart& c) {
  out += "<figure class=\"chart\">";
  out += svg::render(c);
  out += "</figure>\n";
}

// A smooth line through `f` from `lo` to `hi`.
template <typename F>
[[nodiscard]] std::vector<svg::point> sampled(double lo, double hi, F f) {
  std::vector<svg::point> points;
  constexpr int steps = 96;
  for (int i = 0; i <= steps; ++i) {
    const double n = lo + (hi - lo) * i / steps;
    points.push_back({n, f(n)});
  }
  return points;
}

STAMPEDE_DECL void append_single_parameter(std::string& out, const curve& c) {
  const auto& parameter = c.parameters().front();
  const svg::axis level_axis{.title = parameter, .from_zero = false};
  const auto& points = c.measured();
  double lo = points.front().config[parameter];
  double hi = lo;
  double highest = 0;
  for (const auto& p : points) {
    lo = std::min(lo, p.config[parameter]);
    hi = std::max(hi, p.config[parameter]);
    highest = std::max(highest, p.throughput_max());
  }

  svg::chart throughput{.id = "chart-throughput", .title = "Throughput", .x = level_axis};
  throughput.y = {.title = "throughput", .format = svg::unit::per_second};
  svg::series runs{.name = "each run", .color = "#999999", .style = svg::mark::points};
  svg::series median{.name = "median", .style = svg::mark::line_points};
  svg::series saturated{.name = "generator saturated", .color = "#d55e00", .style = svg::mark::points};
  for (const auto& p : points) {
    const double level = p.config[parameter];
    for (const auto& run : p.runs) runs.points.push_back({level, run.throughput()});
    median.points.push_back({level, p.median.throughput()});
    for (const auto& run : p.runs) {
      if (run.generator.saturated) saturated.points.push_back({level, run.throughput()});
    }
  }
  // Every run's own point, where a level was measured more than once.
  if (std::any_of(points.begin(), points.end(), [](const study_point& p) { return p.runs.size() > 1; })) {
    throughput.data.push_back(std::move(runs));
  }
  throughput.data.push_back(std::move(median));

  std::optional<usl_model> model;
  if (points.size() >= 3) {
    try {
      model = fit_usl(c.points());
    } catch (const usage_error&) {
      model.reset();  // too few distinct levels, or a point without throughput: no fit to draw
    }
  }
  svg::chart efficiency{.id = "chart-efficiency", .title = "Efficiency: throughput as a share of linear scaling",
                        .x = level_axis};
  efficiency.y = {.title = "efficiency", .format = svg::unit::ratio};
  svg::series measured_efficiency{.name = "measured", .style = svg::mark::line_points};
  for (const auto& p : points) {
    const double level = p.config[parameter];
    measured_efficiency.points.push_back({level, c.efficiency_at(level)});
  }
  efficiency.data.push_back(std::move(measured_efficiency));

  if (model) {
    // The legend holds the parameters (a legend entry is at most 40 characters); their 95%
    // intervals are in the model's line under the chart.
    throughput.data.push_back(
        {.name = fmt::format("USL: σ={:.3g} κ={:.3g} λ={:.4g} R²={:.3f}", model->sigma, model->kappa, model->lambda,
                             model->r_squared),
         .points = sampled(lo, hi, [&](double n) { return model->throughput_at(n); })});
    // λN, the linear scaling the model departs from, drawn up to half again the highest
    // throughput measured so that it does not flatten the rest.
    const double linear_end = std::min(hi, 1.5 * highest / std::max(model->lambda, 1e-300));
    if (linear_end > lo) {
      throughput.data.push_back({.name = "linear λN",
                                 .points = sampled(lo, linear_end, [&](double n) { return model->lambda * n; }),
                                 .dashed = true});
    }
    const double peak = model->peak_concurrency();
    if (std::isfinite(peak) && peak >= lo && peak <= hi) {
      throughput.rules.push_back({.direction = svg::rule::orientation::vertical,
                                  .at = peak,
                                  .label = fmt::format("N* = {:.3g}", peak)});
    }
    const double base = model->throughput_at(lo);
    efficiency.data.push_back({.name = "USL",
                               .points = sampled(lo, hi,
                                                 [&](double n) {
                                                   return base > 0 ? (model->throughput_at(n) / base) / (n / lo) : 0.0;
                                                 }),
                               .dashed = true});
  }
  if (!saturated.points.empty()) throughput.data.push_back(std::move(saturated));

  svg::chart latency{.id = "chart-study-latency", .title = "Latency", .x = level_axis};
  svg::series p50{.name = "p(50)", .style = svg::mark::line_points};
  svg::series p95{.name = "p(95)", .style = svg::mark::line_points};
  svg::series p99{.name = "p(99)", .style = svg::mark::line_points};
  double lowest_latency = 0;
  double highest_latency = 0;
  for (const auto& p : points) {
    const double level = p.config[parameter];
    const std::pair<svg::series*, figure> figures[] = {
        {&p50, figure::median_latency}, {&p95, figure::p95_latency}, {&p99, figure::p99_latency}};
    for (const auto& [s, f] : figures) {
      if (const auto v = value_of(p, f)) {
        s->points.push_back({level, *v});
        if (*v > 0) lowest_latency = lowest_latency == 0 ? *v : std::min(lowest_latency, *v);
        highest_latency = std::max(highest_latency, *v);
      }
    }
  }
  latency.y = {.title = "latency", .format = svg::unit::milliseconds};
  if (lowest_latency > 0 && highest_latency / lowest_latency > 100) latency.y.kind = svg::scale::log;
  latency.data = {std::move(p50), std::move(p95), std::move(p99)};

  out += "<section id=\"curves\"><h2>Scaling</h2>\n";
  append_chart(out, throughput);
  if (model) out += fmt::format("<p class=\"model\">{}</p>\n", escape_xml(model->describe()));
  append_chart(out, efficiency);
  if (!latency.data.front().points.empty()) append_chart(out, latency);
  out += "</section>\n";
}

// A matrix: throughput against the first parameter, a line per combination of the others.
STAMPEDE_DECL void append_matrix(std::string& out, const curve& c) {
  const auto& first = c.parameters().front();
  svg::chart throughput{.id = "chart-throughput", .title = "Throughput", .x = {.title = first, .from_zero = false}};
  throughput.y = {.title = "throughput", .format = svg::unit::per_second};
  std::map<std::string, std::size_t> line_of;  // the other parameters' values → series
  for (const auto& p : c.measured()) {
    std::string others;
    for (const auto& [name, value] : p.config.values()) {
      if (name != first) others += fmt::format("{}{}={}", others.empty() ? "" : " ", name, format_level(value));
    }
    const auto [it, inserted] = line_of.try_emplace(others, throughput.data.size());
    if (inserted) throughput.data.push_back({.name = others, .style = svg::mark::line_points});
    throughput.data[it->second].points.push_back({p.config[first], p.median.throughput()});
  }
  for (auto& s : throughput.data) {
    std::sort(s.points.begin(), s.points.end(), [](const svg::point& a, const svg::point& b) { return a.x < b.x; });
  }
  out += "<section id=\"curves\"><h2>Scaling</h2>\n";
  append_chart(out, throughput);
  if (c.parameters().size() == 2) {
    out += fmt::format("<h3>Throughput by {} and {}</h3>\n", escape_xml(first), escape_xml(c.parameters()[1]));
    append_table(out, c.pivot(first, c.parameters()[1]), "pivot");
  }
  out += "</section>\n";
}

}  // namespace detail::study_html

STAMPEDE_DECL std::string format_html_study_report(const curve& c, const html_study_options& options) {
  namespace h = detail::study_html;
  using svg::escape_xml;
  std::string out = detail::html::page_start(options.title);
  const auto failed = static_cast<std::size_t>(
      std::count_if(options.expectations.begin(), options.expectations.end(),
                    [](const expectation_result& e) { return !e.passed; }));
  out += fmt::format("<header><h1>{}</h1>\n", escape_xml(options.title));
  if (!options.expectations.empty()) {
    out += failed == 0 ? fmt::format("<p class=\"verdict pass\">✓ every expectation held ({})</p>\n",
                                     options.expectations.size())
                       : fmt::format("<p class=\"verdict fail\">✗ {} of {} expectations failed</p>\n", failed,
                                     options.expectations.size());
  }
  if (!options.description.empty()) out += fmt::format("<p>{}</p>\n", escape_xml(options.description));
  std::string parameters;
  for (const auto& p : c.parameters()) parameters += (parameters.empty() ? "" : ", ") + p;
  std::size_t runs = 0;
  for (const auto& p : c.measured()) runs += p.runs.size();
  out += "<dl class=\"facts\">\n";
  out += fmt::format("<div><dt>parameters</dt><dd>{}</dd></div>\n", escape_xml(parameters));
  out += fmt::format("<div><dt>points</dt><dd>{}</dd></div>\n<div><dt>runs</dt><dd>{}</dd></div>\n", c.measured().size(), runs);
  if (!c.empty() && c.parameters().size() == 1) {
    const double best = c.best_level();
    out += fmt::format("<div><dt>best {}</dt><dd>{} ({})</dd></div>\n", escape_xml(c.parameters().front()),
                       format_level(best), svg::format_value(c.throughput_at(best), svg::unit::per_second));
  }
  if (c.generator_saturated()) {
    out += "<div><dt>load generator</dt><dd class=\"fail\">saturated at some points: they describe the tester, "
           "not the system</dd></div>\n";
  }
  out += fmt::format("<div><dt>stampede</dt><dd>{}</dd></div>\n</dl></header>\n", version_string);

  if (!options.expectations.empty()) {
    out += "<section id=\"expectations\"><h2>Expectations</h2>\n<table><thead><tr><th></th><th>expectation</th>"
           "<th>observed</th></tr></thead><tbody>\n";
    for (const auto& e : options.expectations) {
      out += fmt::format("<tr class=\"{}\"><td class=\"mark\">{}</td><td>{}</td><td>{}</td></tr>\n",
                         e.passed ? "pass" : "fail", e.passed ? "✓" : (e.inconclusive ? "?" : "✗"),
                         escape_xml(e.description), escape_xml(e.observed));
    }
    out += "</tbody></table></section>\n";
  }
  if (!c.empty()) {
    if (c.parameters().size() == 1) {
      h::append_single_parameter(out, c);
    } else {
      h::append_matrix(out, c);
    }
    out += "<section id=\"results\"><h2>Complete results</h2>\n";
    h::append_table(out, c.to_table(), "results-table");
    out += "</section>\n";
  } else {
    out += "<p class=\"none\">No point was measured.</p>\n";
  }
  out += detail::html::page_end();
  return out;
}

}  // namespace stampede
