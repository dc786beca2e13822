// Tests of find_knee: where latency departs from its low-load value, from tables.
#include <stampede/scaling/knee.hpp>

#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace sp = stampede;

TEST_CASE("find_knee returns the interpolated load where latency passes baseline times 1 + tolerance") {
  struct row {
    const char* what;
    std::vector<sp::latency_point> points;
    double tolerance;
    std::optional<double> knee;
  };
  const row rows[] = {
      {"the header's example: 0.030 s halfway from 40 to 80",
       {{10, 0.020}, {20, 0.020}, {40, 0.024}, {80, 0.036}}, 0.5, 60.0},
      {"flat latency has no knee", {{10, 0.02}, {20, 0.02}, {40, 0.021}, {80, 0.025}}, 0.5, std::nullopt},
      {"reaching the limit exactly is not exceeding it", {{1, 1}, {2, 1.5}}, 0.5, std::nullopt},
      {"a rise between the first two points", {{0, 1}, {10, 3}}, 0.5, 2.5},
      {"the order of the points does not matter",
       {{80, 0.036}, {10, 0.020}, {40, 0.024}, {20, 0.020}}, 0.5, 60.0},
      {"a slow first point does not hide the knee: the baseline is the second",
       {{1, 0.050}, {2, 0.010}, {4, 0.011}, {8, 0.030}}, 0.5, 4 + 4 * 0.004 / 0.019},
      {"tolerance 0: the first rise at all, from the last point at the baseline", {{1, 1}, {2, 1}, {3, 2}}, 0.0, 2.0},
      {"tolerance 1: latency doubled", {{1, 1}, {2, 1.5}, {3, 2.5}}, 1.0, 2.5},
      {"a zero baseline: the first non-zero latency", {{0, 0}, {1, 0}, {2, 0.001}}, 0.5, 1.0},
      {"a knee between repeated loads is that load", {{1, 1}, {2, 1}, {2, 5}}, 0.5, 2.0},
      {"one point has no knee", {{10, 0.5}}, 0.5, std::nullopt},
      {"the knee can be far out", {{1, 10}, {100, 10}, {1000, 10}, {10000, 25}}, 0.5, 1000 + 9000 * 5.0 / 15},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    const auto knee = sp::find_knee(r.points, r.tolerance);
    REQUIRE(knee.has_value() == r.knee.has_value());
    if (r.knee) CHECK(*knee == Approx(*r.knee).epsilon(1e-12));
  }
}

TEST_CASE("find_knee takes an initializer list and defaults to a 50% tolerance") {
  CHECK(sp::find_knee({{10, 0.020}, {20, 0.020}, {40, 0.024}, {80, 0.036}}) == Approx(60.0));
  CHECK(sp::find_knee({{10, 0.020}, {20, 0.020}, {40, 0.024}, {80, 0.036}}, 0.2) == Approx(40.0));
  CHECK_FALSE(sp::find_knee({{10, 0.020}, {20, 0.020}, {40, 0.024}, {80, 0.036}}, 1.0).has_value());
}

TEST_CASE("find_knee names the problem and the point in its errors") {
  using Catch::Matchers::Contains;
  const double nan = std::nan("");
  CHECK_THROWS_WITH(sp::find_knee(std::vector<sp::latency_point>{}), Contains("find_knee: no points"));
  CHECK_THROWS_WITH(sp::find_knee({{1, 1}, {-2, 1}}),
                    Contains("find_knee: load must be non-negative and finite, got -2 in points[1] = {load = -2, "
                             "latency = 1}"));
  CHECK_THROWS_WITH(sp::find_knee({{1, nan}, {2, 1}}),
                    Contains("find_knee: latency must be non-negative and finite, got nan in points[0]"));
  CHECK_THROWS_WITH(sp::find_knee({{1, 1}, {std::numeric_limits<double>::infinity(), 1}}),
                    Contains("load must be non-negative and finite, got inf in points[1]"));
  CHECK_THROWS_WITH(sp::find_knee({{1, 1}, {2, 2}}, -0.1),
                    Contains("find_knee: tolerance must be non-negative and finite, got -0.1"));
  CHECK_THROWS_AS(sp::find_knee({{1, 1}, {2, 2}}, nan), sp::usage_error);
}
