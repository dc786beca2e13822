// Scaling models fitted to measured points: the Universal Scalability Law, Amdahl's law and a
// straight line, each with the predictions a scaling study asserts (throughput, efficiency, peak).
#pragma once

#include <stampede/scaling/point.hpp>

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>

namespace stampede {

/// Gunther's Universal Scalability Law fitted to a scaling curve:
///
///     X(N) = λN / (1 + σ(N−1) + κN(N−1))
///
/// σ (contention) is the share of work that queues for a shared resource, κ (coherency) the
/// cost of keeping N copies in agreement, λ the throughput of one unit (X(1) = λ). With κ > 0
/// throughput peaks at N* = √((1−σ)/κ) and falls beyond it ("retrograde" scaling).
///
/// ```cpp
/// auto m = fit_usl({{1, 1}, {2, 1.8868}, {4, 3.0769}, {6, 3.5294}, {8, 3.5398}, {10, 3.3557}});
/// m.sigma;               // 0.0200
/// m.kappa;               // 0.0200
/// m.peak_concurrency();  // 7.00
/// m.describe();          // "USL: σ = 0.0200 (contention), κ = 0.0200 (coherency), …"
/// ```
/// A range that a fitted parameter lies in with the stated confidence.
struct confidence_interval {
  double low = 0;
  double high = 0;

  [[nodiscard]] bool contains(double x) const noexcept { return low <= x && x <= high; }
  [[nodiscard]] double width() const noexcept { return high - low; }
  friend bool operator==(const confidence_interval&, const confidence_interval&) = default;
};

/// How sure a USL fit is of its parameters, as R's `usl` package reports with `confint`:
/// asymptotic standard errors from the covariance s²(JᵀJ)⁻¹ at the solution (J the Jacobian
/// of the model in σ, κ, λ; s² = SS_res / (n − 3)) and Wald intervals, estimate ± t·se with t
/// the Student quantile for `level` and n − 3 degrees of freedom. σ's and κ's intervals are
/// clipped at 0, below which they cannot go; N*'s comes from σ's and κ's by the delta method
/// and is empty (+∞ wide) where κ's reaches 0, since N* is then unbounded.
struct usl_uncertainty {
  double level = 0.95;
  int degrees_of_freedom = 0;  ///< points − 3
  double sigma_se = 0;
  double kappa_se = 0;
  double lambda_se = 0;
  double peak_concurrency_se = 0;  ///< +∞ when κ = 0
  confidence_interval sigma{};
  confidence_interval kappa{};
  confidence_interval lambda{};
  confidence_interval peak_concurrency{};  ///< {N*, +∞} or wider when κ's interval reaches 0

  friend bool operator==(const usl_uncertainty&, const usl_uncertainty&) = default;
};

struct usl_model {
  double sigma = 0;       ///< contention σ, ≥ 0
  double kappa = 0;       ///< coherency κ, ≥ 0
  double lambda = 0;      ///< λ, the throughput of one unit of concurrency
  /// 1 − SS_res/SS_tot of the fitted throughputs (if every throughput is the same, so that
  /// SS_tot = 0: 1 for an exact fit, else 0)
  double r_squared = 0;
  std::size_t points = 0; ///< how many points were fitted
  int iterations = 0;     ///< Levenberg–Marquardt steps tried (0 for a model written by hand)
  /// Standard errors and 95% intervals of the fitted parameters; empty for a model written by
  /// hand and for a fit without degrees of freedom (3 points) or whose Jacobian is singular.
  std::optional<usl_uncertainty> uncertainty{};

  /// λN / (1 + σ(N−1) + κN(N−1)).
  [[nodiscard]] double throughput_at(double n) const;
  /// The time one request spends in the system at concurrency N by Little's law, N / X(N):
  /// in seconds when throughput is per second.
  [[nodiscard]] double latency_at(double n) const;
  /// The fraction of linear scaling kept at N, X(N) / (N·λ) = 1 / (1 + σ(N−1) + κN(N−1)):
  /// 1 at N = 1, 0.8 where each unit delivers 80% of what a lone unit does.
  [[nodiscard]] double efficiency_at(double n) const;
  /// The concurrency of the highest throughput for N ≥ 1: √((1−σ)/κ), at least 1 (throughput
  /// only falls from N = 1 when σ ≥ 1 or the formula gives less than 1); +∞ when κ = 0 and
  /// σ < 1, as throughput then rises for ever.
  [[nodiscard]] double peak_concurrency() const;
  /// The highest throughput for N ≥ 1: X at `peak_concurrency()`; when κ = 0, the asymptote
  /// λ/σ that throughput approaches without reaching it (λ if σ ≥ 1), or +∞ when σ = 0 too.
  [[nodiscard]] double peak_throughput() const;
  /// One line for logs and failure messages:
  /// `USL: σ = 0.0200 (contention), κ = 0.0200 (coherency), λ = 1.000; peak 3.571 at N = 7.00; R² = 1.0000 (6 points)`,
  /// with the 95% intervals after σ and κ when the fit has them: `σ = 0.0277 [0.00240, 0.0531]` (SPEC SDM91).
  [[nodiscard]] std::string describe() const;

  friend bool operator==(const usl_model&, const usl_model&) = default;
};

/// Amdahl's law, the USL without coherency: X(N) = λN / (1 + σ(N−1)). Throughput rises for
/// ever towards λ/σ; speedup is bounded by 1/σ.
struct amdahl_model {
  double sigma = 0;       ///< serial fraction σ, ≥ 0
  double lambda = 0;      ///< λ, the throughput of one unit of concurrency
  double r_squared = 0;   ///< 1 − SS_res/SS_tot of the fitted throughputs
  std::size_t points = 0; ///< how many points were fitted
  int iterations = 0;     ///< Levenberg–Marquardt steps tried (0 for a model written by hand)

  /// λN / (1 + σ(N−1)).
  [[nodiscard]] double throughput_at(double n) const;
  /// The fraction of linear scaling kept at N, X(N) / (N·λ) = 1 / (1 + σ(N−1)).
  [[nodiscard]] double efficiency_at(double n) const;
  /// The limit of X(N)/X(1) as N grows, 1/σ (+∞ when σ = 0).
  [[nodiscard]] double max_speedup() const;
  /// One line: `Amdahl: σ = 0.0500 (serial fraction), λ = 100.0; max speedup 20.0×, throughput → 2000; R² = 0.9990 (5 points)`.
  [[nodiscard]] std::string describe() const;

  friend bool operator==(const amdahl_model&, const amdahl_model&) = default;
};

/// A straight line X(N) = slope·N + intercept fitted by ordinary least squares: the baseline
/// against which a curve's bend shows.
struct linear_model {
  double slope = 0;
  double intercept = 0;
  double r_squared = 0;   ///< 1 − SS_res/SS_tot of the fitted throughputs
  std::size_t points = 0; ///< how many points were fitted

  /// slope·N + intercept.
  [[nodiscard]] double throughput_at(double n) const;
  /// One line: `linear: X = 100.0·N + 5.000; R² = 1.0000 (4 points)`.
  [[nodiscard]] std::string describe() const;

  friend bool operator==(const linear_model&, const linear_model&) = default;
};

/// Fits the USL by least squares on throughput, with σ, κ ≥ 0.
///
/// The search starts from Gunther's linearisation (with C(N) = X(N)/X(1), x = N−1 and
/// y = N/C − 1, the USL is y = κx² + (σ+κ)x, a regression through the origin; X(1) is the
/// measured throughput at N = 1 if there is one, else the highest X/N) and refines it with
/// Levenberg–Marquardt on σ, κ and λ, at most 200 steps. A coefficient that the data push
/// below zero stays at exactly 0 (a projected step with an active set), so data without
/// retrograde scaling give κ = 0 rather than a tiny negative number.
///
/// Throws `usage_error`, naming the point at fault, for a concurrency or throughput that is
/// not positive and finite, fewer than 3 points, or fewer than 3 distinct concurrencies
/// (all points at one N, for one, cannot tell contention from coherency).
template <scaling_point_range R>
[[nodiscard]] usl_model fit_usl(R&& points);
/// `fit_usl({{1, 955}, {2, 1878}, {4, 3548}})`.
[[nodiscard]] usl_model fit_usl(std::initializer_list<scaling_point> points);

/// Fits Amdahl's law by least squares on throughput, with σ ≥ 0, as `fit_usl` does (the
/// linearised start is y = σx). Needs 2 points at 2 distinct concurrencies at least.
template <scaling_point_range R>
[[nodiscard]] amdahl_model fit_amdahl(R&& points);
/// `fit_amdahl({{1, 100}, {2, 190}, {4, 345}})`.
[[nodiscard]] amdahl_model fit_amdahl(std::initializer_list<scaling_point> points);

/// Fits a straight line by ordinary least squares. Needs 2 points at 2 distinct
/// concurrencies at least; points are validated as `fit_usl` does.
template <scaling_point_range R>
[[nodiscard]] linear_model fit_linear(R&& points);
/// `fit_linear({{1, 100}, {2, 200}, {4, 400}})`.
[[nodiscard]] linear_model fit_linear(std::initializer_list<scaling_point> points);

}  // namespace stampede

#include <stampede/scaling/impl/fit.hpp>
#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/scaling/impl/fit.ipp>
#endif
