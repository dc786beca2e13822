// Tests of the response predicates: results, composition, descriptions.
#include <stampede/http/predicates.hpp>

#include "support/catch_compat.hpp"

#include <chrono>

namespace {
using namespace std::chrono_literals;
namespace sp = stampede;
namespace http = stampede::http;

http::response json_ok() {
  return http::response{200, {{"Content-Type", "application/json"}}, R"({"todo":"milk"})",
                        http::timings{.duration = 150ms}};
}
}  // namespace

TEST_CASE("response predicates test one thing each") {
  const auto res = json_ok();
  CHECK(sp::status_is(200)(res));
  CHECK_FALSE(sp::status_is(201)(res));
  CHECK(sp::status_in(200, 299)(res));
  CHECK_FALSE(sp::status_in(300, 399)(res));
  CHECK(sp::body_contains("todo")(res));
  CHECK_FALSE(sp::body_contains("eggs")(res));
  CHECK(sp::header_is("content-type", "application/json")(res));
  CHECK_FALSE(sp::header_is("content-type", "text/plain")(res));
  CHECK_FALSE(sp::header_is("x-missing", "")(res));
  CHECK(sp::duration_below(200ms)(res));
  CHECK_FALSE(sp::duration_below(100ms)(res));
  CHECK_FALSE(sp::duration_below(1h)(http::response{}));  // a failed request is never fast
}

TEST_CASE("response predicates compose with && || ! and describe themselves") {
  const auto res = json_ok();
  const auto both = sp::status_is(200) && sp::body_contains("ok");
  CHECK(both.describe() == "status is 200 && body contains \"ok\"");
  CHECK_FALSE(both(res));
  const auto either = sp::status_is(500) || sp::body_contains("milk");
  CHECK(either.describe() == "status is 500 || body contains \"milk\"");
  CHECK(either(res));
  const auto nested = (sp::status_is(500) || sp::status_is(200)) && !sp::body_contains("error");
  CHECK(nested.describe() == "(status is 500 || status is 200) && !(body contains \"error\")");
  CHECK(nested(res));
  const auto chain = sp::status_is(200) && sp::header_is("content-type", "application/json") && sp::duration_below(200ms);
  CHECK(chain.describe() == "status is 200 && header content-type is \"application/json\" && duration below 200ms");
  CHECK(chain(res));
  CHECK((sp::status_in(200, 299) || sp::status_is(304)).describe() == "status in 200-299 || status is 304");
  CHECK(sp::body_contains("say \"hi\"").describe() == R"(body contains "say \"hi\"")");
}

TEST_CASE("composed predicates own their operands") {
  auto make = [] {
    std::string text = "milk";
    return sp::body_contains(text) && sp::status_is(200);  // text dies here; the predicate must not care
  };
  const auto p = make();
  CHECK(p(json_ok()));
  CHECK(p.describe() == "body contains \"milk\" && status is 200");
}
