// The JUnit report (--out junit=): k6's layout on a simulated run, as a golden file, and read
// back by a JUnit reader as CI test reporters read it (tests/report/tools/junit_check.py, on
// Python's xml.etree).
#include <stampede/exec/runner.hpp>
#include <stampede/metrics/builtin.hpp>
#include <stampede/report/junit_output.hpp>

#include "support/catch_compat.hpp"
#include "support/golden.hpp"
#include "support/temp_file.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#if !defined(_WIN32)
#  include <unistd.h>
#endif

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

// Four iterations with checks at the root and in a group, names that XML must escape, and
// thresholds that pass, fail, and combine two conditions.
sp::load_test checked_test() {
  return sp::load_test{
      .scenarios = {{.name = "api",
                     .exec = [](sp::vu& u) -> sp::task<> {
                       co_await u.sleep(100ms);
                       u.check(u.iteration(), "status <200> & \"ok\"", [](auto) { return true; });
                       co_await u.group("login 'form'", [&]() -> sp::task<> {
                         u.check(u.iteration(), "token set", [](auto i) { return i % 2 == 0; });
                         co_return;
                       });
                     },
                     .executor = sp::shared_iterations{.vus = 1, .iterations = 4}}},
      .thresholds = {sp::iterations.count() > 10, {"checks", "rate>0.5"},
                     sp::iteration_duration.p(95) < 1s && sp::checks.rate() > 0.9},
  };
}

sp::result simulate(const sp::load_test& test, std::vector<sp::run_observer*> observers = {}) {
  sp::manual_time time;
  return sp::run(test, {.threads = 1, .seed = 1, .observers = std::move(observers), .time = &time});
}

}  // namespace

TEST_CASE("format_junit writes k6's layout: a case per threshold, a case per check") {
  const auto r = simulate(checked_test());
  stampede_test::check_golden("report/golden/checked_run.junit.xml", sp::format_junit(r));
}

TEST_CASE("a JUnit reader reads the report: counts, names, and which cases failed") {
  const stampede_test::temp_file file{"junit.xml"};
  const auto& path = file.path;
  {
    sp::junit_output junit{path};
    const auto r = simulate(checked_test(), {&junit});
    REQUIRE(r.errors.empty());
  }
  const auto text = stampede_test::read_text(path);
  CHECK(text.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"5\" failures=\"3\"", 0) == 0);
  if (std::system("python3 -c 'import xml.etree.ElementTree' >/dev/null 2>&1") != 0) {
    WARN("python3 is not installed: the report was not read by a JUnit reader (scripts/setup installs it)");
  } else {
    const std::string command = std::string{"python3 "} + STAMPEDE_TESTS_DIR + "/report/tools/junit_check.py " + path +
                                " --failed 'iterations - count>10'" + " --passed 'checks - rate>0.5'" +
                                " --failed 'iteration_duration p(95)<1000ms && checks rate>0.9'" +
                                " --passed 'status <200> & \"ok\"'" + " --failed \"::login 'form'::token set\"";
    INFO(command);
    CHECK(std::system(command.c_str()) == 0);
  }
}

TEST_CASE("a JUnit file that cannot be opened is refused before the run") {
  CHECK_THROWS_WITH(sp::junit_output{"/nonexistent-stampede-dir/junit.xml"},
                    Catch::Contains("cannot open \"/nonexistent-stampede-dir/junit.xml\" for writing"));
}
