// sp::main as a real process (tests/cli_child): SIGINT once and twice while it runs, a bad
// flag, --summary-export, and tests with a mistake in them — exit codes, stdout and stderr as
// a shell would see them.
#include "support/catch_compat.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#if defined(__unix__) && defined(STAMPEDE_CLI_CHILD) && defined(STAMPEDE_CLI_MISTAKES)
#  define STAMPEDE_CLI_CHILD_TESTS 1
#  include "support/child_process.hpp"

#  include <csignal>
#  include <cstdio>
#  include <fstream>
#  include <sstream>
#else
#  define STAMPEDE_CLI_CHILD_TESTS 0
#endif

using namespace std::chrono_literals;

#if STAMPEDE_CLI_CHILD_TESTS
namespace {

// The child program (tests/cli_child/main.cpp unless another is named).
struct child : stampede_test::child {
  explicit child(std::vector<std::string> args, std::string program = STAMPEDE_CLI_CHILD)
      : stampede_test::child{std::move(args), std::move(program)} {}
};
using clock_type = stampede_test::child::clock_type;

constexpr std::string_view started = "an iteration completed";

}  // namespace

TEST_CASE("SIGINT stops a running test gracefully: the summary is printed and the exit code is 105") {
  child c{{"--threads", "1"}};
  INFO("stderr: " << c.err());
  REQUIRE(c.wait_for_stderr(started, 10000ms));
  CHECK(c.err().find("* browse: 2 looping VUs for 10m0s (gracefulStop: 5s)") != std::string::npos);
  const auto signalled = clock_type::now();
  c.signal(SIGINT);
  const int code = c.wait_for_exit(10000ms);
  INFO("stdout: " << c.out());
  CHECK(code == 105);
  CHECK(clock_type::now() - signalled < 5s);  // it takes milliseconds; the bound is for loaded CI machines
  CHECK(c.out().find("iterations") != std::string::npos);
  CHECK(c.out().find("iteration counted") != std::string::npos);
  CHECK(c.out().find("run interrupted: stopped on request") != std::string::npos);
}

TEST_CASE("a second SIGINT stops at once, still with the summary and 105") {
  child c{{"--threads", "1", "--quiet"}};
  REQUIRE(c.wait_for_stderr(started, 10000ms));
  c.signal(SIGINT);
  c.signal(SIGINT);
  const int code = c.wait_for_exit(10000ms);
  INFO("stdout: " << c.out() << "\nstderr: " << c.err());
  CHECK(code == 105);
  CHECK(c.out().find("iterations") != std::string::npos);
  CHECK(c.out().find("run interrupted") != std::string::npos);
}

TEST_CASE("SIGTERM stops a running test like SIGINT") {
  child c{{"--threads", "1", "-q"}};
  REQUIRE(c.wait_for_stderr(started, 10000ms));
  c.signal(SIGTERM);
  const int code = c.wait_for_exit(10000ms);
  INFO("stdout: " << c.out() << "\nstderr: " << c.err());
  CHECK(code == 105);
  CHECK(c.out().find("iterations") != std::string::npos);
}

TEST_CASE("a bad flag exits 104 naming the flag, before anything runs") {
  child c{{"--vus", "abc"}};
  const int code = c.wait_for_exit(10000ms);
  CHECK(code == 104);
  CHECK(c.err().find("error: --vus: expected a whole number of VUs, at least 1, got \"abc\"") == 0);
  CHECK(c.err().find("--help") != std::string::npos);
  CHECK(c.err().find(started) == std::string::npos);
  CHECK(c.out().empty());
}

TEST_CASE("a summary export (--summary-export) writes k6's JSON document after a run the flags shortened") {
  const std::string path = "/tmp/stampede_cli_child_" + std::to_string(getpid()) + ".json";
  std::remove(path.c_str());
  child c{{"--threads", "1", "-q", "-u", "2", "-d", "200ms", "--summary-export", path}};
  const int code = c.wait_for_exit(10000ms);
  INFO("stdout: " << c.out() << "\nstderr: " << c.err());
  CHECK(code == 0);
  std::ifstream in{path};
  std::stringstream text;
  text << in.rdbuf();
  std::remove(path.c_str());
  const auto json = text.str();
  INFO("export: " << json);
  CHECK(json.find("{") == 0);
  for (const std::string_view key :
       {"\"root_group\"", "\"checks\"", "\"iteration counted\"", "\"passes\"", "\"metrics\"", "\"iterations\"",
        "\"iteration_duration\"", "\"p(95)\"", "\"thresholds\"", "\"p(95)<10000ms\"", "\"vus_max\""}) {
    INFO(key);
    CHECK(json.find(key) != std::string::npos);
  }
  CHECK(c.err().find("* browse: 2 looping VUs for 200ms") != std::string::npos);
}

// A test with a mistake in it (tests/cli_child/mistakes.cpp), run with `flags`.
child mistaken(const std::string& which, std::vector<std::string> flags = {}) {
  flags.insert(flags.begin(), which);
  return child{std::move(flags), STAMPEDE_CLI_MISTAKES};
}

TEST_CASE("a bare number compared with a time metric in a threshold exits 104 with the message, before anything runs") {
  auto c = mistaken("number-for-time");
  const int code = c.wait_for_exit(10000ms);
  INFO("stdout: " << c.out() << "\nstderr: " << c.err());
  CHECK(code == 104);
  CHECK(c.err() == "error: threshold on http_req_duration p(95): it is a time value; compare it with a duration such as 200ms\n");
  CHECK(c.out().empty());
}

TEST_CASE("a k6 threshold string in a load_test is parsed when the run starts: a bad one exits 104 pointing at the mistake") {
  auto c = mistaken("bad-k6-string");
  const int code = c.wait_for_exit(10000ms);
  INFO("stdout: " << c.out() << "\nstderr: " << c.err());
  CHECK(code == 104);
  CHECK(c.err().find("error: ") == 0);
  CHECK(c.err().find("k6 thresholds take a bare number: milliseconds for time metrics") != std::string::npos);
  CHECK(c.err().find("p(95) < 200ms") != std::string::npos);
  CHECK(c.out().empty());
}

TEST_CASE("a k6 threshold string may name a custom metric listed once, in load_test::metrics") {
  auto c = mistaken("k6-string-on-custom-metric", {"-q"});
  const int code = c.wait_for_exit(10000ms);
  INFO("stdout: " << c.out() << "\nstderr: " << c.err());
  CHECK(code == 0);
  CHECK(c.out().find("login_time") != std::string::npos);
  CHECK(c.out().find("'p(95)<500'") != std::string::npos);
}

TEST_CASE("recording a metric the test does not list stops the run with 104, the summary and the message") {
  auto c = mistaken("unlisted-metric", {"-q"});
  const int code = c.wait_for_exit(10000ms);
  INFO("stdout: " << c.out() << "\nstderr: " << c.err());
  CHECK(code == 104);
  const std::string_view message =
      "metric login_time is recorded but not registered with the test; list it in load_test::metrics";
  CHECK(c.err().find("error: " + std::string{message}) != std::string::npos);
  CHECK(c.out().find("run stopped: the test is invalid: " + std::string{message}) != std::string::npos);
  // The results gathered so far are still summarised: the check before the record.
  CHECK(c.out().find("✓ iteration started") != std::string::npos);
}

TEST_CASE("an exception while sp::main's builder makes the test exits 104 with its message") {
  auto c = mistaken("throwing-builder");
  const int code = c.wait_for_exit(10000ms);
  INFO("stdout: " << c.out() << "\nstderr: " << c.err());
  CHECK(code == 104);
  CHECK(c.err().find("error: the test could not be built: invalid metric name \"logins per second\"") == 0);
  CHECK(c.out().empty());
}

#else

TEST_CASE("sp::main as a child process (POSIX only)") {
  WARN("skipped: the CLI child-process tests need posix_spawn and the cli_child program");
}

#endif
