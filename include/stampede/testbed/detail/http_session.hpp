// The HTTP side of a testbed server's connection: read requests, wait for a replica slot and
// the route's latency on timers, answer in order, publish to WebSocket sessions, hand an
// upgrade to a WebSocket session, and close on error, on request, when idle or at stop.
#pragma once

#include <stampede/core/asio.hpp>
#include <stampede/core/task.hpp>
#include <stampede/testbed/detail/connection.hpp>
#include <stampede/testbed/detail/request_parser.hpp>
#include <stampede/testbed/detail/response.hpp>
#include <stampede/testbed/detail/server_state.hpp>
#include <stampede/testbed/detail/ws_handshake.hpp>
#include <stampede/testbed/detail/ws_session.hpp>
#include <stampede/testbed/route.hpp>

#include <asio/buffer.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stampede::testbed::detail {

/// Writes one response; false if the connection failed. The response is counted as it is
/// handed to the socket, so a client that has read it finds it in `server::stats()`.
inline task<bool> write_response(server_state* state, connection* conn, response_plan plan, bool keep_alive,
                                 bool http10) {
  const auto length = plan.generated_bytes > 0 ? plan.generated_bytes : plan.body.size();
  const auto head =
      response_head(plan.status, plan.content_type, length, keep_alive, http10, plan.headers, plan.upgrade_offer);
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

/// Sends what an answer of a route with `publish` carries to the WebSocket sessions on that
/// path: the request's body, or the answer's own body when the request has none.
inline void publish_answer(server_state* state, const std::string& path, const request_head& request,
                           const response_plan& plan) {
  if (!request.body.empty()) {
    state->websockets.publish(path, publication(request.body));
  } else if (plan.generated_bytes > 0) {
    std::string body;
    body.reserve(plan.generated_bytes);
    while (body.size() < plan.generated_bytes) {
      body.append(generated_block().substr(0, std::min(generated_block().size(), plan.generated_bytes - body.size())));
    }
    state->websockets.publish(path, publication(body));
  } else {
    state->websockets.publish(path, publication(plan.body));
  }
}

/// Serves one connection until it closes, as a WebSocket session after a valid upgrade.
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
  if (state->publishes) {
    parser.keep_bodies_if([routes = &state->routes](const request_head& h) {
      const auto match = find_route(*routes, h.method, h.target);
      return match.result == route_match::outcome::found && !match.matched->publish.empty();
    });
  }

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
    if (plan.websocket != nullptr) {
      // The connection is the session's from here on; it closes the connection itself.
      auto answer = switching_protocols(request.fields.key, plan.subprotocol, plan.websocket->headers);
      std::string early{buffer.data() + begin, end - begin};
      co_await serve_websocket(state, conn, plan.websocket, std::move(answer), std::move(early), &rng);
      co_return;
    }
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
    // Published before the answer is written: a client that has the answer knows the
    // message is on its way to every session open at that moment.
    if (plan.publish != nullptr) publish_answer(state, *plan.publish, request, plan);
    if (!co_await write_response(state, conn.get(), plan, keep_alive, http10)) break;
    parser.next();
    if (!keep_alive) break;
  }
  co_await lingering_close(conn, std::min<std::chrono::nanoseconds>(limits.idle_timeout, std::chrono::seconds{1}));
}

}  // namespace stampede::testbed::detail
