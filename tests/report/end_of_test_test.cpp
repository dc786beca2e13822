// The end-of-test observer: the summary, k6's --no-summary notices and the summary export.
#include <stampede/exec/runner.hpp>
#include <stampede/report/end_of_test.hpp>

#include "support/catch_compat.hpp"
#include "support/file_text.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

// Four iterations on a manual time, with a threshold on iterations that `fails` or not.
sp::load_test counted_test(bool fails) {
  sp::load_test test{.scenarios = {{.exec = [](sp::vu&) -> sp::task<> { co_return; },
                                    .executor = sp::shared_iterations{.vus = 1, .iterations = 4}}},
                     .thresholds = {fails ? sp::iterations.count() > 10 : sp::iterations.count() > 1}};
  test.summary.trend_stats = {"avg", "p(99)"};
  return test;
}

struct streams {
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  streams() { REQUIRE((out != nullptr && err != nullptr)); }
  ~streams() {
    std::fclose(out);
    std::fclose(err);
  }
  streams(const streams&) = delete;
  streams& operator=(const streams&) = delete;
};

}  // namespace

TEST_CASE("the summary printer writes the summary in the test's format and the export") {
  const auto path = std::filesystem::temp_directory_path() / "stampede_end_of_test_export.json";
  std::filesystem::remove(path);
  streams s;
  sp::summary_printer printer{{.out = s.out, .err = s.err, .export_path = path.string()}};
  sp::manual_time time;
  const auto test = counted_test(false);
  const auto r = sp::run(test, {.threads = 1, .seed = 1, .observers = {&printer}, .time = &time});
  CHECK(sp::testing::file_text(s.out) == "\n" + r.summary() + "\n");
  CHECK(r.summary().find("p(99)=") != std::string::npos);  // the test's trend statistics
  CHECK(sp::testing::file_text(s.err).empty());
  std::ifstream file{path};
  std::stringstream json;
  json << file.rdbuf();
  CHECK(json.str().find("\"iterations\"") != std::string::npos);
  std::filesystem::remove(path);
}

TEST_CASE("without the summary, only why the run failed reaches stderr, and no export is written") {
  const auto path = std::filesystem::temp_directory_path() / "stampede_end_of_test_no_export.json";
  std::filesystem::remove(path);
  streams s;
  sp::summary_printer printer{{.out = s.out, .err = s.err, .summary = false, .export_path = path.string()}};
  sp::manual_time time;
  const auto r = sp::run(counted_test(true), {.threads = 1, .seed = 1, .observers = {&printer}, .time = &time});
  CHECK(r.exit_code() == 99);
  CHECK(sp::testing::file_text(s.out).empty());
  CHECK(sp::testing::file_text(s.err) == "thresholds on metrics 'iterations' have been crossed\n");
  CHECK_FALSE(std::filesystem::exists(path));

  streams passed;
  sp::summary_printer quiet{{.out = passed.out, .err = passed.err, .summary = false}};
  sp::manual_time time2;
  (void)sp::run(counted_test(false), {.threads = 1, .seed = 1, .observers = {&quiet}, .time = &time2});
  CHECK(sp::testing::file_text(passed.out).empty());
  CHECK(sp::testing::file_text(passed.err).empty());
}

TEST_CASE("a test whose summary mode is disabled prints as without the summary, as k6 --summary-mode=disabled") {
  const auto path = std::filesystem::temp_directory_path() / "stampede_end_of_test_disabled_export.json";
  std::filesystem::remove(path);
  streams s;
  sp::summary_printer printer{{.out = s.out, .err = s.err, .export_path = path.string()}};
  sp::manual_time time;
  auto test = counted_test(true);
  test.summary.mode = sp::summary_mode::disabled;
  const auto r = sp::run(test, {.threads = 1, .seed = 1, .observers = {&printer}, .time = &time});
  CHECK(r.exit_code() == 99);
  CHECK(sp::format_summary(r.metrics, r.thresholds, test.summary).empty());
  CHECK(sp::testing::file_text(s.out).empty());
  CHECK(sp::testing::file_text(s.err) == "thresholds on metrics 'iterations' have been crossed\n");
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("the printer writes the test's summary mode: compact by default, legacy when asked") {
  for (const auto mode : {sp::summary_mode::compact, sp::summary_mode::full, sp::summary_mode::legacy}) {
    INFO(sp::to_string(mode));
    streams s;
    sp::summary_printer printer{{.out = s.out, .err = s.err}};
    sp::manual_time time;
    auto test = counted_test(false);
    test.summary.mode = mode;
    const auto r = sp::run(test, {.threads = 1, .seed = 1, .observers = {&printer}, .time = &time});
    const auto text = sp::testing::file_text(s.out);
    CHECK(text == "\n" + r.summary() + "\n");
    CHECK((text.find("█ TOTAL RESULTS") != std::string::npos) == (mode != sp::summary_mode::legacy));
    CHECK((text.find("\n     THRESHOLDS\n") != std::string::npos) == (mode == sp::summary_mode::legacy));
  }
}

TEST_CASE("an export that cannot be written is said on stderr after the summary") {
  streams s;
  sp::summary_printer printer{{.out = s.out, .err = s.err, .export_path = "/nonexistent-dir/summary.json"}};
  sp::manual_time time;
  const auto r = sp::run(counted_test(false), {.threads = 1, .seed = 1, .observers = {&printer}, .time = &time});
  CHECK(r.exit_code() == 0);
  CHECK(sp::testing::file_text(s.out) == "\n" + r.summary() + "\n");
  CHECK(sp::testing::file_text(s.err) ==
        "error: could not write the summary export to \"/nonexistent-dir/summary.json\": No such file or directory\n");
}
