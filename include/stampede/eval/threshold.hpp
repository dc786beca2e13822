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
  /// The expression as written in k6's string form (`p(95) < 200`), so that it is shown as
  /// the user wrote it, as k6 does; empty for a condition built in C++.
  std::string written{};

  /// Whether an observed value (in the same unit as `bound`) satisfies the condition.
  [[nodiscard]] bool holds_for(double observed) const noexcept;
  /// The expression as shown in summaries: as written for k6's string form (`p(95)<200`,
  /// where k6 reads a time bound in milliseconds); for a condition built in C++, k6's form
  /// with the unit of a time bound (`p(95)<200ms`) and ` over 10s` / ` after 30s` when the
  /// aggregation has a window or a warm-up. Numbers are written as k6's grammar reads them,
  /// in plain decimals with every digit needed to read the bound back (`rate<0.00001`,
  /// `count<2300000000000000`, never `1e-05`), so that `threshold::parse` of the metric's
  /// `display_name()` and this text, without a time bound's `ms`, gives the same condition.
  [[nodiscard]] std::string expression() const;

  /// Equal when they compare the same aggregation with the same bound, however written.
  friend bool operator==(const threshold_condition& a, const threshold_condition& b) noexcept {
    return a.aggregate == b.aggregate && a.op == b.op && a.bound == b.bound;
  }
};

/// What evaluation asks of a run: the values of one aggregation, in the unit the metric
/// records. One value for the whole run, or one per window when the aggregation has a
/// window; none when there were no samples to aggregate.
using aggregate_source = std::function<std::vector<double>(const metric_aggregate&)>;

/// How a condition whose aggregation has no samples (no value, no window) is judged.
enum class no_samples : std::uint8_t {
  /// Compared as 0, as k6 judges thresholds at the end of a test: `count>0` and `med>39` fail
  /// on a metric nothing recorded, `p(95)<200` passes.
  zero,
  /// Passed without a value, as k6 skips metrics without samples while the test runs (the
  /// abort-on-fail checks): nothing has happened yet that could break them.
  pass,
};

/// The outcome of one condition.
struct condition_result {
  threshold_condition condition;
  /// The value compared: the run's, or with windows the one nearest to failing (the first
  /// failing window's if any failed); 0 for no samples judged as `no_samples::zero`. Empty
  /// when there were no samples and the condition passed for that (`no_samples::pass`).
  std::optional<double> observed;
  bool passed = true;
};

/// The outcome of a threshold: pass or fail, and each condition's observed value.
struct threshold_result {
  std::string description;
  bool passed = true;
  std::vector<condition_result> conditions;
};

class threshold;

namespace detail {
/// The threshold `a op value` (`value` in nanoseconds if `is_duration`); a bound of the wrong
/// kind for the aggregation makes a threshold that reports it when resolved. What the
/// comparison operators call.
[[nodiscard]] threshold make_threshold(const metric_aggregate& a, comparison op, bool is_duration, double value);
}  // namespace detail

/// A pass/fail criterion. Build one from an aggregation and a bound, combine with `&&`, `||`
/// and `!`; they own their operands, so a threshold can outlive everything it was made from.
///
/// ```cpp
/// namespace sp = stampede;
/// auto fast = sp::http_req_duration.p(95) < 200ms;
/// auto reliable = sp::http_req_failed.rate() < 0.01;
/// auto both = (fast && reliable).abort_on_fail(10s);
/// sp::threshold same{"http_req_duration", "p(95)<200"};  // k6's form, parsed when the run starts
/// ```
///
/// Building a threshold does not throw for a mistake in it: a k6 string is parsed, and a
/// bound of the wrong kind (`sp::http_req_duration.p(95) < 200`, a number for a time metric)
/// reported, when the threshold is resolved — by `sp::run` and `sp::main` before any VU
/// starts (`usage_error`, k6's exit code 104), or by calling `resolve`. So a test's
/// thresholds can be written as data, and its mistakes reach the user as messages.
class threshold {
 public:
  /// A threshold of one condition.
  explicit threshold(threshold_condition condition);

  /// k6's form as data, parsed when resolved: a metric, optionally with a tag filter
  /// (`http_req_duration{expected_response:true}`), and an expression (`p(95) < 200`, time
  /// bounds in milliseconds), as in k6's `thresholds: {http_req_duration: ['p(95)<200']}`.
  /// In a `load_test` it may name any of the test's metrics, the custom ones of
  /// `load_test::metrics` included: `.thresholds = {{"login_time", "p(95)<500"}}`.
  threshold(std::string metric, std::string expression);  // NOLINT(google-explicit-constructor): reads as k6's table

  /// Parses k6's form at once (see the constructor above). The metric must be one of `known`
  /// (k6's built-ins by default; pass your custom metrics too). Throws `parse_error` pointing
  /// at the offending character.
  [[nodiscard]] static threshold parse(std::string_view metric, std::string_view expression,
                                       const std::vector<metric_descriptor>& known = builtin_metrics());

  /// This threshold ready to evaluate: its k6 strings parsed against `known`, and a bound of
  /// the wrong kind reported. Throws the first mistake (`parse_error` or `usage_error`).
  [[nodiscard]] threshold resolve(const std::vector<metric_descriptor>& known = builtin_metrics()) const;
  /// False while the threshold holds a k6 string not yet parsed, or a mistake.
  [[nodiscard]] bool resolved() const noexcept { return resolved_; }

  /// The same threshold, stopping the test as soon as it fails once `delay` has passed
  /// since the start (k6's `abortOnFail` and `delayAbortEval`).
  [[nodiscard]] threshold abort_on_fail(std::chrono::nanoseconds delay = {}) const;
  [[nodiscard]] bool aborts_on_fail() const noexcept { return abort_on_fail_; }
  [[nodiscard]] std::chrono::nanoseconds abort_delay() const noexcept { return abort_delay_; }

  /// The whole expression, e.g. `http_req_duration p(95)<200ms && http_req_failed rate<0.01`.
  [[nodiscard]] std::string describe() const;
  /// The conditions, left to right. Throws `usage_error` unless `resolved()`.
  [[nodiscard]] std::vector<threshold_condition> conditions() const;
  /// Evaluates every condition with values from `source` and combines them; a condition
  /// without samples is judged by `empty` (k6's end-of-test rule by default). Throws
  /// `usage_error` unless `resolved()`.
  [[nodiscard]] threshold_result evaluate(const aggregate_source& source, no_samples empty = no_samples::zero) const;

  friend threshold operator&&(const threshold& a, const threshold& b);
  friend threshold operator||(const threshold& a, const threshold& b);
  friend threshold operator!(const threshold& a);

 private:
  struct node;
  explicit threshold(std::shared_ptr<const node> root);
  static std::string describe_node(const node& n, bool nested);
  static std::shared_ptr<const node> resolve_node(const std::shared_ptr<const node>& n,
                                                  const std::vector<metric_descriptor>& known);
  void require_resolved() const;
  friend threshold detail::make_threshold(const metric_aggregate& a, comparison op, bool is_duration, double value);

  std::shared_ptr<const node> root_;  // immutable: copies share it safely
  bool resolved_ = true;
  bool abort_on_fail_ = false;
  std::chrono::nanoseconds abort_delay_{0};
};

namespace detail {

template <typename T>
struct is_duration : std::false_type {};
template <typename Rep, typename Period>
struct is_duration<std::chrono::duration<Rep, Period>> : std::true_type {};

template <typename B>
[[nodiscard]] threshold compare(const metric_aggregate& a, comparison op, const B& bound) {
  if constexpr (is_duration<B>::value) {
    return make_threshold(a, op, true, std::chrono::duration<double, std::nano>{bound}.count());
  } else {
    return make_threshold(a, op, false, static_cast<double>(bound));
  }
}

}  // namespace detail

/// A bound a threshold can compare with: a number, or a `std::chrono` duration.
template <typename B>
concept threshold_bound = (std::is_arithmetic_v<B> && !std::same_as<B, bool>) || detail::is_duration<B>::value;

// An aggregation compared with a bound is a threshold: `http_req_duration.p(95) < 200ms`.
// Time metrics take durations and other metrics numbers; a mismatch is reported when the
// threshold is resolved (see `threshold`).
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
