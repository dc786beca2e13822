// GoogleTest/GoogleMock integration: gMock matchers that turn a run's thresholds and a scaling
// curve's expectations into `EXPECT_THAT` assertions whose failures show the observed values,
// and `PrintTo` for results, curves and fitted models.
//
// ```cpp
// #include <stampede/testing/gtest.hpp>
// namespace sp = stampede;
//
// TEST(TodoApi, HoldsP95Under50msAt2kRps) {
//   auto result = sp::run(make_test());
//   EXPECT_THAT(result, sp::gtest::MeetsThresholds());
// }
// TEST(Replicas, Scale) {
//   EXPECT_THAT(sweep.run(), sp::gtest::Meets(sp::no_retrograde(8), sp::efficiency_at(4) >= 0.8));
// }
// ```
//
// Link `stampede::gtest`. gMock's names are CamelCase, so these are too.
#pragma once

#include <gmock/gmock.h>

#include <stampede/exec/result.hpp>
#include <stampede/scaling/curve.hpp>
#include <stampede/scaling/expect.hpp>
#include <stampede/scaling/fit.hpp>
#include <stampede/testing/detail/messages.hpp>

#include <concepts>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace stampede {

// Printers GoogleTest finds by argument-dependent lookup: a result as one line (the whole
// summary would bury the assertion), a curve as its table, a model as it describes itself.

/// `result: finished after 10s, 1000 complete and 0 interrupted iterations, thresholds: 1 of 2 failed`.
inline void PrintTo(const result& r, std::ostream* os) { *os << detail::test_messages::result_line(r); }
/// The curve's table, on lines of its own.
inline void PrintTo(const curve& c, std::ostream* os) {
  *os << "\n" << detail::test_messages::trimmed(c.to_table().to_text());
}
/// `usl_model::describe()`.
inline void PrintTo(const usl_model& m, std::ostream* os) { *os << m.describe(); }
/// `expectation::describe()`.
inline void PrintTo(const expectation& e, std::ostream* os) { *os << e.describe(); }

namespace gtest {

/// What `MeetsThresholds()` wraps.
class thresholds_matcher final : public ::testing::MatcherInterface<const result&> {
 public:
  bool MatchAndExplain(const result& r, ::testing::MatchResultListener* listener) const override {
    const bool ok = detail::test_messages::meets_thresholds(r);
    if (!ok && listener->IsInterested()) *listener << detail::test_messages::threshold_failures(r);
    return ok;
  }
  void DescribeTo(std::ostream* os) const override { *os << "meets all its thresholds"; }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "stops early or fails at least one threshold";
  }
};

/// Matches an `sp::result` whose run finished with every threshold passed (`exit_code()` is
/// 0). On a failure gMock prints the result's line, then each failed threshold with its
/// observed value (`✗ http_req_duration p(95)<200ms, observed p(95)=312.4ms`) and, if the run
/// stopped early, why.
[[nodiscard]] inline ::testing::Matcher<const result&> MeetsThresholds() {
  return ::testing::MakeMatcher(new thresholds_matcher{});
}

/// What `Meets(…)` wraps: `verify(curve, expectations)`.
class expectations_matcher final : public ::testing::MatcherInterface<const curve&> {
 public:
  explicit expectations_matcher(std::vector<expectation> expectations) : expectations_{std::move(expectations)} {}

  bool MatchAndExplain(const curve& c, ::testing::MatchResultListener* listener) const override {
    const auto report = verify(c, expectations_);
    if (!report.passed() && listener->IsInterested()) {
      // On a line of its own: gMock writes it right after the table's last row.
      *listener << "\n" << detail::test_messages::failure_without_table(report);
    }
    return report.passed();
  }
  void DescribeTo(std::ostream* os) const override { *os << detail::test_messages::expectations_line(expectations_); }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "does not " << detail::test_messages::expectations_line(expectations_);
  }

 private:
  std::vector<expectation> expectations_;
};

/// Matches an `sp::curve` that meets every expectation. On a failure gMock prints the curve
/// (its table, as the actual value), then the report's `failure_message()` without the table:
/// the failed expectations with what was observed, and the fitted USL model.
/// `EXPECT_THAT(curve, sp::gtest::Meets(sp::no_retrograde(8), sp::efficiency_at(4) >= 0.8))`.
[[nodiscard]] inline ::testing::Matcher<const curve&> Meets(std::vector<expectation> expectations) {
  return ::testing::MakeMatcher(new expectations_matcher{std::move(expectations)});
}
template <std::convertible_to<expectation>... E>
[[nodiscard]] ::testing::Matcher<const curve&> Meets(E&&... expectations) {
  return Meets(std::vector<expectation>{expectation(std::forward<E>(expectations))...});
}

}  // namespace gtest
}  // namespace stampede
