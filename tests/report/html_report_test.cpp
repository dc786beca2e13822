// The HTML report (--out html=FILE, `report RESULT.json -o FILE`): a simulated run's report is
// the same bytes every time, holds what the result holds (thresholds with observed values,
// checks, a row per endpoint and per scenario that add up to the run's totals, the charts the
// data allows), fetches nothing, escapes what the test named; the breakdowns it asks the run
// for neither show in the summary nor count a sample twice; and the `report` verb draws the
// same tables from a result file.
#include <stampede/cli/main.hpp>
#include <stampede/exec/runner.hpp>
#include <stampede/metrics/builtin.hpp>
#include <stampede/report/html_report.hpp>
#include <stampede/report/outputs.hpp>
#include <stampede/report/result_file.hpp>
#include <stampede/report/summary.hpp>

#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"
#include "support/report_fixture.hpp"
#include "support/temp_file.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <tuple>
#include <string>
#include <string_view>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

using stampede_test::report_test;

sp::result simulate(const sp::load_test& test, std::vector<sp::run_observer*> observers) {
  return stampede_test::simulate_report_run(test, std::move(observers));
}

std::size_t count_of(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// The text of the section with `id`, from its opening tag to its closing one.
std::string section(const std::string& html, const std::string& id) {
  const auto from = html.find("<section id=\"" + id + "\">");
  REQUIRE(from != std::string::npos);
  const auto to = html.find("</section>", from);
  REQUIRE(to != std::string::npos);
  return html.substr(from, to - from);
}

// The sum of a counter's sub-metrics whose filter holds `key` = `value`.
double counter_where(const sp::snapshot& s, const std::string& metric, std::string_view key, std::string_view value) {
  double sum = 0;
  for (const auto& e : s.entries()) {
    if (e.metric.name != metric || e.metric.filter.tags().get(key) != std::optional<std::string_view>{value}) continue;
    if (const auto* c = std::get_if<sp::counter_sink>(&e.data)) sum += c->sum;
  }
  return sum;
}

double counter_total(const sp::snapshot& s, const sp::metric_descriptor& m) {
  const auto* c = s.find(m);
  return c != nullptr ? std::get<sp::counter_sink>(*c).sum : 0.0;
}

}  // namespace

TEST_CASE("a simulated run's report is the same bytes every time", "[html_report]") {
  const auto test = report_test();
  stampede_test::temp_file first{"report-a.html"};
  stampede_test::temp_file second{"report-b.html"};
  sp::html_output a{first.path};
  sp::html_output b{second.path};
  (void)simulate(test, {&a});
  (void)simulate(test, {&b});
  REQUIRE(a.written());
  REQUIRE(b.written());
  const auto text = stampede_test::read_text(first.path);
  CHECK(text.size() > 10'000);
  CHECK(text == stampede_test::read_text(second.path));
}

TEST_CASE("the report holds the verdict, the overview, the charts and tables that add up", "[html_report]") {
  const auto test = report_test();
  stampede_test::temp_file file{"report.html"};
  // [observer]
  sp::html_output report{file.path, {.title = "shop <smoke>"}};
  sp::manual_time time;  // a simulated run: the same report every time
  const auto r = sp::run(test, {.threads = 2, .seed = 7, .observers = {&report}, .time = &time});
  // [observer]
  const auto html = stampede_test::read_text(file.path);
  REQUIRE(html.starts_with("<!DOCTYPE html>"));
  CHECK(html.ends_with("</html>\n"));
  CHECK(html.find("<title>shop &lt;smoke&gt; — stampede report</title>") != std::string::npos);

  // The verdict: the failure rate threshold fails (10% of /items), so exit code 99.
  REQUIRE(r.exit_code() == sp::exit_code::thresholds_failed);
  CHECK(html.find("✗ failed: thresholds were crossed") != std::string::npos);
  CHECK(html.find("(exit code 99)") != std::string::npos);
  const auto thresholds = section(html, "thresholds");
  CHECK(count_of(thresholds, "<tr class=\"pass\">") == 1);
  CHECK(count_of(thresholds, "<tr class=\"fail\">") == 1);
  for (const auto& t : r.thresholds) {
    for (const auto& c : t.conditions) CHECK(thresholds.find(sp::format_observed(c)) != std::string::npos);
  }
  const auto checks = section(html, "checks");
  CHECK(checks.find("<td>status is 200</td>") != std::string::npos);

  // Overview figures and the charts this run's data allows: load, latency, failures,
  // arrivals (dropped iterations), the distribution and the spectrum; no phases or data
  // rates (nothing recorded them).
  CHECK(section(html, "overview").find("HTTP requests") != std::string::npos);
  CHECK(count_of(html, "<svg") == 6);
  for (const char* id : {"chart-load", "chart-latency", "chart-failures", "chart-arrivals", "chart-distribution",
                         "chart-spectrum"}) {
    CHECK(html.find(std::string{"id=\""} + id + "\"") != std::string::npos);
  }
  CHECK(html.find("chart-phases") == std::string::npos);
  CHECK(html.find("chart-data") == std::string::npos);
  const double dropped = counter_total(r.metrics, sp::dropped_iterations.descriptor());
  CHECK(dropped > 0);

  // A row per endpoint, whose request counts add up to the run's.
  const auto endpoints = section(html, "endpoints");
  CHECK(count_of(endpoints, "<tr><td>") == 2);
  const double login = counter_where(r.metrics, "http_reqs", "name", "/login");
  const double items = counter_where(r.metrics, "http_reqs", "name", "/items/{id}");
  CHECK(login > 0);
  CHECK(items > 0);
  CHECK(login + items == counter_total(r.metrics, sp::http_reqs.descriptor()));
  CHECK(endpoints.find("<td>/login</td><td>" + sp::format_number(login) + "</td>") != std::string::npos);
  CHECK(endpoints.find("<td>/items/{id}</td><td>" + sp::format_number(items) + "</td>") != std::string::npos);
  // k6's trend columns, the summary's statistics.
  CHECK(endpoints.find("<th>p(95)</th>") != std::string::npos);

  // A row per scenario, with its iterations.
  const auto scenarios = section(html, "scenarios");
  for (const auto& s : r.scenarios) {
    CHECK(scenarios.find("<tr><td>" + s.name + "</td>") != std::string::npos);
    CHECK(scenarios.find("<td>" + std::to_string(s.complete) + "</td>") != std::string::npos);
  }

  // Nothing to fetch: no source or link attribute, no address but the SVG namespace's, and
  // a policy that forbids fetching anyway.
  CHECK(html.find(" src=") == std::string::npos);
  CHECK(html.find(" href=") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  const std::regex address{"https?://[^\"' <]*"};
  for (auto it = std::sregex_iterator(html.begin(), html.end(), address); it != std::sregex_iterator{}; ++it) {
    CHECK(it->str() == "http://www.w3.org/2000/svg");
  }
  CHECK(html.find("Content-Security-Policy\" content=\"default-src 'none';") != std::string::npos);
  // No NaN or infinity reached a chart.
  CHECK(html.find("nan") == std::string::npos);
  CHECK(html.find("inf\"") == std::string::npos);
}

TEST_CASE("a threshold on an endpoint's sub-metric does not count its requests twice", "[html_report]") {
  auto test = report_test();
  test.thresholds.push_back(sp::http_reqs.where("name", "/login").count() > 0);
  stampede_test::temp_file file{"report-threshold-endpoint.html"};
  sp::html_output output{file.path};
  const auto r = simulate(test, {&output});
  const double login = counter_where(r.metrics, "http_reqs", "name", "/login") / 2;  // the threshold's series and the breakdown's
  REQUIRE(login > 0);
  CHECK(section(stampede_test::read_text(file.path), "endpoints")
            .find("<td>/login</td><td>" + sp::format_number(login) + "</td>") != std::string::npos);
}

TEST_CASE("what the test names is escaped in the report", "[html_report]") {
  const auto test = report_test("<script>alert(1)</script>");
  stampede_test::temp_file file{"report-escaped.html"};
  sp::html_output output{file.path};
  (void)simulate(test, {&output});
  const auto html = stampede_test::read_text(file.path);
  CHECK(html.find("<script>alert(1)") == std::string::npos);
  CHECK(section(html, "endpoints").find("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>") != std::string::npos);
}

TEST_CASE("the report's breakdowns neither show in the summary nor count a sample twice", "[html_report]") {
  auto test = report_test();
  stampede_test::temp_file file{"report-summary.html"};
  sp::html_output output{file.path};
  const auto with_report = simulate(test, {&output});
  const auto without = simulate(test, {});
  // The breakdowns exist in the result (the report's tables read them) ...
  CHECK(counter_where(with_report.metrics, "http_reqs", "name", "/login") > 0);
  CHECK(counter_where(without.metrics, "http_reqs", "name", "/login") == 0);
  // ... and the summary in every layout is the one of a run without them.
  for (const auto mode : {sp::summary_mode::compact, sp::summary_mode::legacy}) {
    sp::summary_options o;
    o.mode = mode;
    const auto shown = sp::format_summary(with_report.metrics, with_report.thresholds, o);
    CHECK(shown.find("name:") == std::string::npos);
    CHECK(shown == sp::format_summary(without.metrics, without.thresholds, o));
  }

  // The full summary tracks `iterations{scenario:…}` itself; the report's breakdown of the
  // same series must not add a second sink for it.
  test.summary.mode = sp::summary_mode::full;
  const auto full = simulate(test, {&output});
  const auto full_without = simulate(test, {});
  for (const auto* scenario : {"browse", "arrivals"}) {
    const double with_both = counter_where(full.metrics, "iterations", "scenario", scenario);
    CHECK(with_both > 0);
    CHECK(with_both == counter_where(full_without.metrics, "iterations", "scenario", scenario));
  }
}

TEST_CASE("the report verb draws a result file's report with the same tables", "[html_report]") {
  const auto test = report_test();
  stampede_test::temp_file result_file{"report-result.json"};
  stampede_test::temp_file run_report{"report-run.html"};
  stampede_test::temp_file file_report{"report-file.html"};
  sp::result_output result{result_file.path};
  sp::html_output html{run_report.path};
  (void)simulate(test, {&result, &html});
  REQUIRE(result.written());

  stampede_test::temp_file out{"report-out.txt"};
  stampede_test::temp_file err{"report-err.txt"};
  {
    std::FILE* o = std::fopen(out.path.c_str(), "wb");
    std::FILE* e = std::fopen(err.path.c_str(), "wb");
    const std::vector<std::string_view> args{"report", result_file.path, "-o", file_report.path};
    CHECK(sp::run_cli("shop", args, test, o, e) == sp::exit_code::ok);
    std::fclose(o);
    std::fclose(e);
  }
  const auto from_run = stampede_test::read_text(run_report.path);
  const auto from_file = stampede_test::read_text(file_report.path);
  CHECK(from_file.find("<h1>shop</h1>") != std::string::npos);
  for (const char* id : {"thresholds", "checks", "endpoints", "scenarios", "overview", "over-time"}) {
    INFO(id);
    CHECK(section(from_file, id) == section(from_run, id));
  }
}

TEST_CASE("the report verb merges the parts of a test and names them in the header", "[html_report]") {
  const auto test = report_test();
  const auto sequence = sp::execution_segment_sequence::parse("0,1/2,1");
  stampede_test::temp_file first{"report-part0.json"};
  stampede_test::temp_file second{"report-part1.json"};
  stampede_test::temp_file whole{"report-parts.html"};
  for (std::size_t i = 0; i < 2; ++i) {
    sp::result_output output{i == 0 ? first.path : second.path};
    sp::manual_time time;
    (void)sp::run(test, {.threads = 2, .seed = 7, .part = sp::execution_tuple{sequence.segments()[i], sequence},
                         .observers = {&output}, .time = &time});
    REQUIRE(output.written());
  }
  stampede_test::temp_file err{"report-parts-err.txt"};
  std::FILE* e = std::fopen(err.path.c_str(), "wb");
  const std::vector<std::string_view> args{"report", first.path, second.path, "-o", whole.path, "--title", "two parts"};
  CHECK(sp::run_cli("shop", args, test, stdout, e) == sp::exit_code::ok);
  std::fclose(e);
  const auto html = stampede_test::read_text(whole.path);
  CHECK(html.find("<h1>two parts</h1>") != std::string::npos);
  CHECK(html.find("<dt>parts</dt><dd>2 (sequence 0,1/2,1)</dd>") != std::string::npos);
  CHECK(html.find("<dt>largest start skew</dt>") != std::string::npos);
  // The whole test's endpoints: both parts' requests.
  const auto part0 = sp::result_document_from_json(stampede_test::read_text(first.path));
  const auto part1 = sp::result_document_from_json(stampede_test::read_text(second.path));
  const double in_part0 = counter_where(part0.metrics, "http_reqs", "name", "/login");
  const double in_part1 = counter_where(part1.metrics, "http_reqs", "name", "/login");
  CHECK(in_part0 > 0);
  CHECK(in_part1 > 0);
  CHECK(section(html, "endpoints").find("<td>/login</td><td>" + sp::format_number(in_part0 + in_part1) + "</td>") !=
        std::string::npos);
}

TEST_CASE("the report verb and --out html refuse what they cannot do, naming it", "[html_report]") {
  const auto test = report_test();
  stampede_test::temp_file err{"report-refusals.txt"};
  const auto refused = [&](std::vector<std::string_view> args) {
    std::FILE* e = std::fopen(err.path.c_str(), "wb");
    const int code = sp::run_cli("shop", args, test, stdout, e);
    std::fclose(e);
    return std::pair{code, stampede_test::read_text(err.path)};
  };
  stampede_test::temp_file missing{"report-missing.json"};
  stampede_test::temp_file junk{"report-junk.json"};
  { std::ofstream{junk.path} << "{\"format\": \"something else\"}"; }

  auto [code, text] = refused({"report", missing.path});
  CHECK(code == sp::exit_code::invalid_config);
  CHECK(text.find("report needs the file to write: -o REPORT.html") != std::string::npos);
  std::tie(code, text) = refused({"report", "-o", "x.html"});
  CHECK(code == sp::exit_code::invalid_config);
  CHECK(text.find("report needs a result file") != std::string::npos);
  std::tie(code, text) = refused({"report", missing.path, "-o", "x.html"});
  CHECK(code == sp::exit_code::invalid_config);
  CHECK(text.find("cannot read \"" + missing.path + "\"") != std::string::npos);
  std::tie(code, text) = refused({"report", junk.path, "-o", "x.html"});
  CHECK(code == sp::exit_code::invalid_config);
  CHECK(text.find(junk.path) != std::string::npos);
  std::tie(code, text) = refused({"report", junk.path, "--bogus", "-o", "x.html"});
  CHECK(code == sp::exit_code::invalid_config);
  CHECK(text.find("report does not take --bogus") != std::string::npos);

  CHECK_THROWS_AS(sp::make_output(sp::parse_output_spec("html")), sp::usage_error);
  CHECK_THROWS_AS(sp::html_output{"/nonexistent-folder/report.html"}, sp::usage_error);
  CHECK(sp::describe(sp::parse_output_spec("html=r.html")) == "html (r.html)");
}

TEST_CASE("a run without samples still gives a whole report", "[html_report]") {
  sp::result empty;
  const auto html = sp::format_html_report(empty, {});
  CHECK(html.starts_with("<!DOCTYPE html>"));
  CHECK(html.ends_with("</html>\n"));
  CHECK(html.find("No thresholds.") != std::string::npos);
  CHECK(html.find("No checks.") != std::string::npos);
  CHECK(count_of(html, "<svg") == 0);
  CHECK(html.find("✓ passed") != std::string::npos);
}
