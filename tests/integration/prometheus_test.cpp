// The Prometheus endpoint over HTTP on 127.0.0.1: scraped by hand, lingering after the run,
// and scraped by a real Prometheus server (Debian's `prometheus`, started here) whose
// PromQL answers agree with the run's summary: the request count exactly, the p95 from
// histogram_quantile within the buckets' width. Skipped with a message when prometheus is
// not installed (scripts/setup installs it).
#include <stampede/exec/runner.hpp>
#include <stampede/metrics/builtin.hpp>
#include <stampede/report/prometheus_output.hpp>
#include <stampede/testbed/server.hpp>

#include <stampede/core/charconv.hpp>
#include <stampede/core/json.hpp>

#include "support/catch_compat.hpp"
#include "support/http_get.hpp"
#include "support/process.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

namespace sp = stampede;
namespace tb = stampede::testbed;
using namespace std::chrono_literals;

namespace {

sp::load_test requests_to(const std::string& url, std::chrono::nanoseconds duration) {
  return sp::load_test{.scenarios = {{.name = "todos",
                                      .exec = [url](sp::vu& u) -> sp::task<> {
                                        auto res = co_await u.http().get(url);
                                        (void)res;
                                        co_await u.sleep(5ms);
                                      },
                                      .executor = sp::constant_vus{.vus = 4, .duration = duration}}}};
}

// A port the kernel hands out for port 0, free now.
int free_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
  return acceptor.local_endpoint().port();
}

// One PromQL value from Prometheus' HTTP API; nothing while it has no answer.
std::optional<double> promql(int port, const std::string& query) {
  const auto reply = stampede_test::http_get(port, "/api/v1/query?query=" + stampede_test::url_encode(query));
  if (!reply || reply->status != 200) return std::nullopt;
  const auto json = sp::parse_json(reply->body);
  const auto* data = json.find("data");
  const auto* result = data != nullptr ? data->find("result") : nullptr;
  if (result == nullptr || result->size() == 0) return std::nullopt;
  const auto* value = (*result)[0].find("value");
  if (value == nullptr || value->size() != 2) return std::nullopt;
  return sp::parse_double((*value)[1].text());
}

}  // namespace

TEST_CASE("the endpoint answers GET /metrics with the exposition, other paths with 404, and lingers") {
  tb::server server{{.routes = {{.path = "/todos", .body = "[]"}}}};
  sp::prometheus_output prometheus{{.port = 0, .linger = 300ms}};
  const auto before = stampede_test::http_get(prometheus.port(), "/metrics");
  REQUIRE(before);
  CHECK(before->status == 200);
  CHECK(before->body.empty());  // nothing recorded yet
  const auto r = sp::run(requests_to(server.url("/todos"), 1s), {.threads = 2, .seed = 1, .observers = {&prometheus}});
  REQUIRE(r.errors.empty());
  const auto started = std::chrono::steady_clock::now();
  prometheus.linger(nullptr);
  // 300 ms after the run's end, which was just before `started`; a busy machine wakes late.
  CHECK(std::chrono::steady_clock::now() - started < 2s);
  const auto after = stampede_test::http_get(prometheus.port(), "/metrics");
  REQUIRE(after);
  CHECK(after->status == 200);
  CHECK(after->body == prometheus.exposition());
  const auto requests = std::get<sp::counter_sink>(*r.metrics.find(sp::http_reqs.descriptor())).sum;
  CHECK(after->body.find("k6_http_reqs_total{expected_response=\"true\",method=\"GET\",name=\"" + server.url("/todos")) !=
        std::string::npos);
  CHECK(requests > 0);
  const auto missing = stampede_test::http_get(prometheus.port(), "/");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(prometheus.scrapes() == 2);
}

TEST_CASE("linger ends on a stop request when it waits for one") {
  sp::prometheus_output prometheus{{.port = 0}};
  sp::manual_time time;
  (void)sp::run(requests_to("http://127.0.0.1:1/", 0s + 1ms),
                {.threads = 1, .seed = 1, .observers = {&prometheus}, .time = &time});
  sp::run_control control;
  control.request_stop();  // a request from before the linger does not end it…
  std::thread stopper{[&] {
    std::this_thread::sleep_for(50ms);
    control.request_stop();  // …a new one does
  }};
  const auto started = std::chrono::steady_clock::now();
  prometheus.linger(&control, true);
  stopper.join();
  CHECK(std::chrono::steady_clock::now() - started >= 40ms);
}

TEST_CASE("a real Prometheus scrapes the run: its request count and p95 agree with the summary") {
  const auto program = stampede_test::find_program("prometheus");
  if (!program) {
    WARN("skipped: prometheus is not installed (scripts/setup installs Debian's)");
    return;
  }
  tb::server server{{.routes = {{.path = "/todos", .body = "[]", .latency = tb::service_time::uniform(1ms, 6ms)}}}};
  sp::prometheus_output endpoint{{.port = 0, .linger = 20s}};
  const auto dir = std::filesystem::temp_directory_path() / ("stampede-prometheus-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const int api_port = free_port();
  {
    std::ofstream config{dir / "prometheus.yml"};
    config << "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: stampede\n"
           << "    static_configs:\n      - targets: ['127.0.0.1:" << endpoint.port() << "']\n";
  }
  stampede_test::background_process prometheus{
      *program,
      {"--config.file=" + (dir / "prometheus.yml").string(), "--storage.tsdb.path=" + (dir / "data").string(),
       "--web.listen-address=127.0.0.1:" + std::to_string(api_port)},
      (dir / "prometheus.log").string()};
  // Ready within 30 s, or the test fails with its log.
  bool ready = false;
  for (int i = 0; i < 300 && !ready && prometheus.running(); ++i) {
    const auto reply = stampede_test::http_get(api_port, "/-/ready", 1000ms);
    ready = reply && reply->status == 200;
    if (!ready) std::this_thread::sleep_for(100ms);
  }
  INFO("prometheus log: " << (dir / "prometheus.log").string());
  REQUIRE(ready);
  // Prometheus starts scraping a few seconds after it is ready; the run goes on while it does.
  for (int i = 0; i < 300 && endpoint.scrapes() == 0; ++i) std::this_thread::sleep_for(100ms);
  REQUIRE(endpoint.scrapes() > 0);

  const auto r = sp::run(requests_to(server.url("/todos"), 3s), {.threads = 2, .seed = 1, .observers = {&endpoint}});
  REQUIRE(r.errors.empty());
  const auto requests = std::get<sp::counter_sink>(*r.metrics.find(sp::http_reqs.descriptor())).sum;
  const auto& durations = std::get<sp::trend_sink>(*r.metrics.find(sp::http_req_duration.descriptor()));
  const double p95 = *durations.value(sp::aggregation_kind::percentile, 95) / 1e9;  // seconds

  // The scrapes after the run's end see its final values: wait for them (at most 20 s).
  std::optional<double> counted;
  for (int i = 0; i < 200; ++i) {
    counted = promql(api_port, "sum(k6_http_reqs_total)");
    if (counted && *counted == requests) break;
    std::this_thread::sleep_for(100ms);
  }
  CHECK(counted == requests);
  const auto quantile = promql(api_port, "histogram_quantile(0.95, sum by (le) (k6_http_req_duration_seconds_bucket))");
  REQUIRE(quantile);
  INFO("summary p95 " << p95 << " s, PromQL " << *quantile << " s over " << requests << " requests");
  // A bucket is at most 1/64 of its values wide; PromQL's rank (q × count) and k6's
  // (interpolated between q × (count − 1) and the next) may fall on neighbouring samples.
  CHECK(std::abs(*quantile - p95) <= p95 / 64 + p95 * 0.01);
  CHECK(endpoint.scrapes() >= 4);  // before, during (3 s) and after the run
  std::filesystem::remove_all(dir);
}
