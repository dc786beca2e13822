// A scaling study's HTML report: from a curve made by a known Universal Scalability Law (σ =
// 0.618, κ = 0.1848, as the seed's replicas) it draws the throughput with every run and the
// median, the fit that recovers σ and κ with N* marked, the linear λN line, efficiency and
// latency; flags saturated generator points; lists the expectations with the verdict; a
// matrix gets a line per combination and its pivot table; and nothing on the page points
// anywhere.
#include <stampede/scaling/expect.hpp>
#include <stampede/report/svg.hpp>
#include <stampede/study/study_report.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

// One run at `throughput` requests/s over 2 s, with latencies growing with the level.
sp::measurement run_at(double throughput, double level, bool saturated = false) {
  sp::measurement m;
  m.window = 2s;
  m.requests = static_cast<std::uint64_t>(throughput * 2);
  m.requests_per_second = throughput;
  m.iterations = m.requests;
  m.iterations_per_second = throughput;
  m.p50 = std::chrono::nanoseconds{static_cast<std::int64_t>(1'000'000 * level)};
  m.p95 = std::chrono::nanoseconds{static_cast<std::int64_t>(3'000'000 * level)};
  m.p99 = std::chrono::nanoseconds{static_cast<std::int64_t>(5'000'000 * level)};
  m.generator.saturated = saturated;
  if (saturated) m.generator.reason = "CPU 97%";
  return m;
}

// The seed's replicas: three runs a level, ±1% around the model, the middle one the median.
sp::curve replica_curve(bool one_saturated = false) {
  const sp::usl_model model{.sigma = 0.618, .kappa = 0.1848, .lambda = 781};
  std::vector<sp::study_point> points;
  for (const double n : {1.0, 2.0, 4.0, 8.0, 10.0}) {
    const double x = model.throughput_at(n);
    sp::study_point p{.config = {{"replicas", n}}};
    p.runs = {run_at(x * 0.99, n), run_at(x, n, one_saturated && n == 10.0), run_at(x * 1.01, n)};
    p.median = p.runs[1];
    points.push_back(std::move(p));
  }
  return sp::curve{{"replicas"}, std::move(points)};
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

}  // namespace

TEST_CASE("a study's report draws the curve, the fit that recovers σ and κ, N* and the linear line", "[study_report]") {
  const auto c = replica_curve();
  const auto html = sp::format_html_study_report(c, {.title = "Replica scaling", .description = "10 VUs"});
  REQUIRE(html.starts_with("<!DOCTYPE html>"));
  CHECK(html == sp::format_html_study_report(c, {.title = "Replica scaling", .description = "10 VUs"}));
  CHECK(html.find("<h1>Replica scaling</h1>") != std::string::npos);
  CHECK(count_of(html, "<svg") == 3);
  for (const char* id : {"chart-throughput", "chart-efficiency", "chart-study-latency"}) {
    CHECK(html.find(std::string{"id=\""} + id + "\"") != std::string::npos);
  }
  // The legend names the fit with its parameters; exact data gives back the model's.
  CHECK(html.find("USL: σ=0.618 κ=0.185") != std::string::npos);
  CHECK(html.find("λ=781 R²=1.000") != std::string::npos);
  CHECK(html.find("linear λN") != std::string::npos);
  const double peak = std::sqrt((1 - 0.618) / 0.1848);  // 1.438
  CHECK(html.find("N* = " + std::string{peak > 1.4375 ? "1.44" : "1.43"}) != std::string::npos);
  CHECK(html.find("each run") != std::string::npos);
  CHECK(html.find("generator saturated") == std::string::npos);
  // The seed-style table: a row per level.
  const auto table = html.substr(html.find("id=\"results-table\""));
  CHECK(count_of(table.substr(0, table.find("</table>")), "<tr>") == 1 + 5);
  CHECK(html.find("<dt>best replicas</dt><dd>2 (") != std::string::npos);
  CHECK(html.find(" src=") == std::string::npos);
  CHECK(html.find(" href=") == std::string::npos);
  CHECK(html.find("nan") == std::string::npos);
}

TEST_CASE("a study's report flags saturated generator points and lists the expectations", "[study_report]") {
  const auto c = replica_curve(true);
  const auto report = sp::verify(c, {sp::generator_not_saturated(), sp::efficiency_at(2) >= 0.45});
  REQUIRE_FALSE(report.passed());
  const auto html = sp::format_html_study_report(c, {.expectations = report.results});
  CHECK(html.find("generator saturated") != std::string::npos);
  CHECK(html.find("<dt>load generator</dt>") != std::string::npos);
  CHECK(html.find("✗ 1 of 2 expectations failed") != std::string::npos);
  CHECK(count_of(html, "<tr class=\"fail\">") == 1);
  CHECK(count_of(html, "<tr class=\"pass\">") == 1);
  for (const auto& r : report.results) CHECK(html.find(sp::svg::escape_xml(r.description)) != std::string::npos);
}

TEST_CASE("a matrix's report has a line per combination and its pivot table", "[study_report]") {
  std::vector<sp::study_point> points;
  for (const double replicas : {1.0, 2.0, 4.0}) {
    for (const double users : {100.0, 200.0}) {
      sp::study_point p{.config = {{"replicas", replicas}, {"users", users}}};
      p.runs = {run_at(100 * replicas + users, replicas)};
      p.median = p.runs.front();
      points.push_back(std::move(p));
    }
  }
  const sp::curve c{{"replicas", "users"}, std::move(points)};
  const auto html = sp::format_html_study_report(c);
  CHECK(count_of(html, "<svg") == 1);
  CHECK(html.find("users=100") != std::string::npos);
  CHECK(html.find("users=200") != std::string::npos);
  CHECK(html.find("id=\"pivot\"") != std::string::npos);
  CHECK(html.find("Throughput by replicas and users") != std::string::npos);
}

TEST_CASE("a study's report of too few points has no fit, and of none says so", "[study_report]") {
  const auto full = replica_curve();
  std::vector<sp::study_point> points{full.measured()[0], full.measured()[1]};
  const auto html = sp::format_html_study_report(sp::curve{{"replicas"}, std::move(points)});
  CHECK(html.find("USL:") == std::string::npos);
  CHECK(count_of(html, "<svg") == 3);
  const auto empty = sp::format_html_study_report(sp::curve{});
  CHECK(empty.find("No point was measured.") != std::string::npos);
  CHECK(empty.ends_with("</html>\n"));
}
