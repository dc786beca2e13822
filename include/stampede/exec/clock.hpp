// sp::manual_time: a time that moves only when told to. A run given one (run_options::time)
// is simulated on it instead of paced by the steady clock, so tests of executors and
// iteration logic assert exact counts and never sleep.
#pragma once

#include <atomic>
#include <chrono>

namespace stampede {

/// A steady time that moves only by `advance`. Its time points are `steady_clock`'s, starting
/// an hour after the clock's epoch so that nothing before the start is negative.
///
/// Thread safety: `now` and `advance` may be called from any thread.
class manual_time {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  explicit manual_time(time_point start = time_point{std::chrono::hours{1}}) noexcept
      : now_{start.time_since_epoch().count()} {}
  manual_time(const manual_time&) = delete;
  manual_time& operator=(const manual_time&) = delete;

  [[nodiscard]] time_point now() const noexcept {
    return time_point{std::chrono::steady_clock::duration{now_.load(std::memory_order_acquire)}};
  }
  void advance(std::chrono::steady_clock::duration d) noexcept { now_.fetch_add(d.count(), std::memory_order_acq_rel); }

 private:
  std::atomic<std::chrono::steady_clock::rep> now_;
};

}  // namespace stampede
