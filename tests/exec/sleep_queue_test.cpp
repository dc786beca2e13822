// The shard's sleep queue on a manual time: deadline order, ties in arrival order, completions
// never inside the call that starts a wait, cancellation, and what an io_context shutting
// down does to the waits still queued.
#include <stampede/exec/clock.hpp>
#include <stampede/exec/detail/sleep_queue.hpp>

#include "support/catch_compat.hpp"

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;
using sp::detail::engine_clock;
using sp::detail::sleep_queue;

namespace {

struct fixture {
  sp::manual_time time;
  sp::detail::scoped_manual_clock clock{&time};
  asio::io_context io;
  sleep_queue& queue = asio::use_service<sleep_queue>(io);
  engine_clock::time_point start = time.now();

  [[nodiscard]] engine_clock::time_point at(std::chrono::nanoseconds t) const { return start + t; }

  // Moves the manual time to `t` and runs what falls due. Asio looks at its timers when the
  // kernel's timer fires, armed before the time moved; a timer due at the epoch re-arms it to
  // fire at once, in the same pass as every timer due now (as shard_pool::settle does).
  void advance_to(std::chrono::nanoseconds t) {
    if (at(t) > time.now()) time.advance(at(t) - time.now());
    poll();
  }

  void poll() {
    bool fired = false;
    sp::detail::engine_timer sentinel{io, engine_clock::time_point{}};
    sentinel.async_wait([&fired](const asio::error_code&) { fired = true; });
    for (int i = 0; i < 1000 && !fired; ++i) {
      if (io.stopped()) io.restart();
      (void)io.run_one_for(10ms);
    }
    if (!fired) throw std::logic_error("the sentinel timer did not fire");
    if (io.stopped()) io.restart();
    for (int i = 0; i < 1000 && io.poll_one() > 0; ++i) {
    }
  }
};

// A handler that notes its name, its error and the time it ran.
struct noting {
  std::vector<std::string>* log;
  std::string name;
  void operator()(const asio::error_code& ec) const {
    log->push_back(name + (ec ? ":" + ec.message() : "") + "@" +
                   std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      engine_clock::now().time_since_epoch() - 1h)
                                      .count()));
  }
};

}  // namespace

TEST_CASE("the sleep queue completes waits at their deadlines, in deadline order and equal ones in arrival order") {
  fixture f;
  std::vector<std::string> log;
  f.queue.async_wait_until(f.at(30ms), noting{&log, "a"});
  f.queue.async_wait_until(f.at(10ms), noting{&log, "b"});
  f.queue.async_wait_until(f.at(20ms), noting{&log, "c"});
  f.queue.async_wait_until(f.at(10ms), noting{&log, "d"});
  f.queue.async_wait_until(f.at(20ms), noting{&log, "e"});
  f.queue.async_wait_until(f.at(10ms), noting{&log, "f"});
  CHECK(f.queue.size() == 6);
  f.advance_to(9ms);
  CHECK(log.empty());
  f.advance_to(10ms);
  CHECK(log == std::vector<std::string>{"b@10", "d@10", "f@10"});
  f.advance_to(25ms);
  CHECK(log == std::vector<std::string>{"b@10", "d@10", "f@10", "c@25", "e@25"});
  f.advance_to(30ms);
  CHECK(log.size() == 6);
  CHECK(log.back() == "a@30");
  CHECK(f.queue.size() == 0);
}

TEST_CASE("a wait due now does not complete inside the call that starts it") {
  fixture f;
  std::vector<std::string> log;
  f.queue.async_wait_until(f.at(0ms), noting{&log, "now"});
  f.queue.async_wait_until(f.at(-5ms), noting{&log, "past"});
  CHECK(log.empty());
  f.poll();
  CHECK(log == std::vector<std::string>{"past@0", "now@0"});
}

TEST_CASE("a deadline earlier than every other moves the queue's timer forward") {
  fixture f;
  std::vector<std::string> log;
  f.queue.async_wait_until(f.at(100ms), noting{&log, "late"});
  f.advance_to(5ms);
  f.queue.async_wait_until(f.at(10ms), noting{&log, "early"});
  // The manual time reports the earliest engine deadline Asio waits for: the new one.
  (void)engine_clock::take_next_due();
  f.poll();
  CHECK(engine_clock::take_next_due() == f.at(10ms));
  f.advance_to(10ms);
  CHECK(log == std::vector<std::string>{"early@10"});
  f.advance_to(100ms);
  CHECK(log == std::vector<std::string>{"early@10", "late@100"});
}

TEST_CASE("a completion may start the next wait, which completes at its own deadline") {
  fixture f;
  std::vector<std::string> log;
  int rounds = 0;
  std::function<void(const asio::error_code&)> again = [&](const asio::error_code& ec) {
    noting{&log, "r" + std::to_string(rounds)}(ec);
    if (++rounds < 3) f.queue.async_wait_until(engine_clock::now() + 10ms, again);
  };
  f.queue.async_wait_until(f.at(10ms), again);
  f.queue.async_wait_until(f.at(10ms), noting{&log, "other"});
  f.advance_to(10ms);
  CHECK(log == std::vector<std::string>{"r0@10", "other@10"});
  f.advance_to(20ms);
  f.advance_to(30ms);
  f.advance_to(40ms);
  CHECK(log == std::vector<std::string>{"r0@10", "other@10", "r1@20", "r2@30"});
}

TEST_CASE("an emitted cancellation slot ends its wait with operation_aborted, once, after the emit returns") {
  fixture f;
  std::vector<std::string> log;
  asio::cancellation_signal first;
  asio::cancellation_signal second;
  asio::cancellation_signal third;
  f.queue.async_wait_until(f.at(10ms), asio::bind_cancellation_slot(first.slot(), noting{&log, "first"}));
  f.queue.async_wait_until(f.at(20ms), asio::bind_cancellation_slot(second.slot(), noting{&log, "second"}));
  f.queue.async_wait_until(f.at(30ms), asio::bind_cancellation_slot(third.slot(), noting{&log, "third"}));
  f.advance_to(5ms);
  second.emit(asio::cancellation_type::terminal);
  CHECK(log.empty());  // posted, not run inside emit
  CHECK(f.queue.size() == 2);
  second.emit(asio::cancellation_type::terminal);  // nothing left to cancel
  third.emit(asio::cancellation_type::partial);
  f.poll();
  REQUIRE(log.size() == 2);
  CHECK(log[0] == "second:" + asio::error_code{asio::error::operation_aborted}.message() + "@5");
  CHECK(log[1] == "third:" + asio::error_code{asio::error::operation_aborted}.message() + "@5");
  f.advance_to(10ms);
  CHECK(log.size() == 3);
  CHECK(log[2] == "first@10");
  // A wait that has completed leaves nothing in its slot to cancel.
  CHECK_FALSE(first.slot().has_handler());
  first.emit(asio::cancellation_type::terminal);
  f.poll();
  CHECK(log.size() == 3);
}

TEST_CASE("a coroutine sleeping in the queue throws operation_aborted when its thread is cancelled") {
  fixture f;
  asio::cancellation_signal interrupt;
  std::string outcome;
  asio::co_spawn(
      f.io,
      [&]() -> asio::awaitable<void> {
        try {
          co_await f.queue.async_wait_until(f.at(1h), asio::use_awaitable);
          outcome = "woke";
        } catch (const asio::system_error& e) {
          outcome = e.code() == asio::error::operation_aborted ? "aborted" : e.what();
        }
      },
      asio::bind_cancellation_slot(interrupt.slot(), [](const std::exception_ptr&) {}));
  f.advance_to(10ms);
  CHECK(f.queue.size() == 1);
  interrupt.emit(asio::cancellation_type::terminal);
  f.poll();
  CHECK(outcome == "aborted");
}

TEST_CASE("cancelling the last wait lets the io_context run out of work before that wait's deadline") {
  fixture f;
  asio::cancellation_signal signal;
  bool aborted = false;
  f.queue.async_wait_until(f.at(1h), asio::bind_cancellation_slot(signal.slot(), [&](const asio::error_code& ec) {
                             aborted = ec == asio::error::operation_aborted;
                           }));
  f.poll();
  signal.emit(asio::cancellation_type::terminal);
  // Bounded: with work left, run_for would return after 5 s of the real clock, not stopped.
  (void)f.io.run_for(5s);
  CHECK(aborted);
  CHECK(f.io.stopped());
}

TEST_CASE("waits still queued when the io_context shuts down are destroyed without completing") {
  sp::manual_time time;
  sp::detail::scoped_manual_clock clock{&time};
  auto alive = std::make_shared<int>(0);
  bool completed = false;
  asio::cancellation_signal signal;
  {
    asio::io_context io;
    auto& queue = asio::use_service<sleep_queue>(io);
    queue.async_wait_until(time.now() + 10ms, [alive, &completed](const asio::error_code&) { completed = true; });
    queue.async_wait_until(time.now() + 20ms, asio::bind_cancellation_slot(signal.slot(),
                                                                           [alive, &completed](const asio::error_code&) {
                                                                             completed = true;
                                                                           }));
    CHECK(alive.use_count() == 3);
  }
  CHECK_FALSE(completed);
  CHECK(alive.use_count() == 1);
}
