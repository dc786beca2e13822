// Tests of the metric registry: built-ins first, custom metrics, tracked sub-metrics.
#include <stampede/metrics/registry.hpp>

#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"

namespace sp = stampede;

TEST_CASE("a registry starts with k6's built-ins, in builtin_metrics() order") {
  const sp::metric_registry registry;
  const auto builtins = sp::builtin_metrics();
  REQUIRE(registry.metric_count() == builtins.size());
  CHECK(registry.metrics() == builtins);
  CHECK(registry.find("http_req_duration") == sp::metric_id{1});
  CHECK_FALSE(registry.find("login_time").has_value());
}

TEST_CASE("registering a custom metric twice gives one id; a clash of types is a usage error") {
  sp::metric_registry registry;
  const sp::trend login_time{"login_time", sp::value_type::time};
  const auto id = registry.add(login_time);
  CHECK(id == registry.metric_count() - 1);
  CHECK(registry.add(login_time) == id);
  CHECK(registry.add(sp::http_reqs) == *registry.find("http_reqs"));
  CHECK_THROWS_WITH(registry.add(sp::counter{"login_time"}),
                    "metric login_time is already a trend of time values; it cannot also be a counter of default values");
  CHECK_THROWS_AS(registry.add(sp::trend{"login_time"}), sp::usage_error);
  CHECK_THROWS_AS(registry.add(sp::http_req_duration.where("status", "200").descriptor()), sp::usage_error);
}

TEST_CASE("tracked sub-metrics follow the metrics and keep their places as metrics are added") {
  sp::metric_registry registry;
  const auto expected = sp::http_req_duration.where("expected_response", "true");
  const auto index = registry.track(expected);
  CHECK(index == registry.metric_count());
  CHECK(registry.track(expected) == index);
  CHECK(registry.find_series(expected.descriptor()) == index);
  CHECK(registry.submetrics_of(*registry.find("http_req_duration")) == std::vector<std::size_t>{index});

  // A custom sub-metric registers its metric too; indices of earlier sub-metrics move up.
  const auto checkout = sp::trend{"checkout_time", sp::value_type::time}.where("step", "pay");
  const auto checkout_index = registry.track(checkout);
  CHECK(registry.find("checkout_time").has_value());
  const auto moved = registry.find_series(expected.descriptor());
  REQUIRE(moved.has_value());
  CHECK(registry.descriptor(*moved) == expected.descriptor());
  CHECK(registry.descriptor(checkout_index) == checkout.descriptor());
  CHECK(registry.submetrics_of(*registry.find("http_req_duration")) == std::vector<std::size_t>{*moved});
  CHECK_THROWS_AS(registry.track(sp::http_reqs), sp::usage_error);
}
