// The runner end to end on real threads and timers, without a network: executors' pacing,
// graceful stops, interrupts, errors, checks, groups, setup/teardown and stop requests.
#include <stampede/exec/metrics.hpp>
#include <stampede/exec/runner.hpp>

#include "support/catch_compat.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

sp::task<> empty_iteration(sp::vu&) { co_return; }

double counter_value(const sp::result& r, const sp::metric_descriptor& m) {
  const auto* s = r.metrics.find(m);
  REQUIRE(s != nullptr);
  return std::get<sp::counter_sink>(*s).sum;
}

std::uint64_t trend_count(const sp::result& r, const sp::metric_descriptor& m) {
  const auto* s = r.metrics.find(m);
  REQUIRE(s != nullptr);
  return std::get<sp::trend_sink>(*s).samples.count();
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
  const auto r = sp::run(test, {.threads = 2, .seed = 1});
  CHECK(calls.load() == 35);
  CHECK(r.complete_iterations() == 35);
  CHECK(r.interrupted_iterations() == 0);
  CHECK(counter_value(r, sp::iterations.descriptor()) == 35);
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
  const auto r = sp::run(test, {.threads = 2, .seed = 1});
  CHECK(calls.load() == 100);
  CHECK(r.complete_iterations() == 100);
}

TEST_CASE("constant_vus loops for its duration and interrupts iterations past the graceful stop") {
  sp::load_test test{.scenarios = {{.exec = [](sp::vu& u) -> sp::task<> { co_await u.sleep(200ms); },
                                    .executor = sp::constant_vus{.vus = 4, .duration = 500ms},
                                    .graceful_stop = 0s}}};
  const auto start = std::chrono::steady_clock::now();
  const auto r = sp::run(test, {.threads = 2, .seed = 1});
  const auto took = std::chrono::steady_clock::now() - start;
  // Each VU completes two 200 ms iterations in 500 ms and is interrupted in its third.
  CHECK(r.complete_iterations() == 8);
  CHECK(r.interrupted_iterations() == 4);
  CHECK(took < 2s);
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
                                    .executor = sp::constant_vus{.vus = 2, .duration = 200ms}}}};
  const auto start = std::chrono::steady_clock::now();
  const auto r = sp::run(test, {.threads = 1, .seed = 1});
  CHECK(std::chrono::steady_clock::now() - start < 5s);
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
  const auto r = sp::run(test, {.threads = 1, .seed = 1});
  CHECK(r.complete_iterations() == 6);
  CHECK(r.interrupted_iterations() == 0);
}

TEST_CASE("an exception escaping an iteration is counted with its message and the VU goes on") {
  sp::load_test test{.scenarios = {{.exec = [](sp::vu& u) -> sp::task<> {
                                      if (u.iteration() % 2 == 1) throw std::runtime_error("odd iteration");
                                      co_return;
                                    },
                                    .executor = sp::per_vu_iterations{.vus = 2, .iterations = 4}}}};
  const auto r = sp::run(test, {.threads = 1, .seed = 1});
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
  const auto r = sp::run(test, {.threads = 1, .seed = 1});
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
  const auto r = sp::run(test, {.threads = 2, .seed = 1});
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
  const auto r = sp::run(test, {.threads = 1, .seed = 1});
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
  const auto start = std::chrono::steady_clock::now();
  const auto r = sp::run(test, {.threads = 1, .seed = 1});
  CHECK(std::chrono::steady_clock::now() - start < 5s);
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
  const auto start = std::chrono::steady_clock::now();
  const auto r = sp::run(test, {.threads = 1, .seed = 1});
  CHECK(std::chrono::steady_clock::now() - start < 5s);
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
  const auto r = sp::run(test, {.threads = 1, .seed = 1});
  CHECK(r.status == sp::run_status::test_aborted);
  CHECK(r.message == "last one");
  CHECK(r.exit_code() == 108);
}

TEST_CASE("a stop request ends a long test gracefully and keeps what was gathered") {
  sp::run_control control;
  sp::load_test test{.scenarios = {{.exec = [](sp::vu& u) -> sp::task<> { co_await u.sleep(5ms); },
                                    .executor = sp::constant_vus{.vus = 3, .duration = 1h}}}};
  std::thread stopper([&control] {
    std::this_thread::sleep_for(300ms);
    control.request_stop();
  });
  const auto r = sp::run(test, {.threads = 2, .seed = 1, .control = &control});
  stopper.join();
  CHECK(r.status == sp::run_status::interrupted);
  CHECK(r.exit_code() == 105);
  // The per-second series holds the same iterations as the total.
  double per_tick = 0;
  if (const auto* iterations_series = r.series.find(sp::iterations.descriptor())) {
    for (const auto& row : iterations_series->rows) per_tick += std::get<sp::counter_point>(row.data).count;
  }
  CHECK(per_tick == static_cast<double>(r.complete_iterations()));
  CHECK(r.complete_iterations() > 10);
  CHECK(counter_value(r, sp::iterations.descriptor()) == static_cast<double>(r.complete_iterations()));
}

TEST_CASE("constant_arrival_rate starts iterations at their intended times and drops what it cannot start") {
  sp::load_test test{.scenarios = {{.exec = [](sp::vu& u) -> sp::task<> { co_await u.sleep(50ms); },
                                    .executor = sp::constant_arrival_rate{.rate = 100, .time_unit = 1s,
                                                                          .duration = 500ms,
                                                                          .pre_allocated_vus = 2, .max_vus = 3}}}};
  const auto r = sp::run(test, {.threads = 1, .seed = 1});
  // 50 arrivals, one every 10 ms; each takes 50 ms, so 3 VUs carry at most 3 per 50 ms.
  const auto done = r.complete_iterations();
  const auto dropped = counter_value(r, sp::dropped_iterations.descriptor());
  CHECK(done + static_cast<std::uint64_t>(dropped) == 50);
  CHECK(done <= 33);
  CHECK(dropped >= 17);
  CHECK(trend_count(r, sp::iteration_start_delay.descriptor()) == done);
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
  const auto r = sp::run(test, {.threads = 1, .seed = 1});
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
  const auto r = sp::run(test, {.threads = 2, .seed = 1, .tick = 100ms});
  CHECK(r.complete_iterations() == 4 + 2 + 2 + 1);
  for (const auto* m : {&sp::vus, &sp::vus_max}) {
    INFO(m->name());
    const auto* s = r.metrics.find(m->descriptor());
    REQUIRE(s != nullptr);
    const auto& g = std::get<sp::gauge_sink>(*s);
    CHECK(g.samples >= 1);  // the ticks at 100 to 400 ms, unless the machine is very busy
    CHECK(g.value == 4);
    CHECK(g.min == 4);
    CHECK(g.max == 4);
  }
}

TEST_CASE("a run shorter than a tick reports the VUs that ran at once, not the none left at its end") {
  sp::load_test test{.scenarios = {{.exec = [](sp::vu& u) -> sp::task<> { co_await u.sleep(20ms); },
                                    .executor = sp::per_vu_iterations{.vus = 3, .iterations = 1}}}};
  const auto r = sp::run(test, {.threads = 2, .seed = 1});
  const auto& vus_sink = std::get<sp::gauge_sink>(*r.metrics.find(sp::vus.descriptor()));
  const auto& max_sink = std::get<sp::gauge_sink>(*r.metrics.find(sp::vus_max.descriptor()));
  CHECK(vus_sink.samples == 1);
  CHECK(vus_sink.value == 3);
  CHECK(max_sink.value == 3);
}
