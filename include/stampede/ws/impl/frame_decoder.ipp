// Bodies of the server frame decoder (included by ws/detail/frame_decoder.hpp).
#pragma once

#include <stampede/config.hpp>

#include <algorithm>
#include <cstring>

namespace stampede::ws::detail {

STAMPEDE_DECL std::size_t frame_decoder::feed(std::string_view bytes) noexcept {
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
    const auto piece = bytes.substr(at, take);
    at += take;
    remaining_ -= take;
    if (is_control(opcode_)) {
      // The header check bounds a control payload to 125 bytes, the buffer's size.
      std::memcpy(control_.data() + control_size_, piece.data(), take);
      control_size_ += take;
      if (remaining_ == 0 && finish_control()) return at;
    } else if (data_piece(piece)) {
      return at;
    }
  }
  return at;
}

// Each check runs as soon as the byte it needs arrives, so a violation is reported at the
// same place in the stream however the bytes are cut. Returns true when an event ends the feed.
STAMPEDE_DECL bool frame_decoder::read_header_byte(std::uint8_t b) noexcept {
  header_[header_size_++] = b;
  if (header_size_ == 1) {
    if ((b & 0x70U) != 0) return fail(close_code::protocol_error, "a frame with reserved bits set (no extension was negotiated)");
    const auto op = static_cast<std::uint8_t>(b & 0x0FU);
    if (op > 0xA || (op > 0x2 && op < 0x8)) return fail(close_code::protocol_error, "a frame with a reserved opcode");
    opcode_ = static_cast<opcode>(op);
    fin_ = (b & 0x80U) != 0;
    if (is_control(opcode_)) {
      if (!fin_) return fail(close_code::protocol_error, "a fragmented control frame");
    } else if (opcode_ == opcode::continuation) {
      if (!in_message_) return fail(close_code::protocol_error, "a continuation frame with no message to continue");
    } else if (in_message_) {
      return fail(close_code::protocol_error, "a new data frame inside a fragmented message");
    }
    return false;
  }
  if (header_size_ == 2) {
    if ((b & 0x80U) != 0) return fail(close_code::protocol_error, "a masked frame from the server");
    const auto length = b & 0x7FU;
    if (is_control(opcode_) && length > max_control_payload) {
      return fail(close_code::protocol_error, "a control frame with more than 125 bytes of payload");
    }
    header_need_ = length == 126 ? 4 : length == 127 ? 10 : 2;
  }
  return header_size_ == header_need_ && header_complete();
}

STAMPEDE_DECL bool frame_decoder::header_complete() noexcept {
  const auto short_length = header_[1] & 0x7FU;
  std::uint64_t length = short_length;
  if (short_length >= 126) {
    length = 0;
    for (std::size_t i = 2; i < header_need_; ++i) length = (length << 8U) | header_[i];
    if (short_length == 127 && (length >> 63U) != 0) {
      return fail(close_code::protocol_error, "a 64-bit frame length with its most significant bit set");
    }
    if (length <= (short_length == 126 ? 125 : 0xFFFF)) {
      return fail(close_code::protocol_error, "a frame length not in its shortest encoding");
    }
  }
  header_size_ = 0;
  header_need_ = 2;
  if (is_control(opcode_)) {
    control_size_ = 0;
  } else {
    if (opcode_ != opcode::continuation) {
      in_message_ = true;
      message_opcode_ = opcode_;
      message_bytes_ = 0;
      utf8_.reset();
    }
    if (length > limits_.max_message_bytes - message_bytes_) {
      return fail(close_code::message_too_big, "a message over the maximum message size");
    }
    message_bytes_ += length;
  }
  remaining_ = length;
  in_payload_ = true;
  if (length != 0) return false;
  return is_control(opcode_) ? finish_control() : data_piece({});
}

STAMPEDE_DECL bool frame_decoder::data_piece(std::string_view piece) noexcept {
  const bool frame_end = remaining_ == 0;
  const bool end = frame_end && fin_;
  if (frame_end) in_payload_ = false;
  if (message_opcode_ == opcode::text && (!utf8_.feed(piece) || (end && !utf8_.complete()))) {
    return fail(close_code::invalid_payload, "a text message that is not UTF-8");
  }
  if (piece.empty() && !end) return false;
  if (end) in_message_ = false;
  piece_ = piece;
  message_end_ = end;
  state_ = state::data;
  return true;
}

STAMPEDE_DECL bool frame_decoder::finish_control() noexcept {
  in_payload_ = false;
  if (opcode_ == opcode::close) {
    const auto parsed = parse_close_payload(control_payload());
    if (parsed.violation != 0) return fail(parsed.violation, parsed.problem);
    close_ = parsed.payload;
    closed_ = true;
  }
  state_ = state::control;
  return true;
}

STAMPEDE_DECL bool frame_decoder::fail(std::uint16_t code, std::string_view message) noexcept {
  state_ = state::failed;
  failure_code_ = code;
  failure_message_ = message;
  return true;
}

}  // namespace stampede::ws::detail
