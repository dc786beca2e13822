// k6's four metric types as value types: a name, what the values mean, an optional tag
// filter (a sub-metric), and the aggregations a threshold may read from each type.
#pragma once

#include <stampede/metrics/tags.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace stampede {

/// k6's metric types. A counter sums, a gauge keeps the last value (and its min and max), a
/// rate counts the share of non-zero values, a trend keeps a distribution.
enum class metric_type : std::uint8_t { counter, gauge, rate, trend };

/// What a metric's values are (k6's "contains"): plain numbers, durations in nanoseconds, or
/// byte counts. It decides units in the summary and what a threshold may be compared with.
enum class value_type : std::uint8_t { plain, time, data };

/// What a threshold computes from a metric, as k6's threshold expressions name it.
enum class aggregation_kind : std::uint8_t { count, rate, value, avg, min, max, med, percentile };

[[nodiscard]] constexpr std::string_view to_string(metric_type type) noexcept;
[[nodiscard]] constexpr std::string_view to_string(value_type type) noexcept;

/// Throws `usage_error` unless `name` is a valid metric name: 1 to 128 ASCII letters, digits
/// or underscores, not starting with a digit (k6's rule, which OpenTelemetry and Prometheus
/// also accept).
void validate_metric_name(std::string_view name);

/// A metric or sub-metric by value, without its C++ type: what registries, snapshots and
/// thresholds hold. `http_req_duration{expected_response:true}` is the descriptor of
/// `http_req_duration` with filter `{expected_response:true}`.
struct metric_descriptor {
  std::string name;
  metric_type type = metric_type::counter;
  value_type contains = value_type::plain;
  tag_filter filter;

  /// Whether this is a sub-metric (it has a tag filter).
  [[nodiscard]] bool is_submetric() const noexcept { return !filter.empty(); }
  /// k6's spelling: the name, then the filter in braces if there is one.
  [[nodiscard]] std::string display_name() const;

  friend bool operator==(const metric_descriptor&, const metric_descriptor&) = default;
};

/// One aggregation of one (sub-)metric: the left-hand side of a threshold. Made by the
/// member functions of `metric` (`http_req_duration.p(95)`), compared with a bound in
/// `eval/threshold.hpp`.
struct metric_aggregate {
  metric_descriptor metric;
  aggregation_kind kind = aggregation_kind::count;
  double percentile = 0;  ///< for `aggregation_kind::percentile`: 0 to 100
  /// Zero: one value over the whole run (k6). Otherwise the aggregation is taken in every
  /// window of this length, and a threshold on it must hold in each (k6 issue #1136).
  std::chrono::nanoseconds window{0};
  /// Samples from the first `warm_up` of the run are left out.
  std::chrono::nanoseconds warm_up{0};

  /// The same aggregation in every window of length `window` (> 0).
  [[nodiscard]] metric_aggregate over(std::chrono::nanoseconds window) const;
  /// The same aggregation, ignoring the first `warm_up` of the run (≥ 0).
  [[nodiscard]] metric_aggregate after(std::chrono::nanoseconds warm_up) const;

  /// k6's spelling of the aggregation: `count`, `rate`, `value`, `avg`, `min`, `max`, `med`,
  /// `p(95)`, `p(99.9)`.
  [[nodiscard]] std::string aggregation_name() const;

  friend bool operator==(const metric_aggregate&, const metric_aggregate&) = default;
};

/// A metric of type `Type`. Use the aliases `counter`, `gauge`, `rate` and `trend`:
///
/// ```cpp
/// const stampede::rate under_500ms{"requests_under_500ms"};
/// const stampede::trend login_time{"login_time", stampede::value_type::time};
/// auto p95 = stampede::http_req_duration.where("expected_response", "true").p(95);
/// ```
///
/// Each aggregation exists only on the types k6 allows it for (`p()` on a counter does not
/// compile). Metrics are values: copies name the same metric.
template <metric_type Type>
class metric {
 public:
  /// Throws `usage_error` if the name is not valid (see `validate_metric_name`).
  explicit metric(std::string name, value_type contains = value_type::plain);

  [[nodiscard]] const std::string& name() const noexcept { return descriptor_.name; }
  [[nodiscard]] value_type contains() const noexcept { return descriptor_.contains; }
  [[nodiscard]] const tag_filter& filter() const noexcept { return descriptor_.filter; }
  [[nodiscard]] const metric_descriptor& descriptor() const noexcept { return descriptor_; }
  [[nodiscard]] static constexpr metric_type type() noexcept { return Type; }

  /// The sub-metric of samples tagged `key:value` (and any filter this one already has).
  [[nodiscard]] metric where(std::string key, std::string value) const;

  /// Counters: the total.
  [[nodiscard]] metric_aggregate count() const
    requires(Type == metric_type::counter) {
    return aggregate(aggregation_kind::count);
  }
  /// Counters: the total per second of the run. Rates: the share of non-zero samples, 0 to 1.
  [[nodiscard]] metric_aggregate rate() const
    requires(Type == metric_type::counter || Type == metric_type::rate) {
    return aggregate(aggregation_kind::rate);
  }
  /// Gauges: the last value.
  [[nodiscard]] metric_aggregate value() const
    requires(Type == metric_type::gauge) {
    return aggregate(aggregation_kind::value);
  }
  /// Trends: the mean.
  [[nodiscard]] metric_aggregate avg() const
    requires(Type == metric_type::trend) {
    return aggregate(aggregation_kind::avg);
  }
  /// Trends: the smallest sample.
  [[nodiscard]] metric_aggregate min() const
    requires(Type == metric_type::trend) {
    return aggregate(aggregation_kind::min);
  }
  /// Trends: the largest sample.
  [[nodiscard]] metric_aggregate max() const
    requires(Type == metric_type::trend) {
    return aggregate(aggregation_kind::max);
  }
  /// Trends: the median, p(50).
  [[nodiscard]] metric_aggregate med() const
    requires(Type == metric_type::trend) {
    return aggregate(aggregation_kind::med);
  }
  /// Trends: the `percentile`-th percentile. Throws `usage_error` unless 0 ≤ percentile ≤ 100.
  [[nodiscard]] metric_aggregate p(double percentile) const
    requires(Type == metric_type::trend);

  friend bool operator==(const metric&, const metric&) = default;

 private:
  [[nodiscard]] metric_aggregate aggregate(aggregation_kind kind, double percentile = 0) const {
    return metric_aggregate{descriptor_, kind, percentile};
  }

  metric_descriptor descriptor_;
};

/// Sums values: requests made, bytes sent. Thresholds: `count()`, `rate()`.
using counter = metric<metric_type::counter>;
/// Keeps the last value, and its min and max: active VUs. Thresholds: `value()`.
using gauge = metric<metric_type::gauge>;
/// The share of non-zero values: failed requests, passed checks. Thresholds: `rate()`.
using rate = metric<metric_type::rate>;
/// A distribution: durations, sizes. Thresholds: `avg() min() max() med() p(x)`.
using trend = metric<metric_type::trend>;

}  // namespace stampede

#include <stampede/metrics/impl/metric.hpp>
#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/metrics/impl/metric.ipp>
#endif
