// A run's per-second deltas as a time series for outputs (CSV, JSON, charts): one compact
// row per (sub-)metric and interval, in memory that stays bounded however long the run.
#pragma once

#include <stampede/metrics/metric.hpp>
#include <stampede/metrics/snapshot.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace stampede {

/// A counter in one interval.
struct counter_point {
  double count = 0;           ///< the sum of its samples
  std::uint64_t samples = 0;  ///< how many samples were added
  friend bool operator==(const counter_point&, const counter_point&) = default;
};

/// A gauge in one interval: the last value and the extremes.
struct gauge_point {
  double value = 0;
  double min = 0;
  double max = 0;
  std::uint64_t samples = 0;
  friend bool operator==(const gauge_point&, const gauge_point&) = default;
};

/// A rate in one interval: non-zero samples (hits) out of all.
struct rate_point {
  std::uint64_t hits = 0;
  std::uint64_t total = 0;
  friend bool operator==(const rate_point&, const rate_point&) = default;
};

/// A trend in one interval, in the metric's unit (nanoseconds for time): the statistics
/// outputs plot, computed from the delta's histogram when it arrives. The histogram itself is
/// not kept, so an interval costs a few dozen bytes rather than a histogram's pages.
struct trend_point {
  std::uint64_t count = 0;
  double sum = 0;
  double min = 0;
  double max = 0;
  double med = 0;  ///< p(50)
  double p90 = 0;
  double p95 = 0;
  double p99 = 0;

  [[nodiscard]] double avg() const noexcept { return count == 0 ? 0 : sum / static_cast<double>(count); }
  friend bool operator==(const trend_point&, const trend_point&) = default;
};

/// One (sub-)metric's values in one interval, by metric type.
using series_point = std::variant<counter_point, gauge_point, rate_point, trend_point>;

/// A row of a metric's series: its values in `time_series::intervals()[interval]`.
struct series_row {
  std::size_t interval = 0;
  series_point data;
  friend bool operator==(const series_row&, const series_row&) = default;
};

/// A (sub-)metric's rows by ascending interval. An interval in which it got no samples has
/// no row.
struct metric_series {
  metric_descriptor metric;
  std::vector<series_row> rows;
};

/// A span of the run, `[start, end)` from its start, made of `deltas` consecutive deltas.
struct series_interval {
  std::chrono::nanoseconds start{0};
  std::chrono::nanoseconds end{0};
  std::uint64_t deltas = 0;
  friend bool operator==(const series_interval&, const series_interval&) = default;
};

/// The ticker's per-second deltas kept as a time series: per (sub-)metric one row per
/// interval with what outputs need — counters' count (and per-second rate), gauges' value,
/// min and max, rates' hits and total, trends' count, avg, min, max, med, p(90), p(95), p(99).
///
/// Memory is bounded by `capacity` intervals whatever the run's length: when one more would
/// not fit, adjacent intervals are merged pairwise and the resolution halves (1 delta per
/// interval, then 2, 4, …); later deltas then fill intervals of the new resolution. Counts,
/// sums (so averages), hits, totals, minima and maxima merge exactly, a gauge keeps the later
/// value. A merged trend interval has no histogram to take percentiles from: each
/// percentile becomes the count-weighted mean of the two intervals' values. The true
/// percentile of the union lies between the two values, so the estimate is off by at most
/// their difference; for the exact percentile of a span, use the run's snapshot.
///
/// ```cpp
/// stampede::time_series series;              // 3,600 intervals: an hour at 1 s, then coarser
/// series.add(shards_delta);                  // once a second, in time order
/// write_file("series.csv", stampede::to_csv(series));
/// ```
class time_series {
 public:
  static constexpr std::size_t default_capacity = 3600;

  /// Throws `usage_error` if `capacity` is below 2.
  explicit time_series(std::size_t capacity);
  /// `default_capacity` intervals.
  time_series() : time_series(default_capacity) {}

  /// Adds the next delta (`take()` output of the run's recorders, merged). Deltas must come in
  /// time order: one that starts before the previous one ended is a `usage_error`. A
  /// (sub-)metric without samples in the delta gets no row; a trend whose samples were all
  /// rejected counts as without samples.
  void add(const snapshot& delta);

  /// The intervals, in time order: all but the last hold `deltas_per_interval()` deltas.
  [[nodiscard]] const std::vector<series_interval>& intervals() const noexcept { return intervals_; }
  /// Every (sub-)metric that got samples, in the order they first appeared.
  [[nodiscard]] const std::vector<metric_series>& series() const noexcept { return series_; }
  /// A (sub-)metric's series (matched by name and tag filter), if it got samples.
  [[nodiscard]] const metric_series* find(const metric_descriptor& metric) const;

  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  /// The resolution: how many deltas a full interval holds (a power of two).
  [[nodiscard]] std::uint64_t deltas_per_interval() const noexcept { return deltas_per_interval_; }

 private:
  void compact();

  std::size_t capacity_;
  std::uint64_t deltas_per_interval_ = 1;
  std::vector<series_interval> intervals_;
  std::vector<metric_series> series_;
  std::map<std::string, std::size_t> index_;  // display name → position in series_
};

/// The series as CSV, one line per (sub-)metric and interval in time order, after a header:
///
/// ```text
/// metric,type,tags,start,end,count,rate,hits,total,value,min,max,avg,med,p(90),p(95),p(99)
/// http_reqs,counter,,0,1,193,193,,,,,,,,,,
/// http_req_duration,trend,"{url:""http://h/?a=1,b=2""}",0,1,193,,,,,3.1,40.2,9.7,8.1,15.3,20.9,33
/// ```
///
/// `tags` is the sub-metric's filter in k6's `{key:value}` form (empty for a metric), quoted
/// as CSV requires; `start` and `end` are seconds from the run's start. The fields of the
/// metric's type are filled and the others empty: counters `count` and `rate` (per second),
/// gauges `value`, `min`, `max`, rates `hits`, `total` and `rate` (0 to 1), trends `count`,
/// `min`, `max`, `avg`, `med` and the percentiles. Times are in milliseconds, as in k6's
/// outputs; bytes and plain numbers as recorded. Doubles are in their shortest exact form; a
/// non-finite one (a counter fed NaN) is left empty.
[[nodiscard]] std::string to_csv(const time_series& series);

/// The series as JSON: `{"format": "stampede-time-series", "version": 1,
/// "deltas_per_interval": n, "series": [{"metric", "type", "contains", "tags", "rows":
/// [{"start", "end", <the type's fields as in to_csv>}]}]}`, with the same units as `to_csv`
/// and `null` for a non-finite value.
[[nodiscard]] std::string to_json(const time_series& series);

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/metrics/impl/time_series.ipp>
#endif
