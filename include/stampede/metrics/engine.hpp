// Metrics the engine adds to k6's built-ins for open-model (arrival-rate) scenarios, where an
// iteration has an intended start: how late it started, and its latency counted from then.
#pragma once

#include <stampede/metrics/metric.hpp>

#include <vector>

namespace stampede {

/// Arrival-rate scenarios: how long after its intended time an iteration started (time spent
/// waiting for a free VU or for the shard's event loop). Large values mean the load generator
/// could not keep up, so the offered load was not the one asked for.
inline const trend iteration_start_delay{"iteration_start_delay", value_type::time};
/// Arrival-rate scenarios: from an iteration's intended start to its end, i.e.
/// `iteration_duration` plus `iteration_start_delay`. This is the latency a user arriving on
/// schedule would see, corrected for coordinated omission: a stalled server delays every
/// iteration due during the stall, and this metric counts that wait where
/// `iteration_duration` hides it.
inline const trend iteration_latency{"iteration_latency", value_type::time};

/// The engine's own metrics, registered with every run beside k6's built-ins.
[[nodiscard]] inline std::vector<metric_descriptor> engine_metrics() {
  return {iteration_start_delay.descriptor(), iteration_latency.descriptor()};
}

}  // namespace stampede
