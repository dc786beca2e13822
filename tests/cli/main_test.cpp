// run_cli in process, with its streams captured: --help, usage errors and invalid tests (104),
// short runs and their exit codes, --summary-export and its failure, a signal's stop and the
// previous handler restored afterwards.
#include <stampede/cli/main.hpp>

#include <stampede/exec/runner.hpp>

#include "support/catch_compat.hpp"
#include "support/file_text.hpp"

#include <any>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#if !defined(_WIN32)
#  include <unistd.h>
#endif

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

// A temporary file standing in for stdout or stderr.
class captured {
 public:
  captured() : file_{std::tmpfile()} { REQUIRE(file_ != nullptr); }
  ~captured() { std::fclose(file_); }
  captured(const captured&) = delete;
  captured& operator=(const captured&) = delete;

  [[nodiscard]] std::FILE* file() const { return file_; }
  [[nodiscard]] std::string text() const { return sp::testing::file_text(file_); }

 private:
  std::FILE* file_;
};

struct outcome {
  int code = -1;
  std::string out;
  std::string err;
};

outcome run_main(std::initializer_list<std::string_view> args, sp::load_test test) {
  const std::vector<std::string_view> v{args};
  captured out;
  captured err;
  const int code = sp::run_cli("todos", v, std::move(test), out.file(), err.file());
  return {code, out.text(), err.text()};
}

sp::task<> quick(sp::vu& u) {
  u.check(1, "one is one", [](int x) { return x == 1; });
  co_return;
}

sp::load_test quick_test() {
  return sp::load_test{.scenarios = {{.name = "quick", .exec = quick,
                                      .executor = sp::shared_iterations{.vus = 1, .iterations = 3}}}};
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

std::string read_file(const std::string& path) {
  std::ifstream in{path};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string temp_path(std::string_view name) {
#if defined(_WIN32)
  return std::string{name};
#else
  return "/tmp/stampede_cli_" + std::to_string(getpid()) + "_" + std::string{name};
#endif
}

}  // namespace

TEST_CASE("the help (--help) prints the flags and the test's scenarios on stdout and exits 0") {
  const auto r = run_main({"--help"}, quick_test());
  CHECK(r.code == 0);
  CHECK(r.out.find("Usage: todos [flags]") == 0);
  CHECK(contains(r.out, "  * quick: 3 iterations shared among 1 VUs (maxDuration: 10m0s, gracefulStop: 30s)"));
  CHECK(r.err.empty());
}

TEST_CASE("a bad flag prints the error and a hint on stderr and exits 104") {
  const auto r = run_main({"--vus", "abc"}, quick_test());
  CHECK(r.code == sp::exit_code::invalid_config);
  CHECK(r.err ==
        "error: --vus: expected a whole number of VUs, at least 1, got \"abc\"\nrun 'todos --help' for the flags\n");
  CHECK(r.out.empty());
}

TEST_CASE("a flag apply_cli refuses exits 104 naming the flags") {
  auto test = quick_test();
  test.scenarios.push_back({.name = "second", .exec = quick});
  const auto r = run_main({"-d", "1s"}, std::move(test));
  CHECK(r.code == 104);
  CHECK(r.err.find("error: --duration: these flags replace the executor") == 0);
  CHECK(contains(r.err, "run 'todos --help'"));
}

TEST_CASE("a duration whose sums would overflow exits 104 naming the flag") {
  const auto r = run_main({"--stage", "1281023h:1,1281023h:1"}, quick_test());
  CHECK(r.code == 104);
  CHECK(r.err.find("error: --stage: the stages up to \"1281023h:1\" last longer than 876000h0m0s") == 0);
  const auto d = run_main({"-d", "876000h"}, quick_test());
  CHECK(d.code == 104);
  CHECK(d.err.find("error: --duration: scenario \"quick\" would end past 876000h0m0s") == 0);
}

TEST_CASE("an invalid test exits 104 with validate's message") {
  auto test = quick_test();
  test.scenarios[0].executor = sp::constant_vus{.vus = 1, .duration = 0s};
  const auto r = run_main({"-q"}, test);
  CHECK(r.code == 104);
  CHECK(r.err == "error: scenario \"quick\": constant_vus.duration must be greater than 0 (got 0s)\n");

  auto bad_stats = quick_test();
  bad_stats.summary.trend_stats = {"avg", "p(101)"};
  const auto s = run_main({"-q"}, bad_stats);
  CHECK(s.code == 104);
  CHECK(s.err.find("error: unknown trend statistic \"p(101)\"") == 0);
}

TEST_CASE("a run prints the summary on stdout and the scenarios on stderr, and exits 0") {
  const auto r = run_main({"--quiet", "--threads", "1", "--seed", "7", "-u", "2", "-i", "4"}, quick_test());
  CHECK(r.code == 0);
  CHECK(contains(r.out, "iterations"));
  CHECK(contains(r.out, "one is one"));
  CHECK(!contains(r.out, "\x1b["));  // not a terminal: no colours
  CHECK(contains(r.err, "* quick: 4 iterations shared among 2 VUs"));
}

TEST_CASE("without --quiet, progress goes to stderr, and a random seed is printed so the run can be repeated") {
  const auto r = run_main({"--threads", "1"}, quick_test());
  CHECK(r.code == 0);
  CHECK(contains(r.err, "* quick: 3 iterations shared among 1 VUs"));
  CHECK(contains(r.err, "3 complete and 0 interrupted iterations"));
  CHECK(contains(r.err, "     seed: "));
  CHECK(!contains(r.out, "seed:"));

  const auto seeded = run_main({"--threads", "1", "--seed", "5"}, quick_test());
  CHECK(seeded.code == 0);
  CHECK(!contains(seeded.err, "seed:"));
}

TEST_CASE("a failed threshold exits 99, and --no-thresholds skips it") {
  auto test = quick_test();
  test.thresholds = {sp::iterations.count() < 1};
  const auto failed = run_main({"-q", "--threads", "1"}, test);
  CHECK(failed.code == sp::exit_code::thresholds_failed);
  CHECK(contains(failed.out, "count<1"));
  const auto skipped = run_main({"-q", "--threads", "1", "--no-thresholds"}, test);
  CHECK(skipped.code == 0);
}

TEST_CASE("with --no-summary a run prints no summary and writes no export, as k6 1.x, but says why it failed") {
  const auto path = temp_path("no-summary.json");
  std::remove(path.c_str());
  const auto quiet = run_main({"-q", "--threads", "1", "--no-summary", "--summary-export", path}, quick_test());
  CHECK(quiet.code == 0);
  CHECK(!contains(quiet.out, "iteration_duration"));
  CHECK(!contains(quiet.err, "crossed"));  // stderr has the scenario list only
  CHECK(read_file(path).empty());  // k6 writes the export from the summary it skipped

  auto test = quick_test();
  test.thresholds = {sp::iterations.count() < 1, sp::iteration_duration.max() < 1h};
  const auto failed = run_main({"-q", "--threads", "1", "--no-summary"}, test);
  CHECK(failed.code == sp::exit_code::thresholds_failed);
  CHECK(!contains(failed.out, "count<1"));
  CHECK(failed.err.ends_with("\nthresholds on metrics 'iterations' have been crossed\n"));  // k6's words

  sp::load_test aborting{.scenarios = {{.exec = [](sp::vu& u) -> sp::task<> {
                                          u.abort_test("enough");
                                          co_return;
                                        },
                                        .executor = sp::constant_vus{.vus = 1, .duration = 30s}}}};
  const auto aborted = run_main({"-q", "--threads", "1", "--no-summary"}, aborting);
  CHECK(aborted.code == sp::exit_code::aborted_by_test);
  CHECK(contains(aborted.err, "the run aborted by the test"));
  CHECK(contains(aborted.err, "enough"));
}

TEST_CASE("a test that aborts itself exits 108 and still prints its summary") {
  sp::load_test test{.scenarios = {{.exec = [](sp::vu& u) -> sp::task<> {
                                      u.abort_test("enough");
                                      co_return;
                                    },
                                    .executor = sp::constant_vus{.vus = 1, .duration = 30s}}}};
  const auto r = run_main({"-q", "--threads", "1"}, test);
  CHECK(r.code == sp::exit_code::aborted_by_test);
  CHECK(contains(r.out, "enough"));
}

TEST_CASE("a summary export (--summary-export) writes k6's JSON with the chosen trend stats") {
  const auto path = temp_path("export.json");
  std::remove(path.c_str());
  const auto r = run_main({"-q", "--threads", "1", "--summary-export", path, "--summary-trend-stats", "avg,p(99),count"},
                         quick_test());
  CHECK(r.code == 0);
  const auto json = read_file(path);
  std::remove(path.c_str());
  CHECK(json.find("{") == 0);
  CHECK(contains(json, "\"root_group\""));
  CHECK(contains(json, "\"metrics\""));
  CHECK(contains(json, "\"iteration_duration\""));
  CHECK(contains(json, "\"p(99)\""));
  CHECK(!contains(json, "\"p(95)\""));
  CHECK(contains(json, "\"one is one\""));
  CHECK(contains(r.out, "p(99)="));  // the text summary uses the same stats
}

TEST_CASE("a summary export that cannot be written is reported, and the run's code returned") {
  auto test = quick_test();
  test.thresholds = {sp::iterations.count() < 1};
  const auto r = run_main({"-q", "--threads", "1", "--summary-export", "/nonexistent-dir/x/summary.json"}, test);
  CHECK(r.code == sp::exit_code::thresholds_failed);
  CHECK(contains(r.err, "error: could not write the summary export to \"/nonexistent-dir/x/summary.json\": "));
  CHECK(contains(r.out, "iterations"));  // the summary was still printed
}

TEST_CASE("outputs (--out) stream to k6's json and csv files and a JUnit report, named in the header") {
  const auto json = temp_path("out.json");
  const auto csv = temp_path("out.csv");
  const auto junit = temp_path("junit.xml");
  auto test = quick_test();
  test.thresholds = {sp::iterations.count() > 10, sp::checks.rate() > 0.5};
  const auto r = run_main({"--threads", "1", "--seed", "1", "--out", "json=" + json, "-o", "csv=fileName=" + csv +
                           ",timeFormat=rfc3339", "--out=junit=" + junit},
                          test);
  const auto json_text = read_file(json);
  const auto csv_text = read_file(csv);
  const auto junit_text = read_file(junit);
  for (const auto& p : {json, csv, junit}) std::remove(p.c_str());
  CHECK(r.code == sp::exit_code::thresholds_failed);
  CHECK(contains(r.err, "        output: json (" + json + "), csv (" + csv + "), junit (" + junit + ")\n\n"));
  CHECK(contains(json_text, R"({"type":"Metric","data":{"name":"iterations","type":"counter","contains":"default","thresholds":["count>10"],)"));
  CHECK(contains(json_text, R"({"metric":"checks","type":"Point","data":{"time":")"));
  CHECK(csv_text.rfind("metric_name,timestamp,metric_value,check,", 0) == 0);
  CHECK(contains(csv_text, "\nchecks,"));
  CHECK(contains(csv_text, ",1.000000,one is one,"));
  CHECK(contains(junit_text, R"(<testsuite name="k6 thresholds" tests="2" failures="1")"));
  CHECK(contains(junit_text, R"(<testcase name="iterations - count&gt;10" classname="thresholds" time="0"><failure type="threshold" message="count=3">)"));
  CHECK(contains(junit_text, R"(<testcase name="one is one" classname="checks" time="0" />)"));
  CHECK(!contains(r.out, "observer failed"));
}

TEST_CASE("a run without its setup and teardown (--no-setup, --no-teardown), as in k6") {
  int setups = 0;
  int teardowns = 0;
  const auto with_hooks = [&] {
    auto test = quick_test();
    test.setup = [&setups](sp::vu&) -> sp::task<std::any> {
      ++setups;
      co_return std::any{};
    };
    test.teardown = [&teardowns](sp::vu&) -> sp::task<> {
      ++teardowns;
      co_return;
    };
    return test;
  };
  CHECK(run_main({"-q", "--threads", "1"}, with_hooks()).code == 0);
  CHECK((setups == 1 && teardowns == 1));
  CHECK(run_main({"-q", "--threads", "1", "--no-setup"}, with_hooks()).code == 0);
  CHECK((setups == 1 && teardowns == 2));
  CHECK(run_main({"-q", "--threads", "1", "--no-teardown", "--no-setup"}, with_hooks()).code == 0);
  CHECK((setups == 1 && teardowns == 2));
}

TEST_CASE("an --out that cannot be made exits 104 before the run starts") {
  const auto unwritable = run_main({"-q", "--out", "json=/nonexistent-stampede-dir/out.json"}, quick_test());
  CHECK(unwritable.code == sp::exit_code::invalid_config);
  CHECK(contains(unwritable.err, "error: --out json: cannot open \"/nonexistent-stampede-dir/out.json\" for writing: "
                                 "No such file or directory"));
  CHECK(!contains(unwritable.err, "scenarios:"));  // the run never started
  CHECK(unwritable.out.empty());
  const auto bad_format = run_main({"-q", "--out", "csv=fileName=x.csv,timeFormat=iso"}, quick_test());
  CHECK(bad_format.code == sp::exit_code::invalid_config);
  CHECK(contains(bad_format.err, "error: --out csv: unknown CSV time format \"iso\""));
  const auto bad_key = run_main({"-q", "--out", "csv=file=x.csv"}, quick_test());
  CHECK(contains(bad_key.err, "error: --out csv: unknown key \"file\"; use fileName, timeFormat or saveInterval"));
  const auto no_file = run_main({"-q", "--out", "junit"}, quick_test());
  CHECK(contains(no_file.err, "error: --out junit: needs a file: junit=FILE"));
  const auto unknown = run_main({"-q", "--out", "statsd"}, quick_test());
  CHECK(unknown.code == sp::exit_code::invalid_config);
  CHECK(contains(unknown.err, "error: --out: unknown output \"statsd\"; use json, csv, junit, prometheus, result or html"));
}

#if !defined(_WIN32)
namespace {
std::atomic<int> earlier_handler_calls{0};
void earlier_handler(int) { earlier_handler_calls.fetch_add(1); }
}  // namespace

TEST_CASE("SIGINT stops a run gracefully with 105, and the previous handler comes back") {
  struct sigaction before {};
  struct sigaction ours {};
  ours.sa_handler = earlier_handler;
  sigemptyset(&ours.sa_mask);
  REQUIRE(sigaction(SIGINT, &ours, &before) == 0);

  std::atomic<bool> raised{false};
  sp::load_test test{.scenarios = {{.exec = [&raised](sp::vu&) -> sp::task<> {
                                      // raise() runs the handler on this thread before returning.
                                      if (!raised.exchange(true)) std::raise(SIGINT);
                                      co_return;  // iterations that never wait: nothing sleeps
                                    },
                                    .executor = sp::constant_vus{.vus = 2, .duration = 30s},
                                    .graceful_stop = 5s}}};
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_main({"-q", "--threads", "1"}, test);
  const auto took = std::chrono::steady_clock::now() - start;

  CHECK(r.code == sp::exit_code::stopped_by_signal);
  CHECK(contains(r.out, "iterations"));
  CHECK(contains(r.out, "run interrupted"));
  CHECK(took < 5s);
  CHECK(earlier_handler_calls.load() == 0);  // ours handled it, not the earlier one

  struct sigaction after {};
  REQUIRE(sigaction(SIGINT, nullptr, &after) == 0);
  CHECK(after.sa_handler == earlier_handler);
  std::raise(SIGINT);
  CHECK(earlier_handler_calls.load() == 1);
  REQUIRE(sigaction(SIGINT, &before, nullptr) == 0);
}
#endif
