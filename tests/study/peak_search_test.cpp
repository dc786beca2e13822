// The peak search's bisection and confirmations, from tables of outcomes instead of runs.
#include <stampede/study/peak.hpp>

#include "support/catch_compat.hpp"

#include <cstddef>
#include <map>
#include <vector>

namespace sp = stampede;

namespace {

struct tried {
  double rate;
  bool confirmation;
  friend bool operator==(const tried&, const tried&) = default;
};

std::vector<tried> rates_of(const sp::peak_result& r) {
  std::vector<tried> out;
  for (const auto& a : r.attempts) out.push_back({a.rate, a.confirmation});
  return out;
}

sp::peak_search search_100_to_1000() {
  return {.low = 100, .high = 1000, .criteria = {sp::http_req_failed.rate() < 0.01}, .precision = 0.05,
          .confirmations = 2, .max_runs = 20};
}

// Passes at or below `capacity`.
sp::peak_search::attempt_fn capacity(double limit) {
  return [limit](double rate, bool) {
    sp::peak_attempt a;
    a.passed = rate <= limit;
    return a;
  };
}

}  // namespace

TEST_CASE("the peak search bisects between the highest pass and the lowest failure, then confirms") {
  const auto r = search_100_to_1000().search(capacity(730));
  // 746.875 fails and (746.875 − 718.75) / 718.75 < 5%: narrow enough, so 718.75 runs twice more.
  CHECK(rates_of(r) == std::vector<tried>{{100, false}, {1000, false}, {550, false}, {775, false}, {662.5, false},
                                          {718.75, false}, {746.875, false}, {718.75, true}, {718.75, true}});
  REQUIRE(r.peak.has_value());
  CHECK(*r.peak == 718.75);
  CHECK(r.confirmed);
  CHECK_FALSE(r.at_upper_bound);
}

TEST_CASE("a failed confirmation makes that rate a failure and the search goes on below it") {
  // 718.75 passes once, then fails its first confirmation (a noisy system): the search
  // resumes from the pass below it, 662.5.
  std::map<double, int> seen;
  const auto flaky = [&seen](double rate, bool) {
    sp::peak_attempt a;
    a.passed = rate <= 700 || (rate == 718.75 && seen[rate]++ == 0);
    return a;
  };
  const auto r = search_100_to_1000().search(flaky);
  // Then 690.625 passes, within 5% of 718.75, and is confirmed.
  CHECK(rates_of(r) == std::vector<tried>{{100, false},    {1000, false},   {550, false},     {775, false},
                                          {662.5, false},  {718.75, false}, {746.875, false}, {718.75, true},
                                          {690.625, false}, {690.625, true}, {690.625, true}});
  REQUIRE(r.peak.has_value());
  CHECK(*r.peak == 690.625);
  CHECK(r.confirmed);
}

TEST_CASE("a failure at low ends the search without a peak; a pass at high ends it at the bound") {
  const auto none = search_100_to_1000().search(capacity(50));
  CHECK(rates_of(none) == std::vector<tried>{{100, false}});
  CHECK_FALSE(none.peak.has_value());

  const auto above = search_100_to_1000().search(capacity(5000));
  CHECK(rates_of(above) == std::vector<tried>{{100, false}, {1000, false}});
  REQUIRE(above.peak.has_value());
  CHECK(*above.peak == 1000);
  CHECK(above.at_upper_bound);
}

TEST_CASE("when runs run out the highest pass is reported unconfirmed") {
  auto s = search_100_to_1000();
  s.max_runs = 4;
  const auto r = s.search(capacity(730));
  CHECK(rates_of(r) == std::vector<tried>{{100, false}, {1000, false}, {550, false}, {775, false}});
  REQUIRE(r.peak.has_value());
  CHECK(*r.peak == 550);
  CHECK_FALSE(r.confirmed);
}

TEST_CASE("a bad search definition is refused before any attempt") {
  int attempts = 0;
  const auto counting = [&attempts](double, bool) {
    ++attempts;
    return sp::peak_attempt{};
  };
  auto s = search_100_to_1000();
  s.precision = 1.5;
  CHECK_THROWS_WITH(s.search(counting), "peak_search: precision must be in (0, 1), not 1.5");
  s = search_100_to_1000();
  s.criteria.clear();
  CHECK_THROWS_WITH(s.search(counting), "peak_search: no criteria (e.g. http_req_duration.p(99) < 50ms)");
  CHECK(attempts == 0);
  CHECK_THROWS_WITH(search_100_to_1000().run(), "peak_search: no test");
}
