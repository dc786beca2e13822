// Scenario timing on a manual clock: start_time, ramp-up and ramp-down at the plan's times,
// graceful_ramp_down and graceful_stop, and which iterations count as interrupted. Every time
// asserted here is exact: the test moves the engine's clock and nothing sleeps.
#include "support/catch_compat.hpp"
#include "support/manual_shard.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;
using std::chrono::nanoseconds;

namespace {

// What each iteration did, in the order they ended.
struct iteration_record {
  std::string scenario;
  std::uint64_t vu = 0;  // id in the scenario
  nanoseconds start{};
  nanoseconds end{};
  bool interrupted = false;
};
using iteration_log = std::vector<iteration_record>;

// An iteration that sleeps `d` and logs itself, also when it is interrupted.
sp::exec_fn sleeping(std::shared_ptr<iteration_log> log, nanoseconds d) {
  return [log, d](sp::vu& u) -> sp::task<> {
    const auto start = u.elapsed();
    try {
      co_await u.sleep(d);
    } catch (const std::system_error&) {
      log->push_back({u.scenario(), u.id_in_scenario(), start, u.elapsed(), true});
      throw;
    }
    log->push_back({u.scenario(), u.id_in_scenario(), start, u.elapsed(), false});
  };
}

std::vector<iteration_record> of_vu(const iteration_log& log, std::uint64_t vu) {
  std::vector<iteration_record> out;
  std::copy_if(log.begin(), log.end(), std::back_inserter(out), [vu](const auto& r) { return r.vu == vu; });
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
  return out;
}

}  // namespace

TEST_CASE("a scenario with a start_time starts its first iteration at that time") {
  auto log = std::make_shared<iteration_log>();
  sp::testing::manual_shard shard{sp::load_test{
      .scenarios = {{.name = "early", .exec = sleeping(log, 300ms), .executor = sp::per_vu_iterations{.vus = 1, .iterations = 1}},
                    {.name = "late",
                     .exec = sleeping(log, 500ms),
                     .executor = sp::per_vu_iterations{.vus = 2, .iterations = 2},
                     .start_time = 2s}}}};
  shard.start();
  shard.advance_to(1990ms);
  CHECK(shard.scenario(0).started.load());
  CHECK_FALSE(shard.scenario(1).started.load());
  REQUIRE(log->size() == 1);  // only the early scenario's iteration, 0 to 300 ms
  CHECK(log->front().start == 0ms);
  CHECK(log->front().end == 300ms);

  const auto finished = shard.run_until_done(10s);
  CHECK(shard.scenario(1).started.load());
  for (const std::uint64_t vu : {1U, 2U}) {
    const auto late = of_vu(*log, vu);
    const auto first = std::find_if(late.begin(), late.end(), [](const auto& r) { return r.scenario == "late"; });
    REQUIRE(first != late.end());
    CHECK(first->start == 2s);
    CHECK(first->end == 2500ms);
    REQUIRE(std::next(first) != late.end());
    CHECK(std::next(first)->start == 2500ms);
  }
  CHECK(shard.scenario(1).complete.load() == 4);
  REQUIRE(finished);
  CHECK(*finished == 3s);
}

TEST_CASE("ramping_vus starts and stops VUs at the plan's times and lets ramped-down VUs finish") {
  // 0 → 4 VUs over 4 s, then 4 → 0 over 4 s: VU k starts at k s and is ramped down at
  // (9 − k) s, in the middle of a 400 ms iteration (the default graceful_ramp_down is 30 s).
  auto log = std::make_shared<iteration_log>();
  sp::testing::manual_shard shard{sp::load_test{
      .scenarios = {{.exec = sleeping(log, 400ms), .executor = sp::ramping_vus{.start_vus = 0, .stages = {{4s, 4}, {4s, 0}}}}}}};
  shard.start();
  const std::int64_t active_at_half_seconds[] = {0, 1, 2, 3, 4, 3, 2, 1};
  for (int s = 0; s < 8; ++s) {
    shard.advance_to(std::chrono::seconds{s} + 500ms);
    INFO("at " << s << ".5 s");
    CHECK(shard.scenario(0).active.load() == active_at_half_seconds[s]);
  }
  const auto finished = shard.run_until_done(60s);

  std::uint64_t total = 0;
  for (std::uint64_t k = 1; k <= 4; ++k) {
    INFO("VU " << k);
    const auto its = of_vu(*log, k);
    REQUIRE(!its.empty());
    const auto up = std::chrono::seconds{k};
    const auto down = std::chrono::seconds{9 - k};
    CHECK(its.front().start == up);
    // It keeps iterating until ramped down, then finishes the iteration it is in (200 ms in)
    // and starts no other.
    CHECK(its.back().start == down - 200ms);
    CHECK(its.back().end == down + 200ms);
    CHECK(std::none_of(its.begin(), its.end(), [](const auto& r) { return r.interrupted; }));
    CHECK(its.size() == static_cast<std::size_t>((down - up) / 400ms) + 1);
    total += its.size();
  }
  CHECK(shard.scenario(0).complete.load() == total);
  CHECK(shard.scenario(0).interrupted.load() == 0);
  REQUIRE(finished);
  CHECK(*finished == 8200ms);  // VU 1's last iteration, within the graceful stop
}

TEST_CASE("a VU ramped down mid-iteration gets graceful_ramp_down to finish, then is interrupted") {
  struct row {
    nanoseconds iteration;
    nanoseconds vu2_end;
    bool vu2_interrupted;
  };
  // Two VUs, one ramped down at 2 s with 500 ms of grace; VU 2 is 2 s into its first iteration.
  for (const auto& r : {row{3s, 2500ms, true}, row{2300ms, 2300ms, false}}) {
    INFO("iterations of " << r.iteration.count() << " ns");
    auto log = std::make_shared<iteration_log>();
    sp::testing::manual_shard shard{sp::load_test{
        .scenarios = {{.exec = sleeping(log, r.iteration),
                       .executor = sp::ramping_vus{.start_vus = 2,
                                                   .stages = {{1s, 2}, {1s, 1}, {2s, 1}},
                                                   .graceful_ramp_down = 500ms}}}}};
    shard.start();
    shard.advance_to(2200ms);
    CHECK(shard.scenario(0).active.load() == 2);  // VU 2 ramped down at 2 s, in its grace
    const auto finished = shard.run_until_done(60s);

    const auto vu2 = of_vu(*log, 2);
    REQUIRE(vu2.size() == 1);  // and no iteration after it
    CHECK(vu2[0].start == 0s);
    CHECK(vu2[0].end == r.vu2_end);
    CHECK(vu2[0].interrupted == r.vu2_interrupted);
    CHECK(shard.scenario(0).interrupted.load() == (r.vu2_interrupted ? 1U : 0U));
    // VU 1 runs to the scenario's end at 4 s and finishes that iteration in the graceful stop.
    const auto vu1 = of_vu(*log, 1);
    REQUIRE(!vu1.empty());
    CHECK(vu1.back().start < 4s);
    CHECK(vu1.back().end == vu1.back().start + r.iteration);
    CHECK_FALSE(vu1.back().interrupted);
    CHECK(shard.scenario(0).complete.load() == vu1.size() + (r.vu2_interrupted ? 0U : 1U));
    REQUIRE(finished);
    CHECK(*finished == vu1.back().end);
  }
}

TEST_CASE("graceful_ramp_down of 0 interrupts a ramped-down VU at once") {
  auto log = std::make_shared<iteration_log>();
  sp::testing::manual_shard shard{sp::load_test{
      .scenarios = {{.exec = sleeping(log, 3s),
                     .executor = sp::ramping_vus{.start_vus = 2, .stages = {{1s, 2}, {1s, 1}, {2s, 1}},
                                                 .graceful_ramp_down = 0s}}}}};
  shard.start();
  shard.run_until_done(60s);
  const auto vu2 = of_vu(*log, 2);
  REQUIRE(vu2.size() == 1);
  CHECK(vu2[0].end == 2s);
  CHECK(vu2[0].interrupted);
  CHECK(shard.scenario(0).interrupted.load() == 1);
}

TEST_CASE("graceful_stop lets constant_vus iterations finish after the duration and interrupts them after it") {
  struct row {
    nanoseconds iteration;
    std::uint64_t complete;
    std::uint64_t interrupted;
    nanoseconds finished;
  };
  // Two VUs for 1 s with a 500 ms graceful stop: each VU's second iteration starts at
  // `iteration` and ends inside the graceful stop (at 1.4 s) or past it (interrupted at 1.5 s).
  for (const auto& r : {row{700ms, 4, 0, 1400ms}, row{800ms, 2, 2, 1500ms}}) {
    INFO("iterations of " << r.iteration.count() << " ns");
    auto log = std::make_shared<iteration_log>();
    sp::testing::manual_shard shard{sp::load_test{.scenarios = {{.exec = sleeping(log, r.iteration),
                                                                 .executor = sp::constant_vus{.vus = 2, .duration = 1s},
                                                                 .graceful_stop = 500ms}}}};
    shard.start();
    const auto finished = shard.run_until_done(60s);
    CHECK(shard.scenario(0).complete.load() == r.complete);
    CHECK(shard.scenario(0).interrupted.load() == r.interrupted);
    REQUIRE(log->size() == 4);
    for (const auto& it : *log) {
      CHECK(it.start < 1s);  // none starts after the duration
      CHECK(it.end == std::min(it.start + r.iteration, nanoseconds{1500ms}));
      CHECK(it.interrupted == (it.end == 1500ms && it.start + r.iteration > 1500ms));
    }
    REQUIRE(finished);
    CHECK(*finished == r.finished);
  }
}

TEST_CASE("a graceful stop request ends a scenario early with its graceful_stop") {
  auto log = std::make_shared<iteration_log>();
  sp::testing::manual_shard shard{sp::load_test{.scenarios = {{.exec = sleeping(log, 1s),
                                                               .executor = sp::constant_vus{.vus = 1, .duration = 1h},
                                                               .graceful_stop = 300ms}}}};
  shard.start();
  shard.advance_to(2500ms);
  shard.stop(sp::detail::stop_kind::graceful);
  const auto finished = shard.run_until_done(1h);
  REQUIRE(log->size() == 3);
  CHECK_FALSE((*log)[1].interrupted);
  CHECK((*log)[2].start == 2s);
  CHECK((*log)[2].end == 2800ms);  // the stop at 2.5 s plus 300 ms
  CHECK((*log)[2].interrupted);
  REQUIRE(finished);
  CHECK(*finished == 2800ms);
}
