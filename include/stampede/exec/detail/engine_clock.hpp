// The clock the engine paces scenarios with: steady_clock, unless the thread running a shard
// has installed a manual time (a simulated run, or a test driving a shard by hand), so that
// start times, ramp-downs and graceful stops are tested to the nanosecond.
#pragma once

#include <stampede/exec/clock.hpp>

#include <asio/basic_waitable_timer.hpp>

#include <chrono>
#include <cstdint>

namespace stampede::detail {

/// steady_clock, or the manual time installed on the calling thread. Its time points are
/// steady_clock's, so everything that keeps them (the run's start, the HTTP client's metrics
/// target) is unchanged. Asio reads the clock on the thread that runs the timer's io_context,
/// so the time is per thread: a simulated run installs its time on the thread that runs its
/// shards, and runs on other threads keep theirs.
struct engine_clock {
  using duration = std::chrono::steady_clock::duration;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::steady_clock::time_point;
  static constexpr bool is_steady = true;

  [[nodiscard]] static time_point now() noexcept {
    // One thread-local load and a predictable branch: what production pays for testability.
    if (const auto* m = manual_) [[unlikely]] return m->now();
    return std::chrono::steady_clock::now();
  }

 private:
  friend class scoped_manual_clock;
  // Constant-initialised with a trivial destructor: read without a TLS wrapper call.
  inline static thread_local const manual_time* manual_ = nullptr;
};

/// The timer of every engine wait: the drivers' pacing, ramp-down watches and `vu::sleep`.
/// Under a manual time the kernel's timer that Asio arms for it does not know when the time
/// moves; whoever moves it makes Asio look at its timer queue again (shard_pool::settle arms
/// a timer due now, which the kernel fires at once).
using engine_timer = asio::basic_waitable_timer<engine_clock>;

/// Installs `time` as the engine's clock on the calling thread for its lifetime (null: the
/// steady clock), and puts back what was installed before. Timers armed under one clock must
/// not be waited on under another.
class scoped_manual_clock {
 public:
  explicit scoped_manual_clock(const manual_time* time) noexcept : previous_{engine_clock::manual_} {
    engine_clock::manual_ = time;
  }
  scoped_manual_clock(const scoped_manual_clock&) = delete;
  scoped_manual_clock& operator=(const scoped_manual_clock&) = delete;
  ~scoped_manual_clock() { engine_clock::manual_ = previous_; }

 private:
  const manual_time* previous_;
};

}  // namespace stampede::detail
