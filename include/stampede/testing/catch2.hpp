// Catch2 integration (v2 and v3): matchers that turn a run's thresholds and a scaling curve's
// expectations into assertions whose failures show the observed values, and readable printing
// of results, curves and fitted models.
//
// ```cpp
// #include <stampede/testing/catch2.hpp>
// namespace sp = stampede;
//
// TEST_CASE("todo API holds p95 under 50 ms at 2k rps") {
//   auto result = sp::run(make_test());
//   REQUIRE_THAT(result, sp::catch2::meets_thresholds());
// }
// TEST_CASE("replicas scale") {
//   auto curve = sweep.run();
//   REQUIRE_THAT(curve, sp::catch2::meets(sp::no_retrograde(8), sp::efficiency_at(4) >= 0.8));
// }
// ```
//
// Link `stampede::catch2`. With Catch2 v2's single header, the translation unit that defines
// `CATCH_CONFIG_MAIN` or `CATCH_CONFIG_RUNNER` must include `<catch2/catch.hpp>` itself before
// this header (this header includes it without either).
#pragma once

// Whichever Catch2 the includer already has wins; otherwise v3 if its headers are on the
// include path, else v2's single header.
#if defined(CATCH_VERSION_MAJOR) && CATCH_VERSION_MAJOR < 3
// Catch2 v2's catch.hpp is already included.
#elif defined(CATCH_VERSION_MAJOR) || __has_include(<catch2/catch_version_macros.hpp>)
#  include <catch2/catch_tostring.hpp>
#  include <catch2/catch_version_macros.hpp>
#  include <catch2/matchers/catch_matchers.hpp>
#elif __has_include(<catch2/catch.hpp>)
#  include <catch2/catch.hpp>
#else
#  error "stampede/testing/catch2.hpp needs Catch2 v2 (catch2/catch.hpp) or v3 (catch2/catch_all.hpp) on the include path"
#endif

#include <stampede/exec/result.hpp>
#include <stampede/scaling/curve.hpp>
#include <stampede/scaling/expect.hpp>
#include <stampede/scaling/fit.hpp>
#include <stampede/testing/detail/messages.hpp>

#include <concepts>
#include <string>
#include <utility>
#include <vector>

namespace stampede {

namespace detail {
#if CATCH_VERSION_MAJOR >= 3
template <class T>
using catch2_matcher_base = Catch::Matchers::MatcherBase<T>;
#else
template <class T>
using catch2_matcher_base = Catch::Matchers::Impl::MatcherBase<T>;
#endif
}  // namespace detail

namespace catch2 {

/// The matcher `meets_thresholds()` returns. Catch2 calls `match` before `describe`, so after a
/// failed match the description lists why.
class thresholds_matcher final : public detail::catch2_matcher_base<result> {
 public:
  /// Whether the run ran to its end with every threshold passed (`exit_code()` is 0).
  inline bool match(const result& r) const override;
  /// `meets all its thresholds`; after a failed match, on a line of its own (Catch2 prints it
  /// after the result's line), followed by the failed thresholds with their observed values
  /// and, if the run stopped early, why. Public so tests and logs can read it.
  inline std::string describe() const override;

 private:
  mutable std::string failure_;  // from the last match(); Catch2 copies matchers with it
};

/// Matches an `sp::result` whose run finished with every threshold passed. A failure reads
///
/// ```text
/// REQUIRE_THAT( result, sp::catch2::meets_thresholds() )
/// with expansion:
///   result: finished after 10s, 1000 complete and 0 interrupted iterations, thresholds: 1 of 2 failed
///   meets all its thresholds, but 1 of 2 thresholds failed:
///     ✗ http_req_duration p(95)<200ms, observed p(95)=312.4ms
/// ```
[[nodiscard]] thresholds_matcher meets_thresholds();

/// The matcher `meets(…)` returns: `verify(curve, expectations)`. After a failed match the
/// description adds the report's `failure_message()` — the failed expectations with what was
/// observed and the fitted USL model — without the curve's table, which Catch2 prints just
/// before it as the value under test. `report()` has the whole report.
class expectations_matcher final : public detail::catch2_matcher_base<curve> {
 public:
  explicit expectations_matcher(std::vector<expectation> expectations);

  inline bool match(const curve& c) const override;
  inline std::string describe() const override;
  /// The report of the last `match`, empty before one.
  [[nodiscard]] const expectations_report& report() const noexcept { return report_; }

 private:
  std::vector<expectation> expectations_;
  mutable expectations_report report_;
  mutable bool matched_ = false;
};

/// Matches an `sp::curve` that meets every expectation:
/// `REQUIRE_THAT(curve, sp::catch2::meets(sp::no_retrograde(8), sp::efficiency_at(4) >= 0.8))`.
[[nodiscard]] expectations_matcher meets(std::vector<expectation> expectations);
template <std::convertible_to<expectation>... E>
[[nodiscard]] expectations_matcher meets(E&&... expectations) {
  return expectations_matcher{std::vector<expectation>{expectation(std::forward<E>(expectations))...}};
}

// --- implementation ---------------------------------------------------------------------

inline bool thresholds_matcher::match(const result& r) const {
  const bool ok = detail::test_messages::meets_thresholds(r);
  failure_ = ok ? std::string{} : detail::test_messages::threshold_failures(r);
  // Catch2 caches the description on the first toString(); a matcher reused for another
  // value must not show the previous value's failure.
  m_cachedToString.clear();
  return ok;
}

inline std::string thresholds_matcher::describe() const {
  if (failure_.empty()) return "meets all its thresholds";
  return "\nmeets all its thresholds, but " + failure_;
}

inline thresholds_matcher meets_thresholds() { return thresholds_matcher{}; }

inline expectations_matcher::expectations_matcher(std::vector<expectation> expectations)
    : expectations_{std::move(expectations)} {}

inline bool expectations_matcher::match(const curve& c) const {
  report_ = verify(c, expectations_);
  matched_ = true;
  m_cachedToString.clear();  // as in thresholds_matcher::match
  return report_.passed();
}

inline std::string expectations_matcher::describe() const {
  std::string out = detail::test_messages::expectations_line(expectations_);
  if (matched_ && !report_.passed()) out += "\n" + detail::test_messages::failure_without_table(report_);
  return out;
}

inline expectations_matcher meets(std::vector<expectation> expectations) {
  return expectations_matcher{std::move(expectations)};
}

}  // namespace catch2
}  // namespace stampede

// Printing: a result as one line (the whole summary would bury the assertion), a curve as its
// table, a fitted model and an expectation as they describe themselves.
namespace Catch {

template <>
struct StringMaker<stampede::result> {
  static std::string convert(const stampede::result& r) { return stampede::detail::test_messages::result_line(r); }
};

template <>
struct StringMaker<stampede::curve> {
  static std::string convert(const stampede::curve& c) {
    return stampede::detail::test_messages::trimmed(c.to_table().to_text());
  }
};

template <>
struct StringMaker<stampede::usl_model> {
  static std::string convert(const stampede::usl_model& m) { return m.describe(); }
};

template <>
struct StringMaker<stampede::expectation> {
  static std::string convert(const stampede::expectation& e) { return e.describe(); }
};

}  // namespace Catch
