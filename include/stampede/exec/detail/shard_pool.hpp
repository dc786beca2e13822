// The shards of a run — io_contexts, their threads, and the order in which they are torn
// down — on the steady clock or simulated on a manual time. The runner and the tests that
// drive scenarios by hand build shards through it.
#pragma once

#include <stampede/exec/clock.hpp>
#include <stampede/exec/detail/context.hpp>
#include <stampede/exec/detail/engine_clock.hpp>
#include <stampede/exec/detail/scenario_driver.hpp>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include <chrono>
#include <cstddef>
#include <future>
#include <memory>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

namespace stampede::detail {

/// One thread's share of a run. Destruction is ordered by hand: the drivers' timers go first
/// (they belong to the io_context's services), then the io_context with the coroutine frames
/// it still holds (whose destructors may touch VUs), then the drivers and their VUs.
struct shard {
  shard(std::size_t index, run_context& run) : io{std::make_unique<asio::io_context>(1)}, ctx{index, run, *io} {}
  shard(const shard&) = delete;
  shard& operator=(const shard&) = delete;
  ~shard() {
    for (auto& d : drivers) d->close();
    io.reset();
    drivers.clear();
  }

  std::unique_ptr<asio::io_context> io;  // one thread: concurrency hint 1
  shard_context ctx;
  std::vector<std::unique_ptr<scenario_driver>> drivers;
  std::thread thread;
  std::optional<std::chrono::nanoseconds> cpu_time;  // what the thread used running VUs, where known
  bool halted = false;  // simulated: a handler threw, and the shard runs no more (as its thread would end)
};

/// The CPU time (user + system) the calling thread has used so far, where the platform tells.
std::optional<std::chrono::nanoseconds> thread_cpu_time() noexcept;

/// A run's shards. On the steady clock (`time` null) `start` gives each shard a thread that
/// runs its io_context until `stop`. On a manual time the pool is simulated: no threads; the
/// shards take turns on the calling thread, which must have the time installed
/// (`scoped_manual_clock`), and `wait` moves the time straight to the next engine timer due
/// (by `step` while iterations that never wait keep a shard busy) and runs what fell due. A simulated run is exact and repeatable as long as iterations wait only on the
/// engine's timers: network I/O completes in real time, which the manual time does not see.
///
/// Thread safety: every member is called from the thread that owns the pool.
class shard_pool {
 public:
  shard_pool(run_context& run, std::size_t count, manual_time* time = nullptr,
             std::chrono::nanoseconds step = std::chrono::milliseconds{1});
  shard_pool(const shard_pool&) = delete;
  shard_pool& operator=(const shard_pool&) = delete;
  /// Stops the threads if they run, then tears the shards down in order.
  ~shard_pool();

  [[nodiscard]] std::size_t size() const noexcept { return shards_.size(); }
  [[nodiscard]] shard& operator[](std::size_t i) noexcept { return *shards_[i]; }
  [[nodiscard]] bool simulated() const noexcept { return time_ != nullptr; }

  /// Lets the shards run what is posted or spawned on them: threads on the steady clock;
  /// simulated, what is due now runs at once.
  void start();
  /// Lets the shards run until `until`, or less. Steady clock: the calling thread sleeps.
  /// Simulated: each shard runs what is ready now, the time moves to the next timer due (or
  /// by one step, see above; never past `until`) and each shard runs what fell due.
  void wait(engine_clock::time_point until);
  /// Moves a manual time on to `until`, running what falls due on the way (simulated pools
  /// only; for tests that drive shards by hand).
  void advance_to(engine_clock::time_point until);
  /// Stops the shards' threads and joins them, keeping each thread's CPU time. Whatever is
  /// still queued stays queued. Idempotent.
  void stop();
  /// The CPU time the shard threads used, if the platform measured each.
  [[nodiscard]] std::optional<std::chrono::nanoseconds> cpu_time() const;

  /// Runs `fn(shard&)` on every shard's thread and returns what each gave, in shard order;
  /// with the threads stopped (or simulated), on the calling thread.
  template <typename Fn>
  auto on_each(Fn fn) -> std::vector<std::invoke_result_t<Fn&, shard&>>;
  /// Queues `fn(shard&)` on every shard, to run on its thread.
  template <typename Fn>
  void post_each(Fn fn) {
    for (auto& s : shards_) asio::post(*s->io, [sh = s.get(), fn] { fn(*sh); });
  }

  /// Runs shard `i` on the calling thread while the pool's threads are stopped, until `done`
  /// or `timeout` (on the pool's clock); returns whether `done` was reached. A handler that
  /// sets `done` may also stop the io_context. For setup and teardown.
  bool run_alone(std::size_t i, const bool& done, std::chrono::nanoseconds timeout);
  /// Runs what is ready on shard `i` now, on the calling thread, threads stopped.
  void poll(std::size_t i);

 private:
  // What a settle did: whether any handler ran (besides its sentinels), and whether work was
  // left over when it stopped.
  struct settled {
    bool ran = false;
    bool busy = false;
  };
  // Runs what is due on shard `s` at the current manual time, bounded in handlers so that
  // iterations that never wait still let the time move on.
  settled settle(shard& s);
  // Moves the manual time towards `until`: to the earliest engine timer the shards reported,
  // or by one step when work was left over (`busy`) or no timer was reported.
  void move_time(engine_clock::time_point until, bool busy);

  std::vector<std::unique_ptr<shard>> shards_;
  manual_time* time_;
  std::chrono::nanoseconds step_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  bool threads_running_ = false;
};

template <typename Fn>
auto shard_pool::on_each(Fn fn) -> std::vector<std::invoke_result_t<Fn&, shard&>> {
  using value = std::invoke_result_t<Fn&, shard&>;
  std::vector<value> out;
  out.reserve(shards_.size());
  if (!threads_running_) {
    for (auto& s : shards_) out.push_back(fn(*s));
    return out;
  }
  std::vector<std::future<value>> futures;
  for (auto& s : shards_) {
    auto promise = std::make_shared<std::promise<value>>();
    futures.push_back(promise->get_future());
    asio::post(*s->io, [sh = s.get(), promise, &fn] { promise->set_value(fn(*sh)); });
  }
  for (auto& f : futures) out.push_back(f.get());
  return out;
}

}  // namespace stampede::detail

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/exec/impl/shard_pool.ipp>
#endif
