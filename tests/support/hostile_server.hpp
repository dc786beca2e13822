// A loopback HTTP server for the client's integration tests: well behaved by default, and
// misbehaving on purpose (never answering, resetting, sending junk, ...) on its first
// connections, so a test can check that each failure is classified and the next request works.
#pragma once

#include <stampede/core/asio.hpp>

#include <asio/buffer.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/read_until.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace stampede::testing {

/// What the server does wrong on a misbehaving connection.
enum class misbehaviour {
  none,                        ///< serve the routes below
  never_answer,                ///< read the request, then hold the connection silently
  close_before_response,       ///< read the request, then close
  close_mid_response,          ///< send half a response, then close
  reset,                       ///< read the request, then reset (SO_LINGER 0)
  reset_after_headers,         ///< send a response's head, then reset
  garbage_status_line,         ///< "HTTP/1.1 2x0 OK"
  endless_header,              ///< one header value that never ends
  oversized_header,            ///< a complete response with a 2 MiB header
  body_longer,                 ///< more body bytes than Content-Length
  body_shorter,                ///< fewer body bytes than Content-Length, connection kept open
  conflicting_content_length,  ///< two different Content-Length fields
  content_length_and_chunked,  ///< Content-Length and Transfer-Encoding: chunked
  invalid_chunk_size,          ///< a chunk size that is not hex
  endless_chunked_body,        ///< chunks forever
  one_byte_per_second,         ///< a valid response, one byte a second
  oversized_body,              ///< a complete response with an 8 MiB body
  informational_storm,         ///< "100 Continue" responses until the client goes
  never_read,                  ///< accept, then never read the request: the client's write stalls
  unsolicited_response,        ///< a 408 and a close as soon as the connection opens
  binary_junk,                 ///< bytes that are not HTTP
};

/// The server, on its own thread and io_context (so a test's own thread sees only the
/// client's work). Routes when behaving:
///   /ok            200 "ok"
///   /ok-then-close 200 "ok" (keep-alive by its headers), then the server closes
///   /ok-then-drop  200 "ok" (keep-alive); the connection's next request is read, then closed
///                  unanswered
///   /echo          200, body "METHOD target\n" + request body; X-Content-Type, X-Cookie,
///                  X-Host, X-User-Agent, X-Connection echo request headers
///   /chunked       200 chunked "hello, world"
///   /status/NNN    status NNN, body "status"
///   /redirect/N    302 to /redirect/N-1; /redirect/0 is 200 "done"
///   /see-other     303 to /echo
///   /goto/NNN?to=U status NNN with Location: U (U verbatim: the rest of the target)
///   /headers       200, body: the request's head (request line and header fields) and body
///   /close         200 with Connection: close
///   /http10        HTTP/1.0 200, body until close
///   /continue      100 Continue, then 200 "ok"
///   /set-cookie    200 with Set-Cookie: sid=42; Path=/
///   /nocontent     204
///   /big/N         200 with N bytes of body
class hostile_server {
 public:
  explicit hostile_server(misbehaviour m = misbehaviour::none, int misbehaving_connections = 1)
      : behaviour_{m}, misbehaving_{misbehaving_connections} {
    acceptor_.open(asio::ip::tcp::v4());
    acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true));
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(io_, accept_loop(), asio::detached);
    thread_ = std::thread{[this] { io_.run(); }};
  }
  hostile_server(const hostile_server&) = delete;
  hostile_server& operator=(const hostile_server&) = delete;
  ~hostile_server() {
    io_.stop();
    thread_.join();
  }

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] std::string url(std::string_view path = "/ok") const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string{path};
  }
  [[nodiscard]] int connections() const noexcept { return connections_.load(); }
  [[nodiscard]] int requests() const noexcept { return requests_.load(); }

  /// A port on 127.0.0.1 with nothing listening: connecting is refused.
  [[nodiscard]] static std::uint16_t closed_port() {
    asio::io_context io;
    asio::ip::tcp::acceptor a{io, {asio::ip::make_address("127.0.0.1"), 0}};
    return a.local_endpoint().port();  // closed when `a` goes
  }

 private:
  using tcp = asio::ip::tcp;
  static constexpr auto nothrow = net::use_nothrow;

  struct request_info {
    std::string method, target, head, body;
    [[nodiscard]] std::string header(std::string_view name) const {
      // Case-insensitive search for "\r\nname:" in the head.
      std::string lower = head;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      });
      const auto at = lower.find("\r\n" + std::string{name} + ":");
      if (at == std::string::npos) return {};
      auto begin = at + 3 + name.size();
      while (begin < head.size() && head[begin] == ' ') ++begin;
      return head.substr(begin, head.find("\r\n", begin) - begin);
    }
  };

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(nothrow);
      if (ec) co_return;
      const int n = ++connections_;
      const auto m = n <= misbehaving_ ? behaviour_ : misbehaviour::none;
      asio::co_spawn(io_, serve(std::move(socket), m), asio::detached);
    }
  }

  // Reads one request head (bounded) and its Content-Length body.
  static asio::awaitable<std::optional<request_info>> read_request(tcp::socket& s, std::string& in) {
    auto [ec, n] = co_await asio::async_read_until(s, asio::dynamic_buffer(in, 64 * 1024), "\r\n\r\n", nothrow);
    if (ec) co_return std::nullopt;
    request_info r;
    r.head = in.substr(0, n);
    in.erase(0, n);
    const auto sp1 = r.head.find(' ');
    const auto sp2 = r.head.find(' ', sp1 + 1);
    r.method = r.head.substr(0, sp1);
    r.target = r.head.substr(sp1 + 1, sp2 - sp1 - 1);
    const auto length_text = r.header("content-length");
    const std::size_t length = length_text.empty() ? 0 : std::stoul(length_text);
    if (in.size() < length) {
      auto [bec, bn] = co_await asio::async_read(s, asio::dynamic_buffer(in), asio::transfer_exactly(length - in.size()), nothrow);
      if (bec) co_return std::nullopt;
    }
    r.body = in.substr(0, length);
    in.erase(0, length);
    co_return r;
  }

  static asio::awaitable<bool> send(tcp::socket& s, std::string_view text) {
    auto [ec, n] = co_await asio::async_write(s, asio::buffer(text), nothrow);
    co_return !ec;
  }

  asio::awaitable<void> serve(tcp::socket s, misbehaviour m) {
    std::string in;
    if (m == misbehaviour::unsolicited_response) {
      co_await send(s, "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      std::error_code ignored;
      s.shutdown(tcp::socket::shutdown_send, ignored);
      // Drain until the client closes, so the client sees the 408 rather than a reset.
      std::array<char, 4096> sink{};
      for (;;) {
        auto [ec, n] = co_await s.async_read_some(asio::buffer(sink), nothrow);
        if (ec) co_return;
      }
    }
    if (m == misbehaviour::never_read) {
      // Hold the connection unread until the client gives up: its socket buffers fill and
      // its write stalls. (Nothing to read with: the server's stop drops the wait.)
      asio::steady_timer hold{s.get_executor(), std::chrono::minutes{10}};
      co_await hold.async_wait(nothrow);
      co_return;
    }
    for (bool drop_next = false;;) {
      auto req = co_await read_request(s, in);
      if (!req) co_return;
      ++requests_;
      if (drop_next) co_return;  // read, then closed unanswered
      if (m != misbehaviour::none) {
        co_await misbehave(std::move(s), m);
        co_return;
      }
      drop_next = req->target == "/ok-then-drop";
      if (!co_await route(s, *req)) co_return;
    }
  }

  asio::awaitable<void> misbehave(tcp::socket s, misbehaviour m) {
    std::error_code ignored;
    asio::steady_timer timer{s.get_executor()};
    switch (m) {
      case misbehaviour::never_answer: {
        std::array<char, 4096> sink{};
        for (;;) {  // until the client gives up and closes
          auto [ec, n] = co_await s.async_read_some(asio::buffer(sink), nothrow);
          if (ec) co_return;
        }
      }
      case misbehaviour::close_before_response: s.close(ignored); co_return;
      case misbehaviour::close_mid_response:
        co_await send(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part of it");
        s.close(ignored);
        co_return;
      case misbehaviour::reset:
        s.set_option(asio::socket_base::linger(true, 0), ignored);
        s.close(ignored);
        co_return;
      case misbehaviour::reset_after_headers:
        if (!co_await send(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")) co_return;
        // The client reads the head before the reset arrives, so the reset comes mid-body.
        timer.expires_after(std::chrono::milliseconds{50});
        co_await timer.async_wait(nothrow);
        s.set_option(asio::socket_base::linger(true, 0), ignored);
        s.close(ignored);
        co_return;
      case misbehaviour::garbage_status_line: co_await send(s, "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n"); break;
      case misbehaviour::endless_header: {
        if (!co_await send(s, "HTTP/1.1 200 OK\r\nX-Endless: ")) co_return;
        const std::string chunk(16 * 1024, 'a');
        while (co_await send(s, chunk)) {}
        co_return;
      }
      case misbehaviour::oversized_header:
        co_await send(s, "HTTP/1.1 200 OK\r\nX-Big: " + std::string(2u << 20, 'a') + "\r\nContent-Length: 0\r\n\r\n");
        break;
      case misbehaviour::body_longer:
        co_await send(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok and then some more");
        break;
      case misbehaviour::body_shorter: co_await send(s, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nok"); break;
      case misbehaviour::conflicting_content_length:
        co_await send(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!");
        break;
      case misbehaviour::content_length_and_chunked:
        co_await send(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
        break;
      case misbehaviour::invalid_chunk_size:
        co_await send(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nok\r\n0\r\n\r\n");
        break;
      case misbehaviour::endless_chunked_body: {
        if (!co_await send(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")) co_return;
        const std::string chunk = "4000\r\n" + std::string(0x4000, 'b') + "\r\n";
        while (co_await send(s, chunk)) {}
        co_return;
      }
      case misbehaviour::one_byte_per_second: {
        constexpr std::string_view text = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        for (const char c : text) {
          if (!co_await send(s, std::string_view{&c, 1})) co_return;
          timer.expires_after(std::chrono::seconds{1});
          co_await timer.async_wait(nothrow);
        }
        break;
      }
      case misbehaviour::oversized_body:
        co_await send(s, "HTTP/1.1 200 OK\r\nContent-Length: 8388608\r\n\r\n" + std::string(8u << 20, 'x'));
        break;
      case misbehaviour::informational_storm: {
        std::string storm;
        for (int i = 0; i < 1000; ++i) storm += "HTTP/1.1 100 Continue\r\n\r\n";
        while (co_await send(s, storm)) {}
        co_return;
      }
      case misbehaviour::binary_junk: {
        std::string junk(512, '\0');
        for (std::size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<char>((i * 131 + 7) & 0xFF);
        co_await send(s, junk);
        break;
      }
      case misbehaviour::unsolicited_response:
      case misbehaviour::never_read:
      case misbehaviour::none: break;
    }
    // Keep the connection open until the client closes it, so the client's own limits or
    // timeout decide how the request ends.
    std::array<char, 4096> sink{};
    for (;;) {
      auto [ec, n] = co_await s.async_read_some(asio::buffer(sink), nothrow);
      if (ec) co_return;
    }
  }

  static std::string respond(int status, std::string_view reason, std::string_view body, std::string_view extra = {}) {
    std::string out = "HTTP/1.1 " + std::to_string(status) + " " + std::string{reason} + "\r\n";
    out.append(extra);
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    out.append(body);
    return out;
  }

  // Returns whether the connection stays open.
  asio::awaitable<bool> route(tcp::socket& s, const request_info& r) {
    const std::string_view path{r.target};
    const bool head = r.method == "HEAD";
    const auto body = [&](std::string text) { return head ? std::string{} : std::move(text); };
    if (path == "/ok" || path == "/ok-then-drop") co_return co_await send(s, respond(200, "OK", "ok"));
    if (path == "/ok-then-close") {  // keep-alive by its headers, yet closed: a stale pooled connection
      co_await send(s, respond(200, "OK", "ok"));
      co_return false;
    }
    if (path.starts_with("/echo")) {
      std::string extra = "X-Content-Type: " + r.header("content-type") + "\r\nX-Cookie: " + r.header("cookie") +
                          "\r\nX-Host: " + r.header("host") + "\r\nX-User-Agent: " + r.header("user-agent") +
                          "\r\nX-Connection: " + r.header("connection") + "\r\nContent-Type: text/plain\r\n";
      auto text = r.method + " " + r.target + "\n" + r.body;
      const auto length = text.size();
      auto out = respond(200, "OK", body(std::move(text)), extra);
      if (head) out.replace(out.find("Content-Length: 0"), 17, "Content-Length: " + std::to_string(length));
      const bool close = r.header("connection") == "close";
      co_return co_await send(s, out) && !close;
    }
    if (path == "/chunked") {
      co_return co_await send(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n");
    }
    if (path.starts_with("/status/")) {
      co_return co_await send(s, respond(std::stoi(std::string{path.substr(8)}), "Status", "status"));
    }
    if (path.starts_with("/redirect/")) {
      const int n = std::stoi(std::string{path.substr(10)});
      if (n == 0) co_return co_await send(s, respond(200, "OK", "done"));
      co_return co_await send(s, respond(302, "Found", "", "Location: /redirect/" + std::to_string(n - 1) + "\r\n"));
    }
    if (path == "/see-other") co_return co_await send(s, respond(303, "See Other", "", "Location: echo\r\n"));
    if (path.starts_with("/goto/")) {
      const auto to = r.target.find("?to=");
      const auto location = to == std::string::npos ? std::string{"/ok"} : r.target.substr(to + 4);
      co_return co_await send(s, respond(std::stoi(std::string{path.substr(6, 3)}), "Redirect", "", "Location: " + location + "\r\n"));
    }
    if (path == "/headers") co_return co_await send(s, respond(200, "OK", body(r.head + r.body)));
    if (path == "/close") {
      co_await send(s, respond(200, "OK", "bye", "Connection: close\r\n"));
      co_return false;
    }
    if (path == "/http10") {
      co_await send(s, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end");
      co_return false;
    }
    if (path == "/continue") co_return co_await send(s, "HTTP/1.1 100 Continue\r\n\r\n" + respond(200, "OK", "ok"));
    if (path == "/set-cookie") co_return co_await send(s, respond(200, "OK", "", "Set-Cookie: sid=42; Path=/\r\n"));
    if (path == "/nocontent") co_return co_await send(s, "HTTP/1.1 204 No Content\r\n\r\n");
    if (path.starts_with("/big/")) {
      co_return co_await send(s, respond(200, "OK", std::string(std::stoul(std::string{path.substr(5)}), 'x')));
    }
    co_return co_await send(s, respond(404, "Not Found", "no route"));
  }

  misbehaviour behaviour_;
  int misbehaving_;
  asio::io_context io_{1};
  tcp::acceptor acceptor_{io_};
  std::uint16_t port_ = 0;
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

}  // namespace stampede::testing
