// Tests of the metric sinks: recording, merging, and the aggregations thresholds read.
#include <stampede/metrics/sink.hpp>

#include <stampede/core/error.hpp>
#include <stampede/eval/threshold.hpp>
#include <stampede/metrics/builtin.hpp>

#include "support/catch_compat.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <utility>
#include <stdexcept>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;
using sp::aggregation_kind;

namespace {

double value_of(const sp::sink& s, aggregation_kind kind, double percentile = 0,
                std::chrono::nanoseconds duration = 10s) {
  const auto v = sp::aggregate(s, kind, percentile, duration);
  REQUIRE(v.has_value());
  return *v;
}

}  // namespace

TEST_CASE("a counter sums, and its rate is per second of the run") {
  sp::sink s = sp::make_sink(sp::http_reqs.descriptor());
  for (int i = 0; i < 7821; ++i) std::get<sp::counter_sink>(s).add(1);
  CHECK(value_of(s, aggregation_kind::count) == 7821);
  CHECK(value_of(s, aggregation_kind::rate, 0, 10s) == Approx(782.1));
  CHECK(value_of(sp::make_sink(sp::http_reqs.descriptor()), aggregation_kind::count) == 0);
  CHECK(value_of(s, aggregation_kind::rate, 0, 0s) == 0);  // no time has passed: no rate
}

TEST_CASE("a gauge keeps the value recorded last, whatever order shards merge in") {
  sp::gauge_sink a, b;
  a.set(10, 1s);
  a.set(4, 3s);
  b.set(7, 2s);
  b.set(12, 2500ms);
  CHECK(a.value == 4);
  CHECK(a.min == 4);
  CHECK(a.max == 10);

  auto ab = a;
  ab.merge(b);
  auto ba = b;
  ba.merge(a);
  CHECK(ab == ba);
  CHECK(ab.value == 4);  // recorded at 3 s, the latest
  CHECK(ab.min == 4);
  CHECK(ab.max == 12);
  CHECK(ab.samples == 4);
  CHECK(value_of(sp::sink{ab}, aggregation_kind::value) == 4);
  CHECK_FALSE(sp::aggregate(sp::sink{sp::gauge_sink{}}, aggregation_kind::value, 0, 1s).has_value());
}

TEST_CASE("a rate is the share of non-zero samples and is empty without samples") {
  sp::rate_sink r;
  for (int i = 0; i < 100; ++i) r.add(i % 25 == 0);
  CHECK(value_of(sp::sink{r}, aggregation_kind::rate) == Approx(0.04));
  sp::rate_sink more;
  more.add(true);
  r.merge(more);
  CHECK(r.nonzero == 5);
  CHECK(r.total == 101);
  CHECK_FALSE(sp::aggregate(sp::sink{sp::rate_sink{}}, aggregation_kind::rate, 0, 1s).has_value());
}

TEST_CASE("a time trend answers avg, min, max, med and percentiles in nanoseconds") {
  sp::sink s = sp::make_sink(sp::http_req_duration.descriptor());
  auto& t = std::get<sp::trend_sink>(s);
  for (int ms = 1; ms <= 100; ++ms) t.add(ms * 1e6);
  CHECK(value_of(s, aggregation_kind::min) == 1e6);
  CHECK(value_of(s, aggregation_kind::max) == 100e6);
  CHECK(value_of(s, aggregation_kind::avg) == Approx(50.5e6).epsilon(1e-3));
  CHECK(value_of(s, aggregation_kind::med) == Approx(50.5e6).epsilon(1e-3));  // between 50 and 51 ms, as k6
  CHECK(value_of(s, aggregation_kind::percentile, 95) == Approx(95.05e6).epsilon(1e-3));
  CHECK_FALSE(sp::aggregate(sp::make_sink(sp::http_req_duration.descriptor()), aggregation_kind::avg, 0, 1s)
                  .has_value());
}

// k6's metrics/sink_test.go, TestTrendSink "percentile" and "format": k6 interpolates
// between the two closest ranks. Plain trends hold thousandths, so these values are exact.
TEST_CASE("trend percentiles interpolate between the two closest ranks, as k6's TrendSink.P") {
  const auto percentile = [](const sp::trend_sink& t, double p) {
    return t.value(p == 50 ? aggregation_kind::med : aggregation_kind::percentile, p);
  };
  sp::trend_sink none{sp::value_type::plain};
  CHECK_FALSE(percentile(none, 50).has_value());  // k6 says 0; the summary shows [no data]

  sp::trend_sink one{sp::value_type::plain};
  one.add(10);
  for (int p = 1; p <= 100; ++p) CHECK(percentile(one, p) == 10.0);

  sp::trend_sink two{sp::value_type::plain};
  two.add(5);
  two.add(10);
  CHECK(percentile(two, 0) == 5.0);
  CHECK(percentile(two, 50) == 7.5);  // the nearest rank would say 5
  CHECK(*percentile(two, 95) == Approx(5 + (10 - 5) * 0.95).epsilon(1e-12));
  CHECK(*percentile(two, 99) == Approx(5 + (10 - 5) * 0.99).epsilon(1e-12));
  CHECK(percentile(two, 100) == 10.0);

  // k6's unsortedSamples10. A histogram holds whole numbers below 2,048 exactly, so there the
  // answers are k6's to the last digit; a plain trend holds thousandths (55.0 is 55,000, in a
  // bucket 32 wide), so there they are within the histogram's bound, never below.
  const double samples10[] = {0.0, 100.0, 30.0, 80.0, 70.0, 60.0, 50.0, 40.0, 90.0, 20.0};
  sp::histogram exact;
  sp::trend_sink ten{sp::value_type::plain};
  for (const double v : samples10) {
    exact.record(static_cast<std::uint64_t>(v));
    ten.add(v);
  }
  const std::pair<double, double> k6_answers[] = {{0, 0.0}, {50, 55.0}, {90, 91.0}, {95, 95.5}, {99, 99.1}, {100, 100.0}};
  for (const auto& [p, k6] : k6_answers) {
    INFO("p(" << p << ")");
    CHECK(exact.interpolated_percentile(p) == Approx(k6).margin(1e-9));
    CHECK(*percentile(ten, p) >= k6);
    CHECK(*percentile(ten, p) <= k6 * (1 + exact.max_relative_error()));
  }
  CHECK(*ten.value(aggregation_kind::avg) == Approx(54.0));
}

TEST_CASE("an interpolated percentile never reads below k6's over the same samples, and within the bound above it") {
  std::mt19937_64 rng{11};
  std::lognormal_distribution<double> ns{16.0, 1.0};  // around 9 ms, spread over decades
  for (const std::size_t n : {2U, 3U, 17U, 1000U, 20'000U}) {
    sp::histogram h;
    std::vector<double> samples;
    for (std::size_t i = 0; i < n; ++i) {
      const auto v = static_cast<std::uint64_t>(ns(rng));
      h.record(v);
      samples.push_back(static_cast<double>(v));
    }
    std::sort(samples.begin(), samples.end());
    for (const double p : {0.0, 1.0, 25.0, 50.0, 90.0, 95.0, 99.0, 99.9, 100.0}) {
      // k6's TrendSink.P over the exact samples.
      const double i = p / 100.0 * (static_cast<double>(n) - 1.0);
      const double j = samples[static_cast<std::size_t>(std::floor(i))];
      const double k = samples[static_cast<std::size_t>(std::ceil(i))];
      const double exact = j + (k - j) * (i - std::floor(i));
      INFO("n = " << n << ", p = " << p);
      const double answer = h.interpolated_percentile(p);
      CHECK(answer >= exact);
      CHECK(answer <= exact + k * h.max_relative_error() + 1e-6);
    }
  }
}

TEST_CASE("a plain trend keeps three decimals") {
  sp::trend_sink t{sp::value_type::plain};
  t.add(2.5);
  t.add(0.125);
  CHECK(value_of(sp::sink{t}, aggregation_kind::max) == 2.5);
  CHECK(value_of(sp::sink{t}, aggregation_kind::min) == 0.125);
  CHECK(value_of(sp::sink{t}, aggregation_kind::avg) == Approx(1.3125));
}

TEST_CASE("NaN, infinite and negative trend samples are refused and counted") {
  sp::trend_sink t{sp::value_type::time};
  t.add(std::numeric_limits<double>::quiet_NaN());
  t.add(std::numeric_limits<double>::infinity());
  t.add(-5);
  t.add(1e6);
  CHECK(t.rejected == 3);
  CHECK(t.samples.count() == 1);
  CHECK(value_of(sp::sink{t}, aggregation_kind::max) == 1e6);
}

TEST_CASE("merging trends equals one trend that recorded everything, in any grouping") {
  sp::trend_sink a{sp::value_type::time}, b{sp::value_type::time}, c{sp::value_type::time},
      all{sp::value_type::time};
  for (int i = 0; i < 3000; ++i) {
    const double v = 1e5 * (1 + i % 97) + i;
    (i % 3 == 0 ? a : i % 3 == 1 ? b : c).add(v);
    all.add(v);
  }
  auto left = a;
  left.merge(b);
  left.merge(c);
  auto bc = b;
  bc.merge(c);
  auto right = a;
  right.merge(bc);
  CHECK(left == all);
  CHECK(right == all);
  CHECK_THROWS_AS(left.merge(sp::trend_sink{sp::value_type::data}), std::invalid_argument);

  sp::sink counter = sp::counter_sink{};
  CHECK_THROWS_AS(sp::merge(counter, sp::sink{sp::rate_sink{}}), std::invalid_argument);
}

TEST_CASE("an aggregation a sink does not have is a usage error") {
  CHECK_THROWS_AS(sp::aggregate(sp::sink{sp::counter_sink{}}, aggregation_kind::percentile, 95, 1s),
                  sp::usage_error);
  CHECK_THROWS_WITH(sp::aggregate(sp::sink{sp::rate_sink{}}, aggregation_kind::avg, 0, 1s),
                    "the avg aggregation does not apply to a rate metric");
  CHECK_THROWS_AS(sp::aggregate(sp::sink{sp::trend_sink{}}, aggregation_kind::count, 0, 1s),
                  sp::usage_error);
}

TEST_CASE("thresholds evaluate against sinks: the seed run's figures pass k6's usual thresholds") {
  // Figures from a k6 run in shared/seeds: 7821 requests in 10 s, none failed, p(95)≈17.8 ms.
  std::map<std::string, sp::sink> sinks;
  auto& duration = std::get<sp::trend_sink>(
      sinks.emplace("http_req_duration", sp::make_sink(sp::http_req_duration.descriptor())).first->second);
  auto& failed = std::get<sp::rate_sink>(
      sinks.emplace("http_req_failed", sp::make_sink(sp::http_req_failed.descriptor())).first->second);
  for (int i = 0; i < 7821; ++i) {
    duration.add((3.17 + 15.0 * (i % 100) / 100.0) * 1e6);  // 3.17 ms … 18.02 ms
    failed.add(false);
  }
  const sp::aggregate_source source = [&](const sp::metric_aggregate& a) -> std::vector<double> {
    const auto value = sp::aggregate(sinks.at(a.metric.name), a.kind, a.percentile, 10s);
    return value ? std::vector<double>{*value} : std::vector<double>{};
  };

  const auto result = ((sp::http_req_duration.p(95) < 200ms) && (sp::http_req_failed.rate() < 0.01)).evaluate(source);
  CHECK(result.passed);
  REQUIRE(result.conditions.size() == 2);
  // Nearest rank 7430 of 7821 falls on the 95th step of the grid: 3.17 + 15 × 0.94 ms.
  CHECK(*result.conditions[0].observed == Approx(17.27e6).epsilon(1e-3));
  CHECK(*result.conditions[1].observed == 0);
  CHECK_FALSE((sp::http_req_duration.p(95) < 15ms).evaluate(source).passed);
}
