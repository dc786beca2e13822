// One HTTP request and the per-request options k6 calls "params".
#pragma once

#include <stampede/http/body.hpp>
#include <stampede/http/expected_statuses.hpp>
#include <stampede/http/headers.hpp>
#include <stampede/http/url.hpp>
#include <stampede/metrics/tags.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stampede::http {

/// k6's request params: everything about a request but its method, URL and body. An
/// aggregate, for designated initializers:
///
/// ```cpp
/// co_await client.get(base + "/todos", {.query = {{"q", "milk"}},
///                                       .timeout = std::chrono::seconds{2},
///                                       .tags = {{"name", "search todos"}}});
/// ```
struct request_params {
  /// Header fields to send. `Host`, `Content-Length` and `Transfer-Encoding` are the
  /// client's; `User-Agent`, `Content-Type` and `Connection` given here replace its own.
  http::headers headers{};
  /// Query parameters appended to the URL, percent-encoded.
  std::vector<query_param> query{};
  /// The whole request's time limit, connecting and redirects included; default:
  /// `client_options::timeout` (k6's 60 s).
  std::optional<std::chrono::nanoseconds> timeout{};
  /// Tags on this request's samples, over the VU's. `name` groups URLs (default: the URL).
  tag_set tags{};
  /// Statuses that count as success (default: `client_options::expected_statuses`, 200–399).
  std::optional<http::expected_statuses> expected_statuses{};
  /// Redirects to follow (default: `client_options::max_redirects`, 10); 0 returns the 3xx.
  std::optional<int> redirects{};
  /// Read the response body but keep none of it (k6's `responseType: "none"`); false keeps
  /// it even when the client discards bodies (k6's `responseType: "text"`). Default:
  /// `client_options::discard_response_bodies`.
  std::optional<bool> discard_body{};
};

/// A whole request, for `client::request`.
struct request {
  std::string method = "GET";
  std::string url{};
  http::body body{};
  request_params params{};
};

/// Throws `usage_error` unless `method` is an HTTP token (`GET`, `PURGE`, ...).
void validate_method(std::string_view method);
/// Throws `usage_error` unless `name` is a field-name token and `value` holds no CR, LF or NUL
/// (either would let a value inject header lines or end the request early).
void validate_header(std::string_view name, std::string_view value);

}  // namespace stampede::http

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/http/impl/request.ipp>
#endif
