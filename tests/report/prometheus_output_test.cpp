// The Prometheus endpoint's exposition on a simulated run: k6's names and suffixes, labels
// from tags, trends as histograms whose buckets hold the HDR histogram's counts, so that a
// quantile computed as PromQL's histogram_quantile computes it stays within the bucket error.
// tests/integration/prometheus_test.cpp scrapes it over HTTP and with a real Prometheus.
#include <stampede/exec/runner.hpp>
#include <stampede/metrics/builtin.hpp>
#include <stampede/report/outputs.hpp>
#include <stampede/report/prometheus_output.hpp>

#include <stampede/core/charconv.hpp>

#include "support/catch_compat.hpp"
#include "support/golden.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

const sp::trend think{"think", sp::value_type::time};

// Ten iterations 100 ms apart; request durations of 1 … 10 ms, statuses 200 and 503.
sp::load_test labelled_test() {
  return sp::load_test{
      .scenarios = {{.name = "api",
                     .exec = [](sp::vu& u) -> sp::task<> {
                       co_await u.sleep(100ms);
                       const auto i = static_cast<double>(u.iteration() + 1);
                       const bool ok = u.iteration() % 5 != 4;
                       u.record(sp::http_req_duration, i * 1e6,
                                {{"status", ok ? "200" : "503"}, {"expected_response", ok ? "true" : "false"},
                                 {"name", "get \"todos\"\n"}});
                       u.record(sp::http_reqs, 1, {{"status", ok ? "200" : "503"}});
                       u.check(ok, "is 200", [](bool b) { return b; });
                       u.record(think, 2.5e9);
                     },
                     .executor = sp::shared_iterations{.vus = 1, .iterations = 10}}},
      .metrics = {think},
  };
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// PromQL's histogram_quantile over one series' buckets: (le, cumulative count), ascending.
double histogram_quantile(double q, const std::vector<std::pair<double, double>>& buckets) {
  const double total = buckets.back().second;
  const double rank = q * total;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (buckets[i].second >= rank) {
      if (std::isinf(buckets[i].first)) return buckets[i - 1].first;
      const double lower = i == 0 ? 0 : buckets[i - 1].first;
      const double below = i == 0 ? 0 : buckets[i - 1].second;
      const double in_bucket = buckets[i].second - below;
      return lower + (buckets[i].first - lower) * ((rank - below) / in_bucket);
    }
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

TEST_CASE("the Prometheus exposition names k6's metrics with k6's suffixes and labels from tags") {
  sp::prometheus_output prometheus{{.port = 0}};
  sp::manual_time time;
  const auto r = sp::run(labelled_test(), {.threads = 1, .seed = 1, .observers = {&prometheus}, .time = &time});
  REQUIRE(r.errors.empty());
  const auto text = prometheus.exposition();
  stampede_test::check_golden("report/golden/labelled_run.prom", text);
  const auto lines = lines_of(text);
  const auto has = [&](const std::string& line) { return std::find(lines.begin(), lines.end(), line) != lines.end(); };
  CHECK(has("# TYPE k6_http_reqs_total counter"));
  CHECK(has(R"(k6_http_reqs_total{scenario="api",status="200"} 8)"));
  CHECK(has(R"(k6_http_reqs_total{scenario="api",status="503"} 2)"));
  CHECK(has("# TYPE k6_checks_rate gauge"));
  CHECK(has(R"(k6_checks_rate{check="is 200",scenario="api"} 0.8)"));
  CHECK(has("# TYPE k6_vus gauge"));
  CHECK(has("# TYPE k6_http_req_duration_seconds histogram"));
  CHECK(has("# TYPE k6_think_seconds histogram"));
  CHECK(has(R"(k6_think_seconds_count{scenario="api"} 10)"));
  CHECK(has(R"(k6_think_seconds_sum{scenario="api"} 25)"));
  CHECK(has(R"(k6_iteration_duration_seconds_bucket{scenario="api",le="+Inf"} 10)"));
  // A label value keeps its quotes and line breaks, escaped.
  CHECK(text.find(R"(name="get \"todos\"\n")") != std::string::npos);
  CHECK(prometheus.url() == "http://127.0.0.1:" + std::to_string(prometheus.port()) + "/metrics");
  CHECK(prometheus.port() != 0);
}

TEST_CASE("a trend's buckets give histogram_quantile within the bucket error of the exact quantile") {
  sp::prometheus_output prometheus{{.port = 0}};
  sp::manual_time time;
  // Request durations spread over three decades: 0.2 ms … 200 ms, 1,000 of them.
  const sp::load_test test{.scenarios = {{.exec = [](sp::vu& u) -> sp::task<> {
                                            const double i = static_cast<double>(u.iteration());
                                            u.record(sp::http_req_duration, 2e5 * std::pow(1000.0, i / 999.0));
                                            co_return;
                                          },
                                          .executor = sp::shared_iterations{.vus = 1, .iterations = 1000}}}};
  (void)sp::run(test, {.threads = 1, .seed = 1, .observers = {&prometheus}, .time = &time});
  std::vector<std::pair<double, double>> buckets;
  for (const auto& line : lines_of(prometheus.exposition())) {
    if (line.rfind("k6_http_req_duration_seconds_bucket{", 0) != 0) continue;
    const auto le_at = line.find("le=\"") + 4;
    const auto le_text = line.substr(le_at, line.find('"', le_at) - le_at);
    const double le = le_text == "+Inf" ? std::numeric_limits<double>::infinity() : *sp::parse_double(le_text);
    buckets.emplace_back(le, *sp::parse_double(line.substr(line.rfind(' ') + 1)));
  }
  REQUIRE(buckets.size() > 10);
  for (std::size_t i = 1; i < buckets.size(); ++i) {
    CHECK(buckets[i].first > buckets[i - 1].first);     // le ascending
    CHECK(buckets[i].second >= buckets[i - 1].second);  // counts cumulative
  }
  CHECK(buckets.back().second == 1000);
  for (const double q : {0.5, 0.9, 0.95, 0.99}) {
    // The exact quantile of the samples, as Prometheus' rank q × count reads it.
    const double exact = 2e-4 * std::pow(1000.0, std::ceil(q * 1000 - 1) / 999.0);
    const double estimate = histogram_quantile(q, buckets);
    INFO("q=" << q << " exact " << exact << " estimate " << estimate);
    CHECK(std::abs(estimate - exact) <= exact / 64 + 1e-9);
  }
}

TEST_CASE("the prometheus output (--out prometheus=) takes HOST:PORT and a linger, and refuses what it cannot listen on") {
  const auto spec = sp::parse_output_spec("prometheus=127.0.0.1:0,linger=250ms");
  CHECK(sp::describe(spec) == "prometheus (http://127.0.0.1:0/metrics)");
  CHECK(sp::describe(sp::parse_output_spec("prometheus")) == "prometheus (http://127.0.0.1:9464/metrics)");
  CHECK(sp::make_output(spec) != nullptr);
  CHECK_THROWS_WITH(sp::make_output(sp::parse_output_spec("prometheus=localhost:9464")),
                    Catch::Contains("--out prometheus: \"localhost\" is not an IP address to listen on"));
  CHECK_THROWS_WITH(sp::make_output(sp::parse_output_spec("prometheus=127.0.0.1:99999")),
                    Catch::Contains("--out prometheus: expected a port from 0 to 65535 in \"127.0.0.1:99999\""));
  CHECK_THROWS_WITH(sp::make_output(sp::parse_output_spec("prometheus=127.0.0.1:0,linger=soon")),
                    Catch::Contains("--out prometheus: linger \"soon\" is not a duration"));
  CHECK_THROWS_WITH(sp::make_output(sp::parse_output_spec("prometheus=127.0.0.1:0,every=1s")),
                    Catch::Contains("unknown key \"every\"; use address or linger"));
  sp::prometheus_output taken{{.port = 0}};
  CHECK_THROWS_WITH((sp::prometheus_output{{.port = taken.port()}}),
                    Catch::Contains("cannot listen on 127.0.0.1:" + std::to_string(taken.port())));
}
