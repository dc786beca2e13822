// Tests of the replica model's USL arithmetic, including the seed's "10 replicas got slower".
#include <stampede/testbed/replica_model.hpp>

#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <cmath>

namespace tb = stampede::testbed;
using namespace std::chrono_literals;

TEST_CASE("replica_model's effective service time and throughput follow the USL") {
  struct row {
    int n;
    double sigma, kappa;
    std::chrono::nanoseconds s_eff;
    double throughput;
  };
  const row rows[] = {
      {1, 0.05, 0.01, 2'000'000ns, 500.0},
      {2, 0.05, 0.01, 2'140'000ns, 2 / 0.00214},
      {4, 0.05, 0.01, 2'540'000ns, 4 / 0.00254},
      {8, 0.05, 0.01, 3'820'000ns, 8 / 0.00382},
      {8, 0.0, 0.0, 2'000'000ns, 4000.0},  // linear scaling
      {8, 1.0, 0.0, 16'000'000ns, 500.0},  // full contention: N replicas serve like one
  };
  for (const auto& r : rows) {
    INFO("N=" << r.n << " sigma=" << r.sigma << " kappa=" << r.kappa);
    const tb::replica_model m{.replicas = r.n, .sigma = r.sigma, .kappa = r.kappa, .service_time = 2ms};
    CHECK(m.effective_service_time() == r.s_eff);
    CHECK(m.throughput() == Approx(r.throughput).epsilon(1e-9));
  }
}

TEST_CASE("replica_model reproduces the seed's k6 runs, where 10 replicas were slower than 2") {
  // shared/seeds/k6-summaries-replica-scaling.txt, getting assignments with 10 VUs:
  // 781.5 req/s at 1 replica, 786.7 at 2, 337.4 at 10. Solving the USL for those three points
  // gives S = 1/781.5 s, sigma ≈ 0.618, kappa ≈ 0.185.
  const auto s = std::chrono::nanoseconds{std::llround(1e9 / 781.54944)};
  const auto at = [&](int n) { return tb::replica_model{.replicas = n, .sigma = 0.618, .kappa = 0.1848, .service_time = s}; };
  CHECK(at(1).throughput() == Approx(781.5).epsilon(0.005));
  CHECK(at(2).throughput() == Approx(786.7).epsilon(0.01));
  CHECK(at(10).throughput() == Approx(337.4).epsilon(0.01));
  CHECK(at(1).peak_replicas() == Approx(std::sqrt((1 - 0.618) / 0.1848)));
  CHECK(at(10).throughput() < at(1).throughput());
}

TEST_CASE("replica_model peaks at sqrt((1-sigma)/kappa) and has no peak without coherency") {
  const tb::replica_model m{.replicas = 1, .sigma = 0.05, .kappa = 0.01};
  CHECK(m.peak_replicas() == Approx(std::sqrt(95.0)));
  auto at = [&](int n) {
    auto c = m;
    c.replicas = n;
    return c.throughput();
  };
  CHECK(at(9) < at(10));
  CHECK(at(10) > at(11));
  CHECK(std::isinf(tb::replica_model{.sigma = 0.1}.peak_replicas()));
}

TEST_CASE("replica_model::validate names the field that is out of range") {
  const auto message = [](const tb::replica_model& m) {
    try {
      m.validate();
    } catch (const stampede::usage_error& e) {
      return std::string(e.what());
    }
    return std::string("valid");
  };
  CHECK(message({}) == "valid");
  CHECK_THAT(message({.replicas = 0}), Catch::Matchers::Contains("replicas"));
  CHECK_THAT(message({.replicas = tb::max_replicas + 1}), Catch::Matchers::Contains("replicas"));
  CHECK_THAT(message({.sigma = -0.1}), Catch::Matchers::Contains("sigma"));
  CHECK_THAT(message({.sigma = 1.5}), Catch::Matchers::Contains("sigma"));
  CHECK_THAT(message({.kappa = std::nan("")}), Catch::Matchers::Contains("kappa"));
  CHECK_THAT(message({.service_time = 0ns}), Catch::Matchers::Contains("service_time"));
}
