// How sp::run runs setup and teardown: on shard 0 from the calling thread, bounded by a
// timeout and by stop requests (k6's semantics for signals in each phase).
#pragma once

#include <stampede/core/units.hpp>
#include <stampede/exec/detail/context.hpp>
#include <stampede/exec/detail/shard_pool.hpp>
#include <stampede/exec/load_test.hpp>
#include <stampede/exec/vu.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace stampede::detail {

// How a setup or teardown hook ended.
struct hook_outcome {
  std::optional<std::string> error;  // the hook failed, aborted or ran out of time
  bool stopped = false;              // cut short by a stop request
};

// Runs a setup or teardown hook on shard 0 from the calling thread, the pool's threads
// stopped, bounded by `timeout`, and cut short once `control` has had `stop_at` stop requests:
// as k6, one interrupts setup, and teardown runs on until a second.
template <typename Hook>
hook_outcome run_hook(shard_pool& pool, scenario_context& sc, std::string_view what, std::chrono::nanoseconds timeout,
                      const run_control* control, int stop_at, Hook hook) {
  auto& io = *pool[0].io;
  vu u{pool[0].ctx, sc, 0};
  asio::cancellation_signal interrupt;
  hook_outcome out;
  bool done = false;
  io.restart();
  asio::co_spawn(io, hook(u),
                 asio::bind_cancellation_slot(interrupt.slot(), [&](const std::exception_ptr& e) {
                   done = true;
                   io.stop();  // the VU's HTTP client keeps a deadline armed: the work never runs out
                   if (!e || out.stopped) return;
                   try {
                     std::rethrow_exception(e);
                   } catch (const test_abort& a) {
                     out.error = fmt::format("{} aborted the test: {}", what, a.reason);
                   } catch (const std::exception& ex) {
                     out.error = fmt::format("{} failed: {}", what, ex.what());
                   } catch (...) {
                     out.error = fmt::format("{} failed with an exception that is not a std::exception", what);
                   }
                 }));
  // In slices, to look at stop requests between them (a signal handler only counts them).
  const auto stop_wanted = [&] { return control != nullptr && control->stop_requests() >= stop_at; };
  constexpr std::chrono::nanoseconds slice = std::chrono::milliseconds{20};
  auto left = timeout;
  while (!done && !stop_wanted() && left > std::chrono::nanoseconds{0}) {
    const auto step = std::min(left, slice);
    const auto began = std::chrono::steady_clock::now();
    if (pool.run_alone(0, done, step)) break;
    if (!pool.simulated()) {
      // An io_context without work returns at once: wait out the slice rather than spin.
      const auto spent = std::chrono::steady_clock::now() - began;
      if (spent < step) std::this_thread::sleep_for(step - spent);
    }
    left -= step;
  }
  if (!done) {
    out.stopped = stop_wanted();
    interrupt.emit(asio::cancellation_type::terminal);
    pool.run_alone(0, done, std::chrono::seconds{5});
    if (!out.stopped) out.error = fmt::format("{} did not finish within {}", what, format_go_duration(timeout));
  }
  pool.poll(0);  // let anything the hook left behind finish or fail now, not during the run
  return out;
}

}  // namespace stampede::detail
