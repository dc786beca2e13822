// Tests of the scaling expectations on hand-made curves: each passes and fails where it
// should, describes itself, and a failure message holds the table and the fitted model.
#include <stampede/scaling/expect.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

sp::study_point at(double level, std::vector<double> rps, std::chrono::nanoseconds p50 = 10ms) {
  std::vector<sp::measurement> runs;
  for (const double x : rps) {
    sp::measurement m;
    m.window = 10s;
    m.requests = static_cast<std::uint64_t>(x * 10);
    m.requests_per_second = x;
    m.p50 = p50;
    m.p95 = p50;
    m.p99 = p50;
    runs.push_back(m);
  }
  auto median = sp::median_of(runs);
  return {sp::configuration{{"replicas", level}}, std::move(runs), median};
}

// Throughput from the USL with σ = κ = 0.02, λ = 100 (the R usl package's test curve × 100).
sp::curve usl_curve() {
  std::vector<sp::study_point> pts;
  for (const double n : {1.0, 2.0, 4.0, 6.0, 8.0, 10.0}) {
    const double x = 100 * n / (1 + 0.02 * (n - 1) + 0.02 * n * (n - 1));
    pts.push_back(at(n, {x}, std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(n / x))));
  }
  return sp::curve{{"replicas"}, pts};
}

sp::curve linear_curve() {
  return sp::curve{{"replicas"}, {at(1, {100}), at(2, {199}), at(4, {396}), at(8, {790})}};
}

}  // namespace

TEST_CASE("scales_linearly holds while efficiency stays within the tolerance") {
  const auto e = sp::scales_linearly(8, 0.05);
  CHECK(e.describe() == "scales_linearly(up to 8, tolerance 5%)");
  const auto ok = e.evaluate(linear_curve());
  CHECK(ok.passed);
  CHECK(ok.observed == "lowest efficiency 0.9875 at replicas=8");
  const auto bad = e.evaluate(usl_curve());
  CHECK_FALSE(bad.passed);
  CHECK(bad.observed.find("at replicas=8") != std::string::npos);
  // Two replicas keep 1 / (1 + σ + 2κ) = 94.3% of linear: within 6%, not within 5%.
  CHECK(sp::scales_linearly(2, 0.06).evaluate(usl_curve()).passed);
  CHECK_FALSE(sp::scales_linearly(2, 0.05).evaluate(usl_curve()).passed);
}

TEST_CASE("no_retrograde fails where throughput falls past the noise, and says where") {
  const auto c = usl_curve();  // peaks at N = 7, falls 5% by N = 10
  CHECK(sp::no_retrograde(8).evaluate(c).passed);
  const auto r = sp::no_retrograde().evaluate(c);
  CHECK_FALSE(r.passed);
  CHECK(r.observed == "throughput fell 5.2% from replicas=8 (354.0/s) to replicas=10 (335.6/s)");
  CHECK(sp::no_retrograde(10, 0.06).evaluate(c).passed);  // within a 6% noise allowance
  // Repetitions' spread widens the allowance: 300 measured as 280–340 is 20% of noise.
  const sp::curve noisy{{"replicas"}, {at(1, {100}), at(2, {340, 300, 280})}};
  CHECK(sp::no_retrograde(2, 0.05).evaluate(sp::curve{{"replicas"}, {at(1, {320}), at(2, {340, 300, 280})}}).passed);
  CHECK(sp::no_retrograde().evaluate(noisy).passed);
}

TEST_CASE("quantities compare into expectations that report the observed value") {
  const auto c = usl_curve();
  const auto e = sp::efficiency_at(4) >= 0.9;
  CHECK(e.describe() == "efficiency_at(4) >= 0.9");
  const auto r = e.evaluate(c);
  CHECK_FALSE(r.passed);
  CHECK(r.observed == "efficiency_at(4) was 0.7692");
  CHECK((sp::throughput_at(8) > 350).evaluate(c).passed);
  CHECK((sp::latency_growth(10) <= 3.5).evaluate(c).passed);
  CHECK_FALSE((sp::latency_growth(10) <= 2.5).evaluate(c).passed);
}

TEST_CASE("USL quantities read the fitted model off the curve") {
  const auto c = usl_curve();
  const auto s = (sp::sigma() < 0.021).evaluate(c);
  CHECK(s.passed);
  CHECK(s.observed == "sigma was 0.02 (95% interval 0.02 to 0.02)");  // an exact curve: no noise
  CHECK((sp::kappa() > 0.019 && sp::kappa() < 0.021).evaluate(c).passed);
  CHECK((sp::peak_concurrency() >= 6.9 && sp::peak_concurrency() <= 7.1).evaluate(c).passed);
  CHECK((sp::usl_r_squared() > 0.999).evaluate(c).passed);
  // Two points are too few for three parameters: a failed expectation that says why.
  const auto r = (sp::kappa() < 1).evaluate(sp::curve{{"replicas"}, {at(1, {100}), at(2, {190})}});
  CHECK_FALSE(r.passed);
  CHECK(r.observed.rfind("could not be read off the curve: ", 0) == 0);
}

TEST_CASE("expectations combine with && || ! and keep their operands") {
  const auto c = usl_curve();
  sp::expectation both = sp::no_retrograde(8) && sp::efficiency_at(2) >= 0.9;
  {
    // The operands are gone; the combination still works (they were copied, not referenced).
    auto temporary = sp::no_retrograde();
    both = both && !temporary;
  }
  CHECK(both.describe() == "no_retrograde(up to 8, noise 5%) && efficiency_at(2) >= 0.9 && !(no_retrograde(noise 5%))");
  CHECK(both.evaluate(c).passed);
  CHECK_FALSE((sp::no_retrograde() && sp::efficiency_at(2) >= 0.9).evaluate(c).passed);
  CHECK((sp::no_retrograde() || sp::efficiency_at(2) >= 0.9).evaluate(c).passed);
}

TEST_CASE("verify reports each expectation and a failure message with the table and the model") {
  const auto report = sp::verify(usl_curve(), {sp::no_retrograde(), sp::peak_concurrency() >= 6});
  CHECK_FALSE(report.passed());
  REQUIRE(report.results.size() == 2);
  CHECK(report.to_text().rfind("✗ no_retrograde(noise 5%): throughput fell", 0) == 0);
  CHECK(report.to_text().find("✓ peak_concurrency >= 6: peak_concurrency was 7") != std::string::npos);
  const auto message = report.failure_message();
  CHECK(message.rfind("1 of 2 scaling expectations failed:\n  ✗ no_retrograde", 0) == 0);
  CHECK(message.find("Replicas    RPS") != std::string::npos);
  CHECK(message.find("USL: σ = 0.0200") != std::string::npos);
}

TEST_CASE("generator_not_saturated names the point whose generator was the bottleneck") {
  auto pts = linear_curve().measured();
  pts[3].median.generator.saturated = true;
  pts[3].median.generator.reason = "its shards used 95% of their CPU";
  const auto r = sp::generator_not_saturated().evaluate(sp::curve{{"replicas"}, pts});
  CHECK_FALSE(r.passed);
  CHECK(r.observed == "at replicas=8: its shards used 95% of their CPU");
  CHECK(sp::generator_not_saturated().evaluate(linear_curve()).passed);
}

namespace {

// The USL with σ = 0.05, κ = 0.01, λ = 100 at 1…8, each throughput off by up to ±4%.
sp::curve noisy_usl_curve() {
  const double noise[] = {1.00, 0.97, 1.03, 0.96, 1.04, 0.98, 1.02, 0.99};
  std::vector<sp::study_point> pts;
  for (int i = 0; i < 8; ++i) {
    const double n = i + 1;
    pts.push_back(at(n, {noise[i] * 100 * n / (1 + 0.05 * (n - 1) + 0.01 * n * (n - 1))}));
  }
  return sp::curve{{"replicas"}, pts};
}

}  // namespace

TEST_CASE("sigma, kappa and peak_concurrency are judged by their 95% interval, not by luck") {
  const auto c = noisy_usl_curve();
  const auto model = sp::fit_usl(c.points());
  REQUIRE(model.uncertainty.has_value());
  const auto& u = *model.uncertainty;
  INFO(model.describe());
  // The interval holds the true values.
  CHECK(u.sigma.contains(0.05));
  CHECK(u.kappa.contains(0.01));

  // Wholly on one side of the bound: met or missed.
  CHECK((sp::kappa() < u.kappa.high * 1.01).evaluate(c).passed);
  const auto missed = (sp::kappa() > u.kappa.high * 1.01).evaluate(c);
  CHECK_FALSE(missed.passed);
  CHECK_FALSE(missed.inconclusive);

  // The estimate meets a bound inside the interval, but the interval does not: inconclusive,
  // which counts as not passed, and its negation is not a pass either.
  const double inside = (model.kappa + u.kappa.high) / 2;
  const auto straddles = (sp::kappa() < inside).evaluate(c);
  CHECK_FALSE(straddles.passed);
  CHECK(straddles.inconclusive);
  CHECK(straddles.observed.find("the interval straddles") != std::string::npos);
  const auto negated = (!(sp::kappa() < inside)).evaluate(c);
  CHECK_FALSE(negated.passed);
  CHECK(negated.inconclusive);
  // Composed: a definite failure decides an &&, a pass decides an ||.
  CHECK_FALSE((sp::kappa() < inside && sp::sigma() > 1).evaluate(c).inconclusive);
  CHECK((sp::kappa() < inside || sp::usl_r_squared() > 0.9).evaluate(c).passed);
  CHECK((sp::kappa() < inside && sp::usl_r_squared() > 0.9).evaluate(c).inconclusive);
  CHECK_FALSE(sp::verify(c, {sp::kappa() < inside}).passed());

  // Three points leave no degrees of freedom: the estimate is judged, and the result says so.
  const sp::curve three{{"replicas"}, {at(1, {100}), at(2, {180}), at(4, {300})}};
  const auto estimate = (sp::sigma() < 1).evaluate(three);
  CHECK(estimate.passed);
  CHECK(estimate.observed.find("no interval") != std::string::npos);
}
