// Where a metric's samples accumulate: one sink per k6 metric type, each mergeable, each
// answering the aggregations thresholds and the summary read.
#pragma once

#include <stampede/metrics/histogram.hpp>
#include <stampede/metrics/metric.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <variant>

namespace stampede {

/// A counter's sink: the sum of its samples.
struct counter_sink {
  double sum = 0;
  std::uint64_t samples = 0;

  void add(double value) noexcept {
    sum += value;
    ++samples;
  }
  void merge(const counter_sink& other) noexcept {
    sum += other.sum;
    samples += other.samples;
  }
  friend bool operator==(const counter_sink&, const counter_sink&) = default;
};

/// A gauge's sink: the last value and the extremes. "Last" is by the time of recording, so
/// merging two shards' gauges keeps the later value whatever the merge order.
struct gauge_sink {
  double value = 0;
  double min = 0;
  double max = 0;
  std::chrono::nanoseconds at{0};  ///< when `value` was recorded, from the start of the run
  std::uint64_t samples = 0;

  void set(double v, std::chrono::nanoseconds when) noexcept;
  void merge(const gauge_sink& other) noexcept;
  friend bool operator==(const gauge_sink&, const gauge_sink&) = default;
};

/// A rate's sink: how many samples were non-zero (passed, failed…) out of all.
struct rate_sink {
  std::uint64_t nonzero = 0;
  std::uint64_t total = 0;

  void add(bool hit) noexcept {
    nonzero += hit ? 1U : 0U;
    ++total;
  }
  void merge(const rate_sink& other) noexcept {
    nonzero += other.nonzero;
    total += other.total;
  }
  /// The share of non-zero samples, 0 to 1; empty without samples.
  [[nodiscard]] std::optional<double> rate() const noexcept {
    if (total == 0) return std::nullopt;
    return static_cast<double>(nonzero) / static_cast<double>(total);
  }
  friend bool operator==(const rate_sink&, const rate_sink&) = default;
};

/// A trend's sink: a histogram of its samples in integer units. Time trends record
/// nanoseconds and data trends bytes; plain trends keep three decimals (the histogram holds
/// thousandths), so `record(2.5)` reads back as 2.5.
struct trend_sink {
  histogram samples;
  value_type contains = value_type::plain;
  /// Samples refused because they were NaN, infinite or negative: a defined outcome for bad
  /// input instead of a corrupted distribution. They are counted, never recorded.
  std::uint64_t rejected = 0;

  trend_sink() = default;
  explicit trend_sink(value_type type) : contains{type} {}

  /// Records a sample in the metric's unit (ns, bytes, or a plain number).
  void add(double value) noexcept;
  void merge(const trend_sink& other);
  /// avg, min, max, med or a percentile (k6's, interpolated between the two closest ranks:
  /// `histogram::interpolated_percentile`) in the metric's unit; empty without samples. Throws
  /// `usage_error` for an aggregation trends do not have.
  [[nodiscard]] std::optional<double> value(aggregation_kind kind, double percentile = 0) const;
  /// How many histogram units one unit of the metric is: 1, or 1000 for plain trends.
  [[nodiscard]] double scale() const noexcept { return contains == value_type::plain ? 1000.0 : 1.0; }
  friend bool operator==(const trend_sink&, const trend_sink&) = default;
};

/// The sink of any metric type.
using sink = std::variant<counter_sink, gauge_sink, rate_sink, trend_sink>;

/// An empty sink of the right kind for `metric`.
[[nodiscard]] sink make_sink(const metric_descriptor& metric);

/// Merges `from` into `into`. Throws `std::invalid_argument` if they are of different kinds.
void merge(sink& into, const sink& from);

/// The value of one aggregation over a whole sink, in the metric's unit (a counter's `rate`
/// is per second of `duration`). Empty when there is nothing to aggregate: no samples in a
/// gauge, rate or trend. A counter without samples counts 0. Throws `usage_error` for an
/// aggregation the sink's type does not have.
[[nodiscard]] std::optional<double> aggregate(const sink& s, aggregation_kind kind, double percentile,
                                              std::chrono::nanoseconds duration);

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/metrics/impl/sink.ipp>
#endif
