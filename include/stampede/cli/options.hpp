// The command line of a compiled test: k6's flags parsed into sp::cli_options, applied to a
// load_test with k6's override rules, and the --help text.
#pragma once

#include <stampede/core/log.hpp>
#include <stampede/core/units.hpp>
#include <stampede/exec/load_test.hpp>
#include <stampede/exec/segment.hpp>
#include <stampede/exec/stage.hpp>
#include <stampede/metrics/tags.hpp>
#include <stampede/report/outputs.hpp>

#include <chrono>
#include <cstdio>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace stampede {

/// Where the program's log goes (k6's `--log-output`): the lines of `vu::log` (unless
/// `--console-output` takes them) and the warnings of the command line, in k6's log format.
struct log_destination {
  enum class kind : unsigned char {
    standard_error,   ///< `stderr` (the default)
    standard_output,  ///< `stdout`
    none,             ///< `none`: discarded
    file,             ///< `file=PATH[,level=LEVEL]`: appended to PATH
  };
  kind to = kind::standard_error;
  std::string path{};                  ///< kind::file's
  log_level level = log_level::info;  ///< lines below this are dropped (`level=debug` shows vu::log's debug lines)

  friend bool operator==(const log_destination&, const log_destination&) = default;
};

/// Parses `--log-output`'s value: `stderr`, `stdout`, `none`, `file=PATH` or
/// `file=PATH,level=debug|info|warning|error`. Throws `usage_error`, also for k6's `loki=...`,
/// which stampede does not support.
[[nodiscard]] log_destination parse_log_output(std::string_view text);

/// Opens `to`'s sink: `out` or `err` for `stdout` and `stderr`; a file is created if missing
/// and appended to. Throws `usage_error`: `cannot open "PATH": reason`.
[[nodiscard]] std::shared_ptr<log_sink> open_log(const log_destination& to, std::FILE* out = stdout,
                                                 std::FILE* err = stderr);

/// What the flags on a command line asked for. Empty optionals and lists: the flag was not
/// given, and the test's own definition stands.
struct cli_options {
  std::optional<std::int64_t> vus{};                  ///< `-u/--vus N`
  std::optional<std::chrono::nanoseconds> duration{};  ///< `-d/--duration 30s`
  std::optional<std::int64_t> iterations{};           ///< `-i/--iterations N`
  std::vector<stage> stages{};                        ///< `-s/--stage 30s:100`, in order
  env_map env{};                                      ///< `-e/--env KEY=VALUE`; a later KEY wins
  tag_set tags{};                                     ///< `--tag NAME=VALUE`; a later NAME wins
  std::optional<std::string> summary_export{};        ///< `--summary-export FILE`
  std::vector<output_spec> outputs{};                 ///< `-o/--out KIND=ARGUMENT`, in order
  std::optional<std::vector<std::string>> summary_trend_stats{};  ///< `--summary-trend-stats`
  std::optional<time_unit> summary_time_unit{};       ///< `--summary-time-unit s|ms|us`
  bool quiet = false;                                 ///< `-q/--quiet`: no live progress
  std::optional<std::string> console_output{};        ///< `--console-output FILE`: where vu::log appends
  std::optional<log_destination> log_output{};        ///< `--log-output OUTPUT`
  bool no_color = false;                              ///< `--no-color`
  bool no_thresholds = false;                         ///< `--no-thresholds`
  bool no_summary = false;                            ///< `--no-summary` (k6 1.x's; 2.x: `--summary-mode=disabled`)
  std::optional<stampede::summary_mode> summary_mode{};       ///< `--summary-mode compact|full|legacy|disabled`
  std::optional<std::string> config{};                ///< `-c/--config FILE`: k6's JSON options
  bool discard_response_bodies = false;               ///< `--discard-response-bodies`
  bool no_vu_connection_reuse = false;                ///< `--no-vu-connection-reuse`
  bool throw_on_failure = false;                      ///< `-w/--throw`
  std::optional<http::client_options::debug_level> http_debug{};  ///< `--http-debug[=full]`
  std::optional<double> rps{};                        ///< `--rps N`
  std::optional<std::chrono::nanoseconds> min_iteration_duration{};  ///< `--min-iteration-duration`
  std::optional<std::vector<std::string>> system_tags{};  ///< `--system-tags proto,status,...`
  bool linger = false;                                ///< `-l/--linger`: wait for Ctrl+C after the run
  bool no_setup = false;                              ///< `--no-setup`: `load_test::setup` is not run
  bool no_teardown = false;                           ///< `--no-teardown`: `load_test::teardown` is not run
  std::optional<int> max_redirects{};                 ///< `--max-redirects N`
  std::optional<std::string> user_agent{};            ///< `--user-agent UA` (empty: none sent)
  bool insecure_skip_tls_verify = false;              ///< `--insecure-skip-tls-verify`
  bool no_connection_reuse = false;                   ///< `--no-connection-reuse`
  std::optional<execution_segment> segment{};          ///< `--execution-segment 1/4:1/2`
  std::optional<execution_segment_sequence> segment_sequence{};  ///< `--execution-segment-sequence 0,1/4,1/2,1`
  std::optional<std::int64_t> segment_index{};        ///< `--execution-segment-index I` (stampede's own)
  std::optional<std::int64_t> segment_count{};        ///< `--execution-segment-count N` (stampede's own)
  bool segment_from_env = false;                      ///< `--execution-segment-from-env` (stampede's own)
  std::optional<std::chrono::system_clock::time_point> start_at{};  ///< `--start-at TIME` (stampede's own)
  std::optional<unsigned> threads{};                  ///< `--threads N` (stampede's own)
  std::optional<std::uint64_t> seed{};                ///< `--seed N` (stampede's own)
  bool help = false;                                  ///< `-h/--help`

  friend bool operator==(const cli_options&, const cli_options&) = default;
};

/// One flag `parse_cli` knows: its names, the placeholder of its value (empty for a switch),
/// k6's spelling of the same flag (empty where k6 has none) and one line of help.
struct cli_flag {
  std::string_view name{};        ///< long name without dashes: `vus`
  char shorthand = 0;             ///< `u` for `-u`; 0 for none
  std::string_view value_name{};  ///< `N`, `DURATION`; empty: a switch
  std::string_view k6{};          ///< `--vus`, or empty
  std::string_view help{};
  /// The value of a flag given without one, as pflag's `NoOptDefVal` (`--http-debug` alone is
  /// `headers`); such a flag takes its value only after `=`. Empty: the value is required.
  std::string_view implicit_value{};
};

/// Answers for an environment variable: its value, or nullopt when it is not set.
using environment_lookup = std::function<std::optional<std::string>(std::string_view)>;

/// The process environment, as an `environment_lookup`.
[[nodiscard]] environment_lookup process_environment();

/// Every flag, in the order `--help` lists them.
[[nodiscard]] std::span<const cli_flag> cli_flags() noexcept;

/// Parses `args` (the command line without the program name), as k6's (pflag's) parser
/// does: `--flag value`, `--flag=value`, `-u 10`, `-u10`, `-u=10`, switches clustered
/// (`-qh`), `--quiet=false`; repeatable flags (`-s`, `-e`, `--tag`) accumulate and a repeated
/// scalar flag takes its last value. `-s` also takes a comma-separated list, as k6's does.
/// Throws `usage_error` naming the flag and what it expected:
///
/// ```text
/// --vus: expected a whole number of VUs, at least 1, got "-3"
/// unknown flag --vu; did you mean --vus?
/// ```
[[nodiscard]] cli_options parse_cli(std::span<const std::string_view> args);

/// The same with k6's environment variables under the flags, in k6's order of precedence
/// (the environment, then the command line): `K6_VUS`, `K6_DURATION`, `K6_ITERATIONS`,
/// `K6_STAGES`, `K6_CONFIG`, `K6_OUT`, `K6_NO_THRESHOLDS`, `K6_SUMMARY_MODE`, ... (the table is
/// in docs/cli.md) each read as its flag. A flag given on the command line wins over its
/// variable; a list the command line gives (`-s`, `-o`, `--tag`) replaces the variable's; and,
/// as k6's tiers do, `--duration`, `--iterations` or `--stage` on the command line set aside all
/// three variables. Booleans are Go's (`1`, `t`, `true`, `0`, `f`, `false`, ...); `K6_NO_COLOR`
/// is on when set to anything but empty, and `NO_COLOR` when set at all (no-color.org).
/// Throws `usage_error` naming the variable (`K6_VUS=ten: expected ...`) or the flag at fault.
[[nodiscard]] cli_options parse_cli(std::span<const std::string_view> args, const environment_lookup& environment);

/// Applies the flags to `test`, as k6 lets command-line options override a script's:
///
/// - `-d` → `constant_vus{vus, duration}`; `-i` → `shared_iterations{vus, iterations}` (with
///   `-d` as its `max_duration`); `-s` → `ramping_vus{.start_vus = vus, .stages}`; `vus` is
///   `-u` or 1 (k6's default). `-d` with `-s`, or `-i` with `-s`, is an error, as in k6.
/// - `-u` alone keeps the executor and changes its VUs (`vus`; `start_vus` of `ramping_vus`,
///   as k6 starts a script's stages from `--vus`); arrival-rate executors have no VU count to
///   change, so that is an error.
/// - Those four flags replace the executor of a test's only scenario, keeping its name,
///   function, start time, graceful stop, tags and env. With several scenarios, or none, they
///   make one scenario "default" that runs the test's `"default"` function, as k6 runs a
///   script's default function (`-u N` alone: N iterations shared by N VUs); a test without
///   such a function gets an error naming its scenarios.
/// - A test with no scenarios and a `"default"` function, given none of those flags, runs it
///   as k6 runs a script without execution options: one VU, one iteration.
/// - `-e` merges into `load_test::env` and `--tag` into `load_test::tags` (the flags win);
///   `--summary-trend-stats` and `--summary-time-unit` set `load_test::summary`.
/// - `--no-setup` and `--no-teardown` drop `load_test::setup` and `teardown`;
///   `--max-redirects`, `--user-agent`, `--insecure-skip-tls-verify`, `--no-connection-reuse`,
///   `--no-vu-connection-reuse`, `--discard-response-bodies`, `--throw`, `--http-debug` and
///   `--rps` set `load_test::http`; `--min-iteration-duration` and `--system-tags` the test's
///   fields of those names; `--summary-mode` (and `--no-summary`, `disabled`) `load_test::summary`.
///
/// Throws `usage_error` naming the flags at fault.
void apply_cli(const cli_options& options, load_test& test);

/// The part of the test the execution-segment flags ask for (the whole test without them):
///
/// - `--execution-segment S` in `--execution-segment-sequence Q` (k6's): S alone is S and
///   what is around it; a sequence without a segment is an error, as in k6.
/// - `--execution-segment-index I --execution-segment-count N`: part I (from 0) of N equal
///   parts, `I/N:(I+1)/N` in `0,1/N,…,1`; with a sequence instead of a count, its I-th segment.
///   Fits a Kubernetes Indexed Job's `$(JOB_COMPLETION_INDEX)`.
/// - `--execution-segment-from-env`: the index and count from the launcher's environment,
///   the first of Open MPI's `OMPI_COMM_WORLD_RANK`/`OMPI_COMM_WORLD_SIZE`, MPICH's
///   `PMI_RANK`/`PMI_SIZE`, Slurm's `SLURM_PROCID`/`SLURM_NTASKS`, and Kubernetes'
///   `JOB_COMPLETION_INDEX` (whose count `--execution-segment-count` gives).
///
/// `environment` answers for the process environment (nullopt: not set).
/// Throws `usage_error` naming the flags or variables at fault: flags that contradict each
/// other, an index outside the count, a count that disagrees with the sequence, no launcher
/// variable set.
[[nodiscard]] execution_tuple execution_part(
    const cli_options& options, const environment_lookup& environment);

/// The run options the flags ask for: `--threads`, `--seed`, `--no-thresholds`, `--start-at` and the
/// execution segment (`execution_part` with the process environment). What the run shows
/// (progress, summary) and `--out` attach as observers: `run_cli` adds them.
[[nodiscard]] run_options run_options_for(const cli_options& options);

/// The `--help` text: usage, every flag with its k6 equivalent, the test's scenarios with
/// k6's description line, and the exit codes.
[[nodiscard]] std::string format_help(std::string_view program, const load_test& test);

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/cli/impl/options.ipp>
#  include <stampede/cli/impl/segment_flags.ipp>
#endif
