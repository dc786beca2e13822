// k6's JSON options file (`k6 run --config options.json`) read into sp::k6_options and applied
// to a compiled load_test with k6's precedence: defaults < file < the test's own options.
#pragma once

#include <stampede/core/units.hpp>
#include <stampede/exec/executors.hpp>
#include <stampede/exec/load_test.hpp>
#include <stampede/exec/stage.hpp>
#include <stampede/http/client_options.hpp>
#include <stampede/metrics/tags.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stampede {

/// One scenario of an options file (k6's `scenarios.<name>`), complete but for its function,
/// which `apply_k6_options` finds in `load_test::functions` by `exec`.
struct k6_scenario {
  std::string name;
  /// The function the scenario runs (k6's `exec`); k6's default is `"default"`.
  std::string exec = "default";
  ::stampede::executor executor = per_vu_iterations{};
  std::chrono::nanoseconds start_time{0};
  std::chrono::nanoseconds graceful_stop = std::chrono::seconds{30};
  tag_set tags{};
  env_map env{};
  /// Where it is in the file (`scenarios.browse`), for messages.
  std::string path{};
  friend bool operator==(const k6_scenario&, const k6_scenario&) = default;
};

/// One threshold of an options file, as k6 writes it: `"p(95)<200"` on
/// `http_req_duration{expected_response:true}`, perhaps with `abortOnFail` and `delayAbortEval`.
/// Kept as text: it becomes a `threshold` when applied, where the test's custom metrics are known.
struct k6_threshold {
  std::string metric;
  std::string expression;
  bool abort_on_fail = false;
  std::chrono::nanoseconds delay_abort_eval{0};
  /// Where it is in the file (`thresholds.http_req_duration[1]`), for messages.
  std::string path{};
  friend bool operator==(const k6_threshold&, const k6_threshold&) = default;
};

/// k6's options as a JSON options file states them; each member empty where the file is
/// silent (or says `null`). Names are k6's in snake_case; `parse_k6_options` validates every
/// value, so what is here is well formed.
struct k6_options {
  /// The file's name, for messages (`couldn't parse the configuration from "<source>": ...`).
  std::string source{};

  // Execution: k6's shortcuts and its scenarios (see `apply_k6_options` for how they combine).
  std::optional<std::int64_t> vus{};
  std::optional<std::chrono::nanoseconds> duration{};
  std::optional<std::int64_t> iterations{};
  /// Present but empty when the file says `"stages": []`, which k6 treats apart from silence.
  std::optional<stage_list> stages{};
  /// Sorted as k6 runs and lists them: by start time, then by name. Present but empty for
  /// `"scenarios": {}`.
  std::optional<std::vector<k6_scenario>> scenarios{};

  /// Every metric's thresholds in document order; present but empty for `"thresholds": {}`.
  std::optional<std::vector<k6_threshold>> thresholds{};
  std::optional<tag_set> tags{};
  std::optional<std::vector<std::string>> summary_trend_stats{};
  std::optional<time_unit> summary_time_unit{};
  std::optional<bool> no_setup{};
  std::optional<bool> no_teardown{};
  std::optional<std::chrono::nanoseconds> setup_timeout{};
  std::optional<std::chrono::nanoseconds> teardown_timeout{};
  std::optional<std::chrono::nanoseconds> min_iteration_duration{};
  std::optional<std::vector<std::string>> system_tags{};

  // HTTP (`load_test::http`).
  std::optional<bool> no_connection_reuse{};
  std::optional<bool> no_vu_connection_reuse{};
  std::optional<std::string> user_agent{};
  std::optional<bool> insecure_skip_tls_verify{};
  std::optional<int> max_redirects{};
  std::optional<bool> discard_response_bodies{};
  std::optional<std::map<std::string, std::string, std::less<>>> hosts{};
  std::optional<http::client_options::debug_level> http_debug{};
  std::optional<bool> throw_on_failure{};  ///< k6's `throw`
  std::optional<double> rps{};
  /// k6's `dns.ttl`: `inf` is `nanoseconds::max()`, as `client_options::dns_ttl` keeps it.
  std::optional<std::chrono::nanoseconds> dns_ttl{};

  // k6's Config beside its Options: for the command line, which owns outputs and lingering.
  std::optional<std::vector<std::string>> out{};
  std::optional<bool> linger{};

  /// Keys the file states that stampede accepts and ignores (`ext`, `cloud`, `batch`, ...), in
  /// document order, each with why: `"batch: stampede has no http.batch() to limit"`. For a
  /// warning; see docs/config.md for the whole table.
  std::vector<std::string> ignored{};

  friend bool operator==(const k6_options&, const k6_options&) = default;
};

/// Parses an options file's text. Everything in it is untrusted: wrong types, unknown keys
/// (k6 ignores unknown top-level keys but rejects unknown scenario fields; stampede rejects both,
/// suggesting the nearest key), numbers out of range, negative durations, an executor stampede
/// does not have, a key k6 has that stampede cannot honour, and malformed JSON all throw
/// `usage_error` whose message starts with k6's `couldn't parse the configuration from
/// "<source_name>": ` and names the JSON path and the problem:
///
/// ```text
/// couldn't parse the configuration from "options.json": unknown option "vux"; did you mean "vus"?
/// couldn't parse the configuration from "options.json": scenarios.browse.executor: unknown executor
///   "ramping-vu"; expected one of constant-vus, ramping-vus, shared-iterations, ...
/// ```
///
/// Durations take k6's forms: Go's strings (`"1m30s"`), days (`"1d12h"`), and numbers or
/// numeric strings meaning milliseconds (`20000`, `"1000.5"`).
[[nodiscard]] k6_options parse_k6_options(std::string_view json, std::string_view source_name);

/// Reads the file at `path` and parses it (`parse_k6_options`, with `path` as its name). Throws
/// `usage_error` for a file that cannot be read (`couldn't load the configuration from
/// "<path>": No such file or directory`), is larger than 16 MiB, or does not parse.
[[nodiscard]] k6_options read_k6_options(const std::string& path);

/// Applies an options file to `test` with k6's precedence: defaults < config file < the test's
/// own options (< environment < flags, which the command line applies afterwards). So the file
/// gives what the test leaves at the value a default-constructed `load_test`,
/// `http::client_options` or `summary_options` has:
///
/// - Execution, as k6's `Options.Apply` and `DeriveScenariosFromShortcuts`: a test with
///   scenarios keeps them and the file's `duration`, `iterations`, `stages` and `scenarios` are
///   ignored, `vus` too (k6 since May 2026 lets a bare `vus` of any tier replace a script's
///   scenarios; a compiled test stays above the file). A test without scenarios takes the
///   file's `scenarios`, or the scenario `default` that k6 makes from the shortcuts:
///   `iterations` → `shared_iterations` (with `duration` as its `max_duration`), `duration` →
///   `constant_vus`, `stages` → `ramping_vus` from `vus`; `vus` alone → `shared_iterations` of
///   `vus` iterations on `vus` VUs; nothing → `per_vu_iterations` of 1 iteration on 1 VU. Each scenario runs
///   `test.functions` at its `exec` (`"default"` if it names none). k6's conflicts are errors:
///   `stages` with `duration` or `iterations`, `scenarios` with any shortcut, `duration: 0`.
/// - `thresholds`: the file's when the test has none (k6 replaces the whole map per tier).
/// - `tags`: the file's keys that the test does not set. `hosts`: the file's when the test
///   has none. Every other option: the file's when the test has the default value.
/// - `noSetup`/`noTeardown`: drop `setup`/`teardown`. `out` and `linger` are for the command
///   line, which reads them from `file` itself.
///
/// Returns warnings to show the user, as k6 logs them (execution options the test overrides,
/// `vus` replacing the test's scenarios, the keys in `file.ignored`). Throws `usage_error`,
/// prefixed like `parse_k6_options`'s, for an `exec` the test has no function for (listing those
/// it has), an invalid shortcut combination, or a threshold that does not resolve against the
/// test's metrics. On a throw, `test` is unchanged.
std::vector<std::string> apply_k6_options(const k6_options& file, load_test& test);

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/cli/impl/config_file.ipp>
#endif
