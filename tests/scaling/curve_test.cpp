// Tests of sp::curve on hand-made points: the seed's tables, pivots, slices, efficiency,
// knees and medians of repetitions.
#include <stampede/scaling/curve.hpp>

#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

sp::measurement http_run(double rps, std::chrono::nanoseconds p50, double seconds = 10) {
  sp::measurement m;
  m.window = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(seconds));
  m.requests = static_cast<std::uint64_t>(rps * seconds);
  m.iterations = m.requests;
  m.requests_per_second = rps;
  m.iterations_per_second = rps;
  m.p50 = p50;
  m.p95 = p50 * 2;
  m.p99 = p50 * 3;
  m.vus = 10;
  return m;
}

sp::study_point point(std::vector<std::pair<std::string, double>> config, std::vector<sp::measurement> runs) {
  sp::configuration c;
  for (const auto& [name, value] : config) c.set(name, value);
  auto median = sp::median_of(runs);
  return {c, std::move(runs), median};
}

// The seed's k6 replica runs (../shared/seeds/k6-summaries-replica-scaling.txt).
sp::curve seed_replicas() {
  return sp::curve{{"replicas"},
                   {point({{"replicas", 1}}, {http_run(781.54944, 11030us)}),
                    point({{"replicas", 2}}, {http_run(786.681245, 10560us)}),
                    point({{"replicas", 10}}, {http_run(337.42587, 17300us)})}};
}

}  // namespace

TEST_CASE("curve's table has the seed's columns, one row per point") {
  const auto t = seed_replicas().to_table();
  CHECK(t.to_markdown() ==
        "| Replicas | RPS | Median (ms) | P95 (ms) | P99 (ms) | Failures (%) | Total Requests |\n"
        "|----------|-----|-------------|----------|----------|--------------|----------------|\n"
        "| 1 | 781.5 | 11.03 | 22.06 | 33.09 | 0.00 | 7815 |\n"
        "| 2 | 786.7 | 10.56 | 21.12 | 31.68 | 0.00 | 7866 |\n"
        "| 10 | 337.4 | 17.30 | 34.60 | 51.90 | 0.00 | 3374 |\n");
}

TEST_CASE("curve's points, efficiency and best level come from the median throughput") {
  const auto c = seed_replicas();
  const auto pts = c.points();
  REQUIRE(pts.size() == 3);
  CHECK(pts[2].concurrency == 10);
  CHECK(pts[2].throughput == Approx(337.42587));
  CHECK(c.efficiency_at(1) == Approx(1.0));
  CHECK(c.efficiency_at(2) == Approx(786.681245 / 781.54944 / 2));
  CHECK(c.efficiency_at(10) == Approx(337.42587 / 781.54944 / 10));
  CHECK(c.best_level() == 2);
  CHECK_THROWS_WITH((void)c.at(4), "the study has no point at replicas=4 (its levels: 1, 2, 10)");
}

TEST_CASE("curve takes the median of repetitions and reports their spread") {
  const sp::curve c{{"vus"},
                    {point({{"vus", 1}}, {http_run(100, 10ms), http_run(90, 12ms), http_run(110, 11ms)}),
                     point({{"vus", 2}}, {http_run(200, 10ms), http_run(196, 10ms)})}};
  const auto& p1 = c.at(1);
  CHECK(p1.median.requests_per_second == 100);
  CHECK(p1.median.p50 == 11ms);
  CHECK(p1.spread() == Approx(0.2));
  CHECK(c.at(2).median.requests_per_second == 198);  // even count: the mean of the middle two
  const auto t = c.to_table();
  REQUIRE(t.columns().back() == "RPS spread (%)");
  CHECK(t.at(0, "RPS spread (%)").text == "20.0");
}

TEST_CASE("curve pivots a matrix as the seed's throughput-by-replicas table") {
  std::vector<sp::study_point> pts;
  const double rps[2][3] = {{47.6, 39.1, 49.3}, {82.1, 82.2, 87.0}};
  const double users[3] = {200, 400, 800};
  for (int r = 0; r < 2; ++r) {
    for (int u = 0; u < 3; ++u) pts.push_back(point({{"replicas", r + 1}, {"users", users[u]}}, {http_run(rps[r][u], 1s)}));
  }
  const sp::curve c{{"replicas", "users"}, pts};
  CHECK(c.pivot("replicas", "users").to_markdown() ==
        "| Replicas | 200 Users RPS | 400 Users RPS | 800 Users RPS |\n"
        "|----------|---------------|---------------|---------------|\n"
        "| 1 | 47.6 | 39.1 | 49.3 |\n"
        "| 2 | 82.1 | 82.2 | 87.0 |\n");
  const auto at_400 = c.slice({{"users", 400}});
  REQUIRE(at_400.parameters() == std::vector<std::string>{"replicas"});
  CHECK(at_400.throughput_at(2) == 82.2);
  CHECK_THROWS_WITH((void)c.points(), "curve::points needs a curve over one parameter, and this one has 2 (replicas, users); slice it first");
  CHECK_THROWS_WITH((void)c.pivot("replicas", "workers"), "the study has no parameter \"workers\" (it has: replicas, users)");
  CHECK_THROWS_WITH((void)c.slice({{"users", 300}}), "no point of the study has users=300");
}

TEST_CASE("curve finds the load where latency leaves its low-load value") {
  const sp::curve c{{"vus"},
                    {point({{"vus", 10}}, {http_run(100, 10ms)}), point({{"vus", 20}}, {http_run(200, 10ms)}),
                     point({{"vus", 40}}, {http_run(390, 11ms)}), point({{"vus", 80}}, {http_run(400, 20ms)})}};
  const auto knee = c.knee(0.5);
  REQUIRE(knee.has_value());
  CHECK(*knee > 40);
  CHECK(*knee < 80);
  CHECK_FALSE(c.knee(1.5).has_value());
}

TEST_CASE("curve flags a saturated generator in its table") {
  auto busy = http_run(500, 5ms);
  busy.generator.saturated = true;
  busy.generator.reason = "its shards used 97% of their CPU";
  const sp::curve c{{"vus"}, {point({{"vus", 1}}, {http_run(100, 5ms)}), point({{"vus", 8}}, {busy})}};
  CHECK(c.generator_saturated());
  const auto t = c.to_table();
  CHECK(t.at(0, "Generator").text == "ok");
  CHECK(t.at(1, "Generator").text == "saturated: its shards used 97% of their CPU");
}

TEST_CASE("configuration names a missing parameter and the ones it has") {
  const sp::configuration c{{"replicas", 4}, {"users", 200}};
  CHECK(c["users"] == 200);
  CHECK(c.describe() == "replicas=4 users=200");
  CHECK_THROWS_WITH((void)c["workers"], "the configuration has no parameter \"workers\" (it has: replicas, users)");
  CHECK(sp::format_level(0.5) == "0.5");
  CHECK(sp::format_level(1500) == "1500");
}

TEST_CASE("curve rejects points whose parameters differ from its own") {
  CHECK_THROWS_WITH((sp::curve{{"replicas"}, {point({{"users", 1}}, {http_run(1, 1ms)})}}),
                    "a point's configuration (users=1) does not match the curve's parameters (replicas)");
}
