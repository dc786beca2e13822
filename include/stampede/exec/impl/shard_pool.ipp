// Bodies of the shard pool (included by exec/detail/shard_pool.hpp).
#pragma once

#include <stampede/config.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <system_error>

#if defined(__unix__) || defined(__APPLE__)
#include <time.h>  // clock_gettime, CLOCK_THREAD_CPUTIME_ID
#endif

namespace stampede::detail {

STAMPEDE_DECL std::optional<std::chrono::nanoseconds> thread_cpu_time() noexcept {
#if defined(CLOCK_THREAD_CPUTIME_ID)
  timespec ts{};
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0) {
    return std::chrono::seconds{ts.tv_sec} + std::chrono::nanoseconds{ts.tv_nsec};
  }
#endif
  return std::nullopt;
}

STAMPEDE_DECL shard_pool::shard_pool(run_context& run, std::size_t count, manual_time* time,
                                     std::chrono::nanoseconds step)
    : time_{time}, step_{step} {
  if (time_ != nullptr && step_ <= std::chrono::nanoseconds{0}) {
    throw usage_error("the time step of a run on a manual time must be greater than 0");
  }
  for (std::size_t i = 0; i < count; ++i) shards_.push_back(std::make_unique<shard>(i, run));
}

STAMPEDE_DECL shard_pool::~shard_pool() { stop(); }

STAMPEDE_DECL void shard_pool::start() {
  if (simulated()) {
    for (auto& s : shards_) (void)settle(*s);
    return;
  }
  for (auto& s : shards_) {
    s->io->restart();  // setup ran on shard 0's io_context, which stopped when it ran out of work
    guards_.push_back(asio::make_work_guard(*s->io));
    s->thread = std::thread([sh = s.get()] {
      const auto cpu_start = thread_cpu_time();
      try {
        sh->io->run();
      } catch (const std::exception& e) {
        sh->ctx.run->errors.add("", std::string{"a shard stopped: "} + e.what());
      } catch (...) {
        sh->ctx.run->errors.add("", "a shard stopped");
      }
      const auto cpu_end = thread_cpu_time();
      if (cpu_start && cpu_end) sh->cpu_time = *cpu_end - *cpu_start;
    });
  }
  threads_running_ = true;
}

STAMPEDE_DECL void shard_pool::wait(engine_clock::time_point until) {
  if (!simulated()) {
    std::this_thread::sleep_until(until);
    return;
  }
  // What is ready now first (a stop the ticker posted): if anything ran, the caller looks
  // again at this moment. Otherwise straight to the next deadline.
  (void)engine_clock::take_next_due();  // reports from before this settle may be stale
  settled now{};
  for (auto& s : shards_) {
    const auto r = settle(*s);
    now.ran = now.ran || r.ran;
    now.busy = now.busy || r.busy;
  }
  if (now.ran && !now.busy) return;
  move_time(until, now.busy);
  for (auto& s : shards_) (void)settle(*s);
}

STAMPEDE_DECL void shard_pool::move_time(engine_clock::time_point until, bool busy) {
  const auto now = time_->now();
  // Shards with work left over (iterations that never wait) move in steps; otherwise the
  // time moves to the earliest timer any shard reported, or a step if none did.
  const auto due = engine_clock::take_next_due();
  auto target = now + step_;
  if (!busy && due) target = *due;
  target = std::min(target, until);
  if (target > now) time_->advance(target - now);
}

STAMPEDE_DECL void shard_pool::advance_to(engine_clock::time_point until) {
  if (!simulated()) throw std::logic_error("shard_pool::advance_to needs a simulated pool");
  for (std::size_t steps = 0; time_->now() < until; ++steps) {
    if (steps > 100'000'000) throw std::logic_error("shard_pool::advance_to: too many steps");
    wait(until);
  }
}

STAMPEDE_DECL void shard_pool::stop() {
  if (!threads_running_) return;
  guards_.clear();
  for (auto& s : shards_) s->io->stop();
  for (auto& s : shards_) s->thread.join();
  threads_running_ = false;
}

STAMPEDE_DECL std::optional<std::chrono::nanoseconds> shard_pool::cpu_time() const {
  std::chrono::nanoseconds sum{0};
  for (const auto& s : shards_) {
    if (!s->cpu_time) return std::nullopt;
    sum += *s->cpu_time;
  }
  return sum;
}

STAMPEDE_DECL bool shard_pool::run_alone(std::size_t i, const bool& done, std::chrono::nanoseconds timeout) {
  auto& s = *shards_.at(i);
  if (!simulated()) {
    s.io->restart();
    s.io->run_for(timeout);
    return done;
  }
  const auto deadline = time_->now() + timeout;
  for (;;) {
    (void)engine_clock::take_next_due();
    const auto r = settle(s);
    if (done || s.halted || time_->now() >= deadline) break;
    if (!r.ran || r.busy) move_time(deadline, r.busy);
  }
  return done;
}

STAMPEDE_DECL void shard_pool::poll(std::size_t i) {
  auto& s = *shards_.at(i);
  if (simulated()) {
    (void)settle(s);
    return;
  }
  s.io->restart();
  s.io->poll();
}

STAMPEDE_DECL shard_pool::settled shard_pool::settle(shard& s) {
  if (s.halted) return {};
  // Asio looks at its timer queue when the kernel's timer, armed for the earliest engine
  // timer, fires; that time was reckoned before the manual time moved. A sentinel timer due
  // before every other (at the clock's epoch) re-arms the kernel's timer to fire at once, and
  // completes in the same pass as every timer due now, so once it has, they all have. Their
  // handlers, and what those post, run next; a round that ran more than the sentinel may have
  // armed timers due now, so another round follows. Each step runs at most max_handlers, so
  // iterations that never wait still let the time move on.
  constexpr std::size_t max_handlers = 20'000;
  constexpr int max_rounds = 1'000;
  auto& io = *s.io;
  std::size_t ran = 0;
  try {
    for (int round = 0; round < max_rounds && ran < max_handlers; ++round) {
      bool fired = false;
      engine_timer sentinel{io, engine_clock::time_point{}};
      sentinel.async_wait([&fired](const std::error_code&) { fired = true; });
      std::size_t this_round = 0;
      for (int i = 0; i < 10'000 && !fired; ++i) {
        if (io.stopped()) io.restart();
        this_round += io.run_one_for(std::chrono::milliseconds{10});
      }
      if (!fired) throw std::logic_error("Asio did not run the timers due on a manual time within 100 s");
      if (io.stopped()) io.restart();
      // After an abort_test the ticker stops the run at its next look; the other VUs need
      // not go on until then.
      while (ran + this_round < max_handlers + 1 && !s.ctx.run->aborted_by_test.load(std::memory_order_relaxed) &&
             io.poll_one() > 0) {
        ++this_round;
      }
      ran += this_round - 1;  // not the sentinel
      if (this_round <= 1) return {ran > 0, false};  // only the sentinel ran: nothing else is due now
    }
  } catch (const std::exception& e) {
    s.ctx.run->errors.add("", std::string{"a shard stopped: "} + e.what());
    s.halted = true;
  } catch (...) {
    s.ctx.run->errors.add("", "a shard stopped");
    s.halted = true;
  }
  return {ran > 0, !s.halted};  // out of rounds or handlers: work is left
}

}  // namespace stampede::detail
