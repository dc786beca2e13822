// The runner on the steady clock with real threads and timers, without a network: what the
// simulated unit tests (tests/exec/runner_test.cpp) cannot show — that shards on their own
// threads keep to the wall clock, and that a stop from another thread reaches them.
#include <stampede/metrics/engine.hpp>
#include <stampede/exec/runner.hpp>

#include "support/catch_compat.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>

namespace sp = stampede;
using namespace std::chrono_literals;

TEST_CASE("on real threads constant_vus keeps to the wall clock and interrupts past the graceful stop", "[timing]") {
  sp::load_test test{.scenarios = {{.exec = [](sp::vu& u) -> sp::task<> { co_await u.sleep(200ms); },
                                    .executor = sp::constant_vus{.vus = 4, .duration = 500ms},
                                    .graceful_stop = 0s}}};
  const auto start = std::chrono::steady_clock::now();
  const auto r = sp::run(test, {.threads = 2, .seed = 1});
  const auto took = std::chrono::steady_clock::now() - start;
  // Each VU completes two 200 ms iterations in 500 ms and is interrupted in its third.
  CHECK(r.complete_iterations() == 8);
  CHECK(r.interrupted_iterations() == 4);
  CHECK(r.duration >= 500ms);
  CHECK(took >= 500ms);
  CHECK(took < 2s);
  CHECK(r.shards == 2);
  CHECK(r.generator_cpu.has_value());
}

TEST_CASE("a stop requested from another thread ends a long run gracefully and keeps what was gathered", "[timing]") {
  sp::run_control control;
  sp::load_test test{.scenarios = {{.exec = [](sp::vu& u) -> sp::task<> { co_await u.sleep(5ms); },
                                    .executor = sp::constant_vus{.vus = 3, .duration = 1h}}}};
  std::thread stopper([&control] {
    std::this_thread::sleep_for(300ms);
    control.request_stop();
  });
  const auto r = sp::run(test, {.threads = 2, .seed = 1, .control = &control});
  stopper.join();
  CHECK(r.status == sp::run_status::interrupted);
  CHECK(r.exit_code() == 105);
  CHECK(r.complete_iterations() > 10);
  CHECK(r.duration < 10s);
}

TEST_CASE("a run ends when its last iteration does and not when the runner next looks", "[timing]") {
  // One VU's iterations of a little over 10 ms for 101 ms: the last one ends between 101 and
  // 112 ms, perhaps inside the graceful stop. Between ticks the runner looks at its shards
  // every 20 ms; the run's duration is still the last iteration's end, so that rates over the
  // run (a study's throughput, the summary's per-second figures) are not diluted by the wait.
  auto last_end = std::make_shared<std::atomic<std::int64_t>>(0);
  sp::load_test test{.scenarios = {{.exec = [last_end](sp::vu& u) -> sp::task<> {
                                      co_await u.sleep(10ms);
                                      last_end->store(u.elapsed().count());
                                    },
                                    .executor = sp::constant_vus{.vus = 1, .duration = 101ms}}}};
  const auto r = sp::run(test, {.threads = 1, .seed = 1, .tick = 1s});
  REQUIRE(r.complete_iterations() >= 9);
  const auto last = std::chrono::nanoseconds{last_end->load()};
  CHECK(r.duration >= last);
  CHECK(r.duration - last < 5ms);
}
