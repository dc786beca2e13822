// A compiled load test run by tests/integration/cli_main_test.cpp: sp::main over a long
// constant_vus scenario, so the test can stop it with signals and read what it prints.
#include <stampede/cli/main.hpp>
#include <stampede/exec/runner.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

std::atomic<bool> announced{false};

sp::task<> visit(sp::vu& u) {
  // One line on stderr when a VU starts its second iteration: the test is running and has
  // completed an iteration, so the summary of a run stopped now has iterations in it.
  if (u.iteration() == 1 && !announced.exchange(true)) {
    std::fputs("an iteration completed\n", stderr);
    std::fflush(stderr);
  }
  u.check(u.iteration(), "iteration counted", [](std::uint64_t) { return true; });
  co_await u.sleep(20ms);
}

}  // namespace

// [main]
int main(int argc, char** argv) {
  return sp::main(argc, argv,
                  sp::load_test{
                      .scenarios = {{.name = "browse",
                                     .exec = visit,
                                     .executor = sp::constant_vus{.vus = 2, .duration = 10min},
                                     .graceful_stop = 5s}},
                      .thresholds = {sp::iteration_duration.p(95) < 10s},
                  });
}
// [main]
