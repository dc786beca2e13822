// The seeds' replica-scaling study as a unit test (Catch2 v2 or v3, linked with
// stampede::catch2): the sweep of examples/replica_scaling.cpp, shortened, with its
// expectations as assertions. A failure prints the table and the fitted USL model.
// [includes]
#include <stampede/stampede.hpp>
#include <stampede/testing/catch2.hpp>
#if CATCH_VERSION_MAJOR >= 3
#  include <catch2/catch_test_macros.hpp>
#endif
// [includes]

#include <chrono>

namespace sp = stampede;
namespace tb = stampede::testbed;
using namespace std::chrono_literals;

// [test]
TEST_CASE("the assignments service does not scale past two replicas, and the USL says why") {
  tb::server server{{.replicas = tb::replica_model{.replicas = 1, .sigma = 0.618, .kappa = 0.1848,
                                                   .service_time = 1280us}}};
  const auto url = server.url("/");
  const sp::curve curve =
      sp::sweep{.parameter = "replicas",
                .levels = {1, 2, 4, 6, 8},
                .prepare = [&server](double n) { server.set_replicas(static_cast<int>(n)); },
                .test =
                    [&url](double) {
                      return sp::load_test{.scenarios = {{.name = "default",
                                                          .exec = [url](sp::vu& u) -> sp::task<> {
                                                            co_await u.http().get(url);
                                                          },
                                                          .executor = sp::constant_vus{.vus = 10, .duration = 1500ms}}}};
                    },
                .options = {.warmup = 500ms, .run = {.threads = 1, .seed = 42, .tick = 250ms}}}
          .run();

  // The curve describes the service, not the load generator; the USL explains it; and it
  // peaks below two replicas because of coherency, not contention alone.
  REQUIRE_THAT(curve, sp::catch2::meets(sp::generator_not_saturated(), sp::usl_r_squared() >= 0.9));
  CHECK_THAT(curve, sp::catch2::meets(sp::peak_concurrency() <= 2, sp::kappa() >= 0.1));
  // What the team hoped for, and the study disproves: adding replicas never costs throughput.
  CHECK_FALSE(sp::catch2::meets(sp::no_retrograde()).match(curve));
}
// [test]
