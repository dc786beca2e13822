// A simulated run with something in every part of the HTML report, for the report's unit
// tests and its browser tests: two scenarios that record HTTP metrics by hand (a simulated run
// does no I/O) — "browse" asks for two endpoints, the second slower and failing every tenth
// time — and "arrivals", an open model with too few VUs, so that some iterations are dropped;
// one threshold that holds and one that fails.
#pragma once

#include <stampede/exec/runner.hpp>
#include <stampede/metrics/builtin.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace stampede_test {

inline stampede::load_test report_test(std::string odd_name = "/items/{id}") {
  namespace sp = stampede;
  using namespace std::chrono_literals;
  auto browse = [odd_name](sp::vu& u) -> sp::task<> {
    co_await u.sleep(100ms);
    const auto i = u.iteration();
    const bool odd = i % 2 == 1;
    const sp::tag_set tags{{"name", odd ? odd_name : std::string{"/login"}}};
    u.record(sp::http_reqs, 1, tags);
    u.record(sp::http_req_duration, static_cast<double>((odd ? 40'000'000 : 5'000'000) + (i % 7) * 1'000'000), tags);
    u.record(sp::http_req_failed, odd && i % 10 == 1 ? 1.0 : 0.0, tags);
    u.check(i, "status is 200", [](auto n) { return n % 10 != 1; });
  };
  auto slow = [](sp::vu& u) -> sp::task<> { co_await u.sleep(700ms); };
  return sp::load_test{
      .scenarios = {{.name = "browse", .exec = browse, .executor = sp::constant_vus{.vus = 3, .duration = 6s}},
                    {.name = "arrivals",
                     .exec = slow,
                     .executor = sp::constant_arrival_rate{.rate = 4, .time_unit = 1s, .duration = 4s,
                                                           .pre_allocated_vus = 1, .max_vus = 2}}},
      .thresholds = {sp::http_req_duration.p(95) < 200ms, sp::http_req_failed.rate() < 0.01},
  };
}

/// `test` run on a manual time with a fixed seed: the same samples every time.
inline stampede::result simulate_report_run(const stampede::load_test& test, std::vector<stampede::run_observer*> observers) {
  stampede::manual_time time;
  return stampede::run(test, {.threads = 2, .seed = 7, .observers = std::move(observers), .time = &time});
}

}  // namespace stampede_test
