// The payload of a close frame (RFC 6455 5.5.1): an optional status code and a UTF-8 reason.
#pragma once

#include <stampede/config.hpp>

#include <stampede/ws/close_code.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace stampede::ws::detail {

/// A close frame's payload as read from the server.
struct close_payload {
  /// The status code; `close_code::no_status` (1005) when the payload was empty.
  std::uint16_t code = close_code::no_status;
  std::string_view reason{};  ///< a view into the payload
};

/// A close payload read, or why it is malformed.
struct parsed_close {
  close_payload payload{};
  /// 0, or the code the client closes with: 1002 for a 1-byte payload or a code that may
  /// not be sent, 1007 for a reason that is not UTF-8.
  std::uint16_t violation = 0;
  std::string_view problem{};  ///< static text saying what is wrong
};

/// Reads a close frame's payload (at most 125 bytes: the frame decoder has checked that).
[[nodiscard]] parsed_close parse_close_payload(std::string_view payload) noexcept;

/// The payload of a close frame the client sends: `code` in network order, then `reason`.
/// `close_code::no_status` with an empty reason gives an empty payload (a close without a
/// code). Throws `usage_error` if `code` may not be sent (`is_sendable_close_code`), if the
/// reason is not UTF-8, or if the payload would exceed 125 bytes (a reason over 123 bytes).
[[nodiscard]] std::string encode_close_payload(std::uint16_t code, std::string_view reason);

}  // namespace stampede::ws::detail

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/ws/impl/close_payload.ipp>
#endif
