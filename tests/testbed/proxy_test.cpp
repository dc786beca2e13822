// Tests of the impairing proxy's option checks and of its arithmetic: jitter draws, write sizes,
// bandwidth pacing and the reset time (no sockets, no clock).
#include <stampede/testbed/proxy.hpp>

#include <stampede/core/error.hpp>
#include <stampede/core/rng.hpp>
#include <stampede/testbed/detail/proxy_pacing.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace tb = stampede::testbed;
namespace detail = stampede::testbed::detail;
using namespace std::chrono_literals;

namespace {

template <typename Options>
std::string problem(const Options& o) {
  try {
    o.validate();
  } catch (const stampede::usage_error& e) {
    return e.what();
  }
  return "valid";
}

using time_point = std::chrono::steady_clock::time_point;

}  // namespace

TEST_CASE("impairment::validate names the field that is wrong") {
  using Catch::Matchers::Contains;
  CHECK(problem(tb::impairment{}) == "valid");
  CHECK(problem(tb::impairment{.latency = 50ms, .jitter = 50ms}) == "valid");
  CHECK(problem(tb::impairment{.slice_bytes = 1, .slice_delay = 1ms}) == "valid");
  CHECK(problem(tb::impairment{.reset_after = 0ms}) == "valid");
  CHECK(problem(tb::impairment{.latency = -1ms}) == "impairment: latency must not be negative (got -1ms)");
  CHECK_THAT(problem(tb::impairment{.latency = 25h}), Contains("latency must be at most 24h"));
  CHECK(problem(tb::impairment{.latency = 10ms, .jitter = 20ms}) ==
        "impairment: jitter (20ms) must not exceed latency (10ms)");
  CHECK_THAT(problem(tb::impairment{.jitter = -1ms}), Contains("jitter must not be negative"));
  CHECK_THAT(problem(tb::impairment{.slice_delay = 1ms}), Contains("slice_delay needs slice_bytes"));
  CHECK_THAT(problem(tb::impairment{.slice_bytes = 4, .slice_delay = -1ms}), Contains("slice_delay must not be negative"));
  CHECK_THAT(problem(tb::impairment{.reset_after = -5ms}), Contains("reset_after must not be negative"));
  CHECK_THAT(problem(tb::impairment{.slow_close = -1s}), Contains("slow_close must not be negative"));
}

TEST_CASE("proxy_options::validate names the field that is wrong") {
  using Catch::Matchers::Contains;
  CHECK(problem(tb::proxy_options{.upstream_port = 8080}) == "valid");
  CHECK(problem(tb::proxy_options{}) == "proxy_options: upstream_port is required (the server's port)");
  CHECK_THAT(problem(tb::proxy_options{.host = "", .upstream_port = 1}), Contains("host must not be empty"));
  CHECK_THAT(problem(tb::proxy_options{.upstream_host = "", .upstream_port = 1}), Contains("upstream_host"));
  CHECK_THAT(problem(tb::proxy_options{.upstream_port = 1, .connect_timeout = 0s}), Contains("connect_timeout"));
  CHECK(problem(tb::proxy_options{.upstream_port = 1, .upstream = {.latency = -1ms}}) ==
        "proxy_options: upstream.latency must not be negative (got -1ms)");
  CHECK(problem(tb::proxy_options{.upstream_port = 1, .downstream = {.slice_delay = 2ms}}) ==
        "proxy_options: downstream.slice_delay needs slice_bytes > 0");
}

TEST_CASE("a read's delay is its latency plus a seeded jitter within bounds, never negative") {
  stampede::rng r{7, 1};
  CHECK(detail::read_delay(30ms, 0ms, r) == 30ms);
  std::chrono::nanoseconds low = 1h;
  std::chrono::nanoseconds high = -1h;
  for (int i = 0; i < 1000; ++i) {
    const std::chrono::nanoseconds d = detail::read_delay(30ms, 10ms, r);
    low = std::min(low, d);
    high = std::max(high, d);
  }
  CHECK(low >= 20ms);
  CHECK(high <= 40ms);
  CHECK(low < 21ms);   // the draws cover the range
  CHECK(high > 39ms);
  for (int i = 0; i < 1000; ++i) CHECK(detail::read_delay(5ms, 5ms, r) >= 0ms);

  // The same seed and stream give the same delays.
  stampede::rng a{3, 4};
  stampede::rng b{3, 4};
  for (int i = 0; i < 10; ++i) CHECK(detail::read_delay(10ms, 5ms, a) == detail::read_delay(10ms, 5ms, b));
}

TEST_CASE("a write is cut to the slice size, to 20 ms at the bandwidth cap and to the byte limit") {
  struct row {
    detail::piece_rules rules;
    std::size_t left;
    std::uint64_t forwarded;
    std::size_t piece;
  };
  const row rows[] = {
      {{}, 65536, 0, 65536},                                    // unimpaired: the whole read
      {{.slice_bytes = 1}, 100, 0, 1},                          // slicing
      {{.slice_bytes = 10}, 4, 0, 4},                           // a read smaller than a slice
      {{.bandwidth = 50 * 1000}, 5000, 0, 1000},                // 20 ms at 50 kB/s
      {{.bandwidth = 10}, 5, 0, 1},                             // at least a byte
      {{.bandwidth = 100'000'000}, 100'000, 0, 65536},          // at most a buffer
      {{.slice_bytes = 300, .bandwidth = 50 * 1000}, 5000, 0, 300},
      {{.limit_bytes = 100}, 500, 60, 40},                      // what the limit still allows
      {{.limit_bytes = 100}, 500, 100, 0},                      // the limit reached
      {{.limit_bytes = 0}, 500, 0, 0},
      {{.slice_bytes = 8, .limit_bytes = 100}, 500, 95, 5},
  };
  for (const auto& r : rows) {
    INFO("left " << r.left << ", forwarded " << r.forwarded);
    CHECK(detail::next_piece(r.rules, r.left, r.forwarded) == r.piece);
  }
}

TEST_CASE("bandwidth pacing delivers n bytes no sooner than n / rate after the link is free") {
  const time_point t0{};
  CHECK(detail::paced_until(t0, t0, 1000, 0) == t0);                 // unlimited
  CHECK(detail::paced_until(t0, t0, 1000, 1000) == t0 + 1s);         // 1000 B at 1000 B/s
  CHECK(detail::paced_until(t0, t0, 64 * 1024, 128 * 1024) == t0 + 500ms);
  // A busy link queues the write behind what it carries; an idle one starts now.
  CHECK(detail::paced_until(t0 + 2s, t0 + 1s, 500, 1000) == t0 + 2500ms);
  CHECK(detail::paced_until(t0 + 1s, t0 + 3s, 500, 1000) == t0 + 3500ms);
  // Pieces add up: 64 pieces of 1 KiB at 64 KiB/s take one second.
  time_point busy = t0;
  for (int i = 0; i < 64; ++i) busy = detail::paced_until(busy, t0, 1024, 64 * 1024);
  CHECK(busy == t0 + 1s);
  // A rate of a byte a second and a full buffer: no overflow.
  CHECK(detail::paced_until(t0, t0, 65536, 1) == t0 + 65536s);
}

TEST_CASE("a connection is reset after the earlier of the two directions' reset_after") {
  const time_point opened{10s};
  CHECK(detail::reset_time(opened, std::nullopt, std::nullopt) == std::nullopt);
  CHECK(detail::reset_time(opened, 2s, std::nullopt) == opened + 2s);
  CHECK(detail::reset_time(opened, std::nullopt, 3s) == opened + 3s);
  CHECK(detail::reset_time(opened, 5s, 300ms) == opened + 300ms);
  CHECK(detail::reset_time(opened, 0s, 300ms) == opened);
}

TEST_CASE("directions name themselves") {
  CHECK(tb::to_string(tb::direction::upstream) == "upstream");
  CHECK(tb::to_string(tb::direction::downstream) == "downstream");
}
