// The seed's single k6 run as a compiled program. Ten VUs get assignments for ten seconds from
// an in-process testbed server whose two replicas behave like the seed's service (its Universal
// Scalability Law coefficients were fitted to the seed's k6 runs), and the run prints k6's
// header, live progress and end-of-test summary. Every k6 flag works:
//   cmake --build build --target stampede_demo
//   build/examples/stampede_demo --vus 20 --duration 5s      # or --help
// (scripts/demo runs the replica-scaling study, examples/replica_scaling.cpp, instead.)
#include <stampede/stampede.hpp>

#include <chrono>

namespace sp = stampede;
namespace tb = stampede::testbed;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  // [server]
  // Two replicas with the seed's contention and coherency: about 786 requests/s at 10 VUs.
  tb::server server{{.routes = {{.path = "/api/assignments",
                                 .body = R"([{"id":1,"title":"Hello world","handout":"Print it"}])",
                                 .content_type = "application/json"}},
                     .replicas = tb::replica_model{.replicas = 2, .sigma = 0.618, .kappa = 0.1848,
                                                   .service_time = 1280us}}};
  // [server]

  // [test]
  const auto url = server.url("/api/assignments");
  sp::load_test test{
      .scenarios = {{.name = "default",
                     .exec = [url](sp::vu& u) -> sp::task<> {
                       auto res = co_await u.http().get(url);
                       u.check(res, "status was 200", [](const sp::http::response& r) { return r.status() == 200; });
                     },
                     .executor = sp::constant_vus{.vus = 10, .duration = 10s}}},
      .thresholds = {sp::http_req_failed.rate() < 0.01, sp::http_req_duration.p(95) < 200ms},
  };
  return sp::main(argc, argv, test);
  // [test]
}
