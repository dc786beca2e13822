// A load test as a Catch2 test case with stampede's matchers, for benchmarks/compile_time: one
// scenario against a local URL, its thresholds asserted with REQUIRE_THAT.
#include <stampede/stampede.hpp>
#include <stampede/testing/catch2.hpp>
#if CATCH_VERSION_MAJOR >= 3
#  include <catch2/catch_test_macros.hpp>
#endif

#include <chrono>

namespace sp = stampede;
using namespace std::chrono_literals;

TEST_CASE("the home page holds p(95) under 50 ms with 10 VUs") {
  const auto result = sp::run(sp::load_test{
      .scenarios = {{.exec = [](sp::vu& u) -> sp::task<> {
                       auto res = co_await u.http().get(u.env("URL", "http://127.0.0.1:8080/"));
                       u.check(res, sp::status_is(200));
                     },
                     .executor = sp::constant_vus{.vus = 10, .duration = 2s}}},
      .thresholds = {sp::http_req_duration.p(95) < 50ms, sp::http_req_failed.rate() < 0.01},
  });
  REQUIRE_THAT(result, sp::catch2::meets_thresholds());
}
