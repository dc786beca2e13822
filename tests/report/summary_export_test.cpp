// Tests of the summary export in k6's --summary-export shape.
#include <stampede/report/summary_export.hpp>

#include <stampede/eval/check.hpp>

#include "report/seed_like_run.hpp"
#include "support/catch_compat.hpp"
#include "support/golden.hpp"

#include <memory>
#include <string>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

TEST_CASE("the export has k6's fields: counts and rates, passes and fails, trends in milliseconds") {
  const auto run = stampede_test::seed_like_run(std::make_shared<sp::metric_registry>());
  const auto source = [&](const sp::metric_aggregate& a) { return run.values(a); };
  // k6's string form, so that the export is the one k6 writes for the same thresholds.
  const std::vector<sp::threshold_result> results{
      sp::threshold{"http_req_duration", "p(95)<200"}.resolve().evaluate(source),
      sp::threshold{"http_req_failed", "rate<0.01"}.resolve().evaluate(source),
      sp::threshold{"http_req_duration", "p(50)<1"}.resolve().evaluate(source),
  };
  const auto json = sp::format_summary_export(run, results);
  CHECK(json.starts_with("{\"root_group\":{\"name\":\"\",\"path\":\"\",\"groups\":{},\"checks\":{}},\"metrics\":{"));
  CHECK(json.find("\"http_reqs\":{\"count\":7821,\"rate\":781.54943999") != std::string::npos);  // full precision
  CHECK(json.find("\"http_req_failed\":{\"passes\":0,\"fails\":7821,\"value\":0,\"thresholds\":{\"rate<0.01\":false}}") !=
        std::string::npos);
  CHECK(json.find("\"vus\":{\"value\":10,\"min\":10,\"max\":10}") != std::string::npos);
  CHECK(json.find("\"data_received\":{\"count\":4849500,") != std::string::npos);
  CHECK(json.find("\"http_req_connecting\":{\"avg\":0,\"min\":0,\"med\":0,\"max\":0,\"p(90)\":0,\"p(95)\":0}") !=
        std::string::npos);
  // A threshold maps its expression to whether it failed, as in k6's export.
  CHECK(json.find("\"thresholds\":{\"p(95)<200\":false,\"p(50)<1\":true}") != std::string::npos);
  // One built in C++ is keyed by its expression with the unit.
  const auto cpp = sp::format_summary_export(run, {(sp::http_req_duration.p(95) < 200ms).evaluate(source)});
  CHECK(cpp.find("\"thresholds\":{\"p(95)<200ms\":false}") != std::string::npos);
  CHECK(json.find("\"http_req_duration{expected_response:true}\":{\"avg\":") != std::string::npos);
  CHECK(json.find("\"group_duration\"") == std::string::npos);  // no samples, no threshold
  stampede_test::check_golden("report/golden/seed_like_run.json", json);
}

TEST_CASE("the export nests checks in their groups and escapes every string") {
  auto registry = std::make_shared<sp::metric_registry>();
  registry->track(sp::http_reqs.where("url", "http://h/?q=\"a\",b\n"));
  sp::recorder rec{registry};
  (void)sp::check(rec, 1, "status \"was\" 200", [](int) { return true; }, {{"group", "::login::token"}}, 1s);
  (void)sp::check(rec, 1, "home", [](int) { return false; }, {{"group", ""}}, 1s);
  rec.add(sp::http_reqs, 1, {{"url", "http://h/?q=\"a\",b\n"}}, 1s);
  auto s = sp::snapshot::empty_for(*registry, 0s, 1s);
  s.merge(rec.take(1s));
  // A sub-metric is exported when a threshold names it, as in k6 (where only thresholds make them).
  const auto source = [&](const sp::metric_aggregate& a) { return s.values(a); };
  const auto json = sp::format_summary_export(
      s, {(sp::http_reqs.where("url", "http://h/?q=\"a\",b\n").count() > 0).evaluate(source)});
  CHECK(json.find("\"checks\":{\"home\":{\"name\":\"home\",\"path\":\"::home\",\"passes\":0,\"fails\":1}}") !=
        std::string::npos);
  CHECK(json.find("\"groups\":{\"login\":{\"name\":\"login\",\"path\":\"::login\",\"groups\":{\"token\":{\"name\":"
                  "\"token\",\"path\":\"::login::token\",\"groups\":{},\"checks\":{\"status \\\"was\\\" 200\":") !=
        std::string::npos);
  CHECK(json.find("\"http_reqs{url:\\\"http://h/?q=\\\\\\\"a\\\\\\\",b\\\\n\\\"}\":{\"count\":1,\"rate\":1,") !=
        std::string::npos);
  CHECK(sp::json_quote(std::string{"tab\there\x01"}) == "\"tab\\there\\u0001\"");
}
