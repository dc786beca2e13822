// k6's `--out KIND=ARGUMENT`: which outputs a run streams to, parsed and made before the run
// starts, so that a mistake or a file that cannot be written stops the program with exit code
// 104 before any VU runs.
#pragma once

#include <stampede/exec/observer.hpp>

#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace stampede {

/// One `--out` value: the output's kind and its argument (what follows the first `=`).
struct output_spec {
  std::string kind;
  std::string argument;

  friend bool operator==(const output_spec&, const output_spec&) = default;
};

/// The kinds `make_output` knows, in the order `--help` lists them: `json`, `csv`, `junit`,
/// `prometheus`, `result`, `html`.
[[nodiscard]] std::span<const std::string_view> output_kinds() noexcept;

/// Parses an `--out` value as k6 does: `json=results.json`, `json` (standard output),
/// `csv=results.csv`, `csv=fileName=results.csv,timeFormat=rfc3339,saveInterval=2s`,
/// `junit=junit.xml`, `prometheus=127.0.0.1:9464,linger=15s`. Throws `usage_error` for an unknown kind, naming the known ones.
[[nodiscard]] output_spec parse_output_spec(std::string_view text);

/// The output for `spec`, its file opened (and emptied):
///
/// - `json[=FILE]`: `json_output`; no file or `-` is standard output, as in k6.
/// - `csv[=FILE | =fileName=FILE,timeFormat=FORMAT,saveInterval=DURATION]`: `csv_output`;
///   k6's default file is `file.csv`, its time format `unix`, its save interval 1s.
/// - `junit=FILE`: `junit_output`.
/// - `prometheus[=HOST:PORT][,linger=DURATION]`: `prometheus_output`, listening at once
///   (127.0.0.1:9464 by default; port 0 picks a free one).
/// - `result=FILE`: `result_output`, the run's result file; `result=-` writes the document
///   to `standard_output` between marker lines, for logs that collect it (`kubectl logs`).
/// - `html=FILE`: `html_output`, the run's HTML report.
///
/// Throws `usage_error` naming the output for a bad argument or a file that cannot be opened.
[[nodiscard]] std::unique_ptr<run_observer> make_output(const output_spec& spec, std::FILE* standard_output = stdout);

/// What k6's header says of the output: `json (results.json)`, `json (stdout)`,
/// `csv (file.csv)`. Throws `usage_error` as `make_output` does for a bad argument.
[[nodiscard]] std::string describe(const output_spec& spec);

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/report/impl/outputs.ipp>
#endif
