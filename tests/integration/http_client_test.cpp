// Integration tests of http::client against a well-behaved loopback server: keep-alive,
// methods and bodies, framing, redirects, cookies, hosts, metrics.
#include <stampede/http/client.hpp>
#include <stampede/metrics/recorder.hpp>
#include <stampede/testbed/server.hpp>

#include "support/catch_compat.hpp"
#include "support/run_coroutine.hpp"
#include "support/hostile_server.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <thread>
#include <variant>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace http = stampede::http;
using stampede::testing::hostile_server;


}  // namespace

TEST_CASE("client GETs over one keep-alive connection and measures k6's phases") {
  hostile_server server;
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex};
    for (int i = 0; i < 3; ++i) {
      auto res = co_await c.get(server.url("/ok"));
      REQUIRE_FALSE(res.error());
      CHECK(res.status() == 200);
      CHECK(res.body() == "ok");
      CHECK(res.header("content-length") == "2");
      CHECK(res.header("CONTENT-LENGTH") == "2");
      CHECK_FALSE(res.header("x-missing"));
      CHECK(res.protocol() == "HTTP/1.1");
      CHECK(res.url() == server.url("/ok"));
      CHECK(res.remote_address() == "127.0.0.1:" + std::to_string(server.port()));
      CHECK(res.error_code() == 0);
      const auto& t = res.timings();
      CHECK(t.duration == t.sending + t.waiting + t.receiving);
      CHECK(t.waiting > 0ns);
      if (i == 0) {
        CHECK(t.connecting > 0ns);
        CHECK(t.blocked >= t.connecting);
      } else {
        CHECK(t.connecting == 0ns);
      }
    }
    CHECK(c.connections_opened() == 1);
    CHECK(c.idle_connections() == 1);
    c.close();
    CHECK(c.idle_connections() == 0);
    auto res = co_await c.get(server.url("/ok"));
    CHECK(res.status() == 200);
    CHECK(c.connections_opened() == 2);
  };
  stampede::testing::run_coroutine(body);
  CHECK(server.connections() == 2);
  CHECK(server.requests() == 4);
}

TEST_CASE("client sends each method with its body and headers") {
  hostile_server server;
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex};
    auto res = co_await c.post(server.url("/echo"), http::body::json(R"({"title":"milk"})"));
    CHECK(res.body() == "POST /echo\n{\"title\":\"milk\"}");
    CHECK(res.header("x-content-type") == "application/json");
    CHECK(res.header("x-host") == "127.0.0.1:" + std::to_string(server.port()));
    CHECK(res.header("x-user-agent")->starts_with("stampede/"));
    // g++ 12 rejects string literals in braced temporaries inside co_await ("array used as
    // initializer"): name them first.
    http::request_params typed{.headers = {{"Content-Type", "text/x-mine"}}};
    res = co_await c.put(server.url("/echo"), http::body{"plain"}, std::move(typed));
    CHECK(res.body() == "PUT /echo\nplain");
    CHECK(res.header("x-content-type") == "text/x-mine");
    auto form = http::body::form({{"a b", "c&d"}});
    res = co_await c.patch(server.url("/echo"), std::move(form));
    CHECK(res.body() == "PATCH /echo\na%20b=c%26d");
    res = co_await c.del(server.url("/echo"));
    CHECK(res.body() == "DELETE /echo\n");
    res = co_await c.del(server.url("/echo"), http::body{"gone"});
    CHECK(res.body() == "DELETE /echo\ngone");
    res = co_await c.options(server.url("/echo"));
    CHECK(res.body() == "OPTIONS /echo\n");
    res = co_await c.head(server.url("/echo"));
    CHECK(res.status() == 200);
    CHECK(res.body().empty());
    CHECK(res.header("content-length") == "11");  // the length of "HEAD /echo\n", unsent
    http::request purge{.method = "PURGE", .url = server.url("/echo")};
    res = co_await c.request(std::move(purge));
    CHECK(res.body() == "PURGE /echo\n");
    http::request_params query{.query = {{"q", "milk & eggs"}, {"n", "1"}}};
    res = co_await c.get(server.url("/echo"), std::move(query));
    CHECK(res.body() == "GET /echo?q=milk%20%26%20eggs&n=1\n");
    CHECK(res.url() == server.url("/echo?q=milk%20%26%20eggs&n=1"));
    CHECK(c.connections_opened() == 1);  // all of it on one connection
  };
  stampede::testing::run_coroutine(body);
}

TEST_CASE("client reads chunked, read-to-close, interim and empty responses") {
  hostile_server server;
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex};
    auto res = co_await c.get(server.url("/chunked"));
    CHECK(res.body() == "hello, world");
    res = co_await c.get(server.url("/continue"));
    CHECK(res.status() == 200);
    CHECK(res.body() == "ok");
    res = co_await c.get(server.url("/nocontent"));
    CHECK(res.status() == 204);
    CHECK(res.body().empty());
    CHECK(c.connections_opened() == 1);
    res = co_await c.get(server.url("/http10"));
    CHECK(res.status() == 200);
    CHECK(res.protocol() == "HTTP/1.0");
    CHECK(res.body() == "until the end");
    res = co_await c.get(server.url("/ok"));  // the HTTP/1.0 connection is gone
    CHECK(res.status() == 200);
    CHECK(c.connections_opened() == 2);
    res = co_await c.get(server.url("/big/100000"), {.discard_body = true});
    CHECK(res.status() == 200);
    CHECK(res.body().empty());
    res = co_await c.get(server.url("/big/100000"));
    CHECK(res.body().size() == 100000);
  };
  stampede::testing::run_coroutine(body);
}

TEST_CASE("client reconnects after Connection: close and can refuse reuse") {
  hostile_server server;
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex};
    auto res = co_await c.get(server.url("/close"));
    CHECK(res.body() == "bye");
    CHECK(c.idle_connections() == 0);
    res = co_await c.get(server.url("/ok"));
    CHECK(res.status() == 200);
    CHECK(c.connections_opened() == 2);

    http::client fresh{ex, {.reuse_connections = false}};
    for (int i = 0; i < 3; ++i) {
      res = co_await fresh.get(server.url("/echo"));
      CHECK(res.header("x-connection") == "close");
    }
    CHECK(fresh.connections_opened() == 3);
  };
  stampede::testing::run_coroutine(body);
}

TEST_CASE("client follows redirects up to its limit") {
  hostile_server server;
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex};
    auto res = co_await c.get(server.url("/redirect/3"));
    CHECK(res.status() == 200);
    CHECK(res.body() == "done");
    CHECK(res.url() == server.url("/redirect/0"));
    res = co_await c.get(server.url("/redirect/3"), {.redirects = 0});
    CHECK(res.status() == 302);
    CHECK(res.header("location") == "/redirect/2");
    res = co_await c.get(server.url("/redirect/5"), {.redirects = 2});
    CHECK(res.status() == 302);
    CHECK(res.url() == server.url("/redirect/3"));
    res = co_await c.post(server.url("/see-other"), http::body{"data"});
    CHECK(res.status() == 200);
    CHECK(res.body() == "GET /echo\n");  // 303 turns a POST into a GET without body

    http::client none{ex, {.max_redirects = 0}};
    res = co_await none.get(server.url("/redirect/1"));
    CHECK(res.status() == 302);
  };
  stampede::testing::run_coroutine(body);
}

TEST_CASE("client turns 301, 302 and 303 into a GET without body and keeps method and body on 307 and 308") {
  hostile_server server;
  struct row {
    std::string_view method;
    int status;
    std::string_view seen;  // what /echo saw after the redirect
  };
  const row rows[] = {
      {"POST", 301, "GET /echo\n"},       {"POST", 302, "GET /echo\n"},       {"POST", 303, "GET /echo\n"},
      {"PUT", 302, "GET /echo\n"},        {"PATCH", 303, "GET /echo\n"},      {"DELETE", 301, "GET /echo\n"},
      {"GET", 303, "GET /echo\n"},        {"POST", 307, "POST /echo\ndata"}, {"POST", 308, "POST /echo\ndata"},
      {"PUT", 307, "PUT /echo\ndata"},    {"PATCH", 308, "PATCH /echo\ndata"},
  };
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex};
    for (const auto& r : rows) {
      INFO(r.method << " then " << r.status);
      http::request req{.method = std::string{r.method},
                        .url = server.url("/goto/" + std::to_string(r.status) + "?to=/echo"),
                        .body = http::body::json("data")};
      auto res = co_await c.request(std::move(req));
      CHECK(res.status() == 200);
      CHECK(res.body() == r.seen);
      // The body's Content-Type goes with the body.
      CHECK(res.header("x-content-type") == (r.status >= 307 ? "application/json" : ""));
    }
    http::request head{.method = "HEAD", .url = server.url("/goto/303?to=/echo")};
    auto res = co_await c.request(std::move(head));
    CHECK(res.status() == 200);
    CHECK(res.header("content-length") == "11");  // "HEAD /echo\n": still a HEAD
  };
  stampede::testing::run_coroutine(body);
}

TEST_CASE("client drops Authorization and its own Cookie on redirects to another origin") {
  hostile_server a;
  hostile_server b;  // another port: another origin
  REQUIRE(a.port() != b.port());
  const auto has = [](const http::response& res, std::string_view line) {
    return res.body().find(std::string{line} + "\r\n") != std::string_view::npos;
  };
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    // Named hosts, so that the jar (whose cookies ignore ports) tells the origins apart.
    http::client c{ex, {.hosts = {{"a.test", "127.0.0.1:" + std::to_string(a.port())},
                                  {"b.test", "127.0.0.1:" + std::to_string(b.port())}}}};
    auto res = co_await c.get("http://b.test/set-cookie");  // the jar has sid=42 for b.test
    REQUIRE(c.cookies().size() == 1);
    const auto with_credentials = [] {
      return http::request_params{.headers = {{"Authorization", "Bearer secret"}, {"Cookie", "mine=1"}, {"X-Trace", "7"}}};
    };

    // Same origin: everything is sent again.
    auto params = with_credentials();
    res = co_await c.get("http://a.test/goto/302?to=/headers", std::move(params));
    CHECK(res.url() == "http://a.test/headers");
    CHECK(has(res, "Authorization: Bearer secret"));
    CHECK(has(res, "Cookie: mine=1"));
    CHECK(has(res, "X-Trace: 7"));

    // Another port: no Authorization, the jar's cookies for the new origin instead of the
    // request's own, other headers kept.
    params = with_credentials();
    res = co_await c.get("http://a.test/goto/302?to=http://b.test/headers", std::move(params));
    CHECK(res.url() == "http://b.test/headers");
    CHECK(res.body().starts_with("GET /headers HTTP/1.1\r\n"));
    CHECK_FALSE(has(res, "Authorization: Bearer secret"));
    CHECK_FALSE(has(res, "Cookie: mine=1"));
    CHECK(has(res, "Cookie: sid=42"));
    CHECK(has(res, "X-Trace: 7"));

    // Also for 307, which keeps the method and body.
    http::request post{.method = "POST", .url = "http://a.test/goto/307?to=http://b.test/headers", .body = "data",
                       .params = with_credentials()};
    res = co_await c.request(std::move(post));
    CHECK(res.body().starts_with("POST /headers HTTP/1.1\r\n"));
    CHECK(res.body().ends_with("\r\n\r\ndata"));
    CHECK_FALSE(has(res, "Authorization: Bearer secret"));

    // Once dropped, they stay dropped, even back on the first origin.
    params = with_credentials();
    res = co_await c.get("http://a.test/goto/302?to=http://b.test/goto/302?to=http://a.test/headers", std::move(params));
    CHECK(res.url() == "http://a.test/headers");
    CHECK_FALSE(has(res, "Authorization: Bearer secret"));
    CHECK_FALSE(has(res, "Cookie: mine=1"));
    CHECK(has(res, "X-Trace: 7"));

    // By IP and port alone, without the jar.
    http::client plain{ex, {.cookies = false}};
    params = with_credentials();
    res = co_await plain.get(a.url("/goto/301?to=") + b.url("/headers"), std::move(params));
    CHECK(res.url() == b.url("/headers"));
    CHECK_FALSE(has(res, "Authorization: Bearer secret"));
    CHECK_FALSE(has(res, "Cookie: mine=1"));
  };
  stampede::testing::run_coroutine(body);
}

TEST_CASE("client keeps cookies and answers host names from its hosts map") {
  hostile_server server;
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex, {.hosts = {{"api.test", "127.0.0.1"}, {"other.test", "127.0.0.1:" + std::to_string(server.port())}}}};
    const auto base = "http://api.test:" + std::to_string(server.port());
    auto res = co_await c.get(base + "/echo");
    CHECK(res.header("x-cookie") == "");
    CHECK(res.header("x-host") == "api.test:" + std::to_string(server.port()));
    res = co_await c.get(base + "/set-cookie");
    CHECK(c.cookies().size() == 1);
    res = co_await c.get(base + "/echo");
    CHECK(res.header("x-cookie") == "sid=42");
    res = co_await c.get("http://other.test/echo");  // port from the hosts entry
    CHECK(res.status() == 200);
    CHECK(res.header("x-host") == "other.test");
    CHECK(res.header("x-cookie") == "");  // another host: no cookie
  };
  stampede::testing::run_coroutine(body);
}

TEST_CASE("clients made with one dns_cache share its answers; hosts entries and IP literals stay out of it") {
  hostile_server server;
  const auto port = std::to_string(server.port());
  auto dns = std::make_shared<http::dns_cache>();
  // An answer already in the cache is used without asking DNS (which knows no api.test).
  dns->put("api.test", {asio::ip::make_address("127.0.0.1")}, http::dns_cache::clock::time_point::max());
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client a{ex, {.timeout = 5s, .hosts = {{"mapped.test", "127.0.0.1"}}}, {}, dns};
    http::client b{ex, {.timeout = 5s}, {}, dns};
    CHECK(&a.dns() == dns.get());
    CHECK(&b.dns() == dns.get());
    auto res = co_await a.get("http://api.test:" + port + "/ok");
    CHECK(res.status() == 200);
    res = co_await a.get("http://mapped.test:" + port + "/ok");
    CHECK(res.status() == 200);
    res = co_await a.get(server.url("/ok"));
    CHECK(res.status() == 200);
    CHECK(dns->size() == 1);  // neither the hosts entry nor the IP literal went in

    // localhost is resolved (from /etc/hosts) by the first client and kept for the second.
    res = co_await a.get("http://localhost:" + port + "/ok");
    CHECK(res.status() == 200);
    CHECK(dns->size() == 2);
    std::vector<asio::ip::address> cached;
    CHECK(dns->find("localhost", http::dns_cache::clock::now() + 24h, cached));  // kept for the run
    CHECK(std::find(cached.begin(), cached.end(), asio::ip::make_address("127.0.0.1")) != cached.end());
    // b takes its answers from the cache too: with a wrong one planted (::1, where the server,
    // on 127.0.0.1 only, does not listen), b connects there and fails.
    dns->put("localhost", {asio::ip::make_address("::1")}, http::dns_cache::clock::time_point::max());
    res = co_await b.get("http://localhost:" + port + "/ok");
    CHECK(res.status() == 0);
    CHECK(res.error());
    CHECK(res.remote_address().empty());

    // dns_ttl 0 caches nothing; a client without a cache has its own.
    http::client uncached{ex, {.timeout = 5s, .dns_ttl = 0s}};
    CHECK(&uncached.dns() != dns.get());
    res = co_await uncached.get("http://localhost:" + port + "/ok");
    CHECK(res.status() == 200);
    CHECK(uncached.dns().size() == 0);
    http::client own{ex, {.timeout = 5s, .dns_ttl = 1min}};
    res = co_await own.get("http://localhost:" + port + "/ok");
    CHECK(res.status() == 200);
    CHECK(own.dns().size() == 1);
    CHECK(own.dns().find("localhost", http::dns_cache::clock::now() + 59s, cached));
    CHECK_FALSE(own.dns().find("localhost", http::dns_cache::clock::now() + 61s, cached));
  };
  stampede::testing::run_coroutine(body, 30s);
}

TEST_CASE("client decides expected responses and k6 error codes from the status") {
  hostile_server server;
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex};
    auto res = co_await c.get(server.url("/status/404"));
    CHECK(res.status() == 404);
    CHECK_FALSE(res.error());
    CHECK(res.error_code() == 1404);
    res = co_await c.get(server.url("/status/503"));
    CHECK(res.error_code() == 1503);
  };
  stampede::testing::run_coroutine(body);
}

TEST_CASE("client records k6's HTTP metrics with k6's tags") {
  hostile_server server;
  auto registry = std::make_shared<stampede::metric_registry>();
  const auto ok_reqs = stampede::http_reqs.where("expected_response", "true");
  const auto by_name = stampede::http_reqs.where("name", "todos");
  const auto not_found = stampede::http_req_failed.where("status", "404");
  const auto refused = stampede::http_reqs.where("error_code", "1212");
  const auto scenario = stampede::http_req_duration.where("scenario", "browse");
  registry->track(ok_reqs);
  registry->track(by_name);
  registry->track(not_found);
  registry->track(refused);
  registry->track(scenario);
  stampede::recorder rec{registry};
  stampede::tag_set vu_tags{{"scenario", "browse"}};
  const auto start = std::chrono::steady_clock::now();
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex, {}, {.rec = &rec, .tags = &vu_tags, .run_start = start}};
    for (int i = 0; i < 3; ++i) {
      http::request_params named{.tags = {{"name", "todos"}}};
      co_await c.get(server.url("/ok"), std::move(named));
    }
    co_await c.get(server.url("/status/404"));
    http::request_params expect_404{.expected_statuses = http::expected_statuses{404}};
    co_await c.get(server.url("/status/404"), std::move(expect_404));
    const auto nowhere = "http://127.0.0.1:" + std::to_string(hostile_server::closed_port()) + "/";
    co_await c.get(nowhere);
  };
  stampede::testing::run_coroutine(body);
  const auto snap = rec.take(1s);
  const auto counter = [&](const auto& m) { return std::get<stampede::counter_sink>(*snap.find(m.descriptor())).sum; };
  const auto rate = [&](const auto& m) { return std::get<stampede::rate_sink>(*snap.find(m.descriptor())); };
  CHECK(counter(stampede::http_reqs) == 6);
  CHECK(counter(ok_reqs) == 4);
  CHECK(counter(by_name) == 3);
  CHECK(counter(refused) == 1);
  CHECK(rate(stampede::http_req_failed).nonzero == 2);
  CHECK(rate(stampede::http_req_failed).total == 6);
  CHECK(rate(not_found).nonzero == 1);
  CHECK(rate(not_found).total == 2);
  CHECK(std::get<stampede::trend_sink>(*snap.find(scenario.descriptor())).samples.count() == 6);
  CHECK(counter(stampede::data_sent) > 6 * 40);
  CHECK(counter(stampede::data_received) > 5 * 38);
  // The tags of one sample, as k6 would write them.
  bool found = false;
  for (stampede::tag_set_id id = 0; id < 64 && !found; ++id) {
    try {
      const auto& t = rec.tags(id);
      if (t.get("name") != "todos") continue;
      found = true;
      CHECK(t.get("method") == "GET");
      CHECK(t.get("url") == server.url("/ok"));
      CHECK(t.get("status") == "200");
      CHECK(t.get("expected_response") == "true");
      CHECK(t.get("proto") == "HTTP/1.1");
      CHECK(t.get("scenario") == "browse");
      CHECK_FALSE(t.contains("error_code"));
    } catch (const std::out_of_range&) {
      break;
    }
  }
  CHECK(found);
}

TEST_CASE("client rejects bad input with usage errors naming the problem") {
  hostile_server server;
  struct bad_case {
    http::request request;
    std::string_view fragment;
  };
  std::vector<bad_case> cases{
      {{.url = "127.0.0.1/ok"}, "no scheme"},
      {{.url = "http:///ok"}, "no host"},
      {{.url = "http://127.0.0.1:99999/"}, "bad port"},
      {{.url = "http://127.0.0.1:8o/"}, "bad port"},
      {{.url = "http://127.0.0.1/a b"}, "space"},
      {{.url = "http://127.0.0.1/a\r\nX: 1"}, "control character"},
      {{.url = "ftp://127.0.0.1/"}, "unsupported scheme"},
      {{.url = server.url(), .params = {.headers = {{"X-A", "1\r\nX-Injected: 1"}}}}, "CR, LF"},
      {{.url = server.url(), .params = {.headers = {{"X A", "1"}}}}, "invalid header name"},
      {{.method = "GE T", .url = server.url()}, "invalid HTTP method"},
      {{.method = "POST", .url = server.url(), .body = "12345"}, "over the limit"},
  };
  std::vector<bad_case> all = cases;
  if (!STAMPEDE_WITH_TLS) all.push_back({{.url = "https://127.0.0.1/"}, "no TLS"});
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex, {.max_request_body_bytes = 4}};
    for (const auto& bad : all) {
      INFO(bad.fragment);
      bool thrown = false;
      try {
        co_await c.request(bad.request);
      } catch (const stampede::usage_error& e) {
        thrown = true;
        INFO(e.what());
        CHECK(std::string_view{e.what()}.find(bad.fragment) != std::string_view::npos);
      }
      CHECK(thrown);
    }
    auto res = co_await c.get(server.url());  // still usable
    CHECK(res.status() == 200);
  };
  stampede::testing::run_coroutine(body);
  CHECK(server.requests() == 1);
}

TEST_CASE("client runs one request at a time: a request made before the last one ran is an error, the last one works") {
  hostile_server server;
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex};
    auto first = c.get(server.url("/ok"));
    auto second = c.get(server.url("/chunked"));  // takes the client's state before `first` ran
    bool thrown = false;
    try {
      co_await std::move(first);
    } catch (const stampede::usage_error& e) {
      thrown = true;
      CHECK(std::string_view{e.what()}.find("one request at a time") != std::string_view::npos);
    }
    CHECK(thrown);
    const auto res = co_await std::move(second);
    CHECK(res.status() == 200);
    CHECK(res.body() == "hello, world");
    // A request that is never awaited leaves nothing behind.
    { auto dropped = c.get(server.url("/ok")); }
    const auto after = co_await c.get(server.url("/ok"));
    CHECK(after.status() == 200);
    CHECK(after.body() == "ok");
  };
  stampede::testing::run_coroutine(body);
  CHECK(server.requests() == 2);
}

TEST_CASE("client sends a body larger than the socket's buffer and reads a response larger than its read buffer") {
  hostile_server server;
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex};
    // 4 MiB does not fit a loopback socket's send buffer: the first write takes part of it and
    // an asynchronous write the rest. The echo sends it all back: many 8 KiB reads.
    std::string big(std::size_t{4} << 20, 'x');
    for (std::size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>('a' + (i / 4096) % 26);
    for (int round = 0; round < 2; ++round) {  // the second on the pooled connection
      auto res = co_await c.post(server.url("/echo"), big);
      REQUIRE(res.status() == 200);
      const std::string expected = "POST /echo\n" + big;
      CHECK(res.body().size() == expected.size());
      CHECK(res.body() == expected);
    }
    CHECK(c.connections_opened() == 1);
  };
  stampede::testing::run_coroutine(body, 30s);
}

TEST_CASE("client reads a response first when the thread has other work, and waits for one that is not there yet") {
  auto& policy = http::detail::this_thread_read_first;
  stampede::testbed::server server;  // /delay/{ms} answers after a timer on the server's own thread

  SECTION("one client whose responses come 1 ms late: first reads miss, then the thread waits") {
    policy = {};
    auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
      http::client c{ex};
      for (std::uint32_t i = 0; i < http::detail::read_first::window; ++i) {
        auto res = co_await c.get(server.url("/delay/1"));
        REQUIRE(res.status() == 200);  // found after a failed first read, by waiting for it
      }
      CHECK(policy.first_reads() == http::detail::read_first::window);
      CHECK(policy.first_misses() > http::detail::read_first::most_misses);
      CHECK(policy.pausing());
      auto res = co_await c.get(server.url("/delay/1"));
      CHECK(res.status() == 200);
      CHECK(policy.first_reads() == http::detail::read_first::window);  // waited for, not read first
    };
    stampede::testing::run_coroutine(body, 30s);
  }

  SECTION("one client whose thread has 5 ms of other work after each request: the first read finds the response") {
    policy = {};
    bool done = false;
    int ok = 0;
    // Always queued ahead of the client's read: it sleeps 5 ms each turn, and reposts itself.
    auto other_work = [&]() -> asio::awaitable<void> {
      const auto ex = co_await asio::this_coro::executor;
      while (!done) {
        co_await asio::post(ex, asio::use_awaitable);
        std::this_thread::sleep_for(5ms);
      }
    };
    auto one_client = [&]() -> asio::awaitable<void> {
      const auto ex = co_await asio::this_coro::executor;  // named: see docs/http.md on g++ 12
      http::client c{ex};
      for (int r = 0; r < 40; ++r) {
        auto res = co_await c.get(server.url("/"));
        if (res.status() == 200 && res.body() == "ok") ++ok;
      }
      done = true;
    };
    asio::io_context io{1};
    asio::co_spawn(io, other_work(), asio::detached);
    asio::co_spawn(io, one_client(), asio::detached);
    io.run_for(30s);
    CHECK(done);
    CHECK(ok == 40);
    CHECK(policy.first_reads() == 40);
    CHECK(policy.first_misses() < policy.first_reads());  // the server had 5 ms to answer
  }

  SECTION("fifty clients on one thread: every response arrives, read first or waited for") {
    policy = {};
    constexpr int clients = 50;
    constexpr int requests = 20;
    int ok = 0;
    auto one_client = [&]() -> asio::awaitable<void> {
      const auto ex = co_await asio::this_coro::executor;  // named: see docs/http.md on g++ 12
      http::client c{ex};
      for (int r = 0; r < requests; ++r) {
        auto res = co_await c.get(server.url("/"));
        if (res.status() == 200 && res.body() == "ok") ++ok;
      }
    };
    asio::io_context io{1};
    for (int i = 0; i < clients; ++i) asio::co_spawn(io, one_client(), asio::detached);
    io.run_for(30s);
    CHECK(ok == clients * requests);
    CHECK(policy.first_reads() > 0);
  }
}

TEST_CASE("clients on one thread reading large responses at once share its read buffer without mixing their bytes") {
  // A connection holds no read buffer: plain-TCP reads fill the thread's, and go to the parser
  // before the client suspends again (what keeps a thinking VU small).
  STATIC_REQUIRE(sizeof(http::detail::connection) < http::detail::read_size);
  hostile_server server;
  constexpr int clients = 16;
  constexpr std::size_t rounds = 3;
  std::size_t ok = 0;
  auto one_client = [&](int id) -> asio::awaitable<void> {
    const auto ex = co_await asio::this_coro::executor;  // named: see docs/http.md on g++ 12
    http::client c{ex};
    for (std::size_t round = 0; round < rounds; ++round) {
      // 200 KiB: about 25 reads each, interleaved with the other clients' on the thread.
      std::string body(std::size_t{200} << 10, static_cast<char>('a' + id));
      for (std::size_t i = 0; i < body.size(); i += 1000) body[i] = static_cast<char>('A' + (round + i / 1000) % 26);
      auto res = co_await c.post(server.url("/echo"), body);
      if (res.status() == 200 && res.body() == "POST /echo\n" + body) ++ok;
    }
  };
  asio::io_context io{1};
  for (int i = 0; i < clients; ++i) asio::co_spawn(io, one_client(i), asio::detached);
  io.run_for(30s);
  CHECK(ok == std::size_t{clients} * rounds);
}
