// The impairing proxy between stampede's HTTP client and the testbed server on 127.0.0.1: each
// impairment as the client sees it, switched during a run, and the proxy's own bounds.
#include <stampede/testbed/proxy.hpp>
#include <stampede/testbed/server.hpp>

#include <stampede/core/asio.hpp>
#include <stampede/core/error.hpp>
#include <stampede/http/client.hpp>

#include "support/catch_compat.hpp"
#include "support/hostile_server.hpp"
#include "support/run_coroutine.hpp"

#include <asio/buffer.hpp>
#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace tb = stampede::testbed;
namespace http = stampede::http;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using tb::direction;

namespace {

// A testbed server and a proxy in front of it, with these impairments at first.
struct bench {
  explicit bench(tb::impairment up = {}, tb::impairment down = {})
      : proxy{{.upstream_port = server.port(), .upstream = up, .downstream = down}} {}
  tb::server server;
  tb::proxy proxy;
};

struct timed {
  http::response response;
  clock_type::duration took{};
};

// GETs `urls` one after another on one client (one keep-alive connection while it lasts).
std::vector<timed> get_all(std::vector<std::string> urls, http::client_options options = {.timeout = 2s}) {
  std::vector<timed> out;
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex, options};
    for (const auto& url : urls) {
      const auto start = clock_type::now();
      auto res = co_await c.get(url);
      out.push_back({std::move(res), clock_type::now() - start});
    }
  };
  stampede::testing::run_coroutine(body);
  return out;
}

timed get_one(const std::string& url, http::client_options options = {.timeout = 2s}) {
  return get_all({url}, options).front();
}

// Waits, bounded, until `holds()`; true if it came to hold.
template <typename Condition>
bool eventually(Condition holds, clock_type::duration limit = 2s) {
  const auto deadline = clock_type::now() + limit;
  while (!holds()) {
    if (clock_type::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

}  // namespace

TEST_CASE("testbed proxy passes bytes through unchanged and counts them") {
  bench b;
  const auto direct = get_one(b.server.url("/bytes/200000"));
  const auto received_directly = b.server.stats().bytes_received;
  const auto proxied = get_one(b.proxy.url("/bytes/200000"));
  REQUIRE(proxied.response.status() == 200);
  CHECK(proxied.response.body().size() == 200000);
  CHECK(proxied.response.body() == direct.response.body());
  CHECK(eventually([&] { return b.proxy.stats().connections_open == 0; }));
  const auto s = b.proxy.stats();
  CHECK(s.connections_accepted == 1);
  CHECK(s.bytes_downstream > 200000);
  CHECK(s.bytes_upstream > 0);
  CHECK(s.bytes_upstream == b.server.stats().bytes_received - received_directly);
  CHECK(s.connections_reset == 0);
  CHECK(b.proxy.url("x") == "http://127.0.0.1:" + std::to_string(b.proxy.port()) + "/x");
  CHECK(b.proxy.impairments(direction::downstream) == tb::impairment{});
}

TEST_CASE("testbed proxy latency delays each round trip and jitter stays within its bounds", "[timing]") {
  bench b{{.latency = 20ms}, {.latency = 20ms}};
  const auto url = b.proxy.url("/");
  for (const auto& r : get_all({url, url, url, url})) {
    CHECK(r.response.status() == 200);
    CHECK(r.took >= 40ms);  // 20 ms each way
    CHECK(r.took < 240ms);
  }

  b.proxy.set(direction::upstream, {});
  b.proxy.set(direction::downstream, {.latency = 30ms, .jitter = 20ms});
  const auto runs = get_all(std::vector<std::string>(12, url));
  auto fastest = 1h + clock_type::duration{};
  auto slowest = clock_type::duration{};
  for (const auto& r : runs) {
    CHECK(r.response.status() == 200);
    CHECK(r.took >= 10ms);
    CHECK(r.took < 50ms + 150ms);  // the upper bound is generous for a loaded machine
    fastest = std::min(fastest, r.took);
    slowest = std::max(slowest, r.took);
  }
  CHECK(slowest - fastest > 2ms);  // the delays vary
}

TEST_CASE("testbed proxy bandwidth cap makes a 64 KiB response take about size over rate", "[timing]") {
  bench b{{}, {.bandwidth = 128 * 1024}};
  const auto r = get_one(b.proxy.url("/bytes/65536"));
  REQUIRE(r.response.status() == 200);
  CHECK(r.response.body().size() == 65536);
  CHECK(r.took >= 500ms);  // 64 KiB and the head at 128 KiB/s
  CHECK(r.took < 1500ms);
}

TEST_CASE("testbed proxy slices writes into pieces and the response is still whole") {
  bench b{{.slice_bytes = 1}, {.slice_bytes = 1}};
  const auto direct = get_one(b.server.url("/bytes/3000"));
  const auto sliced = get_one(b.proxy.url("/bytes/3000"));
  REQUIRE(sliced.response.status() == 200);
  CHECK(sliced.response.body() == direct.response.body());

  b.proxy.set(direction::downstream, {.slice_bytes = 100, .slice_delay = 5ms});
  const auto paused = get_one(b.proxy.url("/bytes/1000"));
  REQUIRE(paused.response.status() == 200);
  CHECK(paused.response.body().size() == 1000);
  CHECK(paused.took >= 30ms);  // at least 9 pauses of 5 ms between the body's 100-byte slices, in up to 3 reads
}

TEST_CASE("testbed proxy stall makes requests time out and switched off releases what it held") {
  bench b{{}, {.stall = true}};
  const auto stalled = get_one(b.proxy.url("/"), {.timeout = 300ms});
  CHECK(stalled.response.error().kind == http::error_kind::timeout);
  CHECK(stalled.response.error_code() == 1050);
  CHECK(stalled.took >= 300ms);

  // Still stalled: a request waits until the stall is switched off mid-request, then gets its
  // answer from the bytes the proxy held.
  http::response released;
  clock_type::duration took{};
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex, {.timeout = 2s}};
    asio::steady_timer heal{ex, 200ms};
    heal.async_wait([&](std::error_code) { b.proxy.set(direction::downstream, {}); });
    const auto start = clock_type::now();
    released = co_await c.get(b.proxy.url("/"));
    took = clock_type::now() - start;
  };
  stampede::testing::run_coroutine(body);
  CHECK(released.status() == 200);
  CHECK(released.body() == "ok");
  CHECK(took >= 190ms);
  CHECK(took < 1s);
  CHECK(get_one(b.proxy.url("/")).response.status() == 200);
}

TEST_CASE("testbed proxy reset_after resets the connection") {
  bench b{{}, {.reset_after = 100ms}};
  const auto r = get_one(b.proxy.url("/delay/1000"));
  CHECK(r.response.error().kind == http::error_kind::reset);
  CHECK(r.response.error_code() == 1220);
  CHECK(r.took >= 90ms);
  CHECK(r.took < 900ms);
  CHECK(b.proxy.stats().connections_reset == 1);
  CHECK(eventually([&] { return b.proxy.stats().connections_open == 0; }));
}

TEST_CASE("testbed proxy limit_bytes closes the connection mid-response") {
  bench b{{}, {.limit_bytes = 1000}};
  const auto r = get_one(b.proxy.url("/bytes/10000"));
  CHECK(r.response.error().kind == http::error_kind::closed);
  CHECK(r.response.error_code() == 1000);
  CHECK(r.took < 1s);
  const auto s = b.proxy.stats();
  CHECK(s.connections_limited == 1);
  CHECK(s.bytes_downstream == 1000);
  CHECK(eventually([&] { return b.proxy.stats().connections_open == 0; }));
}

TEST_CASE("testbed proxy slow_close delays passing a close on") {
  bench b{{}, {.slow_close = 200ms}};
  clock_type::duration answered{};
  clock_type::duration closed{};
  std::string received;
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    asio::ip::tcp::socket s{ex};
    co_await s.async_connect({asio::ip::make_address("127.0.0.1"), b.proxy.port()}, asio::use_awaitable);
    const std::string request = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    co_await asio::async_write(s, asio::buffer(request), asio::use_awaitable);
    const auto start = clock_type::now();
    std::array<char, 4096> buffer{};
    for (;;) {
      auto [ec, n] = co_await s.async_read_some(asio::buffer(buffer), stampede::net::use_nothrow);
      if (ec) break;
      if (received.empty()) answered = clock_type::now() - start;
      received.append(buffer.data(), n);
    }
    closed = clock_type::now() - start;
  };
  stampede::testing::run_coroutine(body, 3s);
  CHECK(received.ends_with("\r\n\r\nok"));
  CHECK(closed - answered >= 180ms);
  CHECK(closed < 1s);
}

TEST_CASE("testbed proxy applies a change to connections already open") {
  bench b;
  http::client_options options{.timeout = 2s};
  std::vector<clock_type::duration> took;
  std::uint64_t opened = 0;
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex, options};
    for (int i = 0; i < 3; ++i) {
      if (i == 1) b.proxy.set(direction::downstream, {.latency = 150ms});
      if (i == 2) b.proxy.set({});
      const auto start = clock_type::now();
      const auto res = co_await c.get(b.proxy.url("/"));
      took.push_back(clock_type::now() - start);
      CHECK(res.status() == 200);
    }
    opened = c.connections_opened();
  };
  stampede::testing::run_coroutine(body);
  CHECK(opened == 1);  // one connection throughout
  CHECK(took[0] < 150ms);
  CHECK(took[1] >= 150ms);
  CHECK(took[2] < 150ms);
  CHECK(b.proxy.impairments(direction::downstream) == tb::impairment{});
}

TEST_CASE("testbed proxy resets a client at once when the server cannot be reached") {
  tb::proxy p{{.upstream_port = stampede::testing::hostile_server::closed_port()}};
  const auto r = get_one(p.url("/"));
  INFO(to_string(r.response.error().kind) << ": " << r.response.error().message);
  CHECK(r.response.status() == 0);
  // The reset comes as soon as the proxy has accepted: while the client still completes its
  // connect (connect), or on its request (reset).
  const auto kind = r.response.error().kind;
  CHECK((kind == http::error_kind::reset || kind == http::error_kind::connect));
  CHECK(r.took < 1s);
  CHECK(p.stats().upstream_failures >= 1);
  CHECK(eventually([&] { return p.stats().connections_open == 0; }));
}

TEST_CASE("testbed proxy refuses bad options and impairments, naming the field") {
  using Catch::Matchers::Contains;
  const auto message = [](auto make) -> std::string {
    try {
      make();
    } catch (const stampede::usage_error& e) {
      return e.what();
    }
    return "no usage_error";
  };
  CHECK_THAT(message([] { tb::proxy p{{}}; }), Contains("upstream_port"));
  CHECK_THAT(message([] { tb::proxy p{{.host = "nope", .upstream_port = 1}}; }), Contains("host \"nope\""));
  CHECK_THAT(message([] { tb::proxy p{{.upstream_host = "example.com", .upstream_port = 1}}; }),
             Contains("upstream_host"));
  CHECK_THAT(message([] { tb::proxy p{{.upstream_port = 1, .downstream = {.latency = -1ms}}}; }),
             Contains("downstream.latency"));
  tb::proxy p{{.upstream_port = 1}};
  CHECK_THAT(message([&] { p.set(direction::upstream, {.latency = 1ms, .jitter = 2ms}); }), Contains("jitter"));
  CHECK(p.impairments(direction::upstream) == tb::impairment{});  // unchanged
}

TEST_CASE("testbed proxy stop closes open connections and returns promptly") {
  bench b{{}, {.stall = true}};
  asio::io_context io;
  std::vector<asio::ip::tcp::socket> clients;
  const std::string request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  for (int i = 0; i < 4; ++i) {
    auto& s = clients.emplace_back(io);
    s.connect({asio::ip::make_address("127.0.0.1"), b.proxy.port()});
    asio::write(s, asio::buffer(request));
  }
  REQUIRE(eventually([&] { return b.proxy.stats().connections_open == 4 && b.server.stats().requests == 4; }));
  const auto start = clock_type::now();
  b.proxy.stop();
  CHECK(clock_type::now() - start < 500ms);
  b.proxy.stop();  // idempotent
  CHECK(b.proxy.stats().connections_open == 0);
  // The clients see their connections end, without the held answers.
  for (auto& s : clients) {
    std::array<char, 64> buffer{};
    std::error_code ec;
    const auto n = s.read_some(asio::buffer(buffer), ec);
    CHECK(n == 0);
    CHECK(ec);
  }
}
