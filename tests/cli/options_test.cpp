// parse_cli from tables (every flag in every spelling, every error), apply_cli's k6 override
// rules from tables, run_options_for and the --help text.
#include <stampede/cli/options.hpp>

#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <initializer_list>
#include <any>
#include <string>
#include <string_view>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

sp::cli_options parse(std::initializer_list<std::string_view> args) {
  const std::vector<std::string_view> v{args};
  return sp::parse_cli(v);
}

std::string parse_error_of(std::initializer_list<std::string_view> args) {
  try {
    (void)parse(args);
  } catch (const sp::usage_error& e) {
    return e.what();
  }
  return "(no error)";
}

sp::task<> nothing(sp::vu&) { co_return; }

sp::load_test one_scenario(sp::executor e) {
  return sp::load_test{.scenarios = {{.name = "only", .exec = nothing, .executor = std::move(e)}}};
}

}  // namespace

TEST_CASE("parse_cli reads every flag in its long, short and = spellings") {
  struct row {
    std::vector<std::string_view> args;
    sp::cli_options want;
  };
  const std::vector<row> rows{
      {{}, {}},
      {{"--vus", "10"}, {.vus = 10}},
      {{"--vus=10"}, {.vus = 10}},
      {{"-u", "10"}, {.vus = 10}},
      {{"-u10"}, {.vus = 10}},
      {{"-u=10"}, {.vus = 10}},
      {{"--duration", "1m30s"}, {.duration = 90s}},
      {{"-d", "500ms"}, {.duration = 500ms}},
      {{"--duration=2h"}, {.duration = 2h}},
      {{"--iterations", "100"}, {.iterations = 100}},
      {{"-i", "7"}, {.iterations = 7}},
      {{"--stage", "30s:100"}, {.stages = {{30s, 100}}}},
      {{"-s", "30s:100", "-s", "1m:100", "--stage=10s:0"}, {.stages = {{30s, 100}, {1min, 100}, {10s, 0}}}},
      {{"-s", "10s:5,20s:0"}, {.stages = {{10s, 5}, {20s, 0}}}},
      {{"-s", "0s:3"}, {.stages = {{0s, 3}}}},
      {{"--env", "BASE_URL=http://h:8080/?a=b"}, {.env = {{"BASE_URL", "http://h:8080/?a=b"}}}},
      {{"-e", "A=1", "-e", "B=", "--env=A=2"}, {.env = {{"A", "2"}, {"B", ""}}}},
      {{"--tag", "team=web", "--tag=env=staging"}, {.tags = {{"team", "web"}, {"env", "staging"}}}},
      {{"--summary-export", "out.json"}, {.summary_export = "out.json"}},
      {{"--summary-export=o.json"}, {.summary_export = "o.json"}},
      {{"--out", "json=results.json"}, {.outputs = {{"json", "results.json"}}}},
      {{"-o", "json", "--out=csv=fileName=r.csv,timeFormat=rfc3339", "-ojunit=j.xml"},
       {.outputs = {{"json", ""}, {"csv", "fileName=r.csv,timeFormat=rfc3339"}, {"junit", "j.xml"}}}},
      {{"--summary-trend-stats", "avg,min,med,max,p(90),p(99.9),count"},
       {.summary_trend_stats = std::vector<std::string>{"avg", "min", "med", "max", "p(90)", "p(99.9)", "count"}}},
      {{"--summary-trend-stats=p(95)"}, {.summary_trend_stats = std::vector<std::string>{"p(95)"}}},
      {{"--summary-trend-stats", ""}, {.summary_trend_stats = std::vector<std::string>{}}},  // k6: an empty list
      {{"--summary-time-unit", "s"}, {.summary_time_unit = sp::time_unit::s}},
      {{"--summary-time-unit=ms"}, {.summary_time_unit = sp::time_unit::ms}},
      {{"--summary-time-unit", "us"}, {.summary_time_unit = sp::time_unit::us}},
      {{"--quiet"}, {.quiet = true}},
      {{"-q"}, {.quiet = true}},
      {{"--quiet=false"}, {}},
      {{"-q=true"}, {.quiet = true}},
      {{"--no-color"}, {.no_color = true}},
      {{"--no-thresholds"}, {.no_thresholds = true}},
      {{"--no-thresholds=true"}, {.no_thresholds = true}},
      {{"--no-summary"}, {.no_summary = true}},
      {{"--linger"}, {.linger = true}},
      {{"-l"}, {.linger = true}},
      {{"-o", "prometheus=127.0.0.1:0,linger=5s"}, {.outputs = {{"prometheus", "127.0.0.1:0,linger=5s"}}}},
      {{"--no-setup", "--no-teardown"}, {.no_setup = true, .no_teardown = true}},
      {{"--max-redirects", "0"}, {.max_redirects = 0}},
      {{"--max-redirects=3"}, {.max_redirects = 3}},
      {{"--user-agent", "MyK6UserAgentString/1.0"}, {.user_agent = "MyK6UserAgentString/1.0"}},
      {{"--user-agent="}, {.user_agent = ""}},
      {{"--insecure-skip-tls-verify", "--no-connection-reuse"},
       {.insecure_skip_tls_verify = true, .no_connection_reuse = true}},
      {{"--threads", "4"}, {.threads = 4u}},
      {{"--threads=1"}, {.threads = 1u}},
      {{"--seed", "0"}, {.seed = 0u}},
      {{"--seed=18446744073709551615"}, {.seed = 18446744073709551615u}},
      {{"--help"}, {.help = true}},
      {{"-h"}, {.help = true}},
      {{"-qh"}, {.quiet = true, .help = true}},
      {{"-qu", "3"}, {.vus = 3, .quiet = true}},
      {{"-qu3"}, {.vus = 3, .quiet = true}},
      {{"-u", "1", "-u", "5"}, {.vus = 5}},  // a repeated scalar flag takes its last value
      {{"-u", "5", "-d", "30s", "-q", "--no-color", "--seed", "42"},
       {.vus = 5, .duration = 30s, .quiet = true, .no_color = true, .seed = 42u}},
  };
  for (const auto& r : rows) {
    INFO("args: " << [&] {
      std::string s;
      for (const auto a : r.args) s += std::string{a} + " ";
      return s;
    }());
    CHECK(sp::parse_cli(r.args) == r.want);
  }
}

TEST_CASE("parse_cli names the flag and what it expected for every bad input") {
  struct row {
    std::vector<std::string_view> args;
    std::string_view message;  // the whole message, or its first line for durations
  };
  const std::vector<row> rows{
      {{"--vus", "-3"}, "--vus: expected a whole number of VUs, at least 1, got \"-3\""},
      {{"--vus", "0"}, "--vus: expected a whole number of VUs, at least 1, got \"0\""},
      {{"--vus", "abc"}, "--vus: expected a whole number of VUs, at least 1, got \"abc\""},
      {{"-u", "1.5"}, "--vus: expected a whole number of VUs, at least 1, got \"1.5\""},
      {{"--vus=99999999999999999999"}, "--vus: expected a whole number of VUs, at least 1, got \"99999999999999999999\""},
      {{"--vus"}, "--vus needs a value: N"},
      {{"--vus", "--quiet"}, "--vus needs a value: N"},
      {{"-u"}, "--vus needs a value: N"},
      {{"--duration", "abc"}, "--duration: expected a duration greater than 0, such as 30s, 1m30s or 500ms, got \"abc\""},
      {{"--duration", "30"}, "--duration: expected a duration greater than 0, such as 30s, 1m30s or 500ms, got \"30\""},
      {{"-d", "0s"}, "--duration: expected a duration greater than 0, such as 30s, 1m30s or 500ms, got \"0s\""},
      {{"--duration="}, "--duration: expected a duration greater than 0, such as 30s, 1m30s or 500ms, got \"\""},
      {{"--iterations", "0"}, "--iterations: expected a whole number of iterations, at least 1, got \"0\""},
      // Each duration within max_test_duration (100 years), and a stage list's total too, so
      // that the test's sums of durations cannot overflow 64-bit nanoseconds.
      {{"--duration", "2562047h"},
       "--duration: expected a duration of at most 876000h0m0s (the longest test stampede runs), got \"2562047h\""},
      {{"-s", "1281023h:1,1281023h:1"},
       "--stage: the stages up to \"1281023h:1\" last longer than 876000h0m0s, the longest test stampede runs"},
      {{"-s", "500000h:1", "-s", "400000h:0"},
       "--stage: the stages up to \"400000h:0\" last longer than 876000h0m0s, the longest test stampede runs"},
      {{"--min-iteration-duration", "2562047h"},
       "--min-iteration-duration: expected a duration from 0 to 876000h0m0s, such as 1s or 500ms, got \"2562047h\""},
      {{"--stage", "30s"}, "--stage: expected DURATION:TARGET, such as 30s:100, got \"30s\""},
      {{"--stage", "30s:"}, "--stage: expected DURATION:TARGET, such as 30s:100 (the target a whole number of VUs, at least 0), got \"30s:\""},
      {{"-s", "30s:-1"}, "--stage: expected DURATION:TARGET, such as 30s:100 (the target a whole number of VUs, at least 0), got \"30s:-1\""},
      {{"-s", "10s:5,20s"}, "--stage: expected DURATION:TARGET, such as 30s:100, got \"20s\""},
      {{"-s", "xs:5"}, "--stage: expected DURATION:TARGET, such as 30s:100, got \"xs:5\""},
      {{"--env", "NOVALUE"}, "--env: expected KEY=VALUE, got \"NOVALUE\""},
      {{"-e", "=1"}, "--env: expected KEY=VALUE, got \"=1\""},
      {{"--env"}, "--env needs a value: KEY=VALUE"},
      {{"--tag", "team"}, "--tag: expected NAME=VALUE, got \"team\""},
      {{"--summary-export="}, "--summary-export: expected a file name, got \"\""},
      {{"--summary-trend-stats", "avg,p(200)"},
       "--summary-trend-stats: unknown trend statistic \"p(200)\" (avg, min, med, max, count or p(N) with N from 0 to 100)"},
      {{"--summary-trend-stats", "mean"},
       "--summary-trend-stats: unknown trend statistic \"mean\" (avg, min, med, max, count or p(N) with N from 0 to 100)"},
      {{"--summary-trend-stats", "avg,,max"},
       "--summary-trend-stats: expected a comma-separated list of avg, min, med, max, count or p(N), got \"avg,,max\""},
      {{"--summary-time-unit", "h"}, "--summary-time-unit: expected s, ms or us, got \"h\""},
      {{"--max-redirects", "-1"}, "--max-redirects: expected a whole number of redirects, at least 0, got \"-1\""},
      {{"--max-redirects", "x"}, "--max-redirects: expected a whole number of redirects, at least 0, got \"x\""},
      {{"--user-agent"}, "--user-agent needs a value: UA"},
      {{"--threads", "0"}, "--threads: expected a whole number of threads, at least 1, got \"0\""},
      {{"--threads", "-1"}, "--threads: expected a whole number of threads, at least 1, got \"-1\""},
      {{"--seed", "-1"}, "--seed: expected a whole number from 0 to 18446744073709551615, got \"-1\""},
      {{"--quiet=maybe"}, "--quiet: expected true or false, got \"maybe\""},
      {{"--vu", "10"}, "unknown flag --vu; did you mean --vus?"},
      {{"--durration=1s"}, "unknown flag --durration; did you mean --duration?"},
      {{"--no-colour"}, "unknown flag --no-colour; did you mean --no-color?"},
      {{"--out", "xml=x"}, "--out: unknown output \"xml\"; use json, csv, junit, prometheus, result or html"},
      {{"-o", "influxdb=http://localhost:8086"}, "--out: unknown output \"influxdb\"; use json, csv, junit, prometheus, result or html"},
      {{"--out"}, "--out needs a value: KIND=ARG"},
      {{"-x"}, "unknown shorthand flag 'x' in -x"},
      {{"-vus", "3"}, "unknown shorthand flag 'v' in -vus; did you mean --vus?"},
      {{"-qx"}, "unknown shorthand flag 'x' in -qx"},
      {{"script.js"}, "unexpected argument \"script.js\": the test is compiled into this program, so it takes only flags"},
  };
  for (const auto& r : rows) {
    std::string joined;
    for (const auto a : r.args) joined += std::string{a} + " ";
    INFO("args: " << joined);
    std::string message;
    try {
      (void)sp::parse_cli(r.args);
    } catch (const sp::usage_error& e) {
      message = e.what();
    }
    CHECK(message.substr(0, message.find('\n')) == r.message);
  }
}

TEST_CASE("a bad duration's error also shows where the duration parser stopped") {
  const auto message = parse_error_of({"--duration", "1m3x"});
  CHECK(message.find("--duration: expected a duration") == 0);
  CHECK(message.find("invalid duration \"1m3x\"") != std::string::npos);
  CHECK(message.find('^') != std::string::npos);
}

TEST_CASE("every flag parse_cli knows has help, and k6's spelling where k6 has the flag") {
  const auto flags = sp::cli_flags();
  REQUIRE(flags.size() == 43);
  for (const auto& f : flags) {
    INFO(f.name);
    CHECK(!f.help.empty());
    if (!f.k6.empty()) CHECK(f.k6 == "--" + std::string{f.name});
  }
  int own = 0;
  for (const auto& f : flags) own += f.k6.empty() ? 1 : 0;
  // --execution-segment-index, -count and -from-env, --start-at, --threads and --seed are stampede's own
  CHECK(own == 6);
}

TEST_CASE("apply_cli replaces a one-scenario test's executor as k6's shortcuts do") {
  struct row {
    std::string_view what;
    sp::executor before;
    sp::cli_options flags;
    sp::executor want;
  };
  const sp::executor cv = sp::constant_vus{.vus = 10, .duration = 1min};
  const sp::executor rate =
      sp::constant_arrival_rate{.rate = 5, .duration = 1min, .pre_allocated_vus = 2, .max_vus = 0};
  const std::vector<row> rows{
      {"-d -u: constant_vus", cv, {.vus = 3, .duration = 30s}, sp::constant_vus{.vus = 3, .duration = 30s}},
      {"-d alone keeps the test's VUs, as k6 keeps a script's vus", cv, {.duration = 30s},
       sp::constant_vus{.vus = 10, .duration = 30s}},
      {"-d over an arrival rate", rate, {.duration = 5s}, sp::constant_vus{.vus = 1, .duration = 5s}},
      {"-i -u: shared_iterations", cv, {.vus = 2, .iterations = 50},
       sp::shared_iterations{.vus = 2, .iterations = 50, .max_duration = 10min}},
      {"-i alone", rate, {.iterations = 4}, sp::shared_iterations{.vus = 1, .iterations = 4, .max_duration = 10min}},
      {"-i -d: -d is the max duration", cv, {.duration = 20s, .iterations = 90},
       sp::shared_iterations{.vus = 10, .iterations = 90, .max_duration = 20s}},
      {"-s: ramping_vus from the test's VUs", cv, {.stages = {{10s, 5}, {20s, 0}}},
       sp::ramping_vus{.start_vus = 10, .stages = {{10s, 5}, {20s, 0}}, .graceful_ramp_down = 30s}},
      {"-s over an arrival rate: ramping_vus from 1", rate, {.stages = {{10s, 5}}},
       sp::ramping_vus{.start_vus = 1, .stages = {{10s, 5}}, .graceful_ramp_down = 30s}},
      {"-s -u: ramping_vus from -u", rate, {.vus = 4, .stages = {{10s, 5}}},
       sp::ramping_vus{.start_vus = 4, .stages = {{10s, 5}}, .graceful_ramp_down = 30s}},
      {"-u alone: constant_vus keeps its duration", cv, {.vus = 7}, sp::constant_vus{.vus = 7, .duration = 1min}},
      {"-u alone: shared_iterations", sp::shared_iterations{.vus = 1, .iterations = 100, .max_duration = 1min},
       {.vus = 5}, sp::shared_iterations{.vus = 5, .iterations = 100, .max_duration = 1min}},
      {"-u alone: per_vu_iterations", sp::per_vu_iterations{.vus = 1, .iterations = 3, .max_duration = 1min},
       {.vus = 5}, sp::per_vu_iterations{.vus = 5, .iterations = 3, .max_duration = 1min}},
      {"-u alone: ramping_vus's start", sp::ramping_vus{.start_vus = 0, .stages = {{10s, 8}}, .graceful_ramp_down = 1s},
       {.vus = 2}, sp::ramping_vus{.start_vus = 2, .stages = {{10s, 8}}, .graceful_ramp_down = 1s}},
      {"no execution flags: unchanged", rate, {.quiet = true, .seed = 3u}, rate},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    auto test = one_scenario(r.before);
    test.scenarios[0].start_time = 5s;
    test.scenarios[0].graceful_stop = 2s;
    test.scenarios[0].tags = {{"flow", "a"}};
    sp::apply_cli(r.flags, test);
    REQUIRE(test.scenarios.size() == 1);
    CHECK(test.scenarios[0].executor == r.want);
    // Everything else about the scenario stays.
    CHECK(test.scenarios[0].name == "only");
    CHECK(static_cast<bool>(test.scenarios[0].exec));
    CHECK(test.scenarios[0].start_time == 5s);
    CHECK(test.scenarios[0].graceful_stop == 2s);
    CHECK(test.scenarios[0].tags == sp::tag_set{{"flow", "a"}});
  }
}

TEST_CASE("apply_cli refuses execution flags it cannot apply, naming the flags") {
  struct row {
    std::string_view what;
    sp::load_test test;
    sp::cli_options flags;
    std::string_view message;
  };
  const auto two = sp::load_test{.scenarios = {{.name = "browse", .exec = nothing}, {.name = "buy", .exec = nothing}}};
  const std::vector<row> rows{
      {"several scenarios", two, {.vus = 3, .duration = 10s},
       "--vus, --duration: these flags replace the executor of a test with one scenario, and this test has 2 "
       "(\"browse\", \"buy\"); change the scenarios' executors in the test instead, "
       "or give it a \"default\" function (load_test::functions) for these flags to run"},
      {"several scenarios, -u alone", two, {.vus = 3},
       "--vus: these flags replace the executor of a test with one scenario, and this test has 2 (\"browse\", "
       "\"buy\"); change the scenarios' executors in the test instead, "
       "or give it a \"default\" function (load_test::functions) for these flags to run"},
      {"no scenarios", sp::load_test{}, {.stages = {{1s, 1}}},
       "--stage: these flags replace the executor of a test with one scenario, and this test has 0 (none); "
       "change the scenarios' executors in the test instead, "
       "or give it a \"default\" function (load_test::functions) for these flags to run"},
      {"-d with -s", one_scenario(sp::constant_vus{}), {.duration = 10s, .stages = {{1s, 1}}},
       "--duration and --stage cannot be used together: the stages' durations make up the test's"},
      {"-i with -s", one_scenario(sp::constant_vus{}), {.iterations = 10, .stages = {{1s, 1}}},
       "--iterations and --stage cannot be used together: one sets a number of iterations, the other a ramp of VUs"},
      {"fewer iterations than VUs", one_scenario(sp::constant_vus{}), {.vus = 5, .iterations = 2},
       "--iterations (2) must be at least --vus (5): each VU needs an iteration"},
      {"a duration that ends past max_test_duration with the graceful stop", one_scenario(sp::constant_vus{}),
       {.duration = sp::max_test_duration},
       "--duration: scenario \"only\" would end past 876000h0m0s (the longest test stampede runs): start time 0s + "
       "876000h0m0s + graceful stop 30s"},
      {"stages that end past max_test_duration with the start time",
       sp::load_test{.scenarios = {{.name = "only", .exec = nothing, .start_time = 500'000h}}},
       {.stages = {{400'000h, 1}}},
       "--stage: scenario \"only\" would end past 876000h0m0s (the longest test stampede runs): start time "
       "500000h0m0s + 400000h0m0s + graceful stop 30s"},
      {"-u on an arrival rate", one_scenario(sp::ramping_arrival_rate{.stages = {{1s, 1}}, .pre_allocated_vus = 1}),
       {.vus = 5},
       "--vus: scenario \"only\" uses ramping-arrival-rate, which starts iterations at a rate and has no VU count "
       "to set; change its pre_allocated_vus and max_vus in the test, or give --duration or --iterations too"},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    auto test = r.test;
    std::string message;
    try {
      sp::apply_cli(r.flags, test);
    } catch (const sp::usage_error& e) {
      message = e.what();
    }
    CHECK(message == r.message);
  }
}

TEST_CASE("apply_cli merges env and tags over the test's, and sets the summary's format") {
  auto test = one_scenario(sp::constant_vus{});
  test.env = {{"BASE_URL", "http://a"}, {"KEEP", "1"}};
  test.tags = {{"team", "core"}, {"stay", "yes"}};
  const sp::cli_options flags{.env = {{"BASE_URL", "http://b"}, {"NEW", "2"}},
                              .tags = {{"team", "web"}, {"env", "ci"}},
                              .summary_trend_stats = std::vector<std::string>{"p(99)", "count"},
                              .summary_time_unit = sp::time_unit::ms};
  sp::apply_cli(flags, test);
  CHECK(test.env == sp::env_map{{"BASE_URL", "http://b"}, {"KEEP", "1"}, {"NEW", "2"}});
  CHECK(test.tags == sp::tag_set{{"env", "ci"}, {"stay", "yes"}, {"team", "web"}});
  CHECK(test.summary.trend_stats == std::vector<std::string>{"p(99)", "count"});
  CHECK(test.summary.fixed_time_unit == sp::time_unit::ms);
  CHECK(test.scenarios[0].executor == sp::executor{sp::constant_vus{}});

  auto untouched = one_scenario(sp::constant_vus{});
  untouched.summary.fixed_time_unit = sp::time_unit::us;
  sp::apply_cli({}, untouched);
  CHECK(untouched.summary.trend_stats == sp::summary_options{}.trend_stats);
  CHECK(untouched.summary.fixed_time_unit == sp::time_unit::us);
}

TEST_CASE("apply_cli drops setup and teardown and sets k6's HTTP options, leaving what no flag names") {
  auto test = one_scenario(sp::constant_vus{});
  test.setup = [](sp::vu&) -> sp::task<std::any> { co_return std::any{}; };
  test.teardown = [](sp::vu&) -> sp::task<> { co_return; };
  test.http.user_agent = "mine";
  auto kept = test;
  sp::apply_cli({}, kept);
  CHECK(kept.setup);
  CHECK(kept.teardown);
  CHECK(kept.http.user_agent == "mine");
  CHECK(kept.http.max_redirects == 10);
  CHECK(kept.http.reuse_connections);
  CHECK_FALSE(kept.http.insecure_skip_tls_verify);
  sp::apply_cli({.no_setup = true,
                 .no_teardown = true,
                 .max_redirects = 0,
                 .user_agent = "",
                 .insecure_skip_tls_verify = true,
                 .no_connection_reuse = true},
                test);
  CHECK_FALSE(test.setup);
  CHECK_FALSE(test.teardown);
  CHECK(test.http.max_redirects == 0);
  CHECK(test.http.user_agent.empty());  // k6: an empty user agent sends no User-Agent header
  CHECK(test.http.insecure_skip_tls_verify);
  CHECK_FALSE(test.http.reuse_connections);
}

TEST_CASE("run_options_for maps threads, seed and thresholds") {
  const auto plain = sp::run_options_for({});
  CHECK(plain.threads == 0);
  CHECK(!plain.seed.has_value());
  CHECK(plain.observers.empty());
  CHECK(plain.thresholds);
  CHECK(plain.control == nullptr);

  const auto set = sp::run_options_for({.quiet = true, .no_thresholds = true, .threads = 3u, .seed = 9u});
  CHECK(set.threads == 3);
  CHECK(set.seed == std::optional<std::uint64_t>{9});
  CHECK(!set.thresholds);
}

TEST_CASE("format_help lists every flag, the test's scenarios and the exit codes") {
  sp::load_test test{.scenarios = {{.name = "browse", .exec = nothing, .executor = sp::constant_vus{.vus = 10, .duration = 10s}},
                                   {.name = "buy", .exec = nothing,
                                    .executor = sp::shared_iterations{.vus = 2, .iterations = 20},
                                    .graceful_stop = 0s}}};
  const auto help = sp::format_help("todos", test);
  CHECK(help.find("Usage: todos [flags]") == 0);
  for (const auto& f : sp::cli_flags()) {
    INFO(f.name);
    CHECK(help.find("--" + std::string{f.name}) != std::string::npos);
    if (f.shorthand != 0) CHECK(help.find(std::string{"-"} + f.shorthand + ", --" + std::string{f.name}) != std::string::npos);
  }
  CHECK(help.find("  * browse: 10 looping VUs for 10s (gracefulStop: 30s)\n") != std::string::npos);
  CHECK(help.find("  * buy: 20 iterations shared among 2 VUs (maxDuration: 10m0s)\n") != std::string::npos);
  CHECK(help.find("--threads N") != std::string::npos);
  for (const std::string_view code : {"  0 ", "  99 ", "  104 ", "  105 ", "  107 ", "  108 ", "  255 "}) {
    INFO(code);
    CHECK(help.find(code) != std::string::npos);
  }
  CHECK(sp::format_help("x", sp::load_test{}).find("Scenarios:\n  (none)\n") != std::string::npos);
}
