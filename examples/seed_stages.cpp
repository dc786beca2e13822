// The course's k6 script in C++: stages from 1,000 to 5,000 VUs listing todos, with a check
// and a one-second think time. Against the in-process testbed by default, or any server with
// `-e BASE_URL=http://host:port`. Its stages are eleven minutes long, so try it shortened:
// `stampede_example_seed_stages --stage 5s:100 --stage 5s:0`.
#include <stampede/stampede.hpp>

#include <chrono>

namespace sp = stampede;
namespace tb = stampede::testbed;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  tb::server server{{.routes = {{.path = "/api/v1/todos", .body = R"([{"id":1,"name":"write a load test"}])",
                                 .content_type = "application/json", .latency = tb::service_time::lognormal(5ms, 0.4)}}}};
  auto fallback = server.url("/");  // "http://127.0.0.1:PORT/"
  fallback.pop_back();

  // [script]
  // import http from 'k6/http'; import { sleep, check } from 'k6';
  // export const options = { stages: [{ target: 1000, duration: '1m' }, { target: 5000, duration: '10m' }] };
  sp::load_test test{
      .scenarios = {{.name = "default",
                     .exec = [fallback](sp::vu& u) -> sp::task<> {
                       const auto base = u.env("BASE_URL", fallback);
                       auto res = co_await u.http().get(base + "/api/v1/todos");
                       u.check(res, "status was 200", [](const sp::http::response& r) { return r.status() == 200; });
                       co_await u.sleep(1s);
                     },
                     .executor = sp::ramping_vus{.start_vus = 0, .stages = {{1min, 1000}, {10min, 5000}}}}},
      .thresholds = {sp::checks.rate() > 0.99},
  };
  return sp::main(argc, argv, test);
  // [script]
}
