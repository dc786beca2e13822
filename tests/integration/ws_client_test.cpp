// ws::client's opening handshake against a scripted loopback server: the upgrade request it
// sends, each way the server's answer can be wrong, cookies both ways, connect failures, wss://.
#include <stampede/core/error.hpp>
#include <stampede/http/cookie_jar.hpp>
#include <stampede/http/url.hpp>
#include <stampede/ws.hpp>

#include "support/catch_compat.hpp"
#include "support/run_coroutine.hpp"

#if STAMPEDE_WITH_TLS

#include "support/hostile_server.hpp"  // closed_port
#include "support/ws_script_server.hpp"

#include <asio/any_io_executor.hpp>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace ws = stampede::ws;
namespace wire = stampede::testing::ws_wire;
using stampede::testing::ws_handshake;
using stampede::testing::ws_script;
using stampede::testing::ws_script_server;
using stampede::testing::ws_step;
using clock_type = std::chrono::steady_clock;

// What a connect gave, copied out of the session (which must end on its io_context's thread).
struct connect_outcome {
  bool ok = false;
  bool open = false;
  int status = 0;
  ws::error error{};
  std::string body, subprotocol;
  stampede::http::headers headers;
  clock_type::duration took{};
  bool closed = false;  // an open session's close() ended with the server's close frame
};

const ws::client_options quick{.connect_timeout = 2s, .write_timeout = 2s, .close_timeout = 300ms};

// Connects once (then closes, if the session opened) and says how it went.
connect_outcome connect_to(const std::string& url, ws::connect_params params = {}, ws::client_options options = quick,
                           stampede::http::client_options connection = {}) {
  connect_outcome out;
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    ws::client c{ex, options, connection};
    const auto start = clock_type::now();
    auto s = co_await c.connect(url, params);
    out = {.ok = s.ok(), .open = s.is_open(), .status = s.status(), .error = s.error(), .body = std::string{s.body()},
           .subprotocol = std::string{s.subprotocol()}, .headers = s.headers(), .took = clock_type::now() - start};
    if (s.is_open()) {
      const auto m = co_await s.close();
      out.closed = m.is_close();
    }
  };
  stampede::testing::run_coroutine(body);
  return out;
}

// Whether `text` is 16 bytes in base64: 22 characters of the alphabet and "==".
bool is_base64_of_16_bytes(std::string_view text) {
  if (text.size() != 24 || !text.ends_with("==")) return false;
  for (const char c : text.substr(0, 22)) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("the upgrade request has the handshake's fields, the subprotocols in order and the user's fields") {
  ws_script_server server{{.handshake = {.subprotocol = "chat.v2"}, .steps = {ws_step::echo()}}};
  const auto out = connect_to(server.url("/chat?room=1"),
                              {.headers = {{"Authorization", "Bearer t"}, {"X-Trace", "7"}}, .subprotocols = {"chat.v1", "chat.v2"}});
  INFO(out.error.message);
  CHECK(out.ok);
  CHECK(out.status == 101);
  CHECK(out.subprotocol == "chat.v2");
  CHECK(out.headers.get("sec-websocket-accept").has_value());
  CHECK_FALSE(out.error);
  CHECK(out.closed);

  const auto r = server.wait();
  REQUIRE(r.done);
  INFO(r.request);
  CHECK(r.request.starts_with("GET /chat?room=1 HTTP/1.1\r\n"));
  CHECK(r.header("host") == "127.0.0.1:" + std::to_string(server.port()));
  CHECK(r.header("upgrade") == "websocket");
  CHECK(r.header("connection") == "Upgrade");
  CHECK(r.header("sec-websocket-version") == "13");
  CHECK(is_base64_of_16_bytes(r.header("sec-websocket-key")));
  CHECK(r.header("sec-websocket-protocol") == "chat.v1, chat.v2");
  CHECK(r.header("sec-websocket-extensions").empty());
  CHECK(r.header("authorization") == "Bearer t");
  CHECK(r.header("x-trace") == "7");
  // The session closed with 1000 and the server's echo of it.
  REQUIRE(r.of(wire::op::close).size() == 1);
  CHECK(r.of(wire::op::close)[0].close_code() == 1000);
}

TEST_CASE("each connection sends a fresh key, and no Sec-WebSocket-Protocol when it offers none") {
  ws_script_server server{{.steps = {ws_step::echo()}}};
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    ws::client c{ex, quick};
    for (int i = 0; i < 3; ++i) {
      auto s = co_await c.connect(server.url());
      CHECK(s.ok());
      CHECK(s.subprotocol().empty());
      const auto closed = co_await s.close();
      CHECK(closed.is_close());
    }
    CHECK(c.sessions_opened() == 3);
  };
  stampede::testing::run_coroutine(body);
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < 3; ++i) {
    const auto r = server.wait(i);
    CHECK(r.header("sec-websocket-protocol").empty());
    CHECK(r.request.find("Sec-WebSocket-Protocol") == std::string::npos);
    keys.push_back(r.header("sec-websocket-key"));
  }
  CHECK(keys[0] != keys[1]);
  CHECK(keys[1] != keys[2]);
  CHECK(keys[0] != keys[2]);
}

TEST_CASE("the VU's cookies go with the upgrade request, and the answer's Set-Cookie is kept") {
  namespace http = stampede::http;
  ws_script_server server{{.handshake = {.fields = {"Set-Cookie: theme=dark; Path=/"}}, .steps = {ws_step::echo()}}};
  const auto origin = http::url::parse("http://127.0.0.1:" + std::to_string(server.port()) + "/");
  http::cookie_jar jar;
  jar.store(origin, "sid=42; Path=/");
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    ws::client c{ex, quick, {}, {}, nullptr, &jar};
    auto s = co_await c.connect(server.url("/live"));
    CHECK(s.ok());
    const auto closed = co_await s.close();
    CHECK(closed.is_close());
  };
  stampede::testing::run_coroutine(body);
  CHECK(server.wait().header("cookie") == "sid=42");
  const auto after = jar.cookie_header(origin);
  CHECK(after.find("sid=42") != std::string::npos);
  CHECK(after.find("theme=dark") != std::string::npos);
}

TEST_CASE("a 101 answer that breaks the handshake fails the connect as a protocol error") {
  using accept_key = ws_handshake::accept_key;
  struct bad_answer {
    const char* what;
    ws_handshake handshake;
    std::vector<std::string> offered{};
  };
  const bad_answer cases[] = {
      {"a Sec-WebSocket-Accept of another key", {.accept = accept_key::wrong}},
      {"no Sec-WebSocket-Accept", {.accept = accept_key::missing}},
      {"no Upgrade", {.upgrade = false}},
      {"no Connection", {.connection = false}},
      {"a subprotocol that was not offered", {.subprotocol = "superchat"}, {"chat"}},
      {"a subprotocol when none was offered", {.subprotocol = "chat"}},
      {"an extension", {.extensions = "permessage-deflate"}},
      {"an extension with a subprotocol offered", {.subprotocol = "chat", .extensions = "x-custom"}, {"chat"}},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    ws_script_server server{{.handshake = c.handshake, .steps = {ws_step::echo()}}};
    const auto out = connect_to(server.url(), {.subprotocols = c.offered});
    INFO(out.error.message);
    CHECK_FALSE(out.ok);
    CHECK_FALSE(out.open);
    CHECK(out.status == 101);
    CHECK(out.error.kind == ws::error_kind::protocol);
    // The client leaves: the server sees its end of TCP, not a frame.
    const auto r = server.wait();
    CHECK(r.done);
    CHECK(r.saw("eof"));
    CHECK(r.frames.empty());
  }
}

TEST_CASE("a 101 whose Upgrade and Connection differ in case or hold more tokens is accepted") {
  // RFC 6455 4.1: Upgrade is matched case-insensitively, and Connection is a token list.
  const ws_handshake answers[] = {
      {.upgrade = false, .connection = false, .fields = {"Upgrade: WebSocket", "Connection: keep-alive, upgrade"}},
      {.upgrade = false, .connection = false, .fields = {"upgrade: WEBSOCKET", "connection: Upgrade, Keep-Alive"}},
  };
  for (const auto& h : answers) {
    INFO(h.fields[0] << " / " << h.fields[1]);
    ws_script_server server{{.handshake = h, .steps = {ws_step::echo()}}};
    const auto out = connect_to(server.url());
    INFO(out.error.message);
    CHECK(out.ok);
    CHECK(out.closed);
  }
}

TEST_CASE("an answer over the client's header or body limit fails the connect as too_large") {
  SECTION("a 101 with a header over max_response_header_bytes") {
    ws_script_server server{{.handshake = {.fields = {"X-Big: " + std::string(4096, 'h')}}, .steps = {ws_step::echo()}}};
    auto options = quick;
    options.max_response_header_bytes = 1024;
    const auto out = connect_to(server.url(), {}, options);
    INFO(out.error.message);
    CHECK_FALSE(out.ok);
    CHECK(out.error.kind == ws::error_kind::too_large);
  }
  SECTION("a refusal with a body over max_response_body_bytes") {
    ws_script_server server{{.handshake = {.status = 403, .body = std::string(4096, 'b')}}};
    auto options = quick;
    options.max_response_body_bytes = 1024;
    const auto out = connect_to(server.url(), {}, options);
    INFO(out.error.message);
    CHECK_FALSE(out.ok);
    CHECK(out.error.kind == ws::error_kind::too_large);
  }
}

TEST_CASE("a refused upgrade is a failed session with the answer's status, fields and body") {
  const std::pair<int, const char*> answers[] = {{403, "go away"}, {200, "<html>not a websocket</html>"}, {404, ""}};
  for (const auto& [status, text] : answers) {
    INFO(status);
    ws_script_server server{{.handshake = {.status = status, .fields = {"X-Reason: banned"}, .body = text}}};
    const auto out = connect_to(server.url());
    CHECK_FALSE(out.ok);
    CHECK_FALSE(out.open);
    CHECK(out.status == status);
    CHECK(out.body == text);
    CHECK(out.headers.get("x-reason") == "banned");
    CHECK(out.error.kind == ws::error_kind::protocol);
  }
}

TEST_CASE("frames sent in the same write as the 101 are the session's first messages") {
  ws_script_server server{{.handshake = {.first_bytes = wire::encode(wire::text("first")) + wire::encode(wire::binary("2nd"))},
                           .steps = {ws_step::echo()}}};
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    ws::client c{ex, quick};
    auto s = co_await c.connect(server.url());
    REQUIRE(s.ok());
    auto m = co_await s.receive(2s);
    CHECK(m.is_text());
    CHECK(m.text() == "first");
    m = co_await s.receive(2s);
    CHECK(m.is_binary());
    CHECK(m.data() == "2nd");
    m = co_await s.close();
    CHECK(m.is_close());
    CHECK(m.close_code() == 1000);
  };
  stampede::testing::run_coroutine(body);
}

TEST_CASE("a refused connection, a name that does not resolve and a silent server fail as refused, dns and timeout") {
  SECTION("refused") {
    const auto port = stampede::testing::hostile_server::closed_port();
    const auto out = connect_to("ws://127.0.0.1:" + std::to_string(port) + "/");
    INFO(out.error.message);
    CHECK_FALSE(out.ok);
    CHECK(out.status == 0);
    CHECK(out.error.kind == ws::error_kind::refused);
  }
  SECTION("dns") {
    // `.invalid` never resolves (RFC 6761): the resolver says so, or cannot be asked.
    const auto out = connect_to("ws://no-such-host.invalid/", {}, {.connect_timeout = 5s, .close_timeout = 300ms});
    INFO(out.error.message);
    CHECK_FALSE(out.ok);
    CHECK(out.status == 0);
    CHECK(out.error.kind == ws::error_kind::dns);
  }
  SECTION("a server that never answers the upgrade: the client's connect_timeout") {
    ws_script_server server{{.handshake = {.answer = false}}};
    const auto out = connect_to(server.url(), {}, {.connect_timeout = 200ms, .close_timeout = 300ms});
    INFO(out.error.message);
    CHECK_FALSE(out.ok);
    CHECK(out.status == 0);
    CHECK(out.error.kind == ws::error_kind::timeout);
    CHECK(out.took >= 200ms);
    CHECK(out.took < 2s);
    CHECK(server.wait().header("upgrade") == "websocket");  // the request did arrive
  }
  SECTION("connect_params::timeout over the client's") {
    ws_script_server server{{.handshake = {.answer = false}}};
    const auto out = connect_to(server.url(), {.timeout = 150ms}, {.connect_timeout = 30s, .close_timeout = 300ms});
    CHECK(out.error.kind == ws::error_kind::timeout);
    CHECK(out.took >= 150ms);
    CHECK(out.took < 2s);
  }
}

TEST_CASE("connect refuses what cannot be a WebSocket handshake with usage_error, before any I/O") {
  ws_script_server server{{}};
  struct bad_input {
    const char* what;
    std::string url;
    ws::connect_params params;
  };
  const std::vector<bad_input> cases{
      {"an ftp:// URL", "ftp://127.0.0.1/", {}},
      {"a subprotocol that is not a token", server.url(), {.subprotocols = {"two words"}}},
      {"a subprotocol offered twice", server.url(), {.subprotocols = {"chat", "chat"}}},
      {"a user Upgrade field", server.url(), {.headers = {{"Upgrade", "h2c"}}}},
      {"a user Sec-WebSocket-Key", server.url(), {.headers = {{"Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAA=="}}}},
      {"a user Sec-WebSocket-Extensions", server.url(), {.headers = {{"Sec-WebSocket-Extensions", "permessage-deflate"}}}},
      {"a user Content-Length", server.url(), {.headers = {{"Content-Length", "5"}}}},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    bool threw = false;
    auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
      ws::client client{ex, quick};
      try {
        const auto s = co_await client.connect(c.url, c.params);
      } catch (const stampede::usage_error&) {
        threw = true;
      }
    };
    stampede::testing::run_coroutine(body);
    CHECK(threw);
  }
  CHECK(server.connections() == 0);
}

TEST_CASE("wss:// connects with the test's root certificate, echoes, and waits past a receive timeout") {
  ws_script_server server{{.steps = {ws_step::echo()}, .tls = true}};
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    bool ok = false;  // what a co_await gave, for CHECK (see ws_session_run.hpp)
    ws::client c{ex, quick, {.tls_root_certificates = std::string{stampede::testing::certificate}}};
    auto s = co_await c.connect(server.url());
    INFO(s.error().message);
    REQUIRE(s.ok());
    CHECK(s.url().starts_with("wss://"));
    const auto idle = co_await s.receive(50ms);
    CHECK(idle.is_timeout());  // a TLS read cancelled leaves the stream usable
    ok = co_await s.send_text("over tls");
    CHECK(ok);
    auto m = co_await s.receive(2s);
    CHECK(m.text() == "over tls");
    const std::string big(200 * 1024, 'b');
    ok = co_await s.send_binary(big);
    CHECK(ok);
    m = co_await s.receive(2s);
    CHECK(m.is_binary());
    CHECK(m.data() == big);
    m = co_await s.close(3001, "done");
    CHECK(m.is_close());
    CHECK(m.close_code() == 3001);
    CHECK_FALSE(s.error());
  };
  stampede::testing::run_coroutine(body);
  const auto r = server.wait();
  REQUIRE(r.of(wire::op::close).size() == 1);
  CHECK(r.of(wire::op::close)[0].close_code() == 3001);
  CHECK(r.of(wire::op::close)[0].close_reason() == "done");
}

TEST_CASE("wss:// to a server whose certificate the client does not trust fails as tls") {
  ws_script_server server{{.steps = {ws_step::echo()}, .tls = true}};
  const auto out = connect_to(server.url());
  INFO(out.error.message);
  CHECK_FALSE(out.ok);
  CHECK(out.status == 0);
  CHECK(out.error.kind == ws::error_kind::tls);
}

#else  // !STAMPEDE_WITH_TLS

TEST_CASE("without OpenSSL, connect is a usage error: the handshake needs SHA-1") {
  bool threw = false;
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    stampede::ws::client c{ex};
    const std::string url = "ws://127.0.0.1:1/";  // named: g++ 12 and co_await (docs/http.md)
    try {
      const auto s = co_await c.connect(url);
    } catch (const stampede::usage_error&) {
      threw = true;
    }
  };
  stampede::testing::run_coroutine(body);
  CHECK(threw);
}

#endif
