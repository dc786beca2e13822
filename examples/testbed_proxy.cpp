// The testbed's impairing proxy: a load test through a slow network, then an outage switched on
// and off during a run, and what each does to the thresholds. Runs in about two seconds on
// 127.0.0.1 and exits 0 when the proxy impairs as configured (docs/testbed.md takes its code
// from here).
#include <stampede/stampede.hpp>

#include <fmt/format.h>

#include <chrono>
#include <string>
#include <thread>
#include <utility>

namespace sp = stampede;
namespace http = stampede::http;
namespace tb = stampede::testbed;
using namespace std::chrono_literals;

int main() {
  bool ok = true;
  const auto expect = [&ok](bool holds, const char* what) {
    if (!holds) fmt::print(stderr, "unexpected: {}\n", what);
    ok = ok && holds;
  };
  const auto observed = [](const sp::result& r) {  // the first threshold's value, in ms or as a rate
    return r.thresholds.at(0).conditions.at(0).observed.value_or(0);
  };

  // [proxy]
  tb::server srv;  // the service: the testbed's, or yours on its own port
  tb::proxy net{{.upstream_port = srv.port(),
                 .downstream = {.latency = 40ms, .jitter = 10ms, .bandwidth = 512 * 1024}}};

  const auto url = net.url("/bytes/2048");  // the load test talks to the proxy
  sp::load_test test{
      .scenarios = {{.exec = [url](sp::vu& u) -> sp::task<> {
                       http::request_params impatient{.timeout = 200ms};
                       co_await u.http().get(url, std::move(impatient));
                       co_await u.sleep(50ms);
                     },
                     .executor = sp::constant_vus{.vus = 4, .duration = 800ms}}},
      .thresholds = {sp::http_req_duration.p(95) < 30ms},  // holds on loopback, not behind this network
  };
  auto slow = sp::run(test, {.threads = 1, .seed = 1});
  // [proxy]
  fmt::print("40 ms ± 10 ms downstream: p(95) = {:.1f} ms, threshold {}\n", observed(slow) / 1e6,
             slow.thresholds_passed() ? "passed" : "failed");
  expect(!slow.thresholds_passed() && observed(slow) >= 30e6, "the latency breaks p(95) < 30ms");

  // [outage]
  net.set({});  // a clean network again, both directions
  std::jthread outage{[&net] {
    std::this_thread::sleep_for(300ms);
    net.set(tb::direction::downstream, {.stall = true});  // every connection stops answering...
    std::this_thread::sleep_for(300ms);
    net.set({});  // ...and recovers: the bytes held meanwhile flow again
  }};
  test.thresholds = {sp::http_req_failed.rate() < 0.01};
  auto flaky = sp::run(test, {.threads = 1, .seed = 1});  // requests stalled past 200 ms time out
  const auto seen = net.stats();  // connections, bytes each way, resets, limits
  // [outage]
  fmt::print("a 300 ms outage: {:.1f}% of requests failed, threshold {}; {} connections, {} bytes to clients\n",
             observed(flaky) * 100, flaky.thresholds_passed() ? "passed" : "failed", seen.connections_accepted,
             seen.bytes_downstream);
  expect(!flaky.thresholds_passed() && observed(flaky) > 0 && observed(flaky) < 0.5,
         "the outage fails some requests, not most");
  expect(seen.connections_accepted > 4, "timed-out requests reconnect");
  return ok ? 0 : 1;
}
