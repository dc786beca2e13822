// A compiled load test run as parts by tests/integration/cli_distributed_test.cpp: GETs against
// the testbed at BASE_URL (-e BASE_URL=...), in a shared-iterations scenario and, from 0.5 s, an
// arrival-rate one, with a threshold the merge judges. Both executors give exact totals when
// merged: 240 shared iterations and 60 arrivals.
#include <stampede/cli/main.hpp>
#include <stampede/exec/runner.hpp>
#include <stampede/http/predicates.hpp>

#include <chrono>
#include <string>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

sp::task<> get(sp::vu& u) {
  const auto res = co_await u.http().get(u.env("BASE_URL") + "items?i=" + std::to_string(u.iteration_in_test()));
  u.check(res, sp::status_is(200));
}

}  // namespace

int main(int argc, char** argv) {
  return sp::main(argc, argv,
                  sp::load_test{
                      .scenarios = {{.name = "shared",
                                     .exec = get,
                                     .executor = sp::shared_iterations{.vus = 6, .iterations = 240, .max_duration = 1min}},
                                    {.name = "arrivals",
                                     .exec = get,
                                     .executor = sp::constant_arrival_rate{.rate = 20, .duration = 3s, .pre_allocated_vus = 12},
                                     .start_time = 500ms}},
                      .thresholds = {sp::http_req_failed.rate() < 0.01, {"checks", "rate>0.99"}},
                  });
}
