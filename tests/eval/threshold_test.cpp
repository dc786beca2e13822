// Tests of thresholds: C++ construction, k6's string form and its errors, combinators,
// description and evaluation.
#include <stampede/eval/threshold.hpp>

#include <stampede/core/error.hpp>
#include <stampede/metrics/sink.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <limits>
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
  // A time bound is shown with its unit, as the C++ source wrote a duration.
  CHECK(c[0].expression() == "p(95)<200ms");
  CHECK(t.describe() == "http_req_duration p(95)<200ms");

  CHECK((sp::http_req_failed.rate() < 0.01).describe() == "http_req_failed rate<0.01");
  CHECK((sp::http_reqs.count() >= 1000).describe() == "http_reqs count>=1000");
  CHECK((sp::vus.value() == 10).describe() == "vus value==10");
  CHECK((sp::iteration_duration.med() != 1500us).describe() == "iteration_duration med!=1.5ms");
  CHECK((sp::http_req_waiting.max() <= 2s).describe() == "http_req_waiting max<=2000ms");
  // A counter's per-second rate of a time metric is a number, shown without a unit.
  CHECK((sp::http_req_waiting.p(50) < 10ms && sp::http_reqs.rate() > 5).describe() ==
        "http_req_waiting p(50)<10ms && http_reqs rate>5");
}

TEST_CASE("a time metric takes a duration and other metrics take numbers; a mismatch is reported when resolved") {
  // Building the threshold does not throw (a test's thresholds are built before sp::main can
  // report anything); resolving it, as sp::run does before the run starts, does.
  const auto number_for_time = sp::http_req_duration.p(95) < 200;
  CHECK_FALSE(number_for_time.resolved());
  CHECK(number_for_time.describe() == "http_req_duration p(95)<200");
  const std::string message = "threshold on http_req_duration p(95): it is a time value; compare it with a duration such as 200ms";
  CHECK_THROWS_WITH(number_for_time.resolve(), message);
  CHECK_THROWS_WITH(number_for_time.conditions(), message);
  CHECK_THROWS_WITH(number_for_time.evaluate(values({})), message);
  // Inside a compound threshold, and kept through abort_on_fail.
  CHECK_THROWS_WITH((sp::http_req_failed.rate() < 0.01 && number_for_time).abort_on_fail().resolve(), message);

  const auto duration_for_rate = sp::http_req_failed.rate() < 10ms;
  CHECK(duration_for_rate.describe() == "http_req_failed rate<10ms");
  CHECK_THROWS_WITH(duration_for_rate.resolve(),
                    "threshold on http_req_failed rate: compared with a duration, but it is not a time value; compare it with a number");
  CHECK_THROWS_AS((sp::http_reqs.count() > 5s).resolve(), sp::usage_error);
  CHECK_THROWS_AS((sp::http_reqs.count() > std::numeric_limits<double>::quiet_NaN()).resolve(), sp::usage_error);

  CHECK((sp::http_req_duration.p(95) < 200ms).resolved());
}

TEST_CASE("k6's string form is data: parsed when resolved, against the metrics given") {
  const sp::threshold login{"login_time", "p(95) < 500"};
  CHECK_FALSE(login.resolved());
  CHECK(login.describe() == "login_time p(95) < 500");
  // k6: metrics/thresholds_test.go, TestThresholdsValidate ("validating unparsed thresholds fails").
  CHECK_THROWS_WITH(login.conditions(),
                    "threshold login_time p(95) < 500: k6's string form is parsed when the run starts; call "
                    "resolve() to read or evaluate it before");
  // Not a built-in: it parses once the custom metric is known.
  CHECK_THROWS_AS(login.resolve(), sp::parse_error);
  const sp::trend login_time{"login_time", sp::value_type::time};
  auto known = sp::builtin_metrics();
  known.push_back(login_time.descriptor());
  const auto resolved = login.abort_on_fail(5s).resolve(known);
  CHECK(resolved.resolved());
  CHECK(resolved.aborts_on_fail());
  CHECK(resolved.abort_delay() == 5s);
  REQUIRE(resolved.conditions().size() == 1);
  CHECK(resolved.conditions() == (login_time.p(95) < 500ms).conditions());
  // Shown as written, as k6 shows it.
  CHECK(resolved.conditions()[0].expression() == "p(95) < 500");
  CHECK(resolved.describe() == "login_time p(95) < 500");

  // In a compound threshold, and in a list written as k6's table.
  const std::vector<sp::threshold> table{{"http_req_failed", "rate<0.01"}, {"http_reqs{status:200}", "count>10"}};
  const auto both = (table[0] && table[1]).resolve();
  REQUIRE(both.conditions().size() == 2);
  CHECK(both.conditions()[0] == (sp::http_req_failed.rate() < 0.01).conditions()[0]);
  CHECK(both.conditions()[1] == (sp::http_reqs.where("status", "200").count() > 10).conditions()[0]);
  CHECK(both.evaluate(values({{"http_req_failed rate", {0.5}}})).passed == false);
  CHECK_THROWS_WITH(sp::threshold("http_req_duration", "p(95)<200ms").resolve(),
                    Catch::Matchers::StartsWith("invalid threshold \"p(95)<200ms\": unexpected text after the number"));
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
      {"vus", "value===10", sp::vus.value() == 10},  // k6: thresholds_parser_test.go, TestScanThresholdExpression (===)
      {"checks", "rate!=0", sp::checks.rate() != 0},
      {"data_received", "count>1000000", sp::data_received.count() > 1000000},
      {"http_reqs{url:\"http://h/?a=1,b=2\"}", "count>0", sp::http_reqs.where("url", "http://h/?a=1,b=2").count() > 0},
      {"http_reqs{name:list todos,method:GET}", "count>0", sp::http_reqs.where("name", "list todos").where("method", "GET").count() > 0},
  };
  for (const auto& r : rows) {
    INFO(r.metric << " " << r.expression);
    const auto parsed = sp::threshold::parse(r.metric, r.expression);
    CHECK(parsed.conditions() == r.expected.conditions());
    // Shown as written.
    CHECK(parsed.conditions()[0].expression() == r.expression);
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

TEST_CASE("tag filters read as k6 reads them (k6: metrics/metric_test.go, TestParseMetricName and TestAddSubmetric)") {
  const sp::trend test_metric{"test_metric", sp::value_type::time};
  auto known = sp::builtin_metrics();
  known.push_back(test_metric.descriptor());
  struct row {
    const char* metric;
    sp::tag_set filter;
  };
  const row valid[] = {
      // TestParseMetricName
      {"test_metric{abc:123}", {{"abc", "123"}}},
      {"test_metric{abc:123,easyas:doremi}", {{"abc", "123"}, {"easyas", "doremi"}}},
      {"test_metric{abc:123, easyas:doremi}", {{"abc", "123"}, {"easyas", "doremi"}}},
      {"test_metric{group:::mygroup}", {{"group", "::mygroup"}}},
      // k6's regression case: braces and colons inside an unquoted value.
      {"test_metric{name:http://${}.com}", {{"name", "http://${}.com"}}},
      {"test_metric{name:http://${}.com,url:ssh://github.com:grafana/k6}",
       {{"name", "http://${}.com"}, {"url", "ssh://github.com:grafana/k6"}}},
      // TestAddSubmetric: spaces trimmed, then surrounding quotes stripped.
      {"test_metric{a:1}", {{"a", "1"}}},
      {"test_metric{ a : 1 }", {{"a", "1"}}},
      {"test_metric{ a:\"\",b: ''}", {{"a", ""}, {"b", ""}}},
      {"test_metric{ a : 1, b : 2 }", {{"a", "1"}, {"b", "2"}}},
      {"test_metric{a : '1' , b : \"2\"}", {{"a", "1"}, {"b", "2"}}},
      {"test_metric{\" a\" : ' 1' , b : \"2 \" }", {{" a", " 1"}, {"b", "2 "}}},
  };
  for (const auto& r : valid) {
    INFO(r.metric);
    const auto t = sp::threshold::parse(r.metric, "p(95)<200", known);
    CHECK(t.conditions()[0].aggregate.metric.filter.tags() == r.filter);
  }
  // k6 refuses these (a tag without a value, an empty filter, braces out of place); stampede
  // also refuses an empty key, which k6 takes.
  for (const char* metric : {"test_metric{easyas}", "test_metric{easyas:}", "test_metric{abc:123,easyas:}",
                             "test_metric{abc:123,easyas:doremi", "test_metricabc:123,easyas:doremi}",
                             "test_metric}abc:123,easyas:doremi}", "test_metric}abc{bar", "test_metric{foo:ba}r",
                             "test_metric{}", "test_metric{ }", "test_metric{a:1,,b:2}", "test_metric{:1}"}) {
    INFO(metric);
    CHECK_THROWS_AS(sp::threshold::parse(metric, "p(95)<200", known), sp::parse_error);
  }
  CHECK_THROWS_WITH(sp::threshold::parse("test_metric{}", "p(95)<200", known),
                    "invalid threshold metric \"test_metric{}\": the tag filter is empty; write metric{key:value} "
                    "or leave out the braces\n  test_metric{}\n              ^");
  CHECK_THROWS_WITH(sp::threshold::parse("test_metric{easyas:}", "p(95)<200", known),
                    "invalid threshold metric \"test_metric{easyas:}\": a tag value was expected (for an empty "
                    "value, write \"\")\n  test_metric{easyas:}\n                     ^");
}

TEST_CASE("a malformed threshold string is a parse error pointing at the offending character") {
  struct row {
    const char* metric;
    const char* expression;
    std::string message;
  };
  const row rows[] = {
      // k6: metrics/thresholds_parser_test.go, TestParseThresholdAggregationMethod ("parsing
      // percentile value greater than 100 fails", "parsing empty percentile expression fails").
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
       "invalid threshold metric \"http_req_durations\": unknown metric \"http_req_durations\"; list a custom metric in load_test::metrics (or pass it to threshold::parse or resolve with the built-ins)\n  http_req_durations\n  ^"},
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

namespace {

// The metrics of k6's threshold tests (TestThresholdsValidate's registry), holding plain
// numbers so that a bound means the same in k6's string and in C++.
struct k6_test_metrics {
  sp::counter counter{"test_counter"};
  sp::rate rate{"test_rate"};
  sp::gauge gauge{"test_gauge"};
  sp::trend trend{"test_trend"};

  [[nodiscard]] std::vector<sp::metric_descriptor> known() const {
    auto out = sp::builtin_metrics();
    for (const auto& d : {counter.descriptor(), rate.descriptor(), gauge.descriptor(), trend.descriptor()}) {
      out.push_back(d);
    }
    return out;
  }
};

}  // namespace

TEST_CASE("every aggregation method and operator of k6's expressions parses as k6 parses it (k6: metrics/thresholds_parser_test.go)") {
  const k6_test_metrics m;
  const auto known = m.known();
  struct row {
    const char* metric;
    const char* expression;
    sp::threshold expected;
  };
  const row valid[] = {
      // TestParseThresholdExpression: "valid threshold expression syntax".
      {"test_counter", "count>20", m.counter.count() > 20},
      // TestParseThresholdAggregationMethod: each method, and percentiles at both ends.
      {"test_counter", "count<1", m.counter.count() < 1},
      {"test_rate", "rate<1", m.rate.rate() < 1},
      {"test_gauge", "value<1", m.gauge.value() < 1},
      {"test_trend", "avg<1", m.trend.avg() < 1},
      {"test_trend", "min<1", m.trend.min() < 1},
      {"test_trend", "max<1", m.trend.max() < 1},
      {"test_trend", "med<1", m.trend.med() < 1},
      {"test_trend", "p(99)<1", m.trend.p(99) < 1},
      {"test_trend", "p(99.9)<1", m.trend.p(99.9) < 1},
      {"test_trend", "p(0)<1", m.trend.p(0) < 1},
      {"test_trend", "p(100)<1", m.trend.p(100) < 1},
      // TestScanThresholdExpression: each operator, and spaces trimmed around the method and
      // the value.
      {"test_trend", "avg<=1", m.trend.avg() <= 1},
      {"test_trend", "avg<1", m.trend.avg() < 1},
      {"test_trend", "avg>=1", m.trend.avg() >= 1},
      {"test_trend", "avg>1", m.trend.avg() > 1},
      {"test_trend", "avg===1", m.trend.avg() == 1},
      {"test_trend", "avg==1", m.trend.avg() == 1},
      {"test_trend", "avg!=1", m.trend.avg() != 1},
      {"test_trend", "  avg  <=1", m.trend.avg() <= 1},
      {"test_trend", "avg<=  1  ", m.trend.avg() <= 1},
  };
  for (const auto& r : valid) {
    INFO(r.metric << " " << r.expression);
    const auto parsed = sp::threshold::parse(r.metric, r.expression, known);
    REQUIRE(parsed.conditions().size() == 1);
    CHECK(parsed.conditions() == r.expected.conditions());
    CHECK(parsed.conditions()[0].expression() == r.expression);
  }

  struct bad_row {
    const char* metric;
    const char* expression;
  };
  const bad_row invalid[] = {
      // TestParseThresholdExpression: an unknown operator, an unknown method, a value that is
      // not a number.
      {"test_counter", "count!20"},
      {"test_counter", "foo>20"},
      {"test_counter", "count>abc"},
      // TestParseThresholdAggregationMethod: an unknown method, and percentiles that are
      // empty, unclosed, not numbers, out of 0..100, NaN or infinite.
      {"test_trend", "foo<1"},
      {"test_trend", "p()<1"},
      {"test_trend", "p(99<1"},
      {"test_trend", "p(foo)<1"},
      {"test_trend", "p(-1)<1"},
      {"test_trend", "p(101)<1"},
      {"test_trend", "p(NaN)<1"},
      {"test_trend", "p(+Inf)<1"},
      // TestScanThresholdExpression: "expression with unknown operator fails".
      {"test_trend", "avg!1"},
      // metrics/thresholds_test.go, TestThresholdsParse: "invalid threshold expressions".
      {"test_rate", "foo&1"},
  };
  for (const auto& r : invalid) {
    INFO(r.metric << " " << r.expression);
    CHECK_THROWS_AS(sp::threshold::parse(r.metric, r.expression, known), sp::parse_error);
  }
}

TEST_CASE("each metric type takes k6's aggregation methods, on the metric and on its tag filters (k6: metrics/thresholds_test.go, TestThresholdsValidate)") {
  const k6_test_metrics m;
  const auto known = m.known();
  struct row {
    const char* metric;
    const char* expression;
    sp::threshold expected;
  };
  const row rows[] = {
      {"test_counter", "count==1", m.counter.count() == 1},
      {"test_counter", "rate==1", m.counter.rate() == 1},
      {"test_counter{foo:bar}", "rate==1", m.counter.where("foo", "bar").rate() == 1},
      {"test_counter{abc:123,easyas:doremi}", "rate==1",
       m.counter.where("abc", "123").where("easyas", "doremi").rate() == 1},
      {"test_gauge", "value==1", m.gauge.value() == 1},
      {"test_rate", "rate==1", m.rate.rate() == 1},
      {"test_trend", "avg==1", m.trend.avg() == 1},
      {"test_trend", "min==1", m.trend.min() == 1},
      {"test_trend", "max==1", m.trend.max() == 1},
      {"test_trend", "med==1", m.trend.med() == 1},
      {"test_trend", "p(99)==1", m.trend.p(99) == 1},
  };
  for (const auto& r : rows) {
    INFO(r.metric << " " << r.expression);
    CHECK(sp::threshold::parse(r.metric, r.expression, known).conditions() == r.expected.conditions());
  }
  // "validating thresholds applied to a non existing metric fails".
  CHECK_THROWS_AS(sp::threshold::parse("non-existing", "rate<1", known), sp::parse_error);
  CHECK_THROWS_AS(sp::threshold::parse("non_existing", "rate<1", known), sp::parse_error);
  // k6's TestThresholdsRun also runs p(95)<2000 on a counter's sink (and passes it, the
  // counter having no p(95) to compare); that threshold is one k6's Validate refuses before the
  // run, as stampede refuses it when it is parsed.
  CHECK_THROWS_AS(sp::threshold::parse("test_counter", "p(95)<2000", known), sp::parse_error);
}

TEST_CASE("k6's evaluation tables: each operator at its edge, counters and trends, several thresholds on a metric (k6: metrics/thresholds_test.go)") {
  const k6_test_metrics m;
  const auto known = m.known();
  const auto parse = [&](const char* metric, const char* expression) {
    return sp::threshold::parse(metric, expression, known);
  };
  const std::map<std::string, std::vector<double>> sinked{{"test_rate rate", {0.0001}}, {"test_trend p(95)", {500}}};
  struct row {
    const char* name;
    sp::threshold threshold;
    std::map<std::string, std::vector<double>> run;
    bool passed;
  };
  const std::vector<row> rows = {
      // TestThreshold_runNoTaint (k6's abort grace period plays no part in the comparison).
      {"> over passing threshold", parse("test_rate", "rate>0.01"), {{"test_rate rate", {1}}}, true},
      {">= over passing threshold", parse("test_rate", "rate>=0.01"), {{"test_rate rate", {0.01}}}, true},
      {"<= over passing threshold", parse("test_rate", "rate<=0.01"), {{"test_rate rate", {0.01}}}, true},
      {"< over passing threshold", parse("test_rate", "rate<0.01"), {{"test_rate rate", {0.00001}}}, true},
      {"== over passing threshold", parse("test_rate", "rate==0.01"), {{"test_rate rate", {0.01}}}, true},
      {"=== over passing threshold", parse("test_rate", "rate===0.01"), {{"test_rate rate", {0.01}}}, true},
      {"!= over passing threshold", parse("test_rate", "rate!=0.01"), {{"test_rate rate", {0.02}}}, true},
      {"over failing threshold", parse("test_rate", "rate>0.01"), {{"test_rate rate", {0.00001}}}, false},
      // TestThresholdRun: "true" and "false".
      {"rate<0.01 true", parse("test_rate", "rate<0.01"), {{"test_rate rate", {0.0001}}}, true},
      {"rate<0.01 false", parse("test_rate", "rate<0.01"), {{"test_rate rate", {1}}}, false},
      // TestThresholdsRunAll: a metric's thresholds must all pass (k6 keeps them in a list;
      // here they are joined with &&), with rate = 0.0001 and p(95) = 500.
      {"one passing", parse("test_rate", "rate<0.01"), sinked, true},
      {"one failing", parse("test_trend", "p(95)<200"), sinked, false},
      {"two passing", parse("test_rate", "rate<0.1") && parse("test_rate", "rate<0.01"), sinked, true},
      {"two failing", parse("test_trend", "p(95)<200") && parse("test_rate", "rate<0.1"), sinked, false},
      {"two mixed", parse("test_rate", "rate<0.01") && parse("test_trend", "p(95)<200"), sinked, false},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    CHECK(r.threshold.evaluate(values(r.run)).passed == r.passed);
  }

  // TestThreshold_runNoTaint, "valid expression over non-existing sink": k6 passes a threshold
  // whose aggregation has no value in the sink; stampede passes it under no_samples::pass (k6's
  // rule while the test runs) and compares 0 under no_samples::zero, because at the end of a
  // test k6's Thresholds.Run computes every aggregation of the metric's sink, 0 for one without
  // samples, and stampede follows that rule there.
  const auto rate_above = parse("test_rate", "rate>0.01");
  const auto other_sink = values({{"test_trend med", {27.2}}});
  CHECK(rate_above.evaluate(other_sink, sp::no_samples::pass).passed);
  CHECK_FALSE(rate_above.evaluate(other_sink, sp::no_samples::zero).passed);
  // Its "invalid expression operator" (`&`) cannot be built: stampede's comparison is an enum of
  // the six operators, and the parser refuses `&` (above, "foo&1").
}

TEST_CASE("thresholds judge the aggregations of stampede's sinks as k6's Thresholds.Run judges its sinks (k6: metrics/thresholds_test.go, TestThresholdsRun)") {
  const k6_test_metrics m;
  const auto known = m.known();
  // The run's aggregations read from one sink over `duration`, as a test's end reads them.
  const auto from = [](const sp::sink& s, std::chrono::nanoseconds duration) -> sp::aggregate_source {
    return [&s, duration](const sp::metric_aggregate& a) {
      const auto v = sp::aggregate(s, a.kind, a.percentile, duration);
      return v ? std::vector<double>{*v} : std::vector<double>{};
    };
  };
  const auto counter_of = [&](double value) {
    sp::sink s = sp::make_sink(m.counter.descriptor());
    std::get<sp::counter_sink>(s).add(value);
    return s;
  };
  const auto trend_of = [&](std::vector<double> samples) {
    sp::sink s = sp::make_sink(m.trend.descriptor());
    for (const double x : samples) std::get<sp::trend_sink>(s).add(x);
    return s;
  };
  struct row {
    const char* name;
    sp::sink sink;
    const char* metric;
    const char* expression;
    bool passed;
  };
  const std::vector<row> rows = {
      {"thresholds of existing sink", counter_of(1234.5), "test_counter", "count<2000", true},
      {"existing sink but failing threshold", counter_of(3000), "test_counter", "count<2000", false},
      // A run of no time has no rate: 0, not +Inf (k6's CounterSink.Rate guards the same way).
      {"counter rate with zero duration", counter_of(1234.5), "test_counter", "rate<100", true},
      {"trend with no values, passing med", trend_of({}), "test_trend", "med<39", true},
      {"trend with no values, non passing med", trend_of({}), "test_trend", "med>39", false},
      {"trend with values, passing med", trend_of({70, 80, 90}), "test_trend", "med>39", true},
      {"trend with values, failing med", trend_of({70, 80, 90}), "test_trend", "med<39", false},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    CHECK(sp::threshold::parse(r.metric, r.expression, known).evaluate(from(r.sink, 0s)).passed == r.passed);
  }
}

TEST_CASE("thresholds combine with && || ! and describe themselves with the needed parentheses") {
  const auto fast = sp::http_req_duration.p(95) < 200ms;
  const auto reliable = sp::http_req_failed.rate() < 0.01;
  const auto busy = sp::http_reqs.count() > 100;
  CHECK((fast && reliable).describe() == "http_req_duration p(95)<200ms && http_req_failed rate<0.01");
  CHECK((fast && reliable && busy).describe() ==
        "http_req_duration p(95)<200ms && http_req_failed rate<0.01 && http_reqs count>100");
  CHECK(((fast || reliable) && busy).describe() ==
        "(http_req_duration p(95)<200ms || http_req_failed rate<0.01) && http_reqs count>100");
  CHECK((!fast).describe() == "!(http_req_duration p(95)<200ms)");
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
  CHECK(both.description == "http_req_duration p(95)<200ms && http_req_failed rate<0.01");

  CHECK((fast || reliable).evaluate(run).passed);
  CHECK_FALSE((!fast).evaluate(run).passed);
  CHECK((!reliable).evaluate(run).passed);
}

TEST_CASE("a condition with no samples compares 0 by default, as k6 judges thresholds at the end of a test") {
  // k6's internal/metrics/engine: evaluateThresholds(ignoreEmptySinks=false) at the end; and
  // k6: metrics/thresholds_test.go, TestThresholdsRun ("Running threshold on trend sink with no
  // values and non passing med statement fails").
  const auto fast = (sp::http_req_duration.p(95) < 200ms).evaluate(values({}));
  CHECK(fast.passed);
  REQUIRE(fast.conditions.size() == 1);
  CHECK(fast.conditions[0].observed == 0);
  const auto slow_median = (sp::http_req_duration.med() > 39ms).evaluate(values({}));
  CHECK_FALSE(slow_median.passed);
  CHECK(slow_median.conditions[0].observed == 0);
  CHECK_FALSE((sp::http_reqs.count() > 0).evaluate(values({})).passed);
  CHECK((sp::http_req_failed.rate() < 0.01).evaluate(values({})).passed);
  CHECK_FALSE((!(sp::http_req_failed.rate() < 0.01)).evaluate(values({})).passed);
}

TEST_CASE("with no_samples::pass a condition without samples passes unjudged, under ! too, as k6 does during the run") {
  // k6's evaluateThresholds(ignoreEmptySinks=true) for abort-on-fail skips empty metrics.
  const auto empty = values({});
  const auto r = (sp::http_req_duration.med() > 39ms).evaluate(empty, sp::no_samples::pass);
  CHECK(r.passed);
  REQUIRE(r.conditions.size() == 1);
  CHECK_FALSE(r.conditions[0].observed.has_value());
  CHECK((!(sp::http_req_failed.rate() < 0.01)).evaluate(empty, sp::no_samples::pass).passed);
  // A condition with samples still decides: false && unknown fails, true || unknown passes.
  const auto some = values({{"http_reqs count", {5}}});
  CHECK_FALSE((sp::http_reqs.count() > 10 && sp::http_req_duration.med() > 39ms).evaluate(some, sp::no_samples::pass).passed);
  CHECK((sp::http_reqs.count() > 1 || sp::http_req_duration.med() > 39ms).evaluate(some, sp::no_samples::pass).passed);
  CHECK((sp::http_reqs.count() > 1 && sp::http_req_duration.med() > 39ms).evaluate(some, sp::no_samples::pass).passed);
  CHECK_FALSE((sp::http_reqs.count() > 1 && sp::http_req_duration.med() > 39ms).evaluate(some).passed);
}

TEST_CASE("over() must hold in every window and reports the failing or the closest window") {
  const auto windowed = sp::http_req_duration.p(95).over(10s) < 200ms;
  CHECK(windowed.describe() == "http_req_duration p(95)<200ms over 10s");
  CHECK((sp::http_req_duration.p(95).after(30s) < 200ms).describe() ==
        "http_req_duration p(95)<200ms after 30s");

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

TEST_CASE("a threshold printed by stampede parses back to the same condition, whatever its bound and tag text") {
  const double max = std::numeric_limits<double>::max();
  const double denormal = std::numeric_limits<double>::denorm_min();
  const std::vector<sp::threshold> table = {
      sp::http_req_failed.rate() < 0.00001,      // %g wrote 1e-05
      sp::http_reqs.count() < 2.3e15,           // %g wrote 2.3e+15
      sp::http_reqs.count() >= 0.1 + 0.2,       // 15 digits lost the last bit: 0.30000000000000004
      sp::http_reqs.count() < 1e300,
      sp::http_reqs.count() < max,
      sp::vus.value() > -max,
      sp::vus.value() != -denormal,
      sp::vus.value() == 123456789012345678.0,
      sp::http_req_duration.p(99.9) < 1ns,       // 0.000001 ms
      sp::http_req_duration.avg() <= std::chrono::nanoseconds{987654321987654321},
      sp::http_req_duration.max() < std::chrono::hours{2'000'000},
  };
  for (const auto& t : table) {
    const auto conditions = t.conditions();
    const auto& c = conditions.at(0);
    auto expression = c.expression();
    INFO(expression);
    CHECK(expression.find("e-") == std::string::npos);
    CHECK(expression.find("e+") == std::string::npos);
    // A time bound shows its unit, which k6's text leaves out (k6 reads milliseconds).
    if (expression.ends_with("ms")) expression.resize(expression.size() - 2);
    const auto parsed = sp::threshold::parse(c.aggregate.metric.display_name(), expression);
    CHECK(parsed.conditions() == t.conditions());
  }

  // Every character a tag value can escape, and the edges bare text would lose.
  std::string every_byte;
  for (int c = 1; c < 0x80; ++c) every_byte += static_cast<char>(c);
  const std::vector<std::string> values = {
      "\b", "\f", "\n\r\t", "a\"b", "back\\slash", "x\\b", "{a:b,c}", " edge ", "'quoted'", "\"both\"", "", "\x7f",
      "\xE2\x9C\x93", every_byte,
  };
  for (const auto& v : values) {
    INFO(v);
    const auto sub = sp::http_reqs.where("name", v).where(v.empty() ? "k" : v, "x");
    const auto t = sub.count() < 10;
    const auto conditions = t.conditions();
    const auto& c = conditions.at(0);
    const auto parsed = sp::threshold::parse(c.aggregate.metric.display_name(), c.expression());
    CHECK(parsed.conditions() == t.conditions());
  }
}
