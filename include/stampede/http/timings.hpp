// The phases of one HTTP request, measured as k6 measures them.
#pragma once

#include <chrono>

namespace stampede::http {

/// How long each phase of a request took (k6's `res.timings`). On a new connection `blocked`
/// spans DNS, `connecting` and `tls_handshaking` (k6's GetConn → GotConn); on a reused one it
/// is the time to take the pooled connection. `duration = sending + waiting + receiving`.
/// A phase that a failure cut short counts up to the failure, so a request that timed out
/// while waiting reports its timeout as its duration.
struct timings {
  std::chrono::nanoseconds blocked{0};          ///< waiting for a usable connection
  std::chrono::nanoseconds connecting{0};       ///< TCP connect (0 when reused)
  std::chrono::nanoseconds tls_handshaking{0};  ///< TLS handshake (0 for http:// and reuse)
  std::chrono::nanoseconds sending{0};          ///< writing the request
  std::chrono::nanoseconds waiting{0};          ///< end of sending → first response byte
  std::chrono::nanoseconds receiving{0};        ///< first response byte → last
  std::chrono::nanoseconds duration{0};         ///< sending + waiting + receiving

  friend bool operator==(const timings&, const timings&) = default;
};

}  // namespace stampede::http
