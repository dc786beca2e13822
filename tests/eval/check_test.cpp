// Tests of checks: the outcome is returned and recorded, failures never throw, and the
// per-group counts survive merges across shards.
#include <stampede/eval/check.hpp>

#include <stampede/core/error.hpp>
#include <stampede/eval/threshold.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <memory>
#include <stdexcept>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

struct response {
  int status;
};

}  // namespace

TEST_CASE("a check returns its outcome and records it in checks, tagged with its name") {
  auto registry = std::make_shared<sp::metric_registry>();
  sp::recorder rec{registry};
  const sp::tag_set tags{{"scenario", "default"}, {"group", ""}};
  const auto is_200 = [](const response& r) { return r.status == 200; };

  CHECK(sp::check(rec, response{200}, "status was 200", is_200, tags, 1s));
  CHECK_FALSE(sp::check(rec, response{503}, "status was 200", is_200, tags, 2s));
  CHECK(sp::check(rec, response{200}, "status was 200", is_200, tags, 3s));
  const auto s = rec.take(3s);

  CHECK(s.values(sp::checks.rate()) == std::vector<double>{2.0 / 3.0});
  const auto results = sp::check_results(s);
  REQUIRE(results.size() == 1);
  CHECK(results[0] == sp::check_result{"", "status was 200", 2, 1});
  // The per-check series is a sub-metric thresholds can name too.
  CHECK(s.values(sp::checks.where("check", "status was 200").where("group", "").rate()) ==
        std::vector<double>{2.0 / 3.0});
}

TEST_CASE("check results are listed by group, in the order they first appeared") {
  auto registry = std::make_shared<sp::metric_registry>();
  sp::recorder rec{registry};
  const auto yes = [](int) { return true; };
  const auto no = [](int) { return false; };
  const sp::tag_set root{{"group", ""}};
  const sp::tag_set login{{"group", "::login"}};
  (void)sp::check(rec, 1, "home page loads", yes, root, 1s);
  (void)sp::check(rec, 1, "token issued", yes, login, 1s);
  (void)sp::check(rec, 1, "cookie set", no, login, 1s);
  (void)sp::check(rec, 1, "logout works", yes, root, 1s);
  (void)sp::check(rec, 1, "token issued", no, login, 1s);

  const auto results = sp::check_results(rec.take(1s));
  REQUIRE(results.size() == 4);
  CHECK(results[0] == sp::check_result{"", "home page loads", 1, 0});
  CHECK(results[1] == sp::check_result{"", "logout works", 1, 0});
  CHECK(results[2] == sp::check_result{"::login", "token issued", 1, 1});
  CHECK(results[3] == sp::check_result{"::login", "cookie set", 0, 1});
}

TEST_CASE("check counts from several shards add up when their deltas merge") {
  auto registry = std::make_shared<sp::metric_registry>();
  sp::recorder a{registry}, b{registry};
  const auto even = [](int i) { return i % 2 == 0; };
  for (int i = 0; i < 10; ++i) (void)sp::check(a, i, "even", even, {}, 1s);
  for (int i = 0; i < 5; ++i) (void)sp::check(b, i, "even", even, {}, 1s);
  auto merged = a.take(1s);
  merged.merge(b.take(1s));
  const auto results = sp::check_results(merged);
  REQUIRE(results.size() == 1);
  CHECK(results[0] == sp::check_result{"", "even", 8, 7});
}

TEST_CASE("a check without a name is a usage error and a throwing predicate records nothing") {
  sp::recorder rec{std::make_shared<sp::metric_registry>()};
  CHECK_THROWS_AS(sp::check(rec, 1, "", [](int) { return true; }, {}, 1s), sp::usage_error);
  CHECK_THROWS_AS(sp::check(rec, 1, "explodes", [](int) -> bool { throw std::runtime_error("boom"); }, {}, 1s),
                  std::runtime_error);
  CHECK(rec.pending_samples() == 0);
}

TEST_CASE("breakdowns split a metric by tag values, for per-endpoint tables") {
  auto registry = std::make_shared<sp::metric_registry>();
  registry->breakdown(sp::http_req_duration, {"name"});
  CHECK(registry->breakdown_keys(*registry->find("http_req_duration")) == std::vector<std::string>{"name"});
  CHECK_THROWS_AS(registry->breakdown(sp::http_reqs, {}), sp::usage_error);
  sp::recorder rec{registry};
  rec.add(sp::http_req_duration, 10e6, {{"name", "list todos"}, {"status", "200"}}, 1s);
  rec.add(sp::http_req_duration, 30e6, {{"name", "create todo"}, {"status", "201"}}, 1s);
  rec.add(sp::http_req_duration, 20e6, {{"name", "list todos"}, {"status", "200"}}, 1s);
  rec.add(sp::http_req_duration, 5e6, {{"status", "200"}}, 1s);  // no name: only the total
  const auto s = rec.take(1s);
  CHECK(s.values(sp::http_req_duration.where("name", "list todos").max()) == std::vector<double>{20e6});
  CHECK(s.values(sp::http_req_duration.where("name", "create todo").avg()) == std::vector<double>{30e6});
  CHECK(std::get<sp::trend_sink>(*s.find(sp::http_req_duration.descriptor())).samples.count() == 4);
}
