// One connection of the testbed server, whichever protocol it speaks: its socket, strand and
// timers, the server's counters, waiting on a timer, and closing without losing the last answer.
#pragma once

#include <stampede/core/asio.hpp>
#include <stampede/core/task.hpp>
#include <stampede/testbed/server_stats.hpp>

#include <asio/buffer.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <system_error>

namespace stampede::testbed::detail {

/// The server's counters, shared by its threads; relaxed atomics, read one by one.
struct counters {
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> bytes_received{0};
  std::atomic<std::uint64_t> bytes_sent{0};
  std::atomic<std::uint64_t> connections_accepted{0};
  std::atomic<std::uint64_t> connections_open{0};
  std::atomic<std::uint64_t> replica_waiting{0};
  std::atomic<std::uint64_t> websocket_sessions{0};
  std::atomic<std::uint64_t> websocket_sessions_open{0};
  std::atomic<std::uint64_t> websocket_messages_received{0};
  std::atomic<std::uint64_t> websocket_messages_sent{0};
  std::array<std::atomic<std::uint64_t>, 600> statuses{};

  void responded(int status, std::size_t bytes) noexcept {
    requests.fetch_add(1, std::memory_order_relaxed);
    bytes_sent.fetch_add(bytes, std::memory_order_relaxed);
    if (status >= 0 && status < static_cast<int>(statuses.size())) {
      statuses[static_cast<std::size_t>(status)].fetch_add(1, std::memory_order_relaxed);
    }
  }

  [[nodiscard]] server_stats snapshot() const {
    server_stats s;
    s.requests = requests.load(std::memory_order_relaxed);
    s.bytes_received = bytes_received.load(std::memory_order_relaxed);
    s.bytes_sent = bytes_sent.load(std::memory_order_relaxed);
    s.connections_accepted = connections_accepted.load(std::memory_order_relaxed);
    s.connections_open = connections_open.load(std::memory_order_relaxed);
    s.replica_waiting = replica_waiting.load(std::memory_order_relaxed);
    s.websocket_sessions = websocket_sessions.load(std::memory_order_relaxed);
    s.websocket_sessions_open = websocket_sessions_open.load(std::memory_order_relaxed);
    s.websocket_messages_received = websocket_messages_received.load(std::memory_order_relaxed);
    s.websocket_messages_sent = websocket_messages_sent.load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < statuses.size(); ++i) {
      if (const auto n = statuses[i].load(std::memory_order_relaxed); n != 0) s.statuses[static_cast<int>(i)] = n;
    }
    return s;
  }
};

/// A connection's socket and timers. Everything touching them runs on `strand`; the server's
/// `stop()` reaches them by posting `stop()` there.
struct connection {
  using strand_type = asio::strand<asio::io_context::executor_type>;

  connection(strand_type s, asio::ip::tcp::socket sock, std::uint64_t n)
      : strand(s), socket(std::move(sock)), idle(s), wait(s), number(n) {}

  /// Ends every operation in flight; the serving coroutine sees errors and returns. Later
  /// waits are not started (the coroutine checks `closed` before each).
  void close() noexcept {
    closed = true;
    std::error_code ignored;
    socket.close(ignored);
    idle.cancel();
    wait.cancel();
  }

  /// What the server's `stop()` does: `on_stop` if a WebSocket session set it (a close frame
  /// first), else `close()`.
  void stop() {
    if (on_stop) {
      on_stop(*this);
    } else {
      close();
    }
  }

  strand_type strand;
  asio::ip::tcp::socket socket;
  asio::steady_timer idle;  // closes the connection when it expires
  asio::steady_timer wait;  // the replica slot and the route's latency
  std::uint64_t number;
  std::uint64_t idle_generation = 0;  // an expiry already queued when the timer is re-armed is stale
  bool closed = false;
  std::function<void(connection&)> on_stop;  // set while a WebSocket session runs
};

/// The generator of connection `number`: splitmix64 of the server's seed and the number, so
/// connections draw independent, reproducible sequences.
[[nodiscard]] inline std::uint64_t connection_seed(std::uint64_t seed, std::uint64_t number) noexcept {
  std::uint64_t z = seed + (number + 1) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31U);
}

inline void arm_idle(const std::shared_ptr<connection>& c, std::chrono::nanoseconds timeout) {
  const auto generation = ++c->idle_generation;
  c->idle.expires_after(timeout);
  c->idle.async_wait([weak = std::weak_ptr<connection>(c), generation](std::error_code ec) {
    const auto self = weak.lock();
    if (!ec && self && self->idle_generation == generation) self->close();
  });
}

inline void disarm_idle(connection& c) {
  ++c.idle_generation;
  c.idle.cancel();
}

/// Waits on the connection's timer until `at`; false if the connection closed meanwhile.
inline task<bool> wait_until(connection* conn, std::chrono::steady_clock::time_point at) {
  if (conn->closed) co_return false;
  conn->wait.expires_at(at);
  auto [ec] = co_await conn->wait.async_wait(net::use_nothrow);
  co_return !ec && !conn->closed;
}

/// Shuts down sending, then reads (and drops) what the client still sends for a bounded time,
/// so that closing does not reset the connection before the client has read the answer.
inline task<void> lingering_close(std::shared_ptr<connection> conn, std::chrono::nanoseconds limit) {
  std::error_code ignored;
  if (!conn->closed) {
    conn->socket.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    arm_idle(conn, limit);
    std::array<char, 4096> sink{};
    for (std::size_t drained = 0; drained < 1024 * 1024 && !conn->closed;) {
      auto [ec, n] = co_await conn->socket.async_read_some(asio::buffer(sink), net::use_nothrow);
      if (ec) break;
      drained += n;
    }
    disarm_idle(*conn);
  }
  conn->socket.close(ignored);
  conn->closed = true;
}

}  // namespace stampede::testbed::detail
