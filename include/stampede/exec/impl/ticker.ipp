// Bodies of the run's ticker (included by exec/detail/ticker.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/metrics/builtin.hpp>

#include <algorithm>
#include <utility>
#include <variant>

namespace stampede::detail {

STAMPEDE_DECL ticker::ticker(std::shared_ptr<const metric_registry> registry, const tag_set& tags,
                             std::vector<threshold> thresholds)
    : registry_{std::move(registry)},
      thresholds_{std::move(thresholds)},
      engine_{registry_},
      tags_{engine_.intern(tags)},
      vus_{*registry_->find(vus.name())},
      vus_max_{*registry_->find(vus_max.name())},
      total_{snapshot::empty_for(*registry_)},
      windows_{thresholds_} {}

STAMPEDE_DECL const snapshot& ticker::merge(std::chrono::nanoseconds now, std::vector<snapshot>& shard_deltas) {
  delta_ = snapshot{total_.end(), now};
  // A shard's sinks move into the delta where it has none of that series yet, and merge into
  // the delta's otherwise, so a tick copies no histogram.
  for (auto& d : shard_deltas) delta_.merge(std::move(d));
  delta_.merge(engine_.take(now));
  total_.merge(delta_);
  windows_.add(delta_);
  if (keep_series_) series_.add(delta_);
  return delta_;
}

STAMPEDE_DECL const snapshot& ticker::tick(std::chrono::nanoseconds now, std::vector<snapshot> shard_deltas,
                                           const vu_census& census) {
  if (!census.all_ending) {
    engine_.add(vus_, static_cast<double>(census.active), tags_, now);
    engine_.add(vus_max_, static_cast<double>(std::max(census.allocated, census.active)), tags_, now);
  }
  return merge(now, shard_deltas);
}

STAMPEDE_DECL const snapshot& ticker::last_tick(std::chrono::nanoseconds end, std::vector<snapshot> shard_deltas,
                                                const vu_census& census) {
  if (std::get<gauge_sink>(*total_.find(vus.descriptor())).samples == 0) {
    engine_.add(vus_, static_cast<double>(census.peak), tags_, end);
    engine_.add(vus_max_, static_cast<double>(std::max(census.allocated, census.peak)), tags_, end);
  }
  const auto& delta = merge(end, shard_deltas);
  windows_.finish(end);
  return delta;
}

STAMPEDE_DECL const threshold* ticker::failed_abort(std::chrono::nanoseconds now) const {
  for (const auto& t : thresholds_) {
    if (!t.aborts_on_fail() || now < t.abort_delay()) continue;
    if (!t.evaluate(windows_.source(total_), no_samples::pass).passed) return &t;
  }
  return nullptr;
}

STAMPEDE_DECL std::vector<threshold_result> ticker::judge() const {
  std::vector<threshold_result> out;
  out.reserve(thresholds_.size());
  for (const auto& t : thresholds_) out.push_back(t.evaluate(windows_.source(total_)));
  return out;
}

}  // namespace stampede::detail
