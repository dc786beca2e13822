// The run's once-a-tick work as a function of what the shards hand over: their deltas merged
// with the engine's own vus and vus_max samples into the run's total, its threshold windows
// and its per-tick series; abort-on-fail judged as k6 judges it during a run. No threads and
// no clock: the runner passes the time and the counts, and unit tests pass their own.
#pragma once

#include <stampede/eval/threshold.hpp>
#include <stampede/eval/window_tracker.hpp>
#include <stampede/metrics/recorder.hpp>
#include <stampede/metrics/registry.hpp>
#include <stampede/metrics/snapshot.hpp>
#include <stampede/metrics/tags.hpp>
#include <stampede/metrics/time_series.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

namespace stampede::detail {

/// The VUs a tick counts, summed over the run's scenarios.
struct vu_census {
  std::int64_t active = 0;     ///< VUs in an iteration or looping now
  std::int64_t allocated = 0;  ///< VUs that exist now
  std::int64_t peak = 0;       ///< the most that were active at once (per scenario, summed)
  /// Every scenario has begun to end (its regular end or a stop): from now on VUs only leave.
  bool all_ending = false;
};

/// Thread safety: none; the runner calls it from its own thread.
class ticker {
 public:
  /// `thresholds` are those the run evaluates (none with `--no-thresholds`), resolved
  /// against `registry`; `tags` are the test's, which the vus samples carry.
  ticker(std::shared_ptr<const metric_registry> registry, const tag_set& tags, std::vector<threshold> thresholds);

  /// A tick at `now` (since the scenarios started) while they run: merges `shard_deltas`
  /// (every shard's samples since the last tick) with a vus and vus_max sample, unless
  /// `census.all_ending` — the ticks that fall while VUs finish their last iteration would
  /// otherwise make a dwindling count the final value, where k6 shows the steady one.
  /// Returns the tick's delta, valid until the next call.
  const snapshot& tick(std::chrono::nanoseconds now, std::vector<snapshot> shard_deltas, const vu_census& census);
  /// The last tick, at the run's `end`, once the shards have stopped. A run shorter than a
  /// tick has no vus sample yet: it gets the peak, not the none left at the end. Closes the
  /// threshold windows.
  const snapshot& last_tick(std::chrono::nanoseconds end, std::vector<snapshot> shard_deltas, const vu_census& census);

  /// The first threshold with abort_on_fail that fails at `now`, past its delay, judged as k6
  /// does while a test runs (a metric without samples yet cannot fail); null if none does.
  [[nodiscard]] const threshold* failed_abort(std::chrono::nanoseconds now) const;
  /// Every threshold judged on the whole run (an empty trend compares as 0, as in k6).
  [[nodiscard]] std::vector<threshold_result> judge() const;

  /// The engine's own samples (vus, vus_max) kept for outputs that stream samples, as a
  /// block of `source`: see `recorder::keep_samples`.
  void keep_samples(bool keep) noexcept { engine_.keep_samples(keep); }
  [[nodiscard]] sample_block take_samples(std::uint32_t source) { return engine_.take_samples(source); }
  /// Whether the ticks are kept as a time series (`run_options::keep_series`); off, the
  /// ticker's memory stays flat however long the run.
  void keep_series(bool keep) noexcept { keep_series_ = keep; }

  [[nodiscard]] const snapshot& total() const noexcept { return total_; }
  [[nodiscard]] snapshot take_total() noexcept { return std::move(total_); }
  [[nodiscard]] time_series take_series() noexcept { return std::move(series_); }

 private:
  const snapshot& merge(std::chrono::nanoseconds now, std::vector<snapshot>& shard_deltas);

  std::shared_ptr<const metric_registry> registry_;
  std::vector<threshold> thresholds_;
  recorder engine_;  // the ticker's own samples: vus and vus_max
  tag_set_id tags_;
  metric_id vus_;
  metric_id vus_max_;
  snapshot total_;
  snapshot delta_;
  window_tracker windows_;
  time_series series_;
  bool keep_series_ = false;
};

}  // namespace stampede::detail

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/exec/impl/ticker.ipp>
#endif
