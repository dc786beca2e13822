// Counts heap allocations of keep-alive GETs in steady state: global operator new and delete
// are replaced for this binary (support/counting_new.hpp) and count per thread, so the
// server's thread does not count.
#include <stampede/http/client.hpp>
#include <stampede/metrics/recorder.hpp>

#include "support/catch_compat.hpp"
#include "support/counting_new.hpp"
#include "support/hostile_server.hpp"

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <new>
#include <string>

namespace {

using namespace std::chrono_literals;
namespace http = stampede::http;
using stampede::testing::allocations;
using stampede::testing::counting;
using stampede::testing::hostile_server;

struct counts {
  std::size_t client = 0;    // allocations during the GETs
  std::size_t baseline = 0;  // allocations of the test's own URL copies alone
};

[[maybe_unused]] counts count_get_allocations(int requests, bool with_metrics) {
  counts out;
#if STAMPEDE_COUNT_ALLOCATIONS
  hostile_server server;
  auto registry = std::make_shared<stampede::metric_registry>();
  stampede::recorder rec{registry};
  const stampede::tag_set vu_tags{{"scenario", "default"}};
  http::metrics_target metrics;
  if (with_metrics) metrics = {.rec = &rec, .tags = &vu_tags, .run_start = std::chrono::steady_clock::now()};
  asio::io_context io{1};
  bool finished = false;
  std::exception_ptr failure;
  int failures = 0;
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex, {}, metrics};
    const std::string url = server.url("/ok");
    for (int i = 0; i < 200; ++i) {  // warm-up: pools, caches, tag sets
      http::request_params params;
      params.discard_body = true;
      auto res = co_await c.get(url, std::move(params));
      if (res.status() != 200) ++failures;
    }
    counting = true;
    allocations = 0;
    for (int i = 0; i < requests; ++i) {
      http::request_params params;
      params.discard_body = true;
      auto res = co_await c.get(url, std::move(params));
      if (res.status() != 200) ++failures;
    }
    counting = false;
    out.client = allocations;
    // The URL copy each call makes is the caller's, not the client's: count it alone.
    allocations = 0;
    counting = true;
    for (int i = 0; i < requests; ++i) {
      std::string copy = url;
      if (copy.empty()) ++failures;
    }
    counting = false;
    out.baseline = allocations;
  };
  asio::co_spawn(io, body(io.get_executor()), [&](std::exception_ptr e) {
    failure = e;
    finished = true;
  });
  io.run_for(30s);
  REQUIRE(finished);
  if (failure) std::rethrow_exception(failure);
  CHECK(failures == 0);
#else
  (void)requests;
  (void)with_metrics;
#endif
  return out;
}

}  // namespace

TEST_CASE("keep-alive GETs with discard_body allocate at most 4 times per request in steady state (target 0)") {
#if !STAMPEDE_COUNT_ALLOCATIONS
  SUCCEED("skipped: a sanitizer owns operator new in this build");
#else
  constexpr int requests = 10'000;
  for (const bool with_metrics : {false, true}) {
    const auto c = count_get_allocations(requests, with_metrics);
    const auto per_request = static_cast<double>(c.client - c.baseline) / requests;
    std::printf("http client, %s: %zu allocations in %d GETs (%zu of them the caller's URL copies): %.3f per request\n",
                with_metrics ? "with metrics" : "without metrics", c.client, requests, c.baseline, per_request);
    CHECK(c.client >= c.baseline);
    CHECK(per_request <= 4.0);  // two coroutine frames and two Asio blocks: see docs/http.md
  }
#endif
}
