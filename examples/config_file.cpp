// A k6 options file applied to a compiled test: the test exports its functions by name and
// lists no scenarios, and the file's scenarios, thresholds and HTTP options complete it
// (docs/config.md takes its code from here).
#include <stampede/stampede.hpp>

#include <fmt/format.h>

#include <chrono>

namespace sp = stampede;
using namespace std::chrono_literals;

sp::task<> browse(sp::vu& u) { co_await u.sleep(10ms); }
sp::task<> checkout(sp::vu& u) { co_await u.sleep(20ms); }

int main() {
  // [test]
  // k6's exported functions: a file's scenario names the one it runs with "exec";
  // "default" is what a scenario without "exec" runs.
  sp::load_test test{
      .functions = {{"default", browse}, {"checkout", checkout}},
  };
  // [test]

  // [apply]
  // What `--config options.json` does before the flags are applied.
  const auto file = sp::parse_k6_options(R"({
    "scenarios": {
      "browse": {"executor": "constant-vus", "vus": 10, "duration": "30s"},
      "buy": {"executor": "constant-arrival-rate", "exec": "checkout", "rate": 5,
              "duration": "30s", "preAllocatedVUs": 5, "startTime": "10s"}
    },
    "thresholds": {"iteration_duration": ["p(95)<100"]},
    "userAgent": "shop-load-test/1.0",
    "ext": {"loadimpact": {"projectID": 42}}
  })", "options.json");
  for (const auto& warning : sp::apply_k6_options(file, test)) fmt::print("warning: {}\n", warning);
  // [apply]

  for (const auto& s : test.scenarios) {
    fmt::print("{}: {}\n", s.name, sp::describe(s.executor, s.graceful_stop, s.start_time));
  }
  fmt::print("thresholds: {}, user agent: {}\n", test.thresholds.size(), test.http.user_agent);
  return test.scenarios.size() == 2 && test.thresholds.size() == 1 ? 0 : 1;
}
