// The testbed: an in-process HTTP/1.1 and WebSocket server for examples, tests and demos, with tunable
// routes, latency, errors and a replica model whose throughput follows the USL.
#pragma once

#include <stampede/testbed/replica_model.hpp>
#include <stampede/testbed/route.hpp>
#include <stampede/testbed/server_options.hpp>
#include <stampede/testbed/server_stats.hpp>
#include <stampede/testbed/service_time.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace stampede::testbed {

namespace detail {
class server_core;
}

/// An HTTP/1.1 server on its own io_context and thread(s), serving from construction to
/// destruction. Keep-alive, pipelining (answered in order), Content-Length and chunked request
/// bodies (read and discarded, or published), HTTP/1.0; malformed requests get 400, oversized
/// headers 431, oversized bodies 413, unknown paths 404, known paths with another method 405.
/// Routes with `route::websocket` set speak WebSocket (RFC 6455): echo or broadcast, with the
/// same latency and replica model per message, and HTTP routes may `publish` to them.
///
/// ```cpp
/// testbed::server srv{{.routes = {{.path = "/api", .body = "[]", .latency = service_time::fixed(5ms)}},
///                      .replicas = replica_model{.replicas = 4, .sigma = 0.05, .kappa = 0.01}}};
/// run_load_test(srv.url("/api"));
/// srv.set_replicas(8);          // the next point of a scaling study
/// srv.stats().count(200);
/// ```
///
/// Thread safety: `set_replicas`, `stats` and `stop` may be called from any thread while it
/// serves; the server's own threads run the connections.
/// Throws: `usage_error` from the constructor for bad options (naming the field) and
/// `std::system_error` when the address cannot be bound; see each member.
class server {
 public:
  /// Binds and starts serving. Throws `usage_error` for bad options (naming the field) and
  /// `std::system_error` if the address cannot be bound.
  explicit server(server_options options = {});
  /// Stops (see `stop()`).
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// The bound port (the ephemeral one when `options.port` was 0).
  [[nodiscard]] std::uint16_t port() const noexcept;
  /// `http://127.0.0.1:PORT/path` (IPv6 hosts in brackets); a path without a leading '/' gets one.
  [[nodiscard]] std::string url(std::string_view path = "/") const;

  /// Sets the replica count N for requests arriving from now on (thread-safe); requests
  /// holding slots finish as booked. Throws `usage_error` if the server was built without a
  /// replica model or `n` is out of range.
  void set_replicas(int n);
  /// The replica model now. Throws `usage_error` if the server has none.
  [[nodiscard]] replica_model replicas() const;
  /// Whether the server was built with a replica model.
  [[nodiscard]] bool has_replicas() const noexcept;

  /// The counters so far (thread-safe).
  [[nodiscard]] server_stats stats() const;
  /// The options the server was built with.
  [[nodiscard]] const server_options& options() const noexcept;

  /// Stops accepting, closes every connection (requests waiting for a replica slot or a
  /// latency timer are dropped unanswered; WebSocket sessions get a close frame 1001 first, and
  /// a second at most to answer it) and joins the threads. Idempotent and thread-safe; must not
  /// be called from the server's own threads.
  void stop();

 private:
  std::unique_ptr<detail::server_core> core_;
};

}  // namespace stampede::testbed

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/testbed/impl/server.ipp>
#endif
