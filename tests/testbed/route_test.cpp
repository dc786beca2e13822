// Tests of route matching, the built-in endpoints and what the server decides to answer.
#include <stampede/testbed/route.hpp>

#include <stampede/core/error.hpp>
#include <stampede/testbed/detail/builtin_routes.hpp>
#include <stampede/testbed/detail/response.hpp>
#include <stampede/testbed/server_options.hpp>

#include "support/catch_compat.hpp"

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace tb = stampede::testbed;
using namespace std::chrono_literals;
using outcome = tb::route_match::outcome;

TEST_CASE("find_route matches the exact path, ignores the query and honours the method") {
  const std::vector<tb::route> routes = {
      {.method = "GET", .path = "/a", .body = "get a"},
      {.method = "POST", .path = "/a", .body = "post a"},
      {.method = "*", .path = "/any", .body = "any"},
      {.method = "GET", .path = "/a/b", .body = "get a/b"},
  };
  struct row {
    const char* method;
    const char* target;
    outcome result;
    const char* body;  // of the matched route
    bool head;
  };
  const row rows[] = {
      {"GET", "/a", outcome::found, "get a", false},
      {"POST", "/a", outcome::found, "post a", false},
      {"GET", "/a?x=1&y=2", outcome::found, "get a", false},
      {"GET", "/a#frag", outcome::found, "get a", false},
      {"HEAD", "/a", outcome::found, "get a", true},  // GET routes answer HEAD
      {"DELETE", "/a", outcome::method_not_allowed, nullptr, false},
      {"DELETE", "/any", outcome::found, "any", false},
      {"HEAD", "/any", outcome::found, "any", true},
      {"GET", "/a/b", outcome::found, "get a/b", false},
      {"GET", "/a/", outcome::not_found, nullptr, false},  // exact: no prefix or slash folding
      {"GET", "/A", outcome::not_found, nullptr, false},
      {"get", "/a", outcome::method_not_allowed, nullptr, false},  // methods are case-sensitive
      {"GET", "/nowhere", outcome::not_found, nullptr, false},
  };
  for (const auto& r : rows) {
    INFO(r.method << " " << r.target);
    const auto m = tb::find_route(routes, r.method, r.target);
    CHECK(m.result == r.result);
    CHECK(m.head == r.head);
    if (r.body != nullptr) {
      REQUIRE(m.matched != nullptr);
      CHECK(m.matched->body == r.body);
    } else {
      CHECK(m.matched == nullptr);
    }
  }
  CHECK(tb::target_path("/x?y") == "/x");
  CHECK(tb::target_path("/x") == "/x");
}

TEST_CASE("find_route takes the first of several routes for the same method and path") {
  const std::vector<tb::route> routes = {{.path = "/", .body = "first"}, {.path = "/", .body = "second"}};
  CHECK(tb::find_route(routes, "GET", "/").matched->body == "first");
  CHECK(tb::find_route(tb::default_routes(), "GET", "/").matched->body == "ok");
}

TEST_CASE("route::validate refuses what the server could not serve") {
  const tb::route bad[] = {
      {.path = ""},          {.path = "relative"},          {.path = "/a?b"},
      {.method = "", .path = "/"}, {.method = "G T", .path = "/"}, {.path = "/", .status = 99},
      {.path = "/", .status = 600}, {.path = "/", .error_rate = 1.5}, {.path = "/", .error_rate = -0.1},
      {.path = "/", .error_status = 0}, {.path = "/", .content_type = "a\r\nX-Injected: 1"},
  };
  for (const auto& r : bad) {
    INFO(r.method << " " << r.path);
    CHECK_THROWS_AS(r.validate(), stampede::usage_error);
  }
  CHECK_NOTHROW(tb::route{.method = "*", .path = "/x", .status = 204, .error_rate = 1}.validate());
}

TEST_CASE("route::validate refuses header fields that are not tokens, inject lines or reframe the answer") {
  struct row {
    std::string name;
    std::string value;
    const char* problem;  // the usage_error's text after the route and the field
  };
  const row rows[] = {
      {"", "x", "the name must be a token"},
      {"Set Cookie", "a=1", "the name must be a token"},
      {"Location:", "/x", "the name must be a token"},
      {"X-Bad\r\nX-Injected", "1", "the name must be a token"},
      {"Location", "/x\r\nX-Injected: 1", "the value must not hold CR, LF or NUL"},
      {"Location", "/x\n", "the value must not hold CR, LF or NUL"},
      {"Location", std::string{"/x\0y", 4}, "the value must not hold CR, LF or NUL"},
      {"content-length", "5", "the server writes this field itself"},
      {"Transfer-Encoding", "chunked", "the server writes this field itself"},
      {"CONNECTION", "close", "the server writes this field itself"},
      {"Content-Type", "text/html", "the server writes this field itself; set content_type"},
  };
  for (const auto& r : rows) {
    INFO(r.name << ": " << r.value);
    const tb::route bad{.path = "/h", .headers = {{"X-Fine", "1"}, {r.name, r.value}}};
    CHECK_THROWS_AS(bad.validate(), stampede::usage_error);
    CHECK_THROWS_WITH(bad.validate(), Catch::Contains("route GET /h: headers[1] (\"" + r.name + "\"): " + r.problem));
  }
  CHECK_NOTHROW(tb::route{.path = "/h",
                          .status = 302,
                          .headers = {{"Location", "/next?a=1"},
                                      {"Set-Cookie", "a=1; Path=/"},
                                      {"Set-Cookie", "b=2"},
                                      {"x-!#$%&'*+-.^_`|~", ""},
                                      {"Cache-Control", "no-store\tprivate"}}}
                    .validate());
}

TEST_CASE("parse_builtin reads /status/{code}, /bytes/{n} and /delay/{ms}") {
  using kind = tb::detail::builtin_request::kind;
  using tb::detail::builtin_request;
  struct row {
    const char* path;
    std::optional<builtin_request> expected;
  };
  const row rows[] = {
      {"/status/404", builtin_request{kind::status, 404}},
      {"/bytes/1024", builtin_request{kind::bytes, 1024}},
      {"/delay/250", builtin_request{kind::delay, 250}},
      {"/bytes/0", builtin_request{kind::bytes, 0}},
      {"/status/", std::nullopt},
      {"/status/12a", std::nullopt},
      {"/status/-1", std::nullopt},
      {"/bytes/99999999999999999999", std::nullopt},  // does not fit
      {"/delays/1", std::nullopt},
      {"/", std::nullopt},
  };
  for (const auto& r : rows) {
    INFO(r.path);
    CHECK(tb::detail::parse_builtin(r.path) == r.expected);
  }
}

namespace {

tb::detail::request_head request(std::string method, std::string target) {
  tb::detail::request_head h;
  h.method = std::move(method);
  h.target = std::move(target);
  return h;
}

}  // namespace

TEST_CASE("plan_response answers routes first, then built-ins, then 405 or 404") {
  const tb::server_options options{
      .routes = {{.path = "/r", .status = 201, .body = "made", .latency = tb::service_time::fixed(3ms)},
                 {.path = "/big", .body_bytes = 100'000},
                 {.path = "/status/418", .body = "a route wins over a built-in"}},
      .replicas = tb::replica_model{}};
  std::mt19937_64 rng{1};
  auto plan = [&](const char* method, const char* target) {
    return tb::detail::plan_response(options.routes, options, request(method, target), rng);
  };
  auto p = plan("GET", "/r");
  CHECK(p.status == 201);
  CHECK(p.body == "made");
  CHECK(p.latency == 3ms);
  CHECK(p.replicated);
  p = plan("GET", "/big");
  CHECK(p.generated_bytes == 100'000);
  p = plan("GET", "/status/418");
  CHECK(p.body == "a route wins over a built-in");
  p = plan("GET", "/status/503");
  CHECK(p.status == 503);
  CHECK_FALSE(p.replicated);
  CHECK(plan("GET", "/status/700").status == 400);
  CHECK(plan("GET", "/bytes/5").generated_bytes == 5);
  CHECK(plan("GET", "/bytes/999999999999").status == 400);  // over limits.max_generated_bytes
  CHECK(plan("GET", "/delay/20").latency == 20ms);
  CHECK(plan("GET", "/nowhere").status == 404);
  CHECK(plan("POST", "/r").status == 405);
  CHECK(plan("GET", "/status/204").head);  // no body for a bodiless status

  auto no_builtins = options;
  no_builtins.builtin_routes = false;
  CHECK(tb::detail::plan_response(no_builtins.routes, no_builtins, request("GET", "/status/503"), rng).status == 404);
}

TEST_CASE("plan_response carries a route's header fields on its own answers, not on its errors") {
  const tb::server_options options{
      .routes = {{.path = "/moved", .status = 302, .headers = {{"Location", "/new"}, {"Set-Cookie", "a=1"}}},
                 {.path = "/failing", .error_rate = 1, .headers = {{"Set-Cookie", "a=1"}}},
                 {.path = "/plain"}}};
  std::mt19937_64 rng{1};
  auto plan = [&](const char* target) {
    return tb::detail::plan_response(options.routes, options, request("GET", target), rng);
  };
  const auto moved = plan("/moved");
  CHECK(moved.status == 302);
  REQUIRE(moved.headers != nullptr);
  CHECK(*moved.headers == options.routes[0].headers);
  const auto failing = plan("/failing");
  CHECK(failing.status == 500);
  CHECK(failing.headers == nullptr);
  CHECK(plan("/plain").headers == nullptr);
  CHECK(plan("/status/302").headers == nullptr);
  CHECK(plan("/nowhere").headers == nullptr);
}

TEST_CASE("plan_response answers error_rate's share with error_status, reproducibly per seed") {
  const tb::server_options options{.routes = {{.path = "/", .body = "ok", .error_rate = 0.25, .error_status = 503}}};
  const auto errors = [&](std::uint64_t seed) {
    std::mt19937_64 rng{seed};
    std::vector<bool> out;
    for (int i = 0; i < 4000; ++i) {
      out.push_back(tb::detail::plan_response(options.routes, options, request("GET", "/"), rng).status == 503);
    }
    return out;
  };
  const auto a = errors(5);
  CHECK(a == errors(5));
  CHECK(a != errors(6));
  const auto share = static_cast<double>(std::count(a.begin(), a.end(), true)) / static_cast<double>(a.size());
  CHECK(share == Approx(0.25).margin(0.03));  // 4000 draws: σ of the share is 0.007
}

TEST_CASE("response_head writes the status line, length, extra fields and connection handling") {
  using tb::detail::response_head;
  CHECK(response_head(200, "text/plain", 2, true, false) ==
        "HTTP/1.1 200 OK\r\nServer: stampede-testbed\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n");
  CHECK(response_head(404, "text/plain", 9, false, false) ==
        "HTTP/1.1 404 Not Found\r\nServer: stampede-testbed\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n"
        "Connection: close\r\n\r\n");
  CHECK(response_head(200, "a/b", 0, true, true).find("Connection: keep-alive\r\n") != std::string::npos);
  CHECK(response_head(204, "a/b", 0, true, false) == "HTTP/1.1 204 No Content\r\nServer: stampede-testbed\r\n\r\n");
  const std::vector<std::pair<std::string, std::string>> extra{{"Location", "/new"}, {"Set-Cookie", "a=1"},
                                                               {"Set-Cookie", "b=2"}};
  CHECK(response_head(302, "text/plain", 0, false, false, &extra) ==
        "HTTP/1.1 302 Found\r\nServer: stampede-testbed\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n"
        "Location: /new\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nConnection: close\r\n\r\n");
  CHECK(response_head(304, "a/b", 0, true, false, &extra) ==
        "HTTP/1.1 304 Not Modified\r\nServer: stampede-testbed\r\nLocation: /new\r\nSet-Cookie: a=1\r\n"
        "Set-Cookie: b=2\r\n\r\n");
  CHECK(tb::detail::generated_block().size() == 16 * 1024);
}

TEST_CASE("route::validate checks WebSocket routes and publishing routes, naming the field") {
  const auto problem = [](const tb::route& r) {
    try {
      r.validate();
    } catch (const stampede::usage_error& e) {
      return std::string{e.what()};
    }
    return std::string{"valid"};
  };
  const auto echo = tb::websocket_mode::echo;
  CHECK(problem({.path = "/p", .subprotocols = {"chat"}}) ==
        "route GET /p: subprotocols are for WebSocket routes (set websocket)");
  CHECK(problem({.path = "/p", .publish = "ws"}) ==
        "route GET /p: publish must be the path of a WebSocket route (starting with '/'), got \"ws\"");
  CHECK(problem({.path = "/p", .publish = "/ws?x"}).find("publish must be the path") != std::string::npos);
  CHECK(problem({.path = "/p", .websocket = static_cast<tb::websocket_mode>(7)}) ==
        "route GET /p: websocket is not a websocket_mode");
#if STAMPEDE_WITH_TLS
  CHECK(problem({.path = "/ws", .websocket = echo, .subprotocols = {"chat", "v2.chat"}}) == "valid");
  CHECK(problem({.path = "/ws", .headers = {{"Set-Cookie", "a=1"}}, .websocket = echo}) == "valid");
  CHECK(problem({.method = "POST", .path = "/ws", .websocket = echo}) ==
        "route POST /ws: a WebSocket route's method must be GET (an upgrade is a GET)");
  CHECK(problem({.path = "/ws", .websocket = echo, .publish = "/other"}).find("publish is for HTTP routes") !=
        std::string::npos);
  CHECK(problem({.path = "/ws", .websocket = echo, .subprotocols = {"chat", "a b"}}) ==
        "route GET /ws: subprotocols[1] (\"a b\"): a subprotocol must be a token: letters, digits and "
        "!#$%&'*+-.^_`|~");
  CHECK(problem({.path = "/ws", .websocket = echo, .subprotocols = {""}}).find("subprotocols[0]") != std::string::npos);
  CHECK(problem({.path = "/ws", .websocket = echo, .subprotocols = {"chat", "chat"}}) ==
        "route GET /ws: subprotocols[1] (\"chat\"): listed twice");
  for (const char* name : {"Upgrade", "sec-websocket-accept", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions"}) {
    INFO(name);
    CHECK(problem({.path = "/ws", .headers = {{name, "x"}}, .websocket = echo})
              .find("the server writes the handshake's fields itself") != std::string::npos);
  }
#else
  CHECK(problem({.path = "/ws", .websocket = echo}).find("OpenSSL") != std::string::npos);
#endif
}

namespace {

// An upgrade request as the parser reports it.
tb::detail::request_head upgrade_request(std::string target) {
  auto h = request("GET", std::move(target));
  h.upgrade = true;
  h.keep_alive = false;
  h.fields = {.upgrade = "websocket", .connection = "Upgrade", .key = "dGhlIHNhbXBsZSBub25jZQ==", .version = "13"};
  return h;
}

}  // namespace

TEST_CASE("plan_response answers a WebSocket route's upgrade 101, a plain request 426, and draws only the error") {
  const tb::server_options options{
      .routes = {{.path = "/ws", .latency = tb::service_time::exponential(5ms), .websocket = tb::websocket_mode::echo,
                  .subprotocols = {"chat"}},
                 {.path = "/flaky", .error_rate = 0.5, .error_status = 503, .websocket = tb::websocket_mode::echo},
                 {.method = "POST", .path = "/post", .status = 201, .publish = "/ws"},
                 {.method = "POST", .path = "/failing", .error_rate = 1, .publish = "/ws"}},
      .replicas = tb::replica_model{}};
  std::mt19937_64 rng{1};
  std::mt19937_64 untouched{1};
  auto up = upgrade_request("/ws?room=1");
  up.fields.protocol = "v1, chat";
  auto p = tb::detail::plan_response(options.routes, options, up, rng);
  CHECK(p.status == 101);
  CHECK(p.websocket == &options.routes[0]);
  CHECK(p.subprotocol == "chat");
  CHECK(p.head);
  CHECK_FALSE(p.replicated);        // per message, not for the handshake
  CHECK(p.latency == 0ms);
  CHECK(rng() == untouched());      // the latency is drawn per message, not here

  p = tb::detail::plan_response(options.routes, options, request("GET", "/ws"), rng);
  CHECK(p.status == 426);
  CHECK(p.websocket == nullptr);
  CHECK(p.upgrade_offer);
  REQUIRE(p.headers != nullptr);
  CHECK(p.headers->front() == std::pair<std::string, std::string>{"Upgrade", "websocket"});
  CHECK(tb::detail::response_head(p.status, p.content_type, p.body.size(), true, false, p.headers, p.upgrade_offer)
            .find("\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nConnection: Upgrade\r\n\r\n") !=
        std::string::npos);

  up.fields.version = "8";
  p = tb::detail::plan_response(options.routes, options, up, rng);
  CHECK(p.status == 400);
  CHECK_FALSE(p.upgrade_offer);
  REQUIRE(p.headers != nullptr);
  CHECK(p.headers->front() == std::pair<std::string, std::string>{"Sec-WebSocket-Version", "13"});
  CHECK(tb::detail::response_head(400, "text/plain", 0, false, false, p.headers, p.upgrade_offer)
            .find("Connection: close\r\n") != std::string::npos);

  int errors = 0;
  for (int i = 0; i < 200; ++i) {
    const auto f = tb::detail::plan_response(options.routes, options, upgrade_request("/flaky"), rng);
    CHECK((f.status == 101) != (f.status == 503));
    errors += f.status == 503;
  }
  CHECK(errors > 60);
  CHECK(errors < 140);

  auto post = request("POST", "/post");
  p = tb::detail::plan_response(options.routes, options, post, rng);
  REQUIRE(p.publish != nullptr);
  CHECK(*p.publish == "/ws");
  CHECK(tb::detail::plan_response(options.routes, options, request("POST", "/failing"), rng).publish == nullptr);
  CHECK(tb::detail::plan_response(options.routes, options, request("GET", "/status/200"), rng).publish == nullptr);
}
