// Bodies of the scaling fits (included by scaling/fit.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/charconv.hpp>
#include <stampede/core/error.hpp>
#include <stampede/scaling/detail/fit_levenberg_marquardt.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stampede {

namespace detail::fit {

inline constexpr double infinity = std::numeric_limits<double>::infinity();

/// `x` to `digits` significant digits, in fixed notation unless it is tiny or huge.
STAMPEDE_DECL std::string significant(double x, int digits) {
  if (x == 0 || !std::isfinite(x)) return fmt::format("{}", x);
  const double magnitude = std::abs(x);
  if (magnitude < 1e-4 || magnitude >= 1e9) return fmt::format("{:.{}e}", x, digits - 1);
  const int decimals = digits - 1 - static_cast<int>(std::floor(std::log10(magnitude)));
  return fmt::format("{:.{}f}", x, std::max(decimals, 0));
}

/// "; R² = 0.9995 (6 points)", or nothing for a model written by hand.
STAMPEDE_DECL std::string fit_quality(double r_squared, std::size_t points) {
  if (points == 0) return {};
  return fmt::format("; R² = {:.4f} ({} points)", r_squared, points);
}

/// Throws `usage_error` unless there are enough valid points at enough distinct concurrencies
/// to fit `parameters` coefficients (named in `what`).
STAMPEDE_DECL void validate(std::span<const scaling_point> points, std::string_view fn, std::size_t parameters,
                     std::string_view what) {
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    const auto fail = [&](std::string_view field, double value) {
      throw usage_error(fmt::format("{}: {} must be positive and finite, got {} in points[{}] = {{N = {}, X = {}}}", fn,
                                    field, format_double(value), i, format_double(p.concurrency),
                                    format_double(p.throughput)));
    };
    if (!(std::isfinite(p.concurrency) && p.concurrency > 0)) fail("concurrency", p.concurrency);
    if (!(std::isfinite(p.throughput) && p.throughput > 0)) fail("throughput", p.throughput);
  }
  if (points.size() < parameters) {
    throw usage_error(fmt::format("{}: needs at least {} points to fit {}, got {}", fn, parameters, what, points.size()));
  }
  std::vector<double> levels;
  levels.reserve(points.size());
  for (const auto& p : points) levels.push_back(p.concurrency);
  std::sort(levels.begin(), levels.end());
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  if (levels.size() == 1) {
    throw usage_error(fmt::format("{}: all {} points have the same concurrency {}; fitting {} needs {} different "
                                  "concurrencies at least",
                                  fn, points.size(), format_double(levels.front()), what, parameters));
  }
  if (levels.size() < parameters) {
    std::string list;
    for (double n : levels) list += (list.empty() ? "" : ", ") + format_double(n);
    throw usage_error(fmt::format("{}: the points have only {} different concurrencies ({}); fitting {} needs {} at "
                                  "least",
                                  fn, levels.size(), list, what, parameters));
  }
}

/// X(1), for Gunther's C(N) = X(N)/X(1): the mean measured throughput at N = 1, or the best
/// throughput per unit (max X/N) when no point has N = 1.
STAMPEDE_DECL double single_unit_throughput(std::span<const scaling_point> points) {
  double sum = 0;
  int count = 0;
  double best = 0;
  for (const auto& p : points) {
    if (p.concurrency == 1) {
      sum += p.throughput;
      ++count;
    }
    best = std::max(best, p.throughput / p.concurrency);
  }
  return count > 0 ? sum / count : best;
}

STAMPEDE_DECL double r_squared(std::span<const scaling_point> points, auto&& predict) {
  double mean = 0;
  for (const auto& p : points) mean += p.throughput;
  mean /= static_cast<double>(points.size());
  double ss_tot = 0;
  double ss_res = 0;
  double ss_all = 0;
  for (const auto& p : points) {
    const double r = p.throughput - predict(p.concurrency);
    ss_res += r * r;
    ss_tot += (p.throughput - mean) * (p.throughput - mean);
    ss_all += p.throughput * p.throughput;
  }
  if (ss_tot > 0) return 1 - ss_res / ss_tot;
  return ss_res <= 1e-20 * ss_all ? 1.0 : 0.0;  // every throughput equal: a flat line or a miss
}

/// X(N) = λN / (1 + σ(N−1) + κN(N−1)) with p = {σ, κ, λ}; NaN where the denominator is not
/// positive (only possible for N < 1), which the solver treats as an infinite cost.
struct usl_curve {
  static double value(double n, const std::array<double, 3>& p) {
    const double d = 1 + p[0] * (n - 1) + p[1] * n * (n - 1);
    return d > 0 ? p[2] * n / d : std::numeric_limits<double>::quiet_NaN();
  }
  static std::array<double, 3> gradient(double n, const std::array<double, 3>& p) {
    const double d = 1 + p[0] * (n - 1) + p[1] * n * (n - 1);
    const double x = p[2] * n / (d * d);
    return {-x * (n - 1), -x * n * (n - 1), n / d};
  }
};

/// X(N) = λN / (1 + σ(N−1)) with p = {σ, λ}.
struct amdahl_curve {
  static double value(double n, const std::array<double, 2>& p) {
    const double d = 1 + p[0] * (n - 1);
    return d > 0 ? p[1] * n / d : std::numeric_limits<double>::quiet_NaN();
  }
  static std::array<double, 2> gradient(double n, const std::array<double, 2>& p) {
    const double d = 1 + p[0] * (n - 1);
    return {-p[1] * n * (n - 1) / (d * d), n / d};
  }
};

/// Student's t quantile for a two-sided 95% interval with `df` degrees of freedom: the table
/// to 30, then the Cornish–Fisher expansion around the normal quantile (within 1e-4).
STAMPEDE_DECL double student_t_975(int df) {
  static constexpr std::array<double, 30> table{12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060,
                                                2.2622,  2.2281, 2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199,
                                                2.1098,  2.1009, 2.0930, 2.0860, 2.0796, 2.0739, 2.0687, 2.0639,
                                                2.0595,  2.0555, 2.0518, 2.0484, 2.0452, 2.0423};
  if (df < 1) return infinity;
  if (df <= 30) return table[static_cast<std::size_t>(df - 1)];
  const double z = 1.959963984540054;
  const double v = df;
  const double z3 = z * z * z;
  const double z5 = z3 * z * z;
  const double z7 = z5 * z * z;
  return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v) +
         (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v);
}

/// The asymptotic covariance s²(JᵀJ)⁻¹ of a least-squares fit at `params`; empty when there
/// are no degrees of freedom or JᵀJ is singular.
template <std::size_t P, class Model>
std::optional<std::array<std::array<double, P>, P>> covariance(std::span<const scaling_point> points, const Model& model,
                                                               const std::array<double, P>& params) {
  if (points.size() <= P) return std::nullopt;
  std::array<std::array<double, P>, P> jtj{};
  double ss_res = 0;
  for (const auto& pt : points) {
    const auto g = model.gradient(pt.concurrency, params);
    for (std::size_t i = 0; i < P; ++i) {
      for (std::size_t j = 0; j < P; ++j) jtj[i][j] += g[i] * g[j];
    }
    const double r = pt.throughput - model.value(pt.concurrency, params);
    ss_res += r * r;
  }
  const double s2 = ss_res / static_cast<double>(points.size() - P);
  std::array<std::array<double, P>, P> out{};
  for (std::size_t col = 0; col < P; ++col) {
    std::array<double, P> unit{};
    unit[col] = 1;
    std::array<double, P> x{};
    if (!solve<P>(jtj, unit, P, x)) return std::nullopt;
    for (std::size_t row = 0; row < P; ++row) out[row][col] = s2 * x[row];
  }
  return out;
}

/// Standard errors and 95% intervals of a USL fit (see usl_uncertainty).
STAMPEDE_DECL std::optional<usl_uncertainty> usl_errors(std::span<const scaling_point> points, const std::array<double, 3>& p);

STAMPEDE_DECL usl_model usl(std::span<const scaling_point> points) {
  validate(points, "fit_usl", 3, "σ, κ and λ");
  // Gunther's linearisation: y = N/C(N) − 1 = κx² + (σ+κ)x with x = N − 1, by least squares
  // through the origin, y = a·x² + b·x.
  const double x1 = single_unit_throughput(points);
  double s4 = 0;  // Σx⁴, Σx³, Σx², Σx²y, Σxy for y = ax² + bx; Σq², Σqy for y = κq
  double s3 = 0;
  double s2 = 0;
  double s2y = 0;
  double s1y = 0;
  double sqq = 0;
  double sqy = 0;
  for (const auto& p : points) {
    const double x = p.concurrency - 1;
    const double y = x1 * p.concurrency / p.throughput - 1;
    const double q = x * (x + 1);  // the κ term alone, for a start with σ = 0
    s4 += x * x * x * x;
    s3 += x * x * x;
    s2 += x * x;
    s2y += x * x * y;
    s1y += x * y;
    sqq += q * q;
    sqy += q * y;
  }
  std::array<double, 2> ab{};
  const bool solved = solve<2>({{{s4, s3}, {s3, s2}}}, {s2y, s1y}, 2, ab);
  double sigma = 0;
  double kappa = 0;
  if (solved && ab[0] >= 0 && ab[1] - ab[0] >= 0) {
    kappa = ab[0];
    sigma = ab[1] - ab[0];
  } else if (solved && ab[0] >= 0) {
    kappa = sqq > 0 ? std::max(sqy / sqq, 0.0) : 0;  // σ would be negative: y = κx(x+1) alone
  } else {
    sigma = s2 > 0 ? std::max(s1y / s2, 0.0) : 0;  // κ would be negative: Amdahl's y = σx
  }
  std::array<double, 3> start{sigma, kappa, x1};
  if (!std::isfinite(sum_of_squares<3>(points, usl_curve{}, start))) start = {0, 0, x1};  // N < 1 can do that
  const auto fit = levenberg_marquardt<3>(points, usl_curve{}, start, {0, 0, -infinity});
  usl_model m{.sigma = fit.params[0], .kappa = fit.params[1], .lambda = fit.params[2],
              .points = points.size(), .iterations = fit.iterations};
  m.r_squared = r_squared(points, [&](double n) { return m.throughput_at(n); });
  m.uncertainty = usl_errors(points, fit.params);
  return m;
}

STAMPEDE_DECL std::optional<usl_uncertainty> usl_errors(std::span<const scaling_point> points,
                                                        const std::array<double, 3>& p) {
  const auto cov = covariance<3>(points, usl_curve{}, p);
  if (!cov) return std::nullopt;
  usl_uncertainty u;
  u.degrees_of_freedom = static_cast<int>(points.size()) - 3;
  const double t = student_t_975(u.degrees_of_freedom);
  const auto se = [&](std::size_t i) { return std::sqrt(std::max((*cov)[i][i], 0.0)); };
  u.sigma_se = se(0);
  u.kappa_se = se(1);
  u.lambda_se = se(2);
  u.sigma = {std::max(p[0] - t * u.sigma_se, 0.0), p[0] + t * u.sigma_se};
  u.kappa = {std::max(p[1] - t * u.kappa_se, 0.0), p[1] + t * u.kappa_se};
  u.lambda = {p[2] - t * u.lambda_se, p[2] + t * u.lambda_se};
  // N* = √((1−σ)/κ): ∂N*/∂σ = −1/(2κN*), ∂N*/∂κ = −N*/(2κ).
  const double sigma = p[0];
  const double kappa = p[1];
  if (kappa > 0 && sigma < 1) {
    const double n_star = std::sqrt((1 - sigma) / kappa);
    const double ds = -1 / (2 * kappa * n_star);
    const double dk = -n_star / (2 * kappa);
    const double var = ds * ds * (*cov)[0][0] + 2 * ds * dk * (*cov)[0][1] + dk * dk * (*cov)[1][1];
    u.peak_concurrency_se = std::sqrt(std::max(var, 0.0));
    u.peak_concurrency = {std::max(n_star - t * u.peak_concurrency_se, 1.0), n_star + t * u.peak_concurrency_se};
    if (u.kappa.low <= 0) u.peak_concurrency.high = infinity;  // κ may be 0: no peak at all
  } else {
    u.peak_concurrency_se = infinity;
    u.peak_concurrency = {kappa > 0 ? 1.0 : infinity, infinity};
  }
  if (!std::isfinite(u.sigma_se) || !std::isfinite(u.kappa_se) || !std::isfinite(u.lambda_se)) return std::nullopt;
  return u;
}

STAMPEDE_DECL amdahl_model amdahl(std::span<const scaling_point> points) {
  validate(points, "fit_amdahl", 2, "σ and λ");
  const double x1 = single_unit_throughput(points);
  double sxx = 0;  // Σx², Σxy for Gunther's y = σx
  double sxy = 0;
  for (const auto& p : points) {
    const double x = p.concurrency - 1;
    sxx += x * x;
    sxy += x * (x1 * p.concurrency / p.throughput - 1);
  }
  std::array<double, 2> start{sxx > 0 ? std::max(sxy / sxx, 0.0) : 0, x1};
  if (!std::isfinite(sum_of_squares<2>(points, amdahl_curve{}, start))) start = {0, x1};
  const auto fit = levenberg_marquardt<2>(points, amdahl_curve{}, start, {0, -infinity});
  amdahl_model m{.sigma = fit.params[0], .lambda = fit.params[1], .points = points.size(), .iterations = fit.iterations};
  m.r_squared = r_squared(points, [&](double n) { return m.throughput_at(n); });
  return m;
}

STAMPEDE_DECL linear_model linear(std::span<const scaling_point> points) {
  validate(points, "fit_linear", 2, "a slope and an intercept");
  const auto count = static_cast<double>(points.size());
  double mean_n = 0;
  double mean_x = 0;
  for (const auto& p : points) {
    mean_n += p.concurrency;
    mean_x += p.throughput;
  }
  mean_n /= count;
  mean_x /= count;
  double snn = 0;
  double snx = 0;
  for (const auto& p : points) {
    snn += (p.concurrency - mean_n) * (p.concurrency - mean_n);
    snx += (p.concurrency - mean_n) * (p.throughput - mean_x);
  }
  linear_model m{.slope = snx / snn, .points = points.size()};
  m.intercept = mean_x - m.slope * mean_n;
  m.r_squared = r_squared(points, [&](double n) { return m.throughput_at(n); });
  return m;
}

}  // namespace detail::fit

STAMPEDE_DECL double usl_model::throughput_at(double n) const {
  return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

STAMPEDE_DECL double usl_model::latency_at(double n) const { return n / throughput_at(n); }

STAMPEDE_DECL double usl_model::efficiency_at(double n) const { return 1 / (1 + sigma * (n - 1) + kappa * n * (n - 1)); }

STAMPEDE_DECL double usl_model::peak_concurrency() const {
  // dX/dN has the sign of 1 − σ − κN², so X rises until N² = (1−σ)/κ and falls after.
  if (kappa > 0) return std::max(std::sqrt(std::max(1 - sigma, 0.0) / kappa), 1.0);
  return sigma < 1 ? detail::fit::infinity : 1.0;
}

STAMPEDE_DECL double usl_model::peak_throughput() const {
  if (kappa > 0 || sigma >= 1) return throughput_at(peak_concurrency());
  return sigma > 0 ? lambda / sigma : detail::fit::infinity;
}

STAMPEDE_DECL std::string usl_model::describe() const {
  using detail::fit::significant;
  std::string peak;
  if (std::isfinite(peak_concurrency())) {
    peak = fmt::format("peak {} at N = {}", significant(peak_throughput(), 4), significant(peak_concurrency(), 3));
  } else if (std::isfinite(peak_throughput())) {
    peak = fmt::format("no peak (κ = 0), throughput approaches {}", significant(peak_throughput(), 4));
  } else {
    peak = "no peak: linear scaling";
  }
  const auto interval = [this](const confidence_interval usl_uncertainty::*member) -> std::string {
    if (!uncertainty) return {};
    const auto& ci = (*uncertainty).*member;
    return fmt::format(" [{}, {}]", significant(ci.low, 3), significant(ci.high, 3));
  };
  return fmt::format("USL: σ = {}{} (contention), κ = {}{} (coherency), λ = {}; {}{}", significant(sigma, 3),
                     interval(&usl_uncertainty::sigma), significant(kappa, 3), interval(&usl_uncertainty::kappa),
                     significant(lambda, 4), peak, detail::fit::fit_quality(r_squared, points));
}

STAMPEDE_DECL double amdahl_model::throughput_at(double n) const { return lambda * n / (1 + sigma * (n - 1)); }

STAMPEDE_DECL double amdahl_model::efficiency_at(double n) const { return 1 / (1 + sigma * (n - 1)); }

STAMPEDE_DECL double amdahl_model::max_speedup() const { return sigma > 0 ? 1 / sigma : detail::fit::infinity; }

STAMPEDE_DECL std::string amdahl_model::describe() const {
  using detail::fit::significant;
  const auto limit = sigma > 0 ? fmt::format("max speedup {}×, throughput approaches {}", significant(max_speedup(), 3),
                                             significant(lambda / sigma, 4))
                               : std::string("no speedup limit (σ = 0)");
  return fmt::format("Amdahl: σ = {} (serial fraction), λ = {}; {}{}", significant(sigma, 3), significant(lambda, 4),
                     limit, detail::fit::fit_quality(r_squared, points));
}

STAMPEDE_DECL double linear_model::throughput_at(double n) const { return slope * n + intercept; }

STAMPEDE_DECL std::string linear_model::describe() const {
  using detail::fit::significant;
  return fmt::format("linear: X = {}·N {} {}{}", significant(slope, 4), intercept < 0 ? '-' : '+',
                     significant(std::abs(intercept), 4), detail::fit::fit_quality(r_squared, points));
}

STAMPEDE_DECL usl_model fit_usl(std::initializer_list<scaling_point> points) {
  return detail::fit::usl(std::span<const scaling_point>(points.begin(), points.size()));
}

STAMPEDE_DECL amdahl_model fit_amdahl(std::initializer_list<scaling_point> points) {
  return detail::fit::amdahl(std::span<const scaling_point>(points.begin(), points.size()));
}

STAMPEDE_DECL linear_model fit_linear(std::initializer_list<scaling_point> points) {
  return detail::fit::linear(std::span<const scaling_point>(points.begin(), points.size()));
}

}  // namespace stampede
