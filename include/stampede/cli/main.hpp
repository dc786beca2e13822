// sp::main: a compiled load test as a k6-like command-line program — flags, live progress,
// the summary, --summary-export, SIGINT/SIGTERM as k6 handles them, and k6's exit codes.
#pragma once

#include <stampede/cli/options.hpp>
#include <stampede/exec/load_test.hpp>

#include <cstdio>
#include <functional>
#include <span>
#include <string_view>

namespace stampede {

/// Runs `test` as a command-line program with k6's flags (see `parse_cli`, `apply_cli`):
///
/// ```cpp
/// int main(int argc, char** argv) {
///   return sp::main(argc, argv, sp::load_test{.scenarios = {{.exec = list_todos}}});
/// }
/// ```
///
/// `./todos --vus 50 --duration 30s --summary-export out.json` runs 50 VUs for 30 s, shows
/// progress on stderr, prints k6's summary on stdout and writes k6's JSON summary. Returns
/// k6's exit code (`exit_code::`): 0; 99 a threshold failed; 104 invalid flags or test
/// (`error: ...` on stderr); 105 stopped by SIGINT or SIGTERM — the first stops gracefully,
/// the second at once, and both still print the summary; 107 setup or teardown failed; 108 the
/// test aborted itself; `exit_code::generic_error` (255) for anything else. No exception
/// escapes. The previous SIGINT and SIGTERM handlers are restored before it returns.
[[nodiscard]] int main(int argc, char** argv, load_test test);

/// The same with the test built by `make_test`, called inside: a mistake that throws while the
/// test is being built (a metric or tag with a bad name, a negative `abort_on_fail` delay) is
/// reported as `error: ...` with exit code 104 instead of ending the program in
/// `std::terminate`.
///
/// ```cpp
/// int main(int argc, char** argv) {
///   return sp::main(argc, argv, [] { return sp::load_test{.scenarios = {{.exec = list_todos}}}; });
/// }
/// ```
[[nodiscard]] int main(int argc, char** argv, const std::function<load_test()>& make_test);

/// `main` with the arguments as views (without the program name) and its two streams given:
/// the summary and `--help` go to `out`, progress and errors to `err`. For tests, and for
/// programs that build their own command line. A first argument `merge` runs `run_merge`
/// with this test, `report` runs `run_report` with it, `compare` runs `run_compare` with it,
/// and `manifest` runs `run_manifest`.
[[nodiscard]] int run_cli(std::string_view program, std::span<const std::string_view> args, load_test test,
                          std::FILE* out = stdout, std::FILE* err = stderr);

/// `PROGRAM merge FILE... [--summary-export F] [--out result=F|junit=F] [flags]`: reads the
/// result files (or logs) of the parts of a test that ran as execution segments, checks that
/// they are the parts of one test exactly once, merges them exactly (see `merge_parts`),
/// prints one k6 summary headed `merged from N parts, largest start skew X`, and returns the
/// test's exit code: 0; 99 a threshold failed on the merged data; 104 a file that cannot be
/// read or is not a valid result, or a bad flag; 111 (`exit_code::parts_incomplete`) a part
/// missing, duplicated or of another test, each named; or the code of a part that did not
/// finish (aborted, setup failed). With `test` (a test program's own `merge`) the parts must
/// be of this test and its thresholds are judged; without (the standalone `stampede merge`),
/// any test's parts merge and no threshold is judged. The summary flags of a run apply
/// (`--summary-trend-stats`, `--summary-time-unit`, `--no-color`, `--no-summary`,
/// `--no-thresholds`).
[[nodiscard]] int run_merge(std::string_view program, std::span<const std::string_view> args, const load_test* test,
                            std::FILE* out = stdout, std::FILE* err = stderr);

/// `PROGRAM report RESULT.json... -o REPORT.html [--title TITLE]`: writes the HTML report
/// (report/html_report.hpp) of a run from its result file (`--out result=FILE`), or of a test
/// that ran as parts from their result files or logs, merged as `run_merge` merges them (its
/// thresholds judged again when `test` is given). The title defaults to the program's name.
/// Returns 0 once the report is written, whatever the run's verdict; 104 for a file that cannot
/// be read or is not a valid result, or a bad flag; 111 when the parts are not the parts of one
/// test exactly once; 255 when the report cannot be written.
[[nodiscard]] int run_report(std::string_view program, std::span<const std::string_view> args, const load_test* test,
                             std::FILE* out = stdout, std::FILE* err = stderr);

/// `PROGRAM compare BASE.json NEW.json [MORE.json...] [--by name|scenario|none] [--format
/// text|markdown|html] [-o FILE] [--tolerance PCT]`: compares runs, each a result file or the
/// parts of one run (merged as `run_merge` merges them), with the first (report/compare.hpp):
/// requests, their rate and failures, `http_req_duration`'s med, p(95), p(99) per endpoint
/// (`--by name`, the default), per scenario or for the whole run only, each change marked real
/// or within the runs' sampling noise; written to `out`, or with `-o` to a file (atomically).
/// Runs of different tests compare with a warning on `err`; `test`, when given, is the test
/// the runs should be of. Returns 0; 99 with `--tolerance PCT` (`10` or `10%`) when a real
/// change makes a duration or failure rate higher, or a rate lower, by more than PCT, each
/// named on `err`; 104 for a bad flag, fewer than two runs, or a file that cannot be read or is
/// not a valid result; 111 when a file's parts are not the parts of one test exactly once; 255
/// when the output cannot be written.
[[nodiscard]] int run_compare(std::string_view program, std::span<const std::string_view> args, const load_test* test,
                              std::FILE* out = stdout, std::FILE* err = stderr);

/// `PROGRAM manifest kubernetes --parallelism N --image IMAGE [--start-delay 60s] [--name NAME]
/// [--program PATH] [--cpu C] [--memory M] [--no-spread] [-- TEST FLAGS...]`: prints the
/// Indexed Job and headless Service that run this test as N parts (`kubernetes_manifest`) on
/// `out`. The name defaults to the program's (made a DNS label), the binary's path in the image
/// to `/app/PROGRAM`; the parts start together `--start-delay` after now (60 s by default, 0 for
/// no synchronised start), rounded up to a whole second. Flags after `--` go to every part.
/// Returns 0, or 104 for a bad flag (`error: ...` on `err`).
[[nodiscard]] int run_manifest(std::string_view program, std::span<const std::string_view> args, std::FILE* out = stdout,
                               std::FILE* err = stderr);

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/cli/impl/main.ipp>
#endif
