// sp::vu on its own, outside a run: checks, groups and custom metrics record with the VU's
// tags, and in steady state they allocate nothing (operator new is counted for this binary).
#include "support/catch_compat.hpp"
#include "support/counting_new.hpp"
#include "support/manual_shard.hpp"

#include <stampede/eval/check.hpp>
#include <stampede/report/summary.hpp>

#include <asio/co_spawn.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <string>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

sp::task<> no_iteration(sp::vu&) { co_return; }

const sp::counter orders{"orders"};
const sp::trend think_time{"think_time", sp::value_type::time};

sp::load_test one_vu_test() {
  return {.scenarios = {{.name = "shop", .exec = no_iteration, .executor = sp::per_vu_iterations{}}},
          .metrics = {orders, think_time}};
}

// The coroutines a group nests (group, then the call of its body, then the body) without the
// group: what Asio's frame allocator costs alone.
template <typename Body>
sp::task<> call_body(Body& body) {
  co_await body();
}
template <typename Body>
sp::task<> plain_nesting(Body body) {
  co_await call_body(body);
}

[[maybe_unused]] double rate_total(const sp::snapshot& s, const sp::metric_descriptor& m) {
  const auto* sink = s.find(m);
  REQUIRE(sink != nullptr);
  return static_cast<double>(std::get<sp::rate_sink>(*sink).total);
}

}  // namespace

TEST_CASE("a VU's checks and records allocate nothing in steady state") {
#if !STAMPEDE_COUNT_ALLOCATIONS
  SUCCEED("skipped: a sanitizer owns malloc in this build");
#else
  sp::testing::manual_shard shard{one_vu_test()};
  sp::vu u{shard.context(), shard.scenario(0), 1};
  u.set_tag("flow", "checkout");
  const auto positive = [](int v) { return v > 0; };
  // Warm-up: the first call of each interns its tag set and remembers the ids, and the trend's
  // page reaches the counter width the loop needs (2 bytes, past 255 of one value).
  CHECK(u.check(1, "positive", positive));
  u.record(orders, 1);
  for (int i = 0; i < 256; ++i) u.record(think_time, 2e6);

  constexpr int calls = 1000;
  sp::testing::allocations = 0;
  sp::testing::counting = true;
  for (int i = 0; i < calls; ++i) {
    (void)u.check(i % 2, "positive", positive);
    u.record(orders, 1);
    u.record(think_time, 2e6);
  }
  sp::testing::counting = false;
  CHECK(sp::testing::allocations == 0);

  const auto s = shard.rec().take(1s);
  const auto checks = sp::check_results(s);
  REQUIRE(checks.size() == 1);
  CHECK(checks[0].name == "positive");
  CHECK(checks[0].passes == 1 + calls / 2);
  CHECK(checks[0].fails == calls / 2);
  const auto* counted = s.find(orders.descriptor());
  REQUIRE(counted != nullptr);
  CHECK(std::get<sp::counter_sink>(*counted).sum == 1 + calls);
  // The records carry the VU's tags: the sub-metric of flow:checkout sees them all.
  CHECK(rate_total(s, sp::checks.descriptor()) == 1 + calls);
#endif
}

TEST_CASE("a VU entering a group again allocates nothing but its coroutine frames in steady state") {
#if !STAMPEDE_COUNT_ALLOCATIONS
  SUCCEED("skipped: a sanitizer owns malloc in this build");
#else
  sp::testing::manual_shard shard{one_vu_test()};
  sp::vu u{shard.context(), shard.scenario(0), 1};
  constexpr int rounds = 200;
  std::size_t counted = 0;
  std::size_t frames_alone = 0;
  auto body = [&](sp::vu& v) -> sp::task<> {
    const auto in_cart = [&v]() -> sp::task<> {
      (void)v.check(v.group(), "in the cart", [](const std::string& g) { return g == "::cart"; });
      co_return;
    };
    for (int i = 0; i < 3; ++i) co_await v.group("cart", in_cart);  // warm-up
    sp::testing::allocations = 0;
    sp::testing::counting = true;
    for (int i = 0; i < rounds; ++i) co_await v.group("cart", in_cart);
    sp::testing::counting = false;
    counted = sp::testing::allocations;
    // Asio recycles two frames per thread; the third of the nest is the heap's.
    for (int i = 0; i < 3; ++i) co_await plain_nesting(in_cart);
    sp::testing::allocations = 0;
    sp::testing::counting = true;
    for (int i = 0; i < rounds; ++i) co_await plain_nesting(in_cart);
    sp::testing::counting = false;
    frames_alone = sp::testing::allocations;
  };
  bool done = false;
  std::exception_ptr failure;
  asio::co_spawn(shard.io(), body(u), [&](const std::exception_ptr& e) {
    failure = e;
    done = true;
  });
  for (int i = 0; i < 1000 && !done; ++i) shard.io().run_one_for(10ms);
  REQUIRE(done);
  if (failure) std::rethrow_exception(failure);
  INFO("group: " << counted << ", the same coroutines without it: " << frames_alone);
  // The group's own work allocates nothing: it costs what the same three nested coroutines
  // cost without it. Those frames are Asio's: its per-thread cache keeps two, so a nest of
  // three allocates each round (frames_alone counts that; it is not zero).
  CHECK(frames_alone > 0);
  CHECK(counted <= frames_alone);
  CHECK(u.group().empty());
  // The plain calls check outside the group, and fail.
  const auto checks = sp::check_results(shard.rec().take(1s));
  REQUIRE(checks.size() == 2);
  CHECK(checks[0].group == "::cart");
  CHECK(checks[0].passes == 3 + rounds);
  CHECK(checks[0].fails == 0);
  CHECK(checks[1].group.empty());
  CHECK(checks[1].fails == 3 + rounds);
#endif
}

TEST_CASE("a VU's checks and records carry its tags, set_tag's and its group's") {
  sp::testing::manual_shard shard{one_vu_test()};
  sp::vu u{shard.context(), shard.scenario(0), 1};
  // Whether the VU recorded with exactly these tags: a tag set interned before the marker
  // gets a smaller id than a new one would.
  const auto recorded_with = [&](sp::tag_set tags) {
    const auto marker = shard.rec().intern({{"marker", std::to_string(tags.size())}, {"unique", "yes"}});
    return shard.rec().intern(tags) < marker;
  };
  u.set_tag("flow", "checkout");
  (void)u.check(1, "outside", [](int v) { return v == 1; });
  CHECK(recorded_with({{"scenario", "shop"}, {"flow", "checkout"}, {"check", "outside"}}));
  auto body = [&](sp::vu& v) -> sp::task<> {
    const auto inside = [&v]() -> sp::task<> {
      v.set_tag("step", "pay");  // dropped when the group is left
      (void)v.check(2, "inside", [](int x) { return x == 2; });
      v.record(orders, 1, {{"currency", "eur"}});
      co_return;
    };
    co_await v.group("cart", inside);
  };
  bool done = false;
  std::exception_ptr failure;
  asio::co_spawn(shard.io(), body(u), [&](const std::exception_ptr& e) {
    failure = e;
    done = true;
  });
  for (int i = 0; i < 1000 && !done; ++i) shard.io().run_one_for(10ms);
  REQUIRE(done);
  if (failure) std::rethrow_exception(failure);
  CHECK(recorded_with(
      {{"scenario", "shop"}, {"flow", "checkout"}, {"group", "::cart"}, {"step", "pay"}, {"check", "inside"}}));
  CHECK(recorded_with(
      {{"scenario", "shop"}, {"flow", "checkout"}, {"group", "::cart"}, {"step", "pay"}, {"currency", "eur"}}));
  CHECK(u.tags() == sp::tag_set{{"scenario", "shop"}, {"flow", "checkout"}});
  CHECK(u.group().empty());
  u.record(orders, 1);
  CHECK_THROWS_WITH(u.record(sp::trend{"orders"}, 1),
                    "metric orders is recorded as a trend but registered with the test as a counter");
  CHECK_THROWS_WITH(u.record(sp::counter{"unknown"}, 1),
                    "metric unknown is recorded but not registered with the test; list it in load_test::metrics");
  CHECK_THROWS_WITH(u.check(1, "", [](int) { return true; }), Catch::Matchers::Contains("a check needs a name"));
}

TEST_CASE("recording NaN or an infinity keeps it as k6 does, trends refuse it, and the summary prints it by name") {
  const sp::counter bytes_out{"bytes_out", sp::value_type::data};
  const sp::gauge queue{"queue"};
  const sp::rate hit{"hit"};
  const sp::trend size{"size", sp::value_type::data};
  sp::testing::manual_shard shard{sp::load_test{
      .scenarios = {{.name = "shop", .exec = no_iteration, .executor = sp::per_vu_iterations{}}},
      .metrics = {bytes_out, queue, hit, size}}};
  sp::vu u{shard.context(), shard.scenario(0), 1};
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  u.record(bytes_out, 100);
  u.record(bytes_out, nan);
  u.record(queue, -inf);
  u.record(hit, nan);  // not 0: counted as a hit, as k6's rate counts any non-zero value
  u.record(size, inf);
  u.record(size, nan);
  u.record(size, 5);

  const auto s = shard.rec().take(1s);
  const auto& counted = std::get<sp::counter_sink>(*s.find(bytes_out.descriptor()));
  CHECK(std::isnan(counted.sum));
  CHECK(counted.samples == 2);
  CHECK(std::get<sp::gauge_sink>(*s.find(queue.descriptor())).value == -inf);
  CHECK(std::get<sp::rate_sink>(*s.find(hit.descriptor())).nonzero == 1);
  const auto& trend = std::get<sp::trend_sink>(*s.find(size.descriptor()));
  CHECK(trend.rejected == 2);
  CHECK(trend.samples.count() == 1);

  sp::summary_options options;
  options.mode = sp::summary_mode::legacy;
  const auto text = sp::format_summary(s, {}, options);
  CHECK_THAT(text, Catch::Matchers::Contains("     bytes_out...: NaN B     NaN B/s\n"));
  CHECK_THAT(text, Catch::Matchers::Contains("     queue.......: -Infinity min=-Infinity max=-Infinity\n"));
}
