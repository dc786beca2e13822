// The replica model's queue as a pure function of time: N slots, one FIFO queue, and for each
// arrival the time its service starts and ends. The server drives it with the steady clock;
// tests drive it with numbers.
#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

namespace stampede::testbed {

/// N identical slots served first come, first served. `book` is called once per request, in
/// order of arrival, with the time the request holds its slot; it answers when the request
/// starts (at once if a slot is free, else when the earliest slot frees) and finishes. No
/// clock and no I/O: times are offsets from any fixed origin.
///
/// Assigning each arrival, in order, to the slot that frees first is exactly a FIFO queue in
/// front of N servers, so nothing is stored per waiting request: the state is one "free at"
/// time per slot, and memory does not grow with the queue.
///
/// ```cpp
/// slot_scheduler s{1};
/// s.book(0ms, 2ms);   // {start 0ms, finish 2ms}
/// s.book(1ms, 2ms);   // {start 2ms, finish 4ms}: waited 1 ms for the slot
/// ```
class slot_scheduler {
 public:
  using duration = std::chrono::nanoseconds;

  /// One request's stay: when it got its slot, when it leaves, and which slot.
  struct booking {
    duration start{0};
    duration finish{0};
    std::size_t slot = 0;
    friend bool operator==(const booking&, const booking&) = default;
  };

  /// `slots` free slots. Throws `usage_error` if `slots` is 0.
  explicit slot_scheduler(std::size_t slots);

  /// Books the earliest free slot for a request arriving at `arrival` that needs `service`.
  /// Arrivals must not go back in time; an earlier one is treated as arriving with the last.
  booking book(duration arrival, duration service);

  /// Changes the number of slots from the next booking on. New slots are free at once.
  /// Removed slots are the ones that free last: requests already on them finish as booked
  /// (a replica drains before it goes), but nothing new is booked on them. Throws
  /// `usage_error` if `slots` is 0.
  void resize(std::size_t slots);

  [[nodiscard]] std::size_t slots() const noexcept { return free_at_.size(); }
  /// How many slots are busy (booked past `at`) at time `at`.
  [[nodiscard]] std::size_t busy(duration at) const noexcept;
  /// How long a request arriving at `at` would wait for a slot.
  [[nodiscard]] duration wait(duration at) const noexcept;

 private:
  std::vector<duration> free_at_;
  duration last_arrival_{0};
};

}  // namespace stampede::testbed

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/testbed/impl/slot_scheduler.ipp>
#endif
