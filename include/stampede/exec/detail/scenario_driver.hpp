// One scenario on one shard: allocates the shard's share of the scenario's VUs, paces them
// with the executor's plan, and ends them as k6 does (graceful stop, ramp-down, interrupts).
// Everything here runs on the shard's thread; nothing is shared but the scenario's atomics.
#pragma once

#include <stampede/core/asio.hpp>
#include <stampede/core/detail/suspensions.hpp>
#include <stampede/exec/detail/context.hpp>
#include <stampede/exec/executors.hpp>
#include <stampede/exec/plan.hpp>
#include <stampede/exec/scenario.hpp>
#include <stampede/exec/vu.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/version.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <system_error>
#include <variant>
#include <vector>

namespace stampede::detail {

// A looping VU runs as its own Asio thread of execution whose bottom frame is the loop
// itself, started as co_spawn starts one but without co_spawn's entry frame (three copies of
// the executor and the completion handler) above a loop frame of its own, since a parked VU's
// memory is mostly its frames (docs/performance.md, "Memory per VU"). That uses two names
// of asio::detail, `awaitable_thread` (constructor and launch) and
// `awaitable_thread_entry_point`, unchanged from Asio 1.22 through 1.38; with any other Asio,
// or with STAMPEDE_PORTABLE_VU_THREADS defined, the loop is spawned with co_spawn.
#if !defined(STAMPEDE_PORTABLE_VU_THREADS) && ASIO_VERSION >= 102200 && ASIO_VERSION <= 103802
#  define STAMPEDE_VU_THREADS 1
using vu_loop = asio::awaitable<asio::detail::awaitable_thread_entry_point, asio::any_io_executor>;
#else
#  define STAMPEDE_VU_THREADS 0
using vu_loop = task<>;
#endif

/// A VU as its driver schedules it: the VU the iterations see, and what the driver keeps about
/// it. Lives at a fixed address for the run (coroutines and cancellation slots refer to it).
struct vu_slot {
  vu_slot(shard_context& shard, scenario_context& scenario, std::uint64_t id_in_scenario)
      : user{shard, scenario, id_in_scenario} {}
  vu_slot(const vu_slot&) = delete;
  vu_slot& operator=(const vu_slot&) = delete;

  vu user;
  asio::cancellation_signal interrupt;  ///< cancels what the running iteration awaits
  /// An arrival-rate iteration's intended start; `no_intended_start` for other executors'.
  std::chrono::nanoseconds intended_start = no_intended_start;
  static constexpr std::chrono::nanoseconds no_intended_start = std::chrono::nanoseconds::min();
  bool wanted = false;   ///< the executor wants this VU looping
  bool looping = false;  ///< a loop coroutine is running for it
  bool in_iteration = false;
  bool pausing = false;  ///< waiting out `min_iteration_duration` after an iteration
  bool interrupted = false;
};

class scenario_driver {
 public:
  scenario_driver(shard_context& shard, scenario_context& scenario, std::size_t shard_count)
      : shard_{shard},
        sc_{scenario},
        shard_count_{shard_count},
        drained_{std::in_place, shard.io->get_executor()} {}
  scenario_driver(const scenario_driver&) = delete;
  scenario_driver& operator=(const scenario_driver&) = delete;

  /// The whole life of the scenario on this shard; completes when its VUs have stopped.
  task<> run();
  /// Called on the shard's thread: stop starting iterations; with `abort`, interrupt the
  /// running ones now.
  void stop(stop_kind kind);
  /// Destroys the driver's timers and the VUs' connections, before the io_context they
  /// belong to goes.
  void close() noexcept {
    drained_.reset();
    for (auto& u : vus_) vu_access::drop_http(u->user);
  }

 private:
  using nanoseconds = std::chrono::nanoseconds;

  [[nodiscard]] const scenario& def() const noexcept { return *sc_.definition; }
  [[nodiscard]] nanoseconds scenario_time() const noexcept { return shard_.run->elapsed() - def().start_time; }
  // How many of the scenario's first `total` VUs (by index) live on this shard, when VUs are
  // dealt round-robin over `shards` shards.
  [[nodiscard]] std::int64_t local_share(std::int64_t total, std::size_t shards) const noexcept {
    const auto s = static_cast<std::int64_t>(shards);
    const auto me = static_cast<std::int64_t>(shard_.index);
    if (me >= s || total <= me) return 0;
    return (total - me + s - 1) / s;
  }
  vu_slot& local_vu(std::size_t j, std::size_t shards);

  task<bool> wait_until(nanoseconds scenario_t);  // false when stopped first
  // Until no VU runs, or the deadline (scenario time) passes, or with `until_stopped` a stop
  // request arrives.
  task<> wait_drained(std::optional<nanoseconds> scenario_deadline, bool until_stopped);
  task<> finish();

  task<> drive_vus(vu_plan plan, nanoseconds ramp_down);
  task<> drive_iterations(std::int64_t vu_count, nanoseconds max_duration);
  task<> drive_arrivals(arrival_plan plan, arrival_process process, std::int64_t pre_allocated, std::int64_t whole_max);
  task<> ramp_down_watch(vu_slot& u, nanoseconds grace);

  void spawn_loop(vu_slot& u);
  void spawn_iteration(vu_slot& u, nanoseconds intended);
  void on_done(vu_slot& u) noexcept;
  // A looping VU's coroutine: with STAMPEDE_VU_THREADS the bottom frame of its own Asio
  // thread of execution (see spawn_loop), else a `task<>` spawned with co_spawn.
  vu_loop loop(vu_slot& u);
  task<> iteration(vu_slot& u);
  // k6's minIterationDuration: the VU waits until `until` (time since the run's start) before its next
  // iteration, busy as in one: a stop or ramp-down interrupts the wait as it would an iteration.
  task<> pause(vu_slot& u, nanoseconds until);
  // An iteration's bookkeeping around the call of the scenario's function: loop() calls it
  // in its own frame rather than through iteration()'s, one coroutine frame less per iteration.
  // The iteration's start: `now` when the caller has just read the clock, else a new reading.
  nanoseconds iteration_started(vu_slot& u, std::optional<nanoseconds> now = std::nullopt);
  // Records the iteration; returns when it ended.
  nanoseconds iteration_ended(vu_slot& u, nanoseconds start, const std::exception_ptr& failure);
  void interrupt(vu_slot& u);
  void interrupt_all();
  void begin_ending() noexcept;
  void count_active() noexcept;

  shard_context& shard_;
  scenario_context& sc_;
  std::size_t shard_count_;
  std::vector<std::unique_ptr<vu_slot>> vus_;  // local index j: scenario index shard + j × shards
  std::vector<vu_slot*> idle_;                 // arrival-rate: allocated VUs without an iteration
  bool accepting_ = true;
  bool ending_ = false;  // counted in sc_.shards_ending
  stop_kind stopped_ = stop_kind::none;
  std::int64_t running_ = 0;  // VU loops or arrival iterations in flight
  asio::cancellation_signal wake_;  // ends the driver's pending wait in the sleep queue; emitted by stop()
  std::optional<clock::time_point> waking_at_;  // when the driver's pending wait ends
  std::optional<engine_timer> drained_;  // cancelled when running_ falls to 0
#if STAMPEDE_VU_THREADS
  const vu_slot* launching_ = nullptr;   // the VU whose loop spawn_loop is starting
#endif
};

}  // namespace stampede::detail

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/exec/impl/scenario_driver.ipp>
#endif
