// Tests of the Catch2 integration: meets_thresholds() and meets(…) pass and fail where they
// should, a failure's description holds the observed values (and the table and model for a
// curve), and results, curves and models print readably.
#include "support/catch_compat.hpp"

#include <stampede/testing/catch2.hpp>

#include "support/matcher_fixtures.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using namespace stampede::testing::fixtures;

namespace {

// What a failed REQUIRE_THAT/CHECK_THAT shows "with expansion": Catch2 v2 and v3 both write
// the value under test, a space and the matcher's description (after calling match on it).
template <class T, class M>
std::string reconstructed(const T& value, const M& matcher) {
  return Catch::Detail::stringify(value) + " " + matcher.toString();
}

}  // namespace

TEST_CASE("meets_thresholds accepts a run that finished with every threshold passed") {
  const auto r = passing_run();
  const auto matcher = sp::catch2::meets_thresholds();
  CHECK(matcher.match(r));
  CHECK(matcher.describe() == "meets all its thresholds");
  REQUIRE_THAT(r, sp::catch2::meets_thresholds());
  // A run without thresholds meets them all, as k6 exits 0 for it.
  REQUIRE_THAT(run_of({}), sp::catch2::meets_thresholds());
}

TEST_CASE("meets_thresholds lists each failed threshold with its observed value, k6-style") {
  const auto matcher = sp::catch2::meets_thresholds();
  REQUIRE_FALSE(matcher.match(failing_run()));
  CHECK(matcher.describe() ==
        "\nmeets all its thresholds, but 1 of 2 thresholds failed:\n"
        "  ✗ http_req_duration p(95)<200ms, observed p(95)=312.5ms");
  // The threshold that passed is not listed.
  CHECK_THAT(matcher.describe(), !Contains("http_req_failed"));
}

TEST_CASE("meets_thresholds marks each condition of a compound threshold that failed") {
  const auto both = sp::http_req_duration.p(95) < 200ms && sp::http_req_failed.rate() < 0.01;
  const auto r = run_of({evaluated(both, {{"http_req_duration p(95)", 150e6}, {"http_req_failed rate", 0.025}})});
  const auto matcher = sp::catch2::meets_thresholds();
  REQUIRE_FALSE(matcher.match(r));
  CHECK(matcher.describe() ==
        "\nmeets all its thresholds, but 1 of 1 threshold failed:\n"
        "  ✗ http_req_duration p(95)<200ms && http_req_failed rate<0.01\n"
        "      ✓ http_req_duration p(95)<200ms, observed p(95)=150ms\n"
        "      ✗ http_req_failed rate<0.01, observed rate=2.50%");
}

TEST_CASE("meets_thresholds fails a run that stopped early and says why, even with thresholds passed") {
  auto r = passing_run();
  r.status = sp::run_status::test_aborted;
  r.message = "the test called abort_test(): backend down";
  const auto matcher = sp::catch2::meets_thresholds();
  REQUIRE_FALSE(matcher.match(r));
  CHECK(matcher.describe() ==
        "\nmeets all its thresholds, but the run stopped early: aborted by the test "
        "(the test called abort_test(): backend down)");

  auto aborted = failing_run();
  aborted.status = sp::run_status::threshold_aborted;
  aborted.message = "http_req_duration p(95)<200ms failed";
  REQUIRE_FALSE(matcher.match(aborted));
  CHECK_THAT(matcher.describe(), Contains("the run stopped early: aborted by a threshold (http_req_duration p(95)<200ms failed)") &&
                                     Contains("✗ http_req_duration p(95)<200ms, observed p(95)=312.5ms"));
}

TEST_CASE("a failed threshold whose metric got no samples shows the 0 it was judged on") {
  // At the end of a run k6 compares a metric without samples as 0: rate<0.01 holds, `!` fails.
  const auto r = run_of({evaluated(!(sp::http_req_failed.rate() < 0.01), {})});
  const auto matcher = sp::catch2::meets_thresholds();
  REQUIRE_FALSE(matcher.match(r));
  CHECK_THAT(matcher.describe(), Contains("✗ http_req_failed rate<0.01, observed rate=0.00%"));
}

TEST_CASE("a failed REQUIRE_THAT on a result reads as the result's line, then the failed thresholds on lines of their own") {
  const auto r = failing_run();
  const auto matcher = sp::catch2::meets_thresholds();
  REQUIRE_FALSE(matcher.match(r));
  CHECK(reconstructed(r, matcher) ==
        "result: finished after 10s, 1000 complete and 2 interrupted iterations, thresholds: 1 of 2 failed \n"
        "meets all its thresholds, but 1 of 2 thresholds failed:\n"
        "  ✗ http_req_duration p(95)<200ms, observed p(95)=312.5ms");
}

TEST_CASE("a result prints as one line with its status, iterations and thresholds") {
  CHECK(Catch::Detail::stringify(passing_run()) ==
        "result: finished after 10s, 1000 complete and 2 interrupted iterations, thresholds: all 2 passed");
  CHECK(Catch::Detail::stringify(run_of({})) ==
        "result: finished after 10s, 1000 complete and 2 interrupted iterations, no thresholds");

  auto r = failing_run();
  r.status = sp::run_status::interrupted;
  r.message = "stopped by SIGINT";
  r.errors = {{"default", "connection refused", 3}, {"default", "timeout", 1}};
  CHECK(Catch::Detail::stringify(r) ==
        "result: interrupted after 10s (stopped by SIGINT), 1000 complete and 2 interrupted iterations, "
        "4 iteration errors, thresholds: 1 of 2 failed");
}

TEST_CASE("a curve prints as its table and a fitted model as its description") {
  const auto c = scaling_curve();
  const auto text = Catch::Detail::stringify(c);
  auto table = c.to_table().to_text();
  while (!table.empty() && table.back() == '\n') table.pop_back();
  CHECK(text == table);
  CHECK_THAT(text, Contains("7600"));

  const auto model = sp::fit_usl(c.points());
  CHECK(Catch::Detail::stringify(model) == model.describe());
  CHECK_THAT(Catch::Detail::stringify(model), Contains("USL: σ = "));
  const auto e = sp::efficiency_at(4) >= 0.8;
  CHECK(Catch::Detail::stringify(e) == e.describe());
}

TEST_CASE("meets accepts a curve that meets every expectation") {
  const auto matcher = sp::catch2::meets(sp::no_retrograde(8), sp::efficiency_at(4) >= 0.8);
  CHECK(matcher.match(scaling_curve()));
  CHECK(matcher.describe() ==
        "meets 2 scaling expectations: " + sp::no_retrograde(8).describe() + ", " +
            (sp::efficiency_at(4) >= 0.8).describe());
  REQUIRE_THAT(scaling_curve(), sp::catch2::meets(sp::scales_linearly(8, 0.1)));
  REQUIRE_THAT(scaling_curve(), sp::catch2::meets(std::vector<sp::expectation>{sp::no_retrograde(), sp::generator_not_saturated()}));
}

TEST_CASE("meets fails a retrograde curve with the failed expectations and the fitted model") {
  const std::vector<sp::expectation> expectations{sp::no_retrograde(8), sp::efficiency_at(4) >= 0.8,
                                                  sp::efficiency_at(2) >= 0.8};
  const auto matcher = sp::catch2::meets(expectations);
  const auto c = retrograde_curve();
  REQUIRE_FALSE(matcher.match(c));
  const auto report = sp::verify(c, expectations);
  CHECK(matcher.report().results == report.results);

  const auto text = matcher.describe();
  CHECK_THAT(text, Contains(sp::detail::test_messages::expectations_line(expectations) + "\n" +
                            "2 of 3 scaling expectations failed:\n"));
  CHECK_THAT(text, Contains("  ✗ " + (sp::efficiency_at(4) >= 0.8).describe() + ": efficiency_at(4) was 0.75\n"));
  CHECK_THAT(text, Contains("  ✗ " + sp::no_retrograde(8).describe() + ": throughput fell"));
  CHECK_THAT(text, !Contains("✗ " + (sp::efficiency_at(2) >= 0.8).describe()));
  CHECK_THAT(text, Contains("\n" + report.model));  // the fitted model, last
  CHECK_THAT(report.model, Contains("USL: σ = "));
  // Every line of the report's failure message is there but the table's, which Catch2
  // prints just before as the curve itself.
  CHECK_THAT(text, !Contains(report.table));
}

TEST_CASE("a failed REQUIRE_THAT on a curve shows its table once, then what failed and the model") {
  const auto c = retrograde_curve();
  const auto matcher = sp::catch2::meets(sp::no_retrograde(8), sp::efficiency_at(4) >= 0.8);
  REQUIRE_FALSE(matcher.match(c));
  const auto text = reconstructed(c, matcher);
  const auto table = c.to_table().to_text();
  REQUIRE(text.starts_with(table.substr(0, table.size() - 1) + " meets 2 scaling expectations: "));
  CHECK(text.find(table.substr(0, table.find('\n'))) == text.rfind(table.substr(0, table.find('\n'))));
  CHECK_THAT(text, Contains("2 of 2 scaling expectations failed:") && Contains("efficiency_at(4) was 0.75") &&
                       Contains("USL: σ = "));
}

TEST_CASE("a matcher used for a second value describes the second value's failure") {
  const auto matcher = sp::catch2::meets_thresholds();
  REQUIRE_FALSE(matcher.match(failing_run()));
  CHECK_THAT(matcher.toString(), Contains("p(95)=312.5ms"));
  auto interrupted = passing_run();
  interrupted.status = sp::run_status::interrupted;
  REQUIRE_FALSE(matcher.match(interrupted));
  CHECK(matcher.toString() == "\nmeets all its thresholds, but the run stopped early: interrupted");
}
