// Evaluates thresholds' windows (`over`) and warm-ups (`after`) as a run goes, in bounded
// memory: it keeps the open window's samples and one value per finished window, never the
// run's whole history.
#pragma once

#include <stampede/eval/threshold.hpp>
#include <stampede/metrics/sink.hpp>
#include <stampede/metrics/snapshot.hpp>

#include <chrono>
#include <optional>
#include <vector>

namespace stampede {

/// Follows the per-second deltas of a run for every aggregation of `thresholds` that has a
/// window or a warm-up, and answers them as an `aggregate_source`; other aggregations are
/// answered from the run's total snapshot.
///
/// Windows are laid from the end of the warm-up: `[warm_up + k·window, warm_up + (k+1)·window)`.
/// A delta belongs to the window in which it starts, so window edges fall on the ticker's
/// ticks (a 1-second ticker: exact for whole seconds). A window with no samples has no value;
/// the last, partial window counts once `finish` closes it.
///
/// ```cpp
/// stampede::window_tracker windows{{sp::http_req_duration.p(95).over(10s) < 200ms}};
/// every second: windows.add(delta);  total.merge(delta);
/// at the end:   windows.finish(elapsed);
///               threshold.evaluate(windows.source(total));
/// ```
///
/// Thread safety: none; the runner's ticker owns it.
/// Throws: `usage_error` for a delta out of time order or an aggregation it does not follow.
class window_tracker {
 public:
  explicit window_tracker(const std::vector<threshold>& thresholds);

  /// Takes one delta; deltas must arrive in time order.
  void add(const snapshot& delta);
  /// Closes the open windows at `end` (the run's end).
  void finish(std::chrono::nanoseconds end);

  /// Values of windowed or warmed-up aggregations from this tracker, others from `total`.
  /// The returned source refers to this tracker and `total`: both must outlive it.
  [[nodiscard]] aggregate_source source(const snapshot& total) const;
  /// The values of one aggregation: one per finished window that had samples, or one for
  /// the run after its warm-up (before `finish`, for what has been added so far). Throws
  /// `usage_error` for an aggregation not followed.
  [[nodiscard]] std::vector<double> values(const metric_aggregate& aggregate) const;

  /// How many aggregations are followed (each distinct metric, window and warm-up once).
  [[nodiscard]] std::size_t followed() const noexcept { return tracks_.size(); }

 private:
  // One (sub-)metric under one window and warm-up; several aggregations may share it.
  struct track {
    metric_descriptor metric;
    std::chrono::nanoseconds window{0};
    std::chrono::nanoseconds warm_up{0};
    std::vector<metric_aggregate> aggregates;        // what to compute when a window closes
    std::vector<std::vector<double>> closed_values;  // per aggregate, per finished window
    std::optional<sink> open;                        // the current window's (or the run's) samples
    std::chrono::nanoseconds open_start{0};
  };
  void close(track& t, std::chrono::nanoseconds end);
  [[nodiscard]] const track* find(const metric_aggregate& a, std::size_t& index) const;

  std::vector<track> tracks_;
  std::chrono::nanoseconds last_end_{0};
  bool finished_ = false;
};

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/eval/impl/window_tracker.ipp>
#endif
