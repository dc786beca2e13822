// A compiled load test of named functions and no scenarios, run by
// tests/integration/cli_options_file_test.cpp the way a k6 user runs a script with an options
// file: `--config options.json` (or K6_* variables) gives the execution and the thresholds.
// The seed's script (../shared/seeds/course-scaling-stateless-services.txt): a GET of the
// todos, a check of its status, a second of thinking.
#include <stampede/cli/main.hpp>
#include <stampede/exec/runner.hpp>
#include <stampede/http/predicates.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

std::atomic<bool> announced{false};

sp::task<> list_todos(sp::vu& u) {
  const auto res = co_await u.http().get(u.env("BASE_URL") + "api/v1/todos");
  u.check(res, "status was 200", sp::status_is(200));
  if (!announced.exchange(true)) {
    std::fputs("an iteration completed\n", stderr);
    std::fflush(stderr);
  }
  co_await u.sleep(1s);
}

sp::task<> health(sp::vu& u) {
  const auto res = co_await u.http().get(u.env("BASE_URL") + "health");
  u.check(res, "healthy", sp::status_is(200));
}

}  // namespace

// [functions]
int main(int argc, char** argv) {
  return sp::main(argc, argv, sp::load_test{.functions = {{"default", list_todos}, {"health", health}}});
}
// [functions]
