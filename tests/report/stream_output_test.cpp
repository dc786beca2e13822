// k6's streaming outputs (--out json=, --out csv=) on a simulated run: golden files, the
// counts in the stream against the summary's, and outputs that fail (a full disk, a closed
// pipe, a writer that falls behind) while the run goes on.
#include <stampede/exec/runner.hpp>
#include <stampede/metrics/builtin.hpp>
#include <stampede/report/csv_output.hpp>
#include <stampede/report/json_output.hpp>

#include <stampede/core/charconv.hpp>
#include <stampede/core/json.hpp>

#include "support/catch_compat.hpp"
#include "support/golden.hpp"
#include "support/temp_file.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#if !defined(_WIN32)
#  include <fcntl.h>
#  include <sys/stat.h>
#  include <unistd.h>
#endif

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

const sp::trend wait_time{"wait_time", sp::value_type::time};
const sp::counter items{"items"};

// Five iterations 250 ms apart on one VU, over two ticks: a custom trend, a tagged counter,
// a check and a request duration (whose metric has sub-metrics) each.
sp::load_test recorded_test() {
  return sp::load_test{
      .scenarios = {{.name = "browse",
                     .exec = [](sp::vu& u) -> sp::task<> {
                       co_await u.sleep(250ms);
                       u.record(wait_time, 12.5e6 * static_cast<double>(u.iteration() + 1));
                       u.record(items, 2, {{"kind", "a, \"b\""}});
                       u.check(u.iteration(), "first two", [](auto i) { return i < 2; });
                       u.record(sp::http_req_duration, 5e6, {{"expected_response", "true"}, {"status", "200"}});
                     },
                     .executor = sp::shared_iterations{.vus = 1, .iterations = 5}}},
      .thresholds = {{"wait_time", "p(95)<200"}, items.count() > 1, (items.count() > 5).abort_on_fail(10s),
                     {"http_req_duration{status:200}", "p(99)<300"}},
      .metrics = {wait_time, items},
  };
}

sp::result simulate(const sp::load_test& test, std::vector<sp::run_observer*> observers) {
  sp::manual_time time;
  return sp::run(test, {.threads = 1, .seed = 1, .observers = std::move(observers), .time = &time});
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Each metric's samples in a stream (their number and the sum of their values, in k6's
// units) against the run's summary of the same metric.
struct stream_counts {
  std::map<std::string, std::uint64_t> samples;
  std::map<std::string, double> sums;

  void add(const std::string& metric, double value) {
    ++samples[metric];
    sums[metric] += value;
  }
  void check_against(const sp::result& r) {
    for (const auto& e : r.metrics.entries()) {
      if (e.metric.is_submetric()) continue;
      INFO(e.metric.name);
      if (const auto* c = std::get_if<sp::counter_sink>(&e.data)) {
        CHECK(samples[e.metric.name] == c->samples);
        CHECK(sums[e.metric.name] == c->sum);
      } else if (const auto* t = std::get_if<sp::trend_sink>(&e.data)) {
        CHECK(samples[e.metric.name] == t->samples.count());
      } else if (const auto* rate = std::get_if<sp::rate_sink>(&e.data)) {
        CHECK(samples[e.metric.name] == rate->total);
        CHECK(sums[e.metric.name] == static_cast<double>(rate->nonzero));
      } else if (const auto* g = std::get_if<sp::gauge_sink>(&e.data)) {
        CHECK(samples[e.metric.name] == g->samples);
      }
    }
    CHECK(samples["iterations"] == 5);
    CHECK(sums["items"] == 10);
    CHECK(sums["wait_time"] == 187.5);  // 12.5 + 25 + … + 62.5 ms, in k6's milliseconds
  }
};

// An output's failure is among the run's output errors, not its iteration errors.
bool has_error(const sp::result& r, std::string_view part) {
  return r.errors.empty() && std::any_of(r.output_errors.begin(), r.output_errors.end(), [&](const std::string& e) {
           return e.find(part) != std::string::npos;
         });
}

}  // namespace

TEST_CASE("the json output writes k6's Metric and Point lines, the same for every simulated run") {
  const stampede_test::temp_file file{"out.json"};
  sp::json_output json{file.path};
  const auto r = simulate(recorded_test(), {&json});
  REQUIRE(r.errors.empty());
  const auto text = stampede_test::read_text(file.path);
  stampede_test::check_golden("report/golden/recorded_run.json", text);
  const auto lines = lines_of(text);
  const auto metric_lines = std::count_if(lines.begin(), lines.end(), [](const std::string& l) {
    return l.rfind("{\"type\":\"Metric\"", 0) == 0;
  });
  // wait_time, items, checks, http_req_duration, iterations, iteration_duration, vus, vus_max
  CHECK(metric_lines == 8);
  CHECK(json.samples_written() == lines.size() - 8);
  CHECK(json.description() == "json (" + file.path + ")");
}

TEST_CASE("the json stream holds every sample: its counts and sums equal the summary's") {
  const stampede_test::temp_file file{"counts.json"};
  sp::json_output json{file.path};
  const auto r = simulate(recorded_test(), {&json});
  stream_counts counts;
  std::map<std::string, std::string> types;
  for (const auto& line : lines_of(stampede_test::read_text(file.path))) {
    const auto v = sp::parse_json(line);
    const auto& data = *v.find("data");
    if (v.find("type")->text() == "Metric") {
      types[data.find("name")->text()] = data.find("type")->text();
      continue;
    }
    const auto& name = v.find("metric")->text();
    REQUIRE(types.count(name) == 1);  // a Metric line came first
    counts.add(name, *sp::parse_double(data.find("value")->text()));
  }
  counts.check_against(r);
  CHECK(types["wait_time"] == "trend");
}

TEST_CASE("the csv stream holds every sample: its counts and sums equal the summary's") {
  const stampede_test::temp_file file{"counts.csv"};
  sp::csv_output csv{file.path};
  const auto r = simulate(recorded_test(), {&csv});
  stream_counts counts;
  const auto lines = lines_of(stampede_test::read_text(file.path));
  for (std::size_t i = 1; i < lines.size(); ++i) {  // after the header
    const auto& line = lines[i];
    const auto first = line.find(',');
    const auto second = line.find(',', first + 1);
    const auto third = line.find(',', second + 1);
    counts.add(line.substr(0, first), *sp::parse_double(line.substr(second + 1, third - second - 1)));
  }
  counts.check_against(r);
}

TEST_CASE("the csv output writes k6's columns and rows, the same for every simulated run") {
  const stampede_test::temp_file file{"out.csv"};
  const stampede_test::temp_file nano{"nano.csv"};
  sp::csv_output csv{file.path};
  sp::csv_output csv_nano{nano.path, sp::csv_time_format::rfc3339_nano};
  const auto r = simulate(recorded_test(), {&csv, &csv_nano});
  REQUIRE(r.errors.empty());
  stampede_test::check_golden("report/golden/recorded_run.csv", stampede_test::read_text(file.path));
  const auto rows = lines_of(stampede_test::read_text(nano.path));
  REQUIRE(rows.size() == csv_nano.samples_written() + 1);
  CHECK(rows.front() == sp::csv_output::header());
  CHECK(sp::csv_output::header() ==
        "metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,"
        "scenario,service,status,subproto,tls_version,url,extra_tags,metadata");
  // The first iteration's custom trend, 250 ms after the start, to the nanosecond.
  CHECK(std::find(rows.begin(), rows.end(), "wait_time,2026-01-01T00:00:00.25Z,12.500000,,,,,,,,,browse,,,,,,,") !=
        rows.end());
  CHECK(sp::parse_csv_time_format("unix_milli") == sp::csv_time_format::unix_milli);
  CHECK(sp::to_string(sp::csv_time_format::unix_seconds) == "unix");
  CHECK_THROWS_WITH(sp::parse_csv_time_format("iso"), Catch::Contains("unknown CSV time format \"iso\""));
}

TEST_CASE("no output that streams samples: the recorders keep none") {
  sp::recorder rec{std::make_shared<sp::metric_registry>()};
  CHECK_FALSE(rec.keeps_samples());
  const auto r = simulate(recorded_test(), {});
  CHECK(r.complete_iterations() == 5);
}

TEST_CASE("a file that cannot be opened is refused before the run") {
  CHECK_THROWS_AS(sp::json_output{"/nonexistent-stampede-dir/out.json"}, sp::usage_error);
  CHECK_THROWS_WITH(sp::csv_output{"/nonexistent-stampede-dir/out.csv"},
                    Catch::Contains("cannot open \"/nonexistent-stampede-dir/out.csv\" for writing"));
  CHECK_THROWS_WITH(sp::json_output{""}, Catch::Contains("needs a path"));
}

#if defined(__linux__)
TEST_CASE("a full disk ends the output with a clear error; the run and its results go on") {
  sp::json_output json{"/dev/full"};
  const auto r = simulate(recorded_test(), {&json});
  CHECK(r.status == sp::run_status::finished);
  CHECK(r.complete_iterations() == 5);
  CHECK(has_error(r, "json (/dev/full): writing \"/dev/full\" failed: No space left on device"));
  CHECK(r.metrics.find(items.descriptor()) != nullptr);
}

TEST_CASE("a closed pipe ends the output with a clear error instead of killing the process") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  ::close(fds[0]);  // nobody reads
  const std::string path = "/proc/self/fd/" + std::to_string(fds[1]);
  {
    sp::csv_output csv{path};
    const auto r = simulate(recorded_test(), {&csv});
    CHECK(r.status == sp::run_status::finished);
    CHECK(has_error(r, "Broken pipe"));
  }
  ::close(fds[1]);
}
#endif

TEST_CASE("a pipe whose reader stops reading fails the output after its write timeout; the run ends") {
  const stampede_test::temp_file fifo{"stalled.fifo"};
  REQUIRE(::mkfifo(fifo.path.c_str(), 0600) == 0);
  const int reader = ::open(fifo.path.c_str(), O_RDONLY | O_NONBLOCK);  // opened, never read
  REQUIRE(reader >= 0);
  {
    sp::json_output json{fifo.path, {.write_timeout = 200ms}};
    // 2,000 iterations write far more than a pipe holds (64 KiB on Linux).
    auto test = recorded_test();
    test.scenarios[0].executor = sp::shared_iterations{.vus = 1, .iterations = 2000};
    const auto r = simulate(test, {&json});
    CHECK(r.complete_iterations() == 2000);
    CHECK(has_error(r, "its reader has read nothing for 200ms"));
  }
  ::close(reader);
}

TEST_CASE("after a dropped tick an output still knows the tag sets it brought, and writes the next ticks") {
  const stampede_test::temp_file file{"dropped.json"};
  // The first tick holds four iterations' samples (more than 15), the last one iteration's.
  sp::json_output json{file.path, {.max_backlog = 15}};
  const auto r = simulate(recorded_test(), {&json});
  CHECK(r.complete_iterations() == 5);
  CHECK(has_error(r, "samples were not written: the output fell 15 samples behind the run"));
  CHECK(!has_error(r, "not known"));
  const auto lines = lines_of(stampede_test::read_text(file.path));
  CHECK(json.samples_written() > 0);
  CHECK(std::count_if(lines.begin(), lines.end(), [](const std::string& l) {
          return l.find(R"("metric":"items","type":"Point")") != std::string::npos &&
                 l.find(R"("kind":"a, \"b\"")") != std::string::npos;  // tags of a set met in the dropped tick
        }) == 1);
}

TEST_CASE("an output that falls behind drops samples rather than hold the run's memory, and says so") {
  const stampede_test::temp_file file{"behind.json"};
  sp::json_output json{file.path, {.max_backlog = 0}};
  const auto r = simulate(recorded_test(), {&json});
  CHECK(r.complete_iterations() == 5);
  CHECK(has_error(r, "samples were not written: the output fell 0 samples behind the run"));
  CHECK(json.samples_written() == 0);
}
