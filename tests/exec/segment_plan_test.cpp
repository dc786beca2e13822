// How each executor splits among the parts of a test run as execution segments, without a
// clock: k6's tables for segments (lib/executor/*_test.go: TestConstantArrivalRateRunCorrectTiming,
// TestRampingArrivalRateCal, TestRampingVUsConfigExecutionPlanExampleOneThird and the
// descriptions of executors_test.go), and the property a merge relies on — the parts of a
// sequence together are the whole plan exactly: every VU at the same moments, every iteration
// once, every arrival at its time — for thirds, quarters, 50/25/25, k6's thirteenths and
// random sequences drawn from a fixed seed.
#include <stampede/exec/executors.hpp>
#include <stampede/exec/plan.hpp>
#include <stampede/exec/segment.hpp>

#include "support/catch_compat.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <numeric>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;
using std::chrono::nanoseconds;

namespace {

sp::execution_tuple tuple(const char* segment, const char* sequence = "") {
  return sp::execution_tuple{sp::execution_segment::parse(segment), sp::execution_segment_sequence::parse(sequence)};
}

// Every part of `sequence`, as the processes of a test run as parts would hold them.
std::vector<sp::execution_tuple> parts_of(const sp::execution_segment_sequence& sequence) {
  std::vector<sp::execution_tuple> out;
  for (const auto& s : sequence.segments()) out.emplace_back(s, sequence);
  return out;
}

// A random sequence of `n` segments whose lengths are numerators drawn from [1, max] over their
// sum (k6's generateRandomSequence).
sp::execution_segment_sequence random_sequence(std::mt19937_64& random, std::size_t n, std::int64_t max) {
  std::uniform_int_distribution<std::int64_t> numerator{1, max};
  std::vector<std::int64_t> numerators(n);
  for (auto& x : numerators) x = numerator(random);
  const auto denominator = std::accumulate(numerators.begin(), numerators.end(), std::int64_t{0});
  std::vector<sp::execution_segment> segments;
  std::int64_t from = 0;
  for (const auto x : numerators) {
    segments.emplace_back(sp::fraction{from, denominator}, sp::fraction{from + x, denominator});
    from += x;
  }
  return sp::execution_segment_sequence{std::move(segments)};
}

// The sequences every property below is checked for.
std::vector<sp::execution_segment_sequence> sequences() {
  std::vector<sp::execution_segment_sequence> out{
      sp::execution_segment_sequence::parse("0,1/3,2/3,1"),
      sp::execution_segment_sequence::parse("0,1/4,1/2,3/4,1"),
      sp::execution_segment_sequence::parse("0,1/2,3/4,1"),
      sp::execution_segment_sequence::parse("0,1/13,2/13,3/13,4/13,5/13,6/13,7/13,8/13,9/13,10/13,11/13,12/13,1"),
      sp::execution_segment_sequence::parse("0,0.1,0.35,1"),
  };
  std::mt19937_64 random{20261206};
  for (int i = 0; i < 8; ++i) {
    out.push_back(random_sequence(random, 2 + static_cast<std::size_t>(random() % 7), 40));
  }
  return out;
}

// The times at which a VU plan changes, from its start, with the count from then on.
std::vector<std::pair<nanoseconds, std::int64_t>> steps_of(const sp::vu_plan& plan) {
  std::vector<std::pair<nanoseconds, std::int64_t>> out;
  if (plan.vus_at(0ns) != 0) out.emplace_back(0ns, plan.vus_at(0ns));
  nanoseconds t{0};
  while (const auto next = plan.next_change(t)) {
    out.emplace_back(*next, plan.vus_at(*next));
    t = *next;
  }
  return out;
}

sp::ramping_vus k6_example() {
  // k6's TestRampingVUsConfigExecutionPlanExample configuration.
  return sp::ramping_vus{.start_vus = 4,
                         .stages = {{2s, 6}, {5s, 1}, {4s, 5}, {4s, 1}, {3s, 4}, {2s, 4}, {0s, 1}, {3s, 1}}};
}

}  // namespace

TEST_CASE("a part's ramping-VU plan is k6's for the first third") {
  // TestRampingVUsConfigExecutionPlanExampleOneThird: getRawExecutionSteps(et, false).
  const sp::vu_plan third{k6_example(), tuple("0:1/3")};
  const std::vector<std::pair<nanoseconds, std::int64_t>> k6{{0s, 1}, {1s, 2}, {4s, 1},  {7s, 0},  {8s, 1},
                                                              {11s, 2}, {12s, 1}, {15s, 0}, {16s, 1}, {20s, 0}};
  CHECK(steps_of(third) == k6);
  CHECK(third.max_vus() == 2);
  CHECK(third.duration() == 23s);
  // The whole plan for comparison (TestRampingVUsConfigExecutionPlanExample, with k6's final 0).
  const sp::vu_plan whole{k6_example()};
  CHECK(whole.max_vus() == 6);
  CHECK(steps_of(whole).size() == 21);
}

TEST_CASE("a part's constant-arrival-rate iterations start at k6's times") {
  // TestConstantArrivalRateRunCorrectTiming: 50 iterations/s, maxVUs 20, over 2 s; the first
  // iteration at `start`, then gaps cycling through `steps` (milliseconds).
  struct row {
    const char* segment;
    const char* sequence;
    nanoseconds start;
    std::vector<std::int64_t> steps;
  };
  const std::vector<row> rows{
      {"0:1/3", "", 20ms, {40, 60, 60, 60, 60, 60, 60}},
      {"1/3:2/3", "", 20ms, {60, 60, 60, 60, 60, 60, 40}},
      {"2/3:1", "", 20ms, {40, 60, 60, 60, 60, 60, 60}},
      {"1/6:3/6", "", 20ms, {40, 80, 40, 80, 40, 80, 40}},
      {"1/6:3/6", "1/6,3/6", 20ms, {40, 80, 40, 80, 40, 80, 40}},
      {"0:1/3", "0,1/3,2/3,1", 0ms, {60, 60, 60, 60, 60, 60, 40}},
      {"1/3:2/3", "0,1/3,2/3,1", 20ms, {60, 60, 60, 60, 60, 60, 40}},
      {"2/3:1", "0,1/3,2/3,1", 40ms, {60, 60, 60, 60, 60, 100}},
  };
  const sp::constant_arrival_rate k6_config{
      .rate = 50, .time_unit = 1s, .duration = 2s, .pre_allocated_vus = 10, .max_vus = 20};
  for (const auto& r : rows) {
    INFO(r.segment << " in " << r.sequence);
    sp::part_arrivals arrivals{sp::arrival_schedule{sp::arrival_plan{k6_config}, sp::arrival_process::even, 0},
                               tuple(r.segment, r.sequence), 20};
    std::vector<nanoseconds> got;
    while (const auto a = arrivals.next()) got.push_back(a->at);
    std::vector<nanoseconds> want;
    for (auto t = nanoseconds{r.start}; t < 2s; t += std::chrono::milliseconds{r.steps[(want.size() - 1) % r.steps.size()]}) {
      want.push_back(t);
    }
    CHECK(got == want);
  }
}

TEST_CASE("a part's ramping-arrival-rate iterations start at k6's times") {
  // TestRampingArrivalRateCal: 0 → 1/s over 5 s, 1/s for 1 s, → 0 over 5 s. k6 also emits an
  // iteration exactly at the end (11 s); stampede's plan leaves it out (see arrival_plan), so
  // the rows that end with 11 s have one time less (10.999 s, just before the end, stays).
  // k6 compares within 0.1 %; so does this.
  struct row {
    const char* segment;
    const char* sequence;
    std::vector<double> seconds;
    nanoseconds time_unit = 1s;
  };
  const std::vector<row> rows{
      {"0:1", "", {3.162, 4.472, 5.500, 6.527, 7.837}},
      {"0:1/3", "", {4.472, 7.837}},
      {"0:1/3", "0,1/3,1", {4.472, 7.837}},
      {"1/3:2/3", "", {4.472, 7.837}},
      {"2/3:1", "", {4.472, 7.837}},
      {"0:1/3", "0,1/3,2/3,1", {3.162, 6.527}},
      {"1/3:2/3", "0,1/3,2/3,1", {4.472, 7.837}},
      {"2/3:1", "0,1/3,2/3,1", {5.500}},
      {"0:1",
       "",
       {1.825, 2.581, 3.162, 3.651, 4.082, 4.472, 4.830, 5.166, 5.499, 5.833, 6.169, 6.527, 6.917, 7.348, 7.837, 8.418,
        9.174, 10.999},
       std::chrono::duration_cast<nanoseconds>(std::chrono::duration<double>{1.0 / 3})},
  };
  for (const auto& r : rows) {
    INFO(r.segment << " in " << r.sequence);
    const sp::ramping_arrival_rate config{
        .start_rate = 0, .time_unit = r.time_unit, .stages = {{5s, 1}, {1s, 1}, {5s, 0}}, .pre_allocated_vus = 6};
    // k6's test hands the tuple to cal as it is; a run re-bases it on maxVUs, which changes
    // nothing when maxVUs is a multiple of the sequence's period (here 3 or 1).
    sp::part_arrivals arrivals{sp::arrival_schedule{sp::arrival_plan{config}, sp::arrival_process::even, 0},
                               tuple(r.segment, r.sequence), 6};
    std::vector<double> got;
    while (const auto a = arrivals.next()) got.push_back(std::chrono::duration<double>{a->at}.count());
    REQUIRE(got.size() == r.seconds.size());
    for (std::size_t i = 0; i < got.size(); ++i) CHECK(std::abs(got[i] - r.seconds[i]) <= 0.001 * r.seconds[i]);
  }
}

TEST_CASE("a part describes its share as k6 does") {
  // executors_test.go: 22 iterations shared among 12 VUs, for thirds and thirteenths.
  const sp::executor shared = sp::shared_iterations{.vus = 12, .iterations = 22, .max_duration = 100s};
  const auto thirds = "0,1/3,2/3,1";
  CHECK(sp::describe(shared, 30s) == "22 iterations shared among 12 VUs (maxDuration: 1m40s, gracefulStop: 30s)");
  CHECK(sp::describe(shared, 30s, 0s, tuple("0:1/3", thirds)) ==
        "8 iterations shared among 4 VUs (maxDuration: 1m40s, gracefulStop: 30s)");
  CHECK(sp::describe(shared, 30s, 0s, tuple("1/3:2/3", thirds)) ==
        "7 iterations shared among 4 VUs (maxDuration: 1m40s, gracefulStop: 30s)");
  const auto last_thirteenth =
      tuple("12/13:1", "0,1/13,2/13,3/13,4/13,5/13,6/13,7/13,8/13,9/13,10/13,11/13,12/13,1");
  CHECK(sp::describe(shared, 30s, 0s, last_thirteenth) ==
        "0 iterations shared among 0 VUs (maxDuration: 1m40s, gracefulStop: 30s)");
  CHECK(!sp::has_work(shared, last_thirteenth));
  CHECK(sp::has_work(shared, tuple("0:1/3", thirds)));
  CHECK(sp::max_vus(shared, tuple("0:1/3", thirds)) == 4);

  // The others: VUs scaled; a constant rate by the part's share of maxVUs, a ramping one by
  // the segment's length (k6's two rules).
  const auto half = tuple("0:1/2");
  CHECK(sp::describe(sp::constant_vus{.vus = 5, .duration = 10s}, 30s, 0s, half) ==
        "3 looping VUs for 10s (gracefulStop: 30s)");
  CHECK(sp::describe(sp::per_vu_iterations{.vus = 13, .iterations = 23}, 0s, 0s, half) ==
        "23 iterations for each of 7 VUs (maxDuration: 10m0s)");
  CHECK(sp::describe(sp::constant_arrival_rate{.rate = 30, .time_unit = 1min, .duration = 10min,
                                               .pre_allocated_vus = 20, .max_vus = 30},
                     30s, 0s, tuple("0:1/3")) == "0.17 iterations/s for 10m0s (maxVUs: 7-10, gracefulStop: 30s)");
  CHECK(sp::describe(sp::ramping_arrival_rate{.start_rate = 10, .time_unit = 30s,
                                              .stages = {{3min, 30}, {5min, 10}}, .pre_allocated_vus = 20,
                                              .max_vus = 50},
                     30s, 0s, half) == "Up to 0.50 iterations/s for 8m0s over 2 stages (maxVUs: 10-25, gracefulStop: 30s)");
  CHECK(sp::initial_vus(sp::constant_arrival_rate{.rate = 1, .duration = 1s, .pre_allocated_vus = 20, .max_vus = 30},
                        tuple("0:1/3")) == 7);
}

TEST_CASE("the parts of a sequence together have every VU of the whole test once") {
  for (const auto& sequence : sequences()) {
    INFO(sequence.to_string());
    const auto parts = parts_of(sequence);
    for (std::int64_t vus = 1; vus <= 60; ++vus) {
      std::set<std::int64_t> seen;
      std::int64_t total = 0;
      for (const auto& part : parts) {
        const auto mine = sp::max_vus(sp::constant_vus{.vus = vus, .duration = 1s}, part);
        total += mine;
        for (std::int64_t k = 0; k < mine; ++k) {
          const auto index = part.unscaled_index(k);
          CHECK(index < vus);
          CHECK(seen.insert(index).second);
        }
      }
      CHECK(total == vus);
      CHECK(static_cast<std::int64_t>(seen.size()) == vus);
    }
  }
}

TEST_CASE("the parts of a sequence together follow the whole ramping-VU plan, VU by VU") {
  // k6's TestSumRandomSegmentSequenceMatchesNoSegment, with stampede's stricter form: at every
  // moment the whole plan changes, the parts' VUs are exactly the whole's first VUs.
  std::mt19937_64 random{1123};
  std::vector<sp::ramping_vus> configs{k6_example()};
  for (int i = 0; i < 6; ++i) {
    const auto start = static_cast<std::int64_t>(random() % 300);
    std::vector<sp::stage> stages(1 + random() % 10);
    for (auto& s : stages) {
      s = {std::chrono::seconds{1 + static_cast<std::int64_t>(random() % 600)}, static_cast<std::int64_t>(random() % 300)};
    }
    configs.push_back(sp::ramping_vus{.start_vus = start, .stages = sp::stage_list{std::move(stages)}});
  }
  for (const auto& config : configs) {
    const sp::vu_plan whole{config};
    std::vector<nanoseconds> moments{0ns};
    for (const auto& [t, vus] : steps_of(whole)) moments.push_back(t);
    for (const auto& sequence : sequences()) {
      INFO(sequence.to_string());
      std::vector<sp::vu_plan> plans;
      for (const auto& part : parts_of(sequence)) plans.emplace_back(config, part);
      const auto parts = parts_of(sequence);
      std::int64_t max_total = 0;
      for (const auto& p : plans) max_total += p.max_vus();
      CHECK(max_total == whole.max_vus());
      for (const auto t : moments) {
        for (const auto at : {t, t + 1ns, t - 1ns}) {
          std::set<std::int64_t> running;
          for (std::size_t i = 0; i < plans.size(); ++i) {
            for (std::int64_t k = 0; k < plans[i].vus_at(at); ++k) running.insert(parts[i].unscaled_index(k));
          }
          const auto want = whole.vus_at(at);
          CHECK(static_cast<std::int64_t>(running.size()) == want);
          if (!running.empty()) CHECK(*running.rbegin() == want - 1);
        }
      }
      // A part changes only where the whole does.
      const std::set<nanoseconds> whole_moments(moments.begin(), moments.end());
      for (const auto& p : plans) {
        for (const auto& [t, vus] : steps_of(p)) CHECK(whole_moments.count(t) == 1);
      }
    }
  }
}

TEST_CASE("the parts of a sequence together run every shared iteration once") {
  for (const auto& sequence : sequences()) {
    INFO(sequence.to_string());
    for (const auto& [vus, iterations] : std::vector<std::pair<std::int64_t, std::int64_t>>{
             {1, 1}, {3, 10}, {12, 22}, {10, 103}, {7, 7}, {40, 1000}, {1, 17}}) {
      INFO(vus << " VUs, " << iterations << " iterations");
      const sp::shared_iterations e{.vus = vus, .iterations = iterations};
      std::set<std::int64_t> seen;
      std::int64_t total_vus = 0;
      for (const auto& part : parts_of(sequence)) {
        const auto mine = sp::part_iterations(e, part);
        total_vus += sp::max_vus(e, part);
        CHECK(sp::has_work(e, part) == (mine > 0));
        if (mine == 0) continue;
        // Numbered as a run numbers them (vu::iteration_in_test).
        const auto numbering = part.for_value(vus);
        for (std::int64_t n = 0; n < mine; ++n) {
          const auto index = numbering.unscaled_index(n);
          CHECK(index < iterations);
          CHECK(seen.insert(index).second);
        }
      }
      CHECK(total_vus == vus);
      CHECK(static_cast<std::int64_t>(seen.size()) == iterations);
    }
  }
}

TEST_CASE("the parts of a sequence together start every arrival of the whole schedule once") {
  const std::vector<std::pair<const char*, sp::executor>> executors{
      {"constant, integral rate", sp::constant_arrival_rate{.rate = 50, .duration = 3s, .pre_allocated_vus = 10, .max_vus = 20}},
      {"constant, fractional rate",
       sp::constant_arrival_rate{.rate = 7.5, .duration = 4s, .pre_allocated_vus = 3, .max_vus = 0}},
      {"constant, Poisson",
       sp::constant_arrival_rate{
           .rate = 40, .duration = 3s, .pre_allocated_vus = 13, .arrivals = sp::arrival_process::poisson}},
      {"ramping",
       sp::ramping_arrival_rate{.start_rate = 0, .stages = {{2s, 60}, {1s, 60}, {2s, 0}}, .pre_allocated_vus = 5, .max_vus = 17}},
      {"ramping, Poisson",
       sp::ramping_arrival_rate{.start_rate = 10,
                                .stages = {{2s, 50}, {2s, 5}},
                                .pre_allocated_vus = 11,
                                .arrivals = sp::arrival_process::poisson}},
  };
  const auto schedule_of = [](const sp::executor& e) {
    if (const auto* c = std::get_if<sp::constant_arrival_rate>(&e)) {
      return sp::arrival_schedule{sp::arrival_plan{*c}, c->arrivals, 99};
    }
    const auto& r = std::get<sp::ramping_arrival_rate>(e);
    return sp::arrival_schedule{sp::arrival_plan{r}, r.arrivals, 99};
  };
  for (const auto& [what, e] : executors) {
    INFO(what);
    std::vector<nanoseconds> whole;
    auto all = schedule_of(e);
    while (const auto t = all.next()) whole.push_back(*t);
    REQUIRE(whole.size() > 20);
    for (const auto& sequence : sequences()) {
      INFO(sequence.to_string());
      std::vector<std::optional<nanoseconds>> seen(whole.size());
      std::size_t total = 0;
      for (const auto& part : parts_of(sequence)) {
        sp::part_arrivals arrivals{schedule_of(e), part, sp::max_vus(e)};
        std::uint64_t expected_index_in_part = 0;
        while (const auto a = arrivals.next()) {
          REQUIRE(a->index_in_test < whole.size());
          CHECK(a->index_in_part == expected_index_in_part++);
          CHECK(!seen[a->index_in_test]);
          seen[a->index_in_test] = a->at;
          CHECK(a->at == whole[a->index_in_test]);
          ++total;
        }
        // A part without maxVUs has no arrivals, and no work.
        if (sp::max_vus(e, part) == 0) CHECK(expected_index_in_part == 0);
      }
      CHECK(total == whole.size());
    }
  }
}
