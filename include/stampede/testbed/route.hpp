// What the testbed server answers on one method and path: status, body, latency, errors, or a
// WebSocket session that echoes or broadcasts.
#pragma once

#include <stampede/testbed/service_time.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stampede::testbed {

/// What a route does with an upgrade to WebSocket (RFC 6455).
enum class websocket_mode : std::uint8_t {
  none,       ///< an HTTP route
  echo,       ///< each text or binary message is sent back to its sender, same opcode and payload
  broadcast,  ///< each message is sent to every session open on the route's path, the sender included
};

/// One endpoint of the testbed server.
///
/// ```cpp
/// route{.path = "/api/todos", .body_bytes = 2048, .latency = service_time::exponential(5ms),
///       .error_rate = 0.01}
/// route{.path = "/old", .status = 302, .headers = {{"Location", "/api/todos"}}}
/// route{.path = "/login", .headers = {{"Set-Cookie", "session=abc; Path=/"}}}
/// route{.path = "/ws/echo", .websocket = websocket_mode::echo, .subprotocols = {"chat"}}
/// route{.path = "/ws/answers", .websocket = websocket_mode::broadcast}
/// route{.method = "POST", .path = "/api/answers", .status = 201, .publish = "/ws/answers"}
/// ```
///
/// A route with a `websocket` mode answers a valid upgrade request (a GET with `Upgrade:
/// websocket`, `Connection: Upgrade`, `Sec-WebSocket-Version: 13` and a `Sec-WebSocket-Key`)
/// with `101 Switching Protocols`, a plain GET with 426 and a malformed upgrade with 400; then
/// each message waits for a replica slot (if `replicated`) and for `latency`, as a request
/// does, before it is echoed or broadcast. `error_rate` answers that share of upgrades with
/// `error_status` instead of 101; `status`, `body`, `body_bytes` and `content_type` are not
/// used. WebSocket needs OpenSSL (`STAMPEDE_WITH_TLS`) for the handshake's SHA-1.
struct route {
  std::string method = "GET";  ///< exact, case-sensitive; "*" matches any method; GET also answers HEAD
  std::string path{};          ///< exact match on the path, query ignored; must start with '/'
  int status = 200;
  std::string body{};
  std::size_t body_bytes = 0;  ///< > 0: a generated body of this many bytes instead of `body`
  std::string content_type = "text/plain";
  service_time latency = service_time::fixed({});  ///< added before answering (a timer, not CPU)
  double error_rate = 0;   ///< this share of requests is answered with `error_status` (seeded)
  int error_status = 500;
  bool replicated = true;  ///< served through the server's replica model, if it has one
  /// Header fields added to the route's answers (`Location`, `Set-Cookie`, ...), in this
  /// order, repeated names included; not to the `error_status` answers. The server writes
  /// `Content-Type`, `Content-Length`, `Transfer-Encoding` and `Connection` itself, so those
  /// names are refused.
  std::vector<std::pair<std::string, std::string>> headers{};
  /// Not `none`: a WebSocket route, which must be a GET. Its `headers` go on the 101 answer.
  websocket_mode websocket = websocket_mode::none;
  /// For a WebSocket route: the subprotocols it speaks. The first one the client offers that
  /// is in this list is chosen; none if the list is empty or nothing offered is in it.
  std::vector<std::string> subprotocols{};
  /// For an HTTP route: the path of a WebSocket route whose open sessions get, each time this
  /// route answers (not its `error_status` answers), the request's body as a message — or the
  /// route's answer body when the request has none. Text if it is UTF-8, else binary.
  /// `server_options::validate` refuses a path that is no WebSocket route's.
  std::string publish{};

  /// Throws `usage_error` naming the field that is wrong.
  void validate() const;
};

/// How a request matched a route table.
struct route_match {
  enum class outcome : unsigned char { found, method_not_allowed, not_found };
  outcome result = outcome::not_found;
  const route* matched = nullptr;  ///< set when `result` is `found`
  bool head = false;               ///< a HEAD request: answer with headers only
};

/// The path of a request target: what comes before '?' or '#'.
[[nodiscard]] std::string_view target_path(std::string_view target) noexcept;

/// The first route of `routes` whose path equals the target's path and whose method matches
/// (`*` matches any, and a GET route answers HEAD). A path known only with other methods is
/// `method_not_allowed` (405); an unknown path is `not_found` (404).
[[nodiscard]] route_match find_route(const std::vector<route>& routes, std::string_view method,
                                     std::string_view target) noexcept;

/// The routes a server has when none are given: `GET /` → 200 "ok".
[[nodiscard]] std::vector<route> default_routes();

}  // namespace stampede::testbed

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/testbed/impl/route.ipp>
#endif
