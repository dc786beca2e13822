// Bodies of run, validate and format_scenarios_header (included by exec/runner.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>
#include <stampede/core/units.hpp>
#include <stampede/eval/window_tracker.hpp>
#include <stampede/exec/detail/run_setup.hpp>
#include <stampede/exec/detail/scenario_driver.hpp>
#include <stampede/exec/metrics.hpp>
#include <stampede/metrics/builtin.hpp>
#include <stampede/metrics/recorder.hpp>
#include <stampede/report/progress.hpp>

#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <future>
#include <random>
#include <set>
#include <thread>

#if defined(__unix__) || defined(__APPLE__)
#include <time.h>  // clock_gettime, CLOCK_THREAD_CPUTIME_ID
#endif

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
  }
  if (test.setup_timeout <= std::chrono::nanoseconds{0}) throw usage_error("load_test::setup_timeout must be greater than 0");
  if (test.teardown_timeout <= std::chrono::nanoseconds{0}) throw usage_error("load_test::teardown_timeout must be greater than 0");
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

STAMPEDE_DECL std::string format_scenarios_header(const load_test& test) {
  using namespace std::chrono;
  std::int64_t vu_total = 0;
  nanoseconds longest{0};
  for (const auto& s : test.scenarios) {
    vu_total += max_vus(s.executor);
    longest = std::max(longest, s.start_time + max_duration(s.executor, s.graceful_stop));
  }
  const auto n = test.scenarios.size();
  std::string out = fmt::format("     scenarios: (100.00%) {} scenario{}, {} max VUs, {} max duration (incl. graceful stop):\n",
                                n, n == 1 ? "" : "s", vu_total, format_go_duration(longest));
  for (const auto& s : test.scenarios) {
    out += fmt::format("              * {}: {}\n", s.name, describe(s.executor, s.graceful_stop, s.start_time));
  }
  return out;
}

namespace detail {

/// One thread of a run. Destruction is ordered by hand: the drivers' timers go first (they
/// belong to the io_context's services), then the io_context with the coroutine frames it
/// still holds (whose destructors may touch VUs), then the drivers and their VUs.
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
};

// The CPU time (user + system) the calling thread has used so far, where the platform tells.
STAMPEDE_DECL std::optional<std::chrono::nanoseconds> thread_cpu_time() noexcept {
#if defined(CLOCK_THREAD_CPUTIME_ID)
  timespec ts{};
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0) {
    return std::chrono::seconds{ts.tv_sec} + std::chrono::nanoseconds{ts.tv_nsec};
  }
#endif
  return std::nullopt;
}

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

STAMPEDE_DECL std::shared_ptr<metric_registry> build_registry(const load_test& test) {
  auto registry = std::make_shared<metric_registry>();
  for (const auto& m : engine_metrics()) registry->add(m);
  for (const auto& m : test.metrics) registry->add(m.descriptor);
  // k6's summary always shows this sub-metric for HTTP tests.
  registry->track(http_req_duration.where(std::string{system_tag::expected_response}, "true"));
  const auto known = registry->metrics();
  for (const auto& t : test.thresholds) {
    for (const auto& c : t.resolve(known).conditions()) {
      if (c.aggregate.metric.is_submetric()) registry->track(c.aggregate.metric);
    }
  }
  return registry;
}

STAMPEDE_DECL std::unique_ptr<scenario_context> make_scenario_context(const load_test& test, std::size_t index,
                                                               std::uint64_t first_vu_id) {
  const auto& s = test.scenarios.at(index);
  auto sc = std::make_unique<scenario_context>();
  sc->definition = &s;
  sc->index = index;
  sc->name = s.name;
  sc->tags = test.tags.merged_with(s.tags);
  sc->tags.set(std::string{system_tag::scenario}, s.name);
  sc->env = s.env;
  sc->first_vu_id = first_vu_id;
  return sc;
}

STAMPEDE_DECL engine_ids find_engine_ids(const metric_registry& r) {
  const auto id = [&](const auto& m) { return *r.find(m.name()); };
  return {id(iterations), id(iteration_duration), id(dropped_iterations), id(iteration_start_delay),
          id(iteration_latency), id(group_duration), id(checks)};
}

// Runs a setup or teardown hook on `io` from the calling thread, bounded by `timeout`.
// Returns an error message, or nothing on success.
template <typename Hook>
std::optional<std::string> run_hook(asio::io_context& io, shard_context& shard, scenario_context& sc,
                                    std::string_view what, std::chrono::nanoseconds timeout, Hook hook) {
  vu u{shard, sc, 0};
  std::optional<std::string> error;
  bool done = false;
  io.restart();
  asio::co_spawn(io, hook(u),
                 asio::bind_cancellation_slot(vu_access::interrupt(u).slot(), [&](const std::exception_ptr& e) {
                   done = true;
                   io.stop();  // the VU's HTTP client keeps a deadline armed: the work never runs out
                   if (!e) return;
                   try {
                     std::rethrow_exception(e);
                   } catch (const test_abort& a) {
                     error = fmt::format("{} aborted the test: {}", what, a.reason);
                   } catch (const std::exception& ex) {
                     error = fmt::format("{} failed: {}", what, ex.what());
                   } catch (...) {
                     error = fmt::format("{} failed with an exception that is not a std::exception", what);
                   }
                 }));
  io.run_for(timeout);
  if (!done) {
    vu_access::interrupted(u) = true;
    vu_access::interrupt(u).emit(asio::cancellation_type::terminal);
    io.restart();
    io.run_for(std::chrono::seconds{5});
    error = fmt::format("{} did not finish within {}", what, format_go_duration(timeout));
  }
  io.restart();
  io.poll();  // let anything the hook left behind finish or fail now, not during the run
  return error;
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

  detail::run_context run;
  run.seed = options.seed ? *options.seed : std::random_device{}();
  run.env = test.env;
  run.http_options = test.http;
  run.registry = detail::build_registry(test);
  run.start = clock::now();

  result out;
  out.seed = run.seed;
  out.summary_format = test.summary;

  // Scenarios, with global VU ids handed out in order.
  std::vector<std::unique_ptr<detail::scenario_context>> scenarios;
  std::uint64_t next_vu = 0;
  std::int64_t total_max_vus = 0;
  nanoseconds longest{0};
  for (std::size_t i = 0; i < test.scenarios.size(); ++i) {
    const auto& s = test.scenarios[i];
    auto sc = detail::make_scenario_context(test, i, next_vu);
    const auto m = max_vus(s.executor);
    next_vu += static_cast<std::uint64_t>(m);
    total_max_vus += m;
    longest = std::max(longest, s.start_time + max_duration(s.executor, s.graceful_stop));
    scenarios.push_back(std::move(sc));
  }

  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  const unsigned threads = std::max(1U, options.threads == 0 ? cores : options.threads);
  std::vector<std::unique_ptr<detail::shard>> shards;
  for (unsigned i = 0; i < threads; ++i) {
    shards.push_back(std::make_unique<detail::shard>(i, run));
    shards.back()->ctx.ids = detail::find_engine_ids(*run.registry);
  }

  const bool show_progress = options.progress != progress_mode::none && options.progress_stream != nullptr;
  const bool terminal = options.progress == progress_mode::terminal ||
                        (options.progress == progress_mode::automatic && is_terminal(options.progress_stream));
  if (show_progress) {
    std::fputs(("\n" + format_scenarios_header(test) + "\n").c_str(), options.progress_stream);
    std::fflush(options.progress_stream);
  }

  // --- setup ------------------------------------------------------------------------------
  detail::scenario_context hooks;
  hooks.name = "setup";
  hooks.tags = test.tags;
  hooks.first_vu_id = next_vu;
  if (test.setup) {
    auto setup_fn = test.setup;
    const auto error = detail::run_hook(*shards[0]->io, shards[0]->ctx, hooks, "setup", test.setup_timeout,
                                        [&run, setup_fn](vu& u) -> task<> { run.setup_data = co_await setup_fn(u); });
    if (error) {
      out.status = run_status::setup_failed;
      out.message = *error;
    }
  }

  // --- the scenarios ----------------------------------------------------------------------
  recorder engine_rec{run.registry};  // the ticker's own samples: vus and vus_max
  const auto engine_tags = engine_rec.intern(test.tags);
  const auto vus_id = *run.registry->find(vus.name());
  const auto vus_max_id = *run.registry->find(vus_max.name());
  snapshot total = snapshot::empty_for(*run.registry);
  window_tracker windows{options.thresholds ? test.thresholds : std::vector<threshold>{}};
  std::atomic<std::size_t> drivers_done{0};
  const std::size_t driver_count = out.status == run_status::finished ? shards.size() * scenarios.size() : 0;

  const auto post_stop = [&](detail::stop_kind kind) {
    for (auto& sh : shards) {
      asio::post(*sh->io, [s = sh.get(), kind] {
        for (auto& d : s->drivers) d->stop(kind);
      });
    }
  };
  const auto take_all = [&](nanoseconds now, bool threads_running) {
    snapshot delta{total.end(), now};
    if (threads_running) {
      std::vector<std::future<snapshot>> futures;
      for (auto& sh : shards) {
        auto promise = std::make_shared<std::promise<snapshot>>();
        futures.push_back(promise->get_future());
        asio::post(*sh->io, [s = sh.get(), promise, now] { promise->set_value(s->ctx.rec.take(now)); });
      }
      // A shard's sinks move into the delta where it has none of that series yet, and merge
      // into the delta's otherwise, so a tick copies no histogram.
      for (auto& f : futures) delta.merge(f.get());
    } else {
      for (auto& sh : shards) delta.merge(sh->ctx.rec.take(now));
    }
    // k6 samples vus and vus_max once a second while the test runs, and the summary shows the
    // last sample. k6's ticker starts before setup, so it is out of step with the scenarios;
    // ours ticks at whole seconds from their start, which is just when a scenario's duration
    // usually ends, and a tick there would catch VUs finishing their last iteration (8 of 10)
    // and make that the final value. So once every scenario has begun to end, when VUs can
    // only leave, ticks take no sample, and the summary keeps the steady count as k6's does
    // (10 min=10 max=10 for 10 constant VUs). `active` is read before `shards_ending`: see
    // scenario_driver::begin_ending.
    std::int64_t active = 0;
    std::int64_t allocated = 0;
    std::int64_t peak = 0;
    for (const auto& sc : scenarios) {
      active += sc->active.load(std::memory_order_acquire);
      allocated += sc->allocated.load(std::memory_order_relaxed);
      peak += sc->peak_active.load(std::memory_order_relaxed);
    }
    const bool all_ending = std::all_of(scenarios.begin(), scenarios.end(), [](const auto& sc) {
      return sc->shards_ending.load(std::memory_order_relaxed) > 0;
    });
    if (threads_running) {
      if (!all_ending) {
        engine_rec.add(vus_id, static_cast<double>(active), engine_tags, now);
        engine_rec.add(vus_max_id, static_cast<double>(std::max(allocated, active)), engine_tags, now);
      }
    } else if (std::get<gauge_sink>(*total.find(vus.descriptor())).samples == 0) {
      // A run too short for a steady tick: the most VUs that ran at once (per scenario,
      // summed), rather than the none that are left now.
      engine_rec.add(vus_id, static_cast<double>(peak), engine_tags, now);
      engine_rec.add(vus_max_id, static_cast<double>(std::max(allocated, peak)), engine_tags, now);
    }
    delta.merge(engine_rec.take(now));
    total.merge(delta);
    windows.add(delta);
    out.series.add(delta);
    if (options.on_delta) options.on_delta(delta);
  };
  const auto progress_now = [&](nanoseconds now, bool final) {
    run_progress p;
    p.elapsed = now;
    p.max_duration = longest;
    p.max_vus = total_max_vus;
    for (const auto& sc : scenarios) {
      const auto& s = *sc->definition;
      scenario_progress sp;
      sp.name = sc->name;
      sp.active_vus = sc->active.load(std::memory_order_relaxed);
      sp.max_vus = max_vus(s.executor);
      sp.complete = sc->complete.load(std::memory_order_relaxed);
      sp.interrupted = sc->interrupted.load(std::memory_order_relaxed);
      sp.started = sc->started.load(std::memory_order_relaxed);
      sp.done = sc->shards_done.load() == static_cast<int>(shards.size()) || final;
      sp.duration = regular_duration(s.executor);
      sp.elapsed = sp.done ? sp.duration : std::max(now - s.start_time, nanoseconds{0});
      if (const auto* si = std::get_if<shared_iterations>(&s.executor)) {
        sp.detail = fmt::format("{}/{} shared iters", std::min<std::uint64_t>(sp.complete + sp.interrupted,
                                                                            static_cast<std::uint64_t>(si->iterations)),
                                si->iterations);
      } else if (const auto* pi = std::get_if<per_vu_iterations>(&s.executor)) {
        sp.detail = fmt::format("{}/{} iters, {} per VU", sp.complete + sp.interrupted, pi->iterations * pi->vus,
                                pi->iterations);
      } else if (const auto* car = std::get_if<constant_arrival_rate>(&s.executor)) {
        sp.detail = fmt::format("{:.2f} iters/s", car->rate / duration<double>(car->time_unit).count());
      }
      p.active_vus += sp.active_vus;
      p.complete += sp.complete;
      p.interrupted += sp.interrupted;
      p.scenarios.push_back(std::move(sp));
    }
    return p;
  };

  bool hard_stop = false;
  std::optional<nanoseconds> run_end;  // when the scenarios ended, before teardown
  std::size_t progress_lines = 0;
  const auto print_progress = [&](nanoseconds now, bool final) {
    if (!show_progress) return;
    const auto text = format_progress(progress_now(now, final));
    std::string frame;
    if (terminal && progress_lines > 0) frame = fmt::format("\x1b[{}A\x1b[J", progress_lines);
    frame += text;
    if (!terminal || final) frame += "\n";
    progress_lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    std::fputs(frame.c_str(), options.progress_stream);
    std::fflush(options.progress_stream);
  };

  if (driver_count > 0) {
    run.start = clock::now();
    for (auto& sh : shards) {
      for (auto& sc : scenarios) {
        sh->drivers.push_back(std::make_unique<detail::scenario_driver>(sh->ctx, *sc, shards.size()));
        auto* sc_ptr = sc.get();
        asio::co_spawn(*sh->io, sh->drivers.back()->run(), [&drivers_done, sc_ptr, &run](const std::exception_ptr& e) {
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
          drivers_done.fetch_add(1);
        });
      }
    }
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
    for (auto& sh : shards) {
      sh->io->restart();  // setup ran on shard 0's io_context, which stopped when it ran out of work
      guards.push_back(asio::make_work_guard(*sh->io));
      sh->thread = std::thread([s = sh.get(), &run] {
        const auto cpu_start = detail::thread_cpu_time();
        try {
          s->io->run();
        } catch (const std::exception& e) {
          run.errors.add("", std::string{"a shard stopped: "} + e.what());
        }
        const auto cpu_end = detail::thread_cpu_time();
        if (cpu_start && cpu_end) s->cpu_time = *cpu_end - *cpu_start;
      });
    }

    // --- the ticker: merges shard deltas, watches stop requests and abort-on-fail ------------
    // A last resort against iterations that ignore interruption: the longest the test may
    // take, with some slack.
    const auto safety_deadline = run.start + longest + seconds{10};
    auto next_tick = run.start + options.tick;
    auto next_plain = run.start + options.plain_progress_interval;
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
        take_all(elapsed, true);
        if (!abort_sent && options.thresholds) {
          for (const auto& t : test.thresholds) {
            if (!t.aborts_on_fail() || elapsed < t.abort_delay()) continue;
            // As k6 does while a test runs, a metric without samples yet cannot fail.
            if (!t.evaluate(windows.source(total), no_samples::pass).passed) {
              out.status = run_status::threshold_aborted;
              out.message = "threshold " + t.describe() + " failed and has abort_on_fail";
              post_stop(detail::stop_kind::abort);
              abort_sent = true;
              break;
            }
          }
        }
        if (!terminal && now >= next_plain) {
          print_progress(elapsed, false);
          while (next_plain <= now) next_plain += options.plain_progress_interval;
        } else if (terminal) {
          print_progress(elapsed, false);
        }
        while (next_tick <= now) next_tick += options.tick;
      }
      std::this_thread::sleep_until(std::min(next_tick, now + milliseconds{20}));
    }
    // An abort in the last iterations, after the ticker's last look.
    if (run.aborted_by_test.load() && !abort_sent && !hard_stop) note_abort();

    // --- wind down ---------------------------------------------------------------------------
    // Every driver has finished, so every VU has stopped; what is left on a shard (a
    // ramp-down watch's timer, a user's detached operation) has nothing left to do.
    run_end = run.elapsed();
    guards.clear();
    for (auto& sh : shards) {
      sh->io->stop();
      sh->thread.join();
    }
    if (hard_stop) {
      // What was mid-iteration when the threads stopped counts as interrupted.
      for (auto& sc : scenarios) {
        sc->interrupted.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(sc->active.load(), 0)));
        sc->active.store(0);
      }
    }
  }

  // --- teardown ------------------------------------------------------------------------------
  if (test.teardown && out.status != run_status::setup_failed && !hard_stop) {
    auto teardown_fn = test.teardown;
    hooks.name = "teardown";
    const auto error = detail::run_hook(*shards[0]->io, shards[0]->ctx, hooks, "teardown", test.teardown_timeout,
                                        [teardown_fn](vu& u) -> task<> { co_await teardown_fn(u); });
    if (error && out.status == run_status::finished) {
      out.status = run_status::teardown_failed;
      out.message = *error;
    }
  }

  const auto end = run_end.value_or(run.elapsed());
  take_all(end, false);
  out.shards = static_cast<unsigned>(shards.size());
  if (driver_count > 0 && std::all_of(shards.begin(), shards.end(), [](const auto& sh) { return sh->cpu_time.has_value(); })) {
    out.generator_cpu = std::chrono::nanoseconds{0};
    for (const auto& sh : shards) *out.generator_cpu += *sh->cpu_time;
  }
  windows.finish(end);
  out.duration = end;
  if (options.thresholds) {
    for (const auto& t : test.thresholds) out.thresholds.push_back(t.evaluate(windows.source(total)));
  }
  for (const auto& sc : scenarios) {
    const auto& def = *sc->definition;
    out.scenarios.push_back({sc->name, describe(def.executor, def.graceful_stop, def.start_time),
                             sc->complete.load(), sc->interrupted.load(), max_vus(def.executor)});
  }
  run.errors.for_each([&](const std::string& scenario, const std::string& message, std::uint64_t count) {
    out.errors.push_back({scenario, message, count});
  });
  print_progress(end, true);
  out.metrics = std::move(total);
  return out;
}

}  // namespace stampede
