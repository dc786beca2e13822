// The testbed server on 127.0.0.1, driven by a raw Asio client written here: routes, statuses,
// bodies, errors, keep-alive, pipelining, limits, timeouts and stopping under load; and a route's
// header fields as stampede's own client reads them (a redirect, a cookie).
#include <stampede/testbed/server.hpp>

#include <stampede/core/asio.hpp>
#include <stampede/core/error.hpp>
#include <stampede/http/client.hpp>

#include "support/catch_compat.hpp"

#include <asio/buffer.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/write.hpp>
#include <llhttp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

namespace tb = stampede::testbed;
using namespace std::chrono_literals;
using asio::ip::tcp;
using stampede::net::use_nothrow;

namespace {

struct response {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  [[nodiscard]] std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// A deliberately small HTTP/1.1 client: raw bytes out, llhttp-parsed responses in.
class raw_client {
 public:
  explicit raw_client(asio::io_context& io) : socket_(io) {
    llhttp_settings_init(&settings_);
    settings_.on_header_field = [](llhttp_t* p, const char* at, std::size_t n) {
      auto& s = state(p);
      if (s.in_value) {
        s.field.clear();
        s.in_value = false;
      }
      for (std::size_t i = 0; i < n; ++i) s.field += static_cast<char>(std::tolower(static_cast<unsigned char>(at[i])));
      return 0;
    };
    settings_.on_header_value = [](llhttp_t* p, const char* at, std::size_t n) {
      auto& s = state(p);
      s.in_value = true;
      s.current.headers[s.field].append(at, n);
      return 0;
    };
    settings_.on_headers_complete = [](llhttp_t* p) {
      state(p).in_value = false;
      return state(p).head ? 1 : 0;  // 1: a response to HEAD has no body
    };
    settings_.on_body = [](llhttp_t* p, const char* at, std::size_t n) {
      state(p).current.body.append(at, n);
      return 0;
    };
    settings_.on_message_complete = [](llhttp_t* p) {
      state(p).current.status = llhttp_get_status_code(p);
      return static_cast<int>(HPE_PAUSED);
    };
    llhttp_init(&parser_, HTTP_RESPONSE, &settings_);
    parser_.data = &state_;
  }
  raw_client(const raw_client&) = delete;
  raw_client& operator=(const raw_client&) = delete;

  asio::awaitable<std::error_code> connect(std::uint16_t port) {
    auto [ec] = co_await socket_.async_connect({asio::ip::make_address("127.0.0.1"), port}, use_nothrow);
    co_return ec;
  }

  asio::awaitable<std::error_code> send(std::string text) {
    auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(text), use_nothrow);
    co_return ec;
  }

  // The next response, or nothing if the connection ended (or the bytes did not parse) first.
  asio::awaitable<std::optional<response>> read(bool head = false) {
    state_.current = response{};
    state_.field.clear();
    state_.in_value = false;
    state_.head = head;
    std::array<char, 16384> buffer{};
    for (;;) {
      if (!pending_.empty()) {
        const auto err = llhttp_execute(&parser_, pending_.data(), pending_.size());
        if (err == HPE_PAUSED) {
          pending_.erase(0, static_cast<std::size_t>(llhttp_get_error_pos(&parser_) - pending_.data()));
          llhttp_resume(&parser_);
          co_return state_.current;
        }
        if (err != HPE_OK) co_return std::nullopt;
        pending_.clear();
      }
      auto [ec, n] = co_await socket_.async_read_some(asio::buffer(buffer), use_nothrow);
      if (ec) co_return std::nullopt;
      pending_.append(buffer.data(), n);
    }
  }

  // True when the server ends the connection (EOF or reset) without sending anything more.
  asio::awaitable<bool> closed_by_server() {
    std::array<char, 256> buffer{};
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(buffer), use_nothrow);
    co_return ec && n == 0;
  }

 private:
  struct parse_state {
    response current;
    std::string field;
    bool in_value = false;
    bool head = false;
  };
  static parse_state& state(llhttp_t* p) { return *static_cast<parse_state*>(p->data); }

  tcp::socket socket_;
  llhttp_settings_t settings_{};
  llhttp_t parser_{};
  parse_state state_;
  std::string pending_;
};

// Runs one client coroutine to its end, failing the test if it takes longer than `limit`.
template <typename T>
T run(asio::io_context& io, asio::awaitable<T> work, std::chrono::milliseconds limit = 5000ms) {
  std::optional<T> result;
  std::exception_ptr error;
  asio::co_spawn(io, std::move(work), [&](std::exception_ptr e, T value) {
    error = e;
    if (!e) result = std::move(value);
  });
  io.restart();
  io.run_for(limit);
  if (error) std::rethrow_exception(error);
  if (!result) FAIL("the client did not finish within " << limit.count() << " ms");
  return std::move(*result);
}

std::string get(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + std::string(extra_headers) + "\r\n";
}

// Sends each request and reads its response, in turn, on one connection.
asio::awaitable<std::vector<std::optional<response>>> exchange(raw_client& c, std::uint16_t port,
                                                               std::vector<std::string> requests) {
  std::vector<std::optional<response>> out;
  if (co_await c.connect(port)) co_return out;
  for (const auto& r : requests) {
    if (co_await c.send(r)) break;
    out.push_back(co_await c.read(r.starts_with("HEAD ")));
  }
  co_return out;
}

}  // namespace

TEST_CASE("testbed server answers GET / with 200 ok by default on an ephemeral port") {
  tb::server srv;
  CHECK(srv.port() != 0);
  CHECK(srv.url() == "http://127.0.0.1:" + std::to_string(srv.port()) + "/");
  CHECK(srv.url("x") == "http://127.0.0.1:" + std::to_string(srv.port()) + "/x");
  asio::io_context io;
  raw_client c{io};
  const auto got = run(io, exchange(c, srv.port(), {get("/")}));
  REQUIRE(got.size() == 1);
  REQUIRE(got[0]);
  CHECK(got[0]->status == 200);
  CHECK(got[0]->body == "ok");
  CHECK(got[0]->header("content-type") == "text/plain");
  const auto stats = srv.stats();
  CHECK(stats.requests == 1);
  CHECK(stats.count(200) == 1);
  CHECK(stats.connections_accepted == 1);
  CHECK(stats.bytes_received == get("/").size());
}

TEST_CASE("testbed server serves routes, statuses, generated bodies and built-ins on one keep-alive connection") {
  tb::server srv{{.routes = {{.path = "/json", .body = R"({"a":1})", .content_type = "application/json"},
                             {.path = "/gen", .body_bytes = 100'000},
                             {.path = "/teapot", .status = 418, .body = "short and stout"},
                             {.method = "*", .path = "/any", .body = "any"}}}};
  asio::io_context io;
  raw_client c{io};
  const auto got = run(io, exchange(c, srv.port(),
                                    {get("/json"), get("/gen"), "HEAD /gen HTTP/1.1\r\nHost: x\r\n\r\n", get("/teapot"),
                                     "PATCH /any HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", get("/status/503"),
                                     get("/status/204"), get("/bytes/70000"), get("/nowhere"),
                                     "DELETE /json HTTP/1.1\r\nHost: x\r\n\r\n", get("/json?query=ignored")}));
  REQUIRE(got.size() == 11);
  for (const auto& r : got) REQUIRE(r);
  CHECK(got[0]->status == 200);
  CHECK(got[0]->body == R"({"a":1})");
  CHECK(got[0]->header("content-type") == "application/json");
  CHECK(got[1]->body.size() == 100'000);
  CHECK(got[2]->header("content-length") == "100000");
  CHECK(got[2]->body.empty());
  CHECK(got[3]->status == 418);
  CHECK(got[4]->body == "any");
  CHECK(got[5]->status == 503);
  CHECK(got[6]->status == 204);
  CHECK(got[6]->body.empty());
  CHECK(got[7]->body.size() == 70'000);
  CHECK(got[8]->status == 404);
  CHECK(got[9]->status == 405);
  CHECK(got[10]->status == 200);
  const auto stats = srv.stats();
  CHECK(stats.connections_accepted == 1);  // keep-alive: one connection for all eleven
  CHECK(stats.requests == 11);
  CHECK(stats.count(200) == 6);
  CHECK(stats.count(404) == 1);
  CHECK(stats.bytes_sent > 170'000);  // the two generated bodies, 100 kB and 70 kB (HEAD sends none)
  CHECK(stats.bytes_sent < 175'000);
}

TEST_CASE("testbed server answers error_rate's share with error_status, the same for the same seed") {
  const auto statuses = [](std::uint64_t seed) {
    tb::server srv{{.seed = seed, .routes = {{.path = "/", .body = "ok", .error_rate = 0.3, .error_status = 503}}}};
    asio::io_context io;
    raw_client c{io};
    const auto got = run(io, exchange(c, srv.port(), std::vector<std::string>(400, get("/"))));
    std::vector<int> out;
    for (const auto& r : got) out.push_back(r ? r->status : 0);
    CHECK(srv.stats().count(503) == static_cast<std::uint64_t>(std::count(out.begin(), out.end(), 503)));
    return out;
  };
  const auto a = statuses(11);
  REQUIRE(a.size() == 400);
  CHECK(std::count(a.begin(), a.end(), 0) == 0);
  const auto errors = static_cast<double>(std::count(a.begin(), a.end(), 503));
  CHECK(errors / 400 == Approx(0.3).margin(0.07));  // 400 draws: σ of the share is 0.023
  CHECK(statuses(11) == a);
  CHECK(statuses(12) != a);
}

TEST_CASE("testbed server closes after Connection: close and HTTP/1.0, keeps HTTP/1.0 keep-alive open") {
  tb::server srv;
  asio::io_context io;
  // Captureless: a coroutine lambda's captures die with the lambda, before the coroutine runs.
  const auto closes_after = [&](std::string request) {
    return [](asio::io_context& ctx, std::uint16_t port,
              std::string req) -> asio::awaitable<std::pair<std::optional<response>, bool>> {
      raw_client c{ctx};
      std::pair<std::optional<response>, bool> out{std::nullopt, false};
      if (co_await c.connect(port) || co_await c.send(req)) co_return out;
      out.first = co_await c.read();
      out.second = co_await c.closed_by_server();
      co_return out;
    }(io, srv.port(), std::move(request));
  };
  auto [r1, closed1] = run(io, closes_after(get("/", "Connection: close\r\n")));
  REQUIRE(r1);
  CHECK(r1->header("connection") == "close");
  CHECK(closed1);
  auto [r2, closed2] = run(io, closes_after("GET / HTTP/1.0\r\n\r\n"));
  REQUIRE(r2);
  CHECK(r2->status == 200);
  CHECK(closed2);

  raw_client c{io};
  const auto kept = run(io, exchange(c, srv.port(), {"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
                                                     "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"}));
  REQUIRE(kept.size() == 2);
  REQUIRE(kept[1]);
  CHECK(kept[0]->header("connection") == "keep-alive");
  CHECK(srv.stats().connections_accepted == 3);
}

TEST_CASE("testbed server answers pipelined requests in order, bodies and all") {
  tb::server srv{{.routes = {{.path = "/slow", .body = "slow", .latency = tb::service_time::fixed(30ms)},
                             {.path = "/fast", .body = "fast"},
                             {.method = "POST", .path = "/upload", .body = "stored"}}}};
  asio::io_context io;
  raw_client c{io};
  const std::string pipeline = get("/slow") + get("/fast") +
                               "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world" +
                               "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n" +
                               get("/fast");
  const auto got = run(io, [](raw_client& cl, std::uint16_t port, std::string text)
                               -> asio::awaitable<std::vector<std::string>> {
    std::vector<std::string> bodies;
    if (co_await cl.connect(port) || co_await cl.send(text)) co_return bodies;
    for (int i = 0; i < 5; ++i) {
      const auto r = co_await cl.read();
      bodies.push_back(r ? r->body : "<none>");
    }
    co_return bodies;
  }(c, srv.port(), pipeline));
  CHECK(got == std::vector<std::string>{"slow", "fast", "stored", "stored", "fast"});
  CHECK(srv.stats().connections_accepted == 1);
}

TEST_CASE("testbed server answers malformed requests 400, big headers 431, big bodies 413, and closes") {
  tb::server srv{{.limits = {.max_header_bytes = 1024, .max_body_bytes = 1000}}};
  asio::io_context io;
  const auto answer_then_close = [&](std::string request) {
    return [](asio::io_context& ctx, std::uint16_t port, std::string req)
               -> asio::awaitable<std::pair<int, bool>> {
      raw_client c{ctx};
      if (co_await c.connect(port) || co_await c.send(req)) co_return std::pair{-1, false};
      const auto r = co_await c.read();
      const bool closed = co_await c.closed_by_server();
      co_return std::pair{r ? r->status : 0, closed};
    }(io, srv.port(), std::move(request));
  };
  CHECK(run(io, answer_then_close("HELLO\r\n\r\n")) == std::pair{400, true});
  CHECK(run(io, answer_then_close("GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n")) == std::pair{400, true});
  CHECK(run(io, answer_then_close(get("/", "X-Big: " + std::string(4000, 'a') + "\r\n"))) == std::pair{431, true});
  CHECK(run(io, answer_then_close("POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'b'))) ==
        std::pair{413, true});
  // Within the limits: read and answered as usual (405: a POST to the GET route), kept open.
  raw_client c{io};
  const auto within = run(io, exchange(c, srv.port(),
                                       {"POST / HTTP/1.1\r\nContent-Length: 1000\r\n\r\n" + std::string(1000, 'b'),
                                        get("/", "X-Fits: " + std::string(900, 'a') + "\r\n")}));
  REQUIRE(within.size() == 2);
  REQUIRE(within[1]);
  CHECK(within[0]->status == 405);
  CHECK(within[1]->status == 200);
  CHECK(srv.stats().count(400) == 2);
}

TEST_CASE("testbed server closes idle connections after limits.idle_timeout") {
  tb::server srv{{.limits = {.idle_timeout = 100ms}}};
  asio::io_context io;
  const auto started = std::chrono::steady_clock::now();
  const bool closed = run(io, [](asio::io_context& ctx, std::uint16_t port) -> asio::awaitable<bool> {
    raw_client c{ctx};
    if (co_await c.connect(port)) co_return false;
    co_return co_await c.closed_by_server();
  }(io, srv.port()), 3000ms);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  CHECK(closed);
  CHECK(elapsed >= 90ms);
  CHECK(elapsed < 2s);
  // A half-sent request is idle too.
  CHECK(run(io, [](asio::io_context& ctx, std::uint16_t port) -> asio::awaitable<bool> {
    raw_client c{ctx};
    if (co_await c.connect(port) || co_await c.send("GET / HTTP/1.1\r\nHo")) co_return false;
    co_return co_await c.closed_by_server();
  }(io, srv.port()), 3000ms));
}

TEST_CASE("testbed server refuses connections beyond limits.max_connections") {
  tb::server srv{{.limits = {.max_connections = 2}}};
  asio::io_context io;
  raw_client a{io};
  raw_client b{io};
  raw_client extra{io};
  const auto got = run(io, [](raw_client& x, raw_client& y, raw_client& z, std::uint16_t port)
                               -> asio::awaitable<std::vector<bool>> {
    // a and b are served (a response proves the server has registered them); z is closed at once.
    std::vector<bool> out;
    for (raw_client* c : {&x, &y}) {
      const bool ok = !co_await c->connect(port) && !co_await c->send(get("/")) && (co_await c->read()).has_value();
      out.push_back(ok);
    }
    out.push_back(!co_await z.connect(port) && co_await z.closed_by_server());
    co_return out;
  }(a, b, extra, srv.port()));
  CHECK(got == std::vector<bool>{true, true, true});
  CHECK(srv.stats().connections_accepted == 3);
}

TEST_CASE("testbed server stops without hanging while clients wait in the replica queue") {
  // One slot of 300 ms and ten clients: one is served, nine queue for up to 3 s.
  tb::server srv{{.threads = 2,
                  .replicas = tb::replica_model{.replicas = 1, .service_time = 300ms},
                  .limits = {.idle_timeout = 10s}}};
  asio::io_context io;
  std::vector<std::unique_ptr<raw_client>> clients;
  for (int i = 0; i < 10; ++i) clients.push_back(std::make_unique<raw_client>(io));
  int sent = 0;
  for (auto& c : clients) {
    sent += run(io, [](raw_client& cl, std::uint16_t port) -> asio::awaitable<int> {
      co_return !co_await cl.connect(port) && !co_await cl.send(get("/")) ? 1 : 0;
    }(*c, srv.port()));
  }
  REQUIRE(sent == 10);
  // Bounded spin (no sleep) until the server has read all ten requests.
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (srv.stats().replica_waiting < 10 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  REQUIRE(srv.stats().replica_waiting == 10);

  const auto started = std::chrono::steady_clock::now();
  srv.stop();
  CHECK(std::chrono::steady_clock::now() - started < 250ms);  // before even the first slot is done
  srv.stop();                                                 // idempotent
  CHECK(srv.stats().connections_open == 0);
  CHECK(srv.stats().requests == 0);
  for (auto& c : clients) {
    CHECK(run(io, c->closed_by_server()));
  }
}

TEST_CASE("testbed server's destructor closes connected clients, idle or mid-request") {
  asio::io_context io;
  raw_client idle{io};
  raw_client busy{io};
  {
    tb::server srv{{.routes = {{.path = "/", .latency = tb::service_time::fixed(10s)}}}};
    run(io, [](raw_client& a, raw_client& b, std::uint16_t port) -> asio::awaitable<bool> {
      co_return !co_await a.connect(port) && !co_await b.connect(port) && !co_await b.send(get("/"));
    }(idle, busy, srv.port()));
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (srv.stats().connections_open < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    CHECK(srv.stats().connections_open == 2);
  }
  CHECK(run(io, idle.closed_by_server()));
  CHECK(run(io, busy.closed_by_server()));
}

TEST_CASE("testbed server serves many connections on several threads") {
  tb::server srv{{.threads = 2, .routes = {{.path = "/", .body = "ok", .latency = tb::service_time::uniform(0ms, 1ms)}}}};
  asio::io_context io;
  std::vector<std::unique_ptr<raw_client>> clients;
  int ok = 0;
  for (int i = 0; i < 8; ++i) {
    clients.push_back(std::make_unique<raw_client>(io));
    asio::co_spawn(io, [](raw_client& c, std::uint16_t port, int& count) -> asio::awaitable<void> {
      if (co_await c.connect(port)) co_return;
      for (int j = 0; j < 50; ++j) {
        if (co_await c.send(get("/"))) co_return;
        const auto r = co_await c.read();
        if (!r || r->status != 200) co_return;
        ++count;
      }
    }(*clients.back(), srv.port(), ok), asio::detached);
  }
  io.run_for(5s);
  CHECK(ok == 400);
  CHECK(srv.stats().requests == 400);
  CHECK(srv.stats().connections_accepted == 8);
}

TEST_CASE("testbed server resizes its replica model, and refuses to without one") {
  tb::server with{{.replicas = tb::replica_model{.replicas = 2, .sigma = 0.1}}};
  CHECK(with.has_replicas());
  CHECK(with.replicas().replicas == 2);
  with.set_replicas(8);
  CHECK(with.replicas() == tb::replica_model{.replicas = 8, .sigma = 0.1});
  CHECK_THROWS_AS(with.set_replicas(0), stampede::usage_error);
  CHECK(with.replicas().replicas == 8);

  tb::server without;
  CHECK_FALSE(without.has_replicas());
  CHECK_THROWS_AS(without.set_replicas(2), stampede::usage_error);
  CHECK_THROWS_AS(without.replicas(), stampede::usage_error);
}

TEST_CASE("testbed server throws usage_error for bad options and system_error when the port is taken") {
  CHECK_THROWS_AS(tb::server({.host = "not an address"}), stampede::usage_error);
  CHECK_THROWS_AS(tb::server({.threads = 0}), stampede::usage_error);
  tb::server first;
  CHECK_THROWS_AS(tb::server({.port = first.port()}), std::system_error);
  tb::server local{{.host = "localhost"}};
  CHECK(local.url().starts_with("http://127.0.0.1:"));
}

TEST_CASE("testbed server's route headers redirect stampede's client and set a cookie it sends back") {
  tb::server srv{{.routes = {{.path = "/old",
                              .status = 302,
                              .headers = {{"Location", "/new"}, {"Set-Cookie", "session=abc; Path=/"}}},
                             {.path = "/new", .body = "new"},
                             {.path = "/again", .body = "again"}}}};
  asio::io_context io;
  std::vector<std::string> requests;  // the client's request dumps, in order
  stampede::http::client_options options{.debug = stampede::http::client_options::debug_level::headers};
  options.debug_output = [&requests](std::string_view dump) {
    if (dump.starts_with("Request:")) requests.emplace_back(dump);
  };
  stampede::http::client client{io.get_executor(), std::move(options)};
  const auto base = srv.url();
  const auto visit = [&]() -> asio::awaitable<std::vector<int>> {
    auto first = co_await client.get(base + "old");
    auto second = co_await client.get(base + "again");
    co_return std::vector<int>{first.status(), first.url() == base + "new" ? 1 : 0, second.status()};
  };
  const auto statuses = run(io, visit());
  CHECK(statuses == std::vector<int>{200, 1, 200});  // the 302 was followed to /new
  CHECK(srv.stats().count(302) == 1);
  CHECK(srv.stats().count(200) == 2);
  REQUIRE(requests.size() == 3);  // /old, /new, /again
  CHECK(requests[0].find("Cookie:") == std::string::npos);
  CHECK(requests[1].find("GET /new HTTP/1.1") != std::string::npos);
  CHECK(requests[1].find("\nCookie: session=abc\n") != std::string::npos);  // set by the 302 itself
  CHECK(requests[2].find("\nCookie: session=abc\n") != std::string::npos);
}
