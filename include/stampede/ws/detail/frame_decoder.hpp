// The frames a server sends, decoded from bytes fed in any pieces: payload pieces of text and
// binary messages as they arrive, whole control frames, and every protocol violation
// classified with the close code the client answers it with (RFC 6455 7.4.1).
#pragma once

#include <stampede/config.hpp>

#include <stampede/ws/close_code.hpp>
#include <stampede/ws/detail/close_payload.hpp>
#include <stampede/ws/detail/frame.hpp>
#include <stampede/ws/detail/utf8.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace stampede::ws::detail {

/// Decodes server-to-client frames. `feed` reads bytes up to the next event and returns how
/// many it used; the caller handles the event (`current()`) and feeds the rest:
///
/// ```cpp
/// while (!bytes.empty() && !d.failed()) {
///   bytes.remove_prefix(d.feed(bytes));
///   if (d.current() == frame_decoder::state::data) append(d.data(), d.message_end());
/// }
/// ```
///
/// - `data`: the next piece of a text or binary message, a view into the bytes just fed (server
///   frames are not masked, so nothing is copied). Fragments are joined: the pieces of one
///   message carry its opcode, the last has `message_end()`. Where the pieces are cut depends on
///   how the bytes arrived; only empty pieces are left out, except an empty last one.
/// - `control`: a ping, pong or close frame, whole (its payload is copied, at most 125 bytes),
///   possibly between the fragments of a message. After a close frame the decoder reads
///   nothing more: the server may send nothing after it (RFC 6455 5.5.1).
/// - `failed`: the server broke the protocol; `failure_code()` is the close code to send
///   (1002, 1007 for text that is not UTF-8, 1009 for a message over the limit) and the decoder
///   reads nothing more.
///
/// The same bytes give the same messages, control frames and outcome however they are cut.
/// Never allocates; does not throw.
class frame_decoder {
 public:
  enum class state : std::uint8_t {
    idle,     ///< the bytes fed so far completed nothing
    data,     ///< `data()` is the next piece of the message being received
    control,  ///< `control_opcode()` and `control_payload()` hold a whole control frame
    failed,   ///< see `failure_code()` and `failure_message()`
  };
  struct limits {
    /// The most payload bytes a message (all its fragments) may have; more fails with 1009.
    std::uint64_t max_message_bytes = std::uint64_t{64} << 20;
  };

  frame_decoder() noexcept : frame_decoder(limits{}) {}
  explicit frame_decoder(limits lim) noexcept : limits_{lim} {}

  /// Reads `bytes` up to the end of the next event and returns how many it used: all of them
  /// unless an event ended before them. Returns 0 once failed or after a close frame.
  std::size_t feed(std::string_view bytes) noexcept;

  [[nodiscard]] state current() const noexcept { return state_; }
  [[nodiscard]] bool failed() const noexcept { return state_ == state::failed; }
  /// Whether a close frame has been read (and nothing after it will be).
  [[nodiscard]] bool closed() const noexcept { return closed_; }
  /// Whether a message has begun and not ended.
  [[nodiscard]] bool in_message() const noexcept { return in_message_; }
  /// Whether the bytes so far end between frames, not inside a header or payload.
  [[nodiscard]] bool at_frame_boundary() const noexcept { return header_size_ == 0 && !in_payload_; }

  /// For `state::data`: the piece, valid while the bytes given to `feed` are.
  [[nodiscard]] std::string_view data() const noexcept { return piece_; }
  /// For `state::data`: `opcode::text` or `opcode::binary`, the message's.
  [[nodiscard]] opcode message_opcode() const noexcept { return message_opcode_; }
  /// For `state::data`: whether this piece ends the message.
  [[nodiscard]] bool message_end() const noexcept { return message_end_; }

  /// For `state::control`: ping, pong or close.
  [[nodiscard]] opcode control_opcode() const noexcept { return opcode_; }
  /// For `state::control`: the payload, valid until the next `feed`.
  [[nodiscard]] std::string_view control_payload() const noexcept { return {control_.data(), control_size_}; }
  /// For a close frame: its code (1005 when it had none) and reason (valid until the next `feed`).
  [[nodiscard]] close_payload close() const noexcept { return close_; }

  /// For `state::failed`: the close code the client sends (1002, 1007 or 1009).
  [[nodiscard]] std::uint16_t failure_code() const noexcept { return failure_code_; }
  /// For `state::failed`: what the server did, as static text.
  [[nodiscard]] std::string_view failure_message() const noexcept { return failure_message_; }

 private:
  bool read_header_byte(std::uint8_t b) noexcept;
  bool header_complete() noexcept;
  bool data_piece(std::string_view piece) noexcept;
  bool finish_control() noexcept;
  bool fail(std::uint16_t code, std::string_view message) noexcept;

  limits limits_;
  // The frame being read.
  std::array<std::uint8_t, max_frame_header_size> header_{};
  std::uint8_t header_size_ = 0;
  std::uint8_t header_need_ = 2;  // 2, then 4 or 10 once the length's form is known
  bool in_payload_ = false;
  bool fin_ = false;
  opcode opcode_ = opcode::continuation;
  std::uint64_t remaining_ = 0;  // payload bytes of the frame still to read
  // The message being received, across fragments.
  bool in_message_ = false;
  opcode message_opcode_ = opcode::text;
  std::uint64_t message_bytes_ = 0;
  utf8_validator utf8_;
  // Events.
  state state_ = state::idle;
  std::string_view piece_{};
  bool message_end_ = false;
  std::array<char, max_control_payload> control_{};
  std::size_t control_size_ = 0;
  close_payload close_{};
  bool closed_ = false;
  std::uint16_t failure_code_ = 0;
  std::string_view failure_message_{};
};

}  // namespace stampede::ws::detail

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/ws/impl/frame_decoder.ipp>
#endif
