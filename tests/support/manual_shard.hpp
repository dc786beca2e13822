// One shard of a run, driven by hand: the engine's clock is a manual time the test advances,
// and the shard's io_context runs only inside advance_to, so scenario timing (start_time,
// ramp-down, graceful stops, interrupts) is asserted exactly and nothing sleeps.
#pragma once

#include <stampede/exec/detail/run_setup.hpp>
#include <stampede/exec/detail/scenario_driver.hpp>
#include <stampede/exec/runner.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

namespace stampede::testing {

class manual_shard {
 public:
  using nanoseconds = std::chrono::nanoseconds;

  /// Validates `test` and prepares its scenarios on one shard at (manual) time 0.
  explicit manual_shard(load_test test, std::uint64_t seed = 1)
      : test_{(validate(test), std::move(test))}, shard_{0, prepared_run(seed), *io_} {
    shard_.ids = detail::find_engine_ids(*run_.registry);
    std::uint64_t first_vu = 0;
    for (std::size_t i = 0; i < test_.scenarios.size(); ++i) {
      scenarios_.push_back(detail::make_scenario_context(test_, i, first_vu));
      first_vu += static_cast<std::uint64_t>(max_vus(test_.scenarios[i].executor));
    }
  }
  manual_shard(const manual_shard&) = delete;
  manual_shard& operator=(const manual_shard&) = delete;
  // As the runner's shard: timers first, then the io_context with the coroutine frames it
  // holds (which may touch VUs), then the drivers and their VUs; the clock goes last.
  ~manual_shard() {
    for (auto& d : drivers_) d->close();
    io_.reset();
    drivers_.clear();
  }

  /// Starts every scenario's driver, as sp::run does at time 0, and runs what is due now.
  void start() {
    for (auto& sc : scenarios_) {
      drivers_.push_back(std::make_unique<detail::scenario_driver>(shard_, *sc, 1));
      asio::co_spawn(*io_, drivers_.back()->run(), [this](const std::exception_ptr& e) {
        if (e && !failure_) failure_ = e;
        if (++done_ == drivers_.size()) finished_at_ = now();
      });
    }
    settle();
  }

  /// Moves time forward in steps of at most `step` until `t` since the start, running at
  /// each step whatever fell due. A wait for time w completes at the first step at or after w,
  /// so times that are multiples of `step` are met exactly.
  void advance_to(nanoseconds t, nanoseconds step = std::chrono::milliseconds{10}) {
    for (int guard = 0; now() < t; ++guard) {
      if (guard > 10'000'000) throw std::logic_error("manual_shard::advance_to: too many steps");
      time_.advance(std::min(step, t - now()));
      settle();
    }
    if (failure_) std::rethrow_exception(failure_);
  }

  /// Advances until every driver has finished, or `limit` since the start; returns when they
  /// finished.
  std::optional<nanoseconds> run_until_done(nanoseconds limit, nanoseconds step = std::chrono::milliseconds{10}) {
    while (!finished_at_ && now() < limit) advance_to(std::min(now() + step, limit), step);
    return finished_at_;
  }

  /// Stops every driver as a stop request or abort_test would (on the shard, at the current time).
  void stop(detail::stop_kind kind) {
    for (auto& d : drivers_) d->stop(kind);
    settle();
  }

  [[nodiscard]] nanoseconds now() const { return run_.elapsed(); }
  [[nodiscard]] detail::scenario_context& scenario(std::size_t i) { return *scenarios_.at(i); }
  [[nodiscard]] recorder& rec() { return shard_.rec; }
  /// For a VU of the test's own: `sp::vu u{shard.context(), shard.scenario(0), 1};`.
  [[nodiscard]] detail::shard_context& context() { return shard_; }
  [[nodiscard]] asio::io_context& io() { return *io_; }

 private:
  detail::run_context& prepared_run(std::uint64_t seed) {
    run_.seed = seed;
    run_.env = test_.env;
    run_.http_options = test_.http;
    run_.registry = detail::build_registry(test_);
    run_.start = detail::engine_clock::now();
    return run_;
  }

  // Runs everything due at the current manual time. Asio learns that timers may be due only
  // when its timerfd fires, a moment after it is armed; a timer due now (the sentinel)
  // completes in the same pass as every other timer due now, so once it has, they all have.
  void settle() {
    bool fired = false;
    detail::engine_timer sentinel{*io_, detail::engine_clock::now()};
    sentinel.async_wait([&fired](const std::error_code&) { fired = true; });
    for (int i = 0; i < 10'000 && !fired; ++i) {
      if (io_->stopped()) io_->restart();
      io_->run_one_for(std::chrono::milliseconds{10});
    }
    if (!fired) throw std::logic_error("manual_shard: Asio did not run due timers within 100 s");
    if (io_->stopped()) io_->restart();
    io_->poll();
  }

  detail::manual_time time_;
  detail::scoped_manual_clock clock_{time_};
  load_test test_;
  detail::run_context run_;
  std::unique_ptr<asio::io_context> io_ = std::make_unique<asio::io_context>(1);
  detail::shard_context shard_;
  std::vector<std::unique_ptr<detail::scenario_context>> scenarios_;
  std::vector<std::unique_ptr<detail::scenario_driver>> drivers_;
  std::size_t done_ = 0;
  std::optional<nanoseconds> finished_at_;
  std::exception_ptr failure_;
};

}  // namespace stampede::testing
