// Bodies of metric_registry (included by metrics/registry.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>

#include <algorithm>
#include <string>

namespace stampede {

STAMPEDE_DECL metric_registry::metric_registry() {
  for (const auto& d : builtin_metrics()) add(d);
  breakdown(stampede::checks, {std::string{system_tag::group}, std::string{system_tag::check}});
}

STAMPEDE_DECL metric_id metric_registry::add(const metric_descriptor& metric) {
  if (metric.is_submetric()) {
    throw usage_error("cannot register " + metric.display_name() +
                      " as a metric: it is a sub-metric; track() it instead");
  }
  validate_metric_name(metric.name);
  if (const auto existing = find(metric.name)) {
    const auto& d = series_[*existing];
    if (d.type != metric.type || d.contains != metric.contains) {
      throw usage_error("metric " + metric.name + " is already a " + std::string{to_string(d.type)} +
                        " of " + std::string{to_string(d.contains)} + " values; it cannot also be a " +
                        std::string{to_string(metric.type)} + " of " +
                        std::string{to_string(metric.contains)} + " values");
    }
    return *existing;
  }
  // Metrics keep the dense front of series_, so a new one goes before the sub-metrics, whose
  // indices all move up by one.
  series_.insert(series_.begin() + static_cast<std::ptrdiff_t>(metric_count_), metric);
  for (auto& subs : submetrics_) {
    for (auto& index : subs) ++index;
  }
  submetrics_.emplace_back();
  breakdowns_.emplace_back();
  return static_cast<metric_id>(metric_count_++);
}

STAMPEDE_DECL metric_id metric_registry::breakdown(const metric_descriptor& metric, std::vector<std::string> tag_keys) {
  if (tag_keys.empty()) {
    throw usage_error("breakdown of " + metric.name + ": name at least one tag key to split it by");
  }
  const auto id = add(metric);
  auto& keys = breakdowns_[id];
  for (auto& key : tag_keys) {
    if (key.empty()) throw usage_error("breakdown of " + metric.name + ": a tag key cannot be empty");
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(std::move(key));
  }
  std::sort(keys.begin(), keys.end());
  return id;
}

STAMPEDE_DECL std::size_t metric_registry::track(const metric_descriptor& submetric) {
  if (!submetric.is_submetric()) {
    throw usage_error("track(" + submetric.name + "): only sub-metrics (with a tag filter) are tracked; " +
                      submetric.name + " always is");
  }
  metric_descriptor plain = submetric;
  plain.filter = {};
  const auto id = add(plain);
  if (const auto existing = find_series(submetric)) return *existing;
  series_.push_back(submetric);
  submetrics_[id].push_back(series_.size() - 1);
  return series_.size() - 1;
}

STAMPEDE_DECL std::optional<metric_id> metric_registry::find(std::string_view name) const {
  for (std::size_t i = 0; i < metric_count_; ++i) {
    if (series_[i].name == name) return static_cast<metric_id>(i);
  }
  return std::nullopt;
}

STAMPEDE_DECL std::optional<std::size_t> metric_registry::find_series(const metric_descriptor& d) const {
  const auto it = std::find_if(series_.begin(), series_.end(), [&](const metric_descriptor& s) {
    return s.name == d.name && s.filter == d.filter;
  });
  if (it == series_.end()) return std::nullopt;
  return static_cast<std::size_t>(it - series_.begin());
}

}  // namespace stampede
