// k6's JSON options file: parse_k6_options from k6's own tables (executors, shortcuts,
// thresholds), every error with its message, read_k6_options, and apply_k6_options' precedence.
#include <stampede/cli/config_file.hpp>

#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"
#include "support/temp_file.hpp"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

sp::k6_options parse(std::string_view json) { return sp::parse_k6_options(json, "options.json"); }

std::string error_of(std::string_view json) {
  try {
    (void)parse(json);
  } catch (const sp::usage_error& e) {
    return e.what();
  }
  return "(no error)";
}

sp::task<> nothing(sp::vu&) { co_return; }

// A test whose scenarios come from the file: k6's exported functions.
sp::load_test exported(std::initializer_list<std::string> names = {"default"}) {
  sp::load_test test;
  for (const auto& n : names) test.functions.emplace(n, nothing);
  return test;
}

std::string apply_error(std::string_view json, sp::load_test test) {
  try {
    (void)sp::apply_k6_options(parse(json), test);
  } catch (const sp::usage_error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string described(const sp::scenario& s) { return sp::describe(s.executor, s.graceful_stop, s.start_time); }
std::string described(const sp::k6_scenario& s) { return sp::describe(s.executor, s.graceful_stop, s.start_time); }

// The scenarios a file makes for a test that has none but a "default" function.
std::vector<sp::scenario> scenarios_of(std::string_view json, std::vector<std::string>* warnings = nullptr) {
  auto test = exported({"default", "someFunc"});
  auto w = sp::apply_k6_options(parse(json), test);
  if (warnings != nullptr) *warnings = w;
  return test.scenarios;
}

bool mentions(const std::vector<std::string>& lines, std::string_view part) {
  for (const auto& l : lines) {
    if (l.find(part) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

// k6's lib/executor/executors_test.go, configMapTestCases: the valid scenarios, each with the
// description k6's GetDescription gives (k6 adds "exec: someFunc" where the scenario names a
// function; stampede's describe does not list the function).
TEST_CASE("parse_k6_options reads every executor's JSON with k6's defaults and descriptions") {
  struct row {
    std::string_view scenarios;
    std::string_view description;
  };
  const row rows[] = {
      {R"({"someKey": {"executor": "constant-vus", "vus": 10, "duration": "60s", "gracefulStop": "10s",
           "startTime": "70s", "env": {"test": "mest"}, "exec": "someFunc"}})",
       "10 looping VUs for 1m0s (startTime: 1m10s, gracefulStop: 10s)"},
      {R"({"aname": {"executor": "constant-vus", "duration": "60s"}})", "1 looping VUs for 1m0s (gracefulStop: 30s)"},
      {R"({"varloops": {"executor": "ramping-vus", "startVUs": 20, "gracefulStop": "15s", "gracefulRampDown": "10s",
           "startTime": "23s", "stages": [{"duration": "60s", "target": 30}, {"duration": "130s", "target": 10}]}})",
       "Up to 30 looping VUs for 3m10s over 2 stages (gracefulRampDown: 10s, startTime: 23s, gracefulStop: 15s)"},
      {R"({"varloops": {"executor": "ramping-vus", "startVUs": 1, "gracefulStop": "0s", "gracefulRampDown": "10s",
           "stages": [{"duration": "10s", "target": 10}]}})",
       "Up to 10 looping VUs for 10s over 1 stages (gracefulRampDown: 10s)"},
      {R"({"varloops": {"executor": "ramping-vus", "startVUs": 1, "gracefulStop": "0s", "gracefulRampDown": "0s",
           "stages": [{"duration": "10s", "target": 10}, {"duration": "0s", "target": 1}, {"duration": "10s", "target": 5}]}})",
       "Up to 10 looping VUs for 20s over 3 stages (gracefulRampDown: 0s)"},
      {R"({"varloops": {"executor": "ramping-vus", "startVUs": 1, "gracefulStop": "0s", "gracefulRampDown": "0s",
           "stages": [{"duration": "10s", "target": 10}, {"duration": "0s", "target": 11}, {"duration": "0s", "target": 1},
                      {"duration": "10s", "target": 5}]}})",
       "Up to 11 looping VUs for 20s over 4 stages (gracefulRampDown: 0s)"},
      {R"({"ishared": {"executor": "shared-iterations", "iterations": 22, "vus": 12, "maxDuration": "100s"}})",
       "22 iterations shared among 12 VUs (maxDuration: 1m40s, gracefulStop: 30s)"},
      {R"({"ishared": {"executor": "shared-iterations"}})",
       "1 iterations shared among 1 VUs (maxDuration: 10m0s, gracefulStop: 30s)"},
      {R"({"ishared": {"executor": "shared-iterations", "iterations": 20}})",
       "20 iterations shared among 1 VUs (maxDuration: 10m0s, gracefulStop: 30s)"},
      {R"({"ishared": {"executor": "shared-iterations", "iterations": 20, "vus": 10, "maxDuration": "30m"}})",
       "20 iterations shared among 10 VUs (maxDuration: 30m0s, gracefulStop: 30s)"},
      {R"({"ipervu": {"executor": "per-vu-iterations", "iterations": 23, "vus": 13, "gracefulStop": 0}})",
       "23 iterations for each of 13 VUs (maxDuration: 10m0s)"},
      {R"({"ipervu": {"executor": "per-vu-iterations"}})",
       "1 iterations for each of 1 VUs (maxDuration: 10m0s, gracefulStop: 30s)"},
      {R"({"ipervu": {"executor": "per-vu-iterations", "vus": 10}})",
       "1 iterations for each of 10 VUs (maxDuration: 10m0s, gracefulStop: 30s)"},
      {R"({"carrival": {"executor": "constant-arrival-rate", "rate": 30, "timeUnit": "1m", "duration": "10m",
           "preAllocatedVUs": 20, "maxVUs": 30}})",
       "0.50 iterations/s for 10m0s (maxVUs: 20-30, gracefulStop: 30s)"},
      {R"({"carrival": {"executor": "constant-arrival-rate", "rate": 10, "duration": "10m", "preAllocatedVUs": 20}})",
       "10.00 iterations/s for 10m0s (maxVUs: 20, gracefulStop: 30s)"},
      {R"({"varrival": {"executor": "ramping-arrival-rate", "startRate": 10, "timeUnit": "30s", "preAllocatedVUs": 20,
           "maxVUs": 50, "stages": [{"duration": "3m", "target": 30}, {"duration": "5m", "target": 10}]}})",
       "Up to 1.00 iterations/s for 8m0s over 2 stages (maxVUs: 20-50, gracefulStop: 30s)"},
      {R"({"varrival": {"executor": "ramping-arrival-rate", "preAllocatedVUs": 20,
           "stages": [{"duration": "5m", "target": 10}]}})",
       "Up to 10.00 iterations/s for 5m0s over 1 stages (maxVUs: 20, gracefulStop: 30s)"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.scenarios);
    const auto options = parse(std::string{R"({"scenarios": )"} + std::string{r.scenarios} + "}");
    REQUIRE(options.scenarios);
    REQUIRE(options.scenarios->size() == 1);
    CHECK(described(options.scenarios->front()) == r.description);
  }
}

TEST_CASE("every field of a file's scenario reaches the stampede scenario exactly") {
  const auto options = parse(R"({"scenarios": {"someKey": {"executor": "constant-vus", "vus": 10, "duration": "60s",
      "gracefulStop": "10s", "startTime": "70s", "env": {"test": "mest"}, "tags": {"flow": "a"}, "exec": "someFunc"}}})");
  REQUIRE(options.scenarios);
  const auto& s = options.scenarios->front();
  CHECK(s.name == "someKey");
  CHECK(s.exec == "someFunc");
  CHECK(s.executor == sp::executor{sp::constant_vus{.vus = 10, .duration = 60s}});
  CHECK(s.start_time == 70s);
  CHECK(s.graceful_stop == 10s);
  CHECK(s.env == sp::env_map{{"test", "mest"}});
  CHECK(s.tags == sp::tag_set{{"flow", "a"}});
  CHECK(s.path == "scenarios.someKey");

  // The exact aggregates, arrival-rate fields and k6's maxVUs default (preAllocatedVUs) included.
  const auto rates = parse(R"({"scenarios": {
      "c": {"executor": "constant-arrival-rate", "rate": 30, "timeUnit": "1m", "duration": "10m", "preAllocatedVUs": 20},
      "r": {"executor": "ramping-arrival-rate", "startRate": 10, "timeUnit": "30s", "preAllocatedVUs": 20, "maxVUs": 50,
            "stages": [{"duration": "3m", "target": 30}, {"duration": 300000, "target": 10}]},
      "v": {"executor": "ramping-vus", "startVUs": 0, "gracefulRampDown": "5s", "stages": [{"duration": "1m", "target": 7}]},
      "p": {"executor": "per-vu-iterations", "vus": 3, "iterations": 4, "maxDuration": "1h"}}})");
  REQUIRE(rates.scenarios->size() == 4);
  CHECK((*rates.scenarios)[0].executor ==
        sp::executor{sp::constant_arrival_rate{.rate = 30, .time_unit = 1min, .duration = 10min,
                                               .pre_allocated_vus = 20, .max_vus = 20}});
  CHECK((*rates.scenarios)[1].executor == sp::executor{sp::per_vu_iterations{.vus = 3, .iterations = 4, .max_duration = 1h}});
  CHECK((*rates.scenarios)[2].executor ==
        sp::executor{sp::ramping_arrival_rate{.start_rate = 10, .time_unit = 30s, .stages = {{3min, 30}, {5min, 10}},
                                              .pre_allocated_vus = 20, .max_vus = 50}});
  CHECK((*rates.scenarios)[3].executor ==
        sp::executor{sp::ramping_vus{.start_vus = 0, .stages = {{1min, 7}}, .graceful_ramp_down = 5s}});
}

TEST_CASE("a file's scenarios are listed as k6 runs them: by start time, then by name") {
  const auto options = parse(R"({"scenarios": {
      "zeta": {"executor": "per-vu-iterations"},
      "late": {"executor": "per-vu-iterations", "startTime": "1m"},
      "alpha": {"executor": "per-vu-iterations"}}})");
  REQUIRE(options.scenarios->size() == 3);
  CHECK((*options.scenarios)[0].name == "alpha");
  CHECK((*options.scenarios)[1].name == "zeta");
  CHECK((*options.scenarios)[2].name == "late");
}

// k6's configMapTestCases with parseError or validationError: both are usage errors here.
TEST_CASE("parse_k6_options refuses the scenarios k6 refuses, naming the path and the problem") {
  struct row {
    std::string_view scenarios;
    std::string_view message;  // the whole message after the file's prefix
  };
  const row rows[] = {
      {"1234", "scenarios: expected an object of scenarios by name, got 1234"},
      {"[]", "scenarios: expected an object of scenarios by name, got an array"},
      {R"({"someKey": {}})", "scenarios.someKey: scenario doesn't have a specified executor type"},
      {R"({"someKey": {"executor": "constant-blah-blah", "vus": 10, "duration": "60s"}})",
       "scenarios.someKey.executor: unknown executor \"constant-blah-blah\"; expected one of constant-vus, ramping-vus, "
       "shared-iterations, per-vu-iterations, constant-arrival-rate, ramping-arrival-rate"},
      {R"({"browse": {"executor": "ramping-vu"}})",
       "scenarios.browse.executor: unknown executor \"ramping-vu\" (did you mean \"ramping-vus\"?); expected one of "
       "constant-vus, ramping-vus, shared-iterations, per-vu-iterations, constant-arrival-rate, ramping-arrival-rate"},
      {R"({"someKey": {"executor": "constant-vus", "uknownField": "should_error"}})",
       "scenarios.someKey: unknown option \"uknownField\" for a constant-vus scenario; expected one of executor, exec, "
       "startTime, gracefulStop, env, tags, options, vus, duration"},
      {R"({"someKey": {"executor": "constant-vus", "vus": 10, "duration": "60s", "env": 123}})",
       "scenarios.someKey.env: expected an object of strings, got 123"},
      {R"({"": {"executor": "constant-vus", "vus": 10, "duration": "60s"}})",
       "scenarios[\"\"]: the scenario name should contain only numbers, latin letters, underscores, and dashes"},
      {R"({"aname": {"executor": "constant-vus"}})", "scenarios.aname: the duration is unspecified"},
      {R"({"aname": {"executor": "constant-vus", "vus": 0.5}})",
       "scenarios.aname.vus: expected a number of VUs, a whole number from 0 to 100000000, got 0.5"},
      {R"({"aname": {"executor": "constant-vus", "vus": 0, "duration": "60s"}})",
       "scenarios.aname.vus: the number of VUs must be more than 0"},
      {R"({"aname": {"executor": "constant-vus", "vus": -1, "duration": "60s"}})",
       "scenarios.aname.vus: expected a number of VUs, a whole number from 0 to 100000000, got -1"},
      {R"({"aname": {"executor": "constant-vus", "vus": 10, "duration": "0s"}})",
       "scenarios.aname.duration: the duration must be more than 0"},
      {R"({"aname": {"executor": "constant-vus", "vus": 10, "duration": "10s", "startTime": "-10s"}})",
       "scenarios.aname.startTime: invalid duration \"-10s\": a duration in a test definition cannot be negative"},
      {R"({"aname": {"executor": "constant-vus", "vus": 10, "duration": "10s", "exec": ""}})",
       "scenarios.aname.exec: exec value cannot be empty"},
      {R"({"aname": {"executor": "constant-vus", "vus": 10, "duration": "10s", "gracefulStop": -2000}})",
       "scenarios.aname.gracefulStop: a duration cannot be negative, got -2000"},
      {R"({"varloops": {"executor": "ramping-vus", "startVUs": 0, "stages": [{"duration": "60s", "target": 0}]}})",
       "scenarios.varloops.stages: either startVUs or one of the stages' target values must be greater than 0"},
      {R"({"varloops": {"executor": "ramping-vus", "startVUs": 2, "stages": [{"duration": "60s", "target": -30}]}})",
       "scenarios.varloops.stages[0].target: expected a target, a whole number from 0 to 100000000, got -30"},
      {R"({"varloops": {"executor": "ramping-vus", "stages": [{"duration": "60s"}]}})",
       "scenarios.varloops.stages[0]: stage 1 doesn't have a target"},
      {R"({"varloops": {"executor": "ramping-vus", "stages": [{"target": 30}]}})",
       "scenarios.varloops.stages[0]: stage 1 doesn't have a duration"},
      {R"({"varloops": {"executor": "ramping-vus", "stages": []}})",
       "scenarios.varloops.stages: at least one stage has to be specified"},
      {R"({"varloops": {"executor": "ramping-vus"}})", "scenarios.varloops: at least one stage has to be specified"},
      {R"({"ishared": {"executor": "shared-iterations", "vus": 10}})",
       "scenarios.ishared.iterations: the number of iterations (1) can't be less than the number of VUs (10)"},
      {R"({"ishared": {"executor": "shared-iterations", "iterations": 20, "vus": 10, "maxDuration": "0s"}})",
       "scenarios.ishared.maxDuration: the maxDuration must be more than 0"},
      {R"({"ipervu": {"executor": "per-vu-iterations", "iterations": 0, "vus": 1}})",
       "scenarios.ipervu.iterations: the number of iterations must be more than 0"},
      {R"({"carrival": {"executor": "constant-arrival-rate", "rate": 10, "duration": "10m", "preAllocatedVUs": 20,
           "timeUnit": "0s"}})",
       "scenarios.carrival.timeUnit: the timeUnit must be more than 0"},
      {R"({"carrival": {"executor": "constant-arrival-rate", "rate": 10, "duration": "10m", "maxVUs": 30}})",
       "scenarios.carrival: the number of preAllocatedVUs isn't specified"},
      {R"({"carrival": {"executor": "constant-arrival-rate", "rate": 10, "preAllocatedVUs": 20}})",
       "scenarios.carrival: the duration is unspecified"},
      {R"({"carrival": {"executor": "constant-arrival-rate", "duration": "10m", "preAllocatedVUs": 20}})",
       "scenarios.carrival: the iteration rate isn't specified"},
      {R"({"carrival": {"executor": "constant-arrival-rate", "rate": 0, "duration": "10m", "preAllocatedVUs": 20}})",
       "scenarios.carrival.rate: the iteration rate must be more than 0"},
      {R"({"carrival": {"executor": "constant-arrival-rate", "rate": 10, "duration": "10m", "preAllocatedVUs": 20,
           "maxVUs": 15}})",
       "scenarios.carrival.maxVUs: maxVUs can't be less than preAllocatedVUs"},
      {R"({"carrival": {"executor": "constant-arrival-rate", "rate": 10, "duration": "10m", "preAllocatedVUs": 0}})",
       "scenarios.carrival.preAllocatedVUs: the number of preAllocatedVUs must be at least 1 (k6 accepts 0, but then "
       "no VU is there to start an iteration)"},
      {R"({"varrival": {"executor": "ramping-arrival-rate", "startRate": -1, "preAllocatedVUs": 20,
           "stages": [{"duration": "5m", "target": 10}]}})",
       "scenarios.varrival.startRate: expected a rate, a number from 0 to 2^53, got -1"},
      {R"({"varrival": {"executor": "ramping-arrival-rate", "preAllocatedVUs": 20, "maxVUs": 50}})",
       "scenarios.varrival: at least one stage has to be specified"},
      {R"({"varrival": {"executor": "ramping-arrival-rate", "preAllocatedVUs": 30, "maxVUs": 20,
           "stages": [{"duration": "5m", "target": 10}]}})",
       "scenarios.varrival.maxVUs: maxVUs can't be less than preAllocatedVUs"},
      // k6 accepts {"options": {"browser": {...}}}; stampede has no browser.
      {R"({"ui": {"executor": "shared-iterations", "options": {"browser": {"someBrowserOption": true}}}})",
       "scenarios.ui.options: scenario options (k6's browser settings) are not supported: stampede has no browser "
       "module"},
      {R"({"ext": {"executor": "externally-controlled", "vus": 10, "maxVUs": 50, "duration": "10m"}})",
       "scenarios.ext.executor: stampede has no externally-controlled executor (k6's, scaled at run time through its "
       "REST API); use ramping-vus with stages instead"},
      {R"({"a": {"executor": "constant-vus", "vus": 100000001, "duration": "1m"}})",
       "scenarios.a.vus: expected a number of VUs, a whole number from 0 to 100000000, got 100000001"},
      {R"({"a": {"executor": "shared-iterations", "iterations": 99999999999999999999}})",
       "scenarios.a.iterations: expected a number of iterations, a whole number at least 0, got 99999999999999999999"},
      {R"({"a": {"executor": "constant-vus", "duration": "3000000h"}})",
       "scenarios.a.duration: invalid duration \"3000000h\": the duration is too long"},
      {R"({"a": {"executor": "constant-vus", "duration": 1e300}})", "scenarios.a.duration: the duration 1e300 ms is too long"},
      {R"({"a": {"executor": "constant-vus", "duration": "1m3x"}})",
       "scenarios.a.duration: invalid duration \"1m3x\": unknown unit \"x\" (ns, us, ms, s, m or h)"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.scenarios);
    CHECK(error_of(std::string{R"({"scenarios": )"} + std::string{r.scenarios} + "}") ==
          "couldn't parse the configuration from \"options.json\": " + std::string{r.message});
  }
}

TEST_CASE("durations take k6's forms: Go's strings, days, and milliseconds as numbers or numeric strings") {
  struct row {
    std::string_view json;
    std::chrono::nanoseconds expected;
  };
  // k6's config_consolidation_test.go: "1d", "gracefulStop": "10000", "startTime": 1000.5.
  const row rows[] = {
      {R"("1m30s")", 90s},         {R"("1d")", 24h},   {R"("2d12h")", 60h}, {R"("10000")", 10s},
      {"1000.5", 1000500us},       {"20000", 20s},     {R"("0")", 0s},      {"0", 0s},
      {R"("1.5h")", 90min},        {R"("500ms")", 500ms},
  };
  for (const auto& r : rows) {
    CAPTURE(r.json);
    const auto options = parse(std::string{R"({"minIterationDuration": )"} + std::string{r.json} + "}");
    CHECK(options.min_iteration_duration == r.expected);
  }
  CHECK(error_of(R"({"setupTimeout": true})") ==
        "couldn't parse the configuration from \"options.json\": setupTimeout: expected a duration (a string such as "
        "\"30s\" or a number of milliseconds), got true");
  CHECK(error_of(R"({"setupTimeout": "0s"})") ==
        "couldn't parse the configuration from \"options.json\": setupTimeout: must be more than 0");
  CHECK(error_of(R"({"duration": "-1d"})") ==
        "couldn't parse the configuration from \"options.json\": duration: invalid duration \"-1d\": a duration cannot "
        "be negative");
  // Go's ParseFloat reads these as numbers; the same message in every build (with or without
  // floating-point from_chars).
  for (const auto text : {"inf", "-Inf", "+infinity", "NaN"}) {
    CAPTURE(text);
    CHECK(error_of(fmt::format(R"({{"duration": "{}"}})", text)) ==
          fmt::format("couldn't parse the configuration from \"options.json\": duration: invalid duration \"{}\"", text));
  }
}

// k6's internal/cmd/config_consolidation_test.go, the cases whose options come from the config
// file, and lib/executor/execution_config_shortcuts.go for the rest of the shortcut rules.
TEST_CASE("the file's shortcut options make k6's default scenario for a test without scenarios") {
  struct row {
    std::string_view json;
    sp::executor expected;
  };
  const row rows[] = {
      {R"({"iterations": 77, "vus": 7})", sp::shared_iterations{.vus = 7, .iterations = 77}},
      {R"({"vus": 8, "duration": "2m"})", sp::constant_vus{.vus = 8, .duration = 2min}},
      {R"({"duration": 20000})", sp::constant_vus{.vus = 1, .duration = 20s}},
      {R"({"iterations": 6, "vus": 1, "duration": "10s"})",
       sp::shared_iterations{.vus = 1, .iterations = 6, .max_duration = 10s}},
      {R"({"stages": [{"duration": "20s", "target": 10}], "vus": 5})",
       sp::ramping_vus{.start_vus = 5, .stages = {{20s, 10}}}},
      {R"({"stages": [{"duration": "2m30s", "target": 11}, {"duration": "1h1m", "target": 100}]})",
       sp::ramping_vus{.start_vus = 1, .stages = {{150s, 11}, {61min, 100}}}},
      {R"({"stages": [{"duration": "100s", "target": 100}, {"duration": "0m30s", "target": 0}], "vus": 0})",
       sp::ramping_vus{.start_vus = 0, .stages = {{100s, 100}, {30s, 0}}}},
      // k6 since c9592bf: vus alone is vus iterations shared by vus VUs.
      {R"({"vus": 10})", sp::shared_iterations{.vus = 10, .iterations = 10}},
      // No execution options: 1 iteration on 1 VU (verifyOneIterPerOneVU).
      {"{}", sp::per_vu_iterations{}},
      {R"({"thresholds": {}})", sp::per_vu_iterations{}},
  };
  for (const auto& r : rows) {
    CAPTURE(r.json);
    const auto scenarios = scenarios_of(r.json);
    REQUIRE(scenarios.size() == 1);
    CHECK(scenarios[0].name == "default");
    CHECK(scenarios[0].executor == r.expected);
    CHECK(scenarios[0].graceful_stop == 30s);
    CHECK(static_cast<bool>(scenarios[0].exec));
  }

  // The seed's options file gives the seed's scenario.
  const auto seed = scenarios_of(R"({"stages":[{"duration":"1m","target":1000},{"duration":"10m","target":5000}]})");
  REQUIRE(seed.size() == 1);
  CHECK(described(seed[0]) == "Up to 5000 looping VUs for 11m0s over 2 stages (gracefulRampDown: 30s, gracefulStop: 30s)");

  // Explicitly empty stages or scenarios: 1 iteration on 1 VU, with k6's warnings.
  for (const auto json : {R"({"scenarios": {}})", R"({"stages": [], "vus": 5})"}) {
    CAPTURE(json);
    std::vector<std::string> warnings;
    const auto scenarios = scenarios_of(json, &warnings);
    REQUIRE(scenarios.size() == 1);
    CHECK(scenarios[0].executor == sp::executor{sp::per_vu_iterations{}});
    CHECK(mentions(warnings, "was explicitly set to an empty value in \"options.json\", running the script with 1 "
                             "iteration in 1 VU"));
  }

  // vus alone overrides the file's own scenarios too, with k6's warning (the last case of
  // config_consolidation_test.go, there with --vus).
  std::vector<std::string> warnings;
  const auto overridden = scenarios_of(R"({"vus": 8, "scenarios": {"api": {"executor": "shared-iterations",
      "vus": 100, "iterations": 100}}})", &warnings);
  REQUIRE(overridden.size() == 1);
  CHECK(overridden[0].executor == sp::executor{sp::shared_iterations{.vus = 8, .iterations = 8}});
  CHECK(mentions(warnings, "`vus=8` of \"options.json\" overrides scenarios configuration"));
}

TEST_CASE("the file's shortcut options are refused in k6's conflicting combinations") {
  const auto test = exported();
  const std::string prefix = "couldn't parse the configuration from \"options.json\": ";
  struct row {
    std::string_view json;
    std::string_view message;
  };
  const row rows[] = {
      {R"({"vus": 2, "duration": "10s", "stages": [{"duration": "10s", "target": 20}]})",
       "using `duration` and `stages` options simultaneously is not allowed"},
      {R"({"vus": 3, "iterations": 5, "stages": [{"duration": "10s", "target": 20}]})",
       "using `iterations` and `stages` options simultaneously is not allowed"},
      {R"({"vus": 3, "duration": "0"})", "duration: `duration` option should be more than 0"},
      {R"({"iterations": 5, "scenarios": {"a": {"executor": "per-vu-iterations"}}})",
       "using `iterations` and `scenarios` options simultaneously is not allowed"},
      {R"({"duration": "5s", "scenarios": {"a": {"executor": "per-vu-iterations"}}})",
       "using `duration` and `scenarios` options simultaneously is not allowed"},
      {R"({"stages": [{"duration": "10s", "target": 20}], "scenarios": {"a": {"executor": "per-vu-iterations"}}})",
       "using `stages` and `scenarios` options simultaneously is not allowed"},
      // VUs more than the shared iterations (k6: a validation error).
      {R"({"vus": 10, "iterations": 6})", "iterations: the number of iterations (6) can't be less than the number of VUs (10)"},
      {R"({"vus": 0, "duration": "10s"})", "vus: the number of VUs must be more than 0"},
      {R"({"stages": [{"duration": "10s", "target": 0}], "vus": 0})",
       "stages: either startVUs or one of the stages' target values must be greater than 0"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.json);
    CHECK(apply_error(r.json, test) == prefix + std::string{r.message});
  }
  // Checked when read: a stage without a target (k6: a validation error).
  CHECK(error_of(R"({"stages": [{"duration": "20s"}], "vus": 10})") ==
        prefix + "stages[0]: stage 1 doesn't have a target");
}

TEST_CASE("a test's own scenarios win over the file's execution options, a bare vus too") {
  sp::load_test test{.scenarios = {{.name = "mine", .exec = nothing,
                                    .executor = sp::constant_vus{.vus = 3, .duration = 5s}}},
                     .functions = {{"default", nothing}}};
  // k6 since c9592bf lets a bare vus of any tier replace a script's scenarios with
  // shared-iterations (DeriveScenariosFromShortcuts); stampede keeps the test above the file,
  // as the order of precedence says: only -u on the command line changes its VUs.
  for (const auto json : {R"({"duration": "1m"})", R"({"iterations": 10})",
                          R"({"stages": [{"duration": "1m", "target": 10}]})",
                          R"({"scenarios": {"theirs": {"executor": "per-vu-iterations"}}})", R"({"vus": 4})",
                          R"({"vus": 4, "duration": "1m"})"}) {
    CAPTURE(json);
    auto copy = test;
    const auto warnings = sp::apply_k6_options(parse(json), copy);
    REQUIRE(copy.scenarios.size() == 1);
    CHECK(copy.scenarios[0].name == "mine");
    CHECK(copy.scenarios[0].executor == sp::executor{sp::constant_vus{.vus = 3, .duration = 5s}});
    CHECK(mentions(warnings, "the test's scenarios override the execution options of \"options.json\" (vus, "));
  }
  // Without scenarios of its own, a bare vus runs k6's vus × vus shared iterations ...
  sp::load_test bare{.functions = {{"default", nothing}}};
  CHECK(sp::apply_k6_options(parse(R"({"vus": 4})"), bare).empty());
  REQUIRE(bare.scenarios.size() == 1);
  CHECK(bare.scenarios[0].executor == sp::executor{sp::shared_iterations{.vus = 4, .iterations = 4}});
  // ... which needs a "default" function, as k6 needs an exported default.
  CHECK(apply_error(R"({"vus": 4})", sp::load_test{}) ==
        "couldn't parse the configuration from \"options.json\": the scenario \"default\" made from the file's "
        "execution options: the test has no function \"default\" to run (k6: function 'default' not found in "
        "exports); the test has none; name them in load_test::functions");
}

TEST_CASE("each scenario of the file runs the test's function its exec names") {
  int which = 0;
  auto test = exported({"default"});
  test.functions.emplace("checkout", [&which](sp::vu&) -> sp::task<> {
    which = 2;
    co_return;
  });
  (void)sp::apply_k6_options(parse(R"({"scenarios": {
      "browse": {"executor": "constant-vus", "duration": "1m"},
      "buy": {"executor": "per-vu-iterations", "exec": "checkout", "env": {"A": "1"}, "tags": {"t": "x"}}}})"),
                             test);
  REQUIRE(test.scenarios.size() == 2);
  CHECK(test.scenarios[0].name == "browse");
  CHECK(test.scenarios[1].name == "buy");
  CHECK(test.scenarios[1].env == sp::env_map{{"A", "1"}});
  CHECK(test.scenarios[1].tags == sp::tag_set{{"t", "x"}});
  CHECK(static_cast<bool>(test.scenarios[0].exec));
  CHECK(static_cast<bool>(test.scenarios[1].exec));

  CHECK(apply_error(R"({"scenarios": {"buy": {"executor": "per-vu-iterations", "exec": "checkuot"}}})",
                    exported({"default", "checkout", "login"})) ==
        "couldn't parse the configuration from \"options.json\": scenarios.buy: the test has no function \"checkuot\" "
        "to run (k6: function 'checkuot' not found in exports); the test's functions are checkout, default, login");
  CHECK(apply_error(R"({"scenarios": {"browse": {"executor": "per-vu-iterations"}}})", exported({"login"})) ==
        "couldn't parse the configuration from \"options.json\": scenarios.browse: the test has no function "
        "\"default\" to run (k6: function 'default' not found in exports); the test's functions are login");
}

// k6's metrics/thresholds_test.go, TestThresholdsJSON: the string and object forms.
TEST_CASE("thresholds take k6's string and object forms, with abortOnFail and delayAbortEval") {
  struct row {
    std::string_view json;
    std::vector<std::string> sources;
    bool abort_on_fail;
    std::chrono::nanoseconds delay;
  };
  const row rows[] = {
      {"[]", {}, false, 0s},
      {R"(["rate<0.01"])", {"rate<0.01"}, false, 0s},
      {R"(["rate<0.01","p(95)<200"])", {"rate<0.01", "p(95)<200"}, false, 0s},
      {R"([{"threshold":"rate<0.01"}])", {"rate<0.01"}, false, 0s},
      {R"([{"threshold":"rate<0.01","abortOnFail":true,"delayAbortEval":null}])", {"rate<0.01"}, true, 0s},
      {R"([{"threshold":"rate<0.01","abortOnFail":true,"delayAbortEval":"2s"}])", {"rate<0.01"}, true, 2s},
      {R"([{"threshold":"rate<0.01","abortOnFail":false}])", {"rate<0.01"}, false, 0s},
      {R"([{"threshold":"rate<0.01"}, "p(95)<200"])", {"rate<0.01", "p(95)<200"}, false, 0s},
  };
  for (const auto& r : rows) {
    CAPTURE(r.json);
    const auto options = parse(std::string{R"({"thresholds": {"http_req_failed": )"} + std::string{r.json} + "}}");
    REQUIRE(options.thresholds);
    REQUIRE(options.thresholds->size() == r.sources.size());
    for (std::size_t i = 0; i < r.sources.size(); ++i) {
      CHECK((*options.thresholds)[i].metric == "http_req_failed");
      CHECK((*options.thresholds)[i].expression == r.sources[i]);
      CHECK((*options.thresholds)[i].abort_on_fail == r.abort_on_fail);
      CHECK((*options.thresholds)[i].delay_abort_eval == r.delay);
    }
  }
  // "bad JSON": a number where the list belongs.
  CHECK(error_of(R"({"thresholds": {"http_req_failed": 42}})") ==
        "couldn't parse the configuration from \"options.json\": thresholds.http_req_failed: expected an array of "
        "thresholds, such as [\"p(95)<200\"], got 42");
  CHECK(error_of(R"({"thresholds": {"http_req_failed": [{"threshold": "rate<0.01", "abortOnFial": true}]}})") ==
        "couldn't parse the configuration from \"options.json\": thresholds.http_req_failed[0]: unknown option "
        "\"abortOnFial\" for a threshold; did you mean \"abortOnFail\"?");
}

TEST_CASE("the file's thresholds become the test's when it has none, sub-metrics and custom metrics included") {
  const sp::trend login_time{"login_time", sp::value_type::time};
  auto test = exported();
  test.metrics = {login_time};
  (void)sp::apply_k6_options(
      parse(R"({"thresholds": {"http_req_duration{expected_response:true}": ["p(95)<200"],
                               "login_time": [{"threshold": "p(99)<500", "abortOnFail": true, "delayAbortEval": "10s"}]}})"),
      test);
  REQUIRE(test.thresholds.size() == 2);
  CHECK(test.thresholds[0].describe().find("http_req_duration{expected_response:true}") != std::string::npos);
  CHECK_FALSE(test.thresholds[0].aborts_on_fail());
  CHECK(test.thresholds[1].describe().find("login_time") != std::string::npos);
  CHECK(test.thresholds[1].aborts_on_fail());
  CHECK(test.thresholds[1].abort_delay() == 10s);

  // A test with thresholds keeps its own: k6 replaces the whole map per tier.
  auto own = exported();
  own.thresholds = {sp::iterations.count() > 0};
  (void)sp::apply_k6_options(parse(R"({"thresholds": {"http_req_failed": ["rate<0.01"]}})"), own);
  REQUIRE(own.thresholds.size() == 1);
  CHECK(own.thresholds[0].describe().find("iterations") != std::string::npos);

  // Mistakes name the file and the threshold's path.
  const auto bad_metric = apply_error(R"({"thresholds": {"no_such_metric": ["p(95)<200"]}})", exported());
  CHECK(bad_metric.starts_with("couldn't parse the configuration from \"options.json\": thresholds.no_such_metric[0]: "));
  const auto bad_expression = apply_error(R"({"thresholds": {"http_req_duration": ["p(95)<<200"]}})", exported());
  CHECK(bad_expression.starts_with(
      "couldn't parse the configuration from \"options.json\": thresholds.http_req_duration[0]: "));
}

TEST_CASE("every other option fills what the test leaves at its default, and the test's own value wins") {
  const auto file = parse(R"j({
      "tags": {"env": "staging", "team": "web"}, "summaryTrendStats": ["avg", "p(99)"], "summaryTimeUnit": "ms",
      "setupTimeout": "2m", "teardownTimeout": 30000, "minIterationDuration": "1s", "systemTags": ["status", "url"],
      "noConnectionReuse": true, "noVUConnectionReuse": true, "userAgent": "k6-compatible", "insecureSkipTLSVerify": true,
      "maxRedirects": 3, "discardResponseBodies": true, "hosts": {"api.test": "127.0.0.1:8080"}, "httpDebug": "full",
      "throw": true, "rps": 50, "dns": {"ttl": "1m", "select": "random", "policy": "preferIPv4"},
      "out": ["json=out.json"], "linger": true})j");

  auto defaults = exported();
  (void)sp::apply_k6_options(file, defaults);
  CHECK(defaults.tags == sp::tag_set{{"env", "staging"}, {"team", "web"}});
  CHECK(defaults.summary.trend_stats == std::vector<std::string>{"avg", "p(99)"});
  CHECK(defaults.summary.fixed_time_unit == sp::time_unit::ms);
  CHECK(defaults.setup_timeout == 2min);
  CHECK(defaults.teardown_timeout == 30s);
  CHECK(defaults.min_iteration_duration == 1s);
  CHECK(defaults.system_tags == std::vector<std::string>{"status", "url"});
  CHECK_FALSE(defaults.http.reuse_connections);
  CHECK_FALSE(defaults.http.reuse_connections_across_iterations);
  CHECK(defaults.http.user_agent == "k6-compatible");
  CHECK(defaults.http.insecure_skip_tls_verify);
  CHECK(defaults.http.max_redirects == 3);
  CHECK(defaults.http.discard_response_bodies);
  CHECK(defaults.http.hosts == std::map<std::string, std::string, std::less<>>{{"api.test", "127.0.0.1:8080"}});
  CHECK(defaults.http.debug == sp::http::client_options::debug_level::full);
  CHECK(defaults.http.throw_on_failure);
  CHECK(defaults.http.max_requests_per_second == 50);
  CHECK(defaults.http.dns_ttl == 1min);
  // For the command line, not the test.
  CHECK(file.out == std::vector<std::string>{"json=out.json"});
  CHECK(file.linger == true);

  sp::load_test own = exported();
  own.tags = {{"env", "prod"}};
  own.summary.trend_stats = {"med"};
  own.summary.fixed_time_unit = sp::time_unit::s;
  own.setup_timeout = 5s;
  own.teardown_timeout = 6s;
  own.min_iteration_duration = 2s;
  own.system_tags = std::vector<std::string>{"proto"};
  own.http.user_agent = "mine";
  own.http.max_redirects = 0;
  own.http.hosts = {{"other.test", "10.0.0.1"}};
  own.http.max_requests_per_second = 10;
  own.http.dns_ttl = 0s;
  (void)sp::apply_k6_options(file, own);
  CHECK(own.tags == sp::tag_set{{"env", "prod"}, {"team", "web"}});  // keys the test does not set
  CHECK(own.summary.trend_stats == std::vector<std::string>{"med"});
  CHECK(own.summary.fixed_time_unit == sp::time_unit::s);
  CHECK(own.setup_timeout == 5s);
  CHECK(own.teardown_timeout == 6s);
  CHECK(own.min_iteration_duration == 2s);
  CHECK(own.system_tags == std::vector<std::string>{"proto"});
  CHECK(own.http.user_agent == "mine");
  CHECK(own.http.max_redirects == 0);
  CHECK(own.http.hosts == std::map<std::string, std::string, std::less<>>{{"other.test", "10.0.0.1"}});
  CHECK(own.http.max_requests_per_second == 10);
  CHECK(own.http.dns_ttl == 0s);
}

TEST_CASE("noSetup and noTeardown drop the test's setup and teardown") {
  auto test = exported();
  test.setup = [](sp::vu&) -> sp::task<std::any> { co_return std::any{}; };
  test.teardown = [](sp::vu&) -> sp::task<> { co_return; };
  auto kept = test;
  (void)sp::apply_k6_options(parse(R"({"noSetup": false, "noTeardown": false})"), kept);
  CHECK(static_cast<bool>(kept.setup));
  CHECK(static_cast<bool>(kept.teardown));
  (void)sp::apply_k6_options(parse(R"({"noSetup": true, "noTeardown": true})"), test);
  CHECK_FALSE(static_cast<bool>(test.setup));
  CHECK_FALSE(static_cast<bool>(test.teardown));
}

TEST_CASE("dns takes k6's JSON object and its flag's string form; ttl inf keeps answers for the run") {
  CHECK(parse(R"({"dns": {"ttl": "0", "select": "roundRobin", "policy": "onlyIPv4"}})").dns_ttl == 0s);
  CHECK(parse(R"({"dns": "ttl=1m,select=random,policy=preferIPv4"})").dns_ttl == 1min);
  CHECK(parse(R"({"dns": "ttl=inf"})").dns_ttl == std::chrono::nanoseconds::max());
  CHECK(parse(R"({"dns": "ttl=5"})").dns_ttl == 5ms);  // k6 reads a bare number as milliseconds
  CHECK_FALSE(parse(R"({"dns": {"select": "first"}})").dns_ttl);
  const std::string prefix = "couldn't parse the configuration from \"options.json\": ";
  CHECK(error_of(R"({"dns": "ttl=0,blah=nope"})") ==
        prefix + "dns: unknown DNS configuration field \"blah\"; expected ttl, select or policy");
  CHECK(error_of(R"({"dns": "ttl=5s,select="})") == prefix + "dns: no value for key \"select=\"");
  CHECK(error_of(R"({"dns": {"policy": "sometimes"}})") ==
        prefix + "dns.policy: invalid DNS policy \"sometimes\"; expected preferIPv4, preferIPv6, onlyIPv4, onlyIPv6 or any");
  CHECK(error_of(R"({"dns": "ttl=-1"})") ==
        prefix + "dns: a duration cannot be negative, got \"ttl=-1\"");
}

TEST_CASE("parse_k6_options names the path and the problem for every bad option") {
  const std::string prefix = "couldn't parse the configuration from \"options.json\": ";
  struct row {
    std::string_view json;
    std::string_view message;
  };
  const row rows[] = {
      {R"({"vux": 10})", "unknown option \"vux\"; did you mean \"vus\"?"},
      {R"({"VUs": 10})", "unknown option \"VUs\"; did you mean \"vus\"?"},
      {R"({"thresholdz": {}})", "unknown option \"thresholdz\"; did you mean \"thresholds\"?"},
      {R"({"whatever": 1})", "unknown option \"whatever\""},
      {R"({"vus": "10"})", "vus: expected a number of VUs, a whole number from 0 to 100000000, got \"10\""},
      {R"({"vus": -3})", "vus: expected a number of VUs, a whole number from 0 to 100000000, got -3"},
      {R"({"vus": 1e3})", "vus: expected a number of VUs, a whole number from 0 to 100000000, got 1e3"},
      {R"({"iterations": 1.5})", "iterations: expected a number of iterations, a whole number at least 0, got 1.5"},
      {R"({"noSetup": "yes"})", "noSetup: expected true or false, got \"yes\""},
      {R"({"tags": {"a": 1}})", "tags.a: expected a string, got 1"},
      {R"({"tags": []})", "tags: expected an object of strings, got an array"},
      {R"j({"summaryTrendStats": ["avg", "p(101)"]})j", "summaryTrendStats[1]: "},
      {R"({"summaryTimeUnit": "ns"})", "summaryTimeUnit: invalid time unit \"ns\"; expected s, ms or us"},
      {R"({"systemTags": ["status", "methd"]})", "systemTags[1]: unknown system tag \"methd\"; did you mean \"method\"?"},
      {R"({"httpDebug": "body"})", "httpDebug: invalid httpDebug \"body\"; expected \"\", \"headers\" or \"full\""},
      {R"({"hosts": {"api.test": "api.internal"}})",
       "hosts[\"api.test\"]: expected an IP address, or one with a port (\"127.0.0.1:8080\", \"[::1]:8080\"), got "
       "\"api.internal\"; stampede's hosts map names to addresses only"},
      {R"({"maxRedirects": 4294967296})", "maxRedirects: expected a number of redirects, a whole number from 0 to 2147483647, got 4294967296"},
      {R"({"rps": -1})", "rps: expected a rate, a number from 0 to 2^53, got -1"},
      {R"({"out": "json=x.json"})", "out: expected an array of strings, got \"json=x.json\""},
      {"[1, 2]", "expected an object of k6's options, got an array"},
      {R"({"tlsAuth": [{"domains": ["example.com"], "cert": "...", "key": "..."}]})",
       "tlsAuth: stampede cannot honour this option: stampede's HTTP client sends no client certificates, so the "
       "server would refuse the test"},
      {R"({"blockHostnames": ["*.prod.example.com"]})",
       "blockHostnames: stampede cannot honour this option: stampede's HTTP client blocks no host names; ignoring the "
       "list could send load where it was meant not to go"},
      {R"({"paused": true})",
       "paused: stampede cannot honour this option: k6 resumes a paused test through its REST API, which stampede "
       "does not have, so the test would never start"},
      {R"({"executionSegment": "0:1/2"})",
       "executionSegment: stampede cannot honour this option: a part of a test is given by the --execution-segment "
       "flags, not by the test's options"},
      {R"({"batch": "20"})", "batch: expected a whole number, a whole number at least 0, got \"20\""},
  };
  for (const auto& r : rows) {
    CAPTURE(r.json);
    const auto message = error_of(r.json);
    if (r.message.back() == ' ') {
      CHECK(message.starts_with(prefix + std::string{r.message}));
    } else {
      CHECK(message == prefix + std::string{r.message});
    }
  }
}

TEST_CASE("malformed JSON is refused with the position of the problem") {
  const auto message = error_of("{\n  \"vus\": 10,\n  \"duration\": \"30s\",\n}");
  CHECK(message.starts_with("couldn't parse the configuration from \"options.json\": "));
  CHECK(message.find("line 4") != std::string::npos);
  CHECK(error_of("").starts_with("couldn't parse the configuration from \"options.json\": "));
  CHECK(error_of("{}asdf").starts_with("couldn't parse the configuration from \"options.json\": "));
  CHECK(error_of("'adsf'").starts_with("couldn't parse the configuration from \"options.json\": "));
  CHECK(error_of(R"({"vus": 1, "vus": 2})").find("duplicate key \"vus\"") != std::string::npos);
}

TEST_CASE("keys stampede cannot use are ignored with a reason, or accepted when they ask for nothing") {
  const auto options = parse(R"({"ext": {"loadimpact": {"projectID": 1}}, "cloud": {"name": "x"}, "batch": 20,
      "noCookiesReset": true, "paused": false, "tlsAuth": [], "blacklistIPs": null, "tlsVersion": ""})");
  REQUIRE(options.ignored.size() == 4);
  CHECK(options.ignored[0] == "ext: Grafana Cloud metadata, nothing to run");
  CHECK(options.ignored[2] == "batch: it limits k6's http.batch(), which stampede does not have");
  auto test = exported();
  const auto warnings = sp::apply_k6_options(options, test);
  CHECK(mentions(warnings, "\"options.json\": ignoring cloud: Grafana Cloud metadata, nothing to run"));
  // A null option is no option (k6's null.Int and friends).
  CHECK(parse(R"({"vus": null, "duration": null})") == parse("{}"));
  CHECK_FALSE(parse(R"({"vus": null, "duration": null})").vus);
}

TEST_CASE("read_k6_options reads a file, and names a file it cannot read") {
  const stampede_test::temp_file file{"k6-options.json"};
  {
    std::ofstream out{file.path};
    out << R"({"vus": 5, "duration": "10s"})";
  }
  const auto options = sp::read_k6_options(file.path);
  CHECK(options.source == file.path);
  CHECK(options.vus == 5);
  CHECK(options.duration == 10s);

  const std::string missing = file.path + ".missing";
  try {
    (void)sp::read_k6_options(missing);
    FAIL("no error");
  } catch (const sp::usage_error& e) {
    CHECK(std::string{e.what()} == "couldn't load the configuration from \"" + missing + "\": No such file or directory");
  }
  const stampede_test::temp_file broken{"k6-broken.json"};
  {
    std::ofstream out{broken.path};
    out << R"({"vus": 5,)";
  }
  try {
    (void)sp::read_k6_options(broken.path);
    FAIL("no error");
  } catch (const sp::usage_error& e) {
    CHECK(std::string{e.what()}.starts_with("couldn't parse the configuration from \"" + broken.path + "\": "));
  }
}

TEST_CASE("apply_k6_options leaves the test unchanged when it throws") {
  auto test = exported({"login"});
  test.tags = {{"a", "b"}};
  const auto before_tags = test.tags;
  CHECK_THROWS_AS(sp::apply_k6_options(parse(R"({"tags": {"c": "d"}, "userAgent": "x", "vus": 2})"), test),
                  sp::usage_error);
  CHECK(test.tags == before_tags);
  CHECK(test.http.user_agent == sp::http::client_options{}.user_agent);
  CHECK(test.scenarios.empty());
}
