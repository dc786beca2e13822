// What a wait on a WebSocket session gives: a message, the server's close, a timeout, a failure.
#pragma once

#include <stampede/http/error.hpp>
#include <stampede/ws/close_code.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace stampede::ws {

/// How a WebSocket operation can fail: the same kinds and k6 codes as HTTP's (`refused`,
/// `dns`, `tls`, `timeout`, `reset`, ...), plus `protocol` for a server that broke RFC 6455
/// or refused the upgrade, `too_large` for a message over `client_options::max_message_bytes`,
/// and `closed` for a connection that ended without a close frame.
using error = http::error;
using error_kind = http::error_kind;

/// What `session::receive` (and `close`) came back with.
enum class event : std::uint8_t {
  text,     ///< a whole text message (valid UTF-8), reassembled from its fragments
  binary,   ///< a whole binary message
  close,    ///< the close handshake ended: `close_code()` and `close_reason()` are the server's
  timeout,  ///< the wait's time ran out; the session is still open
  failure,  ///< the session failed (`error()` says why) and is closed
};

/// One outcome of a wait on a session. A text or binary message converts to `true`.
///
/// The payload is a view into the session's buffers: valid until the next `receive`, `close`
/// or `run` on the same session, and while the session lives. Copy it (`std::string{m.text()}`)
/// to keep it longer.
///
/// ```cpp
/// auto m = co_await ws.receive(2s);
/// if (m.is_text()) u.check(m, "an update", [](const sp::ws::message& m) { return m.text().starts_with("{"); });
/// else if (m.kind() == sp::ws::event::timeout) ...
/// ```
class message {
 public:
  message() = default;
  /// A text or binary message holding `payload`.
  message(event kind, std::string_view payload) noexcept : kind_{kind}, payload_{payload} {}
  /// The end of the close handshake with the server's code and reason (`close_code::no_status`
  /// when its close frame had none).
  static message closed(std::uint16_t code, std::string_view reason) noexcept {
    message m{event::close, reason};
    m.close_code_ = code;
    return m;
  }
  /// A failure; `code` is the close status it stands for (`close_code::abnormal` when the
  /// connection ended without a close frame, 1002 for a protocol violation, ...).
  static message failed(ws::error e, std::uint16_t code) {
    message m;
    m.kind_ = event::failure;
    m.error_ = std::move(e);
    m.close_code_ = code;
    return m;
  }
  static message timed_out() noexcept {
    message m;
    m.kind_ = event::timeout;
    return m;
  }

  [[nodiscard]] event kind() const noexcept { return kind_; }
  [[nodiscard]] bool is_text() const noexcept { return kind_ == event::text; }
  [[nodiscard]] bool is_binary() const noexcept { return kind_ == event::binary; }
  [[nodiscard]] bool is_close() const noexcept { return kind_ == event::close; }
  [[nodiscard]] bool is_timeout() const noexcept { return kind_ == event::timeout; }
  [[nodiscard]] bool is_failure() const noexcept { return kind_ == event::failure; }
  /// A text or binary message arrived.
  explicit operator bool() const noexcept { return kind_ == event::text || kind_ == event::binary; }

  /// A text message's text; empty for anything else.
  [[nodiscard]] std::string_view text() const noexcept { return kind_ == event::text ? payload_ : std::string_view{}; }
  /// A text or binary message's bytes; empty for anything else.
  [[nodiscard]] std::string_view data() const noexcept {
    return kind_ == event::text || kind_ == event::binary ? payload_ : std::string_view{};
  }
  /// For `close`: the server's status code; for `error`: the code the failure stands for
  /// (RFC 6455 7.4: 1006 for a connection lost without a close frame); otherwise 0.
  [[nodiscard]] std::uint16_t close_code() const noexcept { return close_code_; }
  /// For `close`: the server's reason (UTF-8, at most 123 bytes).
  [[nodiscard]] std::string_view close_reason() const noexcept {
    return kind_ == event::close ? payload_ : std::string_view{};
  }
  /// For `error`: why the session failed.
  [[nodiscard]] const ws::error& error() const noexcept { return error_; }

 private:
  event kind_ = event::timeout;
  std::string_view payload_{};
  std::uint16_t close_code_ = 0;
  ws::error error_{};
};

/// The event's name: `"text"`, `"binary"`, `"close"`, `"timeout"`, `"failure"`.
[[nodiscard]] constexpr std::string_view to_string(event e) noexcept {
  switch (e) {
    case event::text: return "text";
    case event::binary: return "binary";
    case event::close: return "close";
    case event::timeout: return "timeout";
    case event::failure: return "failure";
  }
  return "?";
}

}  // namespace stampede::ws
