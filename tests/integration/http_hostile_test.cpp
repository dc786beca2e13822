// The client against a server that misbehaves on purpose: every failure ends classified within
// its timeout, with bounded memory, and the next request succeeds on a fresh connection.
#include <stampede/http/client.hpp>
#include <stampede/testbed/server.hpp>

#include "support/catch_compat.hpp"
#include "support/hostile_server.hpp"
#include "support/run_coroutine.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

namespace {

using namespace std::chrono_literals;
namespace http = stampede::http;
using stampede::testing::hostile_server;
using stampede::testing::misbehaviour;

struct outcome {
  http::response first;
  http::response next;
  std::chrono::steady_clock::duration took{};
};

// One request to a misbehaving connection, then one to a well-behaved one, on one client.
outcome exchange_with(hostile_server& server, std::string first_url, http::client_options options) {
  outcome out;
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex, options};
    const auto start = std::chrono::steady_clock::now();
    out.first = co_await c.get(first_url);
    out.took = std::chrono::steady_clock::now() - start;
    out.next = co_await c.get(server.url("/ok"));
  };
  stampede::testing::run_coroutine(body);
  return out;
}

struct hostile_case {
  misbehaviour behaviour;
  http::error_kind kind;  // none: the first response is a response, checked by `status`
  int k6_code;
  int status = 0;
};

}  // namespace

TEST_CASE("client classifies each way a server can misbehave and recovers on a new connection") {
  const http::client_options options{.timeout = 300ms, .max_response_body_bytes = 256 * 1024};
  using k = http::error_kind;
  const hostile_case cases[] = {
      {misbehaviour::never_answer, k::timeout, 1050},
      {misbehaviour::close_before_response, k::closed, 1000},
      {misbehaviour::close_mid_response, k::closed, 1000},
      {misbehaviour::reset, k::reset, 1220},
      {misbehaviour::garbage_status_line, k::protocol, 1000},
      {misbehaviour::endless_header, k::too_large, 1000},
      {misbehaviour::oversized_header, k::too_large, 1000},
      {misbehaviour::body_shorter, k::timeout, 1050},
      {misbehaviour::conflicting_content_length, k::protocol, 1000},
      {misbehaviour::content_length_and_chunked, k::protocol, 1000},
      {misbehaviour::invalid_chunk_size, k::protocol, 1000},
      {misbehaviour::endless_chunked_body, k::too_large, 1000},
      {misbehaviour::one_byte_per_second, k::timeout, 1050},
      {misbehaviour::binary_junk, k::protocol, 1000},
      // A 408 sent before the request arrives is the response the client reads: a failed
      // request (unexpected status) on a connection that is then dropped.
      {misbehaviour::unsolicited_response, k::none, 1408, 408},
      // The response is complete at Content-Length; the extra bytes only cost the connection.
      {misbehaviour::body_longer, k::none, 0, 200},
  };
  for (const auto& c : cases) {
    INFO("misbehaviour " << static_cast<int>(c.behaviour));
    hostile_server server{c.behaviour};
    const auto out = exchange_with(server, server.url("/ok"), options);
    CHECK(out.first.error().kind == c.kind);
    CHECK(out.first.error_code() == c.k6_code);
    CHECK(out.first.status() == c.status);
    if (c.kind != k::none) {
      CHECK_FALSE(out.first.error().message.empty());
      CHECK(out.first.headers().empty());
      CHECK(out.first.body().empty());
    }
    CHECK(out.took < 1s);
    if (c.kind == k::timeout) {
      CHECK(out.took >= 300ms);
      CHECK(out.first.timings().duration >= 250ms);  // a timed-out request lasts its timeout
    }
    CHECK(out.next.status() == 200);
    CHECK(out.next.body() == "ok");
    CHECK(server.connections() == 2);
  }
}

TEST_CASE("client classifies a refused connection") {
  hostile_server server;
  const auto url = "http://127.0.0.1:" + std::to_string(hostile_server::closed_port()) + "/";
  const auto out = exchange_with(server, url, {.timeout = 1s});
  CHECK(out.first.error().kind == http::error_kind::refused);
  CHECK(out.first.error_code() == 1212);
  CHECK(out.first.error().message == "dial: connection refused");
  CHECK(out.first.status() == 0);
  CHECK(out.first.remote_address().empty());
  CHECK(out.first.timings().duration == 0ns);
  CHECK(out.first.timings().blocked > 0ns);
  CHECK(out.next.status() == 200);
}

TEST_CASE("client retries once when a reused connection turns out closed") {
  // The server closes a connection after answering without saying so: the client's pooled
  // connection is stale (found so by the idle check, or by the write or read that fails with
  // nothing received), and the next request must go through on a new one.
  hostile_server server{misbehaviour::none};
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex};
    auto res = co_await c.get(server.url("/ok"));
    CHECK(res.status() == 200);
    CHECK(c.idle_connections() == 1);
    res = co_await c.get(server.url("/ok-then-close"));  // pooled, then closed by the server
    CHECK(res.status() == 200);
    CHECK(c.idle_connections() == 1);
    res = co_await c.get(server.url("/ok"));
    CHECK(res.status() == 200);
    CHECK(c.connections_opened() == 2);
  };
  stampede::testing::run_coroutine(body);
}

TEST_CASE("client sends a request again after a reused connection dropped it only if it may") {
  // As Go's transport (k6's): a request that went out on a pooled connection which then
  // closed without an answer goes again on a new one if it is a GET (or another request that
  // can be sent twice), and fails otherwise, since the server may have acted on it.
  hostile_server server{misbehaviour::none};
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex};
    auto res = co_await c.get(server.url("/ok-then-drop"));
    CHECK(res.status() == 200);
    res = co_await c.post(server.url("/echo"), http::body::text("once"));  // read, then dropped
    CHECK(res.status() == 0);
    CHECK(res.error().kind == http::error_kind::closed);
    CHECK(server.requests() == 2);  // the POST went out once
    CHECK(c.connections_opened() == 1);

    res = co_await c.get(server.url("/ok-then-drop"));
    CHECK(res.status() == 200);
    res = co_await c.get(server.url("/ok"));  // read, dropped, and sent again on a new connection
    CHECK(res.status() == 200);
    CHECK(server.requests() == 5);
    CHECK(c.connections_opened() == 3);

    // (Named requests: g++ 12 destroys a braced temporary in a co_await expression twice.)
    http::request plain{.method = "POST", .url = server.url("/ok-then-drop"), .body = http::body::text("a")};
    res = co_await c.request(std::move(plain));
    CHECK(res.status() == 200);
    http::request keyed{.method = "POST", .url = server.url("/ok"), .body = http::body::text("b")};
    keyed.params.headers.set("Idempotency-Key", "42");  // a POST the server can tell apart
    res = co_await c.request(std::move(keyed));
    CHECK(res.status() == 200);
    CHECK(server.requests() == 8);
    CHECK(c.connections_opened() == 4);
  };
  stampede::testing::run_coroutine(body);
}

TEST_CASE("a client that keeps its deadline armed still times each request out at its own deadline") {
  // keep_deadline_armed() leaves one timer wait pending across requests (the engine's VUs):
  // a wait armed for a later deadline is replaced, one that fires early waits again, and a
  // request that is answered in time is not cut short by a wait armed for an earlier one.
  hostile_server good{misbehaviour::none};
  hostile_server silent{misbehaviour::never_answer, 100};
  std::chrono::steady_clock::duration run_took{};
  const http::client_options options{.timeout = 30s};
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex, options};
    c.keep_deadline_armed();
    http::request_params long_wait;
    long_wait.timeout = 2s;
    auto res = co_await c.get(good.url("/ok"), std::move(long_wait));  // armed for +2 s
    CHECK(res.status() == 200);

    http::request_params short_wait;
    short_wait.timeout = 200ms;  // earlier than the pending wait: armed again, for it
    auto start = std::chrono::steady_clock::now();
    res = co_await c.get(silent.url("/x"), std::move(short_wait));
    auto took = std::chrono::steady_clock::now() - start;
    CHECK(res.error().kind == http::error_kind::timeout);
    CHECK(took >= 200ms);
    CHECK(took < 1500ms);

    http::request_params quick;
    quick.timeout = 100ms;
    res = co_await c.get(good.url("/ok"), std::move(quick));  // answered; its wait stays armed
    CHECK(res.status() == 200);
    http::request_params later;
    later.timeout = 500ms;  // the pending wait fires first, finds this request, waits again
    start = std::chrono::steady_clock::now();
    res = co_await c.get(silent.url("/y"), std::move(later));
    took = std::chrono::steady_clock::now() - start;
    CHECK(res.error().kind == http::error_kind::timeout);
    CHECK(took >= 500ms);
    CHECK(took < 1800ms);

    res = co_await c.get(good.url("/ok"));  // 30 s: armed until long after this test
    CHECK(res.status() == 200);
  };
  // The client goes with the coroutine and cancels its wait: the io_context runs out of work
  // at once rather than 30 s later.
  const auto start = std::chrono::steady_clock::now();
  stampede::testing::run_coroutine(body);
  run_took = std::chrono::steady_clock::now() - start;
  CHECK(run_took < 5s);
}

TEST_CASE("closing an idle client that keeps its deadline armed lets the io_context finish") {
  hostile_server good{misbehaviour::none};
  asio::io_context io{1};
  const http::client_options options{.timeout = 30s};
  http::client c{io.get_executor(), options};  // outlives the coroutine
  c.keep_deadline_armed();
  bool done = false;
  auto requests = [&]() -> asio::awaitable<void> {
    auto res = co_await c.get(good.url("/ok"));
    CHECK(res.status() == 200);
    c.close();  // no request in flight: the wait goes
    done = true;
  };
  asio::co_spawn(io, requests(), asio::detached);
  const auto start = std::chrono::steady_clock::now();
  io.run_for(20s);  // returns when the work runs out
  CHECK(done);
  CHECK(std::chrono::steady_clock::now() - start < 5s);
}

TEST_CASE("a response that came in whole only after the deadline, while the thread was busy, is a timeout") {
  // Seen in the soak on a loaded machine: a request with a 30 ms timeout to a route answering
  // after 100 ms came back 200 after 131-161 ms. When the thread is busy past both the deadline
  // and the answer, the socket's readiness and the deadline's wait are ready together, and the
  // read ran first. As k6 would, the request times out (its connection is not kept).
  stampede::testbed::server srv;  // /delay/{ms} is built in
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex, {.timeout = 50ms}};
    asio::steady_timer busy{ex, 10ms};  // the request is out by then; the thread is busy until 310 ms
    busy.async_wait([](std::error_code) { std::this_thread::sleep_for(300ms); });
    const auto late = co_await c.get(srv.url("/delay/100"));
    CHECK(late.error().kind == http::error_kind::timeout);
    CHECK(late.error_code() == 1050);
    CHECK(late.status() == 0);
    CHECK(late.body().empty());
    CHECK(late.timings().duration >= 50ms);
    const auto next = co_await c.get(srv.url("/"));
    CHECK(next.status() == 200);
    CHECK(c.connections_opened() == 2);
  };
  stampede::testing::run_coroutine(body);
}

TEST_CASE("a timeout past the clock's range is a deadline never reached") {
  hostile_server server;
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex, {.timeout = std::chrono::nanoseconds::max()}};
    const auto res = co_await c.get(server.url("/ok"));
    CHECK(res.status() == 200);
    CHECK(res.body() == "ok");
  };
  stampede::testing::run_coroutine(body);
}
