// Bodies of slot_scheduler (included by testbed/slot_scheduler.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>

#include <algorithm>
#include <iterator>

namespace stampede::testbed {

STAMPEDE_DECL slot_scheduler::slot_scheduler(std::size_t slots) {
  resize(slots);
}

STAMPEDE_DECL slot_scheduler::booking slot_scheduler::book(duration arrival, duration service) {
  arrival = std::max(arrival, last_arrival_);
  last_arrival_ = arrival;
  const auto slot = std::min_element(free_at_.begin(), free_at_.end());
  const auto start = std::max(arrival, *slot);
  const auto finish = start + std::max(service, duration::zero());
  *slot = finish;
  return {start, finish, static_cast<std::size_t>(std::distance(free_at_.begin(), slot))};
}

STAMPEDE_DECL void slot_scheduler::resize(std::size_t slots) {
  if (slots == 0) throw usage_error("slot_scheduler: at least one slot is needed");
  if (slots < free_at_.size()) {
    // Keep the slots that free first; the others drain what they hold and disappear.
    std::sort(free_at_.begin(), free_at_.end());
    free_at_.resize(slots);
  } else {
    free_at_.resize(slots, duration::zero());
  }
}

STAMPEDE_DECL std::size_t slot_scheduler::busy(duration at) const noexcept {
  return static_cast<std::size_t>(
      std::count_if(free_at_.begin(), free_at_.end(), [at](duration f) { return f > at; }));
}

STAMPEDE_DECL slot_scheduler::duration slot_scheduler::wait(duration at) const noexcept {
  const auto earliest = *std::min_element(free_at_.begin(), free_at_.end());
  return std::max(duration::zero(), earliest - std::max(at, last_arrival_));
}

}  // namespace stampede::testbed
