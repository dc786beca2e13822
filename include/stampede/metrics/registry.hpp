// The metrics of one test: k6's built-ins, the user's custom metrics, and the sub-metrics
// that thresholds and the summary name. Fixed before the run; recorders only read it.
#pragma once

#include <stampede/metrics/builtin.hpp>
#include <stampede/metrics/metric.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stampede {

/// A metric's index in its registry: what the hot path records by.
using metric_id = std::uint32_t;

/// How many combinations of tag values a metric's breakdown keeps apart in one recorder
/// before pooling the rest as `(other)` (`metric_registry::breakdown`).
inline constexpr std::size_t max_breakdown_combinations = 1000;
/// The value every breakdown key takes in the pooled sub-metric.
inline constexpr std::string_view other_breakdown_value = "(other)";

/// Every metric and tracked sub-metric of a test, each with a dense index. Series
/// `0 … metric_count() - 1` are the metrics themselves (`metric_id`s); the tracked
/// sub-metrics follow. k6's built-ins are always there, first, in `builtin_metrics()` order.
///
/// ```cpp
/// stampede::metric_registry registry;
/// auto login = registry.add(stampede::trend{"login_time", stampede::value_type::time});
/// registry.track(stampede::http_req_duration.where("expected_response", "true"));
/// ```
///
/// Thread safety: built before a run, then shared read-only (by `shared_ptr<const>`) by every
/// shard; concurrent reads are safe, writes are not.
/// Throws: `usage_error` when a name is reused with another type or a sub-metric names an
/// unknown metric.
class metric_registry {
 public:
  metric_registry();

  /// Registers a metric and returns its id; registering the same metric again returns the
  /// same id. Throws `usage_error` if the name is taken by a metric of another type or value
  /// type, or if `metric` is a sub-metric (use `track`).
  metric_id add(const metric_descriptor& metric);
  template <metric_type Type>
  metric_id add(const metric<Type>& m) {
    return add(m.descriptor());
  }

  /// Keeps a sink for a sub-metric (a metric with a tag filter), so thresholds and the
  /// summary can read it; tracking the same one twice is harmless. Its metric is registered
  /// if it is not yet. Returns its series index. Throws `usage_error` for a plain metric.
  std::size_t track(const metric_descriptor& submetric);
  template <metric_type Type>
  std::size_t track(const metric<Type>& m) {
    return track(m.descriptor());
  }

  /// Splits a metric by the values of some tag keys: the recorder keeps a sub-metric for each
  /// combination it sees (`checks{check:status is 200,group:::login}`), created as samples
  /// arrive. `checks` is split by `group` and `check` from the start, as k6's summary needs.
  /// Each distinct combination costs a sink, so split by keys of bounded cardinality (`name`
  /// rather than `url`); past `max_breakdown_combinations` of one metric in one recorder,
  /// further combinations share one sub-metric whose every key reads `(other)`, so that a tag
  /// with ids in it cannot grow a run's memory without bound. Registers the metric if needed;
  /// returns its id.
  metric_id breakdown(const metric_descriptor& metric, std::vector<std::string> tag_keys);
  template <metric_type Type>
  metric_id breakdown(const metric<Type>& m, std::vector<std::string> tag_keys) {
    return breakdown(m.descriptor(), std::move(tag_keys));
  }
  /// The tag keys metric `id` is split by (empty if it is not).
  [[nodiscard]] const std::vector<std::string>& breakdown_keys(metric_id id) const {
    return breakdowns_.at(id);
  }

  /// The id of the metric called `name`, if registered.
  [[nodiscard]] std::optional<metric_id> find(std::string_view name) const;
  /// The series index of a metric or tracked sub-metric, if there is one.
  [[nodiscard]] std::optional<std::size_t> find_series(const metric_descriptor& d) const;

  /// Metrics, then tracked sub-metrics: the descriptor of each series index.
  [[nodiscard]] const std::vector<metric_descriptor>& series() const noexcept { return series_; }
  [[nodiscard]] std::size_t metric_count() const noexcept { return metric_count_; }
  [[nodiscard]] const metric_descriptor& descriptor(std::size_t series_index) const {
    return series_.at(series_index);
  }
  /// The registered metrics, without sub-metrics: what `threshold::parse` accepts.
  [[nodiscard]] std::vector<metric_descriptor> metrics() const {
    return {series_.begin(), series_.begin() + static_cast<std::ptrdiff_t>(metric_count_)};
  }
  /// The series indices of the sub-metrics of `id`.
  [[nodiscard]] const std::vector<std::size_t>& submetrics_of(metric_id id) const {
    return submetrics_.at(id);
  }

 private:
  std::vector<metric_descriptor> series_;            // metrics first, then sub-metrics
  std::size_t metric_count_ = 0;
  std::vector<std::vector<std::size_t>> submetrics_;  // per metric_id
  std::vector<std::vector<std::string>> breakdowns_;  // per metric_id: sorted tag keys
};

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/metrics/impl/registry.ipp>
#endif
