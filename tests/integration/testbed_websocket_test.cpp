// The testbed server's WebSocket routes on 127.0.0.1, driven by a raw client written here (an
// upgrade request as text, frames from ws::detail's client encoder, the server's frames read
// by ws::detail's decoder, which refuses masked frames and lengths not in their shortest
// form): the handshake, echo, broadcast, publishing from an HTTP route, the close handshake,
// violations, latency, replicas and the server's stop.
#include <stampede/testbed/server.hpp>

#include <stampede/core/error.hpp>
#include <stampede/ws/close_code.hpp>
#include <stampede/ws/detail/close_payload.hpp>
#include <stampede/ws/detail/frame.hpp>
#include <stampede/ws/detail/handshake.hpp>
#include <stampede/ws/detail/message_decoder.hpp>

#include "support/catch_compat.hpp"

#include <asio/buffer.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#if STAMPEDE_WITH_TLS

namespace tb = stampede::testbed;
namespace wsd = stampede::ws::detail;
namespace close_code = stampede::ws::close_code;
using namespace std::chrono_literals;
using asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

// The RFC 6455 1.3 example: this key is answered with this accept value.
constexpr std::string_view rfc_key = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr std::string_view rfc_accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

struct http_answer {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case; a repeated name's last value
  std::string body;
  [[nodiscard]] std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
  [[nodiscard]] bool has(const std::string& name) const { return headers.count(name) != 0; }
};

// What the client read next.
struct event {
  enum class kind { message, ping, pong, close, failed, eof, timeout };
  kind what = kind::timeout;
  wsd::opcode op = wsd::opcode::text;  // of a message
  std::string payload;                  // of a message, ping or pong; a close's reason
  std::uint16_t code = 0;               // of a close (1005 for none), or the decoder's failure code
};

// A deliberately small WebSocket client on a socket of its own, every read and write bounded
// by `timeout`: Asio's blocking calls would ignore SO_RCVTIMEO, so each one is an async
// operation run for at most that long.
class raw_ws_client {
 public:
  explicit raw_ws_client(std::uint16_t port, std::chrono::milliseconds timeout = 5s)
      : socket_(io_), timeout_(timeout), decoder_({.max_message_bytes = 1 << 24}) {
    socket_.connect({asio::ip::make_address("127.0.0.1"), port});
    socket_.set_option(tcp::no_delay(true));
  }

  void send_raw(std::string_view bytes) {
    std::error_code result = asio::error::timed_out;
    asio::async_write(socket_, asio::buffer(bytes), [&](std::error_code ec, std::size_t) { result = ec; });
    run();
    if (result) throw std::system_error(result, "raw_ws_client: write");
  }

  // Writes an upgrade request (or any GET: `fields` are its header lines, each ending in CRLF)
  // and reads the answer's head; what follows it stays for `next()`.
  http_answer request(std::string_view head) {
    send_raw(head);
    for (;;) {
      const auto end = pending_.find("\r\n\r\n");
      if (end != std::string::npos) {
        http_answer out = parse_head(pending_.substr(0, end));
        pending_.erase(0, end + 4);
        // Answers other than 101 carry a short body with Content-Length.
        if (const auto length = out.header("content-length"); !length.empty()) {
          const auto n = std::stoul(length);
          while (pending_.size() < n && read_more()) {
          }
          out.body = pending_.substr(0, n);
          pending_.erase(0, std::min<std::size_t>(n, pending_.size()));
        }
        return out;
      }
      if (!read_more()) return {};
    }
  }

  static std::string upgrade_head(std::string_view path, std::string_view extra = {},
                                  std::string_view key = rfc_key) {
    std::string out = "GET ";
    out.append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ");
    out.append(key).append("\r\n").append(extra).append("\r\n");
    return out;
  }

  http_answer upgrade(std::string_view path, std::string_view extra = {}) {
    auto answer = request(upgrade_head(path, extra));
    REQUIRE(answer.status == 101);
    return answer;
  }

  // One frame, masked with a fixed key, as a client sends it.
  static std::string frame(wsd::opcode op, std::string_view payload, bool fin = true) {
    std::string out(wsd::client_frame_size(payload.size()), '\0');
    const auto n = wsd::encode_client_frame(out, op, fin, {0x37, 0xfa, 0x21, 0x3d}, payload);
    out.resize(n);
    return out;
  }
  void send(wsd::opcode op, std::string_view payload, bool fin = true) { send_raw(frame(op, payload, fin)); }

  // The next message, control frame or failure; `eof` when the server closed the connection
  // first; `timeout` when nothing came in time. After a close frame, only `eof` or `timeout`.
  event next() {
    for (;;) {
      if (!pending_.empty() && !decoder_.frames().closed() && !decoder_.failed()) {
        const auto used = decoder_.feed(pending_);
        event out;
        switch (decoder_.current()) {
          case wsd::message_decoder::state::idle: break;
          case wsd::message_decoder::state::message:
            out.what = event::kind::message;
            out.op = decoder_.message_opcode();
            out.payload = decoder_.message();
            break;
          case wsd::message_decoder::state::control: {
            const auto& f = decoder_.frames();
            if (f.control_opcode() == wsd::opcode::close) {
              out.what = event::kind::close;
              out.code = f.close().code;
              out.payload = f.close().reason;
            } else {
              out.what = f.control_opcode() == wsd::opcode::ping ? event::kind::ping : event::kind::pong;
              out.payload = f.control_payload();
            }
            break;
          }
          case wsd::message_decoder::state::failed:
            out.what = event::kind::failed;
            out.code = decoder_.frames().failure_code();
            break;
        }
        pending_.erase(0, used);
        if (decoder_.current() != wsd::message_decoder::state::idle) return out;
        continue;
      }
      if (decoder_.frames().closed() || decoder_.failed()) pending_.clear();
      if (!read_more()) {
        event out;
        out.what = eof_ ? event::kind::eof : event::kind::timeout;
        return out;
      }
    }
  }

  // Reads until the server ends the connection; false if it does not within the timeout or
  // sends bytes first.
  bool reads_eof() {
    const auto before = pending_.size();
    while (read_more()) {
    }
    return eof_ && pending_.size() == before;
  }

  void close() {
    std::error_code ignored;
    socket_.close(ignored);
  }

 private:
  // Runs the operation started before it, for at most the timeout.
  void run() {
    io_.restart();
    io_.run_for(timeout_);
    if (!io_.stopped()) {
      std::error_code ignored;
      socket_.cancel(ignored);
      io_.restart();
      io_.run();
    }
  }

  bool read_more() {
    if (eof_) return false;
    std::array<char, 16384> buffer{};
    std::error_code result = asio::error::timed_out;
    std::size_t got = 0;
    socket_.async_read_some(asio::buffer(buffer), [&](std::error_code ec, std::size_t n) {
      result = ec;
      got = n;
    });
    run();
    pending_.append(buffer.data(), got);
    if (result == asio::error::eof || result == asio::error::connection_reset) eof_ = true;
    return !result;
  }

  static http_answer parse_head(std::string_view head) {
    http_answer out;
    if (head.substr(0, 9) != "HTTP/1.1 " || head.size() < 12) return out;
    out.status = std::stoi(std::string{head.substr(9, 3)});
    for (auto at = head.find("\r\n"); at != std::string_view::npos;) {
      const auto line_end = head.find("\r\n", at + 2);
      const auto line = head.substr(at + 2, line_end == std::string_view::npos ? head.npos : line_end - at - 2);
      const auto colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string name{line.substr(0, colon)};
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        out.headers[name] = std::string{value};
      }
      at = line_end;
    }
    return out;
  }

  asio::io_context io_;
  tcp::socket socket_;
  std::chrono::milliseconds timeout_;
  wsd::message_decoder decoder_;
  std::string pending_;
  bool eof_ = false;
};

std::string bytes_of(std::size_t n, char seed) {
  std::string out(n, '\0');
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<char>(seed + static_cast<char>(i % 61));
  return out;
}

// Waits (bounded) until `holds()`, for counts the server updates on its own threads.
template <class F>
bool eventually(F holds) {
  const auto until = clock_type::now() + 5s;
  while (!holds()) {
    if (clock_type::now() > until) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

}  // namespace

TEST_CASE("testbed websocket: an upgrade is answered 101 with the accept value and the first offered subprotocol the route speaks") {
  tb::server srv{{.routes = {{.path = "/chat", .headers = {{"Set-Cookie", "a=1"}}, .websocket = tb::websocket_mode::echo,
                              .subprotocols = {"chat", "superchat"}},
                             {.path = "/plain", .websocket = tb::websocket_mode::echo}}}};
  {
    raw_ws_client c{srv.port()};
    const auto a = c.upgrade("/chat", "Sec-WebSocket-Protocol: x, superchat\r\nSec-WebSocket-Protocol: chat\r\n"
                                      "Sec-WebSocket-Extensions: permessage-deflate\r\n");
    CHECK(a.header("upgrade") == "websocket");
    CHECK(a.header("connection") == "Upgrade");
    CHECK(a.header("sec-websocket-accept") == rfc_accept);
    CHECK(a.header("sec-websocket-protocol") == "superchat");  // the client's order decides
    CHECK_FALSE(a.has("sec-websocket-extensions"));             // never negotiated
    CHECK(a.header("set-cookie") == "a=1");                     // the route's fields go on the 101
    CHECK_FALSE(a.has("content-length"));
  }
  {
    raw_ws_client c{srv.port()};
    CHECK_FALSE(c.upgrade("/chat", "Sec-WebSocket-Protocol: v2.other\r\n").has("sec-websocket-protocol"));
  }
  {
    raw_ws_client c{srv.port()};
    CHECK_FALSE(c.upgrade("/plain", "Sec-WebSocket-Protocol: chat\r\n").has("sec-websocket-protocol"));
  }
  {
    // Any base64 key of 16 bytes; its accept value, as stampede's client computes it.
    raw_ws_client c{srv.port()};
    const auto key = "AQIDBAUGBwgJCgsMDQ4PEA==";
    const auto a = c.request(raw_ws_client::upgrade_head("/plain", {}, key));
    CHECK(a.status == 101);
    CHECK(a.header("sec-websocket-accept") == wsd::accept_value(key));
  }
  const auto stats = srv.stats();
  CHECK(stats.count(101) == 4);
  CHECK(stats.websocket_sessions == 4);
}

TEST_CASE("testbed websocket: a plain GET is answered 426 and a malformed upgrade 400") {
  tb::server srv{{.routes = {{.path = "/ws", .websocket = tb::websocket_mode::echo}}}};
  {
    raw_ws_client c{srv.port()};
    const auto a = c.request("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    CHECK(a.status == 426);
    CHECK(a.header("upgrade") == "websocket");
    CHECK(a.header("connection") == "Upgrade");
    CHECK(a.header("sec-websocket-version") == "13");
    CHECK(a.body.find("WebSocket") != std::string::npos);
    // Still HTTP, and still open: the next request is answered on the same connection.
    CHECK(c.request("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status == 426);
  }
  struct row {
    const char* what;
    std::string head;
    const char* problem;  // in the answer's body
  };
  const std::string base = "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
  const row rows[] = {
      {"version 8", "GET /ws HTTP/1.1\r\n" + base + "Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: " +
                        std::string{rfc_key} + "\r\n\r\n", "Sec-WebSocket-Version"},
      {"no version", "GET /ws HTTP/1.1\r\n" + base + "Sec-WebSocket-Key: " + std::string{rfc_key} + "\r\n\r\n",
       "Sec-WebSocket-Version"},
      {"no key", "GET /ws HTTP/1.1\r\n" + base + "Sec-WebSocket-Version: 13\r\n\r\n", "Sec-WebSocket-Key"},
      {"a key of 3 bytes", "GET /ws HTTP/1.1\r\n" + base + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: YWJj\r\n\r\n",
       "Sec-WebSocket-Key"},
      {"no Connection: Upgrade",
       "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " +
           std::string{rfc_key} + "\r\n\r\n", "Connection"},
      {"HTTP/1.0", "GET /ws HTTP/1.0\r\n" + base + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " +
                       std::string{rfc_key} + "\r\n\r\n", "HTTP/1.1"},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    raw_ws_client c{srv.port()};
    const auto a = c.request(r.head);
    CHECK(a.status == 400);
    CHECK(a.body.find(r.problem) != std::string::npos);
    CHECK_FALSE(a.has("sec-websocket-accept"));
  }
  raw_ws_client c{srv.port()};
  CHECK(c.request(raw_ws_client::upgrade_head("/ws").replace(0, 3, "PUT")).status == 405);
  CHECK(srv.stats().websocket_sessions == 0);
}

TEST_CASE("testbed websocket: an echo route sends each text and binary message back, any length, in order") {
  tb::server srv{{.routes = {{.path = "/echo", .websocket = tb::websocket_mode::echo}}}};
  raw_ws_client c{srv.port()};
  c.upgrade("/echo");
  // 125, 126 and 65536 cross the frame's length encodings: the decoder refuses one that is
  // not the shortest, so reading them back checks the server's encoding too.
  for (const std::size_t n : {0U, 5U, 125U, 126U, 65535U, 65536U, 70000U}) {
    for (const auto op : {wsd::opcode::text, wsd::opcode::binary}) {
      INFO(n << " bytes, opcode " << static_cast<int>(op));
      const auto payload = bytes_of(n, 'A');
      c.send(op, payload);
      const auto e = c.next();
      REQUIRE(e.what == event::kind::message);
      CHECK(e.op == op);
      CHECK(e.payload == payload);
    }
  }
  // Several messages in one write come back as several, in order.
  c.send_raw(raw_ws_client::frame(wsd::opcode::text, "one") + raw_ws_client::frame(wsd::opcode::binary, "two") +
             raw_ws_client::frame(wsd::opcode::text, "three"));
  for (const char* want : {"one", "two", "three"}) {
    const auto e = c.next();
    REQUIRE(e.what == event::kind::message);
    CHECK(e.payload == want);
  }
  CHECK(eventually([&] { return srv.stats().websocket_messages_sent == 17; }));
  CHECK(srv.stats().websocket_messages_received == 17);
  CHECK(srv.stats().websocket_sessions_open == 1);
}

TEST_CASE("testbed websocket: a fragmented message is echoed whole, and a ping between its fragments is answered first") {
  tb::server srv{{.routes = {{.path = "/echo", .websocket = tb::websocket_mode::echo}}}};
  raw_ws_client c{srv.port()};
  c.upgrade("/echo");
  c.send(wsd::opcode::text, "Hel", false);
  c.send(wsd::opcode::ping, "are you there");
  c.send(wsd::opcode::continuation, "lo, ", false);
  c.send(wsd::opcode::continuation, "", false);
  c.send(wsd::opcode::continuation, "world");
  auto e = c.next();
  REQUIRE(e.what == event::kind::pong);
  CHECK(e.payload == "are you there");
  e = c.next();
  REQUIRE(e.what == event::kind::message);
  CHECK(e.op == wsd::opcode::text);
  CHECK(e.payload == "Hello, world");
  c.send(wsd::opcode::ping, "");
  CHECK(c.next().what == event::kind::pong);
  c.send(wsd::opcode::pong, "unsolicited");  // ignored
  c.send(wsd::opcode::binary, "after");
  e = c.next();
  REQUIRE(e.what == event::kind::message);
  CHECK(e.payload == "after");
}

TEST_CASE("testbed websocket: a close is answered with the same code, and the server closes the connection") {
  tb::server srv{{.routes = {{.path = "/echo", .websocket = tb::websocket_mode::echo}}}};
  {
    raw_ws_client c{srv.port()};
    c.upgrade("/echo");
    c.send(wsd::opcode::text, "last");
    c.send(wsd::opcode::close, wsd::encode_close_payload(close_code::normal, "bye"));
    auto e = c.next();
    REQUIRE(e.what == event::kind::message);  // what was sent before the close is answered
    e = c.next();
    REQUIRE(e.what == event::kind::close);
    CHECK(e.code == close_code::normal);
    CHECK(c.reads_eof());
  }
  {
    raw_ws_client c{srv.port()};
    c.upgrade("/echo");
    c.send(wsd::opcode::close, wsd::encode_close_payload(4001, ""));
    const auto e = c.next();
    REQUIRE(e.what == event::kind::close);
    CHECK(e.code == 4001);
    CHECK(c.reads_eof());
  }
  {
    raw_ws_client c{srv.port()};
    c.upgrade("/echo");
    c.send(wsd::opcode::close, "");  // no code: answered with none
    const auto e = c.next();
    REQUIRE(e.what == event::kind::close);
    CHECK(e.code == close_code::no_status);
    CHECK(c.reads_eof());
  }
  CHECK(eventually([&] { return srv.stats().websocket_sessions_open == 0 && srv.stats().connections_open == 0; }));
}

TEST_CASE("testbed websocket: a client that breaks the protocol gets a close frame with the code RFC 6455 names") {
  tb::server srv{{.routes = {{.path = "/echo", .websocket = tb::websocket_mode::echo}},
                  .limits = {.max_websocket_message_bytes = 1000}}};
  std::string unmasked = raw_ws_client::frame(wsd::opcode::text, "hi");
  unmasked[1] = static_cast<char>(unmasked[1] & 0x7F);  // the MASK bit off, the key left as payload
  std::string rsv = raw_ws_client::frame(wsd::opcode::text, "hi");
  rsv[0] = static_cast<char>(rsv[0] | 0x40);
  std::string reserved = raw_ws_client::frame(wsd::opcode::text, "hi");
  reserved[0] = static_cast<char>(0x83);
  struct row {
    const char* what;
    std::string bytes;
    std::uint16_t code;
  };
  const row rows[] = {
      {"an unmasked frame", unmasked, close_code::protocol_error},
      {"RSV1 set", rsv, close_code::protocol_error},
      {"a reserved opcode", reserved, close_code::protocol_error},
      {"a continuation with no message", raw_ws_client::frame(wsd::opcode::continuation, "x"),
       close_code::protocol_error},
      {"a new message inside a fragmented one",
       raw_ws_client::frame(wsd::opcode::text, "a", false) + raw_ws_client::frame(wsd::opcode::text, "b"),
       close_code::protocol_error},
      {"a fragmented ping", raw_ws_client::frame(wsd::opcode::ping, "x", false), close_code::protocol_error},
      {"a ping of 126 bytes", raw_ws_client::frame(wsd::opcode::ping, std::string(126, 'p')), close_code::protocol_error},
      {"a close code that may not be sent", raw_ws_client::frame(wsd::opcode::close, std::string{"\x03\xed", 2}),
       close_code::protocol_error},
      {"text that is not UTF-8", raw_ws_client::frame(wsd::opcode::text, "caf\xC3("), close_code::invalid_payload},
      {"UTF-8 cut by the end of a fragmented text",
       raw_ws_client::frame(wsd::opcode::text, "caf\xC3", false) + raw_ws_client::frame(wsd::opcode::continuation, ""),
       close_code::invalid_payload},
      {"a message over the limit", raw_ws_client::frame(wsd::opcode::binary, std::string(1001, 'x')),
       close_code::message_too_big},
      {"fragments over the limit",
       raw_ws_client::frame(wsd::opcode::binary, std::string(600, 'x'), false) +
           raw_ws_client::frame(wsd::opcode::continuation, std::string(600, 'x')),
       close_code::message_too_big},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    raw_ws_client c{srv.port()};
    c.upgrade("/echo");
    c.send_raw(r.bytes);
    const auto e = c.next();
    REQUIRE(e.what == event::kind::close);
    CHECK(e.code == r.code);
    CHECK(c.reads_eof());
  }
  CHECK(srv.stats().websocket_messages_sent == 0);
}

TEST_CASE("testbed websocket: a client that does not read what it is sent is disconnected once the server would hold more than the limit for it") {
  tb::server srv{{.routes = {{.path = "/echo", .websocket = tb::websocket_mode::echo}},
                  .limits = {.max_websocket_message_bytes = 64 * 1024, .max_websocket_queued_bytes = 256 * 1024}}};
  raw_ws_client c{srv.port()};
  c.upgrade("/echo");
  // Echoes fill the socket's buffers on both sides (a few MiB on loopback), then the server's
  // queue, which may hold 256 KiB: 1000 messages of 60 KiB are far more than all of them.
  const auto message = raw_ws_client::frame(wsd::opcode::binary, std::string(60 * 1024, 'q'));
  int sent = 0;
  try {
    for (; sent < 1000 && srv.stats().websocket_sessions_open == 1; ++sent) c.send_raw(message);
  } catch (const std::system_error&) {
    // The server closed the connection while the client was still writing.
  }
  CHECK(sent < 1000);
  CHECK(eventually([&] { return srv.stats().websocket_sessions_open == 0; }));
}

TEST_CASE("testbed websocket: a broadcast route sends each message to every session on its path, the sender included") {
  tb::server srv{{.threads = 2,
                  .routes = {{.path = "/room", .websocket = tb::websocket_mode::broadcast},
                             {.path = "/other", .websocket = tb::websocket_mode::broadcast}}}};
  raw_ws_client a{srv.port()};
  raw_ws_client b{srv.port()};
  raw_ws_client elsewhere{srv.port(), 300ms};
  a.upgrade("/room");
  b.upgrade("/room");
  elsewhere.upgrade("/other");
  a.send(wsd::opcode::text, "hello from a");
  b.send(wsd::opcode::binary, "hello from b");
  for (auto* c : {&a, &b}) {
    // Each sender's messages arrive in its order; the two senders' may interleave.
    std::vector<std::string> got;
    for (int i = 0; i < 2; ++i) {
      const auto e = c->next();
      REQUIRE(e.what == event::kind::message);
      got.push_back(e.payload);
    }
    std::sort(got.begin(), got.end());
    CHECK(got == std::vector<std::string>{"hello from a", "hello from b"});
  }
  CHECK(elsewhere.next().what == event::kind::timeout);  // another path hears nothing
  b.send(wsd::opcode::close, wsd::encode_close_payload(close_code::normal, ""));
  CHECK(b.next().what == event::kind::close);
  CHECK(eventually([&] { return srv.stats().websocket_sessions_open == 2; }));
  a.send(wsd::opcode::text, "alone");
  const auto e = a.next();
  REQUIRE(e.what == event::kind::message);
  CHECK(e.payload == "alone");
  CHECK(srv.stats().websocket_messages_received == 3);
}

TEST_CASE("testbed websocket: an HTTP route that publishes sends its request's body to every subscriber") {
  // [publish]
  tb::server srv{{.routes = {
      {.path = "/ws/answers", .websocket = tb::websocket_mode::broadcast},
      {.method = "POST", .path = "/api/answers", .status = 201, .body = "{}", .publish = "/ws/answers"},
      {.path = "/api/ping", .body = "pinged", .publish = "/ws/answers"},  // no request body: its own
  }}};
  // [publish]
  raw_ws_client first{srv.port()};
  raw_ws_client second{srv.port()};
  first.upgrade("/ws/answers");
  second.upgrade("/ws/answers");
  raw_ws_client http{srv.port()};
  const std::string body = R"({"question":7,"answer":"forty-two"})";
  const auto posted = http.request("POST /api/answers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                   "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  CHECK(posted.status == 201);
  CHECK(posted.body == "{}");
  CHECK(http.request("GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status == 200);
  const std::string binary{"\xff\x00\x01", 3};
  CHECK(http.request("POST /api/answers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\n" + binary).status == 201);
  for (auto* c : {&first, &second}) {
    auto e = c->next();
    REQUIRE(e.what == event::kind::message);
    CHECK(e.op == wsd::opcode::text);
    CHECK(e.payload == body);
    e = c->next();
    REQUIRE(e.what == event::kind::message);
    CHECK(e.payload == "pinged");
    e = c->next();
    REQUIRE(e.what == event::kind::message);
    CHECK(e.op == wsd::opcode::binary);  // not UTF-8
    CHECK(e.payload == binary);
  }
}

TEST_CASE("testbed websocket: error answers do not publish, and publish must name a WebSocket route") {
  tb::server srv{{.routes = {{.path = "/ws", .websocket = tb::websocket_mode::broadcast},
                             {.method = "POST", .path = "/fail", .error_rate = 1, .publish = "/ws"}}}};
  raw_ws_client sub{srv.port(), 300ms};
  sub.upgrade("/ws");
  raw_ws_client http{srv.port()};
  CHECK(http.request("POST /fail HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi").status == 500);
  CHECK(sub.next().what == event::kind::timeout);

  const auto refused = [](std::vector<tb::route> routes) {
    try {
      tb::server bad{{.routes = std::move(routes)}};
    } catch (const stampede::usage_error& e) {
      return std::string{e.what()};
    }
    return std::string{};
  };
  CHECK(refused({{.path = "/http"}, {.method = "POST", .path = "/p", .publish = "/http"}}).find("publish") !=
        std::string::npos);
  CHECK(refused({{.method = "POST", .path = "/p", .publish = "/nowhere"}}).find("publish \"/nowhere\"") !=
        std::string::npos);
}

TEST_CASE("testbed websocket: a route's latency delays each message's answer", "[timing]") {
  tb::server srv{{.routes = {{.path = "/slow", .latency = tb::service_time::fixed(60ms),
                              .websocket = tb::websocket_mode::echo}}}};
  raw_ws_client c{srv.port()};
  c.upgrade("/slow");
  for (int i = 0; i < 2; ++i) {
    const auto sent = clock_type::now();
    c.send(wsd::opcode::text, "tick");
    const auto e = c.next();
    REQUIRE(e.what == event::kind::message);
    CHECK(clock_type::now() - sent >= 60ms);  // a timer never fires early
  }
  // A ping behind a waiting message waits its turn.
  const auto sent = clock_type::now();
  c.send_raw(raw_ws_client::frame(wsd::opcode::text, "tock") + raw_ws_client::frame(wsd::opcode::ping, "p"));
  CHECK(c.next().what == event::kind::message);
  CHECK(c.next().what == event::kind::pong);
  CHECK(clock_type::now() - sent >= 60ms);
}

TEST_CASE("testbed websocket: messages take a replica slot as requests do, so one replica serves them one after another", "[timing]") {
  // One slot of 25 ms: two sessions sending three messages each at once need six slots in a
  // row, at least 150 ms, where each session alone would be done in 75 ms.
  tb::server srv{{.routes = {{.path = "/work", .websocket = tb::websocket_mode::echo}},
                  .replicas = tb::replica_model{.replicas = 1, .service_time = 25ms}}};
  raw_ws_client a{srv.port()};
  raw_ws_client b{srv.port()};
  a.upgrade("/work");
  b.upgrade("/work");
  const auto three = raw_ws_client::frame(wsd::opcode::text, "1") + raw_ws_client::frame(wsd::opcode::text, "2") +
                     raw_ws_client::frame(wsd::opcode::text, "3");
  const auto sent = clock_type::now();
  a.send_raw(three);
  b.send_raw(three);
  for (auto* c : {&a, &b}) {
    for (const char* want : {"1", "2", "3"}) {
      const auto e = c->next();
      REQUIRE(e.what == event::kind::message);
      CHECK(e.payload == want);
    }
  }
  CHECK(clock_type::now() - sent >= 150ms);
  CHECK(eventually([&] { return srv.stats().replica_waiting == 0; }));
}

TEST_CASE("testbed websocket: stopping the server sends every open session a close 1001 and ends its connection") {
  auto srv = std::make_unique<tb::server>(tb::server_options{
      .threads = 2,
      .routes = {{.path = "/echo", .websocket = tb::websocket_mode::echo},
                 {.path = "/stuck", .latency = tb::service_time::fixed(10min), .websocket = tb::websocket_mode::echo}}});
  raw_ws_client a{srv->port()};
  raw_ws_client b{srv->port()};
  raw_ws_client stuck{srv->port()};
  a.upgrade("/echo");
  b.upgrade("/echo");
  stuck.upgrade("/stuck");
  stuck.send(wsd::opcode::text, "never answered");  // waits its 10 minutes when the server stops
  CHECK(eventually([&] { return srv->stats().websocket_messages_received == 1; }));

  const auto stopping = clock_type::now();
  std::thread stopper{[&srv] { srv.reset(); }};
  for (auto* c : {&a, &b, &stuck}) {
    const auto e = c->next();
    REQUIRE(e.what == event::kind::close);
    CHECK(e.code == close_code::going_away);
    CHECK(c->reads_eof());
    c->close();
  }
  stopper.join();
  CHECK(clock_type::now() - stopping < 5s);
}

TEST_CASE("testbed websocket: a stopping server does not wait for a client that never reads nor closes") {
  tb::server srv{{.routes = {{.path = "/echo", .websocket = tb::websocket_mode::echo}},
                  .limits = {.idle_timeout = 200ms}}};
  raw_ws_client silent{srv.port()};
  silent.upgrade("/echo");
  CHECK(eventually([&] { return srv.stats().websocket_sessions_open == 1; }));
  const auto stopping = clock_type::now();
  srv.stop();  // the close frame is written; the client's answer is awaited for the close timeout at most
  CHECK(clock_type::now() - stopping < 3s);
  CHECK(srv.stats().websocket_sessions_open == 0);
  CHECK(srv.stats().connections_open == 0);
}

#else

TEST_CASE("testbed websocket: without OpenSSL a WebSocket route is refused, naming the build") {
  namespace tb = stampede::testbed;
  std::string message;
  try {
    tb::server srv{{.routes = {{.path = "/ws", .websocket = tb::websocket_mode::echo}}}};
  } catch (const stampede::usage_error& e) {
    message = e.what();
  }
  CHECK(message.find("OpenSSL") != std::string::npos);
}

#endif
