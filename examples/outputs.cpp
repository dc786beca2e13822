// k6's outputs from C++: a test against an in-process testbed server whose every sample goes to
// k6's JSON and CSV files, whose thresholds and checks become a JUnit report, and whose live
// metrics a Prometheus server could scrape — the observers `--out` makes, attached by hand.
// Reads the files back and exits 0 when they hold what the run's result says (docs/outputs.md
// takes its code from here).
#include <stampede/stampede.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace sp = stampede;
namespace tb = stampede::testbed;
using namespace std::chrono_literals;

namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

}  // namespace

int main() {
  tb::server server{{.routes = {{.path = "/todos", .body = "[]", .latency = tb::service_time::fixed(2ms)}}}};
  const auto url = server.url("/todos");
  const auto dir = std::filesystem::temp_directory_path() / "stampede-outputs-example";
  std::filesystem::create_directories(dir);

  // [observers]
  // The observers `--out json=… --out csv=… --out junit=… --out prometheus=…` make. Each opens
  // its file (or port) here, so a path that cannot be written fails before the run.
  sp::json_output json{(dir / "samples.json").string()};
  sp::csv_output csv{(dir / "samples.csv").string(), sp::csv_time_format::rfc3339_nano};
  sp::junit_output junit{(dir / "junit.xml").string()};
  sp::prometheus_output prometheus{{.host = "127.0.0.1", .port = 0}};  // 0: a free port

  const sp::load_test test{
      .scenarios = {{.name = "todos",
                     .exec = [url](sp::vu& u) -> sp::task<> {
                       auto res = co_await u.http().get(url);
                       u.check(res, sp::status_is(200));
                     },
                     .executor = sp::shared_iterations{.vus = 4, .iterations = 40}}},
      .thresholds = {sp::http_req_failed.rate() < 0.01, sp::http_req_duration.p(95) < 500ms},
  };
  const auto result = sp::run(test, {.observers = {&json, &csv, &junit, &prometheus}});
  // [observers]

  // Every request is in each stream: a Point line, a CSV row, a Prometheus count.
  const auto requests = std::get<sp::counter_sink>(*result.metrics.find(sp::http_reqs.descriptor())).sum;
  const auto ndjson = read_text(dir / "samples.json");
  const auto rows = read_text(dir / "samples.csv");
  const auto xml = read_text(dir / "junit.xml");
  const auto exposition = prometheus.exposition();
  bool ok = result.errors.empty() && requests == 40;
  ok = ok && count_of(ndjson, R"({"metric":"http_reqs","type":"Point")") == 40;
  ok = ok && count_of(rows, "\nhttp_reqs,") == 40;
  ok = ok && xml.find(R"(<testsuite name="k6 thresholds" tests="2" failures="0")") != std::string::npos;
  ok = ok && exposition.find("k6_http_reqs_total{") != std::string::npos;
  fmt::print("{} requests: {} bytes of JSON, {} of CSV, a {}-byte JUnit report, {} scraped from {}\n", requests,
             ndjson.size(), rows.size(), xml.size(), exposition.size(), prometheus.url());
  std::filesystem::remove_all(dir);
  if (!ok) fmt::print(stderr, "the outputs do not match the result\n");
  return ok && result.exit_code() == 0 ? 0 : 1;
}
