// A test of named functions (tests/cli_child/options_file.cpp) run as a k6 user runs a script
// with an options file: `--config` gives the seed's stages and thresholds, K6_* variables give
// the execution, and flags win over both — what the program prints, as a shell sees it,
// against a testbed on loopback.
#include "support/catch_compat.hpp"

#include <stampede/testbed/server.hpp>

#include <chrono>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#if defined(__unix__) && defined(STAMPEDE_CLI_OPTIONS_FILE)
#  define STAMPEDE_OPTIONS_FILE_TESTS 1
#  include "support/child_process.hpp"
#  include "support/temp_file.hpp"

#  include <csignal>
#else
#  define STAMPEDE_OPTIONS_FILE_TESTS 0
#endif

namespace sp = stampede;
using namespace std::chrono_literals;

#if STAMPEDE_OPTIONS_FILE_TESTS
namespace {

using stampede_test::temp_file;

sp::testbed::server& target() {
  static sp::testbed::server server{{.routes = {{.path = "/api/v1/todos", .body = "[]"}, {.path = "/health", .body = "ok"}}}};
  return server;
}

// The program with BASE_URL set by flag, in an environment of only `environment` (and PATH).
stampede_test::child run(std::vector<std::string> flags, std::vector<std::string> environment = {}) {
  flags.insert(flags.end(), {"--threads", "1", "-e", "BASE_URL=" + target().url("/")});
  environment.emplace_back("PATH=/usr/bin:/bin");
  return stampede_test::child{std::move(flags), STAMPEDE_CLI_OPTIONS_FILE, std::move(environment)};
}

void write(const std::string& path, std::string_view text) {
  std::ofstream out{path, std::ios::binary};
  out << text;
}

// The seed's options (../shared/seeds/course-scaling-stateless-services.txt: stages 1000 → 5000
// VUs), with a check-rate threshold and a p(95) threshold that aborts the test when it fails.
constexpr std::string_view seed_options = R"({
  "stages": [
    { "target": 1000, "duration": "1m" },
    { "target": 5000, "duration": "10m" }
  ],
  "thresholds": {
    "checks": ["rate>0.99"],
    "http_req_duration": [{ "threshold": "p(95)<500", "abortOnFail": true }]
  }
})";

}  // namespace

TEST_CASE("the seed's k6 options file runs the test's default function as k6 would run the script") {
  const temp_file options{"seed-options.json"};
  write(options.path, seed_options);
  auto c = run({"--config", options.path});
  INFO("stderr: " << c.err());
  REQUIRE(c.wait_for_stderr("an iteration completed", 15000ms));
  // k6's header for this script and these options, word for word (the seed's own run).
  CHECK(c.err().find("scenarios: (100.00%) 1 scenario, 5000 max VUs, 11m30s max duration (incl. graceful stop):\n") !=
        std::string::npos);
  CHECK(c.err().find("* default: Up to 5000 looping VUs for 11m0s over 2 stages (gracefulRampDown: 30s, gracefulStop: 30s)") !=
        std::string::npos);
  c.signal(SIGINT);
  const int code = c.wait_for_exit(40000ms);
  INFO("stdout: " << c.out());
  CHECK(code == 105);
  // Both thresholds, as the file wrote them, judged on what ran.
  CHECK(c.out().find("'rate>0.99'") != std::string::npos);
  CHECK(c.out().find("'p(95)<500'") != std::string::npos);
  CHECK(c.out().find("status was 200") != std::string::npos);
}

TEST_CASE("a scenario of the options file runs the function its exec names") {
  const temp_file options{"exec-options.json"};
  write(options.path, R"({"scenarios": {"probe": {"executor": "shared-iterations", "exec": "health", "vus": 2, "iterations": 6}}})");
  auto c = run({"--config", options.path, "-q", "--summary-mode", "legacy"});
  const int code = c.wait_for_exit(30000ms);
  INFO("stdout: " << c.out() << "\nstderr: " << c.err());
  CHECK(code == 0);
  CHECK(c.err().find("* probe: 6 iterations shared among 2 VUs (maxDuration: 10m0s, gracefulStop: 30s)") != std::string::npos);
  CHECK(c.out().find("✓ healthy") != std::string::npos);
  CHECK(c.out().find("status was 200") == std::string::npos);
}

TEST_CASE("K6_ variables give the execution, and flags win over them") {
  {
    auto c = run({"-q"}, {"K6_VUS=3", "K6_ITERATIONS=3"});
    const int code = c.wait_for_exit(30000ms);
    INFO("stdout: " << c.out() << "\nstderr: " << c.err());
    CHECK(code == 0);
    CHECK(c.err().find("* default: 3 iterations shared among 3 VUs (maxDuration: 10m0s, gracefulStop: 30s)") !=
          std::string::npos);
  }
  {
    // --iterations on the command line sets K6_DURATION aside (k6's tiers); --vus wins over K6_VUS.
    auto c = run({"-q", "--vus", "2", "--iterations", "2"}, {"K6_VUS=7", "K6_DURATION=10m"});
    const int code = c.wait_for_exit(30000ms);
    INFO("stdout: " << c.out() << "\nstderr: " << c.err());
    CHECK(code == 0);
    CHECK(c.err().find("* default: 2 iterations shared among 2 VUs (maxDuration: 10m0s, gracefulStop: 30s)") !=
          std::string::npos);
  }
  {
    // No execution anywhere: one VU, one iteration, as k6 runs a script without options.
    auto c = run({"-q"});
    const int code = c.wait_for_exit(30000ms);
    INFO("stdout: " << c.out() << "\nstderr: " << c.err());
    CHECK(code == 0);
    CHECK(c.err().find("* default: 1 iterations for each of 1 VUs (maxDuration: 10m0s, gracefulStop: 30s)") !=
          std::string::npos);
  }
}

TEST_CASE("a bad options file or variable stops the program before the run with 104") {
  const temp_file options{"bad-options.json"};
  write(options.path, R"({"vux": 10})");
  {
    auto c = run({"--config", options.path});
    CHECK(c.wait_for_exit(30000ms) == 104);
    INFO("stderr: " << c.err());
    CHECK(c.err().find("couldn't parse the configuration from") != std::string::npos);
    CHECK(c.err().find("vux") != std::string::npos);
  }
  {
    auto c = run({}, {"K6_CONFIG=" + options.path + ".missing"});
    CHECK(c.wait_for_exit(30000ms) == 104);
    INFO("stderr: " << c.err());
    CHECK(c.err().find(options.path + ".missing") != std::string::npos);
  }
  {
    auto c = run({}, {"K6_VUS=many"});
    CHECK(c.wait_for_exit(30000ms) == 104);
    CHECK(c.err().find("error: K6_VUS=many: expected a whole number of VUs, at least 1, got \"many\"") != std::string::npos);
  }
  {
    const temp_file unknown{"unknown-exec.json"};
    write(unknown.path, R"({"scenarios": {"s": {"executor": "per-vu-iterations", "exec": "checkout"}}})");
    auto c = run({"--config", unknown.path});
    CHECK(c.wait_for_exit(30000ms) == 104);
    INFO("stderr: " << c.err());
    CHECK(c.err().find("checkout") != std::string::npos);
    CHECK(c.err().find("health") != std::string::npos);  // the functions the test has
  }
}

#endif
