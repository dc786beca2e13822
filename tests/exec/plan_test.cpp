// Tests of the plans from tables, as vegeta tests its pacers: VUs over time for constant_vus
// and ramping_vus (k6's getRawExecutionSteps), iteration start times for the arrival-rate
// executors (k6's ConstantArrivalRate.Run and RampingArrivalRateConfig.cal), and the seeded
// Poisson schedule.
#include <stampede/exec/plan.hpp>

#include "support/catch_compat.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;
using std::chrono::nanoseconds;

namespace {

struct vus_row {
  nanoseconds t;
  std::int64_t vus;
};

void check_vus(const sp::vu_plan& plan, const std::vector<vus_row>& rows) {
  for (const auto& r : rows) {
    INFO("t = " << r.t.count() << "ns");
    CHECK(plan.vus_at(r.t) == r.vus);
  }
}

/// Every change next_change reports from `from` on, until it reports none.
std::vector<nanoseconds> walk_changes(const sp::vu_plan& plan, nanoseconds from) {
  std::vector<nanoseconds> out;
  for (auto t = plan.next_change(from); t; t = plan.next_change(*t)) {
    out.push_back(*t);
    if (out.size() > 10'000) break;  // a bug would loop forever
  }
  return out;
}

}  // namespace

TEST_CASE("constant_vus keeps its VUs for the duration and 0 outside it") {
  const sp::vu_plan plan{sp::constant_vus{.vus = 10, .duration = 10s}};
  check_vus(plan, {{-1ns, 0}, {0s, 10}, {5s, 10}, {10s - 1ns, 10}, {10s, 0}, {1h, 0}});
  CHECK(plan.duration() == 10s);
  CHECK(plan.max_vus() == 10);
  CHECK(walk_changes(plan, -1ns) == std::vector<nanoseconds>{0s, 10s});
  CHECK(plan.next_change(3s) == 10s);
  CHECK(plan.next_change(10s) == std::nullopt);
}

TEST_CASE("ramping_vus reaches each stage target at the stage's end") {
  // k6's TestRampingVUsGetRawExecutionStepsCornerCases, "up down up down".
  const sp::vu_plan plan{
      sp::ramping_vus{.start_vus = 0, .stages = {{2s, 2}, {2s, 0}, {2s, 2}, {2s, 0}}}};
  check_vus(plan, {{0s, 0},
                   {1s - 1ns, 0},
                   {1s, 1},
                   {2s - 1ns, 1},
                   {2s, 2},
                   {3s, 1},
                   {4s - 1ns, 1},
                   {4s, 0},
                   {5s, 1},
                   {6s, 2},
                   {7s, 1},
                   {8s - 1ns, 1},
                   {8s, 0}});
  CHECK(walk_changes(plan, 0s) == std::vector<nanoseconds>{1s, 2s, 3s, 4s, 5s, 6s, 7s, 8s});
  CHECK(plan.next_change(-1ns) == 1s);  // 0 VUs at the start is no change
  CHECK(plan.next_change(2500ms) == 3s);
  CHECK(plan.next_change(8s) == std::nullopt);
  CHECK(plan.duration() == 8s);
  CHECK(plan.max_vus() == 2);
}

TEST_CASE("ramping_vus truncates the linear level towards the stage's start, as k6 does") {
  SECTION("ramping up: the next VU comes when the line reaches it") {
    const sp::vu_plan plan{sp::ramping_vus{.start_vus = 0, .stages = {{10s, 3}}}};
    // Level v at ceil(10s·v/3): 3333333334ns, 6666666667ns, then the end.
    check_vus(plan, {{3333333333ns, 0},
                     {3333333334ns, 1},
                     {6666666666ns, 1},
                     {6666666667ns, 2},
                     {10s - 1ns, 2},
                     {10s, 0}});
    CHECK(walk_changes(plan, 0s) == std::vector<nanoseconds>{3333333334ns, 6666666667ns, 10s});
  }
  SECTION("ramping down: a VU goes when the line reaches the level below") {
    const sp::vu_plan plan{sp::ramping_vus{.start_vus = 3, .stages = {{10s, 0}}}};
    check_vus(plan, {{0s, 3},
                     {3333333333ns, 3},
                     {3333333334ns, 2},
                     {6666666667ns, 1},
                     {10s - 1ns, 1},
                     {10s, 0}});
    CHECK(walk_changes(plan, -5s) == std::vector<nanoseconds>{0s, 3333333334ns, 6666666667ns, 10s});
  }
  SECTION("more VUs than nanoseconds: several start at once") {
    const sp::vu_plan plan{sp::ramping_vus{.start_vus = 0, .stages = {{1us, 2000}}}};
    CHECK(plan.next_change(0ns) == 1ns);
    CHECK(plan.vus_at(1ns) == 2);
    CHECK(plan.vus_at(500ns) == 1000);
  }
  SECTION("long stages with many VUs do not overflow") {
    const sp::vu_plan plan{sp::ramping_vus{.start_vus = 0, .stages = {{1h, 100'000'000}}}};
    CHECK(plan.vus_at(30min) == 50'000'000);
    CHECK(plan.next_change(30min) == 30min + 36us);  // one VU per 36 µs
    CHECK(plan.vus_at(1h - 1ns) == 99'999'999);
  }
}

TEST_CASE("ramping_vus holds, jumps on zero-length stages and ends at 0") {
  const sp::vu_plan plan{sp::ramping_vus{.start_vus = 0,
                                         .stages = sp::ramp_to(10, 10s) >> sp::hold(5s) >>
                                                   sp::jump_to(3) >> sp::ramp_to(0, 3s) >>
                                                   sp::jump_to(8) >> sp::hold(2s)}};
  check_vus(plan, {{0s, 0},
                   {1s, 1},
                   {9500ms, 9},
                   {10s, 10},
                   {15s - 1ns, 10},
                   {15s, 3},
                   {16s, 2},
                   {17s, 1},
                   {18s - 1ns, 1},
                   {18s, 8},
                   {20s - 1ns, 8},
                   {20s, 0}});
  CHECK(walk_changes(plan, 0s) ==
        std::vector<nanoseconds>{1s, 2s, 3s, 4s, 5s, 6s, 7s, 8s, 9s, 10s, 15s, 16s, 17s, 18s, 20s});
  CHECK(plan.max_vus() == 10);
  CHECK(plan.duration() == 20s);
}

TEST_CASE("ramping_vus starts from start_vus and jumps at time 0 when the first stage is empty") {
  // k6's "going up then down straight away": start 2, jump to 5, ramp to 3 over 2s.
  const sp::vu_plan plan{sp::ramping_vus{.start_vus = 2, .stages = {{0s, 5}, {2s, 3}}}};
  check_vus(plan, {{0s, 5}, {1s - 1ns, 5}, {1s, 4}, {2s - 1ns, 4}, {2s, 0}});
  CHECK(walk_changes(plan, -1ns) == std::vector<nanoseconds>{0s, 1s, 2s});
  CHECK(plan.max_vus() == 5);

  const sp::vu_plan held{
      sp::ramping_vus{.start_vus = 4, .stages = sp::hold(3s) >> sp::ramp_to(6, 2s)}};
  check_vus(held, {{0s, 4}, {3s, 4}, {4s, 5}, {5s, 0}});
  CHECK(walk_changes(held, 0s) == std::vector<nanoseconds>{4s, 5s});
}

TEST_CASE("between the changes next_change reports, the VU count does not change") {
  const sp::vu_plan plan{sp::ramping_vus{
      .start_vus = 1, .stages = {{7s, 13}, {0s, 2}, {3s, 11}, {5s}, {11s, 0}, {1s, 4}}}};
  auto t = -1ns;
  std::int64_t level = plan.vus_at(t);
  for (auto next = plan.next_change(t); next; next = plan.next_change(t)) {
    INFO("change at " << next->count() << "ns");
    REQUIRE(*next > t);
    CHECK(plan.vus_at(*next - 1ns) == level);
    CHECK(plan.vus_at(*next) != level);
    t = *next;
    level = plan.vus_at(t);
  }
  CHECK(t == plan.duration());
  CHECK(level == 0);
}

TEST_CASE("constant_arrival_rate starts iteration i at i·time_unit/rate, the first at 0") {
  struct row {
    sp::constant_arrival_rate e;
    std::uint64_t i;
    std::optional<nanoseconds> start;
  };
  const sp::constant_arrival_rate fast{.rate = 50'000, .duration = 10s, .pre_allocated_vus = 1};
  const std::vector<row> rows = {
      {fast, 0, 0ns},
      {fast, 1, 20us},
      {fast, 250'000, 5s},
      {fast, 499'999, 9'999'980'000ns},  // exact to the nanosecond: no drift
      {fast, 500'000, std::nullopt},     // due at the end: not part of the plan
      {{.rate = 3, .duration = 2s, .pre_allocated_vus = 1}, 1, 333'333'333ns},
      {{.rate = 3, .duration = 2s, .pre_allocated_vus = 1},
       3,
       1s},  // k6 rounds the period first: 999999999ns
      {{.rate = 3, .duration = 2s, .pre_allocated_vus = 1}, 5, 1'666'666'666ns},
      {{.rate = 0.5, .duration = 10s, .pre_allocated_vus = 1}, 4, 8s},
      {{.rate = 0.5, .duration = 10s, .pre_allocated_vus = 1}, 5, std::nullopt},
      {{.rate = 2.5, .duration = 10s, .pre_allocated_vus = 1}, 5, 2s},
      {{.rate = 200, .time_unit = 1min, .duration = 1min, .pre_allocated_vus = 1}, 7, 2100ms},
  };
  for (const auto& r : rows) {
    INFO("rate " << r.e.rate << ", iteration " << r.i);
    CHECK(sp::arrival_plan{r.e}.start_of(r.i) == r.start);
  }
  const sp::arrival_plan plan{fast};
  CHECK(plan.due_before(10s) == 500'000);
  CHECK(plan.due_before(1h) == 500'000);
  CHECK(plan.due_before(1s) == 50'000);
  CHECK(plan.due_before(1ns) == 1);
  CHECK(plan.due_before(0s) == 0);
  CHECK(plan.rate_at(5s) == 50'000.0);
  CHECK(plan.rate_at(10s) == 0.0);
  CHECK(plan.expected_iterations() == 500'000.0);
  CHECK(plan.duration() == 10s);

  // The same rate held by ramping_arrival_rate: the first iteration a period in (area 1), and
  // no drift either.
  const sp::arrival_plan held{
      sp::ramping_arrival_rate{.start_rate = 50'000, .stages = {{10s}}, .pre_allocated_vus = 1}};
  CHECK(held.start_of(0) == 20us);
  CHECK(held.start_of(499'998) == 9'999'980'000ns);
  CHECK(held.start_of(499'999) == std::nullopt);
  CHECK(held.due_before(10s) == 499'999);
}

TEST_CASE("ramping_arrival_rate starts iteration i where the rate's integral reaches i + 1") {
  // k6's TestRampingArrivalRateCal: 0 → 1/s over 5s, 1/s for 1s, 1/s → 0 over 5s.
  const sp::ramping_arrival_rate e{
      .start_rate = 0, .stages = {{5s, 1}, {1s, 1}, {5s, 0}}, .pre_allocated_vus = 1};
  const sp::arrival_plan plan{e};
  struct row {
    std::uint64_t i;
    nanoseconds start;  // k6's expectations to the millisecond, here to the nanosecond
  };
  const row rows[] = {
      {0, 3'162'277'660ns},  // sqrt(10) s: the first iteration is not at 0
      {1, 4'472'135'954ns},  // sqrt(20) s
      {2, 5'500'000'000ns},  // exact, in the constant stage
      {3, 6'527'864'045ns},  // 6 s + (5 − sqrt(20)) s
      {4, 7'837'722'339ns},  // 6 s + (5 − sqrt(10)) s
  };
  for (const auto& r : rows) {
    INFO("iteration " << r.i);
    const auto start = plan.start_of(r.i);
    REQUIRE(start);
    CHECK(*start >= r.start - 1ns);
    CHECK(*start <= r.start + 1ns);
  }
  CHECK(plan.start_of(2) == 5500ms);
  // The sixth is due exactly at the end (k6's cal emits it at 11s, racing the end): left out.
  CHECK(plan.start_of(5) == std::nullopt);
  CHECK(plan.due_before(plan.duration()) == 5);
  CHECK(plan.duration() == 11s);
  CHECK(std::abs(plan.expected_iterations() - 6.0) < 1e-9);

  // k6's same table with timeUnit = 1s/3 (333333333ns, so slightly more than 3× as fast): 18
  // iterations, the last just before the end.
  auto faster = e;
  faster.time_unit = 333'333'333ns;
  const sp::arrival_plan fast_plan{faster};
  const std::int64_t k6_ms[] = {1825, 2581, 3162, 3651, 4082, 4472, 4830, 5166, 5499,
                                5833, 6169, 6527, 6917, 7348, 7837, 8418, 9174, 10999};
  for (std::uint64_t i = 0; i < 18; ++i) {
    INFO("iteration " << i);
    const auto start = fast_plan.start_of(i);
    REQUIRE(start);
    CHECK(std::chrono::duration_cast<std::chrono::milliseconds>(*start).count() == k6_ms[i]);
  }
  CHECK(fast_plan.start_of(18) == std::nullopt);
}

TEST_CASE("ramping_arrival_rate handles zero-length stages and stages to and from rate 0") {
  const sp::ramping_arrival_rate e{.start_rate = 0,
                                   .stages = sp::jump_to(10) >> sp::hold(1s) >> sp::jump_to(0) >>
                                             sp::hold(2s) >> sp::ramp_to(20, 1s) >>
                                             sp::ramp_to(0, 1s),
                                   .pre_allocated_vus = 1};
  const sp::arrival_plan plan{e};
  struct row {
    std::uint64_t i;
    std::optional<nanoseconds> start;
  };
  const row rows[] = {
      {0, 100ms},  // 10/s from the start: area 1 at 0.1 s
      {8, 900ms},
      {9, 1s},                // area 10 exactly at the end of the stage: it belongs to the stage
      {10, 3'316'227'766ns},  // rate 0 for 2 s, then from 0 towards 20/s: 3 s + sqrt(0.1) s
      {19, 4s},               // the top of the ramp
      {20, 4'051'316'701ns},  // ramping down: 5 s − sqrt(0.9) s
      {28, 4'683'772'233ns},  // 5 s − sqrt(0.1) s
      {29, std::nullopt},     // area 30 at exactly 5 s, the end
  };
  for (const auto& r : rows) {
    INFO("iteration " << r.i);
    const auto start = plan.start_of(r.i);
    REQUIRE(start.has_value() == r.start.has_value());
    if (r.start) {
      CHECK(*start >= *r.start - 1ns);
      CHECK(*start <= *r.start + 1ns);
    }
  }
  CHECK(plan.start_of(9) == 1s);
  CHECK(plan.start_of(19) == 4s);
  CHECK(plan.duration() == 5s);

  struct rate_row {
    nanoseconds t;
    double per_second;
  };
  const rate_row rates[] = {{-1ns, 0}, {0s, 10},     {500ms, 10}, {1s, 0},      {2s, 0},
                            {3s, 0},   {3500ms, 10}, {4s, 20},    {4500ms, 10}, {5s, 0}};
  for (const auto& r : rates) {
    INFO("t = " << r.t.count() << "ns");
    CHECK(std::abs(plan.rate_at(r.t) - r.per_second) < 1e-9);
  }
}

TEST_CASE("due_before counts exactly the iterations start_of puts before t") {
  const std::vector<sp::arrival_plan> plans = {
      sp::arrival_plan{
          sp::constant_arrival_rate{.rate = 3, .duration = 5s, .pre_allocated_vus = 1}},
      sp::arrival_plan{sp::constant_arrival_rate{
          .rate = 2.7, .time_unit = 700ms, .duration = 4s, .pre_allocated_vus = 1}},
      sp::arrival_plan{sp::ramping_arrival_rate{.start_rate = 0,
                                                .stages = sp::jump_to(10) >> sp::hold(1s) >>
                                                          sp::jump_to(0) >> sp::hold(2s) >>
                                                          sp::ramp_to(20, 1s) >> sp::ramp_to(0, 1s),
                                                .pre_allocated_vus = 1}},
      sp::arrival_plan{sp::ramping_arrival_rate{.start_rate = 7,
                                                .time_unit = 100ms,
                                                .stages = {{3s, 1}, {2s, 40}},
                                                .pre_allocated_vus = 1}},
  };
  for (std::size_t p = 0; p < plans.size(); ++p) {
    INFO("plan " << p);
    const auto& plan = plans[p];
    std::uint64_t i = 0;
    for (auto start = plan.start_of(0); start; start = plan.start_of(++i)) {
      INFO("iteration " << i << " at " << start->count() << "ns");
      REQUIRE(plan.due_before(*start) <= i);
      CHECK(plan.due_before(*start + 1ns) >= i + 1);
      if (i > 0) CHECK(*plan.start_of(i - 1) <= *start);
    }
    CHECK(i > 10);
    CHECK(plan.due_before(plan.duration()) == i);
    CHECK(plan.due_before(plan.duration() + 1h) == i);
  }
}

TEST_CASE("even arrival schedules give the plan's start times in order") {
  const sp::arrival_plan plan{
      sp::constant_arrival_rate{.rate = 4, .duration = 1s, .pre_allocated_vus = 1}};
  sp::arrival_schedule schedule{plan, sp::arrival_process::even, 99};
  std::vector<nanoseconds> times;
  while (auto t = schedule.next()) times.push_back(*t);
  CHECK(times == std::vector<nanoseconds>{0ms, 250ms, 500ms, 750ms});
  CHECK(schedule.next() == std::nullopt);
}

namespace {

std::vector<nanoseconds> draw_all(const sp::arrival_plan& plan, std::uint64_t seed) {
  sp::arrival_schedule schedule{plan, sp::arrival_process::poisson, seed};
  std::vector<nanoseconds> out;
  while (auto t = schedule.next()) out.push_back(*t);
  return out;
}

}  // namespace

TEST_CASE("poisson arrivals are reproducible from the seed and ordered within the plan") {
  const sp::arrival_plan plan{
      sp::constant_arrival_rate{.rate = 50, .duration = 100s, .pre_allocated_vus = 1}};
  const auto a = draw_all(plan, 42);
  const auto b = draw_all(plan, 42);
  const auto c = draw_all(plan, 43);
  CHECK(a == b);
  CHECK(a != c);
  REQUIRE_FALSE(a.empty());
  CHECK(a.front() >= 0ns);
  CHECK(a.back() < plan.duration());
  for (std::size_t i = 1; i < a.size(); ++i) REQUIRE(a[i - 1] <= a[i]);
  // Gaps are not all equal, as even arrivals' are.
  CHECK(a[2] - a[1] != a[1] - a[0]);
}

TEST_CASE("poisson arrivals average the even count, for a constant and for a ramping rate") {
  const sp::arrival_plan constant{
      sp::constant_arrival_rate{.rate = 50, .duration = 100s, .pre_allocated_vus = 1}};
  const sp::arrival_plan ramping{
      sp::ramping_arrival_rate{.start_rate = 0,
                               .stages = {{30s, 100}, {30s, 100}, {0s, 10}, {30s, 0}},
                               .pre_allocated_vus = 1}};
  for (const auto* plan : {&constant, &ramping}) {
    const auto even = static_cast<double>(plan->due_before(plan->duration()));
    INFO("even count " << even);
    CHECK(std::abs(static_cast<double>(draw_all(*plan, 42).size()) / even - 1) < 0.05);
    double total = 0;
    constexpr int seeds = 20;
    for (std::uint64_t seed = 1; seed <= seeds; ++seed)
      total += static_cast<double>(draw_all(*plan, seed).size());
    CHECK(std::abs(total / seeds / even - 1) < 0.02);
  }
  // The ramping plan's arrivals follow its rate: few in the first 10 s, where it is lowest.
  const auto times = draw_all(ramping, 7);
  const auto early = std::count_if(times.begin(), times.end(), [](auto t) { return t < 10s; });
  const auto middle =
      std::count_if(times.begin(), times.end(), [](auto t) { return t >= 30s && t < 40s; });
  CHECK(early * 3 < middle);
}
