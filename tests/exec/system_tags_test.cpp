// load_test::system_tags (k6's systemTags), simulated on a manual time: which system tags the
// engine's samples carry, by default and with a set of the test's, and the names it refuses.
#include <stampede/exec/detail/system_tags.hpp>
#include <stampede/exec/runner.hpp>

#include "support/catch_compat.hpp"
#include "support/result_metrics.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

using sp::testing::sample_log;

sp::load_test checking_test(std::optional<std::vector<std::string>> system_tags) {
  return sp::load_test{.scenarios = {{.name = "browse",
                                      .exec = [](sp::vu& u) -> sp::task<> {
                                        co_await u.group("home", [&]() -> sp::task<> {
                                          u.check(1, "one", [](int v) { return v == 1; });
                                          co_return;
                                        });
                                      },
                                      .executor = sp::per_vu_iterations{.vus = 1, .iterations = 2}}},
                       .tags = {{"team", "web"}},
                       .system_tags = std::move(system_tags)};
}

sp::result simulate(const sp::load_test& test, sample_log& log) {
  sp::manual_time time;
  return sp::run(test, {.threads = 1, .seed = 1, .observers = {&log}, .time = &time});
}

}  // namespace

TEST_CASE("by default samples carry k6's default system tags, scenario, group and check among them") {
  sample_log log;
  const auto r = simulate(checking_test(std::nullopt), log);
  CHECK(r.complete_iterations() == 2);
  CHECK(log.tags_of("iterations") == sp::tag_set{{"scenario", "browse"}, {"team", "web"}});
  CHECK(log.tags_of("checks") ==
        sp::tag_set{{"check", "one"}, {"group", "::home"}, {"scenario", "browse"}, {"team", "web"}});
  CHECK(log.tags_of("group_duration") == sp::tag_set{{"group", "::home"}, {"scenario", "browse"}, {"team", "web"}});
}

TEST_CASE("a test's system tags leave the others out and add vu when listed") {
  sample_log log;
  const auto r = simulate(checking_test(std::vector<std::string>{"check", "vu"}), log);
  CHECK(r.complete_iterations() == 2);
  CHECK(log.tags_of("iterations") == sp::tag_set{{"team", "web"}, {"vu", "1"}});
  CHECK(log.tags_of("checks") == sp::tag_set{{"check", "one"}, {"team", "web"}, {"vu", "1"}});
  // The checks are still counted, by name.
  const auto checks = r.checks();
  REQUIRE(checks.size() == 1);
  CHECK(checks[0].passes == 2);
}

TEST_CASE("an empty list of system tags leaves only the test's own tags") {
  sample_log log;
  (void)simulate(checking_test(std::vector<std::string>{}), log);
  CHECK(log.tags_of("iterations") == sp::tag_set{{"team", "web"}});
  CHECK(log.tags_of("checks") == sp::tag_set{{"team", "web"}});
}

TEST_CASE("system tags that are not k6's, or that stampede cannot attach, are usage errors before the run") {
  using Catch::Matchers::Contains;
  const auto message = [](std::vector<std::string> names) {
    try {
      sp::validate(checking_test(std::move(names)));
    } catch (const sp::usage_error& e) {
      return std::string{e.what()};
    }
    return std::string{"no error"};
  };
  const auto unknown = message({"status", "colour", "Method"});
  CHECK_THAT(unknown, Contains("\"colour\", \"Method\""));
  CHECK_THAT(unknown, Contains("proto, subproto, status, method, url, name, group, check, error, error_code, "
                               "tls_version, scenario, service, expected_response, vu, ip"));
  CHECK_THAT(message({"iter", "vu"}), Contains("cannot tag samples with iter"));
  CHECK_THAT(message({"ocsp_status"}), Contains("cannot tag samples with ocsp_status"));
  CHECK(message({"vu", "ip", "error", "service", "subproto"}) == "no error");
}

TEST_CASE("the system tag mask reads k6's names, and its default is k6's") {
  using sp::system_tag_set;
  const auto d = sp::detail::resolve_system_tags(std::nullopt);
  CHECK(d == system_tag_set::k6_default());
  for (const auto bit : {system_tag_set::proto, system_tag_set::subproto, system_tag_set::status,
                         system_tag_set::method, system_tag_set::url, system_tag_set::name, system_tag_set::group,
                         system_tag_set::check, system_tag_set::error, system_tag_set::error_code,
                         system_tag_set::tls_version, system_tag_set::scenario, system_tag_set::service,
                         system_tag_set::expected_response}) {
    CHECK(d.has(bit));
  }
  for (const auto bit : {system_tag_set::iter, system_tag_set::vu, system_tag_set::ocsp_status, system_tag_set::ip}) {
    CHECK(!d.has(bit));
  }
  const auto some = sp::detail::resolve_system_tags(std::vector<std::string>{"url", "ip"});
  CHECK(some.has(system_tag_set::url));
  CHECK(some.has(system_tag_set::ip));
  CHECK(!some.has(system_tag_set::name));
  CHECK(system_tag_set::find("expected_response") == system_tag_set::expected_response);
  CHECK(!system_tag_set::find("URL"));
}
