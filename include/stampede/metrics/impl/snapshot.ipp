// Bodies of snapshot (included by metrics/snapshot.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>

#include <algorithm>
#include <utility>

namespace stampede {

STAMPEDE_DECL snapshot snapshot::empty_for(const metric_registry& registry, std::chrono::nanoseconds start,
                                    std::chrono::nanoseconds end) {
  snapshot s{start, end};
  s.entries_.reserve(registry.series().size());
  for (const auto& d : registry.series()) s.entries_.push_back({d, make_sink(d)});
  return s;
}

STAMPEDE_DECL void snapshot::add(metric_descriptor metric, sink data) {
  const auto it = std::find_if(entries_.begin(), entries_.end(), [&](const snapshot_entry& e) {
    return e.metric.name == metric.name && e.metric.filter == metric.filter;
  });
  if (it == entries_.end()) {
    entries_.push_back({std::move(metric), std::move(data)});
  } else {
    stampede::merge(it->data, data);
  }
}

STAMPEDE_DECL void snapshot::widen(const snapshot& other) {
  if (entries_.empty() && start_ == end_) {
    start_ = other.start_;
    end_ = other.end_;
  } else if (other.start_ != other.end_ || !other.entries_.empty()) {
    start_ = std::min(start_, other.start_);
    end_ = std::max(end_, other.end_);
  }
}

STAMPEDE_DECL void snapshot::merge(const snapshot& other) {
  widen(other);
  for (const auto& e : other.entries_) add(e.metric, e.data);
}

STAMPEDE_DECL void snapshot::merge(snapshot&& other) {
  if (&other == this) {
    merge(std::as_const(other));
    return;
  }
  widen(other);
  for (auto& e : other.entries_) add(std::move(e.metric), std::move(e.data));
  other.entries_.clear();
}

STAMPEDE_DECL const sink* snapshot::find(const metric_descriptor& metric) const {
  const auto it = std::find_if(entries_.begin(), entries_.end(), [&](const snapshot_entry& e) {
    return e.metric.name == metric.name && e.metric.filter == metric.filter;
  });
  return it == entries_.end() ? nullptr : &it->data;
}

STAMPEDE_DECL std::vector<double> snapshot::values(const metric_aggregate& aggregate) const {
  if (aggregate.window.count() != 0 || aggregate.warm_up.count() != 0) {
    throw usage_error(aggregate.metric.display_name() + " " + aggregate.aggregation_name() +
                      ": windows and warm-ups need the run's per-second series, not one snapshot");
  }
  const auto* s = find(aggregate.metric);
  if (s == nullptr) return {};
  const auto value = stampede::aggregate(*s, aggregate.kind, aggregate.percentile, duration());
  if (!value) return {};
  return {*value};
}

}  // namespace stampede
