// k6's run options for HTTP on 127.0.0.1, against the in-process testbed: discardResponseBodies,
// noVUConnectionReuse, throw, httpDebug and rps, on a bare client and through sp::run.
#include <stampede/exec/runner.hpp>
#include <stampede/http/client.hpp>
#include <stampede/testbed/server.hpp>

#include "support/catch_compat.hpp"
#include "support/result_metrics.hpp"
#include "support/run_coroutine.hpp"

#include <asio/any_io_executor.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sp = stampede;
namespace http = stampede::http;
namespace tb = stampede::testbed;
using namespace std::chrono_literals;
using sp::testing::counter_sum;
using sp::testing::rate_of;

namespace {

// The tags of every http_reqs sample, as an output streaming samples sees them.
class request_tags : public sp::run_observer {
 public:
  [[nodiscard]] bool wants_samples() const override { return true; }
  void on_samples(const std::shared_ptr<const sp::tick_samples>& samples) override {
    for (const auto& block : samples->blocks) {
      tables_.learn(block);
      for (const auto& s : block.samples) {
        if (samples->registry->descriptor(s.metric).name == "http_reqs") seen.push_back(tables_.get(block.source, s.tags));
      }
    }
  }
  std::vector<sp::tag_set> seen;

 private:
  sp::sample_tag_tables tables_;
};

// A URL nothing listens on: a testbed's port, closed again.
std::string closed_port_url() {
  tb::server server;
  return server.url("/");
}

}  // namespace

TEST_CASE("discard_response_bodies keeps no body unless a request asks to keep its own") {
  tb::server server{{.routes = {{.path = "/hello", .body = "hello"}}}};
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client discarding{ex, {.discard_response_bodies = true}};
    auto res = co_await discarding.get(server.url("/hello"));
    CHECK(res.status() == 200);
    CHECK(res.body().empty());
    CHECK(res.header("content-length") == "5");
    http::request_params keep;
    keep.discard_body = false;  // k6's responseType: "text"
    res = co_await discarding.get(server.url("/hello"), std::move(keep));
    CHECK(res.body() == "hello");

    http::client keeping{ex};  // the default keeps bodies; a request may still discard its own
    res = co_await keeping.get(server.url("/hello"));
    CHECK(res.body() == "hello");
    http::request_params discard;
    discard.discard_body = true;
    res = co_await keeping.get(server.url("/hello"), std::move(discard));
    CHECK(res.status() == 200);
    CHECK(res.body().empty());
  };
  stampede::testing::run_coroutine(body);
}

TEST_CASE("without connection reuse across iterations each iteration connects anew, its requests sharing one") {
  for (const bool reuse : {true, false}) {
    tb::server server{{.routes = {{.path = "/a", .body = "a"}}}};
    const auto url = server.url("/a");
    sp::load_test test{.scenarios = {{.exec = [url](sp::vu& u) -> sp::task<> {
                                        for (int i = 0; i < 3; ++i) {
                                          auto res = co_await u.http().get(url);
                                          if (res.status() != 200) throw std::runtime_error{"not a 200"};
                                        }
                                      },
                                      .executor = sp::per_vu_iterations{.vus = 2, .iterations = 4}}},
                       .http = {.reuse_connections_across_iterations = reuse}};
    const auto r = sp::run(test, {.threads = 1, .seed = 1});
    INFO("reuse across iterations: " << reuse);
    CHECK(r.complete_iterations() == 8);
    CHECK(r.errors.empty());
    CHECK(counter_sum(r, sp::http_reqs.descriptor()) == 24);
    // Two VUs: one connection each for the whole run, or one per iteration.
    CHECK(server.stats().connections_accepted == (reuse ? 2U : 8U));
  }
}

TEST_CASE("throw_on_failure throws request_failed for a refused connection, after recording it") {
  // Made first, so that the closed port cannot be this server's.
  tb::server server{{.routes = {{.path = "/missing", .status = 404, .body = "no"}}}};
  const auto dead = closed_port_url();
  SECTION("on a bare client") {
    auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
      http::client c{ex, {.throw_on_failure = true}};
      bool thrown = false;
      try {
        (void)co_await c.get(dead);
      } catch (const http::request_failed& e) {
        thrown = true;
        CHECK(e.error().kind == http::error_kind::refused);
        CHECK(e.error_code() == 1212);
        CHECK(std::string_view{e.what()} == "GET " + dead + ": dial: connection refused (error_code 1212)");
      }
      CHECK(thrown);
    };
    stampede::testing::run_coroutine(body);
  }
  SECTION("in a run: the iteration ends, the error is counted, the VU goes on") {
    const auto not_found = server.url("/missing");
    std::atomic<int> after_refused{0};
    std::atomic<int> after_404{0};
    sp::load_test test{.scenarios = {{.exec = [&, dead, not_found](sp::vu& u) -> sp::task<> {
                                        auto res = co_await u.http().get(not_found);  // a response: no throw
                                        if (res.status() == 404) after_404.fetch_add(1);
                                        (void)co_await u.http().get(dead);
                                        after_refused.fetch_add(1);
                                      },
                                      .executor = sp::per_vu_iterations{.vus = 2, .iterations = 3}}},
                       .http = {.throw_on_failure = true}};
    const auto r = sp::run(test, {.threads = 1, .seed = 1});
    CHECK(r.status == sp::run_status::finished);
    CHECK(after_404.load() == 6);
    CHECK(after_refused.load() == 0);
    CHECK(r.complete_iterations() == 6);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].count == 6);
    CHECK(r.errors[0].message == "GET " + dead + ": dial: connection refused (error_code 1212)");
    CHECK(rate_of(r, sp::http_req_failed.descriptor()).total == 12);
    CHECK(rate_of(r, sp::http_req_failed.descriptor()).nonzero == 12);  // 404s are unexpected too
    CHECK(counter_sum(r, sp::http_reqs.descriptor()) == 12);
  }
}

TEST_CASE("debug dumps each request and response as k6's httpDebug prints them") {
  tb::server server{{.routes = {{.method = "*", .path = "/hello", .body = "hello"}}}};
  const auto host = server.url("/").substr(7, server.url("/").size() - 8);  // "127.0.0.1:PORT"
  std::mutex mutex;
  std::vector<std::string> dumps;
  const auto capture = [&](std::string_view dump) {
    const std::lock_guard lock{mutex};
    dumps.emplace_back(dump);
  };
  SECTION("headers") {
    auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
      // [debug]
      http::client c{ex, {.user_agent = "tester",
                          .debug = http::client_options::debug_level::headers,
                          .debug_output = capture}};  // a std::function<void(std::string_view)>
      auto res = co_await c.post(server.url("/hello"), http::body{"hi"});
      // [debug]
      CHECK(res.body() == "hello");
    };
    stampede::testing::run_coroutine(body);
    REQUIRE(dumps.size() == 2);
    CHECK(dumps[0] == "Request:\nPOST /hello HTTP/1.1\nHost: " + host +
                          "\nUser-Agent: tester\nContent-Length: 2\n\n\n");
    CHECK(dumps[1] ==
          "Response:\nHTTP/1.1 200 OK\nServer: stampede-testbed\nContent-Type: text/plain\nContent-Length: 5\n\n\n");
  }
  SECTION("full, also for a request that keeps no body") {
    auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
      http::client c{ex, {.user_agent = "tester", .discard_response_bodies = true,
                          .debug = http::client_options::debug_level::full, .debug_output = capture}};
      auto res = co_await c.post(server.url("/hello"), http::body{"hi"});
      CHECK(res.status() == 200);
      CHECK(res.body().empty());  // discarded after the dump showed it
    };
    stampede::testing::run_coroutine(body);
    REQUIRE(dumps.size() == 2);
    CHECK(dumps[0] == "Request:\nPOST /hello HTTP/1.1\nHost: " + host +
                          "\nUser-Agent: tester\nContent-Length: 2\n\nhi\n");
    CHECK(dumps[1] == "Response:\nHTTP/1.1 200 OK\nServer: stampede-testbed\nContent-Type: text/plain\n"
                      "Content-Length: 5\n\nhello\n");
  }
  SECTION("a request without a response dumps the request alone") {
    const auto dead = closed_port_url();
    auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
      http::client c{ex, {.user_agent = "", .debug = http::client_options::debug_level::headers,
                          .debug_output = capture}};
      auto res = co_await c.get(dead);
      CHECK(res.error().kind == http::error_kind::refused);
    };
    stampede::testing::run_coroutine(body);
    REQUIRE(dumps.size() == 1);
    CHECK(dumps[0] == "Request:\nGET / HTTP/1.1\nHost: " + dead.substr(7, dead.size() - 8) + "\n\n\n");
  }
}

TEST_CASE("debug dumps of VUs on several threads arrive whole") {
  tb::server server{{.routes = {{.path = "/hello", .body = "hello"}}}};
  const auto url = server.url("/hello");
  std::mutex mutex;
  std::vector<std::string> dumps;
  sp::load_test test{.scenarios = {{.exec = [url](sp::vu& u) -> sp::task<> { (void)co_await u.http().get(url); },
                                    .executor = sp::per_vu_iterations{.vus = 8, .iterations = 20}}},
                     .http = {.debug = http::client_options::debug_level::full,
                              .debug_output = [&](std::string_view dump) {
                                const std::lock_guard lock{mutex};
                                dumps.emplace_back(dump);
                              }}};
  const auto r = sp::run(test, {.threads = 4, .seed = 1});
  CHECK(r.complete_iterations() == 160);
  REQUIRE(dumps.size() == 320);
  for (const auto& d : dumps) {
    const bool request = d.rfind("Request:\nGET /hello HTTP/1.1\n", 0) == 0;
    const bool response = d.rfind("Response:\nHTTP/1.1 200 OK\n", 0) == 0 && d.ends_with("\n\nhello\n");
    CHECK((request || response));
  }
}

TEST_CASE("max_requests_per_second caps the requests of every VU on every thread", "[timing]") {
  tb::server server{{.routes = {{.path = "/a", .body = "a"}}}};
  const auto url = server.url("/a");
  sp::load_test test{.scenarios = {{.exec = [url](sp::vu& u) -> sp::task<> { (void)co_await u.http().get(url); },
                                    .executor = sp::constant_vus{.vus = 10, .duration = 1s},
                                    .graceful_stop = 0s}},
                     .http = {.max_requests_per_second = 50}};
  const auto started = std::chrono::steady_clock::now();
  const auto r = sp::run(test, {.threads = 2, .seed = 1});
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  // Slots 20 ms apart from 0: 50 start before 1 s, whichever VU or thread takes them; a
  // request cut short by the end still counts, one waiting for its slot does not.
  const auto requests = counter_sum(r, sp::http_reqs.descriptor());
  CHECK(requests >= 45);
  CHECK(requests <= 51);
  CHECK(server.stats().requests <= 51);
}

TEST_CASE("HTTP samples carry the system tags the test lists, ip among them, and k6's default set otherwise") {
  tb::server server{{.routes = {{.path = "/a", .body = "a"}}}};
  const auto url = server.url("/a");
  const auto run_with = [&](std::optional<std::vector<std::string>> system_tags) {
    request_tags log;
    sp::load_test test{.scenarios = {{.exec = [url](sp::vu& u) -> sp::task<> { (void)co_await u.http().get(url); },
                                      .executor = sp::per_vu_iterations{.vus = 1, .iterations = 2}}},
                       .system_tags = std::move(system_tags)};
    const auto r = sp::run(test, {.threads = 1, .seed = 1, .observers = {&log}});
    CHECK(r.complete_iterations() == 2);
    REQUIRE(log.seen.size() == 2);
    CHECK(log.seen[0] == log.seen[1]);
    return log.seen[0];
  };
  CHECK(run_with(std::nullopt) == sp::tag_set{{"expected_response", "true"},
                                              {"method", "GET"},
                                              {"name", url},
                                              {"proto", "HTTP/1.1"},
                                              {"scenario", "default"},
                                              {"status", "200"},
                                              {"url", url}});
  CHECK(run_with(std::vector<std::string>{"method", "status", "ip", "vu"}) ==
        sp::tag_set{{"ip", "127.0.0.1"}, {"method", "GET"}, {"status", "200"}, {"vu", "1"}});
}
