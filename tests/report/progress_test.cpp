#include <stampede/report/progress.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <string>

namespace sp = stampede;
using namespace std::chrono_literals;

TEST_CASE("progress time has k6's fixed width for the test's length") {
  struct row {
    std::chrono::nanoseconds elapsed;
    std::chrono::nanoseconds max;
    std::string text;
  };
  const row rows[] = {
      {5400ms, 40s, "05.4s"},       {10s, 40s, "10.0s"},          {10'099ms, 40s, "10.0s"},
      {5400ms, 11min, "00m05.4s"},  {61s, 11min, "01m01.0s"},     {5400ms, 2h, "0h00m05.4s"},
      {3723s, 2h, "1h02m03.0s"},    {-1s, 40s, "00.0s"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.text);
    CHECK(sp::format_progress_time(r.elapsed, r.max) == r.text);
  }
}

TEST_CASE("the status line pads VU counts to the width of the maximum, as k6") {
  sp::run_progress p{.elapsed = 5400ms, .max_duration = 11min, .active_vus = 91, .max_vus = 5000,
                     .complete = 140, .interrupted = 0, .scenarios = {}};
  CHECK(sp::format_progress_status(p) == "running (00m05.4s), 0091/5000 VUs, 140 complete and 0 interrupted iterations");
  p = {.elapsed = 10s, .max_duration = 40s, .active_vus = 0, .max_vus = 10, .complete = 7821, .interrupted = 0,
       .scenarios = {}};
  CHECK(sp::format_progress_status(p) == "running (10.0s), 00/10 VUs, 7821 complete and 0 interrupted iterations");
}

TEST_CASE("a finished scenario's bar is full and marked as in the seed's final lines") {
  sp::run_progress p{.elapsed = 10s, .max_duration = 40s, .active_vus = 0, .max_vus = 10, .complete = 7821,
                     .interrupted = 0,
                     .scenarios = {{.name = "default", .active_vus = 0, .max_vus = 10, .complete = 7821,
                                    .interrupted = 0, .elapsed = 10s, .duration = 10s, .started = true,
                                    .done = true, .detail = ""}}};
  const auto bars = sp::format_progress_bars(p);
  REQUIRE(bars.size() == 1);
  CHECK(bars[0] == "default ✓ [======================================] 10 VUs  10s");
}

TEST_CASE("a running bar shows elapsed and total in the same fixed width, as the course's k6 run") {
  sp::run_progress p{.elapsed = 5400ms, .max_duration = 11min + 30s, .active_vus = 91, .max_vus = 5000,
                     .complete = 140, .interrupted = 0,
                     .scenarios = {{.name = "default", .active_vus = 91, .max_vus = 5000, .complete = 140,
                                    .interrupted = 0, .elapsed = 5400ms, .duration = 11min, .started = true,
                                    .done = false, .detail = ""}}};
  const auto bars = sp::format_progress_bars(p);
  REQUIRE(bars.size() == 1);
  CHECK(bars[0] == "default   [--------------------------------------] 0091/5000 VUs  00m05.4s/11m00.0s");
}

TEST_CASE("a running scenario's bar fills with its elapsed share and names are padded to the longest") {
  sp::run_progress p{.elapsed = 5s, .max_duration = 40s, .active_vus = 3, .max_vus = 10, .complete = 0,
                     .interrupted = 0,
                     .scenarios = {{.name = "a", .active_vus = 3, .max_vus = 10, .complete = 0, .interrupted = 0,
                                    .elapsed = 5s, .duration = 10s, .started = true, .done = false, .detail = ""},
                                   {.name = "longer", .active_vus = 0, .max_vus = 5, .complete = 0,
                                    .interrupted = 0, .elapsed = 0s, .duration = 10s, .started = false,
                                    .done = false, .detail = "0/50 shared iters"}}};
  const auto bars = sp::format_progress_bars(p);
  REQUIRE(bars.size() == 2);
  CHECK(bars[0] == "a        [==================>-------------------] 03/10 VUs  05.0s/10.0s");
  CHECK(bars[1] == "longer   [--------------------------------------] 0/5 VUs  00.0s/10.0s  0/50 shared iters");
}
