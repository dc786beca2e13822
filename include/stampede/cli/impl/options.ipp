// Bodies of parse_cli, apply_cli, run_options_for and format_help (included by
// cli/options.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/detail/edit_distance.hpp>
#include <stampede/core/error.hpp>
#include <stampede/core/timestamp.hpp>
#include <stampede/exec/executors.hpp>
#include <stampede/report/summary.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <cstddef>
#include <limits>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace stampede {

namespace detail::cli {

// k6's flags first, in the order `k6 run --help` lists them, then stampede's own.
inline constexpr std::array<cli_flag, 43> flags{{
    {"vus", 'u', "N", "--vus", "number of virtual users (changes the VUs of the test's executor)"},
    {"duration", 'd', "DURATION", "--duration", "run N VUs for this long: 30s, 1m30s (constant_vus)"},
    {"iterations", 'i', "N", "--iterations", "run this many iterations shared by the VUs (shared_iterations)"},
    {"stage", 's', "DURATION:TARGET", "--stage", "ramp to TARGET VUs over DURATION (ramping_vus); repeatable"},
    {"config", 'c', "FILE", "--config", "apply k6's JSON options file: scenarios, thresholds, HTTP options"},
    {"env", 'e', "KEY=VALUE", "--env", "set an environment variable for vu::env(); repeatable"},
    {"include-system-env-vars", 0, "", "--include-system-env-vars",
     "vu::env() also reads the process environment (always on; =false is refused)"},
    {"tag", 0, "NAME=VALUE", "--tag", "add a tag to every sample; repeatable"},
    {"out", 'o', "KIND=ARG", "--out",
     "stream results: json=FILE, csv=FILE, junit=FILE, prometheus=HOST:PORT, result=FILE, html=FILE; repeatable"},
    {"summary-export", 0, "FILE", "--summary-export", "write the end-of-test summary to FILE as k6's JSON"},
    {"summary-trend-stats", 0, "STATS", "--summary-trend-stats",
     "trend statistics in the summary: avg,min,med,max,p(90),p(99.9),count"},
    {"summary-time-unit", 0, "UNIT", "--summary-time-unit", "show durations in the summary in s, ms or us"},
    {"summary-mode", 0, "MODE", "--summary-mode", "the end-of-test summary: compact (default), full, legacy or disabled"},
    {"no-summary", 0, "", "--no-summary", "no end-of-test summary and no --summary-export file (--summary-mode=disabled)"},
    {"linger", 'l', "", "--linger", "after the run, keep serving (--out prometheus) until Ctrl+C"},
    {"quiet", 'q', "", "--quiet", "no live progress"},
    {"no-color", 0, "", "--no-color", "no colours in the summary"},
    {"console-output", 0, "FILE", "--console-output", "append the lines of vu::log to FILE instead of the log output"},
    {"log-output", 0, "OUTPUT", "--log-output",
     "where the log goes: stderr (default), stdout, none, file=PATH or file=PATH,level=debug"},
    {"no-usage-report", 0, "", "--no-usage-report", "accepted for k6's command lines: stampede sends no usage report"},
    {"no-thresholds", 0, "", "--no-thresholds", "do not evaluate thresholds"},
    {"no-setup", 0, "", "--no-setup", "don't run the test's setup"},
    {"no-teardown", 0, "", "--no-teardown", "don't run the test's teardown"},
    {"max-redirects", 0, "N", "--max-redirects", "follow at most N redirects (default 10)"},
    {"user-agent", 0, "UA", "--user-agent", "user agent for HTTP requests; empty sends none"},
    {"insecure-skip-tls-verify", 0, "", "--insecure-skip-tls-verify", "skip verification of TLS certificates"},
    {"no-connection-reuse", 0, "", "--no-connection-reuse", "disable keep-alive connections"},
    {"no-vu-connection-reuse", 0, "", "--no-vu-connection-reuse", "don't reuse connections between iterations"},
    {"discard-response-bodies", 0, "", "--discard-response-bodies", "read HTTP response bodies but keep none"},
    {"http-debug", 0, "LEVEL", "--http-debug",
     "log HTTP requests and responses to stderr: headers (alone: --http-debug), or full with bodies", "headers"},
    {"throw", 'w', "", "--throw", "a request that gets no response throws http::request_failed"},
    {"rps", 0, "N", "--rps", "at most N requests per second over the whole test"},
    {"min-iteration-duration", 0, "DURATION", "--min-iteration-duration",
     "a VU waits out the rest of this after an iteration that ended sooner"},
    {"system-tags", 0, "TAGS", "--system-tags", "the system tags samples carry: proto,status,method,url,name,..."},
    {"execution-segment", 0, "SEGMENT", "--execution-segment",
     "run this part of the test: 1/4:1/2, 25%:50%, 0.25:0.5 (with several machines)"},
    {"execution-segment-sequence", 0, "SEQUENCE", "--execution-segment-sequence",
     "the parts the test is split into: 0,1/4,1/2,1"},
    {"execution-segment-index", 0, "I", "", "run part I (from 0) of --execution-segment-count equal parts"},
    {"execution-segment-count", 0, "N", "", "the number of equal parts (with --execution-segment-index)"},
    {"execution-segment-from-env", 0, "", "",
     "take the part from mpirun, Slurm or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX)"},
    {"start-at", 0, "TIME", "",
     "start the scenarios at this instant (RFC 3339 or Unix seconds), after setup: all parts together"},
    {"threads", 0, "N", "", "shards (threads) to run VUs on; default: one per core"},
    {"seed", 0, "N", "", "seed for the VUs' random numbers; default: random, printed after the run"},
    {"help", 'h', "", "--help", "print this help"},
}};

STAMPEDE_DECL const cli_flag* find_long(std::string_view name) {
  for (const auto& f : flags) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

STAMPEDE_DECL const cli_flag* find_short(char c) {
  for (const auto& f : flags) {
    if (f.shorthand != 0 && f.shorthand == c) return &f;
  }
  return nullptr;
}

// "; did you mean --vus?" when a known flag is close enough to be the one meant.
STAMPEDE_DECL std::string suggestion(std::string_view name) {
  // A typo is one edit away in a short name, two in a long one; farther is a guess.
  const cli_flag* best = nullptr;
  std::size_t best_distance = std::max<std::size_t>(1, std::min<std::size_t>(2, name.size() / 3)) + 1;
  for (const auto& f : flags) {
    const auto d = edit_distance(name, f.name);
    if (d < best_distance) {
      best = &f;
      best_distance = d;
    }
  }
  return best != nullptr ? fmt::format("; did you mean --{}?", best->name) : std::string{};
}

[[noreturn]] STAMPEDE_DECL void expected(const cli_flag& f, std::string_view what, std::string_view got) {
  throw usage_error(fmt::format("--{}: expected {}, got \"{}\"", f.name, what, got));
}

template <typename Int>
std::optional<Int> parse_int(std::string_view text) {
  Int value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

STAMPEDE_DECL std::int64_t at_least_one(const cli_flag& f, std::string_view text, std::string_view what) {
  const auto n = parse_int<std::int64_t>(text);
  if (!n || *n < 1) expected(f, fmt::format("a whole number of {}, at least 1", what), text);
  return *n;
}

STAMPEDE_DECL std::chrono::nanoseconds positive_duration(const cli_flag& f, std::string_view text) {
  constexpr std::string_view what = "a duration greater than 0, such as 30s, 1m30s or 500ms";
  try {
    const auto d = parse_duration(text);
    if (d <= std::chrono::nanoseconds{0}) expected(f, what, text);
    if (d > max_test_duration) {
      expected(f, "a duration of at most " + format_go_duration(max_test_duration) + " (the longest test stampede runs)",
               text);
    }
    return d;
  } catch (const parse_error& e) {
    throw usage_error(fmt::format("--{}: expected {}, got \"{}\"\n{}", f.name, what, text, e.what()));
  }
}

// KEY=VALUE with a non-empty key; the value may be empty and may hold '='.
STAMPEDE_DECL std::pair<std::string, std::string> key_value(const cli_flag& f, std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) expected(f, f.value_name, text);
  return {std::string{text.substr(0, eq)}, std::string{text.substr(eq + 1)}};
}

STAMPEDE_DECL stage parse_stage(const cli_flag& f, std::string_view text) {
  constexpr std::string_view what = "DURATION:TARGET, such as 30s:100";
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) expected(f, what, text);
  const auto duration_text = text.substr(0, colon);
  const auto target_text = text.substr(colon + 1);
  std::chrono::nanoseconds d{0};
  try {
    d = parse_duration(duration_text);
  } catch (const parse_error& e) {
    throw usage_error(fmt::format("--{}: expected {}, got \"{}\"\n{}", f.name, what, text, e.what()));
  }
  const auto target = parse_int<std::int64_t>(target_text);
  if (!target || *target < 0) {
    throw usage_error(fmt::format("--{}: expected {} (the target a whole number of VUs, at least 0), got \"{}\"",
                                  f.name, what, text));
  }
  return stage{d, *target};
}

STAMPEDE_DECL std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t from = 0;
  while (true) {
    const auto at = text.find(separator, from);
    parts.push_back(text.substr(from, at == std::string_view::npos ? std::string_view::npos : at - from));
    if (at == std::string_view::npos) return parts;
    from = at + 1;
  }
}

template <typename Strings>
std::string join(const Strings& parts, std::string_view separator) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

STAMPEDE_DECL bool parse_switch(const cli_flag& f, std::optional<std::string_view> value) {
  if (!value || *value == "true") return true;
  if (*value == "false") return false;
  expected(f, "true or false", *value);
}

STAMPEDE_DECL void set_value(cli_options& o, const cli_flag& f, std::string_view v) {
  const std::string_view n = f.name;
  if (n == "vus") {
    o.vus = at_least_one(f, v, "VUs");
  } else if (n == "duration") {
    o.duration = positive_duration(f, v);
  } else if (n == "iterations") {
    o.iterations = at_least_one(f, v, "iterations");
  } else if (n == "stage") {
    for (const auto part : split(v, ',')) {
      o.stages.push_back(parse_stage(f, part));
      // The total so far is within max_test_duration, so adding one more stage (a valid
      // duration, below 2^63 ns) is checked before it is summed.
      std::chrono::nanoseconds total{0};
      for (const auto& s : o.stages) {
        if (s.duration > max_test_duration - total) {
          throw usage_error(fmt::format("--{}: the stages up to \"{}\" last longer than {}, the longest test stampede runs",
                                        f.name, part, format_go_duration(max_test_duration)));
        }
        total += s.duration;
      }
    }
  } else if (n == "env") {
    auto [key, value] = key_value(f, v);
    o.env.insert_or_assign(std::move(key), std::move(value));
  } else if (n == "tag") {
    auto [key, value] = key_value(f, v);
    o.tags.set(std::move(key), std::move(value));
  } else if (n == "out") {
    o.outputs.push_back(parse_output_spec(v));
  } else if (n == "summary-export") {
    if (v.empty()) expected(f, "a file name", v);
    o.summary_export = std::string{v};
  } else if (n == "summary-trend-stats") {
    std::vector<std::string> stats;  // "" is an empty list, as in k6: trends without statistics
    for (const auto part : v.empty() ? decltype(split(v, ',')){} : split(v, ',')) {
      if (part.empty()) expected(f, "a comma-separated list of avg, min, med, max, count or p(N)", v);
      try {
        validate_trend_stat(std::string{part});
      } catch (const usage_error& e) {
        throw usage_error(fmt::format("--{}: {}", f.name, e.what()));
      }
      stats.emplace_back(part);
    }
    o.summary_trend_stats = std::move(stats);
  } else if (n == "summary-time-unit") {
    if (v == "s") {
      o.summary_time_unit = time_unit::s;
    } else if (v == "ms") {
      o.summary_time_unit = time_unit::ms;
    } else if (v == "us") {
      o.summary_time_unit = time_unit::us;
    } else {
      expected(f, "s, ms or us", v);
    }
  } else if (n == "max-redirects") {
    const auto r = parse_int<int>(v);
    if (!r || *r < 0) expected(f, "a whole number of redirects, at least 0", v);
    o.max_redirects = *r;
  } else if (n == "user-agent") {
    o.user_agent = std::string{v};
  } else if (n == "config") {
    if (v.empty()) expected(f, "a file name", v);
    o.config = std::string{v};
  } else if (n == "summary-mode") {
    try {
      o.summary_mode = parse_summary_mode(v);
    } catch (const usage_error& e) {
      throw usage_error(fmt::format("--{}: {}", f.name, e.what()));
    }
  } else if (n == "http-debug") {
    if (v == "headers") {
      o.http_debug = http::client_options::debug_level::headers;
    } else if (v == "full") {
      o.http_debug = http::client_options::debug_level::full;
    } else {
      expected(f, "headers or full (--http-debug alone: headers)", v);
    }
  } else if (n == "rps") {
    const auto r = parse_int<std::int64_t>(v);
    if (!r || *r < 0 || *r > 1'000'000'000) expected(f, "a whole number of requests per second, 0 (no limit) to 1000000000", v);
    o.rps = static_cast<double>(*r);
  } else if (n == "min-iteration-duration") {
    try {
      const auto d = parse_duration(v);
      if (d < std::chrono::nanoseconds{0} || d > max_test_duration) {
        expected(f, "a duration from 0 to " + format_go_duration(max_test_duration) + ", such as 1s or 500ms", v);
      }
      o.min_iteration_duration = d;
    } catch (const parse_error& e) {
      throw usage_error(fmt::format("--{}: expected a duration, such as 1s or 500ms, got \"{}\"\n{}", f.name, v, e.what()));
    }
  } else if (n == "system-tags") {
    std::vector<std::string> names;  // "" is an empty set, as in k6: samples carry no system tags
    for (const auto part : v.empty() ? decltype(split(v, ',')){} : split(v, ',')) {
      if (part.empty()) expected(f, "a comma-separated list of tag names", v);
      names.emplace_back(part);
    }
    o.system_tags = std::move(names);
  } else if (n == "execution-segment") {
    try {
      o.segment = execution_segment::parse(v);
    } catch (const usage_error& e) {
      throw usage_error(fmt::format("--{}: {}", f.name, e.what()));
    }
  } else if (n == "execution-segment-sequence") {
    try {
      o.segment_sequence = execution_segment_sequence::parse(v);
    } catch (const usage_error& e) {
      throw usage_error(fmt::format("--{}: {}", f.name, e.what()));
    }
    if (o.segment_sequence->empty()) expected(f, "a sequence such as 0,1/4,1/2,1", v);
  } else if (n == "execution-segment-index") {
    const auto i = parse_int<std::int64_t>(v);
    if (!i || *i < 0) expected(f, "a whole number, from 0", v);
    o.segment_index = *i;
  } else if (n == "execution-segment-count") {
    const auto c = parse_int<std::int64_t>(v);
    if (!c || *c < 1 || *c > 1'000'000) expected(f, "a whole number of parts, 1 to 1000000", v);
    o.segment_count = *c;
  } else if (n == "start-at") {
    try {
      o.start_at = parse_timestamp(v);
    } catch (const usage_error& e) {
      throw usage_error(fmt::format("--{}: {}", f.name, e.what()));
    }
  } else if (n == "threads") {
    const auto t = parse_int<unsigned>(v);
    if (!t || *t < 1) expected(f, "a whole number of threads, at least 1", v);
    o.threads = *t;
  } else if (n == "seed") {
    const auto s = parse_int<std::uint64_t>(v);
    if (!s) expected(f, "a whole number from 0 to 18446744073709551615", v);
    o.seed = *s;
  } else if (n == "console-output") {
    if (v.empty()) expected(f, "a file name", v);
    o.console_output = std::string{v};
  } else if (n == "log-output") {
    try {
      o.log_output = parse_log_output(v);
    } catch (const usage_error& e) {
      throw usage_error(fmt::format("--{}: {}", f.name, e.what()));
    }
  }
}

STAMPEDE_DECL void set_switch(cli_options& o, const cli_flag& f, std::optional<std::string_view> value) {
  const bool on = parse_switch(f, value);
  const std::string_view n = f.name;
  if (n == "quiet") o.quiet = on;
  if (n == "no-color") o.no_color = on;
  if (n == "no-thresholds") o.no_thresholds = on;
  if (n == "no-summary") o.no_summary = on;
  if (n == "linger") o.linger = on;
  if (n == "no-setup") o.no_setup = on;
  if (n == "no-teardown") o.no_teardown = on;
  if (n == "insecure-skip-tls-verify") o.insecure_skip_tls_verify = on;
  if (n == "no-connection-reuse") o.no_connection_reuse = on;
  if (n == "no-vu-connection-reuse") o.no_vu_connection_reuse = on;
  if (n == "discard-response-bodies") o.discard_response_bodies = on;
  if (n == "throw") o.throw_on_failure = on;
  if (n == "include-system-env-vars" && !on) {
    throw usage_error("--include-system-env-vars=false: vu::env() always falls back to the process environment "
                      "(k6's default for k6 run); turning that off is not supported");
  }
  if (n == "execution-segment-from-env") o.segment_from_env = on;
  if (n == "help") o.help = on;
}

[[noreturn]] STAMPEDE_DECL void missing_value(const cli_flag& f) {
  throw usage_error(fmt::format("--{} needs a value: {}", f.name, f.value_name));
}

// A separate value is the next argument unless that is another long flag: `--env --quiet`
// is a missing value, while `--vus -3` is a bad one (and says so).
STAMPEDE_DECL std::string_view take_value(const cli_flag& f, std::span<const std::string_view> args, std::size_t& i) {
  if (i + 1 >= args.size() || args[i + 1].starts_with("--")) missing_value(f);
  return args[++i];
}

// Listed by --help; the codes are k6's (see exec/result.hpp and cli/main.hpp).
inline constexpr std::string_view exit_codes_help =
    "Exit codes (k6's):\n"
    "  0    the test finished and every threshold passed\n"
    "  99   a threshold failed\n"
    "  104  invalid flags or an invalid test definition\n"
    "  105  interrupted by SIGINT or SIGTERM (a second signal stops at once)\n"
    "  107  setup or teardown failed\n"
    "  108  the test aborted itself (vu::abort_test)\n"
    "  255  any other error\n";

}  // namespace detail::cli

STAMPEDE_DECL std::span<const cli_flag> cli_flags() noexcept { return detail::cli::flags; }

STAMPEDE_DECL cli_options parse_cli(std::span<const std::string_view> args) {
  namespace d = detail::cli;
  cli_options out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg.starts_with("--") && arg.size() > 2) {
      const auto eq = arg.find('=');
      const auto name = arg.substr(2, eq == std::string_view::npos ? std::string_view::npos : eq - 2);
      const cli_flag* f = d::find_long(name);
      if (f == nullptr) throw usage_error(fmt::format("unknown flag --{}{}", name, d::suggestion(name)));
      std::optional<std::string_view> inline_value;
      if (eq != std::string_view::npos) inline_value = arg.substr(eq + 1);
      if (f->value_name.empty()) {
        d::set_switch(out, *f, inline_value);
      } else if (!f->implicit_value.empty()) {
        d::set_value(out, *f, inline_value.value_or(f->implicit_value));
      } else {
        d::set_value(out, *f, inline_value ? *inline_value : d::take_value(*f, args, i));
      }
    } else if (arg.starts_with('-') && arg.size() > 1 && arg != "--") {
      // A cluster of shorthands, as pflag reads them: switches (`-qh`), then at most one flag
      // with a value, which takes the rest of the argument (`-u10`, `-u=10`) or the next one.
      for (std::size_t c = 1; c < arg.size(); ++c) {
        const cli_flag* f = d::find_short(arg[c]);
        if (f == nullptr) {
          const auto rest = arg.substr(1);
          auto hint = d::find_long(rest) != nullptr ? fmt::format("; did you mean --{}?", rest) : std::string{};
          if (hint.empty() && rest.size() > 2) hint = d::suggestion(rest);
          throw usage_error(fmt::format("unknown shorthand flag '{}' in {}{}", arg[c], arg, hint));
        }
        if (f->value_name.empty()) {
          if (c + 1 < arg.size() && arg[c + 1] == '=') {
            d::set_switch(out, *f, arg.substr(c + 2));
            break;
          }
          d::set_switch(out, *f, std::nullopt);
          continue;
        }
        if (c + 1 < arg.size()) {
          auto value = arg.substr(c + 1);
          if (value.starts_with('=')) value.remove_prefix(1);
          d::set_value(out, *f, value);
        } else {
          d::set_value(out, *f, d::take_value(*f, args, i));
        }
        break;
      }
    } else {
      throw usage_error(fmt::format(
          "unexpected argument \"{}\": the test is compiled into this program, so it takes only flags", arg));
    }
  }
  return out;
}

namespace detail::cli {

// k6's environment variables that stand for a flag (lib/options.go's envconfig names,
// internal/cmd/config.go, runtime_options.go, cmd/state/state.go), in k6's spelling.
struct env_flag {
  std::string_view variable;
  std::string_view flag;
};
inline constexpr std::array<env_flag, 34> env_flags{{
    {"K6_VUS", "vus"},
    {"K6_DURATION", "duration"},
    {"K6_ITERATIONS", "iterations"},
    {"K6_STAGES", "stage"},
    {"K6_CONFIG", "config"},
    {"K6_OUT", "out"},
    {"K6_LINGER", "linger"},
    {"K6_TAGS", "tag"},
    {"K6_SUMMARY_EXPORT", "summary-export"},
    {"K6_SUMMARY_TREND_STATS", "summary-trend-stats"},
    {"K6_SUMMARY_TIME_UNIT", "summary-time-unit"},
    {"K6_SUMMARY_MODE", "summary-mode"},
    {"K6_NO_SUMMARY", "no-summary"},
    {"K6_NO_COLOR", "no-color"},
    {"NO_COLOR", "no-color"},
    {"K6_NO_THRESHOLDS", "no-thresholds"},
    {"K6_NO_SETUP", "no-setup"},
    {"K6_NO_TEARDOWN", "no-teardown"},
    {"K6_MAX_REDIRECTS", "max-redirects"},
    {"K6_USER_AGENT", "user-agent"},
    {"K6_INSECURE_SKIP_TLS_VERIFY", "insecure-skip-tls-verify"},
    {"K6_NO_CONNECTION_REUSE", "no-connection-reuse"},
    {"K6_NO_VU_CONNECTION_REUSE", "no-vu-connection-reuse"},
    {"K6_DISCARD_RESPONSE_BODIES", "discard-response-bodies"},
    {"K6_HTTP_DEBUG", "http-debug"},
    {"K6_THROW", "throw"},
    {"K6_RPS", "rps"},
    {"K6_MIN_ITERATION_DURATION", "min-iteration-duration"},
    {"K6_SYSTEM_TAGS", "system-tags"},
    {"K6_EXECUTION_SEGMENT", "execution-segment"},
    {"K6_EXECUTION_SEGMENT_SEQUENCE", "execution-segment-sequence"},
    {"K6_QUIET", "quiet"},
    {"K6_CONSOLE_OUTPUT", "console-output"},
    {"K6_LOG_OUTPUT", "log-output"},
}};

// Go's strconv.ParseBool, which k6's envconfig uses.
STAMPEDE_DECL std::optional<bool> go_bool(std::string_view text) {
  for (const std::string_view t : {"1", "t", "T", "TRUE", "true", "True"}) {
    if (text == t) return true;
  }
  for (const std::string_view f : {"0", "f", "F", "FALSE", "false", "False"}) {
    if (text == f) return false;
  }
  return std::nullopt;
}

// The command-line arguments one variable stands for.
STAMPEDE_DECL std::vector<std::string> env_arguments(const env_flag& e, const cli_flag& f, const std::string& value) {
  const auto flag = fmt::format("--{}", f.name);
  if (e.variable == "NO_COLOR") return {flag};  // no-color.org: set at all, even empty
  if (e.variable == "K6_NO_COLOR") return value.empty() ? std::vector<std::string>{} : std::vector<std::string>{flag};
  if (f.value_name.empty()) {
    const auto on = go_bool(value);
    if (!on) throw usage_error(fmt::format("{}={}: expected true or false (or 1, 0, t, f)", e.variable, value));
    return {fmt::format("{}={}", flag, *on)};
  }
  if (e.variable == "K6_TAGS") {  // envconfig's map: name:value pairs separated by commas
    std::vector<std::string> out;
    for (const auto pair : split(value, ',')) {
      const auto colon = pair.find(':');
      if (colon == std::string_view::npos || colon == 0) {
        throw usage_error(fmt::format("{}={}: expected name:value pairs separated by commas", e.variable, value));
      }
      out.push_back(fmt::format("{}={}={}", flag, pair.substr(0, colon), pair.substr(colon + 1)));
    }
    return out;
  }
  return {fmt::format("{}={}", flag, value)};
}

}  // namespace detail::cli

STAMPEDE_DECL log_destination parse_log_output(std::string_view text) {
  using kind = log_destination::kind;
  if (text == "stderr") return {};
  if (text == "stdout") return {.to = kind::standard_output};
  if (text == "none") return {.to = kind::none};
  if (text.starts_with("loki")) {
    throw usage_error(fmt::format("\"{}\": loki is not supported by stampede; use stderr, stdout, none or file=PATH", text));
  }
  if (!text.starts_with("file")) {
    throw usage_error(fmt::format(
        "expected stderr, stdout, none, file=PATH or file=PATH,level=debug|info|warning|error, got \"{}\"", text));
  }
  log_destination out{.to = kind::file};
  bool have_path = false;
  for (const auto part : detail::cli::split(text, ',')) {
    const auto eq = part.find('=');
    const auto key = part.substr(0, eq);
    const auto value = eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
    if (key == "file") {
      out.path = std::string{value};
      have_path = !value.empty();
    } else if (key == "level" && parse_log_level(value)) {
      out.level = *parse_log_level(value);
    } else if (key == "level") {
      throw usage_error(fmt::format("expected a level of debug, info, warning or error, got \"{}\"", value));
    } else {
      throw usage_error(fmt::format("expected file=PATH or file=PATH,level=LEVEL, got \"{}\"", text));
    }
  }
  if (!have_path) throw usage_error(fmt::format("expected file=PATH with a path, got \"{}\"", text));
  return out;
}

STAMPEDE_DECL std::shared_ptr<log_sink> open_log(const log_destination& to, std::FILE* out, std::FILE* err) {
  switch (to.to) {
    case log_destination::kind::standard_error: return log_sink::to_stream(err, to.level);
    case log_destination::kind::standard_output: return log_sink::to_stream(out, to.level);
    case log_destination::kind::none: return log_sink::discard();
    case log_destination::kind::file: return log_sink::append_to_file(to.path, to.level);
  }
  return log_sink::to_stream(err, to.level);
}

STAMPEDE_DECL environment_lookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string{name}.c_str());  // NOLINT(concurrency-mt-unsafe): read before the run starts
    if (value == nullptr) return std::nullopt;
    return std::string{value};
  };
}

STAMPEDE_DECL cli_options parse_cli(std::span<const std::string_view> args, const environment_lookup& environment) {
  namespace d = detail::cli;
  const cli_options given = parse_cli(args);
  const bool execution_given = given.duration || given.iterations || !given.stages.empty();
  std::vector<std::string> from_environment;
  for (const auto& e : d::env_flags) {
    auto value = environment(e.variable);
    if (!value) continue;
    const cli_flag& f = *d::find_long(e.flag);
    // k6's tiers: the command line's list replaces the environment's, and its execution
    // options set aside the environment's (`K6_DURATION=1m` with `--stage 10s:5` ramps).
    if ((f.name == "out" && !given.outputs.empty()) || (f.name == "tag" && !given.tags.empty())) continue;
    if (execution_given && (f.name == "duration" || f.name == "iterations" || f.name == "stage")) continue;
    auto arguments = d::env_arguments(e, f, *value);
    std::vector<std::string_view> views(arguments.begin(), arguments.end());
    try {
      (void)parse_cli(views);  // alone first, so that a mistake names the variable
    } catch (const usage_error& error) {
      std::string_view message = error.what();
      const auto prefix = fmt::format("--{}: ", f.name);
      if (message.starts_with(prefix)) message.remove_prefix(prefix.size());
      throw usage_error(fmt::format("{}={}: {}", e.variable, *value, message));
    }
    for (auto& a : arguments) from_environment.push_back(std::move(a));
  }
  if (from_environment.empty()) return given;
  // The variables' flags first: a scalar flag takes its last value, so the command line wins.
  std::vector<std::string_view> combined(from_environment.begin(), from_environment.end());
  combined.insert(combined.end(), args.begin(), args.end());
  return parse_cli(combined);
}

namespace detail::cli {

// The flags that replace a scenario's executor, as the user would write them.
STAMPEDE_DECL std::string execution_flags(const cli_options& o) {
  std::vector<std::string_view> given;
  if (o.vus) given.emplace_back("--vus");
  if (o.duration) given.emplace_back("--duration");
  if (o.iterations) given.emplace_back("--iterations");
  if (!o.stages.empty()) given.emplace_back("--stage");
  return join(given, ", ");
}

// `-u` alone: the same executor with another VU count, where it has one.
STAMPEDE_DECL void set_vus(scenario& s, std::int64_t n) {
  std::visit(
      [&](auto& e) {
        using type = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<type, ramping_vus>) {
          e.start_vus = n;
        } else if constexpr (requires { e.vus; }) {
          e.vus = n;
        } else {
          throw usage_error(fmt::format(
              "--vus: scenario \"{}\" uses {}, which starts iterations at a rate and has no VU count to set; "
              "change its pre_allocated_vus and max_vus in the test, or give --duration or --iterations too",
              s.name, executor_name(s.executor)));
        }
      },
      s.executor);
}

// The VU count a scenario's executor states, if it has one: what k6 takes from a script's
// `vus` option when --vus is not given.
STAMPEDE_DECL std::optional<std::int64_t> stated_vus(const scenario& s) {
  return std::visit(
      [](const auto& e) -> std::optional<std::int64_t> {
        using type = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<type, constant_vus> || std::is_same_v<type, shared_iterations> ||
                      std::is_same_v<type, per_vu_iterations>) {
          return e.vus;
        } else {
          return std::nullopt;
        }
      },
      s.executor);
}

}  // namespace detail::cli

STAMPEDE_DECL void apply_cli(const cli_options& options, load_test& test) {
  namespace d = detail::cli;
  const bool shortcut = options.duration || options.iterations || !options.stages.empty();
  if (options.vus || shortcut) {
    // k6 refuses these pairs too ("using multiple execution config shortcuts simultaneously").
    if (options.iterations && !options.stages.empty()) {
      throw usage_error("--iterations and --stage cannot be used together: one sets a number of iterations, "
                        "the other a ramp of VUs");
    }
    if (options.duration && !options.stages.empty()) {
      throw usage_error("--duration and --stage cannot be used together: the stages' durations make up the test's");
    }
    // k6 runs the script's default function in one scenario when the command line's
    // shortcuts meet several scenarios or none (lib/executor/execution_config_shortcuts.go);
    // `-u N` alone is then N iterations shared by N VUs.
    bool made_default = false;
    if (const auto f = test.functions.find("default"); test.scenarios.size() != 1 && f != test.functions.end()) {
      test.scenarios = {scenario{.name = "default",
                                 .exec = f->second,
                                 .executor = shortcut ? executor{per_vu_iterations{.vus = 1, .iterations = 1}}
                                                      : executor{shared_iterations{.vus = *options.vus,
                                                                                   .iterations = *options.vus}}}};
      made_default = true;
    }
    if (test.scenarios.size() != 1) {
      std::vector<std::string> names;
      for (const auto& s : test.scenarios) names.push_back("\"" + s.name + "\"");
      throw usage_error(fmt::format(
          "{}: these flags replace the executor of a test with one scenario, and this test has {} ({}); "
          "change the scenarios' executors in the test instead, or give it a \"default\" function "
          "(load_test::functions) for these flags to run",
          d::execution_flags(options), test.scenarios.size(),
          names.empty() ? std::string{"none"} : d::join(names, ", ")));
    }
    auto& only = test.scenarios.front();
    // Without --vus, k6 keeps the script's `vus` option; here that is the VU count the
    // executor states, and k6's default of 1 for executors that state none.
    const std::int64_t vu_count = options.vus.value_or(d::stated_vus(only).value_or(1));
    if (options.iterations) {
      if (*options.iterations < vu_count) {
        throw usage_error(fmt::format("--iterations ({}) must be at least --vus ({}): each VU needs an iteration",
                                      *options.iterations, vu_count));
      }
      only.executor = shared_iterations{.vus = vu_count,
                                        .iterations = *options.iterations,
                                        .max_duration = options.duration.value_or(shared_iterations{}.max_duration)};
    } else if (options.duration) {
      only.executor = constant_vus{.vus = vu_count, .duration = *options.duration};
    } else if (!options.stages.empty()) {
      only.executor = ramping_vus{.start_vus = vu_count,
                                  .stages = stage_list{options.stages},
                                  .graceful_ramp_down = ramping_vus{}.graceful_ramp_down};
    } else if (!made_default) {
      d::set_vus(only, *options.vus);
    }
    // The flags' durations are each within max_test_duration; with the scenario's start time
    // and graceful stop the test must end within it too (validate would refuse it later,
    // without naming the flag).
    if (shortcut) {
      const auto regular = regular_duration(only.executor);
      if (only.start_time > max_test_duration || only.graceful_stop > max_test_duration ||
          only.start_time + regular > max_test_duration ||
          only.start_time + regular + only.graceful_stop > max_test_duration) {
        throw usage_error(fmt::format(
            "{}: scenario \"{}\" would end past {} (the longest test stampede runs): start time {} + {} + graceful "
            "stop {}",
            d::execution_flags(options), only.name, format_go_duration(max_test_duration),
            format_go_duration(only.start_time), format_go_duration(regular), format_go_duration(only.graceful_stop)));
      }
    }
  }
  // A test of named functions and no scenarios (their execution left to the options file or
  // the flags) runs as k6 runs a script without execution options: one VU, one iteration.
  if (test.scenarios.empty()) {
    if (const auto f = test.functions.find("default"); f != test.functions.end()) {
      test.scenarios = {
          scenario{.name = "default", .exec = f->second, .executor = per_vu_iterations{.vus = 1, .iterations = 1}}};
    }
  }
  if (options.no_setup) test.setup = {};
  if (options.no_teardown) test.teardown = {};
  if (options.max_redirects) test.http.max_redirects = *options.max_redirects;
  if (options.user_agent) test.http.user_agent = *options.user_agent;
  if (options.insecure_skip_tls_verify) test.http.insecure_skip_tls_verify = true;
  if (options.no_connection_reuse) test.http.reuse_connections = false;
  if (options.no_vu_connection_reuse) test.http.reuse_connections_across_iterations = false;
  if (options.discard_response_bodies) test.http.discard_response_bodies = true;
  if (options.throw_on_failure) test.http.throw_on_failure = true;
  if (options.http_debug) test.http.debug = *options.http_debug;
  if (options.rps) test.http.max_requests_per_second = *options.rps;
  if (options.min_iteration_duration) test.min_iteration_duration = *options.min_iteration_duration;
  if (options.system_tags) test.system_tags = *options.system_tags;
  if (options.summary_mode) test.summary.mode = *options.summary_mode;
  if (options.no_summary) test.summary.mode = summary_mode::disabled;
  for (const auto& [key, value] : options.env) test.env.insert_or_assign(key, value);
  for (const auto& t : options.tags) test.tags.set(t.key, t.value);
  if (options.summary_trend_stats) test.summary.trend_stats = *options.summary_trend_stats;
  if (options.summary_time_unit) test.summary.fixed_time_unit = options.summary_time_unit;
}

STAMPEDE_DECL run_options run_options_for(const cli_options& options) {
  run_options out;
  out.part = execution_part(options, process_environment());
  out.threads = options.threads.value_or(0);
  out.seed = options.seed;
  out.thresholds = !options.no_thresholds;
  out.start_at = options.start_at;
  return out;
}

STAMPEDE_DECL std::string format_help(std::string_view program, const load_test& test) {
  std::string out = fmt::format(
      "Usage: {} [flags]\n\n"
      "Runs the load test compiled into this program. The flags are k6's where k6 has them;\n"
      "--vus, --duration, --iterations and --stage replace the executor of a one-scenario test.\n\n"
      "Flags:\n",
      program);
  std::vector<std::string> left;
  std::size_t width = 0;
  for (const auto& f : detail::cli::flags) {
    auto text = f.shorthand != 0 ? fmt::format("-{}, --{}", f.shorthand, f.name) : fmt::format("    --{}", f.name);
    if (!f.implicit_value.empty()) {
      text += "[=" + std::string{f.value_name} + "]";
    } else if (!f.value_name.empty()) {
      text += " " + std::string{f.value_name};
    }
    width = std::max(width, text.size());
    left.push_back(std::move(text));
  }
  for (std::size_t i = 0; i < left.size(); ++i) {
    const auto& f = detail::cli::flags[i];
    out += fmt::format("  {:<{}}  {}{}\n", left[i], width, f.help, f.k6.empty() ? " (not in k6)" : "");
  }
  out += "\nScenarios:\n";
  if (test.scenarios.empty()) out += "  (none)\n";
  for (const auto& s : test.scenarios) {
    out += fmt::format("  * {}: {}\n", s.name, describe(s.executor, s.graceful_stop));
  }
  out += fmt::format(
      "\nCommands (run one with --help for its flags):\n"
      "  {0} merge FILE...                     merge the result files of a test run as parts; one summary\n"
      "  {0} report FILE... -o REPORT.html     the HTML report of a result file (--out result=FILE)\n"
      "  {0} compare BASE.json NEW.json...     runs side by side, changes beyond sampling noise marked\n"
      "  {0} manifest kubernetes ...           the Kubernetes Job that runs this test as parts\n\n",
      program);
  out += detail::cli::exit_codes_help;
  return out;
}

}  // namespace stampede
