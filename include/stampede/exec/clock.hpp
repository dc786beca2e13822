// sp::manual_time: a time that moves only when told to. A run given one (run_options::time)
// is simulated on it instead of paced by the steady clock, so tests of executors and
// iteration logic assert exact counts and never sleep.
#pragma once

#include <atomic>
#include <chrono>

namespace stampede {

/// A steady time that moves only by `advance`. Its time points are `steady_clock`'s, starting
/// an hour after the clock's epoch so that nothing before the start is negative. It has a
/// wall-clock reading too, which moves with it from a fixed start, so that outputs that stamp
/// samples with the date (k6's JSON and CSV) write the same files every time.
///
/// Thread safety: `now` and `advance` may be called from any thread.
class manual_time {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  using wall_time_point = std::chrono::system_clock::time_point;

  /// `wall_start` defaults to 2026-01-01T00:00:00Z.
  explicit manual_time(time_point start = time_point{std::chrono::hours{1}},
                       wall_time_point wall_start = wall_time_point{std::chrono::seconds{1767225600}}) noexcept
      : start_{start}, wall_start_{wall_start}, now_{start.time_since_epoch().count()} {}
  manual_time(const manual_time&) = delete;
  manual_time& operator=(const manual_time&) = delete;

  [[nodiscard]] time_point now() const noexcept {
    return time_point{std::chrono::steady_clock::duration{now_.load(std::memory_order_acquire)}};
  }
  void advance(std::chrono::steady_clock::duration d) noexcept { now_.fetch_add(d.count(), std::memory_order_acq_rel); }
  /// The wall-clock time now: the wall start plus the time advanced so far.
  [[nodiscard]] wall_time_point wall_now() const noexcept {
    return wall_start_ + std::chrono::duration_cast<std::chrono::system_clock::duration>(now() - start_);
  }

 private:
  time_point start_;
  wall_time_point wall_start_;
  std::atomic<std::chrono::steady_clock::rep> now_;
};

}  // namespace stampede
