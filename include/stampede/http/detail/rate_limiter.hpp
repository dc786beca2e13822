// k6's `rps`: one limit on the requests per second of every client that shares it, on every
// thread, without a lock.
#pragma once

#include <stampede/core/task.hpp>

#include <asio/any_io_executor.hpp>

#include <atomic>
#include <chrono>

namespace stampede::http::detail {

/// Hands out the times at which requests may start, `1 / per_second` apart, to every client
/// that shares it (the engine makes one per run and gives it to every VU's client). Each
/// request takes the next free slot, `max(now, next)`, and moves `next` one interval past it:
/// a request that finds the limiter idle goes at once, and one over the rate waits for its slot
/// (a timer on its own executor; the thread goes on with other VUs). It is the token bucket of
/// Go's `rate.NewLimiter(rps, 1)`, which k6 uses: a burst of one.
///
/// The clock and the wait are the limiter's: the engine's, so that a simulated run paces
/// requests on its manual time, or the steady clock and an `asio::steady_timer`.
///
/// Thread safety: `reserve` and `acquire` may be called from any thread (one atomic
/// compare-and-swap per request).
class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;
  using now_fn = clock::time_point (*)() noexcept;
  using wait_fn = task<> (*)(asio::any_io_executor ex, clock::time_point until);

  /// `per_second` > 0. `now` and `wait_until` default to the steady clock and its timer.
  explicit rate_limiter(double per_second, now_fn now = nullptr, wait_fn wait_until = nullptr);
  rate_limiter(const rate_limiter&) = delete;
  rate_limiter& operator=(const rate_limiter&) = delete;

  /// Takes the next free slot from `now` on and returns when it starts.
  clock::time_point reserve(clock::time_point now) noexcept {
    const auto at = now.time_since_epoch().count();
    auto next = next_.load(std::memory_order_relaxed);
    for (;;) {
      const auto slot = next > at ? next : at;
      if (next_.compare_exchange_weak(next, slot + interval_, std::memory_order_relaxed)) {
        return clock::time_point{clock::duration{slot}};
      }
    }
  }
  /// Takes a slot and waits, on `ex`, until it starts. An interruption of the wait throws
  /// `std::system_error` (operation_aborted), as any awaited Asio operation does.
  task<> acquire(asio::any_io_executor ex);

  [[nodiscard]] double per_second() const noexcept { return per_second_; }
  [[nodiscard]] clock::duration interval() const noexcept { return clock::duration{interval_}; }

 private:
  double per_second_;
  clock::rep interval_;
  now_fn now_;
  wait_fn wait_until_;
  std::atomic<clock::rep> next_{0};
};

/// A limiter's default clock and wait: the steady clock, and an `asio::steady_timer`.
rate_limiter::clock::time_point steady_now() noexcept;
task<> steady_wait_until(asio::any_io_executor ex, rate_limiter::clock::time_point until);

}  // namespace stampede::http::detail

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/http/impl/rate_limiter.ipp>
#endif
