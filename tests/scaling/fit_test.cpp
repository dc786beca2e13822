// Tests of the USL, Amdahl and linear fits against published data, synthetic curves with known
// coefficients and an independent brute-force least-squares search.
#include <stampede/scaling/fit.hpp>

#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"

#include <algorithm>
#include <cstddef>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace sp = stampede;

namespace {

// The R usl package's example: generated from σ = κ = 0.02, λ = 1 and rounded to 4 decimals.
const std::vector<sp::scaling_point> usl_example{{1, 1},         {2, 1.8868},  {4, 3.0769},
                                                 {6, 3.5294},    {8, 3.5398},  {10, 3.3557}};

// Gunther's SPEC SDM91 benchmark (the usl package's `specsdm91` data set): load in users,
// throughput in scripts per hour.
const std::vector<sp::scaling_point> specsdm91{{1, 64.9},     {18, 995.9},   {36, 1652.4}, {72, 1853.2},
                                               {108, 1828.9}, {144, 1775.0}, {216, 1702.2}};

double usl_throughput(double n, double sigma, double kappa, double lambda) {
  return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

struct reference_fit {
  double sigma = 0;
  double kappa = 0;
  double lambda = 0;
  double sse = std::numeric_limits<double>::infinity();
};

// The least-squares fit found without the library, by nested least squares: for fixed σ and
// κ the model is linear in λ, so the best λ is Σ X·g / Σ g² with g = N / (1 + σ(N−1) +
// κN(N−1)); for each κ a grid search over σ, refined around its best cell 30 times, finds the
// best σ; and the same search over κ outside it (κ = 0 for Amdahl) minimises what is left.
// Nesting, rather than one 2-D grid, follows the narrow valley along which σ and κ trade off.
template <class F>
reference_fit grid_minimum(double hi, const F& fit_at) {
  reference_fit best;
  if (!(hi > 0)) return fit_at(0.0);
  double lo = 0;
  double best_at = 0;
  for (int round = 0; round < 30; ++round) {
    const int cells = round == 0 ? 200 : 20;
    const double step = (hi - lo) / cells;
    for (int i = 0; i <= cells; ++i) {
      const auto f = fit_at(lo + i * step);
      if (f.sse < best.sse) {
        best = f;
        best_at = lo + i * step;
      }
    }
    if (!(best.sse < std::numeric_limits<double>::infinity())) break;
    lo = std::max(best_at - 2 * step, 0.0);
    hi = best_at + 2 * step;
  }
  return best;
}

reference_fit brute_force(const std::vector<sp::scaling_point>& points, double sigma_max, double kappa_max) {
  const auto fit_at = [&](double sigma, double kappa) {
    double xg = 0;
    double gg = 0;
    for (const auto& p : points) {
      const double g = usl_throughput(p.concurrency, sigma, kappa, 1);
      xg += p.throughput * g;
      gg += g * g;
    }
    reference_fit f{sigma, kappa, xg / gg, 0};
    for (const auto& p : points) {
      const double r = p.throughput - usl_throughput(p.concurrency, sigma, kappa, f.lambda);
      f.sse += r * r;
    }
    return f;
  };
  return grid_minimum(kappa_max, [&](double kappa) {
    return grid_minimum(sigma_max, [&](double sigma) { return fit_at(sigma, kappa); });
  });
}

double sse_of(const std::vector<sp::scaling_point>& points, const std::function<double(double)>& model) {
  double sse = 0;
  for (const auto& p : points) sse += (p.throughput - model(p.concurrency)) * (p.throughput - model(p.concurrency));
  return sse;
}

std::string usl_error(std::vector<sp::scaling_point> points) {
  try {
    (void)sp::fit_usl(points);
  } catch (const sp::usage_error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("fit_usl recovers sigma = kappa = 0.02 and lambda = 1 from the R usl package's example") {
  const auto m = sp::fit_usl(usl_example);
  CHECK(m.sigma == Approx(0.02).epsilon(0.001));
  CHECK(m.kappa == Approx(0.02).epsilon(0.001));
  CHECK(m.lambda == Approx(1.0).epsilon(0.001));
  CHECK(m.peak_concurrency() == Approx(7.0).epsilon(0.001));  // √(0.98/0.02)
  CHECK(m.r_squared > 0.99999);
  CHECK(m.r_squared <= 1.0);
  CHECK(m.points == 6);
  CHECK(m.iterations > 0);
  CHECK(m.iterations <= 200);
}

TEST_CASE("fit_usl on Gunther's SPEC SDM91 data matches a brute-force search and the usl package") {
  const auto m = sp::fit_usl(specsdm91);
  const auto ref = brute_force(specsdm91, 0.2, 0.002);
  INFO(m.describe());
  CHECK(m.sigma == Approx(ref.sigma).epsilon(1e-6));
  CHECK(m.kappa == Approx(ref.kappa).epsilon(1e-6));
  CHECK(m.lambda == Approx(ref.lambda).epsilon(1e-6));
  // The search did not stop short: its sum of squares is the least one found either way.
  CHECK(sse_of(specsdm91, [&](double n) { return m.throughput_at(n); }) <= ref.sse * (1 + 1e-12));
  // The usl package's nls fit of specsdm91 is quoted as σ ≈ 0.0277, κ ≈ 0.000104, λ ≈ 89.99
  // (not re-checked against its vignette here; the brute-force search above is the
  // independent check).
  CHECK(m.sigma == Approx(0.0277).epsilon(0.005));
  CHECK(m.kappa == Approx(0.000104).epsilon(0.01));
  CHECK(m.lambda == Approx(89.99).epsilon(0.001));
  // Gunther reads the peak off this curve at about 96 users.
  CHECK(m.peak_concurrency() == Approx(96.5).epsilon(0.005));
  CHECK(m.r_squared == Approx(0.9896).epsilon(1e-4));
}

TEST_CASE("fit_usl recovers known coefficients from synthetic curves, with and without 1% noise") {
  struct row {
    double sigma, kappa, lambda;
    std::vector<double> levels;
  };
  const row rows[] = {
      {0.05, 0.001, 250, {1, 2, 4, 8, 16, 32, 64}},
      {0.2, 0.0, 1000, {1, 2, 3, 4, 5, 6}},
      {0.0, 0.01, 40, {1, 4, 8, 12, 16, 20}},
      {0.618, 0.1848, 781.5, {1, 2, 10}},          // the testbed seed: 10 replicas slower than 2
      {0.03, 0.0005, 12.5, {2, 4, 8, 16, 32, 64}},  // no point at N = 1: λ is extrapolated
      {0.01, 0.02, 5000, {64, 1, 16, 2, 4, 32, 8}}, // in no particular order
      {1e-4, 1e-8, 1e6, {1000, 2000, 4000, 8000, 16000}},  // scales 1e14 apart
  };
  // Deterministic ±1% errors, alternating in sign and varying in size.
  const double noise[] = {+0.010, -0.010, +0.005, -0.008, +0.010, -0.004, +0.007};
  for (const auto& r : rows) {
    INFO("sigma=" << r.sigma << " kappa=" << r.kappa << " lambda=" << r.lambda);
    std::vector<sp::scaling_point> exact, noisy;
    for (std::size_t i = 0; i < r.levels.size(); ++i) {
      const double x = usl_throughput(r.levels[i], r.sigma, r.kappa, r.lambda);
      exact.push_back({r.levels[i], x});
      noisy.push_back({r.levels[i], x * (1 + noise[i])});
    }
    const auto m = sp::fit_usl(exact);
    INFO(m.describe());
    CHECK(m.sigma == Approx(r.sigma).margin(1e-7).epsilon(1e-6));
    CHECK(m.kappa == Approx(r.kappa).margin(1e-9).epsilon(1e-6));
    CHECK(m.lambda == Approx(r.lambda).epsilon(1e-6));
    CHECK(m.r_squared == Approx(1.0).epsilon(1e-9));

    if (r.levels.size() <= 3) continue;  // three points are fitted exactly, noise and all
    const auto n = sp::fit_usl(noisy);
    INFO("noisy: " << n.describe());
    const auto ref = brute_force(noisy, 1.0, 0.05);
    CHECK(n.sigma == Approx(ref.sigma).margin(1e-6).epsilon(1e-4));
    CHECK(n.kappa == Approx(ref.kappa).margin(1e-8).epsilon(1e-4));
    CHECK(n.lambda == Approx(ref.lambda).epsilon(1e-4));
    // And 1% noise moves the coefficients a little, not a lot. (Observed: λ by at most 1.5%,
    // κ by 3.4% or 6e-5 where it is 0, σ by up to 0.0056 absolute where it is small.)
    CHECK(n.sigma == Approx(r.sigma).margin(0.008));
    CHECK(n.kappa == Approx(r.kappa).margin(1e-4).epsilon(0.05));
    CHECK(n.lambda == Approx(r.lambda).epsilon(0.02));
  }
}

TEST_CASE("fit_usl interpolates three points exactly, as solving the USL for them does") {
  // The testbed seed's k6 runs: 781.5 req/s at 1 replica, 786.7 at 2, 337.4 at 10. With
  // λ = X(1), y = N·λ/X(N) − 1 = σ(N−1) + κN(N−1) is linear: solve the 2×2 system by hand.
  const double x1 = 781.5, x2 = 786.7, x10 = 337.4;
  const double y2 = 2 * x1 / x2 - 1, y10 = 10 * x1 / x10 - 1;
  // y2 = σ + 2κ, y10 = 9σ + 90κ
  const double kappa = (y10 - 9 * y2) / (90 - 18);
  const double sigma = y2 - 2 * kappa;
  const auto m = sp::fit_usl({{1, x1}, {2, x2}, {10, x10}});
  CHECK(m.sigma == Approx(sigma).epsilon(1e-6));
  CHECK(m.kappa == Approx(kappa).epsilon(1e-6));
  CHECK(m.lambda == Approx(x1).epsilon(1e-9));
  CHECK(m.sigma == Approx(0.618).epsilon(0.001));
  CHECK(m.kappa == Approx(0.1848).epsilon(0.005));
}

TEST_CASE("fit_usl gives kappa = 0 and no peak for Amdahl data, and sigma = kappa = 0 for linear data") {
  std::vector<sp::scaling_point> amdahl, linear, sublinear_noise;
  for (double n : {1, 2, 4, 8, 16, 32}) {
    amdahl.push_back({n, 100 * n / (1 + 0.1 * (n - 1))});
    linear.push_back({n, 100 * n});
  }
  const auto a = sp::fit_usl(amdahl);
  CHECK(a.kappa == 0.0);  // held at its bound, not a tiny negative or positive number
  CHECK(a.sigma == Approx(0.1).epsilon(1e-9));
  CHECK(a.lambda == Approx(100).epsilon(1e-9));
  CHECK(std::isinf(a.peak_concurrency()));
  CHECK(a.peak_throughput() == Approx(1000).epsilon(1e-9));  // λ/σ

  const auto l = sp::fit_usl(linear);
  CHECK(l.sigma == 0.0);
  CHECK(l.kappa == 0.0);
  CHECK(l.lambda == Approx(100).epsilon(1e-12));
  CHECK(std::isinf(l.peak_concurrency()));
  CHECK(std::isinf(l.peak_throughput()));
  CHECK(l.r_squared == 1.0);

  // Superlinear data would need σ < 0: the bound holds it at 0 and κ stays 0 too.
  const auto s = sp::fit_usl({{1, 100}, {2, 210}, {4, 440}, {8, 900}});
  CHECK(s.sigma == 0.0);
  CHECK(s.kappa == 0.0);
  CHECK(s.lambda > 100);
}

TEST_CASE("fit_usl accepts vectors, initializer lists and views, in any order") {
  const auto from_vector = sp::fit_usl(usl_example);
  const auto from_list =
      sp::fit_usl({{1, 1}, {2, 1.8868}, {4, 3.0769}, {6, 3.5294}, {8, 3.5398}, {10, 3.3557}});
  CHECK(from_list == from_vector);

  // A single-pass range of values that is only iterable when not const, as a filter view is
  // (std::views themselves do not compile with clang 14 and libstdc++ 12).
  struct point_stream {
    const std::vector<std::pair<double, double>>* raw;
    struct iterator {
      using value_type = sp::scaling_point;
      using difference_type = std::ptrdiff_t;
      const std::pair<double, double>* at = nullptr;
      sp::scaling_point operator*() const { return {at->first, at->second}; }
      iterator& operator++() {
        ++at;
        return *this;
      }
      void operator++(int) { ++at; }
      bool operator==(const iterator&) const = default;
    };
    iterator begin() { return {raw->data()}; }
    iterator end() { return {raw->data() + raw->size()}; }
  };
  static_assert(sp::scaling_point_range<point_stream>);
  static_assert(!sp::scaling_point_range<const point_stream&>);
  static_assert(!sp::scaling_point_range<std::vector<double>>);
  const std::vector<std::pair<double, double>> raw{{1, 1},      {2, 1.8868}, {4, 3.0769},
                                                   {6, 3.5294}, {8, 3.5398}, {10, 3.3557}};
  auto view = point_stream{&raw};
  CHECK(sp::fit_usl(view) == from_vector);
  CHECK(sp::fit_usl(point_stream{&raw}) == from_vector);

  auto reversed = specsdm91;
  std::reverse(reversed.begin(), reversed.end());
  const auto forward = sp::fit_usl(specsdm91);
  const auto backward = sp::fit_usl(reversed);
  CHECK(backward.sigma == Approx(forward.sigma).epsilon(1e-8));
  CHECK(backward.kappa == Approx(forward.kappa).epsilon(1e-8));
  CHECK(backward.lambda == Approx(forward.lambda).epsilon(1e-8));
}

TEST_CASE("fit_usl names the problem and the point when the data cannot be fitted") {
  using Catch::Matchers::Contains;
  struct row {
    std::vector<sp::scaling_point> points;
    std::vector<std::string> message_parts;
  };
  const double nan = std::nan("");
  const double inf = std::numeric_limits<double>::infinity();
  const row rows[] = {
      {{}, {"fit_usl: needs at least 3 points", "got 0"}},
      {{{1, 1}, {2, 2}}, {"fit_usl: needs at least 3 points to fit σ, κ and λ, got 2"}},
      {{{1, 1}, {0, 2}, {4, 3}}, {"concurrency must be positive and finite, got 0 in points[1] = {N = 0, X = 2}"}},
      {{{1, 1}, {-2, 2}, {4, 3}}, {"concurrency must be positive", "got -2 in points[1]"}},
      {{{1, 1}, {2, 2}, {inf, 3}}, {"concurrency must be positive", "got inf in points[2]"}},
      {{{1, 1}, {2, 2}, {4, nan}}, {"throughput must be positive and finite, got nan in points[2]"}},
      {{{1, 0}, {2, 2}, {4, 3}}, {"throughput must be positive", "got 0 in points[0]"}},
      {{{1, 1}, {2, -2}}, {"throughput must be positive", "points[1]"}},  // values before counts
      {{{8, 1}, {8, 1.1}, {8, 0.9}, {8, 1}}, {"all 4 points have the same concurrency 8"}},
      {{{1, 1}, {2, 1.9}, {1, 1.1}, {2, 2}}, {"only 2 different concurrencies (1, 2)", "needs 3 at least"}},
  };
  for (const auto& r : rows) {
    const auto message = usl_error(r.points);
    INFO(message);
    CHECK(message.rfind("fit_usl: ", 0) == 0);
    for (const auto& part : r.message_parts) CHECK_THAT(message, Contains(part));
  }
  CHECK_THROWS_AS(sp::fit_usl({{1, 1}, {2, nan}, {3, 3}}), sp::usage_error);
}

TEST_CASE("usl_model predicts throughput, latency, efficiency and the peak from its coefficients") {
  // The testbed's replica model at σ = 0.05, κ = 0.01, S = 2 ms: X(8) = 8 / 3.82 ms.
  const sp::usl_model m{.sigma = 0.05, .kappa = 0.01, .lambda = 500};
  CHECK(m.throughput_at(1) == Approx(500));
  CHECK(m.throughput_at(8) == Approx(8 / 0.00382).epsilon(1e-12));
  CHECK(m.latency_at(8) == Approx(0.00382).epsilon(1e-12));  // Little's law: the effective service time
  CHECK(m.latency_at(1) == Approx(0.002).epsilon(1e-12));
  CHECK(m.efficiency_at(1) == 1.0);
  CHECK(m.efficiency_at(8) == Approx(1 / 1.91).epsilon(1e-12));
  CHECK(m.peak_concurrency() == Approx(std::sqrt(95.0)).epsilon(1e-12));
  const double peak = m.peak_throughput();
  CHECK(peak == Approx(m.throughput_at(std::sqrt(95.0))).epsilon(1e-12));
  CHECK(peak > m.throughput_at(9));
  CHECK(peak > m.throughput_at(10.5));

  // σ ≥ 1: throughput never rises above X(1).
  const sp::usl_model falling{.sigma = 1.2, .kappa = 0.01, .lambda = 10};
  CHECK(falling.peak_concurrency() == 1.0);
  CHECK(falling.peak_throughput() == Approx(10));
  const sp::usl_model flat{.sigma = 1, .kappa = 0, .lambda = 10};
  CHECK(flat.peak_concurrency() == 1.0);
  CHECK(flat.peak_throughput() == Approx(10));
}

TEST_CASE("usl_model::describe summarises the coefficients, the peak and the fit in one line") {
  CHECK(sp::fit_usl(usl_example).describe() ==
        "USL: σ = 0.0200 [0.0200, 0.0200] (contention), κ = 0.0200 [0.0200, 0.0200] (coherency), λ = 1.000; "
        "peak 3.571 at N = 7.00; R² = 1.0000 (6 points)");
  CHECK(sp::fit_usl(specsdm91).describe() ==
        "USL: σ = 0.0277 [0.00240, 0.0531] (contention), κ = 0.000104 [4.92e-05, 0.000160] (coherency), "
        "λ = 90.00; peak 1884 at N = 96.5; R² = 0.9896 (7 points)");
  // Written by hand: no fit quality to report.
  CHECK(sp::usl_model{.sigma = 0.05, .kappa = 0.01, .lambda = 500}.describe() ==
        "USL: σ = 0.0500 (contention), κ = 0.0100 (coherency), λ = 500.0; peak 2128 at N = 9.75");
  CHECK(sp::usl_model{.sigma = 0.1, .lambda = 100}.describe() ==
        "USL: σ = 0.100 (contention), κ = 0 (coherency), λ = 100.0; no peak (κ = 0), throughput approaches 1000");
  CHECK(sp::usl_model{.lambda = 100}.describe() ==
        "USL: σ = 0 (contention), κ = 0 (coherency), λ = 100.0; no peak: linear scaling");
  CHECK(sp::usl_model{.sigma = 2e-5, .kappa = 3e-7, .lambda = 1.5e4}.describe() ==
        "USL: σ = 2.00e-05 (contention), κ = 3.00e-07 (coherency), λ = 15000; peak 13451296 at N = 1826");
}

TEST_CASE("fit_amdahl recovers sigma and lambda, and matches a brute-force search on retrograde data") {
  std::vector<sp::scaling_point> exact;
  for (double n : {1, 2, 4, 8, 16}) exact.push_back({n, 100 * n / (1 + 0.05 * (n - 1))});
  const auto a = sp::fit_amdahl(exact);
  CHECK(a.sigma == Approx(0.05).epsilon(1e-9));
  CHECK(a.lambda == Approx(100).epsilon(1e-9));
  CHECK(a.r_squared == Approx(1.0).epsilon(1e-12));
  CHECK(a.points == 5);
  CHECK(a.max_speedup() == Approx(20).epsilon(1e-9));
  CHECK(a.throughput_at(16) == Approx(1600 / 1.75).epsilon(1e-12));
  CHECK(a.efficiency_at(16) == Approx(1 / 1.75).epsilon(1e-12));
  CHECK(a.describe() ==
        "Amdahl: σ = 0.0500 (serial fraction), λ = 100.0; max speedup 20.0×, throughput approaches 2000; "
        "R² = 1.0000 (5 points)");
  CHECK(sp::amdahl_model{.lambda = 7}.describe() == "Amdahl: σ = 0 (serial fraction), λ = 7.000; no speedup limit (σ = 0)");
  CHECK(std::isinf(sp::amdahl_model{.lambda = 7}.max_speedup()));

  // Amdahl cannot bend down, so on SPEC SDM91 it is a compromise: compare with the 1-D search.
  const auto s = sp::fit_amdahl(specsdm91);
  const auto ref = brute_force(specsdm91, 1.0, 0);
  CHECK(s.sigma == Approx(ref.sigma).epsilon(1e-4));
  CHECK(s.lambda == Approx(ref.lambda).epsilon(1e-4));
  CHECK(sse_of(specsdm91, [&](double n) { return s.throughput_at(n); }) <= ref.sse * (1 + 1e-9));
  CHECK(s.r_squared < sp::fit_usl(specsdm91).r_squared);
}

TEST_CASE("fit_linear is ordinary least squares") {
  const auto exact = sp::fit_linear({{1, 105}, {2, 205}, {4, 405}, {8, 805}});
  CHECK(exact.slope == Approx(100).epsilon(1e-12));
  CHECK(exact.intercept == Approx(5).epsilon(1e-12));
  CHECK(exact.r_squared == Approx(1.0).epsilon(1e-12));
  CHECK(exact.throughput_at(16) == Approx(1605).epsilon(1e-12));
  CHECK(exact.describe() == "linear: X = 100.0·N + 5.000; R² = 1.0000 (4 points)");

  // By hand: x̄ = 2.5, ȳ = 3.5, Sxy = 4, Sxx = 5; SS_res = 1.8 of SS_tot = 5.
  const auto scattered = sp::fit_linear(std::vector<sp::scaling_point>{{1, 2}, {2, 3}, {3, 5}, {4, 4}});
  CHECK(scattered.slope == Approx(0.8).epsilon(1e-12));
  CHECK(scattered.intercept == Approx(1.5).epsilon(1e-12));
  CHECK(scattered.r_squared == Approx(0.64).epsilon(1e-12));
  CHECK(scattered.points == 4);

  CHECK(sp::fit_linear({{1, 5}, {2, 15}}).describe() == "linear: X = 10.00·N - 5.000; R² = 1.0000 (2 points)");
}

TEST_CASE("fit_amdahl and fit_linear refuse data they cannot fit, naming the problem") {
  using Catch::Matchers::Contains;
  CHECK_THROWS_WITH(sp::fit_amdahl({{1, 1}}), Contains("fit_amdahl: needs at least 2 points to fit σ and λ, got 1"));
  CHECK_THROWS_WITH(sp::fit_amdahl({{4, 1}, {4, 2}, {4, 3}}),
                    Contains("fit_amdahl: all 3 points have the same concurrency 4"));
  CHECK_THROWS_WITH(sp::fit_amdahl({{1, 1}, {2, std::nan("")}}),
                    Contains("fit_amdahl: throughput must be positive and finite, got nan in points[1]"));
  CHECK_THROWS_WITH(sp::fit_linear({{3, 1}}), Contains("fit_linear: needs at least 2 points"));
  CHECK_THROWS_WITH(sp::fit_linear({{3, 1}, {3, 2}}), Contains("fit_linear: all 2 points have the same concurrency 3"));
  CHECK_THROWS_WITH(sp::fit_linear({{-1, 1}, {3, 2}}),
                    Contains("fit_linear: concurrency must be positive and finite, got -1 in points[0]"));
}

TEST_CASE("a USL fit reports standard errors and 95% intervals as R's usl package does with confint") {
  // Reference: scipy 1.10's curve_fit on the same data (covariance s²(JᵀJ)⁻¹, the estimator
  // R's nls and usl report), with t(0.975, 4) = 2.776445 from scipy.stats.
  const auto m = sp::fit_usl(specsdm91);
  REQUIRE(m.uncertainty.has_value());
  const auto& u = *m.uncertainty;
  CHECK(u.degrees_of_freedom == 4);
  CHECK(u.level == 0.95);
  CHECK(u.sigma_se == Approx(9.12173221e-03).epsilon(1e-4));
  CHECK(u.kappa_se == Approx(1.98752710e-05).epsilon(1e-4));
  CHECK(u.lambda_se == Approx(1.42134900e+01).epsilon(1e-4));
  CHECK(u.sigma.low == Approx(0.002402486579).epsilon(1e-3));
  CHECK(u.sigma.high == Approx(0.053054464085).epsilon(1e-4));
  CHECK(u.kappa.low == Approx(4.918288464657e-05).epsilon(1e-3));
  CHECK(u.kappa.high == Approx(1.5954808233e-04).epsilon(1e-4));
  CHECK(u.lambda.low == Approx(50.5322578772).epsilon(1e-4));
  CHECK(u.lambda.high == Approx(129.458207227).epsilon(1e-4));
  // N* = √((1−σ)/κ) by the delta method.
  CHECK(u.peak_concurrency_se == Approx(8.98795254946).epsilon(1e-3));
  CHECK(u.peak_concurrency.low == Approx(71.5650042837).epsilon(1e-3));
  CHECK(u.peak_concurrency.high == Approx(121.474118007).epsilon(1e-3));
  CHECK(u.sigma.contains(m.sigma));
  CHECK(u.kappa.contains(m.kappa));
  CHECK(u.peak_concurrency.contains(m.peak_concurrency()));
}

TEST_CASE("intervals are clipped at zero, unbounded where κ may be 0, and absent without degrees of freedom") {
  // A fit to the model's own values (rounded to 4 decimals): intervals all but closed.
  const auto exact = sp::fit_usl(usl_example);
  REQUIRE(exact.uncertainty.has_value());
  CHECK(exact.uncertainty->sigma.width() < 1e-4);
  CHECK(exact.uncertainty->sigma.contains(0.02));
  // Nearly linear, noisy data: κ's interval starts at 0, so N* has no upper bound.
  const auto noisy = sp::fit_usl({{1, 100}, {2, 205}, {3, 290}, {4, 410}, {5, 490}, {6, 610}});
  REQUIRE(noisy.uncertainty.has_value());
  CHECK(noisy.uncertainty->kappa.low == 0);
  CHECK(noisy.uncertainty->sigma.low >= 0);
  CHECK(std::isinf(noisy.uncertainty->peak_concurrency.high));
  // Three points for three parameters: nothing left to estimate the noise with.
  CHECK_FALSE(sp::fit_usl({{1, 100}, {2, 180}, {4, 300}}).uncertainty.has_value());
  // A model written by hand has none either.
  CHECK_FALSE(sp::usl_model{.sigma = 0.1, .kappa = 0.01, .lambda = 1}.uncertainty.has_value());
}

TEST_CASE("Student's t quantile for 95% intervals follows the table, then the expansion") {
  // scipy.stats.t.ppf(0.975, df)
  const std::pair<int, double> rows[] = {{1, 12.706204736}, {2, 4.302652730}, {5, 2.570581837}, {30, 2.042272456},
                                         {31, 2.039513446}, {40, 2.021075383}, {100, 1.983971518}, {1000, 1.962339081}};
  for (const auto& [df, t] : rows) {
    CAPTURE(df);
    CHECK(sp::detail::fit::student_t_975(df) == Approx(t).epsilon(1e-4));
  }
  CHECK(std::isinf(sp::detail::fit::student_t_975(0)));
}
