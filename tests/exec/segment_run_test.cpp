// sp::run with run_options::part, simulated on a manual time: the parts of a sequence, each run
// on its own as the processes of a distributed test would run, together do exactly what one
// whole run does — the same iterations, by the VUs with the same ids in the test, at the
// same times — and a part with nothing to do ends at once.
#include <stampede/exec/runner.hpp>
#include <stampede/metrics/engine.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

// What the iterations of one or more runs saw: per iteration, its number in the test, the
// VU's id in the test and when it started.
struct journal {
  std::mutex mutex;
  std::multiset<std::uint64_t> iterations;
  std::map<std::uint64_t, std::vector<std::chrono::nanoseconds>> starts_by_vu;  // id_in_test → starts
  std::set<std::pair<std::uint64_t, std::uint64_t>> ids;                        // (id, id_in_test) per run

  void note(const sp::vu& u) {
    const std::lock_guard lock{mutex};
    iterations.insert(u.iteration_in_test());
    starts_by_vu[u.id_in_test()].push_back(u.elapsed());
    ids.emplace(u.id(), u.id_in_test());
  }
};

sp::load_test test_of(sp::executor e, const std::shared_ptr<journal>& j, std::chrono::nanoseconds think) {
  return sp::load_test{.scenarios = {{.name = "s",
                                      .exec = [j, think](sp::vu& u) -> sp::task<> {
                                        j->note(u);
                                        co_await u.sleep(think);
                                      },
                                      .executor = std::move(e),
                                      .graceful_stop = 0s}}};
}

sp::result simulate(const sp::load_test& test, const sp::execution_tuple& part) {
  sp::manual_time time;
  return sp::run(test, {.threads = 2, .seed = 7, .part = part, .time = &time});
}

std::vector<sp::execution_tuple> parts_of(const char* sequence) {
  const auto s = sp::execution_segment_sequence::parse(sequence);
  std::vector<sp::execution_tuple> out;
  for (const auto& segment : s.segments()) out.emplace_back(segment, s);
  return out;
}

// Runs the whole test and each part of `sequence`; checks that the parts' iterations are the
// whole run's: as many, numbered alike, and for looping VUs by the same VU (id in the test)
// at the same moments. Think times and grace periods are chosen so that no iteration ends at
// the very instant a grace period does (which of two simultaneous events goes first may
// differ between one process and several).
void check_parts_add_up(const sp::executor& e, std::chrono::nanoseconds think, const char* sequence) {
  INFO(sp::executor_name(e) << " in " << sequence);
  auto whole = std::make_shared<journal>();
  const auto whole_result = simulate(test_of(e, whole, think), {});
  REQUIRE(whole_result.complete_iterations() > 0);
  for (const auto& [id, id_in_test] : whole->ids) CHECK(id == id_in_test);

  auto parts = std::make_shared<journal>();
  std::uint64_t complete = 0;
  std::uint64_t interrupted = 0;
  std::set<std::uint64_t> vus_in_test;
  for (const auto& part : parts_of(sequence)) {
    INFO(part.to_string());
    auto mine = std::make_shared<journal>();
    const auto r = simulate(test_of(e, mine, think), part);
    CHECK(r.status == sp::run_status::finished);
    CHECK(r.part == part);
    complete += r.complete_iterations();
    interrupted += r.interrupted_iterations();
    CHECK(r.scenarios.at(0).max_vus == sp::max_vus(e, part));
    for (const auto& [id, id_in_test] : mine->ids) {
      CHECK(id <= static_cast<std::uint64_t>(sp::max_vus(e, part)));  // ids in this process from 1
      CHECK(vus_in_test.insert(id_in_test).second);                   // no VU of the test in two parts
    }
    for (const auto& [vu, starts] : mine->starts_by_vu) parts->starts_by_vu[vu] = starts;
    parts->iterations.insert(mine->iterations.begin(), mine->iterations.end());
  }
  CHECK(complete == whole_result.complete_iterations());
  CHECK(interrupted == whole_result.interrupted_iterations());
  // VUs that loop run as the whole test's VU of the same id would; shared iterations and
  // arrivals go to whichever VU of the part is free, so only their times must agree.
  const auto all_starts = [](const journal& j) {
    std::multiset<std::chrono::nanoseconds> out;
    for (const auto& [vu, starts] : j.starts_by_vu) out.insert(starts.begin(), starts.end());
    return out;
  };
  if (std::holds_alternative<sp::shared_iterations>(e)) {
    CHECK(parts->iterations.size() == whole->iterations.size());
  } else if (std::holds_alternative<sp::constant_arrival_rate>(e) || std::holds_alternative<sp::ramping_arrival_rate>(e)) {
    CHECK(all_starts(*parts) == all_starts(*whole));
  } else {
    CHECK(parts->starts_by_vu == whole->starts_by_vu);
  }
  // Looping executors number iterations in the order they start, which differs between one
  // process and several; the others number them exactly as the whole run does.
  if (std::holds_alternative<sp::shared_iterations>(e) || std::holds_alternative<sp::constant_arrival_rate>(e) ||
      std::holds_alternative<sp::ramping_arrival_rate>(e)) {
    CHECK(parts->iterations == whole->iterations);
  }
  // Unique across the parts in every case.
  CHECK(std::set<std::uint64_t>(parts->iterations.begin(), parts->iterations.end()).size() == parts->iterations.size());
}

}  // namespace

TEST_CASE("the parts of a shared-iterations test run each iteration once, numbered as one run numbers them") {
  const sp::executor e = sp::shared_iterations{.vus = 10, .iterations = 103, .max_duration = 1min};
  for (const auto* sequence : {"0,1/4,1/2,3/4,1", "0,1/2,3/4,1", "0,1/3,2/3,1"}) {
    check_parts_add_up(e, 100ms, sequence);
  }
  // Every number from 0 to iterations - 1, once.
  auto j = std::make_shared<journal>();
  for (const auto& part : parts_of("0,1/3,2/3,1")) (void)simulate(test_of(e, j, 100ms), part);
  std::multiset<std::uint64_t> want;
  for (std::uint64_t i = 0; i < 103; ++i) want.insert(i);
  CHECK(j->iterations == want);
}

TEST_CASE("the parts of a ramping-VU test run the whole test's VUs at the same moments") {
  const sp::executor e = sp::ramping_vus{
      .start_vus = 2, .stages = {{5s, 10}, {3s, 10}, {4s, 3}, {2s, 0}}, .graceful_ramp_down = 410ms};
  for (const auto* sequence : {"0,1/4,1/2,3/4,1", "0,1/2,3/4,1", "0,1/3,2/3,1"}) {
    check_parts_add_up(e, 730ms, sequence);
  }
}

TEST_CASE("the parts of constant-VU and per-VU-iteration tests add up to the whole") {
  check_parts_add_up(sp::constant_vus{.vus = 7, .duration = 5s}, 300ms, "0,1/3,2/3,1");
  check_parts_add_up(sp::per_vu_iterations{.vus = 9, .iterations = 4, .max_duration = 1min}, 250ms, "0,1/2,3/4,1");
}

TEST_CASE("the parts of arrival-rate tests start every iteration of the whole schedule once") {
  check_parts_add_up(sp::constant_arrival_rate{.rate = 20, .duration = 3s, .pre_allocated_vus = 4, .max_vus = 10},
                     150ms, "0,1/4,1/2,3/4,1");
  check_parts_add_up(sp::ramping_arrival_rate{.start_rate = 5,
                                              .stages = {{2s, 40}, {2s, 0}},
                                              .pre_allocated_vus = 6,
                                              .max_vus = 12,
                                              .arrivals = sp::arrival_process::poisson},
                     100ms, "0,1/2,3/4,1");
}

TEST_CASE("a part with no work ends at once") {
  auto j = std::make_shared<journal>();
  const auto test = test_of(sp::shared_iterations{.vus = 1, .iterations = 1}, j, 1s);
  const auto r = simulate(test, parts_of("0,1/2,1").at(1));
  CHECK(r.status == sp::run_status::finished);
  CHECK(r.duration == 0s);
  CHECK(r.complete_iterations() == 0);
  CHECK(r.scenarios.at(0).max_vus == 0);
  CHECK(r.scenarios.at(0).description == "0 iterations shared among 0 VUs (maxDuration: 10m0s)");
  CHECK(j->iterations.empty());
  // The other half has it all.
  const auto other = simulate(test, parts_of("0,1/2,1").at(0));
  CHECK(other.complete_iterations() == 1);
}

namespace {

sp::result simulate_at(const sp::load_test& test, std::chrono::nanoseconds start_in) {
  sp::manual_time time;
  const auto start_at = time.wall_now() + std::chrono::duration_cast<std::chrono::system_clock::duration>(start_in);
  auto r = sp::run(test, {.threads = 2, .seed = 7, .start_at = start_at, .time = &time});
  CHECK(r.started_at == start_at);
  return r;
}

double dropped(const sp::result& r) {
  const auto* s = r.metrics.find(sp::dropped_iterations.descriptor());
  return s == nullptr ? 0.0 : std::get<sp::counter_sink>(*s).sum;
}

}  // namespace

TEST_CASE("a synchronised start: early runs wait for it, late ones join the plan where it is") {
  auto j = std::make_shared<journal>();
  const auto arrivals = test_of(sp::constant_arrival_rate{.rate = 10, .duration = 4s, .pre_allocated_vus = 5}, j, 50ms);

  // Early: the same run as without a start time, only later.
  const auto early = simulate_at(arrivals, 5s);
  CHECK(early.start_skew == 0s);
  CHECK(early.complete_iterations() == 40);
  CHECK(dropped(early) == 0);

  // Late by 1.5 s: the 15 arrivals due before it are dropped, the other 25 start on time.
  j->starts_by_vu.clear();
  const auto late = simulate_at(arrivals, -1500ms);
  CHECK(late.start_skew == 1500ms);
  CHECK(late.complete_iterations() == 25);
  CHECK(dropped(late) == 15);
  for (const auto& [vu, starts] : j->starts_by_vu) {
    for (const auto t : starts) CHECK(t >= 1500ms);
  }

  // Looping VUs: the ramp is already at the level it has at 2 s.
  auto k = std::make_shared<journal>();
  const auto ramp = test_of(sp::ramping_vus{.start_vus = 0, .stages = {{4s, 8}}, .graceful_ramp_down = 0s}, k, 1s);
  const auto joined = simulate_at(ramp, -2s);
  CHECK(joined.start_skew == 2s);
  std::size_t first_moment = 0;
  for (const auto& [vu, starts] : k->starts_by_vu) {
    if (!starts.empty() && starts.front() == 2s) ++first_moment;
  }
  CHECK(first_moment == 4);  // 8 VUs over 4 s: 4 are running at 2 s
}
