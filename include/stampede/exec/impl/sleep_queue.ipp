// Bodies of sleep_queue (included by exec/detail/sleep_queue.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/exec/detail/sleep_queue.hpp>

#include <algorithm>
#include <stdexcept>

namespace stampede::detail {

STAMPEDE_DECL sleep_queue::sleep_queue(asio::io_context& io) : asio::execution_context::service{io}, timer_{io} {}

STAMPEDE_DECL sleep_queue::~sleep_queue() = default;

// Called once, as the io_context shuts down: no handler runs from here on, so the waits still
// queued are destroyed, not completed (those already posted are destroyed with the queue of
// handlers they sit in).
STAMPEDE_DECL void sleep_queue::shutdown() {
  shut_down_ = true;
  while (!heap_.empty()) {
    auto* s = take(heap_.size() - 1);
    s->act(s, sleeper::action::destroy, nullptr, {});
  }
  heap_.shrink_to_fit();
}

STAMPEDE_DECL bool sleep_queue::before(const sleeper& a, const sleeper& b) const noexcept {
  if (a.deadline != b.deadline) return a.deadline < b.deadline;
  // Arrival order, modulo 2^32: two waits that coexist are far less than 2^31 starts apart
  // unless one outlives two billion others, and then only their order at an equal deadline
  // suffers.
  return static_cast<std::int32_t>(a.order - b.order) < 0;
}

STAMPEDE_DECL void sleep_queue::place(std::size_t i, sleeper* s) noexcept {
  heap_[i] = s;
  s->index = static_cast<std::uint32_t>(i);
}

STAMPEDE_DECL void sleep_queue::sift_up(std::size_t i) noexcept {
  auto* s = heap_[i];
  while (i > 0) {
    const auto parent = (i - 1) / 2;
    if (!before(*s, *heap_[parent])) break;
    place(i, heap_[parent]);
    i = parent;
  }
  place(i, s);
}

STAMPEDE_DECL void sleep_queue::sift_down(std::size_t i) noexcept {
  auto* s = heap_[i];
  const auto n = heap_.size();
  for (;;) {
    auto child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && before(*heap_[child + 1], *heap_[child])) ++child;
    if (!before(*heap_[child], *s)) break;
    place(i, heap_[child]);
    i = child;
  }
  place(i, s);
}

// Removes the sleeper at heap position `i` and returns it, unqueued.
STAMPEDE_DECL sleeper* sleep_queue::take(std::size_t i) noexcept {
  auto* s = heap_[i];
  auto* last = heap_.back();
  heap_.pop_back();
  if (last != s) {
    place(i, last);
    if (i > 0 && before(*last, *heap_[(i - 1) / 2])) {
      sift_up(i);
    } else {
      sift_down(i);
    }
  }
  s->index = sleeper::unqueued;
  return s;
}

STAMPEDE_DECL void sleep_queue::make_room() {
  if (heap_.size() >= sleeper::unqueued - 1) throw std::length_error("sleep_queue: more than 2^32 - 2 waits");
  if (heap_.size() == heap_.capacity()) heap_.reserve(std::max<std::size_t>(64, 2 * heap_.capacity()));
}

STAMPEDE_DECL void sleep_queue::add(sleeper& s) {
  s.order = next_order_++;
  heap_.push_back(&s);
  sift_up(heap_.size() - 1);
  if (s.index != 0 || firing_) return;  // on_timer arms for the first deadline when it is done
  if (!waiting_) {
    arm();
  } else if (s.deadline < timer_.expiry()) {
    // An earlier deadline than the timer's: moving the timer aborts its wait, whose handler
    // arms it again for the new first deadline.
    timer_.expires_at(s.deadline);
  }
}

STAMPEDE_DECL void sleep_queue::cancel(sleeper& s) {
  if (s.index == sleeper::unqueued) return;  // already due, its completion on its way
  take(s.index);
  // Posted: a cancellation is emitted by whoever interrupts the VU, mid-way through its own work.
  const auto fallback = timer_.get_executor();
  s.act(&s, sleeper::action::post, &fallback, asio::error::operation_aborted);
  // With nothing left to wait for, let the io_context run out of work now rather than at a
  // cancelled wait's deadline.
  if (heap_.empty() && waiting_) timer_.cancel();
}

STAMPEDE_DECL void sleep_queue::arm() {
  if (heap_.empty() || waiting_ || shut_down_) return;
  timer_.expires_at(heap_.front()->deadline);
  waiting_ = true;
  timer_.async_wait([this](const asio::error_code&) { on_timer(); });
}

// The timer fired, or its wait was aborted by a new earliest deadline or an emptied queue:
// either way, complete what is due and wait for the rest.
STAMPEDE_DECL void sleep_queue::on_timer() {
  waiting_ = false;
  const auto now = engine_clock::now();
  const auto fallback = timer_.get_executor();
  firing_ = true;
  // A completion run here may start another wait, due after `now`, or cancel one.
  while (!heap_.empty() && heap_.front()->deadline <= now) {
    auto* s = take(0);
    try {
      s->act(s, sleeper::action::dispatch, &fallback, asio::error_code{});
    } catch (...) {
      firing_ = false;
      arm();
      throw;
    }
  }
  firing_ = false;
  arm();
}

}  // namespace stampede::detail
