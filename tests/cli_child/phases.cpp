// A compiled load test run by tests/integration/cli_signals_test.cpp: the environment variable
// STAMPEDE_PHASE names the phase it lingers in, so that the test can signal it there —
// `setup` (a 30 s setup), `ramp-up` (30 s of ramping VUs), `steady` (10 minutes of constant
// VUs), `teardown` (a short run, then a 2 s teardown) or `short` (a short run, for signals while
// outputs are written). It says on stderr when it gets there.
#include <stampede/cli/main.hpp>
#include <stampede/exec/runner.hpp>

#include <any>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

void say(const char* line) {
  std::fputs(line, stderr);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

sp::task<> visit(sp::vu& u) {
  if (u.id() == 1 && u.iteration() == 1) say("phase: scenarios");
  u.check(u.iteration(), "iteration counted", [](std::uint64_t) { return true; });
  co_await u.sleep(20ms);
}

}  // namespace

int main(int argc, char** argv) {
  const char* env = std::getenv("STAMPEDE_PHASE");
  const std::string phase = env != nullptr ? env : "steady";
  sp::load_test test{.thresholds = {sp::iteration_duration.p(95) < 10s}};
  sp::scenario s{.name = "phases", .exec = visit, .graceful_stop = 5s};
  if (phase == "ramp-up") {
    s.executor = sp::ramping_vus{.start_vus = 1, .stages = {{30s, 20}}};
  } else if (phase == "teardown" || phase == "short" || phase == "setup") {
    s.executor = sp::shared_iterations{.vus = 1, .iterations = 5};
  } else {
    s.executor = sp::constant_vus{.vus = 2, .duration = 10min};
  }
  test.scenarios.push_back(std::move(s));
  test.setup = [phase](sp::vu& u) -> sp::task<std::any> {
    if (phase == "setup") {
      say("phase: setup");
      co_await u.sleep(30s);
    }
    co_return std::any{};
  };
  test.teardown = [phase](sp::vu& u) -> sp::task<> {
    if (phase != "teardown") co_return;
    say("phase: teardown");
    co_await u.sleep(2s);
    say("teardown finished");
  };
  return sp::main(argc, argv, std::move(test));
}
