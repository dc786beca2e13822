// Tests of the testbed server's option checks.
#include <stampede/testbed/server_options.hpp>

#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"

#include <string>
#include <utility>

namespace tb = stampede::testbed;
using namespace std::chrono_literals;

namespace {

std::string problem(const tb::server_options& o) {
  try {
    o.validate();
  } catch (const stampede::usage_error& e) {
    return e.what();
  }
  return "valid";
}

}  // namespace

TEST_CASE("server_options::validate names the field that is wrong") {
  CHECK(problem({}) == "valid");
  CHECK_THAT(problem({.host = ""}), Catch::Matchers::Contains("host"));
  CHECK_THAT(problem({.threads = 0}), Catch::Matchers::Contains("threads"));
  CHECK_THAT(problem({.threads = 65}), Catch::Matchers::Contains("threads"));
  CHECK_THAT(problem({.routes = {{.path = "nope"}}}), Catch::Matchers::Contains("path"));
  CHECK_THAT(problem({.replicas = tb::replica_model{.replicas = 0}}), Catch::Matchers::Contains("replicas"));
  CHECK_THAT(problem({.limits = {.max_header_bytes = 0}}), Catch::Matchers::Contains("max_header_bytes"));
  CHECK_THAT(problem({.limits = {.idle_timeout = 0s}}), Catch::Matchers::Contains("idle_timeout"));
  CHECK_THAT(problem({.limits = {.max_connections = 0}}), Catch::Matchers::Contains("max_connections"));
}

TEST_CASE("server_options::validate refuses a publish that names no WebSocket route, and empty WebSocket limits") {
  const tb::route ws{.path = "/ws", .websocket = tb::websocket_mode::broadcast};
  const tb::route http{.path = "/http"};
  const auto publishing = [](std::string path) { return tb::route{.method = "POST", .path = "/p", .publish = std::move(path)}; };
#if STAMPEDE_WITH_TLS
  CHECK(problem({.routes = {ws, publishing("/ws")}}) == "valid");
  CHECK(problem({.routes = {publishing("/ws"), ws}}) == "valid");  // in any order
#else
  CHECK_THAT(problem({.routes = {ws}}), Catch::Matchers::Contains("OpenSSL"));
#endif
  CHECK_THAT(problem({.limits = {.max_websocket_message_bytes = 0}}), Catch::Matchers::Contains("max_websocket_message_bytes"));
  CHECK(problem({.limits = {.max_websocket_message_bytes = 100, .max_websocket_queued_bytes = 99}}) ==
        "server_options: limits.max_websocket_queued_bytes (99) must be at least limits.max_websocket_message_bytes (100)");
  CHECK(problem({.limits = {.max_websocket_message_bytes = 100, .max_websocket_queued_bytes = 100}}) == "valid");
  CHECK(problem({.routes = {http, publishing("/http")}}) ==
        "route POST /p: publish \"/http\" is not the path of a WebSocket route (one with websocket set) of "
        "server_options::routes");
  CHECK_THAT(problem({.routes = {publishing("/nowhere")}}), Catch::Matchers::Contains("publish \"/nowhere\""));
}
