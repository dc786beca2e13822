// Thresholds: pass/fail criteria on aggregations of metrics, built in C++ or parsed from
// k6's string form, composable with && || !, evaluated against a finished (or running) test.
#pragma once

#include <stampede/metrics/builtin.hpp>
#include <stampede/metrics/metric.hpp>

#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace stampede {

/// How an observed value is compared with a threshold's bound.
enum class comparison : std::uint8_t { less, less_equal, greater, greater_equal, equal, not_equal };

/// `<`, `<=`, `>`, `>=`, `==`, `!=`.
[[nodiscard]] constexpr std::string_view to_string(comparison op) noexcept;

/// One comparison of an aggregation with a bound: a leaf of a threshold.
struct threshold_condition {
  metric_aggregate aggregate;
  comparison op = comparison::less;
  /// In the unit the metric records: nanoseconds for time metrics, bytes for data.
  double bound = 0;

  /// Whether an observed value (in the same unit as `bound`) satisfies the condition.
  [[nodiscard]] bool holds_for(double observed) const noexcept;
  /// k6's expression, e.g. `p(95)<200`: time bounds in milliseconds, as k6 writes them,
  /// followed by ` over 10s` / ` after 30s` when the aggregation has a window or a warm-up.
  [[nodiscard]] std::string expression() const;

  friend bool operator==(const threshold_condition&, const threshold_condition&) = default;
};

/// What evaluation asks of a run: the values of one aggregation, in the unit the metric
/// records. One value for the whole run, or one per window when the aggregation has a
/// window; none when there were no samples to aggregate.
using aggregate_source = std::function<std::vector<double>(const metric_aggregate&)>;

/// The outcome of one condition.
struct condition_result {
  threshold_condition condition;
  /// The value compared: the run's, or with windows the one nearest to failing (the first
  /// failing window's if any failed). Empty when there were no samples.
  std::optional<double> observed;
  /// Conditions without samples pass: nothing happened that broke them (k6 does the same).
  bool passed = true;
};

/// The outcome of a threshold: pass or fail, and each condition's observed value.
struct threshold_result {
  std::string description;
  bool passed = true;
  std::vector<condition_result> conditions;
};

/// A pass/fail criterion. Build one from an aggregation and a bound, combine with `&&`, `||`
/// and `!`; they own their operands, so a threshold can outlive everything it was made from.
///
/// ```cpp
/// namespace sp = stampede;
/// auto fast = sp::http_req_duration.p(95) < 200ms;
/// auto reliable = sp::http_req_failed.rate() < 0.01;
/// auto both = (fast && reliable).abort_on_fail(10s);
/// auto same = sp::threshold::parse("http_req_duration", "p(95)<200");  // k6's form
/// ```
class threshold {
 public:
  /// A threshold of one condition.
  explicit threshold(threshold_condition condition);

  /// Parses k6's form: a metric, optionally with a tag filter in braces
  /// (`http_req_duration{expected_response:true}`), and an expression
  /// (`aggregation operator number`, e.g. `p(95) < 200`; time bounds in milliseconds).
  /// The metric must be one of `known` (k6's built-ins by default; pass your custom metrics
  /// too). Throws `parse_error` pointing at the offending character.
  [[nodiscard]] static threshold parse(std::string_view metric, std::string_view expression,
                                       const std::vector<metric_descriptor>& known = builtin_metrics());

  /// The same threshold, stopping the test as soon as it fails once `delay` has passed
  /// since the start (k6's `abortOnFail` and `delayAbortEval`).
  [[nodiscard]] threshold abort_on_fail(std::chrono::nanoseconds delay = {}) const;
  [[nodiscard]] bool aborts_on_fail() const noexcept { return abort_on_fail_; }
  [[nodiscard]] std::chrono::nanoseconds abort_delay() const noexcept { return abort_delay_; }

  /// The whole expression, e.g. `http_req_duration p(95)<200 && http_req_failed rate<0.01`.
  [[nodiscard]] std::string describe() const;
  /// The conditions, left to right.
  [[nodiscard]] std::vector<threshold_condition> conditions() const;
  /// Evaluates every condition with values from `source` and combines them.
  [[nodiscard]] threshold_result evaluate(const aggregate_source& source) const;

  friend threshold operator&&(const threshold& a, const threshold& b);
  friend threshold operator||(const threshold& a, const threshold& b);
  friend threshold operator!(const threshold& a);

 private:
  struct node;
  explicit threshold(std::shared_ptr<const node> root) : root_{std::move(root)} {}
  static std::string describe_node(const node& n, bool nested);

  std::shared_ptr<const node> root_;  // immutable: copies share it safely
  bool abort_on_fail_ = false;
  std::chrono::nanoseconds abort_delay_{0};
};

namespace detail {

template <typename T>
struct is_duration : std::false_type {};
template <typename Rep, typename Period>
struct is_duration<std::chrono::duration<Rep, Period>> : std::true_type {};

/// Checks that a bound's kind fits the aggregation and converts it to the recorded unit:
/// durations only for time metrics (except counters' per-second `rate`), numbers otherwise.
[[nodiscard]] double threshold_bound(const metric_aggregate& a, bool is_duration, double value);

template <typename B>
[[nodiscard]] threshold compare(const metric_aggregate& a, comparison op, const B& bound) {
  if constexpr (is_duration<B>::value) {
    const auto ns = std::chrono::duration<double, std::nano>{bound}.count();
    return threshold{threshold_condition{a, op, threshold_bound(a, true, ns)}};
  } else {
    return threshold{threshold_condition{a, op, threshold_bound(a, false, static_cast<double>(bound))}};
  }
}

}  // namespace detail

/// A bound a threshold can compare with: a number, or a `std::chrono` duration.
template <typename B>
concept threshold_bound = (std::is_arithmetic_v<B> && !std::same_as<B, bool>) || detail::is_duration<B>::value;

// An aggregation compared with a bound is a threshold: `http_req_duration.p(95) < 200ms`.
// Time metrics take durations and other metrics numbers; a mismatch throws usage_error.
template <threshold_bound B>
[[nodiscard]] threshold operator<(const metric_aggregate& a, const B& bound) {
  return detail::compare(a, comparison::less, bound);
}
template <threshold_bound B>
[[nodiscard]] threshold operator<=(const metric_aggregate& a, const B& bound) {
  return detail::compare(a, comparison::less_equal, bound);
}
template <threshold_bound B>
[[nodiscard]] threshold operator>(const metric_aggregate& a, const B& bound) {
  return detail::compare(a, comparison::greater, bound);
}
template <threshold_bound B>
[[nodiscard]] threshold operator>=(const metric_aggregate& a, const B& bound) {
  return detail::compare(a, comparison::greater_equal, bound);
}
template <threshold_bound B>
[[nodiscard]] threshold operator==(const metric_aggregate& a, const B& bound) {
  return detail::compare(a, comparison::equal, bound);
}
template <threshold_bound B>
[[nodiscard]] threshold operator!=(const metric_aggregate& a, const B& bound) {
  return detail::compare(a, comparison::not_equal, bound);
}

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/eval/impl/threshold.ipp>
#endif
