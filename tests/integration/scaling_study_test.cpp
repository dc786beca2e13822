// Scaling studies against the in-process testbed over loopback: a sweep over replicas
// recovers the σ and κ the server was given, a warm-up stays out of the measurement, a
// matrix visits every configuration, and a peak search finds the capacity of one slot.
#include <stampede/scaling/expect.hpp>
#include <stampede/scaling/fit.hpp>
#include <stampede/study/peak.hpp>
#include <stampede/study/sweep.hpp>

#include <stampede/core/error.hpp>
#include <stampede/exec/executors.hpp>
#include <stampede/metrics/engine.hpp>
#include <stampede/exec/vu.hpp>
#include <stampede/http/client.hpp>
#include <stampede/testbed/server.hpp>

#include "support/catch_compat.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <string>

namespace sp = stampede;
namespace tb = stampede::testbed;
using namespace std::chrono_literals;

namespace {

// A closed-model test with enough VUs to keep every replica busy.
sp::load_test saturating_test(std::string url, int vus, std::chrono::nanoseconds duration) {
  return sp::load_test{.scenarios = {{.name = "replicas",
                                      .exec = [url](sp::vu& u) -> sp::task<> { co_await u.http().get(url); },
                                      .executor = sp::constant_vus{.vus = vus, .duration = duration}}}};
}

sp::study_options quick_study() {
  sp::study_options o;
  o.warmup = 500ms;
  o.run.threads = 1;
  o.run.seed = 7;
  o.run.tick = 250ms;
  return o;
}

}  // namespace

TEST_CASE("a sweep over the testbed's replicas recovers the sigma and kappa it was given") {
  // S = 4 ms, σ = 0.05, κ = 0.01: X(1) = 250/s, X(8) = 8 / (4 ms · 1.91) = 1047/s, peak at N ≈ 9.7.
  // Each level has 2N + 8 requests waiting for a slot, 20–40 ms of work: the slots stay busy
  // while the client is stalled that long. A stall of the whole process idles them anyway
  // (the server books a slot when it reads the request), which the repetitions below absorb.
  tb::server server{{.replicas = tb::replica_model{.replicas = 1, .sigma = 0.05, .kappa = 0.01, .service_time = 4ms}}};
  const auto url = server.url("/");
  int runs = 0;
  auto options = quick_study();
  // Three runs per level, of which the point is the median: a run that a stalled machine
  // slowed (a sanitizer build beside another test) moves no point.
  options.repetitions = 3;
  options.warmup = 250ms;
  options.on_result = [&runs](const sp::configuration&, int, const sp::result&) { ++runs; };
  const auto c = sp::sweep{.parameter = "replicas",
                           .levels = {1, 2, 3, 4, 5, 6, 7, 8},
                           .prepare = [&server](double n) { server.set_replicas(static_cast<int>(n)); },
                           .test = [&url](double n) { return saturating_test(url, 3 * static_cast<int>(n) + 8, 2s); },
                           .options = options}
                     .run();
  CHECK(runs == 24);
  REQUIRE(c.measured().size() == 8);
  for (const auto& p : c.measured()) {
    INFO(p.config.describe());
    CHECK(p.median.requests > 0);
    CHECK(p.median.error_rate == 0);
    // The window is the run after its warm-up: 1.75 s of a 2 s test, to a tick.
    CHECK(p.median.window >= 1500ms);
    CHECK(p.median.window <= 2000ms);
    CHECK(p.median.generator.cpu_utilisation.has_value());
  }
  const auto model = sp::fit_usl(c.points());
  INFO(c.to_table().to_text() << model.describe());
  // The configured σ and κ lie inside the fit's intervals, and the intervals are narrow enough
  // to tell them apart from their neighbours. A 95% interval misses the true value in one run
  // of twenty by its definition, so the test widens the fit's to 99.9% with its standard
  // errors: estimate ± t·se, t = 6.869 the Student quantile for 99.9% and the fit's 8 − 3
  // degrees of freedom. The slots never wait for a request, and a 1.75 s window at 250–1050
  // requests/s counts to within a few requests, so eight levels pin σ to ±0.04 and κ to
  // ±0.004 even so (about ±0.02 and ±0.002 on a quiet machine).
  REQUIRE(model.uncertainty.has_value());
  const auto& u = *model.uncertainty;
  REQUIRE(u.degrees_of_freedom == 5);
  constexpr double t_999 = 6.869;
  INFO("σ se " << u.sigma_se << ", κ se " << u.kappa_se);
  CHECK(std::abs(model.sigma - 0.05) <= t_999 * u.sigma_se);
  CHECK(std::abs(model.kappa - 0.01) <= t_999 * u.kappa_se);
  CHECK(t_999 * u.sigma_se <= 0.04);
  CHECK(t_999 * u.kappa_se <= 0.004);
  CHECK(model.lambda == Approx(250).epsilon(0.08));
  CHECK(model.r_squared > 0.98);
  CHECK(c.best_level() >= 6);
  const auto report = sp::verify(c, {sp::no_retrograde(8, 0.1), sp::efficiency_at(2) >= 0.85, sp::kappa() < 0.02});
  INFO(report.to_text());
  CHECK(report.passed());
  CHECK_FALSE(sp::verify(c, {sp::scales_linearly(8, 0.1)}).passed());  // 8 replicas keep ~34%
}

TEST_CASE("a study's warm-up stays out of the measured window") {
  // Iterations take 120 ms during the first second of each run and 5 ms after it.
  const auto make = [] {
    auto started = std::make_shared<std::atomic<std::int64_t>>(0);
    return sp::load_test{.scenarios = {{.name = "slow_start",
                                        .exec = [started](sp::vu& u) -> sp::task<> {
                                          const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
                                          std::int64_t expected = 0;
                                          started->compare_exchange_strong(expected, now);
                                          const auto since = std::chrono::nanoseconds{now - started->load()};
                                          co_await u.sleep(since < 1s ? 120ms : 5ms);
                                        },
                                        .executor = sp::constant_vus{.vus = 2, .duration = 2s}}}};
  };
  auto options = quick_study();
  options.warmup = 1250ms;  // the slow second, and one tick for an iteration that straddles it
  const auto warm = sp::measure_run(make(), options);
  options.warmup = 0s;
  const auto cold = sp::measure_run(make(), options);
  REQUIRE(warm.figures.p99.has_value());
  REQUIRE(cold.figures.p99.has_value());
  CHECK(*warm.figures.p99 < 60ms);
  CHECK(*cold.figures.p99 >= 120ms);
  CHECK(warm.figures.window < cold.figures.window);
  CHECK(warm.figures.iterations < cold.figures.iterations);
  CHECK(cold.figures.iterations == cold.run.complete_iterations());  // no warm-up: the whole run
}

TEST_CASE("a matrix visits every configuration in order and pivots them") {
  tb::server server{{.replicas = tb::replica_model{.replicas = 1, .service_time = 2ms}}};
  const auto url = server.url("/");
  std::vector<std::string> prepared;
  auto options = quick_study();
  options.warmup = 0s;
  // [matrix]
  const auto c = sp::matrix{.parameters = {{"replicas", {1, 2}}, {"vus", {1, 4}}},
                            .prepare =
                                [&](const sp::configuration& config) {
                                  prepared.push_back(config.describe());
                                  server.set_replicas(static_cast<int>(config["replicas"]));
                                },
                            .test = [&url](const sp::configuration& config) {
                              return saturating_test(url, static_cast<int>(config["vus"]), 500ms);
                            },
                            .options = options}
                     .run();
  // [matrix]
  CHECK(prepared == std::vector<std::string>{"replicas=1 vus=1", "replicas=1 vus=4", "replicas=2 vus=1", "replicas=2 vus=4"});
  const auto pivot = c.pivot("replicas", "vus");
  REQUIRE(pivot.columns() == std::vector<std::string>{"Replicas", "1 Vus RPS", "4 Vus RPS"});
  REQUIRE(pivot.rows().size() == 2);
  // One VU cannot use a second replica; four VUs can (2 ms per request: ~500/s per slot).
  const double one_vu_two_replicas = *pivot.at(1, "1 Vus RPS").number;
  const double four_vus_two_replicas = *pivot.at(1, "4 Vus RPS").number;
  CHECK(four_vus_two_replicas > 1.5 * one_vu_two_replicas);
  CHECK(c.slice({{"vus", 4}}).efficiency_at(2) > 0.8);
}

TEST_CASE("a sweep rejects a bad definition before running anything") {
  int prepared = 0;
  const auto prepare = [&prepared](double) { ++prepared; };
  const auto test = [](double) { return saturating_test("http://127.0.0.1:9/", 1, 1s); };
  CHECK_THROWS_WITH((sp::sweep{.parameter = "replicas", .levels = {}, .prepare = prepare, .test = test}.run()),
                    "the study parameter \"replicas\" has no levels");
  CHECK_THROWS_WITH((sp::sweep{.parameter = "replicas", .levels = {1, 2, 1}, .prepare = prepare, .test = test}.run()),
                    "the study parameter \"replicas\" lists the level 1 twice");
  CHECK_THROWS_WITH((sp::sweep{.parameter = "replicas", .levels = {1}, .prepare = prepare}.run()),
                    "the sweep over \"replicas\" has no test");
  CHECK_THROWS_WITH(
      (sp::sweep{.parameter = "replicas", .levels = {1}, .prepare = prepare, .test = test, .options = {.repetitions = 0}}.run()),
      "a study's repetitions must be at least 1, not 0");
  CHECK(prepared == 0);
  CHECK_THROWS_WITH((sp::sweep{.parameter = "replicas", .levels = {1}, .test = test, .options = {.warmup = 1s}}.run()),
                    "the warm-up (1s) leaves nothing to measure of a test that runs for 1s");
  CHECK_THROWS_WITH((sp::matrix{.parameters = {{"a", {1}}, {"a", {2}}}, .test = [](const sp::configuration&) {
                       return saturating_test("http://127.0.0.1:9/", 1, 1s);
                     }}.run()),
                    "the matrix lists the parameter \"a\" twice");
}

TEST_CASE("a peak search finds the arrival rate one 2 ms slot serves within its p99 target", "[timing]") {
  // One slot of 2 ms serves at most 500 requests/s; above that the queue, and p(99), grow
  // for as long as the run lasts.
  tb::server server{{.replicas = tb::replica_model{.replicas = 1, .service_time = 2ms}}};
  const auto url = server.url("/");
  auto options = quick_study();
  // [peak]
  const auto result = sp::peak_search{.low = 100,
                                      .high = 1000,
                                      .test =
                                          [&url](double per_second) {
                                            return sp::load_test{
                                                .scenarios = {{.name = "open",
                                                               .exec = [url](sp::vu& u) -> sp::task<> {
                                                                 co_await u.http().get(url);
                                                               },
                                                               .executor = sp::constant_arrival_rate{
                                                                   .rate = per_second,
                                                                   .duration = 1500ms,
                                                                   .pre_allocated_vus = 20,
                                                                   .max_vus = 200}}}};
                                          },
                                      .criteria = {sp::http_req_duration.p(99) < 25ms},
                                      .precision = 0.1,
                                      .confirmations = 1,
                                      .max_runs = 10,
                                      .options = options}
                          .run();
  // [peak]
  INFO(result.to_table().to_text());
  REQUIRE(result.peak.has_value());
  CHECK(*result.peak >= 300);
  CHECK(*result.peak <= 560);
  CHECK_FALSE(result.at_upper_bound);
  CHECK(result.attempts.size() <= 10);
  CHECK(result.attempts.front().rate == 100);
  CHECK(result.attempts.front().passed);
  CHECK(result.attempts[1].rate == 1000);
  CHECK_FALSE(result.attempts[1].passed);
  CHECK(result.attempts[1].why.find("http_req_duration") != std::string::npos);
}

TEST_CASE("a peak search rejects a bad definition") {
  const auto test = [](double) { return sp::load_test{}; };
  CHECK_THROWS_WITH((sp::peak_search{.low = 0, .high = 10, .test = test, .criteria = {sp::http_req_failed.rate() < 0.01}}.run()),
                    "peak_search: low must be a positive rate, not 0");
  CHECK_THROWS_WITH((sp::peak_search{.low = 10, .high = 5, .test = test, .criteria = {sp::http_req_failed.rate() < 0.01}}.run()),
                    "peak_search: high (5) must be above low (10)");
  CHECK_THROWS_WITH((sp::peak_search{.low = 1, .high = 5, .test = test}.run()),
                    "peak_search: no criteria (e.g. http_req_duration.p(99) < 50ms)");
}
