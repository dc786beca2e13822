// What one HTTP request produced: a status, headers, body and timings, or a classified failure.
#pragma once

#include <stampede/http/detail/recycling_allocator.hpp>
#include <stampede/http/error.hpp>
#include <stampede/http/headers.hpp>
#include <stampede/http/timings.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace stampede::http {

class client;

/// The outcome of a request. A failed request is a response too: `status() == 0`,
/// `error()` says what happened, and the timings cover what was done before the failure.
///
/// ```cpp
/// auto res = co_await client.get(url);
/// if (res.error()) { /* res.error().kind, res.error_code() == 1050, ... */ }
/// else if (res.status() == 200 && res.header("content-type") == "application/json") { ... }
/// ```
class response {
 public:
  response() = default;
  /// A response made by hand, for tests of code that reads responses (predicates, checks).
  explicit response(int status, http::headers headers = {}, std::string body = {}, http::timings timings = {})
      : status_{status}, headers_{std::move(headers)}, body_{body.data(), body.size()}, timings_{timings} {}

  /// The status code; 0 when the request failed.
  [[nodiscard]] int status() const noexcept { return status_; }
  /// The first header field called `name` (case-insensitive), if there is one.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const noexcept {
    return headers_.get(name);
  }
  [[nodiscard]] const http::headers& headers() const noexcept { return headers_; }
  /// The body as received (after de-chunking); empty with `discard_body`, for HEAD, 204, 304.
  [[nodiscard]] std::string_view body() const noexcept { return body_; }
  [[nodiscard]] const http::timings& timings() const noexcept { return timings_; }
  /// Why the request failed; `error_kind::none` when a response arrived.
  [[nodiscard]] const http::error& error() const noexcept { return error_; }
  /// k6's error code: the failure's (1050 timeout, 1212 refused, ...), else 1000 + status for
  /// 4xx and 5xx responses, else 0.
  [[nodiscard]] int error_code() const noexcept {
    if (error_) return error_.code;
    return status_ >= 400 ? 1000 + status_ : 0;
  }
  /// `ip:port` of the server, once connected (empty if the request never connected).
  [[nodiscard]] const std::string& remote_address() const noexcept { return remote_address_; }
  /// `"HTTP/1.1"` or `"HTTP/1.0"` as the server spoke; empty for a failed request.
  [[nodiscard]] std::string_view protocol() const noexcept { return protocol_; }
  /// The TLS version in k6's words (`"tls1.3"`, `"tls1.2"`); empty for http:// and failures
  /// before the handshake.
  [[nodiscard]] std::string_view tls_version() const noexcept { return tls_version_; }
  /// The URL that produced this response (the last one, after redirects).
  [[nodiscard]] const std::string& url() const noexcept { return url_; }

 private:
  friend class client;
  int status_ = 0;
  http::headers headers_;
  detail::recycled_string body_;  // from the thread's block_cache, like the headers' buffers
  http::timings timings_;
  http::error error_;
  std::string remote_address_;
  std::string_view protocol_;     // static text
  std::string_view tls_version_;  // static text
  std::string url_;
};

}  // namespace stampede::http
