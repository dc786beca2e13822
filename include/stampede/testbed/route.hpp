// What the testbed server answers on one method and path: status, body, latency, errors.
#pragma once

#include <stampede/testbed/service_time.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stampede::testbed {

/// One endpoint of the testbed server.
///
/// ```cpp
/// route{.path = "/api/todos", .body_bytes = 2048, .latency = service_time::exponential(5ms),
///       .error_rate = 0.01}
/// route{.path = "/old", .status = 302, .headers = {{"Location", "/api/todos"}}}
/// route{.path = "/login", .headers = {{"Set-Cookie", "session=abc; Path=/"}}}
/// ```
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
