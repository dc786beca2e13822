// How the testbed server is set up: address, threads, seed, routes, replica model and limits.
#pragma once

#include <stampede/testbed/replica_model.hpp>
#include <stampede/testbed/route.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace stampede::testbed {

/// The bounds that keep the server's memory and connections finite whatever clients send.
struct server_limits {
  /// Request line and headers, counted as the method, target, version, header names and
  /// values llhttp reports; more is answered 431 and the connection closed.
  std::size_t max_header_bytes = 8 * 1024;
  /// A request body (Content-Length or chunked; read and discarded); more is answered 413.
  std::size_t max_body_bytes = 1024 * 1024;
  /// A connection with no complete request for this long is closed.
  std::chrono::nanoseconds idle_timeout = std::chrono::seconds{5};
  /// Connections beyond this many open ones are accepted and closed at once.
  std::size_t max_connections = 4096;
  /// The largest body `/bytes/{n}` generates; larger asks are answered 400.
  std::size_t max_generated_bytes = 64 * 1024 * 1024;
  /// A WebSocket message (all its fragments) from a client; more is closed with 1009.
  std::size_t max_websocket_message_bytes = 16 * 1024 * 1024;
  /// Frames waiting to be sent to one WebSocket session (echoes, broadcasts, publications to a
  /// client that reads slower than they come); more closes its connection without a close
  /// frame. At least `max_websocket_message_bytes`.
  std::size_t max_websocket_queued_bytes = 64 * 1024 * 1024;

  friend bool operator==(const server_limits&, const server_limits&) = default;
};

/// Everything about a testbed server, as an aggregate:
///
/// ```cpp
/// server srv{{.routes = {{.path = "/slow", .latency = service_time::fixed(50ms)}},
///             .replicas = replica_model{.replicas = 2, .sigma = 0.1}}};
/// ```
struct server_options {
  std::string host = "127.0.0.1";  ///< an IPv4 or IPv6 address (or "localhost")
  std::uint16_t port = 0;          ///< 0: an ephemeral port, see `server::port()`
  int threads = 1;                 ///< threads running the server's io_context, in [1, 64]
  std::uint64_t seed = 1;          ///< seeds latency and error draws (per connection)
  std::vector<route> routes{};     ///< empty: `default_routes()`, i.e. `GET /` → 200 "ok"
  std::optional<replica_model> replicas{};  ///< unset: requests are not queued for slots
  /// `/status/{code}`, `/bytes/{n}` and `/delay/{ms}` answer when no route matches.
  bool builtin_routes = true;
  server_limits limits{};

  /// Throws `usage_error` naming the field that is wrong, including a route's `publish` that
  /// names no WebSocket route of `routes`.
  void validate() const;
};

}  // namespace stampede::testbed

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/testbed/impl/server_options.ipp>
#endif
