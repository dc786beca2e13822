// An open WebSocket: send and receive messages, ping, close; and the event loop of k6's
// ws.connect (handlers for messages, timers, a session length) for the common case.
#pragma once

#include <stampede/core/task.hpp>
#include <stampede/http/headers.hpp>
#include <stampede/ws/message.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stampede::ws {

class session;

namespace detail {
struct session_state;
}  // namespace detail

/// A function the event loop of `session::run` calls at a time: `after` once, `every`
/// repeatedly (k6's `socket.setTimeout` and `socket.setInterval`).
struct scheduled_call {
  std::chrono::nanoseconds delay{};  ///< from the start of `run` (`after`), or the period (`every`)
  std::function<task<>(session&)> call{};
};

/// What `session::run` does with the session's events, as k6's `socket.on(...)` handlers.
/// Each is optional; an aggregate:
///
/// ```cpp
/// co_await ws.run({.on_message = [&](sp::ws::session& s, const sp::ws::message& m) -> sp::task<> {
///                    u.check(m, "echoed", [](const auto& m) { return m.text() == "hi"; });
///                    co_return;
///                  },
///                  .every = {{1s, [](sp::ws::session& s) -> sp::task<> { co_await s.send_text("hi"); }}},
///                  .close_after = 10s});
/// ```
struct session_handlers {
  /// Called once when `run` starts (k6's `open`): send the first messages here.
  std::function<task<>(session&)> on_open{};
  /// A text or binary message arrived (k6's `message` and `binaryMessage`).
  std::function<task<>(session&, const message&)> on_message{};
  /// The session ended: the close handshake's end (`event::close`) or a failure (`event::failure`).
  std::function<task<>(session&, const message&)> on_close{};
  /// Called once each, `delay` after `run` started.
  std::vector<scheduled_call> after{};
  /// Called every `delay`, the first time `delay` after `run` started.
  std::vector<scheduled_call> every{};
  /// Closes the session (code 1000) this long after `run` started, if it is still open.
  std::optional<std::chrono::nanoseconds> close_after{};
};

/// A WebSocket session, from `ws::client::connect`. Move-only; one operation at a time (await
/// each before the next: a second one while another runs throws `usage_error`).
///
/// Control frames are handled while the session waits for the server (`receive`, `close`,
/// `run`): a ping is answered with a pong carrying its payload, a pong to `ping()` records
/// `ws_ping`, and the server's close frame is answered and ends the session. A session that
/// only sends does not answer pings until it receives.
///
/// Failures of the server or the network are values, never exceptions: `send_*` return
/// false, `receive` returns `event::failure`, and `error()` says why. Each failure closes the
/// session (after a close frame with the RFC's code for a protocol violation). Destroying an
/// open session closes its connection at once (with a close frame, 1001, if the socket takes it
/// without waiting).
///
/// ```cpp
/// auto ws = co_await u.ws().connect("ws://127.0.0.1:8080/echo");
/// if (!ws.ok()) co_return;                    // ws.status(), ws.error() say why
/// co_await ws.send_text("hello");
/// auto m = co_await ws.receive(5s);           // a message, the server's close, a timeout or a failure
/// co_await ws.close();                        // 1000, then waits for the server's close
/// ```
///
/// Thread safety: used from the thread of its client's executor, like the VU that made it.
class session {
 public:
  /// A session that never connected (`ok()` false, `status()` 0).
  session() noexcept;
  explicit session(std::shared_ptr<detail::session_state> state) noexcept;
  session(session&& other) noexcept;
  session& operator=(session&& other) noexcept;
  session(const session&) = delete;
  session& operator=(const session&) = delete;
  ~session();

  /// The handshake succeeded: the connection became a WebSocket (it may have closed since).
  [[nodiscard]] bool ok() const noexcept;
  /// Messages can be sent and received: open, and neither closed nor failed.
  [[nodiscard]] bool is_open() const noexcept;
  /// The status of the answer to the upgrade request: 101, another status when the server
  /// refused (`body()` and `headers()` hold its answer), 0 when none came.
  [[nodiscard]] int status() const noexcept;
  /// The answer's header fields.
  [[nodiscard]] const http::headers& headers() const noexcept;
  /// The body of an answer that was not 101.
  [[nodiscard]] std::string_view body() const noexcept;
  /// Why the connection failed or the session ended in failure; no error otherwise.
  [[nodiscard]] const ws::error& error() const noexcept;
  /// The subprotocol the server chose, or empty.
  [[nodiscard]] std::string_view subprotocol() const noexcept;
  /// The URL connected to.
  [[nodiscard]] std::string_view url() const noexcept;
  /// Messages sent and received so far.
  [[nodiscard]] std::uint64_t messages_sent() const noexcept;
  [[nodiscard]] std::uint64_t messages_received() const noexcept;

  /// Sends a text message (k6's `socket.send`); false if the session is not open or the send
  /// failed (`error()`). Throws `usage_error` for text that is not UTF-8.
  task<bool> send_text(std::string_view text);
  /// Sends a binary message (k6's `socket.sendBinary`); false as `send_text`.
  task<bool> send_binary(std::string_view bytes);
  /// Sends a ping; its pong, when a wait reads it, records the round trip in `ws_ping`.
  task<bool> ping();

  /// Waits for the next message: reassembled, text checked as UTF-8, control frames handled
  /// on the way. Without a timeout it waits as long as the session lasts.
  task<message> receive();
  /// The same, for at most `timeout`: then `event::timeout`, and the session stays open.
  task<message> receive(std::chrono::nanoseconds timeout);

  /// Starts the close handshake with 1000 (k6's `socket.close()`), reads until the server's
  /// close frame (messages that still arrive are counted and dropped) and waits for the server
  /// to end TCP, each for at most `client_options::close_timeout`. Returns `event::close`
  /// with the server's code, or `event::failure`. On a session that is not open, returns at once.
  task<message> close();
  /// The same with `code`. `close_code::no_status` (1005) sends a close frame without a code
  /// (RFC 6455 5.5.1 allows an empty one; Gorilla, k6's library, does the same); any other code
  /// that may not be sent (`is_sendable_close_code`) throws `usage_error`.
  task<message> close(std::uint16_t code);
  /// The same with a reason (UTF-8, at most 123 bytes, else `usage_error`).
  task<message> close(std::uint16_t code, std::string_view reason);

  /// k6's event loop: calls the handlers as messages arrive and timers come due, until the
  /// session ends (the server closes, a handler calls `close`, `close_after`, a failure), and
  /// returns the last event (`close` or `error`). An exception from a handler closes the
  /// session (1001) and propagates.
  task<message> run(session_handlers handlers);

 private:
  std::shared_ptr<detail::session_state> state_;
};

}  // namespace stampede::ws

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/ws/impl/session.ipp>
#endif
