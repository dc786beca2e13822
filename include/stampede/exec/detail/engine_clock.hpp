// The clock the engine paces scenarios with: steady_clock, unless a test installs a manual
// time, so that start times, ramp-downs and graceful stops are tested to the nanosecond.
#pragma once

#include <asio/basic_waitable_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>

namespace stampede::detail {

/// A time that moves only when told to: what a test installs with `scoped_manual_clock`.
class manual_time {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  explicit manual_time(time_point start = time_point{std::chrono::hours{1}}) noexcept
      : now_{start.time_since_epoch().count()} {}

  [[nodiscard]] time_point now() const noexcept {
    return time_point{std::chrono::steady_clock::duration{now_.load(std::memory_order_acquire)}};
  }
  void advance(std::chrono::steady_clock::duration d) noexcept { now_.fetch_add(d.count(), std::memory_order_acq_rel); }

 private:
  std::atomic<std::chrono::steady_clock::rep> now_;
};

/// steady_clock, or the installed manual time. Its time points are steady_clock's, so
/// everything that keeps them (the run's start, the HTTP client's metrics target) is unchanged.
/// A manual time is for driving shards by hand (tests/support/manual_shard.hpp); `sp::run`
/// needs the real clock, as its ticker sleeps.
struct engine_clock {
  using duration = std::chrono::steady_clock::duration;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::steady_clock::time_point;
  static constexpr bool is_steady = true;

  [[nodiscard]] static time_point now() noexcept {
    // One relaxed load and a predictable branch: what production pays for testability.
    if (const auto* m = manual_.load(std::memory_order_relaxed)) [[unlikely]] {
      return m->now();
    }
    return std::chrono::steady_clock::now();
  }
  [[nodiscard]] static bool is_manual() noexcept { return manual_.load(std::memory_order_relaxed) != nullptr; }

 private:
  friend class scoped_manual_clock;
  inline static std::atomic<const manual_time*> manual_{nullptr};
};

/// How long Asio's reactor sleeps for an engine timer. Under a manual time it must not sleep
/// at all: the time moves when the test says, not when the kernel's timer fires, so the
/// reactor looks at the timer queue again on each run (asio's time_t_timer example does the
/// same for a clock the OS cannot wait on).
struct engine_wait_traits {
  static engine_clock::duration to_wait_duration(const engine_clock::duration& d) noexcept {
    return engine_clock::is_manual() ? engine_clock::duration::zero() : d;
  }
  static engine_clock::duration to_wait_duration(const engine_clock::time_point& t) noexcept {
    // Asio's timers use the overload above; this one completes the WaitTraits requirements.
    // The clock reads a positive time since boot, so t - now cannot overflow when t > now.
    const auto now = engine_clock::now();
    return to_wait_duration(t <= now ? engine_clock::duration::zero() : t - now);
  }
};

/// The timer of every engine wait: the drivers' pacing, ramp-down watches and `vu::sleep`.
using engine_timer = asio::basic_waitable_timer<engine_clock, engine_wait_traits>;

/// Installs `time` as the engine's clock for its lifetime. Not thread-safe and not nestable:
/// one test at a time, with no run in progress.
class scoped_manual_clock {
 public:
  explicit scoped_manual_clock(const manual_time& time) noexcept { engine_clock::manual_.store(&time); }
  scoped_manual_clock(const scoped_manual_clock&) = delete;
  scoped_manual_clock& operator=(const scoped_manual_clock&) = delete;
  ~scoped_manual_clock() { engine_clock::manual_.store(nullptr); }
};

}  // namespace stampede::detail
