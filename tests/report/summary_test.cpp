// Tests of the legacy text summary: k6 0.x's layout line for line where the seed's k6 run pins it,
// golden files for whole summaries, and the edge cases (no samples, colours, bad options).
#include <stampede/report/summary.hpp>
#include <stampede/report/summary_export.hpp>

#include <stampede/core/error.hpp>
#include <stampede/eval/check.hpp>
#include <stampede/metrics/recorder.hpp>

#include "support/catch_compat.hpp"
#include "support/golden.hpp"
#include "report/seed_like_run.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

// These tests pin k6 0.x's layout (--summary-mode=legacy); summary_modes_test.cpp has k6 1.x's.
sp::summary_options legacy() {
  sp::summary_options options;
  options.mode = sp::summary_mode::legacy;
  return options;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("the summary reproduces the seed's k6 lines for counters, rates and gauges") {
  const auto text = sp::format_summary(stampede_test::seed_like_run(std::make_shared<sp::metric_registry>()), {}, legacy());
  const auto lines = lines_of(text);
  // Copied from shared/seeds/k6-summaries-replica-scaling.txt, the first run.
  const char* from_k6[] = {
      "     data_received..................: 4.8 MB 485 kB/s",
      "     data_sent......................: 1.3 MB 127 kB/s",
      "     http_req_failed................: 0.00%  ✓ 0         ✗ 7821",
      "     http_reqs......................: 7821   781.54944/s",
      "     iterations.....................: 7821   781.54944/s",
      "     vus............................: 10     min=10      max=10",
      "     vus_max........................: 10     min=10      max=10",
  };
  for (const auto* expected : from_k6) {
    INFO(expected);
    CHECK(std::find(lines.begin(), lines.end(), std::string{expected}) != lines.end());
  }
  // Trend lines: k6's columns, and the sub-metric indented under its metric.
  const auto duration = std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
    return l.starts_with("     http_req_duration..............: avg=");
  });
  REQUIRE(duration != lines.end());
  CHECK((duration + 1)->starts_with("       { expected_response:true }...: avg="));
  CHECK(duration->find(" p(90)=") != std::string::npos);
  CHECK(text.starts_with("     data_received"));  // no checks: the metrics come first
}

TEST_CASE("the summary of a seed-like run matches its golden file") {
  stampede_test::check_golden("report/golden/seed_like_run.txt",
                   sp::format_summary(stampede_test::seed_like_run(std::make_shared<sp::metric_registry>()), {}, legacy()));
}

TEST_CASE("the summary shows groups, failing checks, thresholds and their observed values") {
  auto registry = std::make_shared<sp::metric_registry>();
  registry->track(sp::http_req_duration.where("expected_response", "true"));
  sp::recorder rec{registry};
  const auto status_200 = [](int s) { return s == 200; };
  for (int i = 0; i < 10; ++i) {
    const int status = i == 3 ? 503 : 200;
    const sp::tag_set login{{"group", "::login"}, {"expected_response", status == 200 ? "true" : "false"}};
    (void)sp::check(rec, status, "status was 200", status_200, login, 1s);
    (void)sp::check(rec, 1, "token issued", [](int) { return true; }, sp::tag_set{{"group", "::login::token"}}, 1s);
    (void)sp::check(rec, 1, "home page loads", [](int) { return true; }, sp::tag_set{{"group", ""}}, 1s);
    rec.add(sp::http_req_duration, (i == 3 ? 2500 : 40 + i) * 1e6, login, 1s);
    rec.add(sp::http_req_failed, status == 200 ? 0 : 1, login, 1s);
  }
  auto s = sp::snapshot::empty_for(*registry, 0s, 10s);
  s.merge(rec.take(10s));
  const auto source = [&](const sp::metric_aggregate& a) { return s.values(a); };
  const std::vector<sp::threshold_result> results{
      (sp::http_req_duration.where("expected_response", "true").p(95) < 200ms).evaluate(source),
      (sp::http_req_failed.rate() < 0.01).evaluate(source),
      ((sp::http_req_duration.max() < 1s) || (sp::http_reqs.count() > 100)).evaluate(source),
  };
  auto options = legacy();
  options.trend_stats = {"avg", "min", "med", "max", "p(99)", "p(99.9)", "count"};
  stampede_test::check_golden("report/golden/groups_checks_thresholds.txt", sp::format_summary(s, results, options));
}

TEST_CASE("a run with no samples still prints every metric, empty ones marked") {
  const auto registry = std::make_shared<sp::metric_registry>();
  const auto text = sp::format_summary(sp::snapshot::empty_for(*registry, 0s, 1s), {}, legacy());
  const auto lines = lines_of(text);
  // checks has no per-check series; WebSocket's six are left out, as no test without WebSocket
  // records them.
  CHECK(lines.size() == sp::builtin_metrics().size() - 6);
  CHECK(std::none_of(lines.begin(), lines.end(), [](const std::string& l) { return l.find("ws_") != std::string::npos; }));
  CHECK(std::find(lines.begin(), lines.end(), "     http_req_duration..........: [no data]") != lines.end());
  CHECK(std::find(lines.begin(), lines.end(), "     http_reqs..................: 0   0/s") != lines.end());
}

TEST_CASE("a data metric whose sum is NaN or infinite prints by name in the summary and null in the export") {
  sp::snapshot s{0s, 2s};
  s.add(sp::data_sent.descriptor(), sp::counter_sink{.sum = std::numeric_limits<double>::quiet_NaN(), .samples = 1});
  s.add(sp::data_received.descriptor(), sp::counter_sink{.sum = std::numeric_limits<double>::infinity(), .samples = 1});
  const auto text = sp::format_summary(s, {}, legacy());
  CHECK_THAT(text, Catch::Matchers::Contains("     data_received...: Infinity B Infinity B/s\n"));
  CHECK_THAT(text, Catch::Matchers::Contains("     data_sent.......: NaN B      NaN B/s\n"));
  const auto json = sp::format_summary_export(s, {});
  CHECK_THAT(json, Catch::Matchers::Contains(R"("data_received":{"count":null,"rate":null},"data_sent":{"count":null,"rate":null})"));
}

TEST_CASE("a sub-metric's threshold lists its parent too, though neither got samples (k6 issues 2518, 2520)") {
  auto registry = std::make_shared<sp::metric_registry>();
  const auto login = sp::http_req_duration.where("name", "login");
  registry->track(login);
  sp::recorder rec{registry};
  rec.add(sp::http_reqs, 1, sp::tag_set{}, 1s);
  auto s = sp::snapshot::empty_for(*registry, 0s, 1s);
  s.merge(rec.take(1s));
  const auto source = [&](const sp::metric_aggregate& a) { return s.values(a); };
  const std::vector<sp::threshold_result> results{(login.p(95) < 200ms).evaluate(source)};
  const auto lines = lines_of(sp::format_summary(s, results, legacy()));
  const auto parent = std::find_if(lines.begin(), lines.end(),
                                   [](const std::string& l) { return l.starts_with("     http_req_duration"); });
  REQUIRE(parent != lines.end());
  CHECK(parent->ends_with(": [no data]"));
  REQUIRE(parent + 1 != lines.end());
  INFO(*(parent + 1));
  CHECK((parent + 1)->starts_with("     ✓ { name:login }."));
  CHECK((parent + 1)->ends_with(": [no data]"));
  CHECK(std::none_of(lines.begin(), lines.end(), [](const std::string& l) { return l.find("http_req_waiting") != std::string::npos; }));
}

TEST_CASE("colours wrap values and marks in ANSI codes only when asked") {
  const auto run = stampede_test::seed_like_run(std::make_shared<sp::metric_registry>());
  auto options = legacy();
  CHECK(sp::format_summary(run, {}, options).find('\x1b') == std::string::npos);
  options.colors = true;
  const auto source = [&](const sp::metric_aggregate& a) { return run.values(a); };
  const std::vector<sp::threshold_result> passed{(sp::http_reqs.count() > 0).evaluate(source)};
  const auto coloured = sp::format_summary(run, passed, options);
  CHECK(coloured.find("\x1b[36m4.8 MB\x1b[0m") != std::string::npos);
  CHECK(coloured.find("\x1b[32m✓\x1b[0m") != std::string::npos);  // the passed threshold's mark
}

TEST_CASE("a fixed time unit and an unknown trend statistic") {
  const auto run = stampede_test::seed_like_run(std::make_shared<sp::metric_registry>());
  auto options = legacy();
  options.fixed_time_unit = sp::time_unit::ms;
  const auto text = sp::format_summary(run, {}, options);
  CHECK(text.find("http_req_connecting............: avg=0.00ms ") != std::string::npos);
  options.trend_stats = {"avg", "p(101)"};
  CHECK_THROWS_AS(sp::format_summary(run, {}, options), sp::usage_error);
  options.trend_stats = {"mean"};
  CHECK_THROWS_WITH(sp::format_summary(run, {}, options),
                    "unknown trend statistic \"mean\" (avg, min, med, max, count or p(N) with N from 0 to 100)");
}

TEST_CASE("an empty list of trend statistics shows trends without values, as k6 with --summary-trend-stats \"\"") {
  const auto run = stampede_test::seed_like_run(std::make_shared<sp::metric_registry>());
  auto options = legacy();
  options.trend_stats = {};
  const auto lines = lines_of(sp::format_summary(run, {}, options));
  const auto duration = std::find_if(lines.begin(), lines.end(),
                                     [](const std::string& l) { return l.starts_with("     http_req_duration."); });
  REQUIRE(duration != lines.end());
  CHECK(duration->ends_with("...: "));
  CHECK(std::find(lines.begin(), lines.end(), "     http_reqs......................: 7821   781.54944/s") != lines.end());
}
