// Tests of the metric types, their aggregations, sub-metrics and k6's built-in metrics.
#include <stampede/metrics/builtin.hpp>
#include <stampede/metrics/metric.hpp>

#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"

#include <cmath>
#include <limits>
#include <string>

namespace sp = stampede;

namespace {

// An aggregation that does not fit a metric type must not compile; these record which do.
template <typename M> constexpr bool has_count = requires(const M& m) { m.count(); };
template <typename M> constexpr bool has_rate = requires(const M& m) { m.rate(); };
template <typename M> constexpr bool has_value = requires(const M& m) { m.value(); };
template <typename M> constexpr bool has_trend_stats =
    requires(const M& m) { m.avg(); m.min(); m.max(); m.med(); m.p(95.0); };
template <typename M> constexpr bool has_any_trend_stat = requires(const M& m) { m.avg(); } ||
    requires(const M& m) { m.min(); } || requires(const M& m) { m.max(); } ||
    requires(const M& m) { m.med(); } || requires(const M& m) { m.p(95.0); };

}  // namespace

TEST_CASE("each metric type offers exactly the aggregations k6 allows for it") {
  STATIC_REQUIRE(has_count<sp::counter>);
  STATIC_REQUIRE(has_rate<sp::counter>);
  STATIC_REQUIRE_FALSE(has_value<sp::counter>);
  STATIC_REQUIRE_FALSE(has_any_trend_stat<sp::counter>);

  STATIC_REQUIRE(has_value<sp::gauge>);
  STATIC_REQUIRE_FALSE(has_count<sp::gauge>);
  STATIC_REQUIRE_FALSE(has_rate<sp::gauge>);
  STATIC_REQUIRE_FALSE(has_any_trend_stat<sp::gauge>);

  STATIC_REQUIRE(has_rate<sp::rate>);
  STATIC_REQUIRE_FALSE(has_count<sp::rate>);
  STATIC_REQUIRE_FALSE(has_value<sp::rate>);
  STATIC_REQUIRE_FALSE(has_any_trend_stat<sp::rate>);

  STATIC_REQUIRE(has_trend_stats<sp::trend>);
  STATIC_REQUIRE_FALSE(has_count<sp::trend>);
  STATIC_REQUIRE_FALSE(has_rate<sp::trend>);
  STATIC_REQUIRE_FALSE(has_value<sp::trend>);
}

TEST_CASE("aggregations carry the metric and are named as in k6 threshold expressions") {
  CHECK(sp::http_req_duration.p(95).aggregation_name() == "p(95)");
  CHECK(sp::http_req_duration.p(99.9).aggregation_name() == "p(99.9)");
  CHECK(sp::http_req_duration.p(99.99).aggregation_name() == "p(99.99)");
  CHECK(sp::http_req_duration.p(0).aggregation_name() == "p(0)");
  // Every digit the double needs, so that the name reads back as the same percentile
  // (found by the threshold fuzzer: 15 significant digits lost the 16th).
  CHECK(sp::http_req_duration.p(99.91111111111111).aggregation_name() == "p(99.91111111111111)");
  CHECK(sp::http_req_duration.med().aggregation_name() == "med");
  CHECK(sp::http_req_duration.avg().aggregation_name() == "avg");
  CHECK(sp::http_req_failed.rate().aggregation_name() == "rate");
  CHECK(sp::http_reqs.count().aggregation_name() == "count");
  CHECK(sp::http_reqs.rate().aggregation_name() == "rate");
  CHECK(sp::vus.value().aggregation_name() == "value");

  const auto agg = sp::http_req_duration.p(95);
  CHECK(agg.metric == sp::http_req_duration.descriptor());
  CHECK(agg.kind == sp::aggregation_kind::percentile);
  CHECK(agg.percentile == 95.0);
}

TEST_CASE("a percentile outside 0 to 100 is a usage error naming it") {
  CHECK_THROWS_AS(sp::http_req_duration.p(101), sp::usage_error);
  CHECK_THROWS_WITH(sp::http_req_duration.p(101),
                    "http_req_duration.p(101): a percentile is a number from 0 to 100");
  CHECK_THROWS_AS(sp::http_req_duration.p(-0.5), sp::usage_error);
  CHECK_THROWS_AS(sp::http_req_duration.p(std::numeric_limits<double>::quiet_NaN()), sp::usage_error);
  CHECK_NOTHROW(sp::http_req_duration.p(100));
}

TEST_CASE("where() makes a sub-metric displayed in k6's brace form") {
  const auto expected = sp::http_req_duration.where("expected_response", "true");
  CHECK(expected.name() == "http_req_duration");
  CHECK(expected.descriptor().is_submetric());
  CHECK_FALSE(sp::http_req_duration.descriptor().is_submetric());
  CHECK(expected.descriptor().display_name() == "http_req_duration{expected_response:true}");
  CHECK(expected != sp::http_req_duration);

  const auto narrower = expected.where("method", "GET");
  CHECK(narrower.descriptor().display_name() == "http_req_duration{expected_response:true,method:GET}");
  CHECK(sp::http_req_duration.where("method", "GET").where("expected_response", "true") == narrower);
  CHECK(sp::http_reqs.where("url", "http://h/?a=1,b=2").descriptor().display_name() ==
        "http_reqs{url:\"http://h/?a=1,b=2\"}");
  CHECK_THROWS_AS(sp::http_reqs.where("", "x"), sp::usage_error);
}

TEST_CASE("metric names follow k6's rule and a bad one is named in the error") {
  CHECK_NOTHROW(sp::rate{"requests_under_500ms"});
  CHECK_NOTHROW(sp::counter{"_private"});
  CHECK_NOTHROW(sp::trend{std::string(128, 'x'), sp::value_type::time});

  struct row {
    std::string name;
    std::string message;
  };
  const row rows[] = {
      {"", "invalid metric name \"\": a metric needs a name"},
      {"1st", "invalid metric name \"1st\": it starts with a digit"},
      {"login time",
       "invalid metric name \"login time\": character 6 (' ') is not an ASCII letter, digit or underscore"},
      {"login-time",
       "invalid metric name \"login-time\": character 6 ('-') is not an ASCII letter, digit or underscore"},
      {std::string(129, 'x'), "invalid metric name \"" + std::string(129, 'x') + "\": longer than 128 characters"},
  };
  for (const auto& r : rows) {
    INFO("name: " << r.name);
    CHECK_THROWS_WITH(sp::counter{r.name}, r.message);
    CHECK_THROWS_AS(sp::counter{r.name}, sp::usage_error);
  }
}

TEST_CASE("custom metrics are values: copies name the same metric") {
  const sp::trend login_time{"login_time", sp::value_type::time};
  const auto copy = login_time;
  CHECK(copy == login_time);
  CHECK(copy.contains() == sp::value_type::time);
  CHECK(sp::trend{"login_time"} != login_time);  // same name, other value type
}

TEST_CASE("the built-in metrics have k6's names, types and units") {
  struct row {
    const char* name;
    sp::metric_type type;
    sp::value_type contains;
  };
  using mt = sp::metric_type;
  using vt = sp::value_type;
  const row expected[] = {
      {"http_reqs", mt::counter, vt::plain},
      {"http_req_duration", mt::trend, vt::time},
      {"http_req_blocked", mt::trend, vt::time},
      {"http_req_connecting", mt::trend, vt::time},
      {"http_req_tls_handshaking", mt::trend, vt::time},
      {"http_req_sending", mt::trend, vt::time},
      {"http_req_waiting", mt::trend, vt::time},
      {"http_req_receiving", mt::trend, vt::time},
      {"http_req_failed", mt::rate, vt::plain},
      {"data_sent", mt::counter, vt::data},
      {"data_received", mt::counter, vt::data},
      {"iterations", mt::counter, vt::plain},
      {"iteration_duration", mt::trend, vt::time},
      {"dropped_iterations", mt::counter, vt::plain},
      {"vus", mt::gauge, vt::plain},
      {"vus_max", mt::gauge, vt::plain},
      {"checks", mt::rate, vt::plain},
      {"group_duration", mt::trend, vt::time},
      {"ws_sessions", mt::counter, vt::plain},
      {"ws_connecting", mt::trend, vt::time},
      {"ws_session_duration", mt::trend, vt::time},
      {"ws_msgs_sent", mt::counter, vt::plain},
      {"ws_msgs_received", mt::counter, vt::plain},
      {"ws_ping", mt::trend, vt::time},
  };
  const auto builtins = sp::builtin_metrics();
  REQUIRE(builtins.size() == std::size(expected));
  for (std::size_t i = 0; i < builtins.size(); ++i) {
    INFO("metric " << expected[i].name);
    CHECK(builtins[i].name == expected[i].name);
    CHECK(builtins[i].type == expected[i].type);
    CHECK(builtins[i].contains == expected[i].contains);
    CHECK_FALSE(builtins[i].is_submetric());
  }
  CHECK(sp::to_string(sp::http_req_duration.type()) == "trend");
  CHECK(sp::to_string(sp::data_sent.contains()) == "data");
  CHECK(sp::to_string(sp::vus.contains()) == "default");
}
