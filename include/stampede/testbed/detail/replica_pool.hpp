// The replica model on the steady clock, shared by the server's threads: a slot_scheduler
// behind a mutex, answering when each arriving request leaves its slot.
#pragma once

#include <stampede/testbed/replica_model.hpp>
#include <stampede/testbed/slot_scheduler.hpp>

#include <chrono>
#include <cstddef>
#include <mutex>

namespace stampede::testbed::detail {

class replica_pool {
 public:
  using clock = std::chrono::steady_clock;

  explicit replica_pool(replica_model model)
      : model_(model), service_(model.effective_service_time()), scheduler_(slots(model)) {}

  /// Books a slot for a request arriving now; returns when it leaves the slot. The clock is
  /// read under the lock, so arrivals reach the scheduler in time order (FIFO).
  ///
  /// The finish is the scheduled time, not when the server's timer happens to fire: a late
  /// wake-up delays that one response but never the next request's slot, so timer jitter and
  /// a busy machine do not accumulate into lower throughput.
  clock::time_point book() {
    const std::lock_guard lock{mutex_};
    const auto arrival = std::chrono::duration_cast<slot_scheduler::duration>(clock::now() - origin_);
    return origin_ + scheduler_.book(arrival, service_).finish;
  }

  /// Changes N (and with it S_eff) for requests arriving from now on.
  void resize(int replicas) {
    auto changed = model_;
    changed.replicas = replicas;
    changed.validate();
    const std::lock_guard lock{mutex_};
    model_ = changed;
    service_ = changed.effective_service_time();
    scheduler_.resize(slots(changed));
  }

  [[nodiscard]] replica_model model() const {
    const std::lock_guard lock{mutex_};
    return model_;
  }

 private:
  static std::size_t slots(const replica_model& m) { return static_cast<std::size_t>(m.replicas); }

  mutable std::mutex mutex_;
  replica_model model_;
  slot_scheduler::duration service_;
  slot_scheduler scheduler_;
  clock::time_point origin_ = clock::now();
};

}  // namespace stampede::testbed::detail
