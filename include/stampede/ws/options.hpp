// A WebSocket client's settings, and the per-connection params k6's ws.connect takes.
#pragma once

#include <stampede/http/headers.hpp>
#include <stampede/metrics/tags.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace stampede::ws {

/// How a `ws::client`'s sessions behave. An aggregate: `client_options{.close_timeout = 1s}`.
/// Name resolution, `hosts`, TLS verification and cookies come from the HTTP client's options
/// (`http::client_options`), which the client is also given, so that both speak to a server
/// the same way.
struct client_options {
  /// From the start of `connect` to the end of the opening handshake: DNS, TCP, TLS and the
  /// upgrade request's answer (k6's handshake timeout, 60 s). `connect_params::timeout`
  /// overrides it per connection.
  std::chrono::nanoseconds connect_timeout = std::chrono::seconds{60};
  /// Each send's limit (k6's 10 s write wait): a server that stops reading fails the session
  /// with a timeout once the socket's buffers are full and this has passed.
  std::chrono::nanoseconds write_timeout = std::chrono::seconds{10};
  /// After the client sent its close frame, how long it waits for the server's close frame
  /// and then for the server to close TCP (RFC 6455 7.1.1 has the server close first) before
  /// it closes the connection itself.
  std::chrono::nanoseconds close_timeout = std::chrono::seconds{5};
  /// The largest message received (all its fragments); a larger one fails the session with
  /// close code 1009 and `error_kind::too_large`, refused at the frame header that crosses
  /// the limit, before its payload arrives.
  std::size_t max_message_bytes = std::size_t{64} << 20;
  /// Limit on the upgrade answer's status line and header fields; more is `too_large`.
  std::size_t max_response_header_bytes = std::size_t{1} << 20;
  /// Limit on the body of an answer that is not 101 (kept for `session::body()`).
  std::size_t max_response_body_bytes = std::size_t{1} << 20;
};

/// k6's params of `ws.connect`: everything about a connection but its URL. An aggregate:
///
/// ```cpp
/// co_await u.ws().connect("ws://127.0.0.1:8080/chat", {.headers = {{"Authorization", "Bearer t"}},
///                                                     .subprotocols = {"chat.v1"},
///                                                     .tags = {{"name", "chat"}}});
/// ```
struct connect_params {
  /// Header fields of the upgrade request, after its own (`Host` given here replaces the
  /// client's). The handshake's own fields (`Upgrade`, `Connection`, `Sec-WebSocket-*`) and
  /// body framing fields are refused: see `subprotocols`.
  http::headers headers{};
  /// Offered in `Sec-WebSocket-Protocol`, in this order; the server may choose one
  /// (`session::subprotocol()`) or none, and choosing one not offered fails the handshake.
  std::vector<std::string> subprotocols{};
  /// Tags on the session's samples, over the VU's.
  tag_set tags{};
  /// This connection's limit instead of `client_options::connect_timeout`.
  std::optional<std::chrono::nanoseconds> timeout{};
};

}  // namespace stampede::ws
