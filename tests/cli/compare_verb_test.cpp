// The compare verb (`PROGRAM compare BASE.json NEW.json...`, `stampede compare`) on result files
// of simulated runs: identical runs exit 0 with every change ≈; a run whose /items endpoint is
// twice as slow shows ▲ there and, with --tolerance, exits 99 naming it; -o writes the output
// to a file; the parts of one run in a log compare as that run, and parts that do not tile one
// exit 111; bad flags and files exit 104; runs of another test compare with a warning.
#include <stampede/cli/main.hpp>

#include <stampede/exec/runner.hpp>
#include <stampede/metrics/builtin.hpp>
#include <stampede/report/result_file.hpp>

#include "support/catch_compat.hpp"
#include "support/file_text.hpp"
#include "support/report_fixture.hpp"
#include "support/temp_file.hpp"

#include <chrono>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

// The report fixture's "browse" scenario with /items/{id} `factor` times as slow, and a p(95)
// threshold of `p95` (another threshold makes another test).
sp::load_test shop(double factor = 1.0, std::chrono::milliseconds p95 = 200ms) {
  auto browse = [factor](sp::vu& u) -> sp::task<> {
    co_await u.sleep(100ms);
    const auto i = u.iteration();
    const bool odd = i % 2 == 1;
    const sp::tag_set tags{{"name", odd ? "/items/{id}" : "/login"}};
    const double ms = odd ? (40.0 + static_cast<double>(i % 7)) * factor : 5.0 + static_cast<double>(i % 7);
    u.record(sp::http_reqs, 1, tags);
    u.record(sp::http_req_duration, ms * 1e6, tags);
    u.record(sp::http_req_failed, odd && i % 10 == 1 ? 1.0 : 0.0, tags);
  };
  return sp::load_test{
      .scenarios = {{.name = "browse", .exec = browse, .executor = sp::constant_vus{.vus = 3, .duration = 6s}}},
      .thresholds = {sp::http_req_duration.p(95) < p95},
  };
}

// The run's result file, written by --out result= on a simulated run (or a part of it).
void write_result(const sp::load_test& test, const std::string& path) {
  sp::result_output out{path};
  (void)stampede_test::simulate_report_run(test, {&out});
}

struct outcome {
  int code = -1;
  std::string out;
  std::string err;
};

// `run` with stdout and stderr captured.
template <typename Run>
outcome captured(Run&& run) {
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  REQUIRE(out != nullptr);
  REQUIRE(err != nullptr);
  outcome o;
  o.code = run(out, err);
  o.out = sp::testing::file_text(out);
  o.err = sp::testing::file_text(err);
  std::fclose(out);
  std::fclose(err);
  return o;
}

// The test program's own verb: `shop compare ARGS...`.
outcome compare(std::vector<std::string> args, const sp::load_test& test = shop()) {
  args.insert(args.begin(), "compare");
  const std::vector<std::string_view> views{args.begin(), args.end()};
  return captured([&](std::FILE* out, std::FILE* err) { return sp::run_cli("shop", views, test, out, err); });
}

// The standalone tool's: `stampede compare ARGS...`.
outcome tool_compare(const std::vector<std::string>& args) {
  const std::vector<std::string_view> views{args.begin(), args.end()};
  return captured([&](std::FILE* out, std::FILE* err) { return sp::run_compare("stampede", views, nullptr, out, err); });
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

std::size_t count_of(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// Files written once for every test case: the same simulated run twice, and a slower one.
struct runs {
  stampede_test::temp_file base{"compare-base.json"};
  stampede_test::temp_file same{"compare-same.json"};
  stampede_test::temp_file slower{"compare-slower.json"};
  runs() {
    write_result(shop(), base.path);
    write_result(shop(), same.path);
    write_result(shop(2.0), slower.path);
  }
};

}  // namespace

TEST_CASE("compare: two identical runs print every figure side by side, all within noise, and exit 0") {
  const runs files;
  const auto r = compare({files.base.path, files.same.path});
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  CHECK(contains(r.out, "█ WHOLE RUN"));
  CHECK(contains(r.out, "█ ENDPOINT: /items/{id}"));
  CHECK(contains(r.out, "█ ENDPOINT: /login"));
  CHECK(contains(r.out, "http_req_duration p(99)"));
  CHECK(contains(r.out, "iteration_duration med"));
  CHECK_FALSE(contains(r.out, "▲ +"));
  CHECK_FALSE(contains(r.out, "▼ -"));
  // Every row of the second run is ≈: 6 per endpoint, 10 for the whole run.
  CHECK(count_of(r.out, "≈ +0.0%") == 6 + 6 + 10);
  // No change at all passes any tolerance, even 0.
  CHECK(compare({files.base.path, files.same.path, "--tolerance", "0"}).code == 0);
}

TEST_CASE("compare: a run whose /items endpoint is twice as slow is marked, and --tolerance fails it with 99") {
  const runs files;
  const auto r = compare({files.base.path, files.slower.path, "--tolerance", "10%"});
  INFO(r.out << r.err);
  CHECK(r.code == sp::exit_code::thresholds_failed);
  const auto items = r.out.substr(r.out.find("█ ENDPOINT: /items/{id}"));
  // med and p(95) rise for real; p(99) of 90 requests has no upper bound (the binomial interval
  // of its rank reaches past the largest sample), so even twice as slow is within its noise.
  const auto items_rows = items.substr(0, items.find("█ ENDPOINT: /login"));
  CHECK(count_of(items_rows, "▲ +100.0%") == 2);
  CHECK(contains(items_rows, "http_req_duration p(99)"));
  CHECK(contains(items_rows.substr(items_rows.find("http_req_duration p(99)")), "≈ +100.0%"));
  CHECK_FALSE(contains(r.out.substr(r.out.find("█ ENDPOINT: /login")), "▲ +"));
  CHECK(contains(r.err, "regressions beyond --tolerance 10%:"));
  CHECK(contains(r.err, "  endpoint /items/{id}: http_req_duration med "));
  CHECK(contains(r.err, " in " + files.slower.path + " (+100.0%)"));
  CHECK_FALSE(contains(r.err, "/login"));
  // Within a tolerance of 150%, and without one, the same comparison exits 0.
  CHECK(compare({files.base.path, files.slower.path, "--tolerance=150"}).code == 0);
  CHECK(compare({files.base.path, files.slower.path}).code == 0);
  // The tool's verb says the same.
  const auto t = tool_compare({files.base.path, files.slower.path, "--tolerance", "10"});
  CHECK(t.code == sp::exit_code::thresholds_failed);
  CHECK(t.out == r.out);
}

TEST_CASE("compare: --by, --format and -o choose the rows, the output and where it goes") {
  const runs files;
  const auto scenario = compare({files.base.path, files.slower.path, "--by", "scenario"});
  CHECK(scenario.code == 0);
  CHECK(contains(scenario.out, "█ SCENARIO: browse"));
  CHECK_FALSE(contains(scenario.out, "ENDPOINT"));
  const auto none = compare({files.base.path, files.slower.path, "--by=none"});
  CHECK(contains(none.out, "█ WHOLE RUN"));
  CHECK(count_of(none.out, "█ ") == 1);

  const auto markdown = compare({files.base.path, files.slower.path, "--format", "markdown"});
  CHECK(markdown.code == 0);
  CHECK(markdown.out.starts_with("## Comparison of 2 runs"));
  CHECK(contains(markdown.out, "| /items/{id} |"));

  stampede_test::temp_file page{"compare.html"};
  const auto html = compare({files.base.path, files.slower.path, "--format=html", "-o", page.path});
  CHECK(html.code == 0);
  CHECK(html.out.empty());
  CHECK(html.err == "compare: " + page.path + "\n");
  const auto text = stampede_test::read_text(page.path);
  CHECK(text.starts_with("<!DOCTYPE html>"));
  CHECK(count_of(text, "<svg ") == 2);
  CHECK(contains(text, "<title>shop compare — stampede report</title>"));

  const auto help = compare({"--help"});
  CHECK(help.code == 0);
  CHECK(help.out.starts_with("Usage: shop compare BASE.json NEW.json"));
}

TEST_CASE("compare: the parts of one run in a log compare as that run; parts that do not tile exit 111") {
  const runs files;
  const auto test = shop();
  const auto sequence = sp::execution_segment_sequence::parse("0,1/2,1");
  stampede_test::temp_file log{"compare-parts.log"};
  stampede_test::temp_file half{"compare-half.log"};
  std::string both;
  for (const char* segment : {"0:1/2", "1/2:1"}) {
    std::FILE* stream = std::tmpfile();
    REQUIRE(stream != nullptr);
    sp::result_output out{"-", 1200, stream};
    sp::manual_time time;
    (void)sp::run(test, {.threads = 2,
                         .seed = 7,
                         .part = sp::execution_tuple{sp::execution_segment::parse(segment), sequence},
                         .observers = {&out},
                         .time = &time});
    const auto text = sp::testing::file_text(stream);
    std::fclose(stream);
    if (both.empty()) {
      std::FILE* f = std::fopen(half.path.c_str(), "wb");
      REQUIRE(f != nullptr);
      std::fputs(text.c_str(), f);
      std::fclose(f);
    }
    both += "a pod's log line\n" + text;
  }
  {
    std::FILE* f = std::fopen(log.path.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fputs(both.c_str(), f);
    std::fclose(f);
  }
  const auto merged = compare({files.base.path, log.path, "--by", "none"});
  INFO(merged.out << merged.err);
  CHECK(merged.code == 0);
  CHECK(contains(merged.out, log.path));
  CHECK_FALSE(contains(merged.out, "▼ -"));  // the parts together made as many requests

  const auto incomplete = compare({files.base.path, half.path});
  CHECK(incomplete.code == sp::exit_code::parts_incomplete);
  CHECK(incomplete.err.starts_with("error: " + half.path + ": merge: the parts do not make up the test exactly once"));
  CHECK(contains(incomplete.err, "segment 1/2:1 (part 1 of 2) is missing"));
  CHECK(incomplete.out.empty());
}

TEST_CASE("compare: runs of another test are compared with a warning") {
  const runs files;
  stampede_test::temp_file other{"compare-other.json"};
  write_result(shop(1.0, 300ms), other.path);
  // The test program knows its own fingerprint: the other run is named.
  const auto own = compare({files.base.path, other.path});
  CHECK(own.code == 0);
  CHECK(own.err == "warning: " + other.path + " is a run of another test (fingerprint " +
                       sp::fingerprint(shop(1.0, 300ms)) + ", this test's " + sp::fingerprint(shop()) +
                       "); compared all the same\n");
  CHECK_FALSE(contains(own.out, "▲ +"));
  // The tool compares with the first run's.
  const auto tool = tool_compare({other.path, files.base.path});
  CHECK(tool.code == 0);
  CHECK(contains(tool.err, "warning: " + files.base.path + " is a run of another test"));
  CHECK(contains(tool.err, other.path + "'s " + sp::fingerprint(shop(1.0, 300ms))));
  // Of the same test, no warning.
  CHECK(tool_compare({files.base.path, files.same.path}).err.empty());
}

TEST_CASE("compare: bad flags and files exit 104 naming them") {
  const runs files;
  stampede_test::temp_file not_a_result{"compare-notes.txt"};
  {
    std::FILE* f = std::fopen(not_a_result.path.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fputs("just some notes\n", f);
    std::fclose(f);
  }
  struct row {
    std::vector<std::string> args;
    std::string error;  // how stderr starts
  };
  const std::vector<row> rows = {
      {{files.base.path}, "error: compare needs two runs or more, the base first: shop compare BASE.json"},
      {{}, "error: compare needs two runs or more"},
      {{files.base.path, files.same.path, "--by", "url"}, "error: --by: expected name, scenario or none, got \"url\""},
      {{files.base.path, files.same.path, "--format", "pdf"},
       "error: --format: expected text, markdown or html, got \"pdf\""},
      {{files.base.path, files.same.path, "--tolerance", "ten"},
       "error: --tolerance: expected a percentage such as 10 or 10%, got \"ten\""},
      {{files.base.path, files.same.path, "--tolerance", "-5%"},
       "error: --tolerance: expected a percentage such as 10 or 10%, got \"-5%\""},
      {{files.base.path, files.same.path, "--tolerance"}, "error: --tolerance needs a value"},
      {{files.base.path, files.same.path, "--vus", "3"}, "error: compare does not take --vus"},
      {{files.base.path, files.same.path, "-o", "/nonexistent/dir/out.txt"}, "error: "},
      {{files.base.path, "/nonexistent/run.json"}, "error: cannot read \"/nonexistent/run.json\""},
      {{files.base.path, not_a_result.path}, "error: " + not_a_result.path + ": no result document"},
  };
  for (const auto& r : rows) {
    const auto o = compare(r.args);
    INFO(o.err);
    CHECK(o.code == sp::exit_code::invalid_config);
    CHECK(o.err.starts_with(r.error));
    CHECK(o.out.empty());
  }
  const auto t = tool_compare({files.base.path, "--format", "pdf"});
  CHECK(t.code == sp::exit_code::invalid_config);
  CHECK(contains(t.err, "run 'stampede --help'"));
}
