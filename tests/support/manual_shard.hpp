// One shard of a run, driven by hand: a simulated shard pool of one, whose manual time the
// test advances; the shard's io_context runs only inside advance_to, so scenario timing (start_time,
// ramp-down, graceful stops, interrupts) is asserted exactly and nothing sleeps.
#pragma once

#include <stampede/exec/detail/run_setup.hpp>
#include <stampede/exec/detail/scenario_driver.hpp>
#include <stampede/exec/detail/shard_pool.hpp>
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
  /// With `part`, the scenarios run that part of the test, as `run_options::part` does.
  explicit manual_shard(load_test test, std::uint64_t seed = 1, const execution_tuple& part = {})
      : test_{(validate(test), std::move(test))}, pool_{prepared_run(seed), 1, &time_, step} {
    context().ids = detail::find_engine_ids(*run_.registry);
    std::uint64_t first_vu = 0;
    std::uint64_t first_vu_in_test = 0;
    for (std::size_t i = 0; i < test_.scenarios.size(); ++i) {
      auto sc = detail::make_scenario_context(test_, i, part);
      sc->first_vu_id = first_vu;
      sc->first_vu_id_in_test = first_vu_in_test;
      first_vu += static_cast<std::uint64_t>(sc->max_vus);
      first_vu_in_test += static_cast<std::uint64_t>(max_vus(test_.scenarios[i].executor));
      scenarios_.push_back(std::move(sc));
    }
  }
  manual_shard(const manual_shard&) = delete;
  manual_shard& operator=(const manual_shard&) = delete;

  /// Starts every scenario's driver, as sp::run does at time 0, and runs what is due now.
  void start() {
    auto& sh = pool_[0];
    for (auto& sc : scenarios_) {
      sh.drivers.push_back(std::make_unique<detail::scenario_driver>(sh.ctx, *sc, 1));
      asio::co_spawn(*sh.io, sh.drivers.back()->run(), [this](const std::exception_ptr& e) {
        if (e && !failure_) failure_ = e;
        if (++done_ == pool_[0].drivers.size()) finished_at_ = now();
      });
    }
    pool_.start();
  }

  /// Moves time forward to `t` since the start, running whatever falls due on the way; every
  /// wait ends exactly on time (the pool moves from one deadline to the next).
  void advance_to(nanoseconds t) {
    pool_.advance_to(run_.start + t);
    if (failure_) std::rethrow_exception(failure_);
  }

  /// Advances until every driver has finished, or `limit` since the start, looking every
  /// 10 ms; returns when they finished.
  std::optional<nanoseconds> run_until_done(nanoseconds limit) {
    while (!finished_at_ && now() < limit) advance_to(std::min(now() + step, limit));
    return finished_at_;
  }

  /// Stops every driver as a stop request or abort_test would (on the shard, at the current time).
  void stop(detail::stop_kind kind) {
    for (auto& d : pool_[0].drivers) d->stop(kind);
    pool_.poll(0);
  }

  [[nodiscard]] nanoseconds now() const { return run_.elapsed(); }
  [[nodiscard]] detail::scenario_context& scenario(std::size_t i) { return *scenarios_.at(i); }
  [[nodiscard]] recorder& rec() { return context().rec; }
  /// For a VU of the test's own: `sp::vu u{shard.context(), shard.scenario(0), 1};`.
  [[nodiscard]] detail::shard_context& context() { return pool_[0].ctx; }
  [[nodiscard]] asio::io_context& io() { return *pool_[0].io; }

 private:
  static constexpr nanoseconds step = std::chrono::milliseconds{10};

  detail::run_context& prepared_run(std::uint64_t seed) {
    run_.seed = seed;
    run_.env = test_.env;
    run_.http_options = std::make_shared<const http::client_options>(test_.http);
    run_.registry = detail::build_registry(test_);
    run_.start = detail::engine_clock::now();
    return run_;
  }

  // The clock goes last, after the pool has torn the shard down in the runner's order.
  manual_time time_;
  detail::scoped_manual_clock clock_{&time_};
  load_test test_;
  detail::run_context run_;
  std::vector<std::unique_ptr<detail::scenario_context>> scenarios_;  // outlive the drivers
  detail::shard_pool pool_;
  std::size_t done_ = 0;
  std::optional<nanoseconds> finished_at_;
  std::exception_ptr failure_;
};

}  // namespace stampede::testing
