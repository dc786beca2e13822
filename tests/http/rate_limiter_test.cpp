// The request rate limiter behind client_options::max_requests_per_second (k6's rps): its
// slots from a table, and the run's limiter pacing concurrent waiters exactly on a manual time.
#include <stampede/http/detail/rate_limiter.hpp>

#include "support/catch_compat.hpp"
#include "support/manual_shard.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;
using limiter = stampede::http::detail::rate_limiter;

TEST_CASE("rate_limiter hands out slots one interval apart, from now when it was idle") {
  limiter l{4};  // 250 ms apart
  const limiter::clock::time_point t0{1h};
  struct row {
    std::chrono::milliseconds now;
    std::chrono::milliseconds slot;
  };
  // A burst of one, as Go's rate.NewLimiter(4, 1): an idle limiter lets a request go at once.
  for (const auto& [now, slot] : std::vector<row>{{0ms, 0ms},       // idle: now
                                                  {0ms, 250ms},     // queued behind it
                                                  {100ms, 500ms},   // and behind that one
                                                  {900ms, 900ms},   // idle again: now
                                                  {1000ms, 1150ms},
                                                  {3000ms, 3000ms}}) {
    INFO("now " << now.count() << " ms");
    CHECK(l.reserve(t0 + now) == t0 + slot);
  }
  CHECK(l.interval() == 250ms);
  CHECK_THROWS_AS(limiter{0}, sp::usage_error);
  CHECK_THROWS_AS(limiter{-1}, sp::usage_error);
}

TEST_CASE("the run's limiter paces concurrent requests on the engine's clock, exactly on a manual time") {
  sp::load_test test{.scenarios = {{.exec = [](sp::vu&) -> sp::task<> { co_return; },
                                    .executor = sp::per_vu_iterations{}}},
                     .http = {.max_requests_per_second = 50}};
  sp::testing::manual_shard shard{test};
  auto& run = *shard.context().run;
  const auto rps = run.request_limiter();
  REQUIRE(rps != nullptr);
  CHECK(run.request_limiter() == rps);  // one per run, shared by every VU
  // Ten waiters taking turns as fast as the limiter lets them, as ten VUs' requests would.
  std::vector<std::chrono::nanoseconds> granted;
  const auto waiter = [&]() -> sp::task<> {
    for (;;) {
      co_await rps->acquire(shard.io().get_executor());
      granted.push_back(shard.now());
    }
  };
  for (int i = 0; i < 10; ++i) asio::co_spawn(shard.io(), waiter(), asio::detached);
  shard.advance_to(1990ms);
  REQUIRE(granted.size() == 100);  // at 0, 20, ..., 1980 ms
  for (std::size_t i = 0; i < granted.size(); ++i) CHECK(granted[i] == static_cast<std::int64_t>(i) * 20ms);
  shard.advance_to(2s);
  CHECK(granted.size() == 101);
}

TEST_CASE("a run without max_requests_per_second has no limiter") {
  sp::load_test test{.scenarios = {{.exec = [](sp::vu&) -> sp::task<> { co_return; },
                                    .executor = sp::per_vu_iterations{}}}};
  sp::testing::manual_shard shard{test};
  CHECK(shard.context().run->request_limiter() == nullptr);
}
