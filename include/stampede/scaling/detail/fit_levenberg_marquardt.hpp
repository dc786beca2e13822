// A small Levenberg–Marquardt least-squares solver with lower bounds, for the scaling fits.
#pragma once

#include <stampede/scaling/point.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>

namespace stampede::detail::fit {

/// Solves a·x = b in place (Gaussian elimination with partial pivoting) for the first `n`
/// rows and columns; false if the matrix is singular to working precision.
template <std::size_t P>
bool solve(std::array<std::array<double, P>, P> a, std::array<double, P> b, std::size_t n,
           std::array<double, P>& x) {
  for (std::size_t col = 0; col < n; ++col) {
    std::size_t pivot = col;
    for (std::size_t row = col + 1; row < n; ++row) {
      if (std::abs(a[row][col]) > std::abs(a[pivot][col])) pivot = row;
    }
    if (!(std::abs(a[pivot][col]) > 0) || !std::isfinite(a[pivot][col])) return false;
    std::swap(a[col], a[pivot]);
    std::swap(b[col], b[pivot]);
    for (std::size_t row = col + 1; row < n; ++row) {
      const double f = a[row][col] / a[col][col];
      for (std::size_t k = col; k < n; ++k) a[row][k] -= f * a[col][k];
      b[row] -= f * b[col];
    }
  }
  for (std::size_t i = n; i-- > 0;) {
    double s = b[i];
    for (std::size_t k = i + 1; k < n; ++k) s -= a[i][k] * x[k];
    x[i] = s / a[i][i];
  }
  return std::all_of(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(n), [](double v) { return std::isfinite(v); });
}

template <std::size_t P>
struct lm_result {
  std::array<double, P> params{};
  int iterations = 0;
};

/// The sum of squared throughput residuals of `model` at `p`; +∞ where the model is not
/// finite (a denominator that reached zero).
template <std::size_t P, class Model>
double sum_of_squares(std::span<const scaling_point> points, const Model& model, const std::array<double, P>& p) {
  double sum = 0;
  for (const auto& pt : points) {
    const double r = pt.throughput - model.value(pt.concurrency, p);
    sum += r * r;
  }
  return std::isfinite(sum) ? sum : std::numeric_limits<double>::infinity();
}

/// Minimises Σ (X_i − model(N_i; p))² over p ≥ `lower`, from `start`.
///
/// `model.value(n, p)` is the predicted throughput and `model.gradient(n, p)` its partial
/// derivatives. Marquardt's damping by diag(JᵀJ), solved in the units that make that diagonal
/// 1, makes the steps independent of each parameter's scale (λ may be 1e6 while κ is 1e-8).
/// Bounds are kept by an active set: a parameter at its bound whose gradient points outwards
/// is held there for the step, and the others are projected back onto their bounds. A step is accepted only if it lowers the sum
/// of squares; the search stops when a step (taken or not) would change no parameter by more
/// than a relative 1e-10 or the sum by more than a relative 1e-14, when no step can lower the
/// sum any more (the damping grew past 1e16), or after `max_iterations` tried steps.
template <std::size_t P, class Model>
lm_result<P> levenberg_marquardt(std::span<const scaling_point> points, const Model& model,
                                 std::array<double, P> start, const std::array<double, P>& lower,
                                 int max_iterations = 200) {
  using vec = std::array<double, P>;
  using mat = std::array<vec, P>;
  for (std::size_t i = 0; i < P; ++i) start[i] = std::max(start[i], lower[i]);

  lm_result<P> out{.params = start};
  auto& p = out.params;
  double cost = sum_of_squares<P>(points, model, p);
  double mu = 1e-3;
  bool fresh = true;  // whether the normal equations below belong to p
  mat a{};
  vec g{};
  while (out.iterations < max_iterations && cost > 0) {
    if (fresh) {
      a = mat{};
      g = vec{};
      for (const auto& pt : points) {
        const double r = pt.throughput - model.value(pt.concurrency, p);
        const vec j = model.gradient(pt.concurrency, p);
        for (std::size_t i = 0; i < P; ++i) {
          g[i] += j[i] * r;
          for (std::size_t k = 0; k < P; ++k) a[i][k] += j[i] * j[k];
        }
      }
      fresh = false;
    }
    // The free parameters: all but those at their bound that the descent direction g would
    // push further out.
    std::array<std::size_t, P> free{};
    std::size_t n_free = 0;
    double max_diag = 0;
    for (std::size_t i = 0; i < P; ++i) {
      if (!(p[i] <= lower[i] && g[i] <= 0)) free[n_free++] = i;
      max_diag = std::max(max_diag, a[i][i]);
    }
    if (n_free == 0 || !(max_diag > 0)) break;

    ++out.iterations;
    // Solve (A + μ·diag(A)) δ = g in units where diag(A) is 1: δ = z / d with
    // (A/(d·dᵀ) + μI) z = g / d and d = √diag(A). Without that equilibration the matrix spans
    // the squared ratio of the parameters' scales (λ = 1e6, κ = 1e-8: 1e28) and elimination
    // loses every digit. (No floor relative to the other diagonal entries either, for the
    // same reason; a parameter the data do not determine at all has g = 0 and stays put.)
    vec d{};
    for (std::size_t i = 0; i < n_free; ++i) {
      d[i] = a[free[i]][free[i]] > 0 ? std::sqrt(a[free[i]][free[i]]) : 1.0;
    }
    mat reduced{};
    vec rhs{};
    for (std::size_t i = 0; i < n_free; ++i) {
      for (std::size_t k = 0; k < n_free; ++k) reduced[i][k] = a[free[i]][free[k]] / (d[i] * d[k]);
      reduced[i][i] += mu;
      rhs[i] = g[free[i]] / d[i];
    }
    vec step{};
    vec trial = p;
    bool solved = solve<P>(reduced, rhs, n_free, step);
    if (solved) {
      for (std::size_t i = 0; i < n_free; ++i) {
        trial[free[i]] = std::max(p[free[i]] + step[i] / d[i], lower[free[i]]);
      }
    }
    const double trial_cost = solved ? sum_of_squares<P>(points, model, trial) : std::numeric_limits<double>::infinity();
    bool small = solved;
    for (std::size_t i = 0; i < P; ++i) {
      if (std::abs(trial[i] - p[i]) > 1e-10 * (std::abs(p[i]) + 1e-10)) small = false;
    }
    // A change in the sum of squares this small is rounding: p is as good as it gets.
    const bool flat = std::abs(trial_cost - cost) <= 1e-14 * cost;
    if (trial_cost < cost) {
      p = trial;
      cost = trial_cost;
      mu = std::max(mu * 0.3, 1e-12);
      fresh = true;
    } else {
      mu *= 10;
    }
    // A step this small, taken or not, means p is the minimum to working precision.
    if (small || flat || mu > 1e16) break;
  }
  return out;
}

}  // namespace stampede::detail::fit
