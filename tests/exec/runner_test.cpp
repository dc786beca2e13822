// The runner end to end without a network, simulated on a manual time so that counts and
// times are exact and nothing sleeps: executors' pacing, graceful stops, interrupts, errors,
// checks, groups, setup/teardown, stop requests and observers. tests/integration runs it on
// real threads and timers.
#include <stampede/metrics/engine.hpp>
#include <stampede/exec/plan.hpp>
#include <stampede/exec/runner.hpp>

#include "support/catch_compat.hpp"
#include "support/result_metrics.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>

namespace sp = stampede;
using namespace std::chrono_literals;
using sp::testing::counter_sum;
using sp::testing::trend_count;

namespace {

sp::task<> empty_iteration(sp::vu&) { co_return; }

// A run simulated on its own manual time.
sp::result simulate(const sp::load_test& test, sp::run_options options = {}) {
  sp::manual_time time;
  options.time = &time;
  if (!options.seed) options.seed = 1;
  return sp::run(test, options);
}

}  // namespace

TEST_CASE("per_vu_iterations runs each VU's iterations exactly, on every shard") {
  std::atomic<int> calls{0};
  sp::load_test test{.scenarios = {{.name = "count",
                                    .exec = [&calls](sp::vu&) -> sp::task<> {
                                      calls.fetch_add(1);
                                      co_return;
                                    },
                                    .executor = sp::per_vu_iterations{.vus = 5, .iterations = 7}}}};
  const auto r = simulate(test, {.threads = 2});
  CHECK(calls.load() == 35);
  CHECK(r.complete_iterations() == 35);
  CHECK(r.interrupted_iterations() == 0);
  CHECK(counter_sum(r, sp::iterations.descriptor()) == 35);
  CHECK(trend_count(r, sp::iteration_duration.descriptor()) == 35);
  CHECK(r.status == sp::run_status::finished);
  CHECK(r.exit_code() == 0);
}

TEST_CASE("shared_iterations hands out exactly the iterations asked for among its VUs") {
  std::atomic<int> calls{0};
  sp::load_test test{.scenarios = {{.exec = [&calls](sp::vu&) -> sp::task<> {
                                      calls.fetch_add(1);
                                      co_return;
                                    },
                                    .executor = sp::shared_iterations{.vus = 3, .iterations = 100}}}};
  const auto r = simulate(test, {.threads = 2});
  CHECK(calls.load() == 100);
  CHECK(r.complete_iterations() == 100);
}

TEST_CASE("constant_vus loops for its duration and interrupts iterations past the graceful stop") {
  sp::load_test test{.scenarios = {{.exec = [](sp::vu& u) -> sp::task<> { co_await u.sleep(200ms); },
                                    .executor = sp::constant_vus{.vus = 4, .duration = 500ms},
                                    .graceful_stop = 0s}}};
  const auto r = simulate(test, {.threads = 2});
  // Each VU completes two 200 ms iterations in 500 ms and is interrupted in its third, at the
  // end of the duration: no graceful stop.
  CHECK(r.complete_iterations() == 8);
  CHECK(r.interrupted_iterations() == 4);
  CHECK(r.duration == 500ms);
}

TEST_CASE("VUs whose iterations never wait share their thread and stop on time") {
  // Iterations that make no request and never sleep: the VU loop gives the thread back
  // between them, so the other VU and the duration's timer run. Should a VU hold the thread,
  // it aborts the test after a bounded number of iterations rather than spin for ever.
  std::array<std::atomic<std::uint64_t>, 3> per_vu{};
  sp::load_test test{.scenarios = {{.exec = [&per_vu](sp::vu& u) -> sp::task<> {
                                      const auto mine = ++per_vu.at(u.id());
                                      const auto other = per_vu.at(u.id() == 1 ? 2 : 1).load();
                                      if (mine > other + 10'000) u.abort_test("VU " + std::to_string(u.id()) + " held the thread");
                                      co_return;
                                    },
                                    .executor = sp::constant_vus{.vus = 2, .duration = 5ms}}}};
  const auto r = simulate(test, {.threads = 1});
  CHECK(r.duration == 5ms);
  CHECK(r.status == sp::run_status::finished);
  CHECK(per_vu[1].load() > 0);
  CHECK(per_vu[2].load() > 0);
  CHECK(r.complete_iterations() == per_vu[1].load() + per_vu[2].load());
}

TEST_CASE("a graceful stop lets running iterations finish") {
  // Iterations start at 0, 200 and 400 ms; the third ends after the 500 ms duration but
  // within the graceful stop.
  sp::load_test test{.scenarios = {{.exec = [](sp::vu& u) -> sp::task<> { co_await u.sleep(200ms); },
                                    .executor = sp::constant_vus{.vus = 2, .duration = 500ms},
                                    .graceful_stop = 1s}}};
  const auto r = simulate(test, {.threads = 1});
  CHECK(r.complete_iterations() == 6);
  CHECK(r.interrupted_iterations() == 0);
  CHECK(r.duration == 600ms);
}

TEST_CASE("an exception escaping an iteration is counted with its message and the VU goes on") {
  sp::load_test test{.scenarios = {{.exec = [](sp::vu& u) -> sp::task<> {
                                      if (u.iteration() % 2 == 1) throw std::runtime_error("odd iteration");
                                      co_return;
                                    },
                                    .executor = sp::per_vu_iterations{.vus = 2, .iterations = 4}}}};
  const auto r = simulate(test, {.threads = 1});
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].message == "odd iteration");
  CHECK(r.errors[0].count == 4);
  CHECK(r.errors[0].scenario == "default");
  CHECK(r.complete_iterations() == 8);
  CHECK(r.summary().find("4 × [default] odd iteration") != std::string::npos);
}

TEST_CASE("checks and groups record with the VU's group and scenario tags") {
  sp::load_test test{.scenarios = {{.name = "shop",
                                    .exec = [](sp::vu& u) -> sp::task<> {
                                      u.check(1, "top level", [](int v) { return v == 1; });
                                      co_await u.group("cart", [&]() -> sp::task<> {
                                        u.check(u.iteration(), "even", [](std::uint64_t i) { return i % 2 == 0; });
                                        CHECK(u.group() == "::cart");
                                        co_return;
                                      });
                                      CHECK(u.group().empty());
                                    },
                                    .executor = sp::per_vu_iterations{.vus = 1, .iterations = 4}}}};
  const auto r = simulate(test, {.threads = 1});
  const auto checks = r.checks();
  REQUIRE(checks.size() == 2);
  CHECK(checks[0].group.empty());
  CHECK(checks[0].passes == 4);
  CHECK(checks[1].group == "::cart");
  CHECK(checks[1].passes == 2);
  CHECK(checks[1].fails == 2);
  CHECK(trend_count(r, sp::group_duration.descriptor()) == 4);
}

TEST_CASE("setup's result reaches every VU and teardown") {
  std::atomic<int> seen{0};
  std::atomic<int> torn_down{0};
  sp::load_test test{
      .scenarios = {{.exec = [&seen](sp::vu& u) -> sp::task<> {
                       if (u.setup_data<std::string>() == "token") seen.fetch_add(1);
                       co_return;
                     },
                     .executor = sp::per_vu_iterations{.vus = 3, .iterations = 1}}},
      .setup = [](sp::vu&) -> sp::task<std::any> { co_return std::string{"token"}; },
      .teardown = [&torn_down](sp::vu& u) -> sp::task<> {
        if (u.setup_data<std::string>() == "token") torn_down.fetch_add(1);
        co_return;
      }};
  const auto r = simulate(test, {.threads = 2});
  CHECK(seen.load() == 3);
  CHECK(torn_down.load() == 1);
  CHECK(r.exit_code() == 0);
}

TEST_CASE("a failing setup skips the scenarios and exits 107") {
  std::atomic<int> calls{0};
  sp::load_test test{.scenarios = {{.exec = [&calls](sp::vu&) -> sp::task<> {
                                      calls.fetch_add(1);
                                      co_return;
                                    },
                                    .executor = sp::per_vu_iterations{}}},
                     .setup = [](sp::vu&) -> sp::task<std::any> {
                       throw std::runtime_error("no database");
                       co_return std::any{};
                     }};
  const auto r = simulate(test, {.threads = 1});
  CHECK(calls.load() == 0);
  CHECK(r.status == sp::run_status::setup_failed);
  CHECK(r.message == "setup failed: no database");
  CHECK(r.exit_code() == 107);
}

TEST_CASE("abort_test stops every scenario and exits 108") {
  sp::load_test test{.scenarios = {{.exec = [](sp::vu& u) -> sp::task<> {
                                      if (u.iteration() == 3) u.abort_test("enough");
                                      co_await u.sleep(10ms);
                                    },
                                    .executor = sp::constant_vus{.vus = 2, .duration = 30s}}}};
  const auto r = simulate(test, {.threads = 1});
  // Both VUs abort in their fourth iteration, at 30 ms, and the stop reaches them then.
  CHECK(r.duration == 30ms);
  CHECK(r.complete_iterations() == 6);
  CHECK(r.status == sp::run_status::test_aborted);
  CHECK(r.message == "enough");
  CHECK(r.exit_code() == 108);
}

TEST_CASE("recording a metric the test does not list stops the run as invalid (104) and keeps what was gathered") {
  const sp::trend login_time{"login_time", sp::value_type::time};
  sp::load_test test{.scenarios = {{.exec = [&login_time](sp::vu& u) -> sp::task<> {
                                      u.check(1, "before", [](int) { return true; });
                                      u.record(login_time, 1e6);
                                      co_await u.sleep(10ms);
                                    },
                                    .executor = sp::constant_vus{.vus = 2, .duration = 30s}}}};
  const auto r = simulate(test, {.threads = 1});
  CHECK(r.duration == 0ms);  // the first iterations stop it
  CHECK(r.status == sp::run_status::invalid_test);
  CHECK(r.message == "metric login_time is recorded but not registered with the test; list it in load_test::metrics");
  CHECK(r.exit_code() == 104);
  CHECK(r.errors.empty());  // not an iteration error: the run stopped
  REQUIRE(r.checks().size() == 1);
  CHECK(r.checks()[0].passes >= 1);
}

TEST_CASE("an abort in the last iteration is reported even when every scenario has ended") {
  sp::load_test test{.scenarios = {{.exec = [](sp::vu& u) -> sp::task<> {
                                      u.abort_test("last one");
                                      co_return;
                                    },
                                    .executor = sp::shared_iterations{.vus = 1, .iterations = 1}}}};
  const auto r = simulate(test, {.threads = 1});
  CHECK(r.status == sp::run_status::test_aborted);
  CHECK(r.message == "last one");
  CHECK(r.exit_code() == 108);
}

TEST_CASE("a stop request ends a long test gracefully and keeps what was gathered") {
  sp::run_control control;
  // VU 1 asks for the stop as its 21st iteration starts, at 100 ms; the running iterations
  // (of every VU, due at 105 ms) get their graceful stop and complete.
  sp::load_test test{.scenarios = {{.exec = [&control](sp::vu& u) -> sp::task<> {
                                      if (u.id() == 1 && u.iteration() == 20) control.request_stop();
                                      co_await u.sleep(5ms);
                                    },
                                    .executor = sp::constant_vus{.vus = 3, .duration = 1h}}}};
  const auto r = simulate(test, {.threads = 2, .control = &control, .keep_series = true});
  CHECK(r.status == sp::run_status::interrupted);
  CHECK(r.exit_code() == 105);
  CHECK(r.duration == 105ms);
  CHECK(r.complete_iterations() == 3 * 21);
  CHECK(r.interrupted_iterations() == 0);
  // The per-second series holds the same iterations as the total.
  double per_tick = 0;
  if (const auto* iterations_series = r.series.find(sp::iterations.descriptor())) {
    for (const auto& row : iterations_series->rows) per_tick += std::get<sp::counter_point>(row.data).count;
  }
  CHECK(per_tick == static_cast<double>(r.complete_iterations()));
  CHECK(counter_sum(r, sp::iterations.descriptor()) == static_cast<double>(r.complete_iterations()));
}

TEST_CASE("constant_arrival_rate starts iterations at their intended times and drops what it cannot start") {
  sp::load_test test{.scenarios = {{.exec = [](sp::vu& u) -> sp::task<> { co_await u.sleep(50ms); },
                                    .executor = sp::constant_arrival_rate{.rate = 100, .time_unit = 1s,
                                                                          .duration = 500ms,
                                                                          .pre_allocated_vus = 2, .max_vus = 3}}}};
  const auto r = simulate(test, {.threads = 1});
  // 50 arrivals, one every 10 ms; each takes 50 ms, so 3 VUs carry at most 3 per 50 ms.
  const auto done = r.complete_iterations();
  const auto dropped = counter_sum(r, sp::dropped_iterations.descriptor());
  // Arrivals every 10 ms, each for 50 ms, on at most 3 VUs: in every 50 ms three start and
  // two are dropped (a VU that ends an iteration just as one is due takes it).
  CHECK(done == 30);
  CHECK(dropped == 20);
  CHECK(r.duration == 520ms);  // the arrival at 470 ms ends at 520 ms
  CHECK(trend_count(r, sp::iteration_start_delay.descriptor()) == done);
}

TEST_CASE("validation refuses a scenario whose start time, duration and graceful stop add up past max_test_duration") {
  using std::chrono::nanoseconds;
  const auto huge = nanoseconds{std::numeric_limits<std::int64_t>::max()};
  const auto test_with = [](sp::executor e, nanoseconds start_time, nanoseconds graceful_stop) {
    return sp::load_test{.scenarios = {{.name = "long", .exec = empty_iteration, .executor = std::move(e),
                                        .start_time = start_time, .graceful_stop = graceful_stop}}};
  };
  // Each alone within bounds, together past them (and past 2^63 ns without the check).
  CHECK_THROWS_WITH(sp::validate(test_with(sp::constant_vus{.duration = sp::max_test_duration}, 0s, 30s)),
                    "scenario \"long\": start_time (0s) + the executor's duration (876000h0m0s) + graceful_stop (30s) "
                    "must be at most 876000h0m0s (max_test_duration)");
  CHECK_THROWS_WITH(
      sp::validate(test_with(sp::constant_vus{.duration = sp::max_test_duration}, sp::max_test_duration, sp::max_test_duration)),
      Catch::Matchers::StartsWith("scenario \"long\": start_time (876000h0m0s) + the executor's duration"));
  CHECK_THROWS_WITH(sp::validate(test_with(sp::constant_vus{.duration = 1s}, huge, 0s)),
                    "scenario \"long\": start_time must be at most 876000h0m0s (max_test_duration), got 2562047h47m16.854775807s");
  CHECK_THROWS_WITH(sp::validate(test_with(sp::constant_vus{.duration = 1s}, 0s, huge)),
                    "scenario \"long\": graceful_stop must be at most 876000h0m0s (max_test_duration), got 2562047h47m16.854775807s");
  CHECK_NOTHROW(sp::validate(test_with(sp::constant_vus{.duration = sp::max_test_duration - 40s}, 10s, 30s)));
  auto slow_setup = test_with(sp::constant_vus{.duration = 1s}, 0s, 0s);
  slow_setup.setup_timeout = huge;
  CHECK_THROWS_WITH(sp::validate(slow_setup), "load_test::setup_timeout must be at most 876000h0m0s (max_test_duration), got "
                                              "2562047h47m16.854775807s");
}

TEST_CASE("validation names the scenario and the field") {
  CHECK_THROWS_WITH(sp::run(sp::load_test{}), Catch::Matchers::Contains("no scenarios"));
  sp::load_test dup{.scenarios = {{.name = "a", .exec = empty_iteration}, {.name = "a", .exec = empty_iteration}}};
  CHECK_THROWS_WITH(sp::run(dup), Catch::Matchers::Contains("scenario \"a\" is defined twice"));
  sp::load_test no_exec{.scenarios = {{.name = "b"}}};
  CHECK_THROWS_WITH(sp::run(no_exec), Catch::Matchers::Contains("scenario \"b\": exec is empty"));
  const sp::trend unknown{"login_time", sp::value_type::time};
  sp::load_test bad_threshold{.scenarios = {{.exec = empty_iteration}}, .thresholds = {unknown.p(95) < 1s}};
  CHECK_THROWS_WITH(sp::run(bad_threshold), Catch::Matchers::Contains("no metric login_time"));
  // Mistakes in thresholds reach the run's validation, which reports them before any VU starts.
  sp::load_test number_for_time{.scenarios = {{.exec = empty_iteration}}, .thresholds = {sp::http_req_duration.p(95) < 200}};
  CHECK_THROWS_WITH(sp::validate(number_for_time), Catch::Matchers::Contains("compare it with a duration such as 200ms"));
  CHECK_THROWS_AS(sp::run(number_for_time), sp::usage_error);
  sp::load_test k6_unknown{.scenarios = {{.exec = empty_iteration}}, .thresholds = {{"login_time", "p(95)<500"}}};
  CHECK_THROWS_WITH(sp::validate(k6_unknown), Catch::Matchers::Contains("unknown metric \"login_time\""));
  CHECK_THROWS_AS(sp::validate(sp::load_test{.scenarios = {{.exec = empty_iteration}},
                                             .thresholds = {{"http_req_duration", "p(95)<"}}}),
                  sp::parse_error);
}

TEST_CASE("a k6 threshold string names a custom metric listed once, in load_test::metrics") {
  const sp::trend login_time{"login_time", sp::value_type::time};
  sp::load_test test{.scenarios = {{.exec = [&login_time](sp::vu& u) -> sp::task<> {
                                      u.record(login_time, 300e6);  // 300 ms
                                      co_return;
                                    },
                                    .executor = sp::shared_iterations{.vus = 1, .iterations = 4}}},
                     .thresholds = {{"login_time", "p(95)<500"}, {"login_time", "max<200"}},
                     .metrics = {login_time}};
  sp::validate(test);
  const auto r = simulate(test, {.threads = 1});
  REQUIRE(r.thresholds.size() == 2);
  CHECK(r.thresholds[0].passed);
  CHECK(r.thresholds[0].description == "login_time p(95)<500");
  CHECK_FALSE(r.thresholds[1].passed);
  REQUIRE(r.thresholds[1].conditions.size() == 1);
  CHECK(r.thresholds[1].conditions[0].observed == 300e6);
  CHECK(r.exit_code() == 99);
}

TEST_CASE("vus keeps the steady count when the last ticks fall while VUs finish their last iteration") {
  // Four VUs for 500 ms whose iterations (150, 300, 450 and 600 ms) end at different times in
  // the graceful stop, with a tick every 100 ms: the ticks at 600 to 800 ms see one VU left.
  // k6's ticker, out of step with the scenarios, rarely lands there; ours would every time.
  sp::load_test test{.scenarios = {{.exec = [](sp::vu& u) -> sp::task<> {
                                      co_await u.sleep(150ms * static_cast<std::int64_t>(u.id_in_scenario()));
                                    },
                                    .executor = sp::constant_vus{.vus = 4, .duration = 500ms},
                                    .graceful_stop = 2s}}};
  const auto r = simulate(test, {.threads = 2, .tick = 100ms});
  CHECK(r.complete_iterations() == 4 + 2 + 2 + 1);
  for (const auto* m : {&sp::vus, &sp::vus_max}) {
    INFO(m->name());
    const auto* s = r.metrics.find(m->descriptor());
    REQUIRE(s != nullptr);
    const auto& g = std::get<sp::gauge_sink>(*s);
    CHECK(g.samples == 4);  // the ticks at 100 to 400 ms
    CHECK(g.value == 4);
    CHECK(g.min == 4);
    CHECK(g.max == 4);
  }
}

TEST_CASE("a run shorter than a tick reports the VUs that ran at once, not the none left at its end") {
  sp::load_test test{.scenarios = {{.exec = [](sp::vu& u) -> sp::task<> { co_await u.sleep(20ms); },
                                    .executor = sp::per_vu_iterations{.vus = 3, .iterations = 1}}}};
  const auto r = simulate(test, {.threads = 2});
  const auto& vus_sink = std::get<sp::gauge_sink>(*r.metrics.find(sp::vus.descriptor()));
  const auto& max_sink = std::get<sp::gauge_sink>(*r.metrics.find(sp::vus_max.descriptor()));
  CHECK(vus_sink.samples == 1);
  CHECK(vus_sink.value == 3);
  CHECK(max_sink.value == 3);
}

TEST_CASE("a ramping scenario on a manual time runs exactly the iterations its plan allows") {
  // Ten VUs ramp up over 1 s, hold for 1 s and ramp down over 1 s. Each iteration takes 33 ms,
  // which no VU's active time is a multiple of, so every VU completes the iterations that
  // start while it is wanted: its graceful ramp-down lets the last one finish.
  const sp::ramping_vus ramp{.start_vus = 0, .stages = {{1s, 10}, {1s, 10}, {1s, 0}}};
  // [manual-time]
  sp::load_test test{.scenarios = {{.exec = [](sp::vu& u) -> sp::task<> { co_await u.sleep(33ms); },
                                    .executor = ramp}}};  // 0 → 10 → 0 VUs over 3 s
  sp::manual_time time;
  const auto r = sp::run(test, {.threads = 2, .seed = 1, .keep_series = true, .time = &time});
  CHECK(r.complete_iterations() == 610);
  CHECK(r.duration == 3004ms);
  // [manual-time]

  // From the plan: VU k is wanted from when the level reaches k until it falls below k (the
  // last VU up is the first down).
  const sp::vu_plan plan{ramp};
  std::uint64_t expected = 0;
  std::chrono::nanoseconds last_end{0};
  for (std::int64_t k = 1; k <= plan.max_vus(); ++k) {
    std::chrono::nanoseconds t{0};
    while (plan.vus_at(t) < k) t = *plan.next_change(t);
    const auto from = t;
    while (plan.vus_at(t) >= k) t = plan.next_change(t).value_or(plan.duration());
    const auto iterations = (t - from + 33ms - 1ns) / 33ms;  // those starting in [from, t)
    expected += static_cast<std::uint64_t>(iterations);
    last_end = std::max(last_end, from + iterations * 33ms);
  }
  CHECK(expected == 88 + 82 + 76 + 70 + 64 + 58 + 52 + 46 + 40 + 34);
  CHECK(r.complete_iterations() == expected);
  CHECK(r.interrupted_iterations() == 0);
  CHECK(counter_sum(r, sp::iterations.descriptor()) == static_cast<double>(expected));
  CHECK(r.duration == last_end);  // VU 1's 88th iteration, from 100 ms
  const auto& vus_max_sink = std::get<sp::gauge_sink>(*r.metrics.find(sp::vus_max.descriptor()));
  CHECK(vus_max_sink.max == 10);
  // One row a second, whose iterations add up to the total.
  const auto* series = r.series.find(sp::iterations.descriptor());
  REQUIRE(series != nullptr);
  double per_tick = 0;
  for (const auto& row : series->rows) per_tick += std::get<sp::counter_point>(row.data).count;
  CHECK(per_tick == static_cast<double>(expected));
  // And the same again: a simulated run repeats exactly.
  const auto again = simulate(test, {.threads = 2});
  CHECK(again.complete_iterations() == expected);
  CHECK(again.duration == r.duration);
}

TEST_CASE("a setup that outlives its timeout on a manual time fails the run without waiting for it") {
  sp::load_test test{.scenarios = {{.exec = empty_iteration}},
                     .setup = [](sp::vu& u) -> sp::task<std::any> {
                       co_await u.sleep(1h);
                       co_return std::any{};
                     },
                     .setup_timeout = 10s};
  const auto r = simulate(test, {.threads = 1, .time_step = 10ms});
  CHECK(r.status == sp::run_status::setup_failed);
  CHECK(r.message == "setup did not finish within 10s");
  CHECK(r.complete_iterations() == 0);
}

TEST_CASE("a run keeps its per-tick series only when asked, so that a long run's memory stays flat") {
  sp::load_test test{.scenarios = {{.exec = [](sp::vu& u) -> sp::task<> { co_await u.sleep(100ms); },
                                    .executor = sp::constant_vus{.vus = 2, .duration = 3s}}}};
  const auto plain = simulate(test, {.threads = 1});
  CHECK(plain.series.intervals().empty());
  CHECK(plain.series.series().empty());
  const auto kept = simulate(test, {.threads = 1, .keep_series = true});
  CHECK(kept.series.intervals().size() == 3);
  REQUIRE(kept.series.find(sp::iterations.descriptor()) != nullptr);
  CHECK(kept.complete_iterations() == plain.complete_iterations());
}

TEST_CASE("a stop request during setup interrupts it: neither the scenarios nor teardown run") {
  sp::run_control control;
  bool teardown_ran = false;
  sp::load_test test{.scenarios = {{.exec = empty_iteration}},
                     .setup = [&control](sp::vu& u) -> sp::task<std::any> {
                       control.request_stop();  // as a signal would, while setup waits
                       co_await u.sleep(1h);
                       co_return std::any{};
                     },
                     .teardown = [&teardown_ran](sp::vu&) -> sp::task<> {
                       teardown_ran = true;
                       co_return;
                     }};
  const auto r = simulate(test, {.threads = 1, .control = &control});
  CHECK(r.status == sp::run_status::interrupted);
  CHECK(r.exit_code() == 105);
  CHECK(r.message == "stopped on request during setup; the scenarios and teardown did not run");
  CHECK(r.complete_iterations() == 0);
  CHECK_FALSE(teardown_ran);
}

TEST_CASE("teardown runs to its end after one stop request and is cut short by a second") {
  for (const int requests : {1, 2}) {
    INFO(requests << " stop request(s) during teardown");
    sp::run_control control;
    bool teardown_finished = false;
    sp::load_test test{.scenarios = {{.exec = empty_iteration, .executor = sp::shared_iterations{.vus = 1, .iterations = 3}}},
                       .teardown = [&control, &teardown_finished, requests](sp::vu& u) -> sp::task<> {
                         for (int i = 0; i < requests; ++i) control.request_stop();
                         co_await u.sleep(10s);
                         teardown_finished = true;
                       }};
    const auto r = simulate(test, {.threads = 1, .control = &control});
    CHECK(r.status == sp::run_status::interrupted);
    CHECK(r.exit_code() == 105);
    CHECK(r.complete_iterations() == 3);
    CHECK(teardown_finished == (requests == 1));
    CHECK(r.message == (requests == 1 ? "stopped on request after the scenarios ended; teardown ran to its end"
                                      : "stopped at once on a second request, during teardown"));
  }
}

namespace {

// Writes down what a run tells it.
class recording_observer : public sp::run_observer {
 public:
  std::vector<std::string> calls;
  std::vector<std::pair<std::chrono::nanoseconds, std::chrono::nanoseconds>> spans;
  double iterations = 0;
  std::uint64_t complete_at_end = 0;

  void on_start(const sp::load_test& test, const sp::execution_tuple& /*part*/) override { calls.push_back("start " + test.scenarios.at(0).name); }
  void on_tick(const sp::snapshot& delta, const sp::run_progress& progress) override {
    calls.push_back(progress.ended ? "last tick" : "tick");
    spans.emplace_back(delta.start(), delta.end());
    if (const auto* s = delta.find(sp::iterations.descriptor())) iterations += std::get<sp::counter_sink>(*s).sum;
    if (progress.ended) complete_at_end = progress.complete;
  }
  void on_end(const sp::result& r) override { calls.push_back("end " + std::string{to_string(r.status)}); }
};

class failing_observer : public sp::run_observer {
 public:
  int ticks = 0;
  void on_tick(const sp::snapshot&, const sp::run_progress&) override {
    if (++ticks == 2) throw std::runtime_error("disk full");
  }
};

}  // namespace

TEST_CASE("observers see the start, every tick's delta in order and the end; one that throws is detached") {
  recording_observer seen;
  failing_observer failing;
  sp::load_test test{.scenarios = {{.name = "watched",
                                    .exec = [](sp::vu& u) -> sp::task<> { co_await u.sleep(100ms); },
                                    .executor = sp::constant_vus{.vus = 2, .duration = 3500ms}}}};
  const auto r = simulate(test, {.threads = 2, .observers = {&failing, &seen}});
  CHECK(seen.calls == std::vector<std::string>{"start watched", "tick", "tick", "tick", "last tick", "end finished"});
  // Contiguous deltas from 0 to the end: together they hold every sample.
  REQUIRE(seen.spans.size() == 4);
  CHECK(seen.spans.front().first == 0ns);
  for (std::size_t i = 1; i < seen.spans.size(); ++i) CHECK(seen.spans[i].first == seen.spans[i - 1].second);
  CHECK(seen.spans.back().second == r.duration);
  CHECK(seen.iterations == static_cast<double>(r.complete_iterations()));
  CHECK(seen.complete_at_end == r.complete_iterations());
  CHECK(r.complete_iterations() == 2 * 35);
  // The failing observer saw two ticks, then was dropped; the run went on.
  CHECK(failing.ticks == 2);
  CHECK(r.status == sp::run_status::finished);
  CHECK(r.errors.empty());  // no iteration failed
  CHECK(r.output_errors == std::vector<std::string>{"an observer failed in on_tick and was detached: disk full"});
  CHECK(r.summary().find("output errors: 1\n       an observer failed in on_tick and was detached: disk full\n") !=
        std::string::npos);
}
