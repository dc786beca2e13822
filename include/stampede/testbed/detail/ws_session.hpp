// One WebSocket session of the testbed server (RFC 6455, server side): the 101 answer, then the
// client's frames read, pings and closes answered, and each message echoed or broadcast after
// its replica slot and latency; ended by either side, a protocol violation or the server's stop.
#pragma once

#include <stampede/core/asio.hpp>
#include <stampede/core/task.hpp>
#include <stampede/testbed/detail/connection.hpp>
#include <stampede/testbed/detail/server_state.hpp>
#include <stampede/testbed/detail/ws_frames.hpp>
#include <stampede/testbed/detail/ws_hub.hpp>
#include <stampede/testbed/detail/ws_outbox.hpp>
#include <stampede/testbed/route.hpp>
#include <stampede/testbed/server_options.hpp>
#include <stampede/ws/close_code.hpp>
#include <stampede/ws/detail/utf8.hpp>

#include <asio/buffer.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stampede::testbed::detail {

/// How long a closing session waits for the client's side of the closing handshake, and a
/// stopping server for a session's last frames: a second, or the idle timeout if shorter.
[[nodiscard]] inline std::chrono::nanoseconds websocket_close_timeout(const server_limits& limits) {
  return std::min<std::chrono::nanoseconds>(limits.idle_timeout, std::chrono::seconds{1});
}

/// The frame that publishes `payload` to WebSocket clients: text when it is UTF-8, else binary.
[[nodiscard]] inline ws_outbox::frame publication(std::string_view payload) {
  const auto op = ws::detail::is_valid_utf8(payload) ? opcode::text : opcode::binary;
  return std::make_shared<const std::string>(encode_server_frame(op, payload));
}

/// Waits for a message's turn as for a request's: a replica slot if the route is replicated
/// and the server has a model, then the route's latency. False if the connection closed or
/// the server stopped meanwhile.
inline task<bool> wait_for_turn(server_state* state, connection* conn, const route* r, std::mt19937_64* rng) {
  if (r->replicated && state->pool) {
    state->stats.replica_waiting.fetch_add(1, std::memory_order_relaxed);
    const bool served = co_await wait_until(conn, state->pool->book());
    state->stats.replica_waiting.fetch_sub(1, std::memory_order_relaxed);
    if (!served) co_return false;
  }
  const auto latency = r->latency.draw(*rng);
  if (latency.count() > 0) co_return co_await wait_until(conn, std::chrono::steady_clock::now() + latency);
  co_return true;
}

/// Serves WebSocket route `r` on `conn`, whose upgrade request has been read: sends the 101
/// `answer`, then reads frames — `early` holds those that arrived with the request — until
/// the connection closes. Messages are answered one at a time, in order, as a connection's
/// pipelined requests are; control frames between them wait their turn. There is no idle
/// timeout: a session lasts until either side closes it or the server stops.
inline task<void> serve_websocket(server_state* state, std::shared_ptr<connection> conn, const route* r,
                                  std::string answer, std::string early, std::mt19937_64* rng) {
  if (conn->closed) co_return;
  const auto& limits = state->options.limits;
  const auto out = std::make_shared<ws_outbox>(conn, &state->stats, limits.max_websocket_queued_bytes,
                                               websocket_close_timeout(limits));

  // In the counts and the route's sessions from now on — before the 101 is queued (the write
  // may start at once), so that nothing published after the client has read it is missed —
  // and out of them on every way out (including the frame's destruction at shutdown).
  struct registration {
    registration(server_state* s, const route* rt, connection* c, std::shared_ptr<ws_outbox> o)
        : state(s), path(&rt->path), conn(c) {
      state->stats.websocket_sessions.fetch_add(1, std::memory_order_relaxed);
      state->stats.websocket_sessions_open.fetch_add(1, std::memory_order_relaxed);
      state->websockets.join(*path, conn->number, std::move(o));
    }
    registration(const registration&) = delete;
    registration& operator=(const registration&) = delete;
    ~registration() {
      conn->on_stop = nullptr;
      state->websockets.leave(*path, conn->number);
      state->stats.websocket_sessions_open.fetch_sub(1, std::memory_order_relaxed);
    }
    server_state* state;
    const std::string* path;
    connection* conn;
  } const registered{state, r, conn.get(), out};
  // First in the queue: what the hub posts for this session runs on its strand after this.
  state->stats.responded(101, answer.size());
  out->send_answer(std::make_shared<const std::string>(std::move(answer)));

  // The server's stop: a close frame 1001 after what is queued, and no more messages answered.
  conn->on_stop = [weak = std::weak_ptr<ws_outbox>(out)](connection& c) {
    const auto session = weak.lock();
    if (!session) {
      c.close();
      return;
    }
    session->close(ws::close_code::going_away);
    c.wait.cancel();
  };

  client_frame_decoder decoder{limits.max_websocket_message_bytes};
  std::vector<char> buffer(16 * 1024);
  std::string_view pending = early;
  bool reading = true;  // false once the client's frames end (its close, or a violation): the rest is drained
  for (;;) {
    while (reading && !pending.empty()) {
      pending.remove_prefix(decoder.feed(pending));
      switch (decoder.current()) {
        case client_frame_decoder::state::idle: break;
        case client_frame_decoder::state::message: {
          state->stats.websocket_messages_received.fetch_add(1, std::memory_order_relaxed);
          if (out->closing()) break;
          auto frame = std::make_shared<const std::string>(encode_server_frame(decoder.message_opcode(), decoder.message()));
          if (!co_await wait_for_turn(state, conn.get(), r, rng) || out->closing()) break;
          if (r->websocket == websocket_mode::echo) {
            out->send_message(std::move(frame));
          } else {
            state->websockets.publish(r->path, frame);
          }
          break;
        }
        case client_frame_decoder::state::control:
          if (decoder.control_opcode() == opcode::ping) {
            out->send_control(std::make_shared<const std::string>(encode_server_frame(opcode::pong, decoder.control_payload())));
          } else if (decoder.control_opcode() == opcode::close) {
            out->peer_closed(decoder.close().code);
            reading = false;
          }
          break;
        case client_frame_decoder::state::failed:
          out->close(decoder.failure_code());
          reading = false;
          break;
      }
    }
    if (conn->closed) break;
    auto [ec, n] = co_await conn->socket.async_read_some(asio::buffer(buffer), net::use_nothrow);
    if (ec) break;
    state->stats.bytes_received.fetch_add(n, std::memory_order_relaxed);
    pending = {buffer.data(), n};
  }
  conn->close();
}

}  // namespace stampede::testbed::detail
