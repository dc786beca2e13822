// Bodies of window_tracker (included by eval/window_tracker.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>

#include <algorithm>

namespace stampede {

STAMPEDE_DECL window_tracker::window_tracker(const std::vector<threshold>& thresholds) {
  for (const auto& t : thresholds) {
    for (const auto& c : t.conditions()) {
      const auto& a = c.aggregate;
      if (a.window.count() == 0 && a.warm_up.count() == 0) continue;
      auto it = std::find_if(tracks_.begin(), tracks_.end(), [&](const track& tr) {
        return tr.metric.name == a.metric.name && tr.metric.filter == a.metric.filter &&
               tr.window == a.window && tr.warm_up == a.warm_up;
      });
      if (it == tracks_.end()) {
        tracks_.push_back(track{a.metric, a.window, a.warm_up, {}, {}, std::nullopt, a.warm_up});
        it = std::prev(tracks_.end());
      }
      const bool known = std::any_of(it->aggregates.begin(), it->aggregates.end(), [&](const metric_aggregate& x) {
        return x.kind == a.kind && x.percentile == a.percentile;
      });
      if (!known) {
        it->aggregates.push_back(a);
        it->closed_values.emplace_back();
      }
    }
  }
}

STAMPEDE_DECL void window_tracker::close(track& t, std::chrono::nanoseconds end) {
  if (t.open) {
    // A counter's rate is per second of what the window covered: the whole window, or up to
    // the run's end for the last one.
    const auto covered = t.window.count() != 0 ? std::min(t.window, end - t.open_start) : end - t.open_start;
    for (std::size_t i = 0; i < t.aggregates.size(); ++i) {
      const auto& a = t.aggregates[i];
      if (const auto v = aggregate(*t.open, a.kind, a.percentile, covered)) {
        t.closed_values[i].push_back(*v);
      }
    }
  }
  t.open.reset();
}

STAMPEDE_DECL void window_tracker::add(const snapshot& delta) {
  if (finished_) throw usage_error("window_tracker::add after finish");
  const auto at = delta.start();
  last_end_ = std::max(last_end_, delta.end());
  for (auto& t : tracks_) {
    if (at < t.warm_up) continue;  // still warming up
    if (t.window.count() != 0 && at >= t.open_start + t.window) {
      close(t, t.open_start + t.window);
      // Jump to the window holding this delta; windows skipped had no samples.
      t.open_start = t.warm_up + (at - t.warm_up) / t.window * t.window;
    }
    const auto* s = delta.find(t.metric);
    if (s == nullptr) continue;
    if (!t.open) t.open = make_sink(t.metric);
    merge(*t.open, *s);
  }
}

STAMPEDE_DECL void window_tracker::finish(std::chrono::nanoseconds end) {
  if (finished_) return;
  for (auto& t : tracks_) close(t, end);
  finished_ = true;
}

STAMPEDE_DECL const window_tracker::track* window_tracker::find(const metric_aggregate& a, std::size_t& index) const {
  for (const auto& t : tracks_) {
    if (t.metric.name != a.metric.name || t.metric.filter != a.metric.filter || t.window != a.window ||
        t.warm_up != a.warm_up) {
      continue;
    }
    for (std::size_t i = 0; i < t.aggregates.size(); ++i) {
      if (t.aggregates[i].kind == a.kind && t.aggregates[i].percentile == a.percentile) {
        index = i;
        return &t;
      }
    }
  }
  return nullptr;
}

STAMPEDE_DECL std::vector<double> window_tracker::values(const metric_aggregate& a) const {
  std::size_t index = 0;
  const auto* t = find(a, index);
  if (t == nullptr) {
    throw usage_error(a.metric.display_name() + " " + a.aggregation_name() +
                      ": this aggregation's windows were not followed; pass its threshold to the window_tracker");
  }
  if (!finished_ && t->window.count() == 0 && t->open) {
    // Mid-run (abort_on_fail): a warm-up-only aggregation answers from what it has so far.
    const auto& agg = t->aggregates[index];
    if (const auto v = aggregate(*t->open, agg.kind, agg.percentile, last_end_ - t->warm_up)) return {*v};
    return {};
  }
  return t->closed_values[index];
}

STAMPEDE_DECL aggregate_source window_tracker::source(const snapshot& total) const {
  return [this, &total](const metric_aggregate& a) {
    if (a.window.count() != 0 || a.warm_up.count() != 0) return values(a);
    return total.values(a);
  };
}

}  // namespace stampede
