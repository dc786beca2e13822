// Tests of the SVG charts: ticks and value formats as tables, each kind of chart as a golden file
// (tests/report/golden/svg/), and what every chart keeps whatever its data: no NaN or infinity
// written, coordinates inside the picture, balanced groups, the caller's text escaped.
#include <stampede/report/svg.hpp>

#include "support/catch_compat.hpp"
#include "support/golden.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace svg = stampede::svg;

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

std::size_t count(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string_view::npos;
       at = text.find(what, at + what.size()))
    ++n;
  return n;
}

bool contains(std::string_view text, std::string_view what) {
  return text.find(what) != std::string_view::npos;
}

void check_values(const std::vector<double>& actual, const std::vector<double>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    INFO("tick " << i);
    CHECK(actual[i] == Approx(expected[i]).epsilon(1e-12).margin(1e-300));
  }
}

std::vector<svg::point> curve(int from, int to, int step, double (*f)(double)) {
  std::vector<svg::point> out;
  for (int x = from; x <= to; x += step)
    out.push_back({static_cast<double>(x), f(static_cast<double>(x))});
  return out;
}

// The attribute values of `name` (` name="…"`) in `text`.
std::vector<std::string> attributes(const std::string& text, const std::string& name) {
  std::vector<std::string> out;
  const std::regex pattern{" " + name + "=\"([^\"]*)\""};
  for (std::sregex_iterator it{text.begin(), text.end(), pattern}, end; it != end; ++it)
    out.push_back((*it)[1].str());
  return out;
}

// ---- the golden charts ---------------------------------------------------------------------

svg::chart two_series() {
  svg::chart c{.id = "rps",
               .title = "Requests per second",
               .x = {.title = "time into the run", .format = svg::unit::seconds},
               .y = {.title = "rate", .format = svg::unit::per_second}};
  const auto ramp = [](double t) { return std::min(400.0, 40 + 6 * t); };
  c.data.push_back({.name = "http_reqs", .points = curve(0, 120, 5, ramp)});
  c.data.push_back(
      {.name = "failed requests",
       .points = curve(0, 120, 5, [](double t) { return t < 60 ? 0.0 : (t - 60) * 1.5; }),
       .dashed = true});
  return c;
}

svg::chart log_latency() {
  svg::chart c{.title = "Latency percentiles",
               .x = {.title = "time into the run", .format = svg::unit::seconds},
               .y = {.title = "http_req_duration",
                     .kind = svg::scale::log,
                     .format = svg::unit::milliseconds}};
  c.data.push_back(
      {.name = "p(50)", .points = curve(0, 300, 30, [](double t) { return 18 + t / 20; })});
  c.data.push_back(
      {.name = "p(95)", .points = curve(0, 300, 30, [](double t) { return 60 + t * t / 400; })});
  c.data.push_back({.name = "p(99)",
                    .points = curve(0, 300, 30, [](double t) { return 140 + t * t / 60; }),
                    .style = svg::mark::line_points});
  return c;
}

svg::chart vus_and_rate() {
  svg::chart c{.title = "VUs and request rate",
               .x = {.title = "time into the run", .format = svg::unit::seconds},
               .y = {.title = "VUs"},
               .y2 = svg::axis{.title = "requests", .format = svg::unit::per_second}};
  c.data.push_back({.name = "vus",
                    .points = curve(0, 60, 10, [](double t) { return std::min(50.0, t); }),
                    .style = svg::mark::step});
  c.data.push_back({.name = "http_reqs",
                    .points = curve(0, 60, 5, [](double t) { return std::min(50.0, t) * 38; }),
                    .right_axis = true});
  return c;
}

svg::chart empty_chart() {
  return {.title = "Nothing recorded",
          .x = {.title = "time into the run", .format = svg::unit::seconds},
          .y = {.title = "http_req_duration", .format = svg::unit::milliseconds}};
}

svg::chart single_point() {
  svg::chart c{.title = "One sample",
               .x = {.title = "time into the run", .format = svg::unit::seconds},
               .y = {.title = "http_req_duration", .format = svg::unit::milliseconds}};
  c.data.push_back({.name = "p(95)", .points = {{5, 42}}});
  return c;
}

svg::chart histogram_steps() {
  svg::chart c{.title = "Request durations",
               .x = {.title = "http_req_duration", .format = svg::unit::milliseconds},
               .y = {.title = "requests"}};
  c.data.push_back(
      {.name = "requests",
       .points =
           {{0, 0}, {20, 130}, {40, 2480}, {60, 1710}, {80, 420}, {100, 95}, {120, 12}, {140, 0}},
       .style = svg::mark::step});
  return c;
}

// The percentile spectrum: x is 1 / (1 - p), on a log axis whose ticks carry the percentiles.
svg::chart percentile_spectrum() {
  svg::chart c{.title = "Percentile spectrum",
               .x = {.title = "percentile",
                     .kind = svg::scale::log,
                     .ticks = {{2, "50%"}, {10, "90%"}, {100, "99%"}, {1000, "99.9%"}}},
               .y = {.title = "http_req_duration", .format = svg::unit::milliseconds}};
  svg::series s{.name = "http_req_duration"};
  for (const double p : {0.0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 1.0}) {
    // p = 1 gives x = ∞, which cannot be placed and is left out.
    s.points.push_back({1 / (1 - p), 20 + 400 * p * p * p * p});
  }
  c.data.push_back(std::move(s));
  return c;
}

svg::chart rules_chart() {
  svg::chart c{.title = "Latency by VUs",
               .x = {.title = "VUs"},
               .y = {.title = "p(95) latency", .format = svg::unit::milliseconds}};
  c.data.push_back({.name = "p(95)",
                    .points = curve(10, 40, 5, [](double n) { return 40 + n * n / 12; }),
                    .style = svg::mark::line_points});
  // The threshold lies above every point and N* beyond the last: both widen their axis.
  c.rules.push_back({.at = 250, .label = "p(95) < 250ms", .color = "#D55E00"});
  c.rules.push_back({.direction = svg::rule::orientation::vertical, .at = 48, .label = "N* = 48"});
  return c;
}

svg::bar_chart bars() {
  return {.title = "p(95) by endpoint",
          .categories = {"GET /", "POST /api/checkout/confirm-the-order-now", "GET /health"},
          .groups = {{.name = "staging", .values = {120, 340, 5}},
                     {.name = "production", .values = {110, not_a_number, 4}}},
          .y = {.title = "p(95)", .format = svg::unit::milliseconds}};
}

svg::chart log_with_gaps() {
  svg::chart c{.title = "Values a log axis cannot place",
               .x = {.title = "time into the run", .format = svg::unit::seconds},
               .y = {.title = "value", .kind = svg::scale::log}};
  c.data.push_back({.name = "line",
                    .points = {{0, 10},
                               {1, 12},
                               {2, not_a_number},
                               {3, 20},
                               {4, 25},
                               {5, 0},
                               {6, 30},
                               {7, -5},
                               {8, infinity},
                               {9, 40},
                               {10, 50}}});
  c.data.push_back({.name = "dots",
                    .points = {{0, 3}, {2, -1}, {4, 0}, {6, 300}, {8, not_a_number}},
                    .style = svg::mark::points});
  return c;
}

}  // namespace

// ---- ticks ---------------------------------------------------------------------------------

TEST_CASE("nice_ticks steps by 1, 2 or 5 × 10^k from the multiple below lo to the one above hi") {
  struct row {
    double lo;
    double hi;
    std::vector<double> ticks;
  };
  const std::vector<row> rows{
      {0, 1, {0, 0.2, 0.4, 0.6, 0.8, 1}},
      {0, 7.3, {0, 2, 4, 6, 8}},
      {3, 3, {3}},
      {-5, 12, {-5, 0, 5, 10, 15}},
      {12, -5, {-5, 0, 5, 10, 15}},  // swapped
      {0.001, 0.0037, {0.001, 0.0015, 0.002, 0.0025, 0.003, 0.0035, 0.004}},
      {0, 420, {0, 100, 200, 300, 400, 500}},  // 200 would leave only three intervals
      {0, 101, {0, 20, 40, 60, 80, 100, 120}},
      {0, 1e9, {0, 2e8, 4e8, 6e8, 8e8, 1e9}},
      {95, 105, {94, 96, 98, 100, 102, 104, 106}},
      {-0.37, -0.01, {-0.4, -0.3, -0.2, -0.1, 0}},
      {1e-9, 3e-9, {1e-9, 1.5e-9, 2e-9, 2.5e-9, 3e-9}},
  };
  for (const auto& r : rows) {
    INFO("[" << r.lo << ", " << r.hi << "]");
    check_values(svg::nice_ticks(r.lo, r.hi), r.ticks);
  }
  check_values(svg::nice_ticks(0, 100, 10), {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100});
  check_values(svg::nice_ticks(0, 100, 1), {0, 50, 100});
  check_values(svg::nice_ticks(0, 100, 0), {0, 50, 100});  // as target 1
  // Ticks are computed from their index, so they print exactly: no 0.30000000000000004.
  CHECK(svg::nice_ticks(0, 1)[3] == 0.6);
  CHECK(svg::nice_ticks(0.1, 0.3, 2)[1] == 0.2);
  // -0 would print as "-0".
  CHECK_FALSE(std::signbit(svg::nice_ticks(-5, 12)[1]));
}

TEST_CASE("nice_ticks refuses non-finite ends and stays finite over the widest and narrowest ranges") {
  CHECK(svg::nice_ticks(not_a_number, 1).empty());
  CHECK(svg::nice_ticks(0, infinity).empty());
  CHECK(svg::nice_ticks(-infinity, infinity).empty());
  for (const auto& [lo, hi] : std::vector<std::pair<double, double>>{
           {-1e308, 1e308}, {1, 1 + 1e-12}, {1e16, 1e16 + 4}, {0, 1e-310}}) {
    INFO("[" << lo << ", " << hi << "]");
    const auto ticks = svg::nice_ticks(lo, hi);
    REQUIRE(ticks.size() >= 2);
    CHECK(ticks.size() <= 12);
    CHECK(std::all_of(ticks.begin(), ticks.end(), [](double v) { return std::isfinite(v); }));
    CHECK(std::is_sorted(ticks.begin(), ticks.end()));
    CHECK(std::adjacent_find(ticks.begin(), ticks.end()) == ticks.end());
    CHECK(ticks.front() <= lo);
    CHECK(ticks.back() >= hi);
  }
  // The tick above the largest double would be infinite: the ticks stop below it.
  const auto widest = svg::nice_ticks(0, std::numeric_limits<double>::max());
  check_values(widest, {0, 5e307, 1e308, 1.5e308});
}

TEST_CASE("log_ticks gives the enclosing decades, with 2 and 5 between them under three decades") {
  struct row {
    double lo;
    double hi;
    std::vector<double> ticks;
  };
  const std::vector<row> rows{
      {1, 1000, {1, 10, 100, 1000}},
      {0.3, 40, {0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100}},
      {40, 0.3, {0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100}},  // swapped
      {3, 3, {1, 2, 5, 10}},
      {100, 100, {100}},
      {0.002, 900, {0.001, 0.01, 0.1, 1, 10, 100, 1000}},
      {1e-9, 1e-7, {1e-9, 2e-9, 5e-9, 1e-8, 2e-8, 5e-8, 1e-7}},
  };
  for (const auto& r : rows) {
    INFO("[" << r.lo << ", " << r.hi << "]");
    check_values(svg::log_ticks(r.lo, r.hi), r.ticks);
  }
  CHECK(svg::log_ticks(0.3, 40)[0] == 0.1);  // 1 / 10, not 10^-1 by pow's rounding
  CHECK(svg::log_ticks(0, 10).empty());
  CHECK(svg::log_ticks(-1, 10).empty());
  CHECK(svg::log_ticks(1, infinity).empty());
  CHECK(svg::log_ticks(not_a_number, 10).empty());
}

// ---- values --------------------------------------------------------------------------------

TEST_CASE("format_value writes three significant digits in each unit, chosen after rounding") {
  struct row {
    double value;
    svg::unit u;
    std::string_view text;
  };
  using u = svg::unit;
  const std::vector<row> rows{
      {0, u::milliseconds, "0ms"},
      {0.0005, u::milliseconds, "500ns"},
      {0.5, u::milliseconds, "500µs"},
      {0.8, u::milliseconds, "800µs"},
      {0.9996, u::milliseconds, "1ms"},
      {12.345, u::milliseconds, "12.3ms"},
      {999, u::milliseconds, "999ms"},
      {999.7, u::milliseconds, "1s"},
      {1500, u::milliseconds, "1.5s"},
      {59999, u::milliseconds, "1m"},
      {150000, u::milliseconds, "2m30s"},
      {3599000, u::milliseconds, "59m59s"},
      {3900000, u::milliseconds, "1h05m"},
      {-1500, u::milliseconds, "-1.5s"},
      {-0.0, u::milliseconds, "0ms"},
      {0, u::seconds, "0s"},
      {0.25, u::seconds, "250ms"},
      {45, u::seconds, "45s"},
      {90, u::seconds, "1m30s"},
      {120, u::seconds, "2m"},
      {3900, u::seconds, "1h05m"},
      {7200, u::seconds, "2h"},
      {0, u::ratio, "0%"},
      {0.05, u::ratio, "5%"},
      {0.001, u::ratio, "0.1%"},
      {0.999, u::ratio, "99.9%"},
      {0.123456, u::ratio, "12.3%"},
      {1, u::ratio, "100%"},
      {0, u::per_second, "0/s"},
      {120, u::per_second, "120/s"},
      {1234, u::per_second, "1.23k/s"},
      {999.7, u::per_second, "1k/s"},
      {2.5e6, u::per_second, "2.5M/s"},
      {0.5, u::per_second, "0.5/s"},
      {800, u::bytes_per_second, "800 B/s"},
      {1200, u::bytes_per_second, "1.2 kB/s"},
      {3.4e6, u::bytes_per_second, "3.4 MB/s"},
      {5e9, u::bytes_per_second, "5 GB/s"},
      {0, u::plain, "0"},
      {2.5, u::plain, "2.5"},
      {0.001, u::plain, "0.001"},
      {0.00012345, u::plain, "0.000123"},
      {0.000015, u::plain, "1.5e-05"},
      {999, u::plain, "999"},
      {1200, u::plain, "1,200"},
      {9999.4, u::plain, "9,999"},
      {9999.6, u::plain, "10k"},
      {12345, u::plain, "12.3k"},
      {999999, u::plain, "1M"},
      {1.5e6, u::plain, "1.5M"},
      {3e12, u::plain, "3T"},
      {-1200, u::plain, "-1,200"},
  };
  for (const auto& r : rows) {
    INFO(r.value << " as unit " << static_cast<int>(r.u));
    CHECK(svg::format_value(r.value, r.u) == r.text);
  }
  for (const auto unit :
       {u::plain, u::milliseconds, u::seconds, u::ratio, u::per_second, u::bytes_per_second}) {
    CHECK(svg::format_value(not_a_number, unit) == "–");
    CHECK(svg::format_value(infinity, unit) == "–");
    CHECK(svg::format_value(-infinity, unit) == "–");
  }
}

TEST_CASE("palette gives eight distinct #rrggbb colours and escape_xml escapes what XML reserves") {
  const auto colours = svg::palette();
  REQUIRE(colours.size() == 8);
  const std::regex hex{"#[0-9A-F]{6}"};
  for (const auto colour : colours) CHECK(std::regex_match(std::string{colour}, hex));
  std::vector<std::string_view> sorted{colours.begin(), colours.end()};
  std::sort(sorted.begin(), sorted.end());
  CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());

  CHECK(svg::escape_xml("<a & \"b\">") == "&lt;a &amp; &quot;b&quot;&gt;");
  CHECK(svg::escape_xml("it's") == "it&#39;s");
  CHECK(svg::escape_xml("µs ✓") == "µs ✓");
  // Tab and newline stay; other control characters cannot be written in XML at all.
  CHECK(svg::escape_xml("a\tb\nc\x01\x1b") == "a\tb\nc");
}

// ---- golden charts -------------------------------------------------------------------------

TEST_CASE("a chart draws series on linear axes with ticks in their units and a legend") {
  stampede_test::check_golden("report/golden/svg/two_series.svg", svg::render(two_series()));
}

TEST_CASE("a latency chart on a log axis pads to the enclosing decades") {
  stampede_test::check_golden("report/golden/svg/log_latency.svg", svg::render(log_latency()));
}

TEST_CASE("a series on the right-hand axis has its own range and units") {
  stampede_test::check_golden("report/golden/svg/y2_vus_and_rate.svg", svg::render(vus_and_rate()));
}

TEST_CASE("a chart without data draws its axes and says so") {
  const auto text = svg::render(empty_chart());
  stampede_test::check_golden("report/golden/svg/empty.svg", text);
  CHECK(contains(text, ">no data</text>"));
  // No invented scale: an axis with nothing to show has no tick labels.
  CHECK_FALSE(contains(text, "text-anchor=\"end\">"));
}

TEST_CASE("a line of one point shows it as a dot") {
  const auto text = svg::render(single_point());
  stampede_test::check_golden("report/golden/svg/single_point.svg", text);
  CHECK_FALSE(contains(text, "no data"));
  // A line cannot join one point: it is drawn as a visible dot (the legend's swatch is a line).
  CHECK(count(text, "<circle cx=") == 1);
  CHECK_FALSE(contains(text, "fill-opacity"));
}

TEST_CASE("a step series holds each y until the next x") {
  const auto text = svg::render(histogram_steps());
  stampede_test::check_golden("report/golden/svg/step.svg", text);
  const auto paths = attributes(text, "d");
  REQUIRE(paths.size() == 1);
  CHECK(std::regex_match(paths[0], std::regex{"M[0-9.]+ [0-9.]+(H[0-9.]+V[0-9.]+){7}"}));
}

TEST_CASE("explicit ticks replace the computed ones, labelled as given") {
  const auto text = svg::render(percentile_spectrum());
  stampede_test::check_golden("report/golden/svg/percentile_spectrum.svg", text);
  for (const auto* label : {">50%</text>", ">90%</text>", ">99%</text>", ">99.9%</text>"})
    CHECK(contains(text, label));
  CHECK_FALSE(
      contains(text, ">100</text>"));  // log_ticks' decade, which the caller's ticks replace
  CHECK(count(text, "<title>http_req_duration: ") == 9);  // p = 1 is left out
}

TEST_CASE("rules are dashed and labelled, and widen the axes to show") {
  const auto text = svg::render(rules_chart());
  stampede_test::check_golden("report/golden/svg/rules.svg", text);
  CHECK(contains(text, ">p(95) &lt; 250ms</text>"));
  CHECK(contains(text, ">N* = 48</text>"));
  // Both lines dashed, under the series; both labels over them.
  const auto lines_at = text.find("<g class=\"rules\" stroke-dasharray=\"4 3\">");
  REQUIRE(lines_at != std::string::npos);
  CHECK(count(text.substr(lines_at, text.find("</g>", lines_at) - lines_at), "<line ") == 2);
  CHECK(lines_at < text.find("<g class=\"series\""));
  CHECK(text.find("<g class=\"rule-labels\">") > text.find("<g class=\"series\""));
}

TEST_CASE("a bar chart groups bars by category and draws none for NaN") {
  const auto text = svg::render(bars());
  stampede_test::check_golden("report/golden/svg/bars.svg", text);
  CHECK(count(text, "<rect x=") == 5 + 2);  // five bars and two legend swatches
  CHECK(contains(text, "<title>staging, GET /: 120ms</title>"));
  CHECK_FALSE(contains(text, "production, POST"));
  // The long category is cut to what its band holds, whole in its title.
  CHECK(contains(text, "…<title>POST /api/checkout/confirm-the-order-now</title>"));
}

TEST_CASE("a log chart leaves out non-finite and non-positive values, breaking its line there") {
  const auto text = svg::render(log_with_gaps());
  stampede_test::check_golden("report/golden/svg/log_gaps.svg", text);
  const auto paths = attributes(text, "d");
  REQUIRE(paths.size() == 1);
  // Runs: 10 12 | 20 25 | 30 (alone: a visible dot) | 40 50.
  CHECK(count(paths[0], "M") == 3);
  CHECK(count(text, "<title>line: ") == 7);
  CHECK(count(text, "<title>dots: ") == 2);
}

// ---- behaviour -----------------------------------------------------------------------------

TEST_CASE("each point has its own hover title up to 500 points, the series one beyond") {
  for (const std::size_t n : {std::size_t{500}, std::size_t{501}}) {
    for (const auto style : {svg::mark::line, svg::mark::points}) {
      svg::chart c;
      svg::series s{.name = "s", .style = style};
      for (std::size_t i = 0; i < n; ++i)
        s.points.push_back({static_cast<double>(i), static_cast<double>(i % 7)});
      c.data.push_back(std::move(s));
      const auto text = svg::render(c);
      INFO(n << " points, style " << static_cast<int>(style));
      if (n == 500) {
        CHECK(count(text, "<title>") == 500);
        CHECK(contains(text, "<title>s: 499, 2</title>"));
      } else {
        CHECK(count(text, "<title>") == 1);
        CHECK(contains(text, "<title>s: 501 points</title>"));
      }
      // A line's hover dots are invisible; beyond 500 there are none.
      CHECK(count(text, "fill-opacity=\"0\"") == (style == svg::mark::line && n == 500 ? 500 : 0));
    }
  }
}

TEST_CASE("equal values and a set range that excludes points still give a finite chart") {
  svg::chart c{.x = {.from_zero = false}, .y = {.min = 10, .max = 20}};
  c.data.push_back(
      {.name = "flat", .points = {{7, 15}, {7, 15}, {7, 25}, {7, 5}}, .style = svg::mark::points});
  const auto text = svg::render(c);
  CHECK(count(text, "<title>flat: ") == 2);  // 25 and 5 lie outside [10, 20]
  CHECK(contains(text, "<title>flat: 7, 15</title>"));
  CHECK(contains(text, ">7</text>"));  // x spans a range around its one value
  CHECK(contains(text, ">10</text>"));
  CHECK(contains(text, ">20</text>"));
}

TEST_CASE("the caller's text is escaped everywhere it appears") {
  svg::chart c{.id = "a\"b",
               .title = "<title>",
               .x = {.title = "x & y", .ticks = {{1, "<1>"}}},
               .y = {.title = "'y'"}};
  c.data.push_back({.name = "<a & \"b\">", .points = {{1, 1}, {2, 2}}, .color = "red\"/><script>"});
  c.rules.push_back({.at = 1, .label = "a<b"});
  const auto text = svg::render(c);
  CHECK(contains(text, "&lt;a &amp; &quot;b&quot;&gt;"));
  CHECK_FALSE(contains(text, "<a &"));
  CHECK_FALSE(contains(text, "<script>"));
  CHECK(contains(text, "id=\"a&quot;b\""));
  CHECK(contains(text, "aria-label=\"&lt;title&gt;\""));
  CHECK(contains(text, ">x &amp; y</text>"));
  CHECK(contains(text, ">&lt;1&gt;</text>"));
  CHECK(contains(text, ">&#39;y&#39;</text>"));
  CHECK(contains(text, ">a&lt;b</text>"));

  svg::bar_chart b{.categories = {"<x>"}, .groups = {{.name = "&", .values = {1}}}};
  const auto bar_text = svg::render(b);
  CHECK(contains(bar_text, "<title>&amp;, &lt;x&gt;: 1</title>"));
  CHECK(contains(bar_text, ">&lt;x&gt;</text>"));
}

TEST_CASE("the picture grows when the legend needs more rows than its height leaves room for") {
  svg::chart c{.width = 300, .height = 160};
  for (int i = 0; i < 30; ++i)
    c.data.push_back({.name = "series with a long name", .points = {{0, 1}, {1, 2}}});
  const auto text = svg::render(c);
  const auto heights = attributes(text, "height");
  REQUIRE_FALSE(heights.empty());
  CHECK(std::stoi(heights.front()) > 30 * 18);
  CHECK(count(text, "class=\"legend-item\"") == 30);
  CHECK(contains(text, "data-series=\"29\""));
}

TEST_CASE("every chart, whatever its values, is balanced, finite and inside its picture") {
  std::vector<std::string> texts;
  for (const auto& c : {two_series(), log_latency(), vus_and_rate(), empty_chart(), single_point(),
                        histogram_steps(), percentile_spectrum(), rules_chart(), log_with_gaps()}) {
    texts.push_back(svg::render(c));
  }
  texts.push_back(svg::render(bars()));
  const auto with = [](svg::axis y, std::vector<svg::point> points,
                       svg::mark style = svg::mark::line_points) {
    svg::chart c{.y = std::move(y)};
    c.data.push_back({.name = "values", .points = std::move(points), .style = style});
    c.data.push_back(
        {.name = "copy", .points = c.data[0].points, .style = svg::mark::step, .right_axis = true});
    c.y2 = c.y;
    return svg::render(c);
  };
  const double big = std::numeric_limits<double>::max();
  const double tiny = std::numeric_limits<double>::denorm_min();
  const std::vector<svg::point> awkward{{0, not_a_number}, {1, infinity}, {2, -infinity},
                                        {not_a_number, 1}, {infinity, 2}, {3, 1e300},
                                        {4, -1e300}};
  for (const auto kind : {svg::scale::linear, svg::scale::log}) {
    texts.push_back(with({.kind = kind}, awkward));
    texts.push_back(with({.kind = kind}, {{0, big}, {1, -big}, {2, big}}));
    texts.push_back(with({.kind = kind}, {{0, tiny}, {1, 2 * tiny}, {2, 1e-300}}));
    texts.push_back(with({.kind = kind}, {{0, 1e-300}, {1, 1e300}}));
    texts.push_back(with({.kind = kind}, {{0, not_a_number}, {1, not_a_number}}));
    texts.push_back(with({.kind = kind, .min = 5, .max = 5}, {{0, 5}}));
    texts.push_back(with({.kind = kind, .min = 9, .max = 2}, {{0, 5}, {1, 3}}));
    texts.push_back(with({.kind = kind, .min = not_a_number, .max = infinity}, {{0, 5}, {1, 3}}));
    texts.push_back(
        with({.kind = kind, .ticks = {{not_a_number, "x"}, {-1, "y"}, {infinity, "z"}}}, {{0, 5}}));
    texts.push_back(svg::render(
        svg::bar_chart{.categories = {"a", "b", "c"},
                       .groups = {{.name = "g", .values = {not_a_number, infinity, -infinity}},
                                  {.name = "h", .values = {0, -3, big}},
                                  {.name = "k", .values = {1e-300}}},
                       .y = {.kind = kind}}));
  }
  svg::chart huge_x{.x = {.kind = svg::scale::log}};
  huge_x.data.push_back({.name = "x", .points = {{tiny, 1}, {big, 2}, {1, 3}}});
  huge_x.rules.push_back(
      {.direction = svg::rule::orientation::vertical, .at = not_a_number, .label = "r"});
  huge_x.rules.push_back({.at = -infinity, .label = "r"});
  texts.push_back(svg::render(huge_x));
  texts.push_back(svg::render(svg::chart{.width = -5, .height = 0}));
  texts.push_back(svg::render(svg::bar_chart{}));

  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto& text = texts[i];
    INFO("chart " << i << ":\n" << text);
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    CHECK_FALSE(contains(lower, "nan"));
    CHECK_FALSE(contains(lower, "inf"));
    CHECK(text.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    CHECK(text.ends_with("</svg>\n"));
    CHECK(count(text, "<g") == count(text, "</g>"));
    CHECK(count(text, "<text") == count(text, "</text>"));
    CHECK(count(text, "<title>") == count(text, "</title>"));
    // Every coordinate lies inside the picture.
    const double width = std::stod(attributes(text, "width").front());
    const double height = std::stod(attributes(text, "height").front());
    CHECK(width >= 200);
    CHECK(height >= 150);
    for (const auto* name : {"x", "cx", "x1", "x2"}) {
      for (const auto& v : attributes(text, name)) {
        INFO(name << "=" << v);
        CHECK(std::stod(v) >= 0);
        CHECK(std::stod(v) <= width);
      }
    }
    for (const auto* name : {"y", "cy", "y1", "y2"}) {
      for (const auto& v : attributes(text, name)) {
        INFO(name << "=" << v);
        CHECK(std::stod(v) >= 0);
        CHECK(std::stod(v) <= height);
      }
    }
  }
}
