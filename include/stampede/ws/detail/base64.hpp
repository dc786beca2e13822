// Base64 (RFC 4648 4, with padding) for the handshake's key and accept values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace stampede::ws::detail {

/// The length of `n` bytes in base64: 4 characters for every 3 bytes or part of them.
[[nodiscard]] constexpr std::size_t base64_size(std::size_t n) noexcept { return (n + 2) / 3 * 4; }

/// Writes `bytes` in base64 to `out`, which holds at least `base64_size(bytes.size())` characters.
constexpr void base64_encode(std::span<const std::uint8_t> bytes, char* out) noexcept {
  constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const auto group = (std::uint32_t{bytes[i]} << 16U) | (std::uint32_t{bytes[i + 1]} << 8U) | bytes[i + 2];
    for (unsigned shift : {18U, 12U, 6U, 0U}) *out++ = alphabet[(group >> shift) & 0x3FU];
  }
  if (const auto left = bytes.size() - i; left != 0) {
    const auto group = (std::uint32_t{bytes[i]} << 16U) | (left == 2 ? std::uint32_t{bytes[i + 1]} << 8U : 0U);
    *out++ = alphabet[(group >> 18U) & 0x3FU];
    *out++ = alphabet[(group >> 12U) & 0x3FU];
    *out++ = left == 2 ? alphabet[(group >> 6U) & 0x3FU] : '=';
    *out++ = '=';
  }
}

}  // namespace stampede::ws::detail
