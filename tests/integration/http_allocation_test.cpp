// Counts heap allocations of keep-alive GETs and of WebSocket round trips in steady state:
// malloc and its kin are replaced for this binary (support/counting_new.hpp) and count per
// thread, so the server's thread does not count, and every allocation of the client's does:
// operator new's, Asio's for its coroutine frames and operations, the response's buffers.
#include <stampede/http/client.hpp>
#include <stampede/metrics/recorder.hpp>
#include <stampede/testbed/server.hpp>
#include <stampede/ws.hpp>

#include "support/catch_compat.hpp"
#include "support/counting_new.hpp"

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <system_error>
#include <variant>

namespace {

using namespace std::chrono_literals;
namespace http = stampede::http;
using stampede::testing::allocations;
using stampede::testing::counting;

struct counts {
  std::size_t client = 0;    // allocations during the GETs
  std::size_t baseline = 0;  // allocations of the test's own URL copies alone
  std::size_t pages = 0;     // of the client's, those of the trends' histogram pages
  int failures = 0;          // responses that were not a 200 with the route's body
};

// Allocations the trends of a delta made for their histogram pages: a page when a value first
// lands in it and when its counters widen (past 255 and 65,535 of one value), never per value.
[[maybe_unused]] std::size_t page_allocations(const stampede::snapshot& delta) {
  std::size_t n = 0;
  for (const auto& e : delta.entries()) {
    if (const auto* t = std::get_if<stampede::trend_sink>(&e.data)) n += t->samples.page_allocations();
  }
  return n;
}

// Runs `body(executor)` on `io` to its end, bounded by a timer, rethrowing what it threw.
// run(), as the engine's shards do: Asio keeps the blocks it recycles for its operations and
// frames per call of run, and run_for calls run_one_until once per handler. A request that
// resumes in another handler than the one that freed the last operation's block (after a
// first read that found nothing, see detail::read_first) then allocates. The timer bounds the
// run instead.
template <typename Body>
[[maybe_unused]] void run_bounded(asio::io_context& io, Body& body) {
  bool finished = false;
  std::exception_ptr failure;
  asio::steady_timer limit{io, 60s};
  limit.async_wait([&](const std::error_code& ec) {
    if (!ec) io.stop();
  });
  asio::co_spawn(io, body(io.get_executor()), [&](std::exception_ptr e) {
    failure = e;
    finished = true;
    limit.cancel();
  });
  io.run();
  REQUIRE(finished);
  if (failure) std::rethrow_exception(failure);
}

// `requests` GETs of a route answering `body_bytes` bytes, after 200 to warm the client up
// (its connection, Asio's recyclers, the block cache, the metrics' tag sets).
[[maybe_unused]] counts count_get_allocations(int requests, bool with_metrics, bool discard_body,
                                              std::size_t body_bytes) {
  counts out;
#if STAMPEDE_COUNT_ALLOCATIONS
  // "/late" answers after 2 ms: a first read of it always finds nothing (see the warm-up).
  stampede::testbed::server server{{.routes = {{.path = "/data", .body_bytes = body_bytes},
                                               {.path = "/late",
                                                .body_bytes = body_bytes,
                                                .latency = stampede::testbed::service_time::fixed(2ms)}}}};
  auto registry = std::make_shared<stampede::metric_registry>();
  stampede::recorder rec{registry};
  const stampede::tag_set vu_tags{{"scenario", "default"}};
  http::metrics_target metrics;
  if (with_metrics) metrics = {.rec = &rec, .tags = &vu_tags, .run_start = std::chrono::steady_clock::now()};
  asio::io_context io{1};
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex, {}, metrics};
    const std::string url = server.url("/data");
    const auto expect = [&](const http::response& res) {
      const std::size_t kept = discard_body ? 0 : body_bytes;
      if (res.status() != 200 || res.body().size() != kept) ++out.failures;
    };
    // The warm-up takes both ways a response is read (see detail::read_first), so Asio's
    // recycler has met the blocks of each, whichever the counted requests take: a fresh thread
    // policy reads first, which finds "/data"'s response or not depending on timing, and never
    // finds "/late"'s, which is then waited for. 50 misses in 200 reads stay under a window.
    http::detail::this_thread_read_first = {};
    const std::string late = server.url("/late");
    for (int i = 0; i < 200; ++i) {
      http::request_params params;
      params.discard_body = discard_body;
      expect(co_await c.get(i % 4 == 3 ? late : url, std::move(params)));
    }
    // The counted requests record into fresh sinks, whose page allocations are then counted.
    (void)rec.take(std::chrono::nanoseconds{0});
    counting = true;
    allocations = 0;
    for (int i = 0; i < requests; ++i) {
      http::request_params params;
      params.discard_body = discard_body;
      expect(co_await c.get(url, std::move(params)));
    }
    counting = false;
    out.client = allocations;
    out.pages = page_allocations(rec.take(std::chrono::nanoseconds{1}));
    // The URL copy each call makes is the caller's, not the client's: count it alone.
    allocations = 0;
    counting = true;
    for (int i = 0; i < requests; ++i) {
      std::string copy = url;
      if (copy.empty()) ++out.failures;
    }
    counting = false;
    out.baseline = allocations;
    if (c.connections_opened() != 1) ++out.failures;  // every request on one keep-alive connection
  };
  run_bounded(io, body);
#else
  (void)requests;
  (void)with_metrics;
  (void)discard_body;
  (void)body_bytes;
#endif
  return out;
}

[[maybe_unused]] void report(const char* what, const counts& c, int requests) {
  std::printf("http client, %s: %zu allocations in %d GETs, %zu of them the caller's URL copies and %zu "
              "the trends' histogram pages\n",
              what, c.client, requests, c.baseline, c.pages);
}

}  // namespace

TEST_CASE("keep-alive GETs with discard_body allocate nothing once the client is warm") {
#if !STAMPEDE_COUNT_ALLOCATIONS
  SUCCEED("skipped: a sanitizer owns malloc in this build");
#else
  constexpr int requests = 10'000;
  for (const bool with_metrics : {false, true}) {
    const auto c = count_get_allocations(requests, with_metrics, true, 1024);
    report(with_metrics ? "discarded body, with metrics" : "discarded body, without metrics", c, requests);
    CHECK(c.failures == 0);
    CHECK(c.baseline == static_cast<std::size_t>(requests));  // the copies do allocate: the count works
    // Every other allocation is a histogram page's: a few per trend (about 80 here), not one
    // per request.
    CHECK(c.client == c.baseline + c.pages);
    CHECK(c.pages <= (with_metrics ? static_cast<std::size_t>(requests / 20) : 0U));
  }
#endif
}

TEST_CASE("keep-alive GETs that keep a 4 KiB body reuse its buffer and the headers' once warm") {
#if !STAMPEDE_COUNT_ALLOCATIONS
  SUCCEED("skipped: a sanitizer owns malloc in this build");
#else
  constexpr int requests = 10'000;
  const auto c = count_get_allocations(requests, true, false, 4096);
  report("4 KiB body kept, with metrics", c, requests);
  CHECK(c.failures == 0);
  CHECK(c.client == c.baseline + c.pages);
  CHECK(c.pages <= static_cast<std::size_t>(requests / 20));
#endif
}

TEST_CASE("a WebSocket send and receive on an open session allocate nothing once warm") {
#if !STAMPEDE_COUNT_ALLOCATIONS
  SUCCEED("skipped: a sanitizer owns malloc in this build");
#else
  namespace tb = stampede::testbed;
  tb::server server{{.routes = {{.path = "/ws", .websocket = tb::websocket_mode::echo}}}};
  const std::string url = "ws" + server.url("/ws").substr(4);
  auto registry = std::make_shared<stampede::metric_registry>();
  stampede::recorder rec{registry};
  const stampede::tag_set vu_tags{{"scenario", "default"}};
  const http::metrics_target metrics{.rec = &rec, .tags = &vu_tags, .run_start = std::chrono::steady_clock::now()};
  constexpr int round_trips = 5'000;
  std::size_t counted = 0, pages = 0;
  int failures = 0;
  asio::io_context io{1};
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    stampede::ws::client c{ex, {}, {}, metrics};
    auto s = co_await c.connect(url);
    if (!s.ok()) ++failures;
    const std::string text(32, 'x');
    // Round trips as a VU makes them, awaited from this coroutine as from an iteration: a text
    // message, its echo awaited with a timeout. 500 warm the session's buffers and Asio's
    // recyclers first.
    for (int i = 0; i < 500 + round_trips; ++i) {
      if (i == 500) {
        (void)rec.take(std::chrono::nanoseconds{0});
        allocations = 0;
        counting = true;
      }
      const bool sent = co_await s.send_text(text);
      const auto echo = co_await s.receive(5s);
      if (!sent || echo.text() != text) ++failures;
    }
    counting = false;
    counted = allocations;
    pages = page_allocations(rec.take(std::chrono::nanoseconds{1}));
    const auto closed = co_await s.close();
    if (!closed.is_close()) ++failures;
  };
  run_bounded(io, body);
  std::printf("ws session: %zu allocations in %d round trips, %zu of them the trends' histogram pages\n", counted,
              round_trips, pages);
  CHECK(failures == 0);
  CHECK(counted == pages);  // only pages of the trends (none per round trip: counters only)
#endif
}
