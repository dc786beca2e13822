// Bodies of the close payload's reading and writing (included by ws/detail/close_payload.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>
#include <stampede/ws/detail/frame.hpp>
#include <stampede/ws/detail/utf8.hpp>

#include <fmt/format.h>

namespace stampede::ws::detail {

STAMPEDE_DECL parsed_close parse_close_payload(std::string_view payload) noexcept {
  parsed_close out;
  if (payload.empty()) return out;
  if (payload.size() == 1) {
    out.violation = close_code::protocol_error;
    out.problem = "a close frame with a 1-byte payload (a code takes 2)";
    return out;
  }
  out.payload.code = static_cast<std::uint16_t>((static_cast<unsigned>(static_cast<std::uint8_t>(payload[0])) << 8U) |
                                                static_cast<std::uint8_t>(payload[1]));
  out.payload.reason = payload.substr(2);
  if (!is_sendable_close_code(out.payload.code)) {
    out.violation = close_code::protocol_error;
    out.problem = "a close frame with a status code that may not be sent";
  } else if (!is_valid_utf8(out.payload.reason)) {
    out.violation = close_code::invalid_payload;
    out.problem = "a close frame whose reason is not UTF-8";
  }
  return out;
}

STAMPEDE_DECL std::string encode_close_payload(std::uint16_t code, std::string_view reason) {
  if (code == close_code::no_status) {
    if (!reason.empty()) throw usage_error("a WebSocket close reason needs a status code (not 1005)");
    return {};
  }
  if (!is_sendable_close_code(code)) {
    throw usage_error(fmt::format("WebSocket close code {} may not be sent: use 1000-1003, 1007-1014 or 3000-4999", code));
  }
  if (reason.size() > max_control_payload - 2) {
    throw usage_error(fmt::format("a WebSocket close reason takes at most 123 bytes, not {}", reason.size()));
  }
  if (!is_valid_utf8(reason)) throw usage_error("a WebSocket close reason must be UTF-8 text");
  std::string out;
  out.reserve(2 + reason.size());
  out += static_cast<char>(code >> 8U);
  out += static_cast<char>(code & 0xFFU);
  out += reason;
  return out;
}

}  // namespace stampede::ws::detail
