// The clock the engine paces scenarios with: steady_clock, unless the thread running a shard
// has installed a manual time (a simulated run, or a test driving a shard by hand), so that
// start times, ramp-downs and graceful stops are tested to the nanosecond.
#pragma once

#include <stampede/exec/clock.hpp>

#include <asio/basic_waitable_timer.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>

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

  /// Under a manual time: the earliest deadline of an engine timer that Asio has reported on
  /// this thread since the last call, and forgets it; empty if none was. Asio reports the
  /// earliest timer of an io_context each time it arms the kernel's timer for it — after
  /// timers fire, and when a new earliest one is set — so once every shard has had its timers
  /// looked at, this is no later than any timer still pending (it may be earlier, for one
  /// cancelled since). A simulated run moves its time straight there.
  [[nodiscard]] static std::optional<time_point> take_next_due() noexcept {
    const auto due = next_due_;
    next_due_ = time_point::max();
    if (due == time_point::max()) return std::nullopt;
    return due;
  }

 private:
  friend class scoped_manual_clock;
  friend struct engine_wait_traits;
  // Constant-initialised with trivial destructors: read without a TLS wrapper call.
  inline static thread_local const manual_time* manual_ = nullptr;
  inline static thread_local time_point next_due_ = time_point::max();
};

/// How long Asio's reactor waits for the earliest engine timer: as long as it says. Under a
/// manual time the earliest deadline is also noted (see `engine_clock::take_next_due`).
struct engine_wait_traits {
  static engine_clock::duration to_wait_duration(const engine_clock::duration& d) noexcept {
    // Only future deadlines: one due now fires in the pass that reports it (and the sentinel
    // of shard_pool::settle, due at the epoch, is not a deadline to move to).
    if (const auto* m = engine_clock::manual_; m != nullptr && d > engine_clock::duration::zero()) [[unlikely]] {
      const auto now = m->now();
      if (d < engine_clock::time_point::max() - now) {
        engine_clock::next_due_ = std::min(engine_clock::next_due_, now + d);
      }
    }
    return d;
  }
  static engine_clock::duration to_wait_duration(const engine_clock::time_point& t) noexcept {
    // Asio's timers use the overload above; this one completes the WaitTraits requirements.
    const auto now = engine_clock::now();
    return to_wait_duration(t <= now ? engine_clock::duration::zero() : t - now);
  }
};

/// The timer of every engine wait: the drivers' pacing, ramp-down watches and `vu::sleep`.
/// Under a manual time the kernel's timer that Asio arms for it does not know when the time
/// moves; whoever moves it makes Asio look at its timer queue again (shard_pool::settle arms
/// a timer due before every other, which the kernel fires at once).
using engine_timer = asio::basic_waitable_timer<engine_clock, engine_wait_traits>;

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
