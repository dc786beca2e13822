// A virtual user's WebSocket client: opens sessions (RFC 6455) on the HTTP client's connection
// code and records k6's ws metrics.
#pragma once

#include <stampede/core/task.hpp>
#include <stampede/http/client_options.hpp>
#include <stampede/http/cookie_jar.hpp>
#include <stampede/http/dns_cache.hpp>
#include <stampede/http/metrics_target.hpp>
#include <stampede/ws/message.hpp>
#include <stampede/ws/options.hpp>
#include <stampede/ws/session.hpp>

#include <asio/any_io_executor.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace stampede::ws {

/// Opens WebSocket sessions for one virtual user (k6's `ws.connect`): `ws://` and `wss://`,
/// DNS through the shared cache, TCP and TLS as the HTTP client does them, the opening
/// handshake with its checks (101, `Upgrade`, `Connection`, `Sec-WebSocket-Accept`, no
/// extension or subprotocol that was not offered), the VU's cookies sent and `Set-Cookie` of
/// the answer kept.
///
/// Each connect records `ws_sessions` (1) and `ws_connecting` (its time), tagged `url`,
/// `status` (101, another answer's status, or none) and `subproto`, over the VU's and the
/// params' tags; each session records `ws_msgs_sent`, `ws_msgs_received`, `ws_ping` and, when
/// it ends, `ws_session_duration` (from the start of connect), and its bytes in `data_sent`
/// and `data_received`.
///
/// A failed connect is a value: `session::ok()` false with `status()` and `error()`. Bad
/// input throws `usage_error`: a URL that is not `ws://` or `wss://` (or `http(s)://`, taken
/// as the same), a header that would break the handshake, a subprotocol that is not a token,
/// `wss://` or any handshake in a build without OpenSSL (the accept key needs SHA-1).
///
/// ```cpp
/// const auto ex = co_await asio::this_coro::executor;  // not inside the client's initializer (g++ 12)
/// stampede::ws::client ws{ex};
/// auto s = co_await ws.connect("ws://127.0.0.1:8080/echo", {.subprotocols = {"chat"}});
/// ```
///
/// Thread safety: one client per VU, used from the thread of its executor. Sessions may outlive
/// the client.
class client {
 public:
  /// `connection` holds what is shared with the VU's HTTP client: `hosts`, `dns_ttl`, TLS
  /// verification and roots, `cookies`. `dns`: the run's shared cache, or null for the
  /// client's own. `cookies`: the VU's jar (the HTTP client's), or null for the client's own.
  explicit client(asio::any_io_executor ex, client_options options = {}, http::client_options connection = {},
                  http::metrics_target metrics = {}, std::shared_ptr<http::dns_cache> dns = nullptr,
                  http::cookie_jar* cookies = nullptr);
  client(const client&) = delete;
  client& operator=(const client&) = delete;
  ~client();

  // Overloads rather than default arguments (see http::client).
  task<session> connect(std::string url);
  task<session> connect(std::string url, connect_params params);
  /// Connects and, if the handshake succeeded, runs `handlers` until the session ends (k6's
  /// `ws.connect(url, params, function (socket) {...})`); returns the closed session.
  task<session> connect(std::string url, connect_params params, session_handlers handlers);

  /// Where metrics go; the engine points it at the VU's tags as they change.
  void set_metrics(http::metrics_target metrics) noexcept { metrics_ = metrics; }
  [[nodiscard]] const client_options& config() const noexcept { return options_; }
  /// Sessions whose handshake succeeded since the client was made.
  [[nodiscard]] std::uint64_t sessions_opened() const noexcept { return sessions_opened_; }

 private:
  struct shared;  // what sessions keep of the client: TLS context, DNS, options
  asio::any_io_executor executor_;
  client_options options_;
  http::metrics_target metrics_;
  std::shared_ptr<shared> shared_;
  http::cookie_jar* cookies_;
  std::unique_ptr<http::cookie_jar> own_cookies_;
  std::uint64_t sessions_opened_ = 0;
};

}  // namespace stampede::ws

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/ws/impl/client.ipp>
#endif
