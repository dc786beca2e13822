// Tests of k6 1.x's summaries, --summary-mode=compact (the default) and full: sections,
// checks, thresholds, groups and scenarios as k6's summary.js lays them out, with k6's own
// assertions from internal/cmd/tests/cmd_run_test.go ported where they apply.
#include <stampede/report/summary.hpp>

#include <stampede/eval/check.hpp>
#include <stampede/exec/runner.hpp>
#include <stampede/metrics/recorder.hpp>

#include "support/catch_compat.hpp"
#include "support/golden.hpp"
#include "report/seed_like_run.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

sp::summary_options in_mode(sp::summary_mode mode) {
  sp::summary_options options;
  options.mode = mode;
  return options;
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// k6's TestSummaryExport script: one iteration that adds 1 to custom_iterations and passes
// the check "TRUE is TRUE".
sp::snapshot one_checked_iteration() {
  auto registry = std::make_shared<sp::metric_registry>();
  const sp::counter custom_iterations{"custom_iterations"};
  registry->add(custom_iterations);
  sp::recorder rec{registry};
  const sp::tag_set tags{{"scenario", "default"}, {"group", ""}};
  rec.add(custom_iterations, 1, tags, 1ms);
  (void)sp::check(rec, true, "TRUE is TRUE", [](bool b) { return b; }, tags, 1ms);
  rec.add(sp::iterations, 1, tags, 1ms);
  rec.add(sp::iteration_duration, 120e3, tags, 1ms);
  rec.add(sp::vus, 1, {}, 0s);
  rec.add(sp::vus_max, 1, {}, 0s);
  auto s = sp::snapshot::empty_for(*registry, 0s, 1s);
  s.merge(rec.take(1s));
  return s;
}

// The legacy golden's run with groups, a failing check and thresholds passing and failing.
struct checked_run {
  sp::snapshot metrics;
  std::vector<sp::threshold_result> thresholds;
};

checked_run groups_checks_thresholds() {
  auto registry = std::make_shared<sp::metric_registry>();
  registry->track(sp::http_req_duration.where("expected_response", "true"));
  registry->track(sp::http_req_duration.where("group", "::login"));
  sp::recorder rec{registry};
  const auto status_200 = [](int s) { return s == 200; };
  for (int i = 0; i < 10; ++i) {
    const int status = i == 3 ? 503 : 200;
    const sp::tag_set login{{"group", "::login"}, {"expected_response", status == 200 ? "true" : "false"}};
    (void)sp::check(rec, status, "status was 200", status_200, login, 1s);
    (void)sp::check(rec, 1, "token issued", [](int) { return true; }, sp::tag_set{{"group", "::login::token"}}, 1s);
    (void)sp::check(rec, 1, "home page loads", [](int) { return true; }, sp::tag_set{{"group", ""}}, 1s);
    rec.add(sp::http_req_duration, (i == 3 ? 2500 : 40 + i) * 1e6, login, 1s);
    rec.add(sp::http_req_waiting, (i == 3 ? 2400 : 30 + i) * 1e6, login, 1s);
    rec.add(sp::http_req_failed, status == 200 ? 0 : 1, login, 1s);
    rec.add(sp::http_reqs, 1, login, 1s);
  }
  auto s = sp::snapshot::empty_for(*registry, 0s, 10s);
  s.merge(rec.take(10s));
  const auto source = [&](const sp::metric_aggregate& a) { return s.values(a); };
  std::vector<sp::threshold_result> results{
      sp::threshold{"http_req_duration{expected_response:true}", "p(95)<200"}.resolve().evaluate(source),
      sp::threshold{"http_req_failed", "rate<0.01"}.resolve().evaluate(source),
      sp::threshold{"http_req_duration", "p(99.9) < 3000"}.resolve().evaluate(source),
      ((sp::http_req_duration.max() < 1s) || (sp::http_reqs.count() > 100)).evaluate(source),
  };
  return {std::move(s), std::move(results)};
}

}  // namespace

// k6: internal/cmd/tests/cmd_run_test.go, TestSummaryExport (both modes).
TEST_CASE("compact and full print k6's checks_total, checks_succeeded, checks_failed and CUSTOM lines") {
  const auto run = one_checked_iteration();
  for (const auto mode : {sp::summary_mode::compact, sp::summary_mode::full}) {
    INFO(sp::to_string(mode));
    const auto text = sp::format_summary(run, {}, in_mode(mode));
    INFO(text);
    CHECK(contains(text, "checks_total.......: 1"));
    CHECK(contains(text, "checks_succeeded...: 100.00% 1 out of 1"));
    CHECK(contains(text, "checks_failed......: 0.00%   0 out of 1"));
    CHECK(contains(text, "CUSTOM\n    custom_iterations....: 1"));
    CHECK(contains(text, "iterations...........: 1"));
    CHECK(contains(text, "\n    ✓ TRUE is TRUE\n"));
    CHECK(!contains(text, "checks...."));  // the checks metric itself is shown as the three lines
  }
}

TEST_CASE("the compact summary is k6's sections in k6's order, CUSTOM first") {
  const auto text = sp::format_summary(one_checked_iteration(), {}, {});
  const auto at = [&](std::string_view part) { return text.find(part); };
  REQUIRE(text.starts_with("  █ TOTAL RESULTS \n\n    checks_total"));  // no thresholds: no THRESHOLDS
  CHECK(at("    ✓ TRUE is TRUE") < at("    CUSTOM\n"));
  CHECK(at("    CUSTOM\n") < at("    EXECUTION\n"));
  CHECK(!contains(text, "    HTTP\n"));     // a section only when it has metrics
  CHECK(!contains(text, "    NETWORK\n"));  // data_sent got no sample
  CHECK(!contains(text, "GROUP:"));
  CHECK(!contains(text, "SCENARIO:"));

  auto registry = std::make_shared<sp::metric_registry>();
  const sp::counter ws_sessions{"ws_sessions"};
  const sp::trend grpc_req_duration{"grpc_req_duration", sp::value_type::time};
  registry->add(ws_sessions);
  registry->add(grpc_req_duration);
  sp::recorder rec{registry};
  rec.add(ws_sessions, 2, {}, 1s);
  rec.add(grpc_req_duration, 5e6, {}, 1s);
  rec.add(sp::http_reqs, 1, {}, 1s);
  rec.add(sp::data_sent, 100, {}, 1s);
  rec.add(sp::iterations, 1, {}, 1s);
  auto s = sp::snapshot::empty_for(*registry, 0s, 1s);
  s.merge(rec.take(1s));
  const auto sections = sp::format_summary(s, {}, {});
  INFO(sections);
  std::vector<std::string> titles;
  for (const auto& line : lines_of(sections)) {
    if (line.size() > 4 && line.starts_with("    ") && line[4] >= 'A' && line[4] <= 'Z') titles.push_back(line.substr(4));
  }
  CHECK(titles == std::vector<std::string>{"HTTP", "EXECUTION", "NETWORK", "GRPC", "WEBSOCKET"});
}

TEST_CASE("the compact summary of the seed-like run matches its golden file, and full adds the request phases") {
  const auto run = stampede_test::seed_like_run(std::make_shared<sp::metric_registry>());
  const auto compact = sp::format_summary(run, {}, {});
  stampede_test::check_golden("report/golden/seed_like_run.compact.txt", compact);
  const auto full = sp::format_summary(run, {}, in_mode(sp::summary_mode::full));
  stampede_test::check_golden("report/golden/seed_like_run.full.txt", full);
  // Lines k6 prints for the seed's run, with the rate as k6 1.x counts it.
  CHECK(contains(compact, "\n    http_req_failed................: 0.00%  0 out of 7821\n"));
  CHECK(contains(compact, "\n    http_reqs......................: 7821   781.54944/s\n"));
  CHECK(contains(compact, "\n      { expected_response:true }...: avg=7.66ms"));  // under its metric
  for (const auto* phase : {"http_req_blocked", "http_req_connecting", "http_req_tls_handshaking", "http_req_sending",
                            "http_req_waiting", "http_req_receiving"}) {
    INFO(phase);
    CHECK(!contains(compact, phase));  // k6's compact mode leaves out the request's phases
    CHECK(contains(full, std::string{"\n    "} + phase + "."));
  }
}

TEST_CASE("groups, failing checks and thresholds match their golden files in compact and full") {
  const auto run = groups_checks_thresholds();
  auto options = in_mode(sp::summary_mode::compact);
  options.trend_stats = {"avg", "min", "med", "max", "p(99)", "p(99.9)", "count"};
  stampede_test::check_golden("report/golden/groups_checks_thresholds.compact.txt",
                              sp::format_summary(run.metrics, run.thresholds, options));
  options.mode = sp::summary_mode::full;
  stampede_test::check_golden("report/golden/groups_checks_thresholds.full.txt",
                              sp::format_summary(run.metrics, run.thresholds, options));
}

TEST_CASE("thresholds are listed by metric with their source as written and the value they were judged by") {
  const auto run = groups_checks_thresholds();
  const auto text = sp::format_summary(run.metrics, run.thresholds, {});
  INFO(text);
  REQUIRE(text.starts_with("  █ THRESHOLDS \n\n"));
  // k6 sorts the metrics; a sub-metric sits under its metric, shown by its filter alone.
  CHECK(contains(text, "\n    http_req_duration\n"
                       "    ✓ 'p(99.9) < 3000' p(99.9)=2.47s\n"
                       "    ✗ 'max<1000ms' max=2.5s\n"
                       "\n"
                       "      {expected_response:true}\n"
                       "      ✓ 'p(95)<200' p(95)=48.6ms\n"
                       "\n"
                       "    http_req_failed\n"
                       "    ✗ 'rate<0.01' rate=10.00%\n"));
  CHECK(contains(text, "\n    http_reqs\n    ✗ 'count>100' count=10\n"));
  // A threshold over several metrics, which k6 has not, is judged and shown as a whole.
  CHECK(contains(text, "\n    ✗ http_req_duration max<1000ms || http_reqs count>100\n"));
  CHECK(text.find("█ THRESHOLDS") < text.find("█ TOTAL RESULTS"));
}

// k6: internal/cmd/tests/cmd_run_test.go, TestThresholdsRuntimeBehavior's summary lines.
TEST_CASE("a threshold line is the metric, then the mark, the source and the value, as k6 asserts") {
  auto registry = std::make_shared<sp::metric_registry>();
  sp::recorder rec{registry};
  for (int i = 0; i < 8; ++i) rec.add(sp::http_reqs, 1, {}, 1s);
  for (int i = 0; i < 5; ++i) rec.add(sp::iterations, 1, {}, 1s);
  (void)sp::check(rec, 1, "ok", [](int) { return true; }, {}, 1s);
  auto s = sp::snapshot::empty_for(*registry, 0s, 1s);
  s.merge(rec.take(1s));
  const auto source = [&](const sp::metric_aggregate& a) { return s.values(a); };
  const std::vector<sp::threshold_result> results{
      sp::threshold{"checks", "rate == 1"}.resolve().evaluate(source),
      sp::threshold{"http_reqs", "count == 8"}.resolve().evaluate(source),
      sp::threshold{"iterations", "count == 5"}.resolve().evaluate(source),
  };
  const auto text = sp::format_summary(s, results, {});
  CHECK(contains(text, "checks\n    ✓ 'rate == 1' rate=100.00%"));
  CHECK(contains(text, "http_reqs\n    ✓ 'count == 8' count=8"));
  CHECK(contains(text, "iterations\n    ✓ 'count == 5' count=5"));
}

TEST_CASE("a failing check shows its share and counts on the next line, in the whole test's list by name") {
  const auto run = groups_checks_thresholds();
  const auto text = sp::format_summary(run.metrics, {}, {});
  INFO(text);
  CHECK(contains(text, "    checks_total.......: 30     3/s\n"
                       "    checks_succeeded...: 96.66% 29 out of 30\n"
                       "    checks_failed......: 3.33%  1 out of 30\n"
                       "\n"));
  CHECK(contains(text, "    ✗ status was 200\n      ↳  90% — ✓ 9 / ✗ 1\n"));
  CHECK(contains(text, "    ✓ token issued\n"));  // every group's checks, flat, as k6's root
  CHECK(contains(text, "    ✓ home page loads\n"));
}

TEST_CASE("colours follow k6's summary.js only when asked") {
  const auto run = groups_checks_thresholds();
  CHECK(!contains(sp::format_summary(run.metrics, run.thresholds, {}), "\x1b"));
  auto options = in_mode(sp::summary_mode::full);
  options.colors = true;
  const auto text = sp::format_summary(run.metrics, run.thresholds, options);
  CHECK(contains(text, "  █ \x1b[1mTHRESHOLDS\x1b[0m \n"));
  CHECK(contains(text, "  █ \x1b[1mTOTAL RESULTS\x1b[0m \n"));
  CHECK(contains(text, "  █ \x1b[1mGROUP: login\x1b[0m \n"));
  CHECK(contains(text, "    \x1b[1mHTTP\x1b[0m\n"));
  CHECK(contains(text, "    \x1b[32m✓\x1b[0m \x1b[37m'p(95)<200'\x1b[0m \x1b[37mp(95)\x1b[0m=\x1b[36m48.6ms\x1b[0m\n"));
  CHECK(contains(text, "    \x1b[31m✗\x1b[0m \x1b[37m'rate<0.01'\x1b[0m"));
  CHECK(contains(text, "checks_total\x1b[2;37m.......:\x1b[0m \x1b[36m30\x1b[0m     \x1b[2;36m3/s\x1b[0m\n"));
  CHECK(contains(text, "    \x1b[32m✓ home page loads\x1b[0m\n"));
  CHECK(contains(text, "    \x1b[31m✗ status was 200\x1b[0m\n      \x1b[31m↳  90% — ✓ 9 / ✗ 1\x1b[0m\n"));
}

TEST_CASE("compact honours the trend statistics and the time unit (--summary-trend-stats, --summary-time-unit)") {
  const auto run = stampede_test::seed_like_run(std::make_shared<sp::metric_registry>());
  auto options = in_mode(sp::summary_mode::compact);
  options.trend_stats = {"avg", "p(99)", "count"};
  options.fixed_time_unit = sp::time_unit::ms;
  const auto text = sp::format_summary(run, {}, options);
  INFO(text);
  CHECK(contains(text, "\n    http_req_duration..............: avg=7.67ms p(99)=12.08ms count=7821\n"));
  CHECK(!contains(text, "med="));
  options.fixed_time_unit = sp::time_unit::s;
  CHECK(contains(sp::format_summary(run, {}, options), "iteration_duration.............: avg=0.01s "));
  options.trend_stats = {"avg", "p(101)"};
  CHECK_THROWS_AS(sp::format_summary(run, {}, options), sp::usage_error);
}

TEST_CASE("a run with no samples prints TOTAL RESULTS with every metric compact shows, marked") {
  const auto registry = std::make_shared<sp::metric_registry>();
  const auto text = sp::format_summary(sp::snapshot::empty_for(*registry, 0s, 1s), {}, {});
  INFO(text);
  REQUIRE(text.starts_with("  █ TOTAL RESULTS \n\n    HTTP\n"));
  CHECK(!contains(text, "checks_total"));  // no check ran
  CHECK(contains(text, "\n    http_reqs............: 0   0/s\n"));
  CHECK(contains(text, "\n    http_req_duration....: [no data]\n"));
  CHECK(!contains(text, "http_req_waiting"));
  CHECK(!contains(text, "group_duration"));
  CHECK(!contains(text, "THRESHOLDS"));
  CHECK(!contains(text, "WEBSOCKET"));  // no test without WebSocket records its metrics
}

TEST_CASE("disabled writes nothing") {
  const auto run = groups_checks_thresholds();
  CHECK(sp::format_summary(run.metrics, run.thresholds, in_mode(sp::summary_mode::disabled)).empty());
}

// k6: internal/cmd/tests/cmd_run_test.go, TestGroupsOrderInFullSummary. stampede knows a group
// from its checks (or from sub-metrics filtered by it), so each group here checks something.
TEST_CASE("full prints groups in the order they ran, nested ones under their parent with ↳") {
  auto registry = std::make_shared<sp::metric_registry>();
  sp::recorder rec{registry};
  for (const auto* group : {"::E", "::D", "::C::B::A::too much nesting"}) {
    (void)sp::check(rec, 1, "ran", [](int) { return true; }, sp::tag_set{{"group", group}}, 1s);
  }
  auto s = sp::snapshot::empty_for(*registry, 0s, 1s);
  s.merge(rec.take(1s));
  const auto text = sp::format_summary(s, {}, in_mode(sp::summary_mode::full));
  INFO(text);
  std::vector<std::string> titles;
  for (const auto& line : lines_of(text)) {
    if (contains(line, "GROUP: ")) titles.push_back(line);
  }
  CHECK(titles == std::vector<std::string>{"  █ GROUP: E ", "  █ GROUP: D ", "  █ GROUP: C ", "    ↳ GROUP: B ",
                                           "      ↳ GROUP: A ", "        ↳ GROUP: too much nesting "});
  // Each group's own checks, one level deeper for each nesting level, as k6 indents them.
  CHECK(contains(text, "  █ GROUP: E \n\n    checks_total.......: 1       1/s\n"));
  CHECK(contains(text, "        ↳ GROUP: too much nesting \n\n"
                       "          checks_total.......: 1       1/s\n"));
  CHECK(contains(text, "\n          ✓ ran\n"));
  CHECK(!contains(sp::format_summary(s, {}, {}), "GROUP:"));  // compact: no groups
}

TEST_CASE("full shows a group's metrics from the sub-metrics filtered by that group") {
  const auto run = groups_checks_thresholds();
  const auto text = sp::format_summary(run.metrics, {}, in_mode(sp::summary_mode::full));
  INFO(text);
  const auto group = text.find("  █ GROUP: login \n");
  REQUIRE(group != std::string::npos);
  const auto section = text.substr(group);
  CHECK(contains(section, "\n    HTTP\n    http_req_duration...: avg=290.2ms"));
  CHECK(contains(section, "\n    ↳ GROUP: token \n\n      checks_total.......: 10      1/s\n"));
}

TEST_CASE("a full run of two scenarios prints a section for each, sorted, with its checks and metrics") {
  const auto exec = [](int passes) {
    return [passes](sp::vu& u) -> sp::task<> {
      u.check(u.iteration(), "counted", [passes](std::uint64_t i) { return i < static_cast<std::uint64_t>(passes); });
      co_return;
    };
  };
  sp::load_test test{.scenarios = {{.name = "writers", .exec = exec(1),
                                    .executor = sp::shared_iterations{.vus = 1, .iterations = 2}},
                                   {.name = "readers", .exec = exec(3),
                                    .executor = sp::shared_iterations{.vus = 1, .iterations = 3}}}};
  test.summary.mode = sp::summary_mode::full;
  sp::manual_time time;
  const auto r = sp::run(test, {.threads = 1, .seed = 1, .time = &time});
  const auto text = r.summary();
  INFO(text);
  const auto readers = text.find("  █ SCENARIO: readers \n");
  const auto writers = text.find("  █ SCENARIO: writers \n");
  REQUIRE(readers != std::string::npos);
  REQUIRE(writers != std::string::npos);
  CHECK(text.find("█ TOTAL RESULTS") < readers);
  CHECK(readers < writers);  // sorted by name, as k6
  const auto readers_section = text.substr(readers, writers - readers);
  const auto writers_section = text.substr(writers);
  CHECK(contains(readers_section, "checks_succeeded...: 100.00% 3 out of 3"));
  CHECK(contains(writers_section, "checks_succeeded...: 50.00% 1 out of 2"));
  CHECK(contains(readers_section, "\n    EXECUTION\n"));
  CHECK(contains(readers_section, "\n    iterations"));
  CHECK(!contains(readers_section, "vus"));  // not tagged with a scenario
  // The whole test's totals still count both, and the per-scenario sub-metrics stay out of them.
  const auto totals = text.substr(0, readers);
  CHECK(contains(totals, "checks_succeeded...: 80.00% 4 out of 5"));
  CHECK(!contains(totals, "scenario:"));

  test.summary.mode = sp::summary_mode::compact;  // nothing tracked per scenario
  sp::manual_time time2;
  const auto compact = sp::run(test, {.threads = 1, .seed = 1, .time = &time2});
  CHECK(std::none_of(compact.metrics.entries().begin(), compact.metrics.entries().end(),
                     [](const sp::snapshot_entry& e) { return e.metric.filter.tags().contains("scenario"); }));
  CHECK(!contains(compact.summary(), "SCENARIO:"));
}
