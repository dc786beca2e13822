// WebSocket frames as a test server sees them: server frames built with any header (reserved
// bits and opcodes, a mask, a longer length encoding than needed) and the client's frames read
// back with everything a test may check (the MASK bit, its key, the length's encoding).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace stampede::testing::ws_wire {

/// Opcodes by number, reserved ones included, so a test can send any of them.
namespace op {
inline constexpr std::uint8_t continuation = 0x0;
inline constexpr std::uint8_t text = 0x1;
inline constexpr std::uint8_t binary = 0x2;
inline constexpr std::uint8_t close = 0x8;
inline constexpr std::uint8_t ping = 0x9;
inline constexpr std::uint8_t pong = 0xA;
}  // namespace op

using mask_key = std::array<std::uint8_t, 4>;

/// A frame for the server to send. The defaults make a well-formed final, unmasked frame with
/// the shortest length encoding; each field can break it on purpose.
struct frame {
  std::uint8_t opcode = op::text;  ///< any 4-bit value
  std::string payload{};
  bool fin = true;
  std::uint8_t rsv = 0;             ///< RSV1–3 as 3 bits: 4 is RSV1, 2 RSV2, 1 RSV3
  std::optional<mask_key> mask{};   ///< set: the MASK bit, this key, the payload masked with it
  std::size_t length_bytes = 0;     ///< 0: the shortest form; 2 or 8: that extended length whatever the size
};

/// The frame's bytes.
inline std::string encode(const frame& f) {
  std::string out(1, static_cast<char>((f.fin ? 0x80U : 0U) | ((f.rsv & 7U) << 4U) | (f.opcode & 0xFU)));
  const std::uint64_t n = f.payload.size();
  const std::size_t extended = f.length_bytes != 0 ? f.length_bytes : n <= 125 ? 0 : n <= 0xFFFF ? 2 : 8;
  const unsigned mask_bit = f.mask ? 0x80U : 0U;
  if (extended == 0) {
    out += static_cast<char>(mask_bit | static_cast<unsigned>(n));
  } else {
    out += static_cast<char>(mask_bit | (extended == 2 ? 126U : 127U));
    for (std::size_t i = extended; i-- > 0;) out += static_cast<char>((n >> (8 * i)) & 0xFFU);
  }
  if (!f.mask) return out + f.payload;
  for (const auto k : *f.mask) out += static_cast<char>(k);
  for (std::size_t i = 0; i < f.payload.size(); ++i) {
    out += static_cast<char>(static_cast<std::uint8_t>(f.payload[i]) ^ (*f.mask)[i & 3U]);
  }
  return out;
}

inline frame text(std::string payload, bool fin = true) { return {.opcode = op::text, .payload = std::move(payload), .fin = fin}; }
inline frame binary(std::string payload, bool fin = true) { return {.opcode = op::binary, .payload = std::move(payload), .fin = fin}; }
inline frame continuation(std::string payload, bool fin) {
  return {.opcode = op::continuation, .payload = std::move(payload), .fin = fin};
}
inline frame ping(std::string payload = {}) { return {.opcode = op::ping, .payload = std::move(payload)}; }
inline frame pong(std::string payload = {}) { return {.opcode = op::pong, .payload = std::move(payload)}; }
/// A close payload: the code in network order, then the reason.
inline std::string close_payload(std::uint16_t code, std::string_view reason = {}) {
  std::string out{static_cast<char>(code >> 8U), static_cast<char>(code & 0xFFU)};
  return out.append(reason);
}
inline frame close(std::uint16_t code, std::string_view reason = {}) {
  return {.opcode = op::close, .payload = close_payload(code, reason)};
}

/// A frame the client sent, as it was on the wire, with its payload unmasked.
struct received_frame {
  std::uint8_t opcode = 0;
  bool fin = false;
  std::uint8_t rsv = 0;
  bool masked = false;
  mask_key mask{};
  std::string payload{};
  std::size_t length_bytes = 0;  ///< the extended length's size: 0, 2 or 8

  /// RFC 6455 5.2: "the minimal number of bytes MUST be used to encode the length".
  [[nodiscard]] bool minimal_length() const noexcept {
    const auto n = payload.size();
    return length_bytes == (n <= 125 ? 0U : n <= 0xFFFF ? 2U : 8U);
  }
  /// A close frame's code, 1005 when it has none.
  [[nodiscard]] std::uint16_t close_code() const noexcept {
    if (payload.size() < 2) return 1005;
    return static_cast<std::uint16_t>((static_cast<std::uint8_t>(payload[0]) << 8U) | static_cast<std::uint8_t>(payload[1]));
  }
  [[nodiscard]] std::string_view close_reason() const noexcept {
    return payload.size() < 2 ? std::string_view{} : std::string_view{payload}.substr(2);
  }
};

/// Takes the first whole frame from the front of `in`, or nothing while it is incomplete.
/// Throws `std::length_error` for a frame claiming more than `max_payload` bytes, which no test
/// sends.
inline std::optional<received_frame> take_frame(std::string& in, std::uint64_t max_payload = std::uint64_t{256} << 20) {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(in[i]); };
  if (in.size() < 2) return std::nullopt;
  received_frame f;
  f.fin = (byte(0) & 0x80U) != 0;
  f.rsv = static_cast<std::uint8_t>((byte(0) >> 4U) & 7U);
  f.opcode = static_cast<std::uint8_t>(byte(0) & 0xFU);
  f.masked = (byte(1) & 0x80U) != 0;
  const unsigned length7 = byte(1) & 0x7FU;
  f.length_bytes = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
  const std::size_t header = 2 + f.length_bytes + (f.masked ? 4 : 0);
  if (in.size() < header) return std::nullopt;
  std::uint64_t length = length7;
  if (f.length_bytes != 0) {
    length = 0;
    for (std::size_t i = 0; i < f.length_bytes; ++i) length = (length << 8U) | byte(2 + i);
  }
  if (length > max_payload) throw std::length_error{"a client frame of " + std::to_string(length) + " bytes"};
  if (in.size() - header < length) return std::nullopt;
  if (f.masked) {
    for (std::size_t i = 0; i < 4; ++i) f.mask[i] = byte(2 + f.length_bytes + i);
  }
  f.payload = in.substr(header, static_cast<std::size_t>(length));
  if (f.masked) {
    for (std::size_t i = 0; i < f.payload.size(); ++i) {
      f.payload[i] = static_cast<char>(static_cast<std::uint8_t>(f.payload[i]) ^ f.mask[i & 3U]);
    }
  }
  in.erase(0, header + static_cast<std::size_t>(length));
  return f;
}

}  // namespace stampede::testing::ws_wire
