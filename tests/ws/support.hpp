// Helpers for the ws module's tests and fuzz target: byte strings, server frames, and what a
// message_decoder makes of bytes cut at given places, one line per event so that two feedings
// compare as strings.
#pragma once

#include <stampede/ws/detail/message_decoder.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace stampede::ws::test {

/// Bytes written as numbers: `raw({0x81, 0x05})`.
inline std::string raw(std::initializer_list<int> bytes) {
  std::string out;
  for (const int b : bytes) out += static_cast<char>(b);
  return out;
}

/// Bytes as text a failure message can show: printable ASCII as is, the rest as \xHH.
inline std::string escaped(std::string_view bytes) {
  constexpr std::string_view hex = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    const auto b = static_cast<std::uint8_t>(c);
    if (b >= 0x20 && b < 0x7F && c != '\\') {
      out += c;
    } else {
      out += "\\x";
      out += hex[b >> 4U];
      out += hex[b & 0xFU];
    }
  }
  return out;
}

/// Feeds `bytes` to a fresh message_decoder in pieces ending at `cuts` (ascending offsets
/// into `bytes`; the last piece ends at its end) and lists what came out, one line each:
/// `text <payload>`, `binary <payload>`, `ping <payload>`, `pong <payload>`,
/// `close <code> <reason>`, `failed <code>`, and last `partial` when the bytes ended inside
/// a message or frame.
inline std::string decode_trace(std::string_view bytes, const std::vector<std::size_t>& cuts = {},
                                detail::frame_decoder::limits limits = {}) {
  using detail::message_decoder;
  using detail::opcode;
  message_decoder d{limits};
  std::string out;
  std::size_t at = 0;
  bool stopped = false;  // after a close frame nothing more is read
  for (std::size_t i = 0; i <= cuts.size() && !stopped; ++i) {
    const std::size_t end = i < cuts.size() ? cuts[i] : bytes.size();
    while (at < end && !stopped) {
      const auto used = d.feed(bytes.substr(at, end - at));
      at += used;
      switch (d.current()) {
        case message_decoder::state::idle: break;
        case message_decoder::state::message:
          out += d.message_opcode() == opcode::text ? "text " : "binary ";
          out += escaped(d.message()) + "\n";
          break;
        case message_decoder::state::control: {
          const auto& f = d.frames();
          if (f.control_opcode() == opcode::close) {
            out += "close " + std::to_string(f.close().code) + " " + escaped(f.close().reason) + "\n";
          } else {
            out += f.control_opcode() == opcode::ping ? "ping " : "pong ";
            out += escaped(f.control_payload()) + "\n";
          }
          break;
        }
        case message_decoder::state::failed: return out + "failed " + std::to_string(d.frames().failure_code()) + "\n";
      }
      stopped = used == 0;
    }
  }
  if (d.frames().in_message() || !d.frames().at_frame_boundary()) out += "partial\n";
  return out;
}

/// A frame as a server sends it (unmasked, shortest length), with `first` as its first byte
/// (FIN, RSV and opcode).
inline std::string server_frame(std::uint8_t first, std::string_view payload) {
  std::string out(1, static_cast<char>(first));
  const auto n = payload.size();
  if (n <= 125) {
    out += static_cast<char>(n);
  } else if (n <= 0xFFFF) {
    out += static_cast<char>(126);
    for (int shift = 8; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xFFU);
  } else {
    out += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((std::uint64_t{n} >> shift) & 0xFFU);
  }
  return out + std::string{payload};
}

}  // namespace stampede::ws::test
