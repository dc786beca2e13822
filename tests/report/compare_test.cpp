// Comparing runs (report/compare.hpp): the noise rules as tables (percentiles from the exact
// histograms, Wilson intervals for failure rates, Poisson counts), and compare_runs on
// hand-built runs — identical runs change nothing, a doubled latency is real, two more
// failures in 10,000 are noise, a threshold's sub-metric counts nothing twice — with the text
// and Markdown as golden files and the HTML page checked for what it must and must not hold.
#include <stampede/report/compare.hpp>

#include <stampede/metrics/builtin.hpp>

#include "support/catch_compat.hpp"
#include "support/golden.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

// A histogram of the values 1 … n ms (in ns), each once.
sp::histogram one_to_n_ms(std::uint64_t n) {
  sp::histogram h;
  for (std::uint64_t i = 1; i <= n; ++i) h.record(i * 1'000'000);
  return h;
}

// `n` samples spread evenly over [ms, 2·ms) in a shuffled order, times `factor`.
sp::histogram spread(std::uint64_t n, double ms, double factor = 1.0) {
  sp::histogram h;
  for (std::uint64_t i = 0; i < n; ++i) {
    const double share = static_cast<double>((i * 7919) % n) / static_cast<double>(n);
    h.record(static_cast<std::uint64_t>(std::llround(ms * (1.0 + share) * factor * 1e6)));
  }
  return h;
}

std::optional<sp::noise_interval> percentile_of(const sp::histogram& h, double p) { return sp::noise_percentile(h, p); }

sp::change_verdict judge_percentile(const sp::histogram& base, const sp::histogram& other, double p) {
  return sp::judge_change(sp::noise_percentile(base, p), sp::noise_percentile(other, p));
}

// --- hand-built runs -------------------------------------------------------------------------

struct endpoint {
  std::string name;
  std::string scenario;
  std::uint64_t requests = 0;
  std::uint64_t failures = 0;
  double ms = 0;  // durations spread over [ms, 2·ms)
};

// A run of `length` with these endpoints' requests, and one iteration per request (its duration
// 100 ms longer), recorded as a run with `--out result=` keeps them: each metric whole and
// split by name and scenario (the iterations by scenario).
sp::result hand_built_run(const std::vector<endpoint>& endpoints, std::chrono::seconds length = 60s) {
  sp::snapshot s{0ns, length};
  for (const auto& e : endpoints) {
    sp::counter_sink requests{.sum = static_cast<double>(e.requests), .samples = e.requests};
    sp::rate_sink failed{.nonzero = e.failures, .total = e.requests};
    auto duration = std::get<sp::trend_sink>(sp::make_sink(sp::http_req_duration.descriptor()));
    auto iteration = std::get<sp::trend_sink>(sp::make_sink(sp::iteration_duration.descriptor()));
    for (std::uint64_t i = 0; i < e.requests; ++i) {
      const double share = static_cast<double>((i * 7919) % e.requests) / static_cast<double>(e.requests);
      duration.add(e.ms * (1.0 + share) * 1e6);
      iteration.add((e.ms * (1.0 + share) + 100.0) * 1e6);
    }
    const auto split = [&](const auto& metric) { return metric.where("name", e.name).where("scenario", e.scenario).descriptor(); };
    for (const auto& d : {sp::http_reqs.descriptor(), split(sp::http_reqs)}) s.add(d, requests);
    for (const auto& d : {sp::http_req_failed.descriptor(), split(sp::http_req_failed)}) s.add(d, failed);
    for (const auto& d : {sp::http_req_duration.descriptor(), split(sp::http_req_duration)}) s.add(d, duration);
    for (const auto& d : {sp::iterations.descriptor(), sp::iterations.where("scenario", e.scenario).descriptor()}) {
      s.add(d, requests);
    }
    for (const auto& d :
         {sp::iteration_duration.descriptor(), sp::iteration_duration.where("scenario", e.scenario).descriptor()}) {
      s.add(d, iteration);
    }
  }
  sp::result r;
  r.metrics = std::move(s);
  r.duration = length;
  return r;
}

std::vector<endpoint> shop(double items_ms = 40, std::uint64_t items_failures = 10) {
  return {{.name = "/login", .scenario = "browse", .requests = 2000, .failures = 0, .ms = 5},
          {.name = "/items/{id}", .scenario = "browse", .requests = 1000, .failures = items_failures, .ms = items_ms},
          {.name = "/checkout", .scenario = "buy", .requests = 300, .failures = 3, .ms = 120}};
}

const sp::compared_group& group_named(const sp::run_comparison& c, const std::string& name) {
  for (const auto& g : c.groups) {
    if (g.name == name) return g;
  }
  FAIL("no group " << name);
  return c.groups.front();
}

const sp::compared_value& value_of(const sp::compared_group& g, sp::compared_metric m, std::size_t run) {
  for (const auto& row : g.rows) {
    if (row.metric == m) {
      REQUIRE(run < row.runs.size());
      return row.runs[run];
    }
  }
  FAIL("no row " << sp::to_string(m) << " in " << g.name);
  return g.rows.front().runs.front();
}

std::size_t count_of(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

}  // namespace

// --- the noise rules ---------------------------------------------------------------------------

TEST_CASE("a percentile's interval maps the binomial rank interval through the histogram, open where it is clamped") {
  struct row {
    std::uint64_t n;        // samples 1 … n ms
    double p;
    double low_ms;   // the value of the low rank (0: open)
    double high_ms;  // the value of the high rank (∞: open)
  };
  // n·q ± 1.96·√(n·q·(1−q)), outward to whole ranks; rank r of 1 … n ms is r ms.
  const row rows[] = {
      {1, 50, 0, infinity},        // 0.5 ± 0.98: one sample bounds neither side
      {2, 50, 0, infinity},        // 1 ± 1.39
      {5, 50, 0, 5},               // 2.5 ± 2.19 → 0.31 (open), 4.69 → rank 5, the max
      {8, 50, 1, 7},               // 4 ± 2.77 → ranks 1 (the min) and 7
      {20, 50, 5, 15},             // 10 ± 4.38 → ranks 5 and 15
      {20, 95, 17, infinity},      // 19 ± 1.91 → rank 17, and 20.9 is past the largest
      {100, 99, 97, infinity},     // 99 ± 1.95 → rank 97; p(99) of 100 has no upper bound
      {1000, 50, 469, 531},        // 500 ± 30.99
      {1000, 95, 936, 964},        // 950 ± 13.51
      {1000, 99, 983, 997},        // 990 ± 6.17
  };
  for (const auto& r : rows) {
    const auto h = one_to_n_ms(r.n);
    const auto range = percentile_of(h, r.p);
    INFO("n = " << r.n << ", p = " << r.p);
    REQUIRE(range.has_value());
    const double error = h.max_relative_error();
    if (r.low_ms == 0) {
      CHECK(range->low == 0);
    } else {
      // The rank's value (the top of its bucket, at most 1 + ε above), less ε.
      CHECK(range->low <= r.low_ms * 1e6);
      CHECK(range->low >= r.low_ms * 1e6 * (1 - error));
    }
    if (std::isinf(r.high_ms)) {
      CHECK(std::isinf(range->high));
    } else {
      CHECK(range->high >= r.high_ms * 1e6 * (1 + error));
      CHECK(range->high <= r.high_ms * 1e6 * (1 + error) * (1 + error));
    }
  }
}

TEST_CASE("a percentile of no samples has no interval, and p outside [0, 100] is refused") {
  CHECK_FALSE(percentile_of(sp::histogram{}, 50).has_value());
  CHECK_THROWS_AS(percentile_of(one_to_n_ms(10), 101), std::invalid_argument);
  CHECK_THROWS_AS(percentile_of(one_to_n_ms(10), std::nan("")), std::invalid_argument);
}

TEST_CASE("percentile changes: identical runs are noise, 2x with 1000 samples is real, 3% with 20 is noise") {
  struct row {
    std::uint64_t n;
    double factor;  // the other run's durations, times the base's
    double p;
    sp::change_verdict expected;
  };
  const row rows[] = {
      {1000, 1.0, 50, sp::change_verdict::noise},    {1000, 1.0, 99, sp::change_verdict::noise},
      {1000, 2.0, 50, sp::change_verdict::increase}, {1000, 2.0, 95, sp::change_verdict::increase},
      {1000, 2.0, 99, sp::change_verdict::increase}, {1000, 0.5, 50, sp::change_verdict::decrease},
      {20, 1.03, 50, sp::change_verdict::noise},     {20, 1.03, 95, sp::change_verdict::noise},
      {1000, 1.03, 50, sp::change_verdict::noise},   {1000, 1.2, 50, sp::change_verdict::increase},
      {1, 2.0, 50, sp::change_verdict::noise},       {1, 1.0, 50, sp::change_verdict::noise},
      {0, 2.0, 50, sp::change_verdict::no_data},
  };
  for (const auto& r : rows) {
    INFO("n = " << r.n << ", ×" << r.factor << ", p = " << r.p);
    CHECK(judge_percentile(spread(r.n, 10), spread(r.n, 10, r.factor), r.p) == r.expected);
  }
  // One run without samples: nothing to judge by.
  CHECK(judge_percentile(sp::histogram{}, spread(100, 10), 50) == sp::change_verdict::no_data);
}

TEST_CASE("a failure rate's interval is Wilson's score interval at 95%") {
  struct row {
    std::uint64_t hits, total;
    double low, high;
  };
  const row rows[] = {
      {0, 1, 0.0, 0.793457},           {1, 1, 0.206543, 1.0},           {1, 2, 0.094529, 0.905471},
      {0, 10, 0.0, 0.277540},          {5, 10, 0.236590, 0.763410},     {10, 10000, 0.000543, 0.001840},
      {12, 10000, 0.000687, 0.002096}, {100, 10000, 0.008229, 0.012147},
  };
  for (const auto& r : rows) {
    INFO(r.hits << " of " << r.total);
    const auto range = sp::noise_proportion(r.hits, r.total);
    REQUIRE(range.has_value());
    CHECK(range->low == Approx(r.low).margin(1e-6));
    CHECK(range->high == Approx(r.high).margin(1e-6));
  }
  CHECK_FALSE(sp::noise_proportion(0, 0).has_value());
  // Two more failures in 10,000 are noise; ten times as many are not.
  const auto base = sp::noise_proportion(10, 10000);
  CHECK(sp::judge_change(base, sp::noise_proportion(12, 10000)) == sp::change_verdict::noise);
  CHECK(sp::judge_change(base, sp::noise_proportion(10, 10000)) == sp::change_verdict::noise);
  CHECK(sp::judge_change(base, sp::noise_proportion(100, 10000)) == sp::change_verdict::increase);
  CHECK(sp::judge_change(sp::noise_proportion(100, 10000), base) == sp::change_verdict::decrease);
  CHECK(sp::judge_change(sp::noise_proportion(0, 1), sp::noise_proportion(1, 1)) == sp::change_verdict::noise);
}

TEST_CASE("a count's interval is Poisson's, count ± 1.96·√count, divided by the run's seconds for a rate") {
  struct row {
    double count, seconds, low, high;
  };
  const row rows[] = {
      {0, 1, 0, 0},          {1, 1, 0, 2.96},  {4, 1, 0.08, 7.92},
      {100, 1, 80.4, 119.6}, {100, 10, 8.04, 11.96}, {10000, 60, 9804.0 / 60, 10196.0 / 60},
  };
  for (const auto& r : rows) {
    INFO(r.count << " in " << r.seconds << " s");
    const auto range = sp::noise_count(r.count, r.seconds);
    REQUIRE(range.has_value());
    CHECK(range->low == Approx(r.low).margin(1e-9));
    CHECK(range->high == Approx(r.high).margin(1e-9));
  }
  CHECK_FALSE(sp::noise_count(5, 0).has_value());
  const auto thousand = sp::noise_count(1000);
  CHECK(sp::judge_change(thousand, sp::noise_count(1000)) == sp::change_verdict::noise);
  CHECK(sp::judge_change(thousand, sp::noise_count(1100)) == sp::change_verdict::noise);  // [938, 1062] and [1035, 1165]
  CHECK(sp::judge_change(thousand, sp::noise_count(1200)) == sp::change_verdict::increase);
  CHECK(sp::judge_change(thousand, sp::noise_count(800)) == sp::change_verdict::decrease);
  CHECK(sp::judge_change(sp::noise_count(0), sp::noise_count(5)) == sp::change_verdict::increase);
  CHECK(sp::judge_change(sp::noise_count(0), sp::noise_count(1)) == sp::change_verdict::noise);
}

TEST_CASE("a change is real only when the intervals do not overlap; touching ones overlap") {
  using sp::noise_interval;
  struct row {
    std::optional<noise_interval> base, other;
    sp::change_verdict expected;
  };
  const row rows[] = {
      {noise_interval{1, 2}, noise_interval{1.5, 3}, sp::change_verdict::noise},
      {noise_interval{1, 2}, noise_interval{2, 3}, sp::change_verdict::noise},
      {noise_interval{1, 2}, noise_interval{2.01, 3}, sp::change_verdict::increase},
      {noise_interval{1, 2}, noise_interval{0, 0.99}, sp::change_verdict::decrease},
      {noise_interval{1, infinity}, noise_interval{500, infinity}, sp::change_verdict::noise},
      {std::nullopt, noise_interval{1, 2}, sp::change_verdict::no_data},
      {noise_interval{1, 2}, std::nullopt, sp::change_verdict::no_data},
  };
  for (const auto& r : rows) CHECK(sp::judge_change(r.base, r.other) == r.expected);
}

// --- compare_runs ------------------------------------------------------------------------------

TEST_CASE("identical runs show no real change anywhere") {
  const auto c = sp::compare_runs({{"a.json", hand_built_run(shop())}, {"b.json", hand_built_run(shop())}});
  REQUIRE(c.groups.size() == 4);  // the whole run, /checkout, /items/{id}, /login
  CHECK(c.groups[0].name.empty());
  CHECK(c.groups[1].name == "/checkout");
  CHECK(c.groups[2].name == "/items/{id}");
  CHECK(c.groups[3].name == "/login");
  std::size_t judged = 0;
  for (const auto& g : c.groups) {
    for (const auto& row : g.rows) {
      REQUIRE(row.runs.size() == 2);
      CHECK(row.runs[0].verdict == sp::change_verdict::baseline);
      CHECK(row.runs[1].verdict == sp::change_verdict::noise);
      CHECK(row.runs[1].relative == 0);
      ++judged;
    }
  }
  CHECK(judged == 10 + 3 * 6);  // the whole run has the iterations too
  CHECK(sp::regressions(c, 0).empty());
}

TEST_CASE("a run whose /items latency doubles shows a real rise there, and a regression beyond 10%") {
  const auto base = hand_built_run(shop());
  const auto slower = hand_built_run(shop(80));
  // [compare_runs]
  const auto c = sp::compare_runs({{"base.json", base}, {"new.json", slower}});  // by endpoint (name)
  const auto text = sp::format_comparison_text(c);  // or _markdown, _html
  const auto found = sp::regressions(c, 0.10);       // real changes for the worse, by more than 10%
  // [compare_runs]
  CHECK(text.find("█ ENDPOINT: /items/{id}") != std::string::npos);
  const auto& items = group_named(c, "/items/{id}");
  for (const auto m : {sp::compared_metric::duration_med, sp::compared_metric::duration_p95, sp::compared_metric::duration_p99}) {
    const auto& v = value_of(items, m, 1);
    INFO(sp::to_string(m));
    CHECK(v.verdict == sp::change_verdict::increase);
    CHECK(v.relative == Approx(1.0).epsilon(0.01));
  }
  CHECK(value_of(items, sp::compared_metric::requests, 1).verdict == sp::change_verdict::noise);
  CHECK(value_of(group_named(c, "/login"), sp::compared_metric::duration_med, 1).verdict == sp::change_verdict::noise);
  CHECK(value_of(group_named(c, "/checkout"), sp::compared_metric::duration_p99, 1).verdict == sp::change_verdict::noise);

  REQUIRE_FALSE(found.empty());
  for (const auto& r : found) {
    CHECK(r.run == 1);
    CHECK(sp::higher_is_worse(r.metric));
    CHECK((r.group == "/items/{id}" || r.group.empty()));
  }
  // Doubling is +100%: not beyond a tolerance of 150%.
  CHECK(sp::regressions(c, 1.5).empty());
  // The other way round it is an improvement, never a regression.
  const auto back = sp::compare_runs({{"new.json", hand_built_run(shop(80))}, {"base.json", hand_built_run(shop())}});
  CHECK(value_of(group_named(back, "/items/{id}"), sp::compared_metric::duration_med, 1).verdict == sp::change_verdict::decrease);
  CHECK(sp::regressions(back, 0).empty());
}

TEST_CASE("two more failures out of 10,000 requests are noise; a tenfold rise is a real regression") {
  const auto run = [](std::uint64_t failures) {
    return hand_built_run({{.name = "/items", .scenario = "s", .requests = 10000, .failures = failures, .ms = 10}});
  };
  const auto c = sp::compare_runs({{"a", run(10)}, {"b", run(12)}, {"c", run(100)}});
  const auto& items = group_named(c, "/items");
  CHECK(value_of(items, sp::compared_metric::failure_rate, 1).verdict == sp::change_verdict::noise);
  CHECK(value_of(items, sp::compared_metric::failure_rate, 1).relative == Approx(0.2));
  CHECK(value_of(items, sp::compared_metric::failure_rate, 2).verdict == sp::change_verdict::increase);
  const auto found = sp::regressions(c, 0.5);
  REQUIRE(found.size() == 2);  // the endpoint's and the whole run's, in run c
  CHECK(found[0].metric == sp::compared_metric::failure_rate);
  CHECK(found[0].run == 2);
  CHECK(found[0].group.empty());
  CHECK(found[1].group == "/items");
}

TEST_CASE("fewer requests in the same time is a regression of the rate; of the count alone it is not judged") {
  const auto run = [](std::uint64_t requests, std::chrono::seconds length) {
    return hand_built_run({{.name = "/a", .scenario = "s", .requests = requests, .failures = 0, .ms = 10}}, length);
  };
  const auto slower = sp::compare_runs({{"a", run(1000, 60s)}, {"b", run(700, 60s)}}, sp::compare_by::none);
  REQUIRE(slower.groups.size() == 1);
  CHECK(value_of(slower.groups[0], sp::compared_metric::request_rate, 1).verdict == sp::change_verdict::decrease);
  const auto found = sp::regressions(slower, 0.1);
  REQUIRE(found.size() == 2);
  CHECK(found[0].metric == sp::compared_metric::request_rate);
  CHECK(found[1].metric == sp::compared_metric::iteration_rate);
  // Half the requests in half the time: the count falls, the rate does not, nothing regresses.
  const auto shorter = sp::compare_runs({{"a", run(1000, 60s)}, {"b", run(500, 30s)}}, sp::compare_by::none);
  CHECK(value_of(shorter.groups[0], sp::compared_metric::requests, 1).verdict == sp::change_verdict::decrease);
  CHECK(value_of(shorter.groups[0], sp::compared_metric::request_rate, 1).verdict == sp::change_verdict::noise);
  CHECK(sp::regressions(shorter, 0).empty());
}

TEST_CASE("by scenario, the rows are the scenarios with their iterations; by none, the whole run alone") {
  const auto base = hand_built_run(shop());
  const auto slower = hand_built_run(shop(80));
  const auto by_scenario = sp::compare_runs({{"a", base}, {"b", slower}}, sp::compare_by::scenario);
  REQUIRE(by_scenario.groups.size() == 3);
  CHECK(by_scenario.groups[1].name == "browse");
  CHECK(by_scenario.groups[2].name == "buy");
  const auto& browse = by_scenario.groups[1];
  CHECK(value_of(browse, sp::compared_metric::requests, 0).value == 3000);
  CHECK(value_of(browse, sp::compared_metric::iteration_rate, 0).value == Approx(3000.0 / 60));
  CHECK(value_of(browse, sp::compared_metric::duration_p99, 1).verdict == sp::change_verdict::increase);
  CHECK(value_of(by_scenario.groups[2], sp::compared_metric::duration_p99, 1).verdict == sp::change_verdict::noise);

  const auto whole = sp::compare_runs({{"a", base}, {"b", slower}}, sp::compare_by::none);
  REQUIRE(whole.groups.size() == 1);
  CHECK(value_of(whole.groups[0], sp::compared_metric::requests, 1).value == 3300);
}

TEST_CASE("a threshold's sub-metric on an endpoint is not counted again with the endpoint's split") {
  auto r = hand_built_run(shop());
  // What a threshold on http_reqs{name:/login} tracks: the same 2,000 requests again.
  r.metrics.add(sp::http_reqs.where("name", "/login").descriptor(), sp::counter_sink{.sum = 2000, .samples = 2000});
  const auto c = sp::compare_runs({{"a", r}, {"b", r}});
  CHECK(value_of(group_named(c, "/login"), sp::compared_metric::requests, 0).value == 2000);
}

TEST_CASE("an endpoint only one run has is compared with nothing, and a run without HTTP shows its iterations") {
  auto fewer = shop();
  fewer.pop_back();  // no /checkout
  const auto c = sp::compare_runs({{"a", hand_built_run(shop())}, {"b", hand_built_run(fewer)}});
  const auto& checkout = group_named(c, "/checkout");
  CHECK(value_of(checkout, sp::compared_metric::requests, 1).value == 0);
  CHECK(value_of(checkout, sp::compared_metric::requests, 1).verdict == sp::change_verdict::decrease);
  CHECK_FALSE(value_of(checkout, sp::compared_metric::duration_med, 1).value.has_value());
  CHECK(value_of(checkout, sp::compared_metric::duration_med, 1).verdict == sp::change_verdict::no_data);

  sp::result idle;
  idle.duration = 10s;
  idle.metrics = sp::snapshot{0ns, 10s};
  idle.metrics.add(sp::iterations.descriptor(), sp::counter_sink{.sum = 50, .samples = 50});
  const auto none = sp::compare_runs({{"a", idle}, {"b", idle}});
  REQUIRE(none.groups.size() == 1);
  REQUIRE(none.groups[0].rows.size() == 1);
  CHECK(none.groups[0].rows[0].metric == sp::compared_metric::iteration_rate);
  CHECK(sp::format_comparison_markdown(none).find("### Requests") == std::string::npos);

  CHECK_THROWS_AS(sp::compare_runs({}), sp::usage_error);
  CHECK_THROWS_AS(sp::parse_compare_by("url"), sp::usage_error);
  CHECK(sp::parse_compare_by("scenario") == sp::compare_by::scenario);
}

TEST_CASE("relative changes are written with one decimal and a sign") {
  CHECK(sp::format_relative_change(1.0) == "+100.0%");
  CHECK(sp::format_relative_change(-0.0312) == "-3.1%");
  CHECK(sp::format_relative_change(-0.0001) == "+0.0%");
  CHECK(sp::format_relative_change(infinity) == "+∞%");
  CHECK(sp::format_relative_change(std::nan("")).empty());
  CHECK(sp::format_compared_value(sp::compared_metric::duration_p95, 40.5) == "40.5ms");
  CHECK(sp::format_compared_value(sp::compared_metric::request_rate, 30.166) == "30.17/s");
  CHECK(sp::format_compared_value(sp::compared_metric::failure_rate, 0.0123) == "1.23%");
}

// --- the outputs -------------------------------------------------------------------------------

namespace {

// Three runs: the base, one whose /items doubled in latency, one with four times its failures.
sp::run_comparison three_runs() {
  return sp::compare_runs({{"base.json", hand_built_run(shop())},
                           {"items-slower.json", hand_built_run(shop(80))},
                           {"more-failures.json", hand_built_run(shop(40, 40))}});
}

}  // namespace

TEST_CASE("the text output matches its golden file") {
  const auto text = sp::format_comparison_text(three_runs());
  stampede_test::check_golden("report/golden/compare.txt", text);
  CHECK(text.find("▲ +100.0%") != std::string::npos);
  CHECK(text.find("█ ENDPOINT: /items/{id}") != std::string::npos);
}

TEST_CASE("the Markdown output matches its golden file") {
  const auto markdown = sp::format_comparison_markdown(three_runs());
  stampede_test::check_golden("report/golden/compare.md", markdown);
  CHECK(count_of(markdown, "\n### ") == 3);
  CHECK(markdown.find("| **whole run** |") != std::string::npos);
}

TEST_CASE("the HTML page is self-contained, with a bar chart of the medians and one of p(99)") {
  const auto html = sp::format_comparison_html(three_runs(), "shop <compare>");
  CHECK(html.find("<!DOCTYPE html>") == 0);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("href=") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  CHECK(count_of(html, "<svg ") == 2);
  CHECK(count_of(html, "id=\"chart-median\"") == 1);
  CHECK(count_of(html, "id=\"chart-p99\"") == 1);
  // A bar per run and endpoint in each chart: 2 × 3 runs × 3 endpoints.
  CHECK(count_of(html, "</title></rect>") == 18);
  CHECK(html.find("<title>items-slower.json, /items/{id}: 120ms</title>") != std::string::npos);
  CHECK(html.find("shop &lt;compare&gt;") != std::string::npos);
  CHECK(html.find("shop <compare>") == std::string::npos);
  CHECK(html.find("items-slower.json") != std::string::npos);
  CHECK(html.find("▲ +100.0%") != std::string::npos);
  CHECK(html.rfind("</html>\n") == html.size() - 8);
}
