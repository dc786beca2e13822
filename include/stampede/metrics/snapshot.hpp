// An immutable picture of a test's metrics over a span of time: what shards hand the ticker
// each second, what processes exchange, and what thresholds and the summary read.
#pragma once

#include <stampede/metrics/metric.hpp>
#include <stampede/metrics/registry.hpp>
#include <stampede/metrics/sink.hpp>

#include <chrono>
#include <vector>

namespace stampede {

/// One metric or sub-metric in a snapshot, with everything recorded for it.
struct snapshot_entry {
  metric_descriptor metric;
  sink data;

  friend bool operator==(const snapshot_entry&, const snapshot_entry&) = default;
};

/// The metrics of a span of a run, `[start, end)` from the run's start. Entries are matched
/// by name and tag filter, so snapshots from different shards or processes merge into the
/// snapshot of the combined run whatever order they arrive in.
///
/// Thread safety: a value; const members may be called from several threads at once.
/// Throws: `std::invalid_argument` when entries of one (sub-)metric have different types or
/// histogram settings; `usage_error` from `values` for a window or warm-up.
class snapshot {
 public:
  snapshot() = default;
  snapshot(std::chrono::nanoseconds start, std::chrono::nanoseconds end) : start_{start}, end_{end} {}

  /// A snapshot with an empty entry for every metric and tracked sub-metric of `registry`,
  /// so metrics that got no samples are still listed (and counters read 0).
  [[nodiscard]] static snapshot empty_for(const metric_registry& registry,
                                          std::chrono::nanoseconds start = {},
                                          std::chrono::nanoseconds end = {});

  /// Adds an entry, merging it into an existing one for the same (sub-)metric.
  void add(metric_descriptor metric, sink data);
  /// Folds `other` in: entries merge, the span becomes the union of both.
  void merge(const snapshot& other);
  /// The same, moving `other`'s sinks where this snapshot has no entry for them (no copy of
  /// their histograms); `other` is left without entries.
  void merge(snapshot&& other);

  /// The entry's sink for a metric or sub-metric (matched by name and filter), if present.
  [[nodiscard]] const sink* find(const metric_descriptor& metric) const;
  [[nodiscard]] const std::vector<snapshot_entry>& entries() const noexcept { return entries_; }
  /// The entries, moved out (to reuse their sinks); the snapshot is left without any.
  [[nodiscard]] std::vector<snapshot_entry> release_entries() && { return std::move(entries_); }
  [[nodiscard]] std::chrono::nanoseconds start() const noexcept { return start_; }
  [[nodiscard]] std::chrono::nanoseconds end() const noexcept { return end_; }
  [[nodiscard]] std::chrono::nanoseconds duration() const noexcept { return end_ - start_; }

  /// The value of an aggregation over the whole snapshot, as `aggregate_source` wants it:
  /// one value, or none when the metric is absent or has nothing to aggregate. A snapshot
  /// covers one span, so windows (`over`) and warm-ups (`after`) are a usage error here.
  [[nodiscard]] std::vector<double> values(const metric_aggregate& aggregate) const;

  friend bool operator==(const snapshot&, const snapshot&) = default;

 private:
  std::chrono::nanoseconds start_{0};
  std::chrono::nanoseconds end_{0};
  std::vector<snapshot_entry> entries_;

  void widen(const snapshot& other);
};

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/metrics/impl/snapshot.ipp>
#endif
