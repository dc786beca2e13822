// What a client keeps of the request it is making: the request, where its current hop goes,
// the hop's connection, clock readings and outcome.
#pragma once

#include <stampede/http/detail/connection.hpp>
#include <stampede/http/error.hpp>
#include <stampede/http/expected_statuses.hpp>
#include <stampede/http/request.hpp>
#include <stampede/http/response.hpp>
#include <stampede/http/url.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>
#include <system_error>

namespace stampede::http::detail {

/// Whether a request may go out a second time after a pooled connection failed with part of
/// it written, by Go's rule (k6's transport): GET, HEAD, OPTIONS and TRACE, and any request
/// with an `Idempotency-Key` or `X-Idempotency-Key` field.
inline bool replayable(const http::request& r) noexcept {
  const std::string_view m = r.method;
  return m == "GET" || m == "HEAD" || m == "OPTIONS" || m == "TRACE" ||
         r.params.headers.contains("idempotency-key") || r.params.headers.contains("x-idempotency-key");
}

/// The clock readings of one hop, from which k6's phases are computed; a zero time point is a
/// phase that did not happen (or did not end, when a failure cut it short).
struct hop_times {
  using time_point = std::chrono::steady_clock::time_point;
  time_point start, connect_start, connect_end, tls_start, tls_end, got_conn, wrote, first_byte, end;
};

/// The request a client is making (it makes one at a time) and the state of its current hop
/// (each redirect is one). It lives in the client rather than in the request's coroutine
/// frame, which keeps that frame under the 1,020 bytes Asio's per-thread recycler reuses:
/// a warm client's requests then allocate nothing.
struct request_state {
  // The request.
  http::request req;  // as given, but for its URL, moved into `target`
  url target;         // where the current hop goes
  const expected_statuses* expected = nullptr;
  std::chrono::steady_clock::time_point deadline{};  // the whole chain's, as k6's request context
  int redirects = 0;
  int max_redirects = 0;
  std::uint64_t ticket = 0;  // which call of client::request this state holds
  bool in_flight = false;    // its coroutine is running

  // The current hop.
  response res;
  std::shared_ptr<connection> conn;
  http::error failure;
  hop_times times;
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  std::error_code read_error;  // why the last read failed, if it did
  std::uint16_t port = 0;  // the port to connect to (a `hosts` entry may set its own)
  bool reused = false;     // `conn` came from the pool
  bool same_url = false;   // the URL (with no query added) is the one the client parsed last
  bool leftover = false;   // the server sent bytes after the response
  bool retried = false;    // a pooled connection failed and the hop went on with a new one
};

}  // namespace stampede::http::detail
