// Tests of the time series outputs are written from: one row per metric and interval,
// pairwise merging beyond the capacity (bounded memory), and the CSV and JSON writers.
#include <stampede/metrics/time_series.hpp>

#include <stampede/core/error.hpp>
#include <stampede/core/json.hpp>

#include "support/catch_compat.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

const sp::metric_descriptor cart_size{
    .name = "cart_size", .type = sp::metric_type::trend, .contains = sp::value_type::plain, .filter = {}};

// A one-second delta, [second, second + 1), with a counter, a gauge, a rate and a trend.
sp::snapshot delta_at(std::int64_t second, double requests, double vus, std::uint64_t failed,
                      const std::vector<double>& durations_ms) {
  sp::snapshot d{std::chrono::seconds{second}, std::chrono::seconds{second + 1}};
  d.add(sp::http_reqs.descriptor(), sp::counter_sink{.sum = requests, .samples = static_cast<std::uint64_t>(requests)});
  sp::gauge_sink g;
  g.set(vus, std::chrono::seconds{second});
  d.add(sp::vus.descriptor(), g);
  d.add(sp::http_req_failed.descriptor(), sp::rate_sink{.nonzero = failed, .total = 10});
  if (!durations_ms.empty()) {
    sp::trend_sink t{sp::value_type::time};
    for (const double ms : durations_ms) t.add(ms * 1e6);
    d.add(sp::http_req_duration.descriptor(), t);
  }
  return d;
}

template <class Point>
const Point& point(const sp::time_series& ts, const sp::metric_descriptor& metric, std::size_t row) {
  const auto* s = ts.find(metric);
  REQUIRE(s != nullptr);
  REQUIRE(row < s->rows.size());
  return std::get<Point>(s->rows[row].data);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t from = 0;
  for (auto at = text.find('\n'); at != std::string::npos; at = text.find('\n', from)) {
    lines.push_back(text.substr(from, at - from));
    from = at + 1;
  }
  return lines;
}

}  // namespace

TEST_CASE("each delta becomes one row per metric that got samples, with what outputs need") {
  sp::time_series ts;
  ts.add(delta_at(0, 120, 5, 3, {10, 20, 30, 40}));
  ts.add(delta_at(1, 80, 7, 0, {}));

  REQUIRE(ts.intervals().size() == 2);
  CHECK(ts.intervals()[1] == sp::series_interval{.start = 1s, .end = 2s, .deltas = 1});
  CHECK(point<sp::counter_point>(ts, sp::http_reqs.descriptor(), 1).count == 80);
  CHECK(point<sp::gauge_point>(ts, sp::vus.descriptor(), 0).value == 5);
  CHECK(point<sp::rate_point>(ts, sp::http_req_failed.descriptor(), 0) == sp::rate_point{.hits = 3, .total = 10});

  const auto& t = point<sp::trend_point>(ts, sp::http_req_duration.descriptor(), 0);
  CHECK(t.count == 4);
  CHECK(t.avg() == 25e6);
  CHECK(t.min == 10e6);
  CHECK(t.max == 40e6);
  // k6's percentiles, interpolated between the closest ranks: 20 + (30 - 20) × 0.5 ms and
  // 30 + (40 - 30) × 0.97 ms; the histogram never under-reports.
  CHECK(t.med == Approx(25e6).epsilon(0.001));
  CHECK(t.med >= 25e6);
  CHECK(t.p99 == Approx(39.7e6).epsilon(0.001));
  CHECK(t.p99 >= 39.7e6);
  // No durations in the second delta: no row for that interval.
  CHECK(ts.find(sp::http_req_duration.descriptor())->rows.size() == 1);
  CHECK(ts.series().size() == 4);
  CHECK(ts.find(sp::iterations.descriptor()) == nullptr);
}

TEST_CASE("beyond its capacity adjacent intervals merge pairwise and the resolution halves") {
  sp::time_series ts{4};
  for (std::int64_t s = 0; s < 5; ++s) ts.add(delta_at(s, static_cast<double>(s + 1), 0, 0, {}));
  // Five one-second intervals do not fit in four: [0,2) [2,4) [4,5).
  CHECK(ts.deltas_per_interval() == 2);
  REQUIRE(ts.intervals().size() == 3);
  CHECK(ts.intervals()[0] == sp::series_interval{.start = 0s, .end = 2s, .deltas = 2});
  CHECK(ts.intervals()[2] == sp::series_interval{.start = 4s, .end = 5s, .deltas = 1});
  CHECK(point<sp::counter_point>(ts, sp::http_reqs.descriptor(), 0).count == 1 + 2);
  CHECK(point<sp::counter_point>(ts, sp::http_reqs.descriptor(), 1).count == 3 + 4);

  // The next delta fills the open interval at the new resolution.
  ts.add(delta_at(5, 6, 0, 0, {}));
  CHECK(ts.intervals().size() == 3);
  CHECK(ts.intervals()[2] == sp::series_interval{.start = 4s, .end = 6s, .deltas = 2});
  CHECK(point<sp::counter_point>(ts, sp::http_reqs.descriptor(), 2).count == 5 + 6);

  for (std::int64_t s = 6; s < 9; ++s) ts.add(delta_at(s, static_cast<double>(s + 1), 0, 0, {}));
  CHECK(ts.deltas_per_interval() == 4);
  REQUIRE(ts.intervals().size() == 3);
  CHECK(ts.intervals()[1] == sp::series_interval{.start = 4s, .end = 8s, .deltas = 4});
  CHECK(point<sp::counter_point>(ts, sp::http_reqs.descriptor(), 1).count == 5 + 6 + 7 + 8);
  CHECK(point<sp::counter_point>(ts, sp::http_reqs.descriptor(), 2).count == 9);
}

TEST_CASE("merged intervals keep counts, sums, extremes and the later gauge value exactly") {
  sp::time_series ts{2};
  ts.add(delta_at(0, 10, 3, 1, {1, 2, 3}));        // mean 2
  ts.add(delta_at(1, 20, 9, 2, {100, 200}));       // mean 150
  ts.add(delta_at(2, 40, 1, 4, {7}));              // forces the merge of the first two
  REQUIRE(ts.intervals().size() == 2);

  CHECK(point<sp::counter_point>(ts, sp::http_reqs.descriptor(), 0).count == 30);
  const auto& g = point<sp::gauge_point>(ts, sp::vus.descriptor(), 0);
  CHECK(g.value == 9);  // the later interval's
  CHECK(g.min == 3);
  CHECK(g.max == 9);
  CHECK(g.samples == 2);
  CHECK(point<sp::rate_point>(ts, sp::http_req_failed.descriptor(), 0) == sp::rate_point{.hits = 3, .total = 20});

  const auto& t = point<sp::trend_point>(ts, sp::http_req_duration.descriptor(), 0);
  CHECK(t.count == 5);
  CHECK(t.sum == 306e6);
  CHECK(t.avg() == Approx(61.2e6));
  CHECK(t.min == 1e6);
  CHECK(t.max == 200e6);
}

TEST_CASE("a merged interval's percentile is the count-weighted mean of the two, within their range") {
  sp::time_series ts{2};
  ts.add(delta_at(0, 1, 0, 0, {10, 10, 10}));  // med 10 ms, count 3
  ts.add(delta_at(1, 1, 0, 0, {40}));          // med 40 ms, count 1
  const auto before_a = point<sp::trend_point>(ts, sp::http_req_duration.descriptor(), 0);
  const auto before_b = point<sp::trend_point>(ts, sp::http_req_duration.descriptor(), 1);
  ts.add(delta_at(2, 1, 0, 0, {}));
  const auto& merged = point<sp::trend_point>(ts, sp::http_req_duration.descriptor(), 0);
  CHECK(merged.med == Approx((before_a.med * 3 + before_b.med * 1) / 4));
  CHECK(merged.p99 == Approx((before_a.p99 * 3 + before_b.p99 * 1) / 4));
  // The exact median of {10, 10, 10, 40} is 10 ms; the estimate lies between the parts' medians.
  CHECK(merged.med >= before_a.med);
  CHECK(merged.med <= before_b.med);
}

TEST_CASE("memory stays bounded: 100,000 one-second deltas keep at most capacity intervals") {
  sp::time_series ts;  // the default capacity, 3,600
  const sp::histogram_config small{.lowest = 1, .highest = 1'000'000, .significant_digits = 1};
  double total = 0;
  // One sink, emptied each time, of a small config: 100,000 sinks of the default config
  // (dense histograms then) took two minutes under AddressSanitizer.
  sp::trend_sink t{sp::value_type::plain};
  t.samples = sp::histogram{small};
  for (std::int64_t s = 0; s < 100'000; ++s) {
    sp::snapshot d{std::chrono::seconds{s}, std::chrono::seconds{s + 1}};
    const double requests = static_cast<double>(s % 7);
    total += requests;
    d.add(sp::http_reqs.descriptor(), sp::counter_sink{.sum = requests, .samples = 1});
    t.samples.reset();
    t.add(static_cast<double>(s % 100));
    d.add(cart_size, t);
    ts.add(d);
    if (ts.intervals().size() > ts.capacity()) FAIL("more than capacity intervals after " << s + 1 << " deltas");
  }
  CHECK(ts.intervals().size() <= 3600);
  CHECK(ts.deltas_per_interval() == 32);  // 3,600 × 16 < 100,000 ≤ 3,600 × 32
  for (const auto& s : ts.series()) CHECK(s.rows.size() <= 3600);

  // Nothing was lost, and the intervals tile the run.
  double counted = 0;
  for (const auto& row : ts.find(sp::http_reqs.descriptor())->rows) counted += std::get<sp::counter_point>(row.data).count;
  CHECK(counted == total);
  std::uint64_t deltas = 0;
  std::uint64_t samples = 0;
  for (const auto& row : ts.find(cart_size)->rows) samples += std::get<sp::trend_point>(row.data).count;
  for (std::size_t i = 0; i < ts.intervals().size(); ++i) {
    const auto& interval = ts.intervals()[i];
    deltas += interval.deltas;
    if (i > 0 && interval.start != ts.intervals()[i - 1].end) FAIL("interval " << i << " does not start where the previous ended");
    if (i + 1 < ts.intervals().size() && interval.deltas != 32) FAIL("interval " << i << " is not full");
  }
  CHECK(deltas == 100'000);
  CHECK(samples == 100'000);
  CHECK(ts.intervals().front().start == 0s);
  CHECK(ts.intervals().back().end == 100'000s);
}

TEST_CASE("to_csv writes one line per metric and interval, quoting awkward tag text per RFC 4180") {
  sp::time_series ts;
  sp::snapshot d{0s, 2s};
  auto sub = sp::http_reqs.descriptor();
  sub.filter = sp::tag_filter{{"url", "http://h/?a=1,b=\"2\""}, {"name", "line\nbreak"}};
  d.add(sp::http_reqs.descriptor(), sp::counter_sink{.sum = 7, .samples = 7});
  d.add(sub, sp::counter_sink{.sum = 3, .samples = 3});
  sp::trend_sink t{sp::value_type::time};
  t.add(2.5e6);
  d.add(sp::http_req_duration.descriptor(), t);
  d.add(sp::http_req_failed.descriptor(), sp::rate_sink{.nonzero = 1, .total = 4});
  ts.add(d);
  sp::snapshot later{2s, 3s};
  later.add(sp::vus.descriptor(), sp::gauge_sink{.value = 4, .min = 2, .max = 6, .at = 2s, .samples = 3});
  ts.add(later);

  const auto lines = lines_of(sp::to_csv(ts));
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] == "metric,type,tags,start,end,count,rate,hits,total,value,min,max,avg,med,p(90),p(95),p(99)");
  CHECK(lines[1] == "http_reqs,counter,,0,2,7,3.5,,,,,,,,,,");
  CHECK(lines[2] == R"(http_reqs,counter,"{name:""line\nbreak"",url:""http://h/?a=1,b=\""2\""""}",0,2,3,1.5,,,,,,,,,,)");
  CHECK(lines[3] == "http_req_duration,trend,,0,2,1,,,,,2.5,2.5,2.5,2.5,2.5,2.5,2.5");
  CHECK(lines[4] == "http_req_failed,rate,,0,2,,0.25,1,4,,,,,,,,");
  CHECK(lines[5] == "vus,gauge,,2,3,,,,,4,2,6,,,,,");
}

TEST_CASE("to_json writes every series with its rows, readable by the project's JSON reader") {
  sp::time_series ts;
  ts.add(delta_at(0, 120, 5, 3, {10, 20}));
  ts.add(delta_at(1, 80, 7, 0, {30}));
  const auto doc = sp::parse_json(sp::to_json(ts));
  const sp::json_ref root{doc};
  CHECK(root["format"].as_string() == "stampede-time-series");
  CHECK(root["deltas_per_interval"].as_uint64() == 1);
  REQUIRE(root["series"].array_size() == 4);
  const auto reqs = root["series"][0];
  CHECK(reqs["metric"].as_string() == "http_reqs");
  CHECK(reqs["rows"][1]["start"].as_double() == 1);
  CHECK(reqs["rows"][1]["count"].as_double() == 80);
  CHECK(reqs["rows"][1]["rate"].as_double() == 80);
  const auto duration = root["series"][3];
  CHECK(duration["contains"].as_string() == "time");
  CHECK(duration["rows"][0]["avg"].as_double() == 15);  // milliseconds
  CHECK(duration["rows"][1]["max"].as_double() == 30);
  CHECK_FALSE(duration["rows"][0].find("hits").has_value());
}

TEST_CASE("time_series refuses deltas out of time order, a metric that changes type, and a tiny capacity") {
  sp::time_series ts;
  ts.add(delta_at(5, 1, 1, 1, {}));
  CHECK_THROWS_WITH(ts.add(delta_at(4, 1, 1, 1, {})), Catch::Matchers::Contains("deltas must come in time order"));
  sp::snapshot changed{6s, 7s};
  changed.add({.name = "http_reqs", .type = sp::metric_type::rate, .contains = sp::value_type::plain, .filter = {}},
              sp::rate_sink{.nonzero = 1, .total = 1});
  CHECK_THROWS_WITH(ts.add(changed), Catch::Matchers::Contains("http_reqs was a counter and is now a rate"));
  CHECK(ts.intervals().size() == 1);  // the refused deltas changed nothing
  CHECK_THROWS_AS(sp::time_series{1}, sp::usage_error);
}
