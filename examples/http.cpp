// The HTTP client against an in-process testbed server on 127.0.0.1: VUs that GET and check,
// then one client used directly for a JSON POST, k6's params, failures read as values, client
// options and metrics. Runs in about a second and exits 0 when every result is the expected
// one (docs/http.md takes its code from here).
#include <stampede/stampede.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/this_coro.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sp = stampede;
namespace http = stampede::http;
namespace tb = stampede::testbed;
using namespace std::chrono_literals;

namespace {

// The client used on its own, outside a load test; `base` is the server's URL.
sp::task<bool> one_client(std::string base, std::uint16_t port, std::string closed) {
  const auto ex = co_await asio::this_coro::executor;
  bool ok = true;
  const auto expect = [&ok](bool holds, std::string_view what) {
    if (!holds) fmt::print(stderr, "unexpected: {}\n", what);
    ok = ok && holds;
  };

  // [post_json]
  http::client client{ex};  // on any executor; the engine makes one per VU
  // k6's params; name them before co_await (g++ 12 mishandles some braced temporaries in it).
  http::request_params create{.headers = {{"X-Request-Id", "42"}},
                              .expected_statuses = http::expected_statuses{201}};
  auto res = co_await client.post(base + "api/todos", http::body::json(R"({"title":"milk"})"), std::move(create));
  fmt::print("POST {} -> {} {}\n", res.url(), res.status(), res.body());  // 201 {"id":1}
  // [post_json]
  expect(res.status() == 201 && res.body() == R"({"id":1})", "POST answered 201");

  // [params]
  http::request_params search{.query = {{"q", "milk & eggs"}},  // sent as ?q=milk%20%26%20eggs
                              .timeout = 2s,                    // this request's limit
                              .tags = {{"name", "search todos"}},
                              .discard_body = true};  // read the body, keep none of it
  res = co_await client.get(base + "api/todos", std::move(search));
  fmt::print("GET {} -> {}, {} body bytes kept\n", res.url(), res.status(), res.body().size());
  // [params]
  expect(res.status() == 200 && res.body().empty(), "GET with params answered 200 without a body");
  expect(res.url() == base + "api/todos?q=milk%20%26%20eggs", "query parameters are percent-encoded");

  // [errors]
  // What the server or the network does wrong is a value, never an exception.
  http::request_params impatient{.timeout = 100ms};
  res = co_await client.get(base + "delay/2000", std::move(impatient));  // answers after 2 s
  fmt::print("{}: {} (k6 error_code {}), waited {} ms\n", to_string(res.error().kind), res.error().message,
             res.error_code(), std::chrono::duration_cast<std::chrono::milliseconds>(res.timings().duration).count());
  const bool timed_out = res.status() == 0 && res.error().kind == http::error_kind::timeout && res.error_code() == 1050;

  res = co_await client.get(closed);  // nothing listens there
  fmt::print("{}: {} (k6 error_code {})\n", to_string(res.error().kind), res.error().message, res.error_code());
  const bool refused = res.error().kind == http::error_kind::refused && res.error_code() == 1212;

  res = co_await client.get(base + "status/503");  // a 5xx is a response, not an error
  fmt::print("status {}: error() is {}, error_code() {}\n", res.status(), res.error() ? "set" : "clear", res.error_code());
  // [errors]
  expect(timed_out, "a request over its timeout is k6's 1050");
  expect(refused, "a closed port is k6's 1212");
  expect(res.status() == 503 && !res.error() && res.error_code() == 1503, "a 503 is a response with code 1503");

  // [options]
  http::client configured{ex, {.timeout = 5s,
                               .max_redirects = 3,
                               .max_response_body_bytes = 1 << 20,                          // 1 MiB
                               .hosts = {{"todos.test", "127.0.0.1:" + std::to_string(port)}},  // no DNS
                               .cookies = false}};
  res = co_await configured.get("http://todos.test/api/todos");  // Host: todos.test
  fmt::print("GET {} -> {} via {}\n", res.url(), res.status(), res.remote_address());
  res = co_await configured.get(base + "bytes/2000000");  // 2 MB: over the limit
  fmt::print("{}: {}\n", to_string(res.error().kind), res.error().message);
  // [options]
  expect(res.error().kind == http::error_kind::too_large, "a body over the limit is too_large");

  // [metrics]
  // The engine does this for every VU: a recorder (one per shard) and the VU's tags.
  auto registry = std::make_shared<sp::metric_registry>();  // k6's built-in metrics
  const auto searches = sp::http_req_duration.where("name", "search");
  registry->track(searches);
  sp::recorder rec{registry};
  const sp::tag_set vu_tags{{"scenario", "manual"}};
  http::client measured{ex, {}, {.rec = &rec, .tags = &vu_tags, .run_start = std::chrono::steady_clock::now()}};
  for (int i = 0; i < 5; ++i) {
    http::request_params named{.tags = {{"name", "search"}}};
    co_await measured.get(base + "api/todos?q=" + std::to_string(i), std::move(named));
  }
  const auto snap = rec.take(1s);  // what the engine's ticker merges every second
  const auto& durations = std::get<sp::trend_sink>(*snap.find(searches.descriptor())).samples;
  fmt::print("http_req_duration{{name:search}}: {} requests, max {:.2f} ms\n", durations.count(),
             static_cast<double>(durations.value_at_percentile(100)) / 1e6);
  // [metrics]
  expect(durations.count() == 5, "five searches recorded under one name");
  co_return ok;
}

}  // namespace

int main() {
  tb::server server{{.routes = {{.path = "/api/todos", .body = R"([{"todo":"milk"}])", .content_type = "application/json"},
                                {.method = "POST", .path = "/api/todos", .status = 201, .body = R"({"id":1})",
                                 .content_type = "application/json"}}}};
  std::string closed;
  {
    tb::server gone;
    closed = gone.url("/");
  }  // its port is closed now

  // [get]
  const auto base = server.url();  // "http://127.0.0.1:PORT/"
  sp::load_test test{
      .scenarios = {{.name = "todos",
                     .exec = [base](sp::vu& u) -> sp::task<> {
                       http::request_params params{.tags = {{"name", "list todos"}}};
                       auto res = co_await u.http().get(base + "api/todos", std::move(params));
                       // A check without a name is named after its description.
                       u.check(res, sp::status_is(200) && sp::body_contains("todo"));
                     },
                     .executor = sp::per_vu_iterations{.vus = 2, .iterations = 10}}},
      .thresholds = {sp::http_req_failed.rate() < 0.01,
                     sp::http_req_duration.where("name", "list todos").p(95) < 500ms},
  };
  const auto result = sp::run(test, {.threads = 1, .seed = 1});
  fmt::print("{}", result.summary());
  // [get]

  asio::io_context io{1};
  bool ok = false;
  asio::co_spawn(io, one_client(base, server.port(), closed), [&ok](const std::exception_ptr& e, bool passed) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        fmt::print(stderr, "exception: {}\n", ex.what());
      }
    }
    ok = !e && passed;
  });
  io.run();  // every request has a timeout, so this ends
  return ok && result.thresholds_passed() && result.checks().at(0).passes == 20 ? 0 : 1;
}
