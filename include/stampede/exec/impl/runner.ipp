// Bodies of run and validate (included by exec/runner.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>
#include <stampede/core/units.hpp>
#include <stampede/exec/detail/observer_list.hpp>
#include <stampede/exec/detail/run_hook.hpp>
#include <stampede/exec/detail/run_setup.hpp>
#include <stampede/exec/detail/scenario_driver.hpp>
#include <stampede/exec/detail/shard_pool.hpp>
#include <stampede/exec/detail/system_tags.hpp>
#include <stampede/exec/detail/ticker.hpp>
#include <stampede/metrics/engine.hpp>
#include <stampede/exec/observer.hpp>
#include <stampede/metrics/builtin.hpp>
#include <stampede/metrics/recorder.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>
#include <set>
#include <thread>
#include <utility>

namespace stampede {

STAMPEDE_DECL void validate(const load_test& test) {
  if (test.scenarios.empty()) throw usage_error("the test has no scenarios; add at least one to load_test::scenarios");
  std::set<std::string, std::less<>> names;
  for (const auto& s : test.scenarios) {
    if (s.name.empty()) throw usage_error("a scenario has an empty name");
    for (const char c : s.name) {
      if (c == '\n' || c == '\r' || c == '\0') throw usage_error("scenario \"" + s.name + "\": the name holds a control character");
    }
    if (!names.insert(s.name).second) throw usage_error("scenario \"" + s.name + "\" is defined twice; scenario names must be unique");
    if (!s.exec) throw usage_error("scenario \"" + s.name + "\": exec is empty; give it the function each iteration runs");
    if (s.start_time < std::chrono::nanoseconds{0}) {
      throw usage_error("scenario \"" + s.name + "\": start_time must not be negative (got -" +
                        format_go_duration(-s.start_time) + ")");
    }
    if (s.graceful_stop < std::chrono::nanoseconds{0}) {
      throw usage_error("scenario \"" + s.name + "\": graceful_stop must not be negative (got -" +
                        format_go_duration(-s.graceful_stop) + ")");
    }
    validate(s.executor, s.name);
    // Each term is at most max_test_duration now (the executor's checked above, the start time
    // and graceful stop here), so the partial sums cannot overflow.
    const auto too_long = [&](std::string_view field, std::chrono::nanoseconds d) {
      if (d > max_test_duration) {
        throw usage_error("scenario \"" + s.name + "\": " + std::string{field} + " must be at most " +
                          format_go_duration(max_test_duration) + " (max_test_duration), got " + format_go_duration(d));
      }
    };
    too_long("start_time", s.start_time);
    too_long("graceful_stop", s.graceful_stop);
    const auto regular = regular_duration(s.executor);
    if (s.start_time + regular > max_test_duration ||
        s.start_time + regular + s.graceful_stop > max_test_duration) {
      throw usage_error("scenario \"" + s.name + "\": start_time (" + format_go_duration(s.start_time) +
                        ") + the executor's duration (" + format_go_duration(regular) + ") + graceful_stop (" +
                        format_go_duration(s.graceful_stop) + ") must be at most " +
                        format_go_duration(max_test_duration) + " (max_test_duration)");
    }
  }
  if (test.setup_timeout <= std::chrono::nanoseconds{0}) throw usage_error("load_test::setup_timeout must be greater than 0");
  if (test.teardown_timeout <= std::chrono::nanoseconds{0}) throw usage_error("load_test::teardown_timeout must be greater than 0");
  if (test.min_iteration_duration < std::chrono::nanoseconds{0}) {
    throw usage_error("load_test::min_iteration_duration must not be negative");
  }
  for (const auto& [field, d] : {std::pair{"setup_timeout", test.setup_timeout}, std::pair{"teardown_timeout", test.teardown_timeout},
                                 std::pair{"min_iteration_duration", test.min_iteration_duration}}) {
    if (d > max_test_duration) {
      throw usage_error("load_test::" + std::string{field} + " must be at most " + format_go_duration(max_test_duration) +
                        " (max_test_duration), got " + format_go_duration(d));
    }
  }
  if (!(test.http.max_requests_per_second >= 0) || !std::isfinite(test.http.max_requests_per_second)) {
    throw usage_error("load_test::http.max_requests_per_second must be a positive number or 0 (no limit)");
  }
  (void)detail::resolve_system_tags(test.system_tags);  // unknown or unsupported names throw
  metric_registry registry;
  for (const auto& m : test.metrics) registry.add(m.descriptor);
  for (const auto& m : engine_metrics()) registry.add(m);
  for (const auto& t : detail::resolve_thresholds(test)) {
    for (const auto& c : t.conditions()) {
      const auto id = registry.find(c.aggregate.metric.name);
      if (!id) {
        throw usage_error("threshold " + t.describe() + ": the test has no metric " + c.aggregate.metric.name +
                          "; list custom metrics in load_test::metrics");
      }
      if (registry.descriptor(*id).type != c.aggregate.metric.type) {
        throw usage_error("threshold " + t.describe() + ": " + c.aggregate.metric.name + " is a " +
                          std::string{to_string(registry.descriptor(*id).type)} + " in this test");
      }
    }
  }
}

namespace detail {

STAMPEDE_DECL std::vector<threshold> resolve_thresholds(const load_test& test) {
  metric_registry registry;
  for (const auto& m : engine_metrics()) registry.add(m);
  for (const auto& m : test.metrics) registry.add(m.descriptor);
  const auto known = registry.metrics();
  std::vector<threshold> out;
  out.reserve(test.thresholds.size());
  for (const auto& t : test.thresholds) out.push_back(t.resolve(known));
  return out;
}

STAMPEDE_DECL std::shared_ptr<metric_registry> build_registry(const load_test& test,
                                                             const std::vector<run_observer*>& observers) {
  auto registry = std::make_shared<metric_registry>();
  for (const auto& m : engine_metrics()) registry->add(m);
  for (const auto& m : test.metrics) registry->add(m.descriptor);
  // k6's summary always shows this sub-metric for HTTP tests.
  registry->track(http_req_duration.where(std::string{system_tag::expected_response}, "true"));
  if (test.summary.mode == summary_mode::full) {
    // The full summary's SCENARIO sections: each metric filtered by the scenario. As k6, none
    // for "default"; vus and vus_max carry no scenario tag, group_duration is never shown.
    std::vector<metric_descriptor> shown;
    for (const auto& m : registry->metrics()) {
      if (m.name != vus.name() && m.name != vus_max.name() && m.name != group_duration.name()) shown.push_back(m);
    }
    for (const auto& s : test.scenarios) {
      if (s.name == "default") continue;
      for (const auto& m : shown) {
        auto per_scenario = m;
        per_scenario.filter = tag_filter{}.and_where(std::string{system_tag::scenario}, s.name);
        registry->track(per_scenario);
      }
    }
  }
  const auto known = registry->metrics();
  for (const auto& t : test.thresholds) {
    for (const auto& c : t.resolve(known).conditions()) {
      if (c.aggregate.metric.is_submetric()) registry->track(c.aggregate.metric);
    }
  }
  for (const auto* o : observers) {
    for (auto& b : o->breakdowns()) registry->breakdown(b.metric, std::move(b.tag_keys));
  }
  return registry;
}

STAMPEDE_DECL std::unique_ptr<scenario_context> make_scenario_context(const load_test& test, std::size_t index,
                                                               const execution_tuple& part) {
  const auto& s = test.scenarios.at(index);
  auto sc = std::make_unique<scenario_context>();
  sc->definition = &s;
  sc->index = index;
  sc->name = s.name;
  sc->tags = test.tags.merged_with(s.tags);
  if (resolve_system_tags(test.system_tags).has(system_tag_set::scenario)) {
    sc->tags.set(std::string{system_tag::scenario}, s.name);
  }
  sc->env = s.env;
  sc->part = part;
  sc->iteration_part = part;
  sc->max_vus = max_vus(s.executor, part);
  sc->has_work = has_work(s.executor, part);
  if (const auto* shared = std::get_if<shared_iterations>(&s.executor)) {
    sc->shared_total = part_iterations(*shared, part);
    if (sc->has_work && !part.is_whole()) sc->iteration_part = part.for_value(shared->vus);
  }
  return sc;
}

STAMPEDE_DECL engine_ids find_engine_ids(const metric_registry& r) {
  const auto id = [&](const auto& m) { return *r.find(m.name()); };
  return {id(iterations), id(iteration_duration), id(dropped_iterations), id(iteration_start_delay),
          id(iteration_latency), id(group_duration), id(checks)};
}

// The VUs of every scenario now. `active` is read before `shards_ending`: see
// scenario_driver::begin_ending.
STAMPEDE_DECL vu_census count_vus(const std::vector<std::unique_ptr<scenario_context>>& scenarios) {
  vu_census c;
  for (const auto& sc : scenarios) {
    c.active += sc->active.load(std::memory_order_acquire);
    c.allocated += sc->allocated.load(std::memory_order_relaxed);
    c.peak += sc->peak_active.load(std::memory_order_relaxed);
  }
  c.all_ending = std::all_of(scenarios.begin(), scenarios.end(), [](const auto& sc) {
    return sc->shards_ending.load(std::memory_order_relaxed) > 0;
  });
  return c;
}

}  // namespace detail

STAMPEDE_DECL result run(const load_test& test_in, const run_options& options) {
  using namespace std::chrono;
  using detail::clock;
  validate(test_in);
  const load_test test = [&] {
    load_test copy = test_in;  // the run's own copy: exec functions and tags stay put
    copy.thresholds = detail::resolve_thresholds(test_in);
    return copy;
  }();
  // The run's clock, on this thread: the ticker's and, when simulated, every shard's.
  const detail::scoped_manual_clock run_clock{options.time};

  detail::run_context run;
  run.seed = options.seed ? *options.seed : std::random_device{}();
  run.env = test.env;
  run.http_options = std::make_shared<const http::client_options>(test.http);
  run.ws_options = test.ws;
  run.min_iteration_duration = test.min_iteration_duration;
  run.system_tags = detail::resolve_system_tags(test.system_tags);
  run.registry = detail::build_registry(test, options.observers);
  if (options.console) run.console = options.console;
  if (options.time != nullptr) run.wall_now = [time = options.time] { return time->wall_now(); };
  run.start = clock::now();

  result out;
  out.seed = run.seed;
  out.summary_format = test.summary;

  // Scenarios, with VU ids handed out in order: this process's, and the whole test's.
  std::vector<std::unique_ptr<detail::scenario_context>> scenarios;
  std::uint64_t next_vu = 0;
  std::uint64_t next_vu_in_test = 0;
  std::int64_t total_max_vus = 0;
  nanoseconds longest{0};
  for (std::size_t i = 0; i < test.scenarios.size(); ++i) {
    const auto& s = test.scenarios[i];
    auto sc = detail::make_scenario_context(test, i, options.part);
    sc->first_vu_id = next_vu;
    sc->first_vu_id_in_test = next_vu_in_test;
    next_vu += static_cast<std::uint64_t>(sc->max_vus);
    next_vu_in_test += static_cast<std::uint64_t>(max_vus(s.executor));
    total_max_vus += sc->max_vus;
    if (sc->has_work) longest = std::max(longest, s.start_time + max_duration(s.executor, s.graceful_stop));
    scenarios.push_back(std::move(sc));
  }

  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  const unsigned threads = std::max(1U, options.threads == 0 ? cores : options.threads);
  detail::shard_pool pool{run, threads, options.time, options.time_step};
  for (std::size_t i = 0; i < pool.size(); ++i) pool[i].ctx.ids = detail::find_engine_ids(*run.registry);

  detail::observer_list observers{options.observers, out.output_errors};
  const bool stream_samples = observers.want_samples();
  const auto wall_now = [&options] {
    return options.time != nullptr ? options.time->wall_now() : system_clock::now();
  };
  // Samples kept for the observers that stream them: each block is stamped with the wall
  // time of its `at` zero, which moves when the scenarios start after setup.
  auto wall_origin = wall_now();
  std::vector<sample_block> pending_blocks;
  if (stream_samples) {
    for (std::size_t i = 0; i < pool.size(); ++i) pool[i].ctx.rec.keep_samples(true);
  }
  out.part = options.part;
  observers.notify("on_start", [&](run_observer& o) { o.on_start(test, options.part); });

  // --- setup ------------------------------------------------------------------------------
  detail::scenario_context hooks;
  bool setup_interrupted = false;
  hooks.name = "setup";
  hooks.tags = test.tags;
  hooks.first_vu_id = next_vu;
  hooks.first_vu_id_in_test = next_vu_in_test;
  if (test.setup) {
    auto setup_fn = test.setup;
    const auto setup = detail::run_hook(pool, hooks, "setup", test.setup_timeout, options.control, 1,
                                        [&run, setup_fn](vu& u) -> task<> { run.setup_data = co_await setup_fn(u); });
    if (setup.stopped) {
      // k6: a stop request interrupts setup, and then neither the scenarios nor teardown run.
      out.status = run_status::interrupted;
      out.message = "stopped on request during setup; the scenarios and teardown did not run";
      setup_interrupted = true;
    } else if (setup.error) {
      out.status = run_status::setup_failed;
      out.message = *setup.error;
    }
    if (stream_samples) {
      pending_blocks.push_back(pool[0].ctx.rec.take_samples(0));
      pending_blocks.back().origin = wall_origin;
    }
  }

  // --- the scenarios ----------------------------------------------------------------------
  detail::ticker ticker{run.registry, test.tags, options.thresholds ? test.thresholds : std::vector<threshold>{}};
  ticker.keep_samples(stream_samples);
  ticker.keep_series(options.keep_series);
  std::atomic<std::size_t> drivers_done{0};
  // When the last driver finished, in nanoseconds of the run: the scenarios' end, exact to
  // the driver rather than to the loop's next look, so rates over the run are not diluted.
  std::atomic<std::int64_t> drivers_end{0};
  const std::size_t driver_count = out.status == run_status::finished ? pool.size() * scenarios.size() : 0;

  const auto post_stop = [&pool](detail::stop_kind kind) {
    pool.post_each([kind](detail::shard& s) {
      for (auto& d : s.drivers) d->stop(kind);
    });
  };
  // Every shard's metrics since the previous take; their kept samples join `pending_blocks`.
  const auto take_deltas = [&](nanoseconds now) {
    auto taken = pool.on_each([now, stream_samples](detail::shard& s) {
      std::pair<snapshot, sample_block> t{s.ctx.rec.take(now), sample_block{}};
      if (stream_samples) t.second = s.ctx.rec.take_samples(static_cast<std::uint32_t>(s.ctx.index));
      return t;
    });
    std::vector<snapshot> deltas;
    deltas.reserve(taken.size());
    for (auto& [delta, block] : taken) {
      deltas.push_back(std::move(delta));
      if (!stream_samples) continue;
      block.origin = wall_origin;
      pending_blocks.push_back(std::move(block));
    }
    return deltas;
  };
  // Hands the samples taken so far (with the engine's own) to the observers that stream them.
  const auto hand_over_samples = [&] {
    if (!stream_samples) return;
    auto engine_block = ticker.take_samples(static_cast<std::uint32_t>(pool.size()));
    engine_block.origin = wall_origin;
    pending_blocks.push_back(std::move(engine_block));
    auto samples = std::make_shared<tick_samples>();
    samples->registry = run.registry;
    for (auto& b : pending_blocks) {
      if (!b.samples.empty() || !b.new_tags.empty()) samples->blocks.push_back(std::move(b));
    }
    pending_blocks.clear();
    const std::shared_ptr<const tick_samples> shared = std::move(samples);
    observers.notify("on_samples", [&](run_observer& o) {
      if (o.wants_samples()) o.on_samples(shared);
    });
  };
  const auto progress_at = [&](nanoseconds now, bool ended) {
    run_progress p;
    p.elapsed = now;
    p.max_duration = longest;
    p.max_vus = total_max_vus;
    p.ended = ended;
    for (const auto& sc : scenarios) {
      const auto& s = *sc->definition;
      scenario_progress sp;
      sp.name = sc->name;
      sp.active_vus = sc->active.load(std::memory_order_relaxed);
      sp.max_vus = sc->max_vus;
      sp.complete = sc->complete.load(std::memory_order_relaxed);
      sp.interrupted = sc->interrupted.load(std::memory_order_relaxed);
      sp.started = sc->started.load(std::memory_order_relaxed);
      sp.done = sc->shards_done.load() == static_cast<int>(pool.size()) || ended;
      sp.duration = regular_duration(s.executor);
      sp.elapsed = sp.done ? sp.duration : std::max(now - s.start_time, nanoseconds{0});
      p.active_vus += sp.active_vus;
      p.complete += sp.complete;
      p.interrupted += sp.interrupted;
      p.scenarios.push_back(std::move(sp));
    }
    return p;
  };

  bool hard_stop = false;
  std::optional<nanoseconds> run_end;  // when the scenarios ended, before teardown
  if (driver_count > 0) {
    run.start = clock::now();
    wall_origin = wall_now();
    if (options.start_at) {
      // Time 0 is the agreed instant: early, the drivers' first waits end there; late, the
      // plans are already that far along.
      const auto ahead = duration_cast<nanoseconds>(*options.start_at - wall_origin);
      run.start += duration_cast<clock::duration>(ahead);
      wall_origin = *options.start_at;
      run.late_by = std::max(-ahead, nanoseconds{0});
      out.start_skew = run.late_by;
    }
    for (std::size_t i = 0; i < pool.size(); ++i) {
      auto& sh = pool[i];
      for (auto& sc : scenarios) {
        sh.drivers.push_back(std::make_unique<detail::scenario_driver>(sh.ctx, *sc, pool.size()));
        auto* sc_ptr = sc.get();
        const auto on_done = [&drivers_done, &drivers_end, sc_ptr, &run](const std::exception_ptr& e) {
          if (e) {
            try {
              std::rethrow_exception(e);
            } catch (const std::exception& ex) {
              run.errors.add(sc_ptr->name, std::string{"the engine failed: "} + ex.what());
            } catch (...) {
              run.errors.add(sc_ptr->name, "the engine failed");
            }
          }
          sc_ptr->shards_done.fetch_add(1);
          const auto ended = run.elapsed().count();
          auto latest = drivers_end.load();
          while (latest < ended && !drivers_end.compare_exchange_weak(latest, ended)) {
          }
          drivers_done.fetch_add(1);
        };
        asio::co_spawn(*sh.io, sh.drivers.back()->run(), on_done);
      }
    }
    pool.start();

    // --- the ticker: merges shard deltas, watches stop requests and abort-on-fail ------------
    // A last resort against iterations that ignore interruption: the longest the test may
    // take, with some slack.
    const auto safety_deadline = run.start + longest + seconds{10};
    // How often the loop looks at stop requests and aborts between ticks. A simulated pool
    // returns from each wait after the next moment anything happens, so the loop looks then.
    const nanoseconds look = pool.simulated() ? options.tick : nanoseconds{milliseconds{20}};
    auto next_tick = run.start + options.tick;
    nanoseconds ticked_to{0};  // the end of the last tick's delta
    bool graceful_sent = false;
    bool abort_sent = false;
    const auto note_abort = [&] {
      const std::lock_guard lock{run.reason_mutex};
      out.status = run.abort_invalid ? run_status::invalid_test : run_status::test_aborted;
      out.message = run.abort_reason;
    };
    while (drivers_done.load() < driver_count) {
      const auto now = clock::now();
      const int requests = options.control != nullptr ? options.control->stop_requests() : 0;
      if (requests >= 2 || now >= safety_deadline) {
        if (requests < 2) out.message = "scenarios did not stop within their graceful stop; stopped at once";
        if (out.status == run_status::finished) out.status = run_status::interrupted;
        hard_stop = true;
        break;
      }
      if (requests == 1 && !graceful_sent) {
        if (out.status == run_status::finished) {
          out.status = run_status::interrupted;
          out.message = "stopped on request; running iterations were given their graceful stop";
        }
        post_stop(detail::stop_kind::graceful);
        graceful_sent = true;
      }
      if (run.aborted_by_test.load() && !abort_sent) {
        note_abort();
        post_stop(detail::stop_kind::abort);
        abort_sent = true;
      }
      if (now >= next_tick) {
        const auto elapsed = run.elapsed(now);
        ticked_to = elapsed;
        const auto& delta = ticker.tick(elapsed, take_deltas(elapsed), detail::count_vus(scenarios));
        if (!abort_sent) {
          if (const auto* failed = ticker.failed_abort(elapsed)) {
            out.status = run_status::threshold_aborted;
            out.message = "threshold " + failed->describe() + " failed and has abort_on_fail";
            post_stop(detail::stop_kind::abort);
            abort_sent = true;
          }
        }
        const auto progress = progress_at(elapsed, false);
        hand_over_samples();
        observers.notify("on_tick", [&](run_observer& o) { o.on_tick(delta, progress); });
        while (next_tick <= now) next_tick += options.tick;
      }
      pool.wait(std::min(next_tick, now + look));
    }
    // An abort in the last iterations, after the ticker's last look.
    if (run.aborted_by_test.load() && !abort_sent && !hard_stop) note_abort();

    // --- wind down ---------------------------------------------------------------------------
    // Every driver has finished, so every VU has stopped; what is left on a shard (a
    // ramp-down watch's timer, a user's detached operation) has nothing left to do.
    // The scenarios ended when their last driver did (the loop may look up to `look` later),
    // but never before the last tick, whose delta the end's must follow.
    run_end = hard_stop ? run.elapsed() : std::max(nanoseconds{drivers_end.load()}, ticked_to);
    pool.stop();
    if (hard_stop) {
      // What was mid-iteration when the threads stopped counts as interrupted.
      for (auto& sc : scenarios) {
        sc->interrupted.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(sc->active.load(), 0)));
        sc->active.store(0);
      }
    }
  }

  // --- teardown ------------------------------------------------------------------------------
  if (test.teardown && out.status != run_status::setup_failed && !setup_interrupted && !hard_stop) {
    auto teardown_fn = test.teardown;
    hooks.name = "teardown";
    // As k6, teardown is not interrupted by the first stop request, only by a second.
    const auto teardown = detail::run_hook(pool, hooks, "teardown", test.teardown_timeout, options.control, 2,
                                           [teardown_fn](vu& u) -> task<> { co_await teardown_fn(u); });
    if (teardown.stopped) {
      out.status = run_status::interrupted;
      out.message = "stopped at once on a second request, during teardown";
    } else if (teardown.error && out.status == run_status::finished) {
      out.status = run_status::teardown_failed;
      out.message = *teardown.error;
    }
  }
  // A stop request that came during teardown (or after the scenarios' last look) still makes
  // the run an interrupted one, as in k6.
  const int stop_requests = options.control != nullptr ? options.control->stop_requests() : 0;
  if (stop_requests > 0 && out.status == run_status::finished) {
    out.status = run_status::interrupted;
    out.message = test.teardown ? "stopped on request after the scenarios ended; teardown ran to its end"
                                : "stopped on request after the scenarios ended";
  }

  // --- the end -------------------------------------------------------------------------------
  const auto end = run_end.value_or(run.elapsed());
  const auto& last = ticker.last_tick(end, take_deltas(end), detail::count_vus(scenarios));
  out.shards = static_cast<unsigned>(pool.size());
  if (driver_count > 0) out.generator_cpu = pool.cpu_time();
  out.duration = end;
  out.started_at = wall_origin;
  out.thresholds = ticker.judge();
  for (const auto& sc : scenarios) {
    const auto& def = *sc->definition;
    out.scenarios.push_back({sc->name, describe(def.executor, def.graceful_stop, def.start_time, options.part),
                             sc->complete.load(), sc->interrupted.load(), sc->max_vus});
  }
  const auto progress = progress_at(end, true);
  hand_over_samples();
  observers.notify("on_tick", [&](run_observer& o) { o.on_tick(last, progress); });
  run.errors.for_each([&](const std::string& scenario, const std::string& message, std::uint64_t count) {
    out.errors.push_back({scenario, message, count});
  });
  out.metrics = ticker.take_total();
  out.series = ticker.take_series();
  observers.notify("on_end", [&](run_observer& o) { o.on_end(out); });
  return out;
}

}  // namespace stampede
