// Expectations on a scaling curve as composable values that describe themselves:
// `sp::no_retrograde(8) && sp::efficiency_at(4) >= 0.8 && sp::kappa() < 0.01`.
#pragma once

#include <stampede/scaling/curve.hpp>
#include <stampede/scaling/fit.hpp>

#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace stampede {

/// The outcome of one expectation on a curve: what was expected, whether it held, and what
/// was observed (`efficiency at replicas=4 was 0.62`).
struct expectation_result {
  std::string description{};
  bool passed = false;
  std::string observed{};
  /// Not passed, but not missed either: a fitted quantity whose 95% interval straddles the
  /// bound. `!` keeps it inconclusive; `verify` counts it as not passed.
  bool inconclusive = false;

  friend bool operator==(const expectation_result&, const expectation_result&) = default;
};

/// Something a scaling curve must satisfy. Owns its operands by value, so combinations are
/// safe to keep and copy.
class expectation {
 public:
  using check_fn = std::function<expectation_result(const curve&)>;
  /// `check` returns the outcome; its description is replaced by `description`.
  expectation(std::string description, check_fn check);

  [[nodiscard]] const std::string& describe() const noexcept { return description_; }
  /// Checks the curve. Never throws for a curve the expectation cannot be read off (too few
  /// points for a fit, a level not measured): that is a failed expectation saying why.
  [[nodiscard]] expectation_result evaluate(const curve& c) const;

  friend expectation operator&&(const expectation& a, const expectation& b);
  friend expectation operator||(const expectation& a, const expectation& b);
  friend expectation operator!(const expectation& e);

 private:
  std::string description_;
  std::shared_ptr<const check_fn> check_;  // immutable, so sharing it is copying it
};

/// A number read off a curve — `efficiency_at(4)`, `kappa()` — that comparisons turn into an
/// expectation: `sp::efficiency_at(4) >= 0.8`.
class curve_quantity {
 public:
  /// A quantity's 95% interval on a curve, when it has one.
  using interval_fn = std::function<std::optional<confidence_interval>(const curve&)>;

  /// `read` returns the value, or throws `usage_error` saying why it cannot be read.
  curve_quantity(std::string name, std::function<double(const curve&)> read);
  /// A fitted quantity: comparisons judge its whole interval, so that noise neither passes nor
  /// fails them by luck — `kappa() < 0.02` passes when the interval lies below 0.02, fails when
  /// it lies at or above, and is inconclusive (not passed) when it straddles 0.02. Without an
  /// interval (a fit of 3 points) the estimate is judged, and the result says so.
  curve_quantity(std::string name, std::function<double(const curve&)> read, interval_fn interval);

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] double read(const curve& c) const { return read_(c); }

  [[nodiscard]] expectation operator<(double bound) const { return compare("<", bound); }
  [[nodiscard]] expectation operator<=(double bound) const { return compare("<=", bound); }
  [[nodiscard]] expectation operator>(double bound) const { return compare(">", bound); }
  [[nodiscard]] expectation operator>=(double bound) const { return compare(">=", bound); }

 private:
  [[nodiscard]] expectation compare(std::string_view op, double bound) const;

  std::string name_;
  std::function<double(const curve&)> read_;
  interval_fn interval_{};
};

/// Measured throughput at `level` over linear scaling from the lowest level (`curve::efficiency_at`).
[[nodiscard]] curve_quantity efficiency_at(double level);
/// Measured median throughput at `level`.
[[nodiscard]] curve_quantity throughput_at(double level);
/// The Universal Scalability Law fitted to the curve (`fit_usl(c.points())`): contention σ,
/// coherency κ, the concurrency of peak throughput √((1−σ)/κ), and the fit's R². σ, κ and N*
/// are judged by their 95% intervals (see `curve_quantity`).
[[nodiscard]] curve_quantity sigma();
[[nodiscard]] curve_quantity kappa();
[[nodiscard]] curve_quantity peak_concurrency();
[[nodiscard]] curve_quantity usl_r_squared();
/// `latency` at `level` over its value at the lowest level: `latency_growth(8) <= 2` says the
/// median at most doubles from the lowest level to 8.
[[nodiscard]] curve_quantity latency_growth(double level, figure latency = figure::median_latency);

/// Throughput grows linearly up to `up_to`: efficiency at least 1 − `tolerance` at every level
/// from the lowest to `up_to`.
[[nodiscard]] expectation scales_linearly(double up_to, double tolerance = 0.1);
/// Throughput never falls as the level rises, up to `up_to`, by more than the noise: each
/// point's throughput is at least the best before it less `noise` (a share) or less the
/// repetitions' measured spread, whichever is larger.
[[nodiscard]] expectation no_retrograde(double up_to = std::numeric_limits<double>::infinity(), double noise = 0.05);
/// No point's load generator was saturated: the curve describes the system, not the tester.
[[nodiscard]] expectation generator_not_saturated();

/// Every expectation's outcome on one curve.
struct expectations_report {
  std::vector<expectation_result> results{};
  std::string table{};  ///< the curve's table, as text
  std::string model{};  ///< the fitted USL model's description, or why there is none

  [[nodiscard]] bool passed() const noexcept;
  /// k6-style lines, `✓ no_retrograde(up to 8): …` / `✗ …`, one per expectation.
  [[nodiscard]] std::string to_text() const;
  /// For a failure: the failed expectations with what was observed, then the table and the
  /// fitted model.
  [[nodiscard]] std::string failure_message() const;
};

/// Evaluates each expectation on `c`.
[[nodiscard]] expectations_report verify(const curve& c, const std::vector<expectation>& expectations);

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/scaling/impl/expect.ipp>
#endif
