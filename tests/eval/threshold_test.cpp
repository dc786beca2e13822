// Tests of thresholds: C++ construction, k6's string form and its errors, combinators,
// description and evaluation.
#include <stampede/eval/threshold.hpp>

#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

// A run described by the value of each aggregation, keyed by "metric aggregation".
sp::aggregate_source values(std::map<std::string, std::vector<double>> table) {
  return [table = std::move(table)](const sp::metric_aggregate& a) {
    const auto it = table.find(a.metric.display_name() + " " + a.aggregation_name());
    return it == table.end() ? std::vector<double>{} : it->second;
  };
}

}  // namespace

TEST_CASE("a threshold built in C++ keeps the aggregation, the operator and the bound in recorded units") {
  const auto t = sp::http_req_duration.p(95) < 200ms;
  const auto c = t.conditions();
  REQUIRE(c.size() == 1);
  CHECK(c[0].aggregate == sp::http_req_duration.p(95));
  CHECK(c[0].op == sp::comparison::less);
  CHECK(c[0].bound == 200e6);  // nanoseconds
  CHECK(c[0].expression() == "p(95)<200");
  CHECK(t.describe() == "http_req_duration p(95)<200");

  CHECK((sp::http_req_failed.rate() < 0.01).describe() == "http_req_failed rate<0.01");
  CHECK((sp::http_reqs.count() >= 1000).describe() == "http_reqs count>=1000");
  CHECK((sp::vus.value() == 10).describe() == "vus value==10");
  CHECK((sp::iteration_duration.med() != 1500us).describe() == "iteration_duration med!=1.5");
  CHECK((sp::http_req_waiting.max() <= 2s).describe() == "http_req_waiting max<=2000");
}

TEST_CASE("a time metric takes a duration and other metrics take numbers") {
  CHECK_THROWS_WITH(sp::http_req_duration.p(95) < 200,
                    "threshold on http_req_duration p(95): it is a time value; compare it with a duration such as 200ms");
  CHECK_THROWS_WITH(sp::http_req_failed.rate() < 10ms,
                    "threshold on http_req_failed rate: compared with a duration, but it is not a time value; compare it with a number");
  CHECK_THROWS_AS(sp::http_reqs.count() > 5s, sp::usage_error);
}

TEST_CASE("the k6 string form parses into the same threshold as the C++ form") {
  struct row {
    const char* metric;
    const char* expression;
    sp::threshold expected;
  };
  const auto expected_response = sp::http_req_duration.where("expected_response", "true");
  const row rows[] = {
      {"http_req_duration", "p(95)<200", sp::http_req_duration.p(95) < 200ms},
      {"http_req_duration", "  p(99.9) <= 1500 ", sp::http_req_duration.p(99.9) <= 1500ms},
      {"http_req_duration{expected_response:true}", "avg<100", expected_response.avg() < 100ms},
      {"http_req_duration{ expected_response : true }", "med<100", expected_response.med() < 100ms},
      {"http_req_failed", "rate<0.01", sp::http_req_failed.rate() < 0.01},
      {"http_reqs", "count>=100", sp::http_reqs.count() >= 100},
      {"http_reqs", "rate>50.5", sp::http_reqs.rate() > 50.5},
      {"vus", "value===10", sp::vus.value() == 10},
      {"checks", "rate!=0", sp::checks.rate() != 0},
      {"data_received", "count>1000000", sp::data_received.count() > 1000000},
      {"http_reqs{url:\"http://h/?a=1,b=2\"}", "count>0", sp::http_reqs.where("url", "http://h/?a=1,b=2").count() > 0},
      {"http_reqs{name:list todos,method:GET}", "count>0", sp::http_reqs.where("name", "list todos").where("method", "GET").count() > 0},
  };
  for (const auto& r : rows) {
    INFO(r.metric << " " << r.expression);
    const auto parsed = sp::threshold::parse(r.metric, r.expression);
    CHECK(parsed.conditions() == r.expected.conditions());
    CHECK(parsed.describe() == r.expected.describe());
  }
}

TEST_CASE("custom metrics parse when they are passed with the built-ins") {
  const sp::rate under_500ms{"requests_under_500ms"};
  auto known = sp::builtin_metrics();
  CHECK_THROWS_AS(sp::threshold::parse("requests_under_500ms", "rate>0.95", known), sp::parse_error);
  known.push_back(under_500ms.descriptor());
  CHECK(sp::threshold::parse("requests_under_500ms", "rate>0.95", known).conditions() ==
        (under_500ms.rate() > 0.95).conditions());
}

TEST_CASE("a malformed threshold string is a parse error pointing at the offending character") {
  struct row {
    const char* metric;
    const char* expression;
    std::string message;
  };
  const row rows[] = {
      {"http_req_duration", "p(101)<200",
       "invalid threshold \"p(101)<200\": a percentile is a number from 0 to 100\n  p(101)<200\n    ^"},
      {"http_req_duration", "p()<200",
       "invalid threshold \"p()<200\": p() needs a percentile between the parentheses, as in p(95)\n  p()<200\n    ^"},
      {"http_req_failed", "rate<",
       "invalid threshold \"rate<\": a number was expected after <\n  rate<\n       ^"},
      {"http_reqs", "avg<1",
       "invalid threshold \"avg<1\": avg does not apply to http_reqs, a counter (it takes count or rate)\n  avg<1\n  ^"},
      {"http_req_duration", "rate<1",
       "invalid threshold \"rate<1\": rate does not apply to http_req_duration, a trend (it takes avg, min, max, med or p(N))\n  rate<1\n  ^"},
      {"http_req_duration", "p(95)<200ms",
       "invalid threshold \"p(95)<200ms\": unexpected text after the number (k6 thresholds take a bare number: milliseconds for time metrics)\n  p(95)<200ms\n           ^"},
      {"http_req_duration", "p95<200",
       "invalid threshold \"p95<200\": unknown aggregation \"p95\" (count, rate, value, avg, min, max, med or p(N))\n  p95<200\n  ^"},
      {"http_req_duration", "avg 200",
       "invalid threshold \"avg 200\": an operator was expected (<, <=, >, >=, == or !=)\n  avg 200\n      ^"},
      {"http_req_duration", "avg<2.",
       "invalid threshold \"avg<2.\": a digit must follow the decimal point\n  avg<2.\n        ^"},
      {"http_req_duration", "",
       "invalid threshold \"\": an aggregation was expected (count, rate, value, avg, min, max, med or p(N))\n  \n  ^"},
      {"http_req_durations", "avg<1",
       "invalid threshold metric \"http_req_durations\": unknown metric \"http_req_durations\"; a custom metric must be passed to threshold::parse with the built-ins\n  http_req_durations\n  ^"},
      {"http_req_duration{expected_response}", "avg<1",
       "invalid threshold metric \"http_req_duration{expected_response}\": \":\" was expected between the tag key and its value\n  http_req_duration{expected_response}\n                                     ^"},
      {"http_req_duration{status:200", "avg<1",
       "invalid threshold metric \"http_req_duration{status:200\": the tag filter is not closed with \"}\"\n  http_req_duration{status:200\n                              ^"},
      {"http_req_duration{url:\"http://x}", "avg<1",
       "invalid threshold metric \"http_req_duration{url:\"http://x}\": the quoted text is not closed\n  http_req_duration{url:\"http://x}\n                        ^"},
      {"http_req_duration x", "avg<1",
       "invalid threshold metric \"http_req_duration x\": unexpected text after the metric\n  http_req_duration x\n                    ^"},
  };
  for (const auto& r : rows) {
    INFO(r.metric << " / " << r.expression);
    CHECK_THROWS_WITH(sp::threshold::parse(r.metric, r.expression), r.message);
    CHECK_THROWS_AS(sp::threshold::parse(r.metric, r.expression), sp::parse_error);
  }
}

TEST_CASE("thresholds combine with && || ! and describe themselves with the needed parentheses") {
  const auto fast = sp::http_req_duration.p(95) < 200ms;
  const auto reliable = sp::http_req_failed.rate() < 0.01;
  const auto busy = sp::http_reqs.count() > 100;
  CHECK((fast && reliable).describe() == "http_req_duration p(95)<200 && http_req_failed rate<0.01");
  CHECK((fast && reliable && busy).describe() ==
        "http_req_duration p(95)<200 && http_req_failed rate<0.01 && http_reqs count>100");
  CHECK(((fast || reliable) && busy).describe() ==
        "(http_req_duration p(95)<200 || http_req_failed rate<0.01) && http_reqs count>100");
  CHECK((!fast).describe() == "!(http_req_duration p(95)<200)");
  CHECK(((fast && reliable) || busy).conditions().size() == 3);
  CHECK(((fast && reliable) || busy).conditions()[2] == busy.conditions()[0]);
}

TEST_CASE("evaluation compares each observed value and combines the outcomes") {
  const auto fast = sp::http_req_duration.p(95) < 200ms;
  const auto reliable = sp::http_req_failed.rate() < 0.01;
  const auto run = values({{"http_req_duration p(95)", {180e6}}, {"http_req_failed rate", {0.02}}});

  const auto a = fast.evaluate(run);
  CHECK(a.passed);
  REQUIRE(a.conditions.size() == 1);
  CHECK(a.conditions[0].observed == 180e6);

  const auto both = (fast && reliable).evaluate(run);
  CHECK_FALSE(both.passed);
  REQUIRE(both.conditions.size() == 2);
  CHECK(both.conditions[0].passed);
  CHECK_FALSE(both.conditions[1].passed);
  CHECK(both.conditions[1].observed == 0.02);
  CHECK(both.description == "http_req_duration p(95)<200 && http_req_failed rate<0.01");

  CHECK((fast || reliable).evaluate(run).passed);
  CHECK_FALSE((!fast).evaluate(run).passed);
  CHECK((!reliable).evaluate(run).passed);
}

TEST_CASE("a condition with no samples passes and reports no observed value") {
  const auto r = (sp::http_req_duration.p(95) < 200ms).evaluate(values({}));
  CHECK(r.passed);
  REQUIRE(r.conditions.size() == 1);
  CHECK_FALSE(r.conditions[0].observed.has_value());
}

TEST_CASE("over() must hold in every window and reports the failing or the closest window") {
  const auto windowed = sp::http_req_duration.p(95).over(10s) < 200ms;
  CHECK(windowed.describe() == "http_req_duration p(95)<200 over 10s");
  CHECK((sp::http_req_duration.p(95).after(30s) < 200ms).describe() ==
        "http_req_duration p(95)<200 after 30s");

  const auto source = [](std::vector<double> per_window) {
    return [per_window](const sp::metric_aggregate& a) {
      CHECK(a.window == 10s);
      return per_window;
    };
  };
  const auto ok = windowed.evaluate(source({120e6, 190e6, 150e6}));
  CHECK(ok.passed);
  CHECK(ok.conditions[0].observed == 190e6);  // the window closest to failing
  const auto bad = windowed.evaluate(source({120e6, 250e6, 300e6}));
  CHECK_FALSE(bad.passed);
  CHECK(bad.conditions[0].observed == 250e6);  // the first failing window

  CHECK_THROWS_AS(sp::http_req_duration.p(95).over(0s), sp::usage_error);
  CHECK_THROWS_AS(sp::http_req_duration.p(95).after(-1s), sp::usage_error);
}

TEST_CASE("abort_on_fail marks a threshold with its delay and copies are independent") {
  const auto t = sp::http_req_failed.rate() < 0.01;
  const auto aborting = t.abort_on_fail(10s);
  CHECK(aborting.aborts_on_fail());
  CHECK(aborting.abort_delay() == 10s);
  CHECK_FALSE(t.aborts_on_fail());
  CHECK(aborting.describe() == t.describe());
  CHECK_THROWS_AS(t.abort_on_fail(-1s), sp::usage_error);
}

TEST_CASE("a threshold outlives the metrics and thresholds it was made from") {
  sp::threshold combined = sp::http_reqs.count() > 1;
  {
    const sp::counter temporary{"temporary_counter"};
    const auto part = temporary.count() > 5;
    combined = combined && part;
  }
  CHECK(combined.describe() == "http_reqs count>1 && temporary_counter count>5");
  CHECK(combined.evaluate(values({{"http_reqs count", {2}}, {"temporary_counter count", {6}}})).passed);
}
