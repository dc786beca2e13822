// WebSocket frames (RFC 6455 5.2): opcodes, and the encoder of the frames a client sends,
// masked, with the shortest length encoding, into the caller's buffer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace stampede::ws::detail {

/// A frame's opcode (RFC 6455 5.2). 0x3–0x7 and 0xB–0xF are reserved.
enum class opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

/// Close, ping and pong: at most 125 bytes of payload, never fragmented (RFC 6455 5.5).
[[nodiscard]] constexpr bool is_control(opcode op) noexcept { return (static_cast<std::uint8_t>(op) & 0x8U) != 0; }

/// The most payload a control frame may carry.
inline constexpr std::size_t max_control_payload = 125;
/// The longest frame header: 2 bytes, a 64-bit length and a mask key.
inline constexpr std::size_t max_frame_header_size = 14;

/// The 4 bytes a client XORs its payload with, fresh for every frame (RFC 6455 5.3).
using mask_key = std::array<std::uint8_t, 4>;

/// The size of the header of a client frame with `payload_size` bytes: the length takes 7
/// bits up to 125, 16 more bits up to 65535, 64 more above, and the mask key 4 bytes.
[[nodiscard]] constexpr std::size_t client_frame_header_size(std::uint64_t payload_size) noexcept {
  return 2 + (payload_size <= 125 ? 0 : payload_size <= 0xFFFF ? 2 : 8) + 4;
}

/// The size of a whole client frame with `payload_size` bytes.
[[nodiscard]] constexpr std::size_t client_frame_size(std::size_t payload_size) noexcept {
  return client_frame_header_size(payload_size) + payload_size;
}

/// XORs `bytes` with `key` in place (masking and unmasking are the same). `offset` is the
/// position of `bytes[0]` in the frame's payload, so a payload can be masked in pieces.
constexpr void apply_mask(std::span<char> bytes, const mask_key& key, std::size_t offset = 0) noexcept {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<char>(static_cast<std::uint8_t>(bytes[i]) ^ key[(offset + i) & 3U]);
  }
}

/// Writes the header of a client frame (FIN, opcode, MASK set, length, mask key) at the start
/// of `out`, which holds at least `client_frame_header_size(payload_size)` bytes, and returns
/// its size. RSV1–3 are 0: the client negotiates no extension.
constexpr std::size_t write_client_frame_header(std::span<char> out, opcode op, bool fin, std::uint64_t payload_size,
                                                const mask_key& key) noexcept {
  std::size_t at = 0;
  const auto put = [&](std::uint64_t byte) { out[at++] = static_cast<char>(static_cast<std::uint8_t>(byte)); };
  put((fin ? 0x80U : 0U) | static_cast<std::uint8_t>(op));
  if (payload_size <= 125) {
    put(0x80U | payload_size);
  } else if (payload_size <= 0xFFFF) {
    put(0x80U | 126U);
    for (int shift = 8; shift >= 0; shift -= 8) put(payload_size >> shift);
  } else {
    put(0x80U | 127U);
    for (int shift = 56; shift >= 0; shift -= 8) put(payload_size >> shift);
  }
  for (const auto k : key) put(k);
  return at;
}

/// Writes a whole client frame, header and masked payload, into `out` and returns its size,
/// or 0 (writing nothing) when `out` is shorter than `client_frame_size(payload.size())`.
/// Never allocates. A control frame must be final with at most 125 bytes of payload; the
/// caller checks that (it is the user's ping or close that would be wrong).
///
/// ```cpp
/// std::array<char, 16> buf;
/// encode_client_frame(buf, opcode::text, true, {0x37, 0xfa, 0x21, 0x3d}, "Hello");  // 11
/// ```
constexpr std::size_t encode_client_frame(std::span<char> out, opcode op, bool fin, const mask_key& key,
                                          std::string_view payload) noexcept {
  if (out.size() < client_frame_size(payload.size())) return 0;
  const auto header = write_client_frame_header(out, op, fin, payload.size(), key);
  for (std::size_t i = 0; i < payload.size(); ++i) {
    out[header + i] = static_cast<char>(static_cast<std::uint8_t>(payload[i]) ^ key[i & 3U]);
  }
  return header + payload.size();
}

}  // namespace stampede::ws::detail
