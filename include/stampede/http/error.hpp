// How an HTTP request can fail: a small stable taxonomy, k6's numeric error codes, a message.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace stampede::http {

/// What went wrong with a request, in few enough kinds to tabulate. A request that got a
/// response, whatever its status, has `error_kind::none`.
enum class error_kind : std::uint8_t {
  none,         ///< a response arrived (its status may still be "unexpected")
  invalid_url,  ///< a redirect pointed at a URL that cannot be requested
  dns,          ///< the host name did not resolve
  refused,      ///< the server refused the TCP connection
  connect,      ///< the TCP connection could not be made for another reason (unreachable, ...)
  reset,        ///< the connection was reset (RST) or broke (EPIPE) during the exchange
  closed,       ///< the server closed the connection before the response was complete
  timeout,      ///< the request's timeout expired
  tls,          ///< TLS failed: handshake, certificate, or no TLS in this build
  protocol,     ///< the response was not valid HTTP/1.x
  too_large,    ///< the response's headers or body went over a limit in `client_options`
  network,      ///< another socket error
};

/// The kind's name in snake_case (`"timeout"`, `"too_large"`).
[[nodiscard]] constexpr std::string_view to_string(error_kind kind) noexcept;

/// k6's numeric error codes (k6's lib/netext/httpext/error_codes.go), the `error_code` tag and
/// `response::error_code()`. 4xx and 5xx responses get 1000 + status, as k6 gives them.
namespace k6_error {
inline constexpr int generic = 1000;             ///< anything not listed below
inline constexpr int invalid_url = 1020;
inline constexpr int request_timeout = 1050;
inline constexpr int dns = 1100;
inline constexpr int dns_no_such_host = 1101;
inline constexpr int tcp = 1200;
inline constexpr int tcp_broken_pipe = 1201;
inline constexpr int tcp_unknown_errno = 1202;
inline constexpr int tcp_dial = 1210;
inline constexpr int tcp_dial_timeout = 1211;
inline constexpr int tcp_dial_refused = 1212;
inline constexpr int tcp_reset_by_peer = 1220;
inline constexpr int tls = 1300;
inline constexpr int tls_unknown_authority = 1310;
inline constexpr int tls_hostname = 1311;
}  // namespace k6_error

/// The failure of one request: its kind, k6's code and a message for people. Converts to
/// `true` when there was a failure.
///
/// ```cpp
/// if (res.error()) fmt::print("{}: {}\n", to_string(res.error().kind), res.error().message);
/// ```
struct error {
  error_kind kind = error_kind::none;
  int code = 0;          ///< k6's code (`k6_error::`), 0 for none
  std::string message;   ///< e.g. "dial: connection refused", "request timeout"

  explicit operator bool() const noexcept { return kind != error_kind::none; }
  friend bool operator==(const error&, const error&) = default;
};

/// k6's code for a kind when nothing more specific is known.
[[nodiscard]] constexpr int default_k6_code(error_kind kind) noexcept;

/// Thrown by a request that got no response, instead of returning one with `error()` set,
/// when the client has `client_options::throw_on_failure` (k6's `throw`). Its samples are
/// recorded before it is thrown, `http_req_failed` among them. In a VU's iteration the engine
/// catches it: the iteration ends, its message is counted with the run's errors, and the VU goes
/// on with its next iteration.
///
/// ```cpp
/// try { co_await client.get(url); }
/// catch (const http::request_failed& e) { e.error().kind; e.error_code(); /* 1212 */ }
/// ```
class request_failed : public std::runtime_error {
 public:
  /// what(): "GET http://127.0.0.1:1/: dial: connection refused (error_code 1212)".
  request_failed(std::string_view method, std::string_view url, http::error e)
      : std::runtime_error{std::string{method} + " " + std::string{url} + ": " + e.message + " (error_code " +
                           std::to_string(e.code) + ")"},
        error_{std::move(e)} {}

  /// The failure, as `response::error()` would have held it.
  [[nodiscard]] const http::error& error() const noexcept { return error_; }
  /// k6's code of the failure (`k6_error::`), as `response::error_code()` would have said.
  [[nodiscard]] int error_code() const noexcept { return error_.code; }

 private:
  http::error error_;
};

}  // namespace stampede::http

#include <stampede/http/impl/error.hpp>
