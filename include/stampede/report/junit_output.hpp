// sp::junit_output: `--out junit=FILE` — a run's thresholds and checks as a JUnit XML test
// report, in the layout of k6's jUnit summary helper, so that Jenkins, GitLab and GitHub show
// a load test as a test suite.
#pragma once

#include <stampede/config.hpp>
#include <stampede/exec/observer.hpp>
#include <stampede/report/stream_output.hpp>
#include <stampede/report/summary.hpp>

#include <string>
#include <string_view>

namespace stampede {

/// The JUnit report of a run: a suite of one test case per threshold (k6's layout:
/// `metric - expression`, failing with the observed values) and a suite of one test case per
/// check (`group::check` below the root group; failing when any of its runs failed, with the
/// counts). `suite` names the thresholds' suite (k6's default, "k6 thresholds").
///
/// ```xml
/// <testsuites tests="5" failures="3" errors="0" time="0.400">
/// <testsuite name="k6 thresholds" tests="3" failures="2" errors="0" skipped="0" time="0.400" timestamp="2026-01-01T00:00:00">
/// <testcase name="iterations - count&gt;10" classname="thresholds" time="0"><failure type="threshold" message="count=4">count=4</failure></testcase>
/// ```
[[nodiscard]] std::string format_junit(const result& r, const summary_options& options = {},
                                       std::string_view suite = "k6 thresholds");

/// Writes `format_junit` of the run to a file when the run ends. The file is opened (and
/// emptied) when the output is made, so a path that cannot be written is refused before the
/// run starts.
///
/// Thread safety: one run at a time.
/// Throws: `usage_error` from the constructor for a file that cannot be opened; from
/// `on_end`, `std::runtime_error` naming the file when writing it fails (the runner reports
/// it among the result's errors).
class junit_output final : public run_observer {
 public:
  explicit junit_output(std::string path, std::string suite = "k6 thresholds");

  /// Keeps the test's summary format, in which observed values are shown.
  STAMPEDE_DECL void on_start(const load_test& test, const execution_tuple& part) override;
  STAMPEDE_DECL void on_end(const result& r) override;

 private:
  output_file file_;
  std::string suite_;
  summary_options format_;
};

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/report/impl/junit_output.ipp>
#endif
