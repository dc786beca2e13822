// Tests of the replica model's queue arithmetic: arrivals in, start and finish times out.
#include <stampede/testbed/slot_scheduler.hpp>

#include <stampede/core/error.hpp>
#include <stampede/testbed/replica_model.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <functional>
#include <queue>
#include <vector>

namespace tb = stampede::testbed;
using namespace std::chrono_literals;
using booking = tb::slot_scheduler::booking;

TEST_CASE("slot_scheduler serves arrivals first come, first served on the slot that frees first") {
  struct row {
    std::chrono::nanoseconds arrival;
    booking expected;
  };
  struct table {
    std::size_t slots;
    std::chrono::nanoseconds service;
    std::vector<row> rows;
  };
  const table tables[] = {
      // One slot: each waits for the one before.
      {1, 10ns, {{0ns, {0ns, 10ns, 0}}, {1ns, {10ns, 20ns, 0}}, {2ns, {20ns, 30ns, 0}}, {50ns, {50ns, 60ns, 0}}}},
      // Two slots: two at once, the third waits for the first to free.
      {2,
       10ns,
       {{0ns, {0ns, 10ns, 0}},
        {0ns, {0ns, 10ns, 1}},
        {0ns, {10ns, 20ns, 0}},
        {5ns, {10ns, 20ns, 1}},
        {30ns, {30ns, 40ns, 0}}}},
      // Three slots, spread arrivals: nobody waits.
      {3, 10ns, {{0ns, {0ns, 10ns, 0}}, {4ns, {4ns, 14ns, 1}}, {8ns, {8ns, 18ns, 2}}, {12ns, {12ns, 22ns, 0}}}},
      // An arrival earlier than the last is taken as arriving with it (FIFO order is kept).
      {1, 10ns, {{5ns, {5ns, 15ns, 0}}, {3ns, {15ns, 25ns, 0}}}},
  };
  for (const auto& t : tables) {
    tb::slot_scheduler s{t.slots};
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      INFO(t.slots << " slots, arrival #" << i);
      const auto b = s.book(t.rows[i].arrival, t.service);
      CHECK(b.start == t.rows[i].expected.start);
      CHECK(b.finish == t.rows[i].expected.finish);
      CHECK(b.slot == t.rows[i].expected.slot);
    }
  }
}

TEST_CASE("slot_scheduler reports busy slots and the wait an arrival would have") {
  tb::slot_scheduler s{2};
  s.book(0ns, 10ns);
  s.book(0ns, 20ns);
  CHECK(s.busy(5ns) == 2);
  CHECK(s.wait(5ns) == 5ns);
  CHECK(s.busy(15ns) == 1);
  CHECK(s.wait(15ns) == 0ns);
  CHECK(s.busy(20ns) == 0);
}

TEST_CASE("slot_scheduler resizes: new slots are free at once, removed ones drain") {
  tb::slot_scheduler s{1};
  CHECK(s.book(0ns, 10ns).finish == 10ns);
  s.resize(3);
  CHECK(s.slots() == 3);
  CHECK(s.book(1ns, 10ns).start == 1ns);  // a new slot, not a wait for slot 0
  CHECK(s.book(2ns, 10ns).start == 2ns);
  CHECK(s.book(3ns, 10ns).start == 10ns);  // all three busy: waits for the first to free
  // Slots free at 11, 12 and 20: shrinking to one keeps the one that frees first.
  s.resize(1);
  CHECK(s.book(4ns, 10ns) == booking{11ns, 21ns, 0});
  CHECK_THROWS_AS(s.resize(0), stampede::usage_error);
  CHECK_THROWS_AS(tb::slot_scheduler{0}, stampede::usage_error);
}

namespace {

// Closed-loop clients on the scheduler alone: each client re-arrives the moment its request
// finishes. Returns the completions per second in [warm_up, horizon).
double closed_loop_throughput(const tb::replica_model& m, int clients, std::chrono::nanoseconds warm_up,
                              std::chrono::nanoseconds horizon) {
  tb::slot_scheduler s{static_cast<std::size_t>(m.replicas)};
  const auto service = m.effective_service_time();
  std::priority_queue<std::chrono::nanoseconds, std::vector<std::chrono::nanoseconds>, std::greater<>> arrivals;
  for (int i = 0; i < clients; ++i) arrivals.push(0ns);
  long completed = 0;
  while (!arrivals.empty() && arrivals.top() < horizon) {
    const auto arrival = arrivals.top();
    arrivals.pop();
    const auto finish = s.book(arrival, service).finish;
    if (finish >= warm_up && finish < horizon) ++completed;
    arrivals.push(finish);
  }
  return static_cast<double>(completed) / std::chrono::duration<double>(horizon - warm_up).count();
}

}  // namespace

TEST_CASE("slot_scheduler under saturation gives the Universal Scalability Law's throughput") {
  for (const int n : {1, 2, 4, 8, 16}) {
    const tb::replica_model m{.replicas = n, .sigma = 0.05, .kappa = 0.01, .service_time = 2ms};
    INFO("N = " << n);
    // Four clients per slot keep every slot busy; the error is one service time's worth of
    // completions at each end of the measured 10 s.
    CHECK(closed_loop_throughput(m, 4 * n, 1s, 11s) == Approx(m.throughput()).epsilon(0.005));
    // With fewer clients than slots, the unsaturated system serves each client back to back.
    if (n >= 2) {
      CHECK(closed_loop_throughput(m, n / 2, 1s, 11s) ==
            Approx((n / 2) / std::chrono::duration<double>(m.effective_service_time()).count()).epsilon(0.005));
    }
  }
}
