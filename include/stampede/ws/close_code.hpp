// WebSocket close status codes (RFC 6455 7.4 and IANA's registry) and which may be sent.
#pragma once

#include <cstdint>

namespace stampede::ws {

/// The status codes a close frame carries, with RFC 6455's names. 1005, 1006 and 1015 are for
/// reporting only: they say what happened and never appear in a frame.
namespace close_code {
inline constexpr std::uint16_t normal = 1000;            ///< the purpose of the connection is fulfilled
inline constexpr std::uint16_t going_away = 1001;        ///< a server going down, a page navigated away
inline constexpr std::uint16_t protocol_error = 1002;    ///< the peer broke RFC 6455
inline constexpr std::uint16_t unsupported_data = 1003;  ///< a kind of data the endpoint cannot accept
inline constexpr std::uint16_t no_status = 1005;         ///< the close frame had no code (never sent)
inline constexpr std::uint16_t abnormal = 1006;          ///< the connection ended without a close frame (never sent)
inline constexpr std::uint16_t invalid_payload = 1007;   ///< a text message or close reason that is not UTF-8
inline constexpr std::uint16_t policy_violation = 1008;
inline constexpr std::uint16_t message_too_big = 1009;   ///< a message over the receiver's limit
inline constexpr std::uint16_t mandatory_extension = 1010;
inline constexpr std::uint16_t internal_error = 1011;
inline constexpr std::uint16_t service_restart = 1012;
inline constexpr std::uint16_t try_again_later = 1013;
inline constexpr std::uint16_t bad_gateway = 1014;
inline constexpr std::uint16_t tls_handshake = 1015;     ///< TLS failed (never sent)
}  // namespace close_code

/// Whether `code` may appear in a close frame (RFC 6455 7.4): 1000–1003, 1007–1014 (those
/// defined by the RFC and registered with IANA since) and 3000–4999 (libraries, frameworks
/// and applications). A close frame with any other code is a protocol error.
[[nodiscard]] constexpr bool is_sendable_close_code(std::uint16_t code) noexcept {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

}  // namespace stampede::ws
