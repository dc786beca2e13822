// Bodies of the summary export (included by report/summary_export.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/eval/check.hpp>
#include <stampede/report/summary.hpp>

#include <stampede/core/charconv.hpp>
#include <stampede/core/json_writer.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <variant>

namespace stampede {

namespace detail::summary_export {

// The shortest text that reads back as the same double; JSON has no NaN or infinity.
STAMPEDE_DECL std::string number(double value) {
  return std::isfinite(value) ? format_double(value) : "null";
}

// k6 writes times in milliseconds.
STAMPEDE_DECL double in_k6_units(double value, const metric_descriptor& m) {
  return m.contains == value_type::time ? value / 1e6 : value;
}

struct group_node {
  std::map<std::string, group_node> groups;      // k6's export keys groups by name
  std::vector<check_result> checks;
};

STAMPEDE_DECL void write_group(json_writer& w, const group_node& g, const std::string& name, const std::string& path) {
  w.begin_object().key("name").string(name).key("path").string(path).key("groups").begin_object();
  for (const auto& [child, node] : g.groups) write_group(w.key(child), node, child, path + "::" + child);
  w.end_object().key("checks").begin_object();
  for (const auto& c : g.checks) {
    w.key(c.name).begin_object().key("name").string(c.name).key("path").string(path + "::" + c.name);
    w.key("passes").number(c.passes).key("fails").number(c.fails).end_object();
  }
  w.end_object().end_object();
}

}  // namespace detail::summary_export

STAMPEDE_DECL std::string format_summary_export(const snapshot& metrics, const std::vector<threshold_result>& thresholds,
                                         const std::vector<std::string>& trend_stats) {
  namespace x = detail::summary_export;
  // Thresholds by metric: expression → failed.
  std::map<std::string, std::vector<std::pair<std::string, bool>>> by_metric;
  for (const auto& t : thresholds) {
    for (const auto& c : t.conditions) {
      by_metric[c.condition.aggregate.metric.display_name()].emplace_back(c.condition.expression(), !c.passed);
    }
  }

  x::group_node root;
  for (const auto& c : check_results(metrics)) {
    x::group_node* g = &root;
    for (const auto& name : group_path(c.group)) g = &g->groups[name];
    g->checks.push_back(c);
  }

  std::string out;
  json_writer w{out};
  x::write_group(w.begin_object().key("root_group"), root, "", "");
  w.key("metrics").begin_object();
  const double seconds = std::chrono::duration<double>{metrics.duration()}.count();
  // Sorted by key, as k6's export is (Go writes map keys in order).
  std::vector<const snapshot_entry*> entries;
  for (const auto& e : metrics.entries()) entries.push_back(&e);
  std::sort(entries.begin(), entries.end(), [](const snapshot_entry* a, const snapshot_entry* b) {
    return a->metric.display_name() < b->metric.display_name();
  });
  for (const auto* entry : entries) {
    const auto& e = *entry;
    const auto name = e.metric.display_name();
    const auto thresholds_it = by_metric.find(name);
    if (e.metric.name == checks.name() && e.metric.filter.tags().contains(system_tag::check)) continue;
    if (!detail::summary::has_samples(e.data) && thresholds_it == by_metric.end()) continue;
    if (!detail::summary::listed_submetric(e.metric, thresholds_it != by_metric.end())) continue;

    std::vector<std::pair<std::string, std::string>> fields;
    const auto& m = e.metric;
    if (const auto* c = std::get_if<counter_sink>(&e.data)) {
      fields = {{"count", x::number(c->sum)}, {"rate", x::number(seconds > 0 ? c->sum / seconds : 0)}};
    } else if (const auto* g = std::get_if<gauge_sink>(&e.data)) {
      if (g->samples > 0) {
        fields = {{"value", x::number(x::in_k6_units(g->value, m))},
                  {"min", x::number(x::in_k6_units(g->min, m))},
                  {"max", x::number(x::in_k6_units(g->max, m))}};
      }
    } else if (const auto* r = std::get_if<rate_sink>(&e.data)) {
      if (r->total > 0) {
        fields = {{"passes", std::to_string(r->nonzero)}, {"fails", std::to_string(r->total - r->nonzero)},
                  {"value", x::number(*r->rate())}};
      }
    } else {
      const auto& t = std::get<trend_sink>(e.data);
      if (t.samples.count() > 0) {
        for (const auto& stat : trend_stats) {
          const auto parsed = detail::summary::parse_trend_stat(stat);
          if (parsed.is_count) {
            fields.emplace_back(stat, std::to_string(t.samples.count()));
            continue;
          }
          const auto v = t.value(parsed.kind, parsed.percentile);
          fields.emplace_back(stat, x::number(x::in_k6_units(v.value_or(0), m)));
        }
      }
    }
    w.key(name).begin_object();
    for (const auto& [key, value] : fields) w.key(key).raw(value);
    if (thresholds_it != by_metric.end()) {
      w.key("thresholds").begin_object();
      for (const auto& [expression, failed] : thresholds_it->second) w.key(expression).boolean(failed);
      w.end_object();
    }
    w.end_object();
  }
  w.end_object().end_object();
  return out + '\n';
}

}  // namespace stampede
