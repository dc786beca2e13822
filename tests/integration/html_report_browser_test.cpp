// HTML reports in a real browser (headless Chromium, every network request refused): a
// simulated run's report, an empty one, a study's and a comparison's load without a console
// message or a request, hold their charts and table rows in the DOM after the page's script
// ran, and draw every series of the latency chart in its colour; a legend entry's click hides
// its series. With STAMPEDE_UPDATE_SCREENSHOTS=1 the report's
// screenshot is written to docs/images/report.png. Skipped with a message naming
// scripts/setup when Chromium (or python3) is not installed.
#include "support/catch_compat.hpp"

#if defined(__unix__)

#include <stampede/report/compare.hpp>
#include <stampede/report/html_report.hpp>
#include <stampede/report/result_file.hpp>
#include <stampede/report/svg.hpp>
#include <stampede/scaling/fit.hpp>
#include <stampede/study/study_report.hpp>

#include "support/browser.hpp"
#include "support/report_fixture.hpp"
#include "support/temp_file.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace sp = stampede;

namespace {

bool have_browser() {
  if (!stampede_test::find_chromium()) {
    WARN("skipped: " << stampede_test::chromium_missing());
    return false;
  }
  if (!stampede_test::browser_detail::find_python()) {
    WARN("skipped: python3 is not installed (scripts/setup installs it)");
    return false;
  }
  return true;
}

}  // namespace

TEST_CASE("a run's report loads offline in Chromium with its charts, rows and colours", "[html_report][browser]") {
  if (!have_browser()) return;
  stampede_test::temp_file file{"browser-report.html"};
  sp::html_output report{file.path, {.title = "shop"}};
  const auto r = stampede_test::simulate_report_run(stampede_test::report_test(), {&report});
  REQUIRE(report.written());

  const auto page = stampede_test::load_page(file.path);
  INFO(page.diagnostics);
  REQUIRE(page.ok);
  CHECK(page.console_messages.empty());
  CHECK(page.network_requests.empty());
  CHECK(page.clean());
  // The charts (load, latency, failures, arrivals, distribution, spectrum) and the tables'
  // rows: 2 thresholds, 1 check, 2 endpoints, 2 scenarios, and a header row each.
  CHECK(stampede_test::count_elements(page.dom, "svg") == 6);
  CHECK(stampede_test::count_elements(page.dom, "tr") == 2 + 1 + 2 + 2 + 4);
  CHECK(page.dom.find("<h1>shop</h1>") != std::string::npos);

  stampede_test::temp_file png{"browser-report.png"};
  const auto shot = stampede_test::screenshot(file.path, png.path, 1280, 3300);
  INFO(shot.diagnostics);
  REQUIRE(shot.ok);
  CHECK_FALSE(stampede_test::is_blank(png.path));
  // The latency chart's four percentiles are the palette's first four colours: each must
  // have reached the screen.
  const auto palette = sp::svg::palette();
  std::vector<std::string> colours;
  for (std::size_t i = 0; i < 4; ++i) colours.emplace_back(palette[i]);
  const auto counts = stampede_test::count_colours(png.path, colours, 24);
  for (const auto& c : colours) {
    INFO("colour " << c);
    CHECK(counts.at(c) > 20);
  }
  if (const char* update = std::getenv("STAMPEDE_UPDATE_SCREENSHOTS"); update != nullptr && std::string{update} == "1") {
    const auto target = std::filesystem::path{STAMPEDE_TESTS_DIR}.parent_path() / "docs" / "images" / "report.png";
    std::filesystem::create_directories(target.parent_path());
    std::filesystem::copy_file(png.path, target, std::filesystem::copy_options::overwrite_existing);
  }
  (void)r;
}

TEST_CASE("a chart's legend entry hides and shows its series", "[html_report][browser]") {
  if (!have_browser()) return;
  stampede_test::temp_file file{"browser-toggle.html"};
  sp::html_output report{file.path};
  (void)stampede_test::simulate_report_run(stampede_test::report_test(), {&report});
  // The page's own script, then a click on the latency chart's second legend entry (p(90)),
  // twice on its third (p(95)): one series hidden, the other shown again.
  auto html = stampede_test::read_text(file.path);
  const auto end = html.rfind("</body>");
  REQUIRE(end != std::string::npos);
  html.insert(end, R"(<script>
var chart = document.getElementById('chart-latency');
function click(i) { chart.querySelector('.legend-item[data-series="' + i + '"]').dispatchEvent(new MouseEvent('click')); }
click(1); click(2); click(2);
var hidden = Array.prototype.filter.call(chart.querySelectorAll('.series'), function (g) { return g.style.display === 'none'; });
document.body.setAttribute('data-hidden', hidden.map(function (g) { return g.getAttribute('data-series'); }).join(','));
</script>
)");
  {
    std::ofstream out{file.path, std::ios::binary};
    out << html;
  }
  const auto page = stampede_test::load_page(file.path);
  INFO(page.diagnostics);
  REQUIRE(page.ok);
  CHECK(page.clean());
  CHECK(page.dom.find("data-hidden=\"1\"") != std::string::npos);
}

TEST_CASE("a report of a run without samples loads cleanly too", "[html_report][browser]") {
  if (!have_browser()) return;
  stampede_test::temp_file file{"browser-empty-report.html"};
  {
    std::ofstream out{file.path, std::ios::binary};
    out << sp::format_html_report(sp::result{}, {});
  }
  const auto page = stampede_test::load_page(file.path);
  INFO(page.diagnostics);
  REQUIRE(page.ok);
  CHECK(page.clean());
  CHECK(stampede_test::count_elements(page.dom, "svg") == 0);
  CHECK(page.dom.find("No thresholds.") != std::string::npos);
}

TEST_CASE("a scaling study's report loads offline with its three charts and every point", "[html_report][browser]") {
  if (!have_browser()) return;
  // The seed's replicas (σ = 0.618, κ = 0.1848), three runs a level within ±2% of the model.
  const sp::usl_model model{.sigma = 0.618, .kappa = 0.1848, .lambda = 781};
  std::vector<sp::study_point> points;
  for (const double n : {1.0, 2.0, 4.0, 8.0, 10.0}) {
    sp::study_point point{.config = {{"replicas", n}}};
    for (const double noise : {0.98, 1.0, 1.02}) {
      sp::measurement m;
      m.window = std::chrono::seconds{2};
      m.requests_per_second = model.throughput_at(n) * noise;
      m.requests = static_cast<std::uint64_t>(2 * m.requests_per_second);
      m.p50 = std::chrono::microseconds{static_cast<int>(1280 * n * noise)};
      m.p95 = std::chrono::microseconds{static_cast<int>(2100 * n * noise)};
      m.p99 = std::chrono::microseconds{static_cast<int>(3300 * n * noise)};
      point.runs.push_back(m);
    }
    point.median = point.runs[1];
    points.push_back(std::move(point));
  }
  stampede_test::temp_file file{"browser-study.html"};
  {
    std::ofstream out{file.path, std::ios::binary};
    out << sp::format_html_study_report(sp::curve{{"replicas"}, std::move(points)}, {.title = "replicas"});
  }
  const auto page = stampede_test::load_page(file.path);
  INFO(page.diagnostics);
  REQUIRE(page.ok);
  CHECK(page.clean());
  CHECK(stampede_test::count_elements(page.dom, "svg") == 3);
  CHECK(stampede_test::count_elements(page.dom, "tr") == 1 + 5);
  CHECK(page.dom.find("N* = 1.44") != std::string::npos);
  if (const char* update = std::getenv("STAMPEDE_UPDATE_SCREENSHOTS"); update != nullptr && std::string{update} == "1") {
    const auto target = std::filesystem::path{STAMPEDE_TESTS_DIR}.parent_path() / "docs" / "images" / "study-report.png";
    const auto shot = stampede_test::screenshot(file.path, target.string(), 1280, 1500);
    CHECK(shot.ok);
  }
}

TEST_CASE("a comparison's page loads offline with its bar charts and a row per endpoint", "[html_report][browser]") {
  if (!have_browser()) return;
  // The fixture's run, and one whose /items endpoint is called something else, each with the
  // breakdowns a result file keeps (compare reads result files).
  stampede_test::temp_file base_file{"browser-compare-base.json"};
  stampede_test::temp_file other_file{"browser-compare-new.json"};
  sp::result_output base_output{base_file.path};
  sp::result_output other_output{other_file.path};
  const auto base = stampede_test::simulate_report_run(stampede_test::report_test(), {&base_output});
  const auto other = stampede_test::simulate_report_run(stampede_test::report_test("/items/v2"), {&other_output});
  const auto c = sp::compare_runs({{"base", base}, {"new", other}});
  stampede_test::temp_file file{"browser-compare.html"};
  {
    std::ofstream out{file.path, std::ios::binary};
    out << sp::format_comparison_html(c);
  }
  const auto page = stampede_test::load_page(file.path);
  INFO(page.diagnostics);
  REQUIRE(page.ok);
  CHECK(page.clean());
  CHECK(stampede_test::count_elements(page.dom, "svg") == 2);
  for (const char* endpoint : {"/login", "/items/{id}", "/items/v2"}) {
    CHECK(page.dom.find(endpoint) != std::string::npos);
  }
}

#endif  // __unix__
