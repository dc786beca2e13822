// Bodies of vu (included by exec/vu.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/asio.hpp>
#include <stampede/core/error.hpp>
#include <stampede/eval/check.hpp>
#include <stampede/ws/client.hpp>

#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <cstdlib>
#include <exception>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>

namespace stampede {

namespace detail {

STAMPEDE_DECL task<> engine_wait_until(asio::any_io_executor ex, clock::time_point until) {
  engine_timer timer{std::move(ex)};
  timer.expires_at(until);
  co_await timer.async_wait(net::use_awaitable_counted);  // interruption throws operation_aborted
}

// The tags a VU starts with: its scenario's, and its id as `vu` when the run's system tags ask
// for it (k6's `systemTags`).
STAMPEDE_DECL tag_set_id initial_vu_tags(shard_context& shard, const scenario_context& scenario, std::uint64_t id) {
  if (!shard.run->system_tags.has(system_tag_set::vu)) return shard.rec.intern(scenario.tags);
  tag_set tags = scenario.tags;
  tags.set(std::string{system_tag::vu}, std::to_string(id));
  return shard.rec.intern(tags);
}

}  // namespace detail

STAMPEDE_DECL vu::vu(detail::shard_context& shard, detail::scenario_context& scenario, std::uint64_t id_in_scenario)
    : shard_{&shard},
      scenario_{&scenario},
      // Id 0 (setup's and teardown's VU) is no VU of the plan.
      id_in_test_{scenario.first_vu_id_in_test +
                  (id_in_scenario == 0
                       ? 0
                       : static_cast<std::uint64_t>(scenario.part.unscaled_index(static_cast<std::int64_t>(id_in_scenario) - 1)) + 1)},
      id_in_scenario_{id_in_scenario},
      tags_id_{detail::initial_vu_tags(shard, scenario, scenario.first_vu_id + id_in_scenario)},
      tags_{&shard.rec.tags(tags_id_)},
      rng_{shard.run->seed, id_in_test_} {}

STAMPEDE_DECL vu::~vu() = default;

STAMPEDE_DECL const std::string& vu::scenario() const noexcept { return scenario_->name; }

STAMPEDE_DECL const tag_set& vu::tags() const noexcept { return *tags_; }

STAMPEDE_DECL void vu::set_tag(std::string key, std::string value) {
  if (key == system_tag::scenario || key == system_tag::group) {
    throw usage_error("vu::set_tag: \"" + key + "\" is set by stampede and cannot be changed");
  }
  if (key.empty()) throw usage_error("vu::set_tag: a tag key cannot be empty");
  tag_set changed = tags();
  changed.set(std::move(key), std::move(value));
  set_tags(shard_->rec.intern(changed));
}

STAMPEDE_DECL void vu::set_tags(tag_set_id id) {
  tags_id_ = id;
  tags_ = &shard_->rec.tags(id);
  // The client reads the VU's tags at every request, and they now live elsewhere.
  if (http_) http_->set_metrics({&shard_->rec, tags_, shard_->run->start, shard_->run->system_tags});
  if (ws_) ws_->set_metrics({&shard_->rec, tags_, shard_->run->start, shard_->run->system_tags});
}

// What stampede::check records, without its per-call copy and intern of the tags: the id of
// (these tags, check:<name>) comes from the shard's cache.
STAMPEDE_DECL void vu::record_check(std::string_view name, bool passed) {
  const auto with_check = shard_->run->system_tags.has(system_tag_set::check)
                              ? shard_->lookups.with_tag(shard_->rec, tags_id_, system_tag::check, name)
                              : tags_id_;
  shard_->rec.add(shard_->ids.checks, passed ? 1.0 : 0.0, with_check, now());
}

STAMPEDE_DECL metric_id vu::registered(const std::string& name, metric_type type) {
  const auto id = shard_->lookups.metric(shard_->rec.registry(), name);
  if (!id) {
    throw detail::invalid_test("metric " + name + " is recorded but not registered with the test; list it in load_test::metrics");
  }
  if (shard_->rec.registry().descriptor(*id).type != type) {
    throw detail::invalid_test("metric " + name + " is recorded as a " + std::string{to_string(type)} +
                               " but registered with the test as a " +
                               std::string{to_string(shard_->rec.registry().descriptor(*id).type)});
  }
  return *id;
}

STAMPEDE_DECL http::client& vu::http() {
  if (!http_) {
    http_ = std::make_unique<http::client>(
        http::client::shared_options, shard_->io->get_executor(), shard_->run->http_options,
        http::metrics_target{&shard_->rec, &tags(), shard_->run->start, shard_->run->system_tags}, shard_->run->dns,
        shard_->run->request_limiter());
    http_->keep_deadline_armed();  // the runner stops the shard's io_context itself
  }
  return *http_;
}

STAMPEDE_DECL ws::client& vu::ws() {
  if (!ws_) {
    auto& h = http();  // its cookie jar, shared as k6's VU has one
    ws_ = std::make_unique<ws::client>(shard_->io->get_executor(), shard_->run->ws_options, *shard_->run->http_options,
                                       http::metrics_target{&shard_->rec, &tags(), shard_->run->start, shard_->run->system_tags},
                                       shard_->run->dns, &h.cookies());
  }
  return *ws_;
}

STAMPEDE_DECL std::string vu::env(std::string_view key, std::string_view fallback) const {
  if (const auto it = scenario_->env.find(key); it != scenario_->env.end()) return it->second;
  if (const auto it = shard_->run->env.find(key); it != shard_->run->env.end()) return it->second;
  const std::string name{key};
  // getenv is safe to call concurrently as long as nobody calls setenv, which stampede does not.
  if (const char* value = std::getenv(name.c_str()); value != nullptr) return value;  // NOLINT(concurrency-mt-unsafe)
  return std::string{fallback};
}

STAMPEDE_DECL void vu::log(std::string_view message, log_level level) const {
  auto& console = *shard_->run->console;
  if (!console.enabled(level)) return;  // no clock read or formatting for a dropped debug line
  console.log(level, message, "console", shard_->run->wall_now());
}

STAMPEDE_DECL std::chrono::nanoseconds vu::now() const noexcept { return shard_->run->elapsed(); }
STAMPEDE_DECL std::chrono::nanoseconds vu::elapsed() const noexcept { return now(); }

STAMPEDE_DECL asio::any_io_executor vu::executor() const noexcept { return shard_->io->get_executor(); }

// Not coroutines: a sleep is one node in the shard's sleep queue (interrupted through the
// iteration's cancellation slot like any Asio wait, throwing operation_aborted), and the
// only frame it costs is use_awaitable's for the wait.
STAMPEDE_DECL task<> vu::sleep(std::chrono::nanoseconds d) {
  if (d <= std::chrono::nanoseconds::zero()) {
    return asio::post(shard_->io->get_executor(), net::use_awaitable_counted);  // still yield, as k6's sleep(0)
  }
  const auto now = detail::engine_clock::now();
  // Saturating, as Asio's timers add: a sleep past the clock's end waits until interrupted.
  const auto until = d < detail::engine_clock::time_point::max() - now ? now + d : detail::engine_clock::time_point::max();
  return shard_->sleeps->async_wait_until(until, net::use_awaitable_counted);
}

STAMPEDE_DECL task<> vu::sleep(std::chrono::nanoseconds min, std::chrono::nanoseconds max) {
  if (max < min) throw usage_error("vu::sleep(min, max): max is below min");
  return sleep(rng_.uniform(min, max));
}

STAMPEDE_DECL void vu::abort_test(std::string reason) { throw test_abort{std::move(reason)}; }

STAMPEDE_DECL void vu::end_iteration() { throw iteration_end{}; }

}  // namespace stampede
