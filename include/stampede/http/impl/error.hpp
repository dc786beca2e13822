// Bodies of the error taxonomy's functions (included by http/error.hpp).
#pragma once

namespace stampede::http {

constexpr std::string_view to_string(error_kind kind) noexcept {
  switch (kind) {
    case error_kind::none: return "none";
    case error_kind::invalid_url: return "invalid_url";
    case error_kind::dns: return "dns";
    case error_kind::refused: return "refused";
    case error_kind::connect: return "connect";
    case error_kind::reset: return "reset";
    case error_kind::closed: return "closed";
    case error_kind::timeout: return "timeout";
    case error_kind::tls: return "tls";
    case error_kind::protocol: return "protocol";
    case error_kind::too_large: return "too_large";
    case error_kind::network: return "network";
  }
  return "unknown";
}

constexpr int default_k6_code(error_kind kind) noexcept {
  switch (kind) {
    case error_kind::none: return 0;
    case error_kind::invalid_url: return k6_error::invalid_url;
    case error_kind::dns: return k6_error::dns;
    case error_kind::refused: return k6_error::tcp_dial_refused;
    case error_kind::connect: return k6_error::tcp_dial;
    case error_kind::reset: return k6_error::tcp_reset_by_peer;
    case error_kind::timeout: return k6_error::request_timeout;
    case error_kind::tls: return k6_error::tls;
    case error_kind::network: return k6_error::tcp;
    // k6 has no codes of its own for these: Go reports an early EOF, a malformed response or a
    // header over MaxResponseHeaderBytes as plain errors, which k6 files under 1000.
    case error_kind::closed:
    case error_kind::protocol:
    case error_kind::too_large: return k6_error::generic;
  }
  return k6_error::generic;
}

}  // namespace stampede::http
