// Bodies of the scenario driver (included by exec/detail/scenario_driver.hpp, or compiled once
// into stampede::compiled). Out of line even among the engine's internals: g++ 12 puts the
// frames of Asio coroutines they inline into these functions' COMDAT groups, and a program
// whose objects each define them could then not link.
#pragma once

#include <stampede/config.hpp>
#include <stampede/exec/detail/scenario_driver.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <exception>
#include <variant>

namespace stampede::detail {

STAMPEDE_DECL vu_slot& scenario_driver::local_vu(std::size_t j, std::size_t shards) {
  while (vus_.size() <= j) {
    const auto index = shard_.index + vus_.size() * shards;  // the VU's index in its scenario
    vus_.push_back(std::make_unique<vu_slot>(shard_, sc_, index + 1));
    sc_.allocated.fetch_add(1, std::memory_order_relaxed);
  }
  return *vus_[j];
}

STAMPEDE_DECL task<bool> scenario_driver::wait_until(nanoseconds scenario_t) {
  if (stopped_ != stop_kind::none) co_return false;
  const auto deadline = shard_.run->start + def().start_time + scenario_t;
  if (clock::now() < deadline) {
    waking_at_ = deadline;
    // In the shard's sleep queue with its VUs' sleeps, so that a VU whose sleep ends at the
    // same instant (and began before this wait) is free again when the driver looks.
    co_await shard_.sleeps->async_wait_until(deadline, asio::bind_cancellation_slot(wake_.slot(), net::use_nothrow));
    waking_at_.reset();
  }
  co_return stopped_ == stop_kind::none;
}

STAMPEDE_DECL task<> scenario_driver::wait_drained(std::optional<nanoseconds> scenario_deadline, bool until_stopped) {
  while (running_ > 0) {
    if (until_stopped && stopped_ != stop_kind::none) co_return;
    if (stopped_ == stop_kind::abort) scenario_deadline.reset();  // interrupted: wait for them to unwind
    if (scenario_deadline) {
      const auto deadline = shard_.run->start + def().start_time + *scenario_deadline;
      if (clock::now() >= deadline) co_return;
      drained_->expires_at(deadline);
    } else {
      drained_->expires_at(clock::time_point::max());
    }
    co_await drained_->async_wait(net::use_nothrow);
  }
}

STAMPEDE_DECL void scenario_driver::stop(stop_kind kind) {
  if (kind <= stopped_) return;
  begin_ending();
  stopped_ = kind;
  accepting_ = false;
  wake_.emit(asio::cancellation_type::terminal);
  drained_->cancel();
  if (kind == stop_kind::abort) interrupt_all();
}

STAMPEDE_DECL void scenario_driver::interrupt(vu_slot& u) {
  if (!u.looping && !u.in_iteration && !u.pausing) return;
  if (u.interrupted) return;
  u.interrupted = true;
  // Cancels whatever the iteration awaits now; Asio's throw_if_cancelled then makes its next
  // co_await throw, so user code that swallowed the first error still unwinds.
  u.interrupt.emit(asio::cancellation_type::terminal);
}

STAMPEDE_DECL void scenario_driver::interrupt_all() {
  for (auto& u : vus_) interrupt(*u);
}

// From here VUs only leave. Counted before the first of them leaves: on_done's release
// decrement of `active` then carries it to the ticker, which reads `active` first (acquire) and
// this after, so it never mistakes a VU finishing its last iteration for the steady count.
STAMPEDE_DECL void scenario_driver::begin_ending() noexcept {
  if (ending_) return;
  ending_ = true;
  sc_.shards_ending.fetch_add(1, std::memory_order_relaxed);
}

STAMPEDE_DECL void scenario_driver::count_active() noexcept {
  const auto now_active = sc_.active.fetch_add(1, std::memory_order_relaxed) + 1;
  auto peak = sc_.peak_active.load(std::memory_order_relaxed);
  while (now_active > peak && !sc_.peak_active.compare_exchange_weak(peak, now_active, std::memory_order_relaxed)) {
  }
}

// Ends the scenario on this shard: no new iterations, graceful_stop for running ones, then
// interrupts.
STAMPEDE_DECL task<> scenario_driver::finish() {
  begin_ending();
  accepting_ = false;
  for (auto& u : vus_) u->wanted = false;
  if (running_ > 0) {
    const auto regular_end = std::max(scenario_time(), nanoseconds{0});
    co_await wait_drained(regular_end + def().graceful_stop, false);
    interrupt_all();
    co_await wait_drained(std::nullopt, false);
  }
}

STAMPEDE_DECL task<> scenario_driver::run() {
  if (!sc_.has_work) {  // this part of the test has none of the scenario's VUs or iterations
    begin_ending();
    co_return;
  }
  if (co_await wait_until(nanoseconds{0})) {
    sc_.started.store(true, std::memory_order_relaxed);
    const auto& e = def().executor;
    const auto& part = sc_.part;
    if (const auto* cv = std::get_if<constant_vus>(&e)) {
      co_await drive_vus(vu_plan{*cv, part}, nanoseconds{0});
    } else if (const auto* rv = std::get_if<ramping_vus>(&e)) {
      co_await drive_vus(vu_plan{*rv, part}, rv->graceful_ramp_down);
    } else if (const auto* si = std::get_if<shared_iterations>(&e)) {
      co_await drive_iterations(sc_.max_vus, si->max_duration);
    } else if (const auto* pi = std::get_if<per_vu_iterations>(&e)) {
      co_await drive_iterations(sc_.max_vus, pi->max_duration);
    } else if (const auto* car = std::get_if<constant_arrival_rate>(&e)) {
      co_await drive_arrivals(arrival_plan{*car}, car->arrivals, initial_vus(e, part), max_vus(e));
    } else if (const auto* rar = std::get_if<ramping_arrival_rate>(&e)) {
      co_await drive_arrivals(arrival_plan{*rar}, rar->arrivals, initial_vus(e, part), max_vus(e));
    }
  }
  co_await finish();
}

// constant_vus and ramping_vus: VU k of the scenario loops while k < the plan's count.
STAMPEDE_DECL task<> scenario_driver::drive_vus(vu_plan plan, nanoseconds ramp_down) {
  std::int64_t local = 0;
  for (;;) {
    const auto t = scenario_time();
    if (t >= plan.duration() || !accepting_) break;
    const auto wanted = local_share(plan.vus_at(t), shard_count_);
    for (auto j = local; j < wanted; ++j) {
      auto& u = local_vu(static_cast<std::size_t>(j), shard_count_);
      u.wanted = true;
      if (!u.looping) spawn_loop(u);
    }
    for (auto j = wanted; j < local; ++j) {
      auto& u = *vus_[static_cast<std::size_t>(j)];
      u.wanted = false;  // it stops after its current iteration
      if (u.in_iteration || u.pausing) {
        if (ramp_down <= nanoseconds{0}) {
          interrupt(u);
        } else {
          asio::co_spawn(*shard_.io, ramp_down_watch(u, ramp_down), asio::detached);
        }
      }
    }
    local = wanted;
    const auto next = plan.next_change(t);
    if (!co_await wait_until(next ? std::min(*next, plan.duration()) : plan.duration())) break;
  }
}

// k6's gracefulRampDown: a VU ramped down mid-iteration gets this long to finish it.
STAMPEDE_DECL task<> scenario_driver::ramp_down_watch(vu_slot& u, nanoseconds grace) {
  engine_timer timer{*shard_.io, grace};
  co_await timer.async_wait(net::use_nothrow);
  if (!u.wanted && (u.in_iteration || u.pausing)) interrupt(u);
}

// shared_iterations and per_vu_iterations: every VU loops until the iterations run out or
// max_duration passes.
STAMPEDE_DECL task<> scenario_driver::drive_iterations(std::int64_t vu_count, nanoseconds max_duration) {
  const auto local = local_share(vu_count, shard_count_);
  for (std::int64_t j = 0; j < local; ++j) {
    auto& u = local_vu(static_cast<std::size_t>(j), shard_count_);
    u.wanted = true;
    spawn_loop(u);
  }
  co_await wait_drained(max_duration, true);
}

// Arrival-rate executors: iterations start at the plan's times on whichever VU is free; with
// none free and none left to allocate, the iteration is dropped. `pre_allocated` is the part's,
// `whole_max` the whole test's max_vus (the part's arrivals are striped by its share of them).
STAMPEDE_DECL task<> scenario_driver::drive_arrivals(arrival_plan plan, arrival_process process,
                                              std::int64_t pre_allocated, std::int64_t whole_max) {
  const auto max = sc_.max_vus;
  // Only shards that own at least one VU take arrivals, dealt as the VUs are: arrival n to
  // the shard of VU n mod max_vus, so that each shard's share follows its VUs.
  const auto shards = std::min<std::size_t>(shard_count_, static_cast<std::size_t>(std::max<std::int64_t>(max, 1)));
  if (shard_.index >= shards) co_return;
  const auto local_max = static_cast<std::size_t>(local_share(max, shards));
  for (std::int64_t j = 0; j < local_share(pre_allocated, shards); ++j) {
    idle_.push_back(&local_vu(static_cast<std::size_t>(j), shards));
  }
  // Every shard (and every part of the test) draws the same schedule from the same seed and
  // keeps its own share, so the whole run's arrivals are one reproducible sequence.
  part_arrivals schedule{arrival_schedule{plan, process, shard_.run->seed ^ (0x9e3779b97f4a7c15ULL * (sc_.index + 1))},
                         sc_.part, whole_max};
  const auto base_tags = shard_.rec.intern(sc_.tags);
  std::uint32_t since_yield = 0;
  while (accepting_) {
    const auto arrival = schedule.next();
    if (!arrival) break;
    if ((arrival->index_in_part % static_cast<std::uint64_t>(max)) % shards != shard_.index) continue;
    const auto due = arrival->at;
    if (def().start_time + due < shard_.run->late_by) {
      // Due before this part joined a synchronised start it was late for: missed, as k6
      // counts an iteration it had no VU for.
      shard_.rec.add(shard_.ids.dropped_iterations, 1, base_tags, shard_.run->elapsed());
      continue;
    }
    if (due > scenario_time()) {
      if (!co_await wait_until(due)) break;
      since_yield = 0;
    } else if (++since_yield >= 64) {
      // Behind schedule: catch up, but let started iterations and the ticker run too.
      co_await asio::post(*shard_.io, asio::use_awaitable);
      since_yield = 0;
      if (!accepting_) break;
    }
    vu_slot* u = nullptr;
    if (!idle_.empty()) {
      u = idle_.back();
      idle_.pop_back();
    } else if (vus_.size() < local_max) {
      // k6 allocates the extra VU in the background and drops this iteration; a stampede VU
      // costs no script initialisation, so it starts the iteration at once.
      u = &local_vu(vus_.size(), shards);
    }
    if (u == nullptr) {
      shard_.rec.add(shard_.ids.dropped_iterations, 1, base_tags, shard_.run->elapsed());
      continue;
    }
    vu_access::set_iteration_in_test(u->user, arrival->index_in_test);
    spawn_iteration(*u, def().start_time + due);
  }
  co_await wait_drained(plan.duration(), true);
}

STAMPEDE_DECL void scenario_driver::spawn_loop(vu_slot& u) {
  u.looping = true;
  u.interrupted = false;
  ++running_;
  count_active();
#if STAMPEDE_VU_THREADS
  // As co_spawn does: the thread's cancellation state hangs off the VU's interrupt signal
  // (terminal cancellation only), and the loop runs here until it first suspends. Its last
  // act is on_done (loop's end).
  launching_ = &u;
  asio::detail::awaitable_thread<asio::any_io_executor> thread{loop(u), shard_.io->get_executor(),
                                                               u.interrupt.slot(),
                                                               asio::cancellation_state{u.interrupt.slot()}};
  thread.launch();
  launching_ = nullptr;
#else
  asio::co_spawn(*shard_.io, loop(u),
                 asio::bind_cancellation_slot(u.interrupt.slot(),
                                              [this, &u](const std::exception_ptr&) { on_done(u); }));
#endif
}

STAMPEDE_DECL void scenario_driver::spawn_iteration(vu_slot& u, nanoseconds intended) {
  u.intended_start = intended;
  u.interrupted = false;
  u.in_iteration = true;  // busy from now, so stop() can interrupt it
  ++running_;
  count_active();
  asio::co_spawn(*shard_.io, iteration(u),
                 asio::bind_cancellation_slot(u.interrupt.slot(), [this, &u](const std::exception_ptr&) {
                   u.intended_start = vu_slot::no_intended_start;
                   idle_.push_back(&u);
                   on_done(u);
                 }));
}

STAMPEDE_DECL void scenario_driver::on_done(vu_slot& u) noexcept {
  u.looping = false;
  u.in_iteration = false;
  u.pausing = false;
  sc_.active.fetch_sub(1, std::memory_order_release);  // see begin_ending()
  if (--running_ == 0) drained_->cancel();
}

STAMPEDE_DECL vu_loop scenario_driver::loop(vu_slot& u) {
  try {
    const auto* shared = std::get_if<shared_iterations>(&def().executor);
    const auto* per_vu = std::get_if<per_vu_iterations>(&def().executor);
    std::optional<nanoseconds> last_end;  // the last iteration's end, when this one follows at once
    while (accepting_ && u.wanted && !u.interrupted) {
      std::int64_t n = 0;  // the iteration's number in this part
      if (shared != nullptr) {
        n = sc_.shared_next.fetch_add(1, std::memory_order_relaxed);
        if (n >= sc_.shared_total) break;
      } else {
        if (per_vu != nullptr && u.user.iteration() >= static_cast<std::uint64_t>(per_vu->iterations)) break;
        n = static_cast<std::int64_t>(sc_.started_iterations.fetch_add(1, std::memory_order_relaxed));
      }
      vu_access::set_iteration_in_test(u.user, static_cast<std::uint64_t>(sc_.iteration_part.unscaled_index(n)));
      const auto start = iteration_started(u, last_end);
      const auto suspended_before = detail::suspensions;
      std::exception_ptr failure;
      try {
        co_await def().exec(u.user);
      } catch (...) {
        failure = std::current_exception();
      }
      last_end = iteration_ended(u, start, failure);
      if (u.interrupted) break;
      // k6's minIterationDuration: after an iteration that was not interrupted, also when the
      // scenario is ending (k6 waits then too, until the graceful stop interrupts the wait).
      if (const auto min = shard_.run->min_iteration_duration; min > nanoseconds{0} && *last_end - start < min) {
        co_await pause(u, start + min);
        if (u.interrupted) break;
        last_end = shard_.run->elapsed();
      }
      if (!accepting_) break;
      // A change of plan due by now (the duration's end, a ramp-down) goes before the next
      // iteration: the driver's wait may have completed at the very instant this iteration
      // ended without having run yet. So no iteration starts at or after its VU's end, also
      // when the two coincide exactly, as they do on a manual time.
      if (waking_at_ && *waking_at_ <= shard_.run->start + *last_end) {
        co_await asio::post(*shard_.io, asio::use_awaitable);
        last_end.reset();
        continue;
      }
      // An iteration that never gave the thread back (no request, no sleep, or only the user's
      // own Asio operations, which stampede does not see) lets the shard's other VUs, timers and
      // the ticker in before the next; one that did has let them in already.
      if (detail::suspensions == suspended_before) {
        co_await asio::post(*shard_.io, asio::use_awaitable);
        last_end.reset();
      }
    }
  } catch (...) {
    // An iteration's failure is caught and recorded inside; what reaches here is the loop's
    // own bookkeeping failing (out of memory), and ends this VU as co_spawn's handler would.
  }
#if STAMPEDE_VU_THREADS
  // What co_spawn's completion handler did: inline, unless the loop never suspended and
  // spawn_loop is still on the stack.
  if (launching_ == &u) {
    asio::post(*shard_.io, [this, &u] { on_done(u); });
  } else {
    on_done(u);
  }
#endif
}

STAMPEDE_DECL task<> scenario_driver::iteration(vu_slot& u) {
  const auto start = iteration_started(u);
  std::exception_ptr failure;
  try {
    co_await def().exec(u.user);
  } catch (...) {
    failure = std::current_exception();
  }
  const auto end = iteration_ended(u, start, failure);
  // The VU stays busy for the rest of its minIterationDuration, as k6's does: an arrival due
  // meanwhile needs another VU.
  if (const auto min = shard_.run->min_iteration_duration; min > nanoseconds{0} && !u.interrupted && end - start < min) {
    co_await pause(u, start + min);
  }
}

STAMPEDE_DECL task<> scenario_driver::pause(vu_slot& u, nanoseconds until) {
  u.pausing = true;
  engine_timer timer{*shard_.io};
  timer.expires_at(shard_.run->start + until);
  // Counted, as a suspension: the loop need not post before the next iteration.
  (void)co_await timer.async_wait(net::use_nothrow_counted);  // interrupted: operation_aborted
  u.pausing = false;
}

STAMPEDE_DECL std::chrono::nanoseconds scenario_driver::iteration_started(vu_slot& u, std::optional<nanoseconds> now) {
  u.in_iteration = true;
  return now ? *now : shard_.run->elapsed();
}

STAMPEDE_DECL std::chrono::nanoseconds scenario_driver::iteration_ended(vu_slot& u, std::chrono::nanoseconds start, const std::exception_ptr& failure) {
  enum class outcome : std::uint8_t { complete, interrupted };
  auto result = outcome::complete;
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const iteration_end&) {
    } catch (const test_abort& abort) {
      shard_.run->abort_test(abort.reason.empty() ? "test aborted" : abort.reason);
      result = outcome::interrupted;
    } catch (const invalid_test& e) {
      shard_.run->abort_test(e.what(), true);
      result = outcome::interrupted;
    } catch (const std::system_error& e) {
      if (u.interrupted && e.code() == asio::error::operation_aborted) {
        result = outcome::interrupted;
      } else {
        shard_.run->errors.add(sc_.name, e.what());
      }
    } catch (const std::exception& e) {
      shard_.run->errors.add(sc_.name, e.what());
    } catch (...) {
      shard_.run->errors.add(sc_.name, "an exception that is not a std::exception");
    }
  }
  if (u.interrupted) result = outcome::interrupted;
  u.in_iteration = false;
  // k6's noVUConnectionReuse: each iteration connects anew, interrupted or not.
  if (!shard_.run->http_options->reuse_connections_across_iterations) vu_access::close_connections(u.user);
  vu_access::next_iteration(u.user);
  const auto end = shard_.run->elapsed();
  if (result == outcome::interrupted) {
    sc_.interrupted.fetch_add(1, std::memory_order_relaxed);
    return end;
  }
  sc_.complete.fetch_add(1, std::memory_order_relaxed);
  const auto tags = vu_access::tags_id(u.user);
  auto& rec = shard_.rec;
  rec.add(shard_.ids.iterations, 1, tags, end);
  rec.add(shard_.ids.iteration_duration, static_cast<double>((end - start).count()), tags, end);
  if (const auto intended = u.intended_start; intended != vu_slot::no_intended_start) {
    rec.add(shard_.ids.iteration_start_delay, static_cast<double>(std::max(start - intended, nanoseconds{0}).count()),
            tags, end);
    rec.add(shard_.ids.iteration_latency, static_cast<double>((end - intended).count()), tags, end);
  }
  return end;
}

}  // namespace stampede::detail
