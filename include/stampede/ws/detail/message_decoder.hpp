// Whole messages from a server's bytes: the frame decoder's pieces joined into one buffer,
// reused from message to message.
#pragma once

#include <stampede/ws/detail/frame_decoder.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace stampede::ws::detail {

/// A `frame_decoder` that joins each message's pieces: `feed` stops at a whole message, a
/// control frame (which may arrive between the fragments of a message) or a failure. A
/// message that arrives in one piece is a view into the bytes fed, not a copy; one in several
/// pieces is gathered in a buffer whose memory is kept for the next message. The message
/// size limit bounds that buffer.
class message_decoder {
 public:
  enum class state : std::uint8_t {
    idle,     ///< the bytes fed so far completed no message nor control frame
    message,  ///< `message()` holds a whole text or binary message
    control,  ///< `frames().control_opcode()` and `control_payload()` hold a control frame
    failed,   ///< `frames().failure_code()` and `failure_message()` say why
  };

  message_decoder() : message_decoder(frame_decoder::limits{}) {}
  explicit message_decoder(frame_decoder::limits lim) : frames_{lim} {}

  /// Reads `bytes` up to the end of the next event and returns how many it used.
  /// Throws: `std::bad_alloc` when the buffer cannot grow.
  std::size_t feed(std::string_view bytes) {
    state_ = state::idle;
    std::size_t at = 0;
    while (at < bytes.size()) {
      const auto used = frames_.feed(bytes.substr(at));
      at += used;
      switch (frames_.current()) {
        case frame_decoder::state::idle: return at;
        case frame_decoder::state::control: state_ = state::control; return at;
        case frame_decoder::state::failed: state_ = state::failed; return at;
        case frame_decoder::state::data: break;
      }
      if (!gathering_ && frames_.message_end()) {
        message_ = frames_.data();
      } else {
        if (!gathering_) buffer_.clear();
        buffer_.append(frames_.data());
        gathering_ = !frames_.message_end();
        if (gathering_) continue;
        message_ = buffer_;
      }
      state_ = state::message;
      return at;
    }
    return at;
  }

  [[nodiscard]] state current() const noexcept { return state_; }
  [[nodiscard]] bool failed() const noexcept { return state_ == state::failed; }
  /// For `state::message`: the payload, valid until the next `feed` and while the bytes fed are.
  [[nodiscard]] std::string_view message() const noexcept { return message_; }
  /// For `state::message`: `opcode::text` (valid UTF-8) or `opcode::binary`.
  [[nodiscard]] opcode message_opcode() const noexcept { return frames_.message_opcode(); }
  /// The frames underneath: control frames, the close frame, failures.
  [[nodiscard]] const frame_decoder& frames() const noexcept { return frames_; }

 private:
  frame_decoder frames_;
  std::string buffer_;
  std::string_view message_{};
  bool gathering_ = false;
  state state_ = state::idle;
};

}  // namespace stampede::ws::detail
