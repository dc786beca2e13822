// The server side of WebSocket framing (RFC 6455 5): the frames the testbed server sends
// (unmasked, shortest length) and a decoder of the frames clients send (masked), joining
// fragments into whole messages and classifying every violation with its close code.
#pragma once

#include <stampede/ws/close_code.hpp>
#include <stampede/ws/detail/close_payload.hpp>
#include <stampede/ws/detail/frame.hpp>
#include <stampede/ws/detail/utf8.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace stampede::testbed::detail {

using ws::detail::opcode;

/// The size of the header of a server frame with `payload_size` bytes: 2 bytes, and 2 or 8
/// more for a length over 125 or over 65535. No mask key: a server never masks.
[[nodiscard]] constexpr std::size_t server_frame_header_size(std::uint64_t payload_size) noexcept {
  return 2 + (payload_size <= 125 ? 0 : payload_size <= 0xFFFF ? 2 : 8);
}

/// A whole, final frame as the server sends it: FIN, `op`, no RSV bit, no mask, the length in
/// its shortest encoding, then `payload`.
[[nodiscard]] inline std::string encode_server_frame(opcode op, std::string_view payload) {
  std::string out;
  out.reserve(server_frame_header_size(payload.size()) + payload.size());
  const auto put = [&out](std::uint64_t byte) { out += static_cast<char>(static_cast<std::uint8_t>(byte)); };
  put(0x80U | static_cast<std::uint8_t>(op));
  const std::uint64_t n = payload.size();
  if (n <= 125) {
    put(n);
  } else if (n <= 0xFFFF) {
    put(126U);
    for (int shift = 8; shift >= 0; shift -= 8) put(n >> shift);
  } else {
    put(127U);
    for (int shift = 56; shift >= 0; shift -= 8) put(n >> shift);
  }
  out.append(payload);
  return out;
}

/// A close frame with `code` and no reason; an empty one for `close_code::no_status` (the
/// answer to a close that carried no code).
[[nodiscard]] inline std::string encode_server_close(std::uint16_t code) {
  if (code == ws::close_code::no_status) return encode_server_frame(opcode::close, {});
  const std::array<char, 2> payload{static_cast<char>(code >> 8U), static_cast<char>(code & 0xFFU)};
  return encode_server_frame(opcode::close, {payload.data(), payload.size()});
}

/// Decodes the frames a client sends, fed in any pieces. `feed` reads up to the next event
/// and returns how many bytes it used; the caller handles `current()` and feeds the rest:
///
/// - `message`: a whole text (valid UTF-8) or binary message, its fragments joined and
///   unmasked in a buffer the decoder keeps from message to message.
/// - `control`: a ping, pong or close frame, whole, possibly between a message's fragments.
///   After a close frame nothing more is read.
/// - `failed`: the client broke the protocol; `failure_code()` is the code to close with.
///
/// Refused, with 1002 unless said otherwise: an unmasked frame (RFC 6455 5.1), RSV bits (no
/// extension is negotiated), reserved opcodes, a control frame fragmented or over 125 bytes, a
/// continuation with no message or a new message inside one, a length not in its shortest
/// encoding or with its top bit set, a malformed close payload (1002, or 1007 for a reason
/// that is not UTF-8); text that is not UTF-8 (1007, at the first byte that cannot continue
/// it); a message over `max_message_bytes` (1009, at the header that crosses the limit,
/// before its payload is read). Each check runs when the byte it needs arrives, so the
/// outcome does not depend on how the bytes are cut.
class client_frame_decoder {
 public:
  enum class state : std::uint8_t { idle, message, control, failed };

  explicit client_frame_decoder(std::uint64_t max_message_bytes) noexcept : max_message_bytes_(max_message_bytes) {}

  /// Reads `bytes` up to the end of the next event. Returns 0 once failed or closed.
  /// Throws: `std::bad_alloc` when the message buffer cannot grow.
  std::size_t feed(std::string_view bytes) {
    if (state_ == state::failed) return 0;
    state_ = state::idle;
    if (closed_) return 0;
    std::size_t at = 0;
    while (at < bytes.size()) {
      if (!in_payload_) {
        if (read_header_byte(static_cast<std::uint8_t>(bytes[at++]))) return at;
        continue;
      }
      const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size() - at));
      if (payload_piece(bytes.substr(at, take))) return at + take;
      at += take;
    }
    return at;
  }

  [[nodiscard]] state current() const noexcept { return state_; }
  [[nodiscard]] bool failed() const noexcept { return state_ == state::failed; }
  /// Whether a valid close frame has been read (and nothing after it will be).
  [[nodiscard]] bool closed() const noexcept { return closed_; }

  /// For `state::message`: text or binary.
  [[nodiscard]] opcode message_opcode() const noexcept { return message_opcode_; }
  /// For `state::message`: the payload, valid until the next `feed`.
  [[nodiscard]] std::string_view message() const noexcept { return buffer_; }

  /// For `state::control`: ping, pong or close.
  [[nodiscard]] opcode control_opcode() const noexcept { return opcode_; }
  /// For `state::control`: the unmasked payload, valid until the next `feed`.
  [[nodiscard]] std::string_view control_payload() const noexcept { return {control_.data(), control_size_}; }
  /// For a close frame: its code (1005 when it had none) and reason.
  [[nodiscard]] ws::detail::close_payload close() const noexcept { return close_; }

  /// For `state::failed`: 1002, 1007 or 1009.
  [[nodiscard]] std::uint16_t failure_code() const noexcept { return failure_code_; }
  /// For `state::failed`: what the client did, as static text.
  [[nodiscard]] std::string_view failure_message() const noexcept { return failure_message_; }

 private:
  // True when the byte ends the feed with an event (a failure, or a frame with no payload).
  bool read_header_byte(std::uint8_t b) {
    header_[header_size_++] = b;
    if (header_size_ == 1) {
      if ((b & 0x70U) != 0) return fail(ws::close_code::protocol_error, "a frame with reserved bits set");
      const auto op = static_cast<std::uint8_t>(b & 0x0FU);
      if (op > 0xA || (op > 0x2 && op < 0x8)) return fail(ws::close_code::protocol_error, "a frame with a reserved opcode");
      opcode_ = static_cast<opcode>(op);
      fin_ = (b & 0x80U) != 0;
      if (ws::detail::is_control(opcode_)) {
        if (!fin_) return fail(ws::close_code::protocol_error, "a fragmented control frame");
      } else if (opcode_ == opcode::continuation) {
        if (!in_message_) return fail(ws::close_code::protocol_error, "a continuation frame with no message to continue");
      } else if (in_message_) {
        return fail(ws::close_code::protocol_error, "a new data frame inside a fragmented message");
      }
      return false;
    }
    if (header_size_ == 2) {
      if ((b & 0x80U) == 0) return fail(ws::close_code::protocol_error, "an unmasked frame from a client");
      const auto length = b & 0x7FU;
      if (ws::detail::is_control(opcode_) && length > ws::detail::max_control_payload) {
        return fail(ws::close_code::protocol_error, "a control frame with more than 125 bytes of payload");
      }
      header_need_ = static_cast<std::uint8_t>((length == 126 ? 4 : length == 127 ? 10 : 2) + 4);
    }
    return header_size_ == header_need_ && header_complete();
  }

  bool header_complete() {
    const auto short_length = header_[1] & 0x7FU;
    const std::size_t key_at = header_need_ - 4U;
    std::uint64_t length = short_length;
    if (short_length >= 126) {
      length = 0;
      for (std::size_t i = 2; i < key_at; ++i) length = (length << 8U) | header_[i];
      if (short_length == 127 && (length >> 63U) != 0) {
        return fail(ws::close_code::protocol_error, "a 64-bit frame length with its most significant bit set");
      }
      if (length <= (short_length == 126 ? 125U : 0xFFFFU)) {
        return fail(ws::close_code::protocol_error, "a frame length not in its shortest encoding");
      }
    }
    std::copy_n(header_.begin() + static_cast<std::ptrdiff_t>(key_at), 4, key_.begin());
    header_size_ = 0;
    header_need_ = 2;
    offset_ = 0;
    if (ws::detail::is_control(opcode_)) {
      control_size_ = 0;
    } else {
      if (opcode_ != opcode::continuation) {
        in_message_ = true;
        message_opcode_ = opcode_;
        // The buffer is kept for the next message, unless a large one left it large.
        if (buffer_.capacity() > kept_buffer_bytes) {
          buffer_ = std::string{};
        } else {
          buffer_.clear();
        }
        utf8_.reset();
      }
      if (length > max_message_bytes_ - std::min<std::uint64_t>(buffer_.size(), max_message_bytes_)) {
        return fail(ws::close_code::message_too_big, "a message over the maximum message size");
      }
    }
    remaining_ = length;
    in_payload_ = true;
    return length == 0 && payload_piece({});
  }

  // Unmasks and keeps the next piece of the frame's payload; true when an event ends the feed.
  bool payload_piece(std::string_view piece) {
    remaining_ -= piece.size();
    const bool frame_end = remaining_ == 0;
    if (ws::detail::is_control(opcode_)) {
      // The header check bounds a control payload to 125 bytes, the buffer's size.
      const auto into = std::span<char>{control_.data() + control_size_, piece.size()};
      std::copy(piece.begin(), piece.end(), into.begin());
      ws::detail::apply_mask(into, key_, offset_);
      control_size_ += piece.size();
      offset_ += piece.size();
      if (!frame_end) return false;
      in_payload_ = false;
      return finish_control();
    }
    const auto from = buffer_.size();
    buffer_.append(piece);
    const auto into = std::span<char>{buffer_.data() + from, piece.size()};
    ws::detail::apply_mask(into, key_, offset_);
    offset_ += piece.size();
    const bool end = frame_end && fin_;
    if (message_opcode_ == opcode::text &&
        (!utf8_.feed({into.data(), into.size()}) || (end && !utf8_.complete()))) {
      return fail(ws::close_code::invalid_payload, "a text message that is not UTF-8");
    }
    if (!frame_end) return false;
    in_payload_ = false;
    if (!end) return false;
    in_message_ = false;
    state_ = state::message;
    return true;
  }

  bool finish_control() {
    if (opcode_ == opcode::close) {
      const auto parsed = ws::detail::parse_close_payload(control_payload());
      if (parsed.violation != 0) return fail(parsed.violation, parsed.problem);
      close_ = parsed.payload;
      closed_ = true;
    }
    state_ = state::control;
    return true;
  }

  bool fail(std::uint16_t code, std::string_view message) noexcept {
    state_ = state::failed;
    failure_code_ = code;
    failure_message_ = message;
    return true;
  }

  static constexpr std::size_t kept_buffer_bytes = 64 * 1024;

  std::uint64_t max_message_bytes_;
  // The frame being read.
  std::array<std::uint8_t, ws::detail::max_frame_header_size> header_{};
  std::uint8_t header_size_ = 0;
  std::uint8_t header_need_ = 2;  // 2, then with the extended length and the mask key
  bool in_payload_ = false;
  bool fin_ = false;
  opcode opcode_ = opcode::continuation;
  ws::detail::mask_key key_{};
  std::uint64_t remaining_ = 0;  // payload bytes of the frame still to read
  std::size_t offset_ = 0;       // payload bytes of the frame read: where the mask key stands
  // The message being received, across fragments.
  bool in_message_ = false;
  opcode message_opcode_ = opcode::text;
  std::string buffer_;
  ws::detail::utf8_validator utf8_;
  // Events.
  state state_ = state::idle;
  std::array<char, ws::detail::max_control_payload> control_{};
  std::size_t control_size_ = 0;
  ws::detail::close_payload close_{};
  bool closed_ = false;
  std::uint16_t failure_code_ = 0;
  std::string_view failure_message_{};
};

}  // namespace stampede::testbed::detail
