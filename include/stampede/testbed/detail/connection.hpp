// One connection of the testbed server: read requests, wait for a replica slot and the route's
// latency on timers, answer in order, and close on error, on request, when idle or at stop.
#pragma once

#include <stampede/core/asio.hpp>
#include <stampede/core/task.hpp>
#include <stampede/testbed/detail/replica_pool.hpp>
#include <stampede/testbed/detail/request_parser.hpp>
#include <stampede/testbed/detail/response.hpp>
#include <stampede/testbed/route.hpp>
#include <stampede/testbed/server_options.hpp>
#include <stampede/testbed/server_stats.hpp>

#include <asio/buffer.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <unordered_map>
#include <vector>

namespace stampede::testbed::detail {

/// The server's counters, shared by its threads; relaxed atomics, read one by one.
struct counters {
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> bytes_received{0};
  std::atomic<std::uint64_t> bytes_sent{0};
  std::atomic<std::uint64_t> connections_accepted{0};
  std::atomic<std::uint64_t> connections_open{0};
  std::atomic<std::uint64_t> replica_waiting{0};
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
    for (std::size_t i = 0; i < statuses.size(); ++i) {
      if (const auto n = statuses[i].load(std::memory_order_relaxed); n != 0) s.statuses[static_cast<int>(i)] = n;
    }
    return s;
  }
};

/// A connection's socket and timers. Everything touching them runs on `strand`; `stop()`
/// reaches them by posting `close()` there.
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

  strand_type strand;
  asio::ip::tcp::socket socket;
  asio::steady_timer idle;  // closes the connection when it expires
  asio::steady_timer wait;  // the replica slot and the route's latency
  std::uint64_t number;
  std::uint64_t idle_generation = 0;  // an expiry already queued when the timer is re-armed is stale
  bool closed = false;
};

/// What every connection shares: the options, routes, replica model, counters and the list of
/// open connections that `stop()` closes.
struct server_state {
  explicit server_state(server_options o)
      : options(std::move(o)), routes(options.routes.empty() ? default_routes() : options.routes) {
    if (options.replicas) pool.emplace(*options.replicas);
  }

  /// Registers a new connection; false when stopping or at `max_connections`.
  bool admit(const std::shared_ptr<connection>& c) {
    const std::lock_guard lock{mutex};
    if (stopping || open.size() >= options.limits.max_connections) return false;
    open.emplace(c->number, c);
    return true;
  }
  void forget(std::uint64_t number) {
    const std::lock_guard lock{mutex};
    open.erase(number);
  }
  /// Refuses new connections from now on and returns the open ones.
  std::vector<std::shared_ptr<connection>> begin_stop() {
    const std::lock_guard lock{mutex};
    stopping = true;
    std::vector<std::shared_ptr<connection>> out;
    out.reserve(open.size());
    for (auto& [number, c] : open) out.push_back(c);
    return out;
  }
  bool is_stopping() {
    const std::lock_guard lock{mutex};
    return stopping;
  }

  const server_options options;
  const std::vector<route> routes;
  std::optional<replica_pool> pool;
  counters stats;

  std::mutex mutex;
  bool stopping = false;
  std::unordered_map<std::uint64_t, std::shared_ptr<connection>> open;
  std::uint64_t next_number = 0;  // under `mutex`
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

/// Writes one response; false if the connection failed. The response is counted as it is
/// handed to the socket, so a client that has read it finds it in `server::stats()`.
inline task<bool> write_response(server_state* state, connection* conn, response_plan plan, bool keep_alive,
                                 bool http10) {
  const auto length = plan.generated_bytes > 0 ? plan.generated_bytes : plan.body.size();
  const auto head = response_head(plan.status, plan.content_type, length, keep_alive, http10, plan.headers);
  std::size_t body_left = plan.head ? 0 : length;
  state->stats.responded(plan.status, head.size() + body_left);
  std::string_view first = plan.generated_bytes > 0 ? generated_block() : plan.body;
  first = first.substr(0, std::min(first.size(), body_left));
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(first)};
  auto [ec, n] = co_await asio::async_write(conn->socket, buffers, net::use_nothrow);
  body_left -= first.size();
  // A generated body repeats one block, so its size costs no memory.
  while (!ec && body_left > 0) {
    const auto block = generated_block().substr(0, std::min(generated_block().size(), body_left));
    auto [wec, wn] = co_await asio::async_write(conn->socket, asio::buffer(block), net::use_nothrow);
    ec = wec;
    body_left -= block.size();
  }
  co_return !ec;
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

/// Serves one connection until it closes.
inline task<void> serve(server_state* state, std::shared_ptr<connection> conn) {
  // Leaves the open list on every way out, including the frame's destruction at shutdown.
  struct registration {
    server_state* state;
    std::uint64_t number;
    ~registration() {
      state->forget(number);
      state->stats.connections_open.fetch_sub(1, std::memory_order_relaxed);
    }
  } const registered{state, conn->number};

  const auto& limits = state->options.limits;
  request_parser parser{limits.max_header_bytes, limits.max_body_bytes};
  std::vector<char> buffer(16 * 1024);
  std::size_t begin = 0;
  std::size_t end = 0;
  std::mt19937_64 rng{connection_seed(state->options.seed, conn->number)};

  for (;;) {
    if (begin == end) {
      if (conn->closed) break;
      arm_idle(conn, limits.idle_timeout);
      auto [ec, n] = co_await conn->socket.async_read_some(asio::buffer(buffer), net::use_nothrow);
      disarm_idle(*conn);
      if (ec) break;
      state->stats.bytes_received.fetch_add(n, std::memory_order_relaxed);
      begin = 0;
      end = n;
    }
    const auto parsed = parser.feed({buffer.data() + begin, end - begin});
    if (parsed.status == request_parser::state::need_more) {
      begin = end;
      continue;
    }
    if (parsed.status != request_parser::state::complete) {
      response_plan error;
      error.status = parsed.status == request_parser::state::headers_too_large ? 431
                     : parsed.status == request_parser::state::body_too_large  ? 413
                                                                              : 400;
      error.body = reason_phrase(error.status);
      co_await write_response(state, conn.get(), error, false, false);
      break;
    }
    begin += parsed.consumed;
    const auto& request = parser.head();
    const bool keep_alive = request.keep_alive;
    const bool http10 = request.http_major == 1 && request.http_minor == 0;
    const auto plan = plan_response(state->routes, state->options, request, rng);
    if (plan.replicated) {
      if (conn->closed) break;
      state->stats.replica_waiting.fetch_add(1, std::memory_order_relaxed);
      const bool served = co_await wait_until(conn.get(), state->pool->book());
      state->stats.replica_waiting.fetch_sub(1, std::memory_order_relaxed);
      if (!served) break;
    }
    if (plan.latency.count() > 0 &&
        !co_await wait_until(conn.get(), std::chrono::steady_clock::now() + plan.latency)) {
      break;
    }
    if (!co_await write_response(state, conn.get(), plan, keep_alive, http10)) break;
    parser.next();
    if (!keep_alive) break;
  }
  co_await lingering_close(conn, std::min<std::chrono::nanoseconds>(limits.idle_timeout, std::chrono::seconds{1}));
}

}  // namespace stampede::testbed::detail
