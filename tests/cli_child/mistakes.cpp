// Load tests with a mistake in them, written as a user would write them, run by
// tests/integration/cli_main_test.cpp: each must end in a message and k6's exit code 104, never
// in std::terminate. The first argument picks the test; the rest are sp::main's flags.
#include <stampede/cli/main.hpp>
#include <stampede/exec/runner.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string_view>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

const sp::trend login_time{"login_time", sp::value_type::time};

sp::task<> visit(sp::vu& u) {
  u.check(u.iteration(), "iteration started", [](std::uint64_t) { return true; });
  u.record(login_time, 2e6);  // 2 ms
  co_return;
}

sp::scenario once() {
  return {.name = "once", .exec = visit, .executor = sp::shared_iterations{.vus = 1, .iterations = 3}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs("usage: stampede_cli_mistakes CASE [flags]\n", stderr);
    return 2;
  }
  const std::string_view which = argv[1];
  argc -= 1;
  argv += 1;
  if (which == "number-for-time") {
    // A bare number compared with a time metric compiles; the run refuses it.
    return sp::main(argc, argv,
                    sp::load_test{.scenarios = {once()},
                                  .thresholds = {sp::http_req_duration.p(95) < 200},
                                  .metrics = {login_time}});
  }
  if (which == "bad-k6-string") {
    // k6's string form takes a bare number of milliseconds.
    return sp::main(argc, argv,
                    sp::load_test{.scenarios = {once()},
                                  .thresholds = {{"http_req_duration", "p(95) < 200ms"}},
                                  .metrics = {login_time}});
  }
  if (which == "k6-string-on-custom-metric") {
    // The custom metric is listed once, in load_test::metrics.
    return sp::main(argc, argv,
                    sp::load_test{.scenarios = {once()},
                                  .thresholds = {{"login_time", "p(95)<500"}},
                                  .metrics = {login_time}});
  }
  if (which == "unlisted-metric") {
    // login_time is recorded in every iteration but not listed in load_test::metrics.
    return sp::main(argc, argv, sp::load_test{.scenarios = {once()}});
  }
  if (which == "throwing-builder") {
    // [builder]
    return sp::main(argc, argv, [] {
      // Not a valid metric name (spaces): the constructor throws, sp::main reports it (104).
      const sp::counter logins{"logins per second"};
      return sp::load_test{.scenarios = {once()}, .metrics = {login_time, logins}};
    });
    // [builder]
  }
  std::fprintf(stderr, "stampede_cli_mistakes: unknown case \"%.*s\"\n", static_cast<int>(which.size()), which.data());
  return 2;
}
