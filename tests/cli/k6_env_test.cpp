// k6's run options that came with the options file: the flags (--summary-mode, --http-debug,
// --rps, ...), and k6's environment variables under the flags, in k6's order of precedence.
#include <stampede/cli/options.hpp>

#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

using environment = std::map<std::string, std::string, std::less<>>;

sp::environment_lookup lookup(const environment& env) {
  return [&env](std::string_view name) -> std::optional<std::string> {
    const auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

sp::cli_options parse(std::initializer_list<std::string_view> args, const environment& env = {}) {
  const std::vector<std::string_view> v{args};
  return sp::parse_cli(v, lookup(env));
}

std::string error_of(std::initializer_list<std::string_view> args, const environment& env = {}) {
  try {
    (void)parse(args, env);
  } catch (const sp::usage_error& e) {
    return e.what();
  }
  return "(no error)";
}

sp::task<> nothing(sp::vu&) { co_return; }

}  // namespace

TEST_CASE("k6's run options as flags") {
  using level = sp::http::client_options::debug_level;
  CHECK(parse({"--summary-mode", "full"}).summary_mode == sp::summary_mode::full);
  CHECK(parse({"--summary-mode=legacy"}).summary_mode == sp::summary_mode::legacy);
  CHECK(parse({"--summary-mode=disabled"}).summary_mode == sp::summary_mode::disabled);
  CHECK(parse({"-c", "options.json"}).config == "options.json");
  CHECK(parse({"--config=k6.json"}).config == "k6.json");
  // --http-debug takes its value only after '=', as pflag's NoOptDefVal: alone it is headers
  // and the next argument is not its value.
  CHECK(parse({"--http-debug"}).http_debug == level::headers);
  CHECK(parse({"--http-debug=full"}).http_debug == level::full);
  CHECK(parse({"--http-debug", "-q"}).quiet);
  CHECK(parse({"--rps", "250"}).rps == 250.0);
  CHECK(parse({"--min-iteration-duration", "1s500ms"}).min_iteration_duration == 1500ms);
  CHECK(parse({"--system-tags", "status,method,url"}).system_tags == std::vector<std::string>{"status", "method", "url"});
  CHECK(parse({"--system-tags="}).system_tags == std::vector<std::string>{});
  const auto switches = parse({"-w", "--no-vu-connection-reuse", "--discard-response-bodies"});
  CHECK(switches.throw_on_failure);
  CHECK(switches.no_vu_connection_reuse);
  CHECK(switches.discard_response_bodies);
}

TEST_CASE("mistakes in k6's run options name the flag") {
  CHECK(error_of({"--summary-mode", "short"}) ==
        "--summary-mode: invalid summary mode \"short\": expected compact, full, legacy or disabled");
  CHECK(error_of({"--http-debug=body"}) == "--http-debug: expected headers or full (--http-debug alone: headers), got \"body\"");
  CHECK(error_of({"--rps", "-5"}).find("--rps: expected a whole number of requests per second") == 0);
  CHECK(error_of({"--rps", "1.5"}).find("--rps: expected") == 0);
  CHECK(error_of({"--min-iteration-duration", "soon"}).find("--min-iteration-duration: expected a duration") == 0);
  CHECK(error_of({"--system-tags", "status,,url"}) ==
        "--system-tags: expected a comma-separated list of tag names, got \"status,,url\"");
  CHECK(error_of({"--config"}) == "--config needs a value: FILE");
}

TEST_CASE("apply_cli sets the test's options from k6's run options") {
  sp::load_test test{.scenarios = {{.exec = nothing}}};
  sp::apply_cli(parse({"--no-vu-connection-reuse", "--discard-response-bodies", "--throw", "--http-debug=full",
                       "--rps", "40", "--min-iteration-duration", "2s", "--system-tags", "status,name",
                       "--summary-mode", "full"}),
                test);
  CHECK_FALSE(test.http.reuse_connections_across_iterations);
  CHECK(test.http.reuse_connections);
  CHECK(test.http.discard_response_bodies);
  CHECK(test.http.throw_on_failure);
  CHECK(test.http.debug == sp::http::client_options::debug_level::full);
  CHECK(test.http.max_requests_per_second == 40.0);
  CHECK(test.min_iteration_duration == 2s);
  CHECK(test.system_tags == std::vector<std::string>{"status", "name"});
  CHECK(test.summary.mode == sp::summary_mode::full);
  // k6 1.x's --no-summary is --summary-mode=disabled
  sp::apply_cli(parse({"--summary-mode", "full", "--no-summary"}), test);
  CHECK(test.summary.mode == sp::summary_mode::disabled);
}

TEST_CASE("k6's environment variables stand for their flags") {
  struct row {
    environment env;
    sp::cli_options want;
  };
  const std::vector<row> rows{
      {{{"K6_VUS", "10"}}, {.vus = 10}},
      {{{"K6_DURATION", "1m30s"}}, {.duration = 90s}},
      {{{"K6_ITERATIONS", "100"}}, {.iterations = 100}},
      {{{"K6_STAGES", "30s:10,1m:0"}}, {.stages = {{30s, 10}, {1min, 0}}}},
      {{{"K6_CONFIG", "k6.json"}}, {.config = "k6.json"}},
      {{{"K6_SUMMARY_EXPORT", "out.json"}}, {.summary_export = "out.json"}},
      {{{"K6_SUMMARY_TREND_STATS", "avg,p(99)"}}, {.summary_trend_stats = std::vector<std::string>{"avg", "p(99)"}}},
      {{{"K6_SUMMARY_TIME_UNIT", "ms"}}, {.summary_time_unit = sp::time_unit::ms}},
      {{{"K6_SUMMARY_MODE", "full"}}, {.summary_mode = sp::summary_mode::full}},
      {{{"K6_NO_THRESHOLDS", "true"}}, {.no_thresholds = true}},
      {{{"K6_NO_THRESHOLDS", "1"}}, {.no_thresholds = true}},
      {{{"K6_NO_THRESHOLDS", "F"}}, {}},
      {{{"K6_NO_SETUP", "t"}, {"K6_NO_TEARDOWN", "TRUE"}}, {.no_setup = true, .no_teardown = true}},
      {{{"K6_MAX_REDIRECTS", "3"}}, {.max_redirects = 3}},
      {{{"K6_USER_AGENT", ""}}, {.user_agent = ""}},
      {{{"K6_INSECURE_SKIP_TLS_VERIFY", "true"}}, {.insecure_skip_tls_verify = true}},
      {{{"K6_NO_CONNECTION_REUSE", "true"}, {"K6_NO_VU_CONNECTION_REUSE", "true"}},
       {.no_vu_connection_reuse = true, .no_connection_reuse = true}},
      {{{"K6_DISCARD_RESPONSE_BODIES", "true"}, {"K6_THROW", "true"}},
       {.discard_response_bodies = true, .throw_on_failure = true}},
      {{{"K6_HTTP_DEBUG", "full"}}, {.http_debug = sp::http::client_options::debug_level::full}},
      {{{"K6_RPS", "100"}}, {.rps = 100.0}},
      {{{"K6_MIN_ITERATION_DURATION", "500ms"}}, {.min_iteration_duration = 500ms}},
      {{{"K6_SYSTEM_TAGS", "status"}}, {.system_tags = std::vector<std::string>{"status"}}},
      {{{"K6_LINGER", "true"}, {"K6_QUIET", "true"}}, {.quiet = true, .linger = true}},
      // k6's cmd/state: K6_NO_COLOR when not empty, NO_COLOR when set at all
      {{{"K6_NO_COLOR", ""}}, {}},
      {{{"K6_NO_COLOR", "yes"}}, {.no_color = true}},
      {{{"NO_COLOR", ""}}, {.no_color = true}},
      {{{"K6_TAGS", "env:staging,team:web"}}, {.tags = {{"env", "staging"}, {"team", "web"}}}},
      {{{"K6_EXECUTION_SEGMENT", "1/2:1"}, {"K6_EXECUTION_SEGMENT_SEQUENCE", "0,1/2,1"}},
       {.segment = sp::execution_segment::parse("1/2:1"),
        .segment_sequence = sp::execution_segment_sequence::parse("0,1/2,1")}},
      {{{"K6_OUT", "json=samples.json"}}, {.outputs = {sp::parse_output_spec("json=samples.json")}}},
      {{{"K6_SOMETHING_ELSE", "1"}, {"VUS", "3"}}, {}},
  };
  for (const auto& r : rows) {
    INFO(r.env.begin()->first << "=" << r.env.begin()->second);
    CHECK(parse({}, r.env) == r.want);
  }
}

TEST_CASE("flags win over k6's environment variables, as k6's tiers do") {
  // A scalar flag takes the flag's value; a switch given as false turns the variable's off.
  CHECK(parse({"--vus", "5"}, {{"K6_VUS", "50"}}).vus == 5);
  CHECK(parse({}, {{"K6_VUS", "50"}}).vus == 50);
  CHECK_FALSE(parse({"--no-thresholds=false"}, {{"K6_NO_THRESHOLDS", "true"}}).no_thresholds);
  CHECK(parse({"--summary-mode=legacy"}, {{"K6_SUMMARY_MODE", "full"}}).summary_mode == sp::summary_mode::legacy);
  // Lists given on the command line replace the variable's.
  CHECK(parse({"-s", "10s:1"}, {{"K6_STAGES", "30s:10,1m:0"}}).stages == std::vector<sp::stage>{{10s, 1}});
  CHECK(parse({"--tag", "a=1"}, {{"K6_TAGS", "b:2"}}).tags == sp::tag_set{{"a", "1"}});
  CHECK(parse({"-o", "csv=x.csv"}, {{"K6_OUT", "json=y.json"}}).outputs ==
        std::vector<sp::output_spec>{sp::parse_output_spec("csv=x.csv")});
  // -e merges into the test's env whatever the environment says: K6_* variables are options.
  CHECK(parse({"-e", "K6_VUS=7"}, {}).env.at("K6_VUS") == "7");
  // Execution: a duration, iteration count or stages on the command line set aside all three
  // variables (lib/options.go Apply: a higher tier's execution replaces the lower's), so
  // K6_DURATION does not collide with --stage. --vus alone is not execution.
  const auto ramp = parse({"-s", "10s:5"}, {{"K6_DURATION", "1m"}, {"K6_ITERATIONS", "9"}, {"K6_VUS", "3"}});
  CHECK_FALSE(ramp.duration);
  CHECK_FALSE(ramp.iterations);
  CHECK(ramp.vus == 3);
  const auto vus_only = parse({"--vus", "4"}, {{"K6_DURATION", "1m"}});
  CHECK(vus_only.duration == 1min);
  CHECK(vus_only.vus == 4);
}

TEST_CASE("a mistake in a k6 environment variable names the variable") {
  CHECK(error_of({}, {{"K6_VUS", "ten"}}) == "K6_VUS=ten: expected a whole number of VUs, at least 1, got \"ten\"");
  CHECK(error_of({}, {{"K6_NO_THRESHOLDS", "yes"}}) == "K6_NO_THRESHOLDS=yes: expected true or false (or 1, 0, t, f)");
  CHECK(error_of({}, {{"K6_SUMMARY_MODE", "short"}}) ==
        "K6_SUMMARY_MODE=short: invalid summary mode \"short\": expected compact, full, legacy or disabled");
  CHECK(error_of({}, {{"K6_TAGS", "env=staging"}}) == "K6_TAGS=env=staging: expected name:value pairs separated by commas");
  CHECK(error_of({}, {{"K6_STAGES", "30s"}}).find("K6_STAGES=30s: expected DURATION:TARGET") == 0);
  // A variable set aside by the command line is not read, so its mistake does not matter.
  CHECK(error_of({"-d", "10s"}, {{"K6_DURATION", "soon"}}) == "(no error)");
  // Flags the variables do not reach still fail as flags.
  CHECK(error_of({"--vus", "0"}, {{"K6_VUS", "3"}}) == "--vus: expected a whole number of VUs, at least 1, got \"0\"");
}

TEST_CASE("the environment's execution options reach the test as the flags' do") {
  sp::load_test test{.scenarios = {{.name = "default", .exec = nothing}}};
  sp::apply_cli(parse({}, {{"K6_VUS", "20"}, {"K6_DURATION", "30s"}}), test);
  CHECK(sp::describe(test.scenarios.front().executor, 30s) == "20 looping VUs for 30s (gracefulStop: 30s)");
  // Without the command line's word, K6_ITERATIONS and K6_STAGES collide as their flags do.
  CHECK(error_of({}, {{"K6_DURATION", "1m"}, {"K6_STAGES", "10s:5"}}) == "(no error)");
  sp::load_test other{.scenarios = {{.name = "default", .exec = nothing}}};
  CHECK_THROWS_AS(sp::apply_cli(parse({}, {{"K6_DURATION", "1m"}, {"K6_STAGES", "10s:5"}}), other), sp::usage_error);
}

TEST_CASE("a test of named functions runs its default one as k6 runs a script's") {
  const auto with_default = [] {
    return sp::load_test{.scenarios = {{.name = "a", .exec = nothing}, {.name = "b", .exec = nothing}},
                         .functions = {{"default", nothing}}};
  };
  // Shortcuts meeting several scenarios: one "default" scenario (k6's execution_config_shortcuts.go).
  auto test = with_default();
  sp::apply_cli(parse({"-u", "5", "-d", "30s"}), test);
  REQUIRE(test.scenarios.size() == 1);
  CHECK(test.scenarios.front().name == "default");
  CHECK(sp::describe(test.scenarios.front().executor, 30s) == "5 looping VUs for 30s (gracefulStop: 30s)");
  // --vus alone: as many iterations as VUs, shared.
  test = with_default();
  sp::apply_cli(parse({"-u", "3"}), test);
  REQUIRE(test.scenarios.size() == 1);
  CHECK(sp::describe(test.scenarios.front().executor, 30s) == "3 iterations shared among 3 VUs (maxDuration: 10m0s, gracefulStop: 30s)");
  // No scenarios and no execution flags: one VU, one iteration.
  sp::load_test bare{.functions = {{"default", nothing}}};
  sp::apply_cli(parse({}), bare);
  REQUIRE(bare.scenarios.size() == 1);
  CHECK(sp::describe(bare.scenarios.front().executor, 30s) == "1 iterations for each of 1 VUs (maxDuration: 10m0s, gracefulStop: 30s)");
  // Without a default function the flags have nothing to run.
  sp::load_test none{.scenarios = {{.name = "a", .exec = nothing}, {.name = "b", .exec = nothing}}};
  std::string message;
  try {
    sp::apply_cli(parse({"-d", "10s"}), none);
  } catch (const sp::usage_error& e) {
    message = e.what();
  }
  CHECK(message.find("this test has 2 (\"a\", \"b\")") != std::string::npos);
  CHECK(message.find("give it a \"default\" function (load_test::functions)") != std::string::npos);
}

TEST_CASE("k6 flags that ask for what stampede always does are accepted") {
  CHECK(parse({"--no-usage-report", "--include-system-env-vars"}) == sp::cli_options{});
  CHECK(error_of({"--include-system-env-vars=false"}).find("--include-system-env-vars=false: vu::env() always falls back") == 0);
}
