// Tests of the GoogleTest integration (testing/gtest.hpp): MeetsThresholds() and Meets(…)
// accept and refuse where they should, a failure's explanation holds the observed values (and
// the failed expectations and fitted model for a curve), and PrintTo prints readably.
#include <stampede/testing/gtest.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/matcher_fixtures.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace stampede::testing::fixtures;

namespace {

template <class T>
std::string explanation(const ::testing::Matcher<const T&>& m, const T& value) {
  ::testing::StringMatchResultListener listener;
  EXPECT_FALSE(::testing::ExplainMatchResult(m, value, &listener));
  return listener.str();
}

}  // namespace

TEST(MeetsThresholds, AcceptsARunThatFinishedWithEveryThresholdPassed) {
  EXPECT_THAT(passing_run(), sp::gtest::MeetsThresholds());
  EXPECT_THAT(run_of({}), sp::gtest::MeetsThresholds());
  EXPECT_EQ(::testing::DescribeMatcher<const sp::result&>(sp::gtest::MeetsThresholds()), "meets all its thresholds");
  EXPECT_EQ(::testing::DescribeMatcher<const sp::result&>(sp::gtest::MeetsThresholds(), /*negation=*/true),
            "stops early or fails at least one threshold");
}

TEST(MeetsThresholds, ExplainsEachFailedThresholdWithItsObservedValue) {
  EXPECT_EQ(explanation(sp::gtest::MeetsThresholds(), failing_run()),
            "1 of 2 thresholds failed:\n"
            "  ✗ http_req_duration p(95)<200ms, observed p(95)=312.5ms");
}

TEST(MeetsThresholds, MarksEachConditionOfACompoundThreshold) {
  const auto both = sp::http_req_duration.p(95) < 200ms && sp::http_req_failed.rate() < 0.01;
  const auto r = run_of({evaluated(both, {{"http_req_duration p(95)", 150e6}, {"http_req_failed rate", 0.025}})});
  EXPECT_EQ(explanation(sp::gtest::MeetsThresholds(), r),
            "1 of 1 threshold failed:\n"
            "  ✗ http_req_duration p(95)<200ms && http_req_failed rate<0.01\n"
            "      ✓ http_req_duration p(95)<200ms, observed p(95)=150ms\n"
            "      ✗ http_req_failed rate<0.01, observed rate=2.50%");
}

TEST(MeetsThresholds, RefusesARunThatStoppedEarlyAndSaysWhy) {
  auto r = failing_run();
  r.status = sp::run_status::threshold_aborted;
  r.message = "http_req_duration p(95)<200ms failed";
  EXPECT_EQ(explanation(sp::gtest::MeetsThresholds(), r),
            "the run stopped early: aborted by a threshold (http_req_duration p(95)<200ms failed)\n"
            "1 of 2 thresholds failed:\n"
            "  ✗ http_req_duration p(95)<200ms, observed p(95)=312.5ms");

  auto interrupted = passing_run();
  interrupted.status = sp::run_status::interrupted;
  EXPECT_EQ(explanation(sp::gtest::MeetsThresholds(), interrupted), "the run stopped early: interrupted");
}

TEST(PrintTo, PrintsAResultAsOneLine) {
  EXPECT_EQ(::testing::PrintToString(failing_run()),
            "result: finished after 10s, 1000 complete and 2 interrupted iterations, thresholds: 1 of 2 failed");
  auto r = passing_run();
  r.status = sp::run_status::setup_failed;
  r.message = "setup threw: connection refused";
  EXPECT_EQ(::testing::PrintToString(r),
            "result: setup failed after 10s (setup threw: connection refused), 1000 complete and 2 interrupted "
            "iterations, thresholds: all 2 passed");
}

TEST(PrintTo, PrintsACurveAsItsTableAndAModelAsItsDescription) {
  const auto c = scaling_curve();
  auto table = c.to_table().to_text();
  while (!table.empty() && table.back() == '\n') table.pop_back();
  EXPECT_EQ(::testing::PrintToString(c), "\n" + table);
  const auto model = sp::fit_usl(c.points());
  EXPECT_EQ(::testing::PrintToString(model), model.describe());
  const auto e = sp::no_retrograde(8);
  EXPECT_EQ(::testing::PrintToString(e), e.describe());
}

TEST(Meets, AcceptsACurveThatMeetsEveryExpectation) {
  EXPECT_THAT(scaling_curve(), sp::gtest::Meets(sp::no_retrograde(8), sp::efficiency_at(4) >= 0.8));
  EXPECT_THAT(scaling_curve(), sp::gtest::Meets(std::vector<sp::expectation>{sp::scales_linearly(8, 0.1)}));
  EXPECT_EQ(::testing::DescribeMatcher<const sp::curve&>(sp::gtest::Meets(sp::no_retrograde(8), sp::efficiency_at(4) >= 0.8)),
            "meets 2 scaling expectations: " + sp::no_retrograde(8).describe() + ", " +
                (sp::efficiency_at(4) >= 0.8).describe());
}

TEST(Meets, ExplainsAFailureWithTheFailedExpectationsAndTheFittedModel) {
  const std::vector<sp::expectation> expectations{sp::no_retrograde(8), sp::efficiency_at(4) >= 0.8,
                                                  sp::efficiency_at(2) >= 0.8};
  const auto c = retrograde_curve();
  const auto text = explanation(sp::gtest::Meets(expectations), c);
  const auto report = sp::verify(c, expectations);
  EXPECT_THAT(text, HasSubstr("2 of 3 scaling expectations failed:\n"));
  EXPECT_THAT(text, HasSubstr("  ✗ " + (sp::efficiency_at(4) >= 0.8).describe() + ": efficiency_at(4) was 0.75\n"));
  EXPECT_THAT(text, HasSubstr("  ✗ " + sp::no_retrograde(8).describe() + ": throughput fell"));
  EXPECT_THAT(text, Not(HasSubstr("✗ " + (sp::efficiency_at(2) >= 0.8).describe())));
  EXPECT_THAT(text, HasSubstr("\n" + report.model));
  EXPECT_THAT(report.model, HasSubstr("USL: σ = "));
  // gMock prints the curve, its table, as the actual value just before this.
  EXPECT_THAT(text, Not(HasSubstr(report.table)));
}
