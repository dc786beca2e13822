#include <stampede/exec/load_test.hpp>
#include <stampede/report/progress.hpp>

#include "support/catch_compat.hpp"
#include "support/file_text.hpp"

#include <chrono>
#include <cstdio>
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

namespace {

sp::task<> idle(sp::vu&) { co_return; }

sp::run_progress progress_at(std::chrono::nanoseconds t, bool ended, std::uint64_t complete) {
  return {.elapsed = t, .max_duration = 40s, .active_vus = ended ? 0 : 2, .max_vus = 2, .complete = complete,
          .interrupted = 0, .ended = ended,
          .scenarios = {{.name = "shared", .active_vus = ended ? 0 : 2, .max_vus = 2, .complete = complete,
                         .interrupted = 0, .elapsed = t, .duration = 10s, .started = true, .done = ended,
                         .detail = ""}}};
}

}  // namespace

TEST_CASE("the progress printer writes the header, a plain frame per interval and the final frame") {
  const sp::load_test test{.scenarios = {{.name = "shared",
                                          .exec = idle,
                                          .executor = sp::shared_iterations{.vus = 2, .iterations = 100}}}};
  std::FILE* stream = std::tmpfile();
  REQUIRE(stream != nullptr);
  sp::progress_printer printer{{.stream = stream, .mode = sp::progress_mode::plain, .plain_interval = 2s}};
  printer.on_start(test, {});
  const sp::snapshot delta;
  for (int s = 1; s <= 4; ++s) printer.on_tick(delta, progress_at(std::chrono::seconds{s}, false, 10U * static_cast<unsigned>(s)));
  printer.on_tick(delta, progress_at(4500ms, true, 100));
  const auto text = sp::testing::file_text(stream);
  std::fclose(stream);
  CHECK(text == "\n" + sp::format_scenarios_header(test) + "\n" +
                    "running (02.0s), 2/2 VUs, 20 complete and 0 interrupted iterations\n"
                    "shared   [======>-------------------------------] 2/2 VUs  02.0s/10.0s  20/100 shared iters\n\n"
                    "running (04.0s), 2/2 VUs, 40 complete and 0 interrupted iterations\n"
                    "shared   [==============>-----------------------] 2/2 VUs  04.0s/10.0s  40/100 shared iters\n\n"
                    "running (04.5s), 0/2 VUs, 100 complete and 0 interrupted iterations\n"
                    "shared ✓ [======================================] 2 VUs  10s  100/100 shared iters\n\n");
}

TEST_CASE("on a terminal the progress printer redraws its last frame in place; with none it writes only the header") {
  const sp::load_test test{.scenarios = {{.exec = idle, .executor = sp::constant_vus{.vus = 2, .duration = 10s}}}};
  std::FILE* stream = std::tmpfile();
  REQUIRE(stream != nullptr);
  sp::progress_printer printer{{.stream = stream, .mode = sp::progress_mode::terminal}};
  printer.on_start(test, {});
  const sp::snapshot delta;
  printer.on_tick(delta, progress_at(1s, false, 5));
  printer.on_tick(delta, progress_at(2s, false, 9));
  const auto text = sp::testing::file_text(stream);
  std::fclose(stream);
  const auto second = text.find("running (02.0s)");
  REQUIRE(second != std::string::npos);
  CHECK(text.substr(second - 7, 7) == "\x1b[2A\x1b[J");  // up over the status line and the bar, clear

  std::FILE* quiet_stream = std::tmpfile();
  REQUIRE(quiet_stream != nullptr);
  sp::progress_printer quiet{{.stream = quiet_stream, .mode = sp::progress_mode::none}};
  quiet.on_start(test, {});
  quiet.on_tick(delta, progress_at(1s, false, 5));
  quiet.on_tick(delta, progress_at(10s, true, 50));
  const auto quiet_text = sp::testing::file_text(quiet_stream);
  std::fclose(quiet_stream);
  CHECK(quiet_text == "\n" + sp::format_scenarios_header(test) + "\n");
}

TEST_CASE("each executor's progress detail is k6's") {
  sp::scenario_progress s;
  s.complete = 45;
  s.interrupted = 5;
  CHECK(sp::format_progress_detail(sp::shared_iterations{.vus = 2, .iterations = 100}, s) == "50/100 shared iters");
  CHECK(sp::format_progress_detail(sp::per_vu_iterations{.vus = 5, .iterations = 20}, s) == "50/100 iters, 20 per VU");
  CHECK(sp::format_progress_detail(sp::constant_arrival_rate{.rate = 30, .time_unit = 1min, .duration = 1s,
                                                             .pre_allocated_vus = 1},
                                   s) == "0.50 iters/s");
  CHECK(sp::format_progress_detail(sp::constant_vus{}, s).empty());
}
