// What the testbed server sends one WebSocket client: its frames in order, written by one
// coroutine at a time, and the sending side of the closing handshake (RFC 6455 7.1).
#pragma once

#include <stampede/core/asio.hpp>
#include <stampede/core/task.hpp>
#include <stampede/testbed/detail/connection.hpp>
#include <stampede/testbed/detail/ws_frames.hpp>

#include <asio/buffer.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/write.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

namespace stampede::testbed::detail {

/// The queue of frames going to one WebSocket client. Every member runs on the connection's
/// strand: other sessions reach it by posting there (see `ws_hub`). A frame is shared, so a
/// broadcast encodes its frame once for every recipient.
///
/// Closing: `close(code)` queues a close frame after what is queued, and nothing is queued
/// after it. Once it is written the server shuts down its sending side (the server closes the
/// TCP connection first, RFC 6455 7.1.1), or closes the connection at once when the client's
/// close frame has already arrived (`peer_closed`); the connection closes after
/// `close_timeout` at the latest, whatever the client does.
class ws_outbox : public std::enable_shared_from_this<ws_outbox> {
 public:
  using frame = std::shared_ptr<const std::string>;

  ws_outbox(std::shared_ptr<connection> conn, counters* stats, std::size_t max_queued_bytes,
            std::chrono::nanoseconds close_timeout)
      : conn_(std::move(conn)), stats_(stats), max_queued_bytes_(max_queued_bytes), close_timeout_(close_timeout) {}

  /// Queues a text or binary message's frame, counted in `websocket_messages_sent` as it is
  /// handed to the socket. Dropped once a close frame is queued.
  void send_message(frame f) { push(std::move(f), kind::message); }
  /// Queues a control frame (a pong). Dropped once a close frame is queued.
  void send_control(frame f) { push(std::move(f), kind::control); }
  /// Queues the 101 answer, first of all: a session is open for messages (see `ws_hub`)
  /// before its client can have read the answer. Its bytes are counted with the response.
  void send_answer(frame f) { push(std::move(f), kind::answer); }

  /// Queues a close frame with `code` (an empty one for 1005), unless one is queued already,
  /// and starts the close timeout.
  void close(std::uint16_t code) {
    if (close_queued_ || conn_->closed) return;
    push(std::make_shared<const std::string>(encode_server_close(code)), kind::close);
    close_queued_ = true;
    arm_idle(conn_, close_timeout_);
  }

  /// The client's close frame arrived: answer it with the same code if the server has not
  /// sent one, and close the connection once both have been sent.
  void peer_closed(std::uint16_t code) {
    peer_closed_ = true;
    if (close_written_) {
      conn_->close();
    } else {
      close(code);
    }
  }

  /// Whether a close frame is queued or sent: messages are no longer answered.
  [[nodiscard]] bool closing() const noexcept { return close_queued_; }
  [[nodiscard]] connection& conn() const noexcept { return *conn_; }

 private:
  enum class kind : std::uint8_t { answer, message, control, close };
  struct entry {
    frame bytes;
    kind what;
  };

  void push(frame f, kind what) {
    if (close_queued_ || conn_->closed) return;
    queued_bytes_ += f->size();
    if (queued_bytes_ > max_queued_bytes_) {
      // A client reading slower than frames come for it: it would hold the server's memory.
      conn_->close();
      return;
    }
    queue_.push_back({std::move(f), what});
    if (!writing_) {
      writing_ = true;
      asio::co_spawn(conn_->strand, drain(shared_from_this()), asio::detached);
    }
  }

  // Writes the queue until it is empty; pushes meanwhile extend it.
  static task<void> drain(std::shared_ptr<ws_outbox> self) {
    auto& conn = *self->conn_;
    while (!self->queue_.empty() && !conn.closed) {
      const auto [bytes, what] = self->queue_.front();
      if (what != kind::answer) self->stats_->bytes_sent.fetch_add(bytes->size(), std::memory_order_relaxed);
      if (what == kind::message) self->stats_->websocket_messages_sent.fetch_add(1, std::memory_order_relaxed);
      auto [ec, n] = co_await asio::async_write(conn.socket, asio::buffer(*bytes), net::use_nothrow);
      self->queued_bytes_ -= bytes->size();
      self->queue_.pop_front();
      if (ec) {
        conn.close();
        break;
      }
      if (what == kind::close) {
        self->close_written_ = true;
        if (self->peer_closed_) {
          conn.close();
        } else {
          std::error_code ignored;
          conn.socket.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
        }
        break;
      }
    }
    self->writing_ = false;
  }

  std::shared_ptr<connection> conn_;
  counters* stats_;
  std::size_t max_queued_bytes_;
  std::chrono::nanoseconds close_timeout_;
  std::deque<entry> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool close_queued_ = false;
  bool close_written_ = false;
  bool peer_closed_ = false;
};

}  // namespace stampede::testbed::detail
