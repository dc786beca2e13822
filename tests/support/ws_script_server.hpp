// A loopback WebSocket server for the client's tests: it answers the upgrade request as the test
// says (right, or wrong in a chosen way), plays a script of steps (send bytes or frames, read the
// client's frames, echo, close, reset, stall) and records what the client sent. Every wait is
// bounded by the script's wait_limit.
#pragma once

#include <stampede/core/asio.hpp>
#include <stampede/ws/detail/handshake.hpp>

#include "support/ws_wire.hpp"

#include <asio/buffer.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

#if STAMPEDE_WITH_TLS
#  include "support/tls_server.hpp"  // certificate, private_key

#  include <asio/ssl.hpp>
#endif

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace stampede::testing {

/// How the server answers the upgrade request. The defaults make a correct 101.
struct ws_handshake {
  enum class accept_key : std::uint8_t { correct, wrong, missing };
  bool answer = true;                         ///< false: read the request and never answer
  int status = 101;                           ///< another status refuses the upgrade
  accept_key accept = accept_key::correct;    ///< `Sec-WebSocket-Accept`: right, of another key, or absent
  bool upgrade = true;                        ///< send `Upgrade: websocket`
  bool connection = true;                     ///< send `Connection: Upgrade`
  std::string subprotocol{};                  ///< `Sec-WebSocket-Protocol` when not empty, offered or not
  std::string extensions{};                   ///< `Sec-WebSocket-Extensions` when not empty
  std::vector<std::string> fields{};          ///< more header lines: `"Set-Cookie: a=1; Path=/"`
  std::string body{};                         ///< for a status other than 101, with Content-Length
  std::string first_bytes{};                  ///< for 101: sent in the same write, right after the head
};

/// One step of what the server does after a 101. Made by the functions below.
struct ws_step {
  enum class kind : std::uint8_t { send, read, echo, await_close, close, reset, pause };
  kind what = kind::pause;
  std::string bytes{};
  std::vector<std::size_t> cuts{};
  std::chrono::milliseconds delay{};
  int frames = 0;

  /// Sends `bytes` as they are, in writes ending at the offsets `cuts`, `delay` apart.
  static ws_step send(std::string bytes, std::vector<std::size_t> cuts = {}, std::chrono::milliseconds delay = {}) {
    return {.what = kind::send, .bytes = std::move(bytes), .cuts = std::move(cuts), .delay = delay};
  }
  /// Sends a frame, cut as `send` cuts its bytes.
  static ws_step frame(const ws_wire::frame& f, std::vector<std::size_t> cuts = {}, std::chrono::milliseconds delay = {}) {
    return send(ws_wire::encode(f), std::move(cuts), delay);
  }
  /// Reads `n` frames of the client and answers none.
  static ws_step read(int n) { return {.what = kind::read, .frames = n}; }
  /// Echoes each message as one frame of its opcode and answers pings, until the client's close
  /// frame, which it answers with the same payload (code and reason) before it closes TCP.
  static ws_step echo() { return {.what = kind::echo}; }
  /// Reads frames until the client's close frame, answering none.
  static ws_step await_close() { return {.what = kind::await_close}; }
  /// Ends TCP after what was sent (FIN; close_notify first over TLS), reads what the client still
  /// sends until it closes too, and ends the script.
  static ws_step close() { return {.what = kind::close}; }
  /// Resets the connection (SO_LINGER 0) and ends the script.
  static ws_step reset() { return {.what = kind::reset}; }
  /// Does nothing for `d`, reading nothing: the client's writes fill the socket buffers and block.
  static ws_step stall(std::chrono::milliseconds d) { return {.what = kind::pause, .delay = d}; }
  /// Does nothing for `d` (a pause between steps; nothing is read meanwhile either).
  static ws_step sleep(std::chrono::milliseconds d) { return stall(d); }
};

/// What the server does with each connection.
struct ws_script {
  ws_handshake handshake{};
  /// After a 101. When they end without closing, the server reads (and records) what the client
  /// still sends until it closes, then closes too.
  std::vector<ws_step> steps{};
  /// The bound on each read and write, and on waiting for the client to leave.
  std::chrono::milliseconds wait_limit{5000};
  bool tls = false;              ///< wss://, with tls_server.hpp's certificate
  int receive_buffer_bytes = 0;  ///< SO_RCVBUF of the accepted sockets; 0: the system's
};

/// The value of header field `name` (any case) in an HTTP head, or empty.
inline std::string ws_header_value(std::string_view head, std::string_view name) {
  const auto lower = [](std::string_view s) {
    std::string out{s};
    std::transform(out.begin(), out.end(), out.begin(),
                   [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
    return out;
  };
  const auto text = lower(head);
  const auto at = text.find("\r\n" + lower(name) + ":");
  if (at == std::string::npos) return {};
  auto begin = at + 3 + name.size();
  while (begin < head.size() && head[begin] == ' ') ++begin;
  return std::string{head.substr(begin, head.find("\r\n", begin) - begin)};
}

/// What one connection brought: the upgrade request, the client's frames, what happened.
struct ws_connection_record {
  std::string request{};                          ///< the upgrade request's head, as received
  std::vector<ws_wire::received_frame> frames{};  ///< every frame of the client, in order
  /// "eof" (the client closed), "read timeout", "write timeout", "closed" (the server ended
  /// TCP), "reset", "read error: ...", ...
  std::vector<std::string> events{};
  bool done = false;  ///< the script ended and the connection is closed

  [[nodiscard]] std::string header(std::string_view name) const { return ws_header_value(request, name); }
  [[nodiscard]] bool saw(std::string_view event) const { return std::find(events.begin(), events.end(), event) != events.end(); }
  /// The client's frames with opcode `op`.
  [[nodiscard]] std::vector<ws_wire::received_frame> of(std::uint8_t op) const {
    std::vector<ws_wire::received_frame> out;
    for (const auto& f : frames) {
      if (f.opcode == op) out.push_back(f);
    }
    return out;
  }
};

/// The server, on its own thread and io_context; each connection plays the same script.
///
/// ```cpp
/// ws_script_server server{{.steps = {ws_step::frame(ws_wire::text("hi")), ws_step::await_close()}}};
/// ... connect to server.url(), receive "hi", close ...
/// auto r = server.wait();  // r.frames.back().close_code() == 1000
/// ```
class ws_script_server {
 public:
  explicit ws_script_server(ws_script script) : script_{std::move(script)} {
#if STAMPEDE_WITH_TLS
    if (script_.tls) {
      ssl_.emplace(asio::ssl::context::tls_server);
      ssl_->use_certificate_chain(asio::buffer(certificate.data(), certificate.size()));
      ssl_->use_private_key(asio::buffer(private_key.data(), private_key.size()), asio::ssl::context::pem);
    }
#else
    if (script_.tls) throw std::logic_error{"ws_script_server: TLS in a build without OpenSSL"};
#endif
    acceptor_.open(asio::ip::tcp::v4());
    acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true));
    // Accepted sockets inherit it (a small window must be set before the handshake).
    if (script_.receive_buffer_bytes > 0) acceptor_.set_option(asio::socket_base::receive_buffer_size(script_.receive_buffer_bytes));
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(io_, accept_loop(), asio::detached);
    thread_ = std::thread{[this] { io_.run(); }};
  }
  ws_script_server(const ws_script_server&) = delete;
  ws_script_server& operator=(const ws_script_server&) = delete;
  ~ws_script_server() {
    io_.stop();
    thread_.join();
  }

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] std::string url(std::string_view path = "/") const {
    return (script_.tls ? "wss://127.0.0.1:" : "ws://127.0.0.1:") + std::to_string(port_) + std::string{path};
  }
  [[nodiscard]] std::size_t connections() const {
    const std::lock_guard lock{mutex_};
    return records_.size();
  }
  /// Connection `i`'s record once its script has ended, waiting at most `limit` (then `done` is
  /// false); an empty record if it never connected.
  [[nodiscard]] ws_connection_record wait(std::size_t i = 0, std::chrono::milliseconds limit = std::chrono::seconds{5}) const {
    std::unique_lock lock{mutex_};
    changed_.wait_for(lock, limit, [&] { return i < records_.size() && records_[i].done; });
    return i < records_.size() ? records_[i] : ws_connection_record{};
  }
  /// What connection `i` recorded so far.
  [[nodiscard]] ws_connection_record record(std::size_t i = 0) const { return wait(i, std::chrono::milliseconds{0}); }

 private:
  using tcp = asio::ip::tcp;
  using clock = std::chrono::steady_clock;
  static constexpr auto nothrow = net::use_nothrow;

  // Bounds one wait on a socket: cancels its operations at `deadline`, unless destroyed first.
  // The handler may run after the wait ended (a timer's handler can be queued already when it
  // is cancelled), so it checks a flag the destructor clears before touching the socket.
  class watchdog {
   public:
    watchdog(tcp::socket::lowest_layer_type& socket, clock::time_point deadline) : timer_{socket.get_executor(), deadline} {
      timer_.async_wait([&socket, armed = armed_, fired = fired_](std::error_code ec) {
        if (ec || !*armed) return;
        *fired = true;
        std::error_code ignored;
        socket.cancel(ignored);
      });
    }
    watchdog(const watchdog&) = delete;
    watchdog& operator=(const watchdog&) = delete;
    ~watchdog() {
      *armed_ = false;
      timer_.cancel();
    }
    [[nodiscard]] bool fired() const noexcept { return *fired_; }

   private:
    std::shared_ptr<bool> armed_ = std::make_shared<bool>(true);
    std::shared_ptr<bool> fired_ = std::make_shared<bool>(false);
    asio::steady_timer timer_;
  };

  // Marks a connection's record done when its coroutine ends, or is destroyed with the server.
  class done_marker {
   public:
    done_marker(ws_script_server& server, std::size_t index) : server_{server}, index_{index} {}
    done_marker(const done_marker&) = delete;
    done_marker& operator=(const done_marker&) = delete;
    ~done_marker() {
      server_.update(index_, [](ws_connection_record& r) { r.done = true; });
    }

   private:
    ws_script_server& server_;
    std::size_t index_;
  };

  template <typename Stream>
  class connection;

  template <typename F>
  void update(std::size_t index, F&& change) {
    {
      const std::lock_guard lock{mutex_};
      change(records_[index]);
    }
    changed_.notify_all();
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(nothrow);
      if (ec) co_return;
      std::size_t index = 0;
      {
        const std::lock_guard lock{mutex_};
        index = records_.size();
        records_.emplace_back();
      }
      asio::co_spawn(io_, serve(std::move(socket), index), asio::detached);
    }
  }

  asio::awaitable<void> serve(tcp::socket socket, std::size_t index);

  ws_script script_;
  // Declared before io_, so that they outlive the connections' frames io_ destroys.
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::deque<ws_connection_record> records_;
#if STAMPEDE_WITH_TLS
  std::optional<asio::ssl::context> ssl_;
#endif
  asio::io_context io_{1};
  tcp::acceptor acceptor_{io_};
  std::uint16_t port_ = 0;
  std::thread thread_;
};

// One connection's script over a TCP socket or a TLS stream. Bytes to write are named before
// `co_await write(...)`: g++ 12 relocates a temporary of a co_await expression bit by bit, which
// breaks a std::string's small buffer (docs/http.md, "g++ 12 and co_await").
template <typename Stream>
class ws_script_server::connection {
 public:
  connection(ws_script_server& server, Stream& stream, std::size_t index)
      : server_{server}, script_{server.script_}, stream_{stream}, index_{index} {}

  asio::awaitable<void> play() {
    if (!co_await read_request()) co_return;
    const auto& h = script_.handshake;
    if (!h.answer) {
      co_await drain();
      co_return;
    }
    const auto response = answer();
    if (!co_await write(response)) co_return;
    if (h.status == 101) {
      for (const auto& step : script_.steps) {
        if (!co_await play(step)) co_return;
      }
    }
    co_await drain();
  }

 private:
  void note(std::string event) {
    server_.update(index_, [&](ws_connection_record& r) { r.events.push_back(std::move(event)); });
  }
  [[nodiscard]] clock::time_point deadline() const { return clock::now() + script_.wait_limit; }

  // Appends what arrives to in_; false (noted) at the end of the connection or the deadline.
  asio::awaitable<bool> read_more(clock::time_point until) {
    const watchdog dog{stream_.lowest_layer(), until};
    auto [ec, n] = co_await stream_.async_read_some(asio::buffer(chunk_), nothrow);
    in_.append(chunk_.data(), n);
    if (!ec) co_return true;
    bool eof = ec == asio::error::eof;
#if STAMPEDE_WITH_TLS
    eof = eof || ec == asio::ssl::error::stream_truncated;
#endif
    note(dog.fired() ? "read timeout" : eof ? "eof" : "read error: " + ec.message());
    co_return false;
  }

  asio::awaitable<bool> write(std::string_view bytes) {
    const watchdog dog{stream_.lowest_layer(), deadline()};
    auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(bytes), nothrow);
    if (!ec) co_return true;
    note(dog.fired() ? "write timeout" : "write error: " + ec.message());
    co_return false;
  }

  asio::awaitable<void> pause(std::chrono::milliseconds d) {
    asio::steady_timer timer{stream_.get_executor(), d};
    co_await timer.async_wait(nothrow);
  }

  asio::awaitable<bool> read_request() {
    const auto until = deadline();
    std::size_t end = 0;
    while ((end = in_.find("\r\n\r\n")) == std::string::npos) {
      if (in_.size() > 64 * 1024) {
        note("request head over 64 KiB");
        co_return false;
      }
      if (!co_await read_more(until)) co_return false;
    }
    auto head = in_.substr(0, end + 4);
    in_.erase(0, end + 4);
    server_.update(index_, [&](ws_connection_record& r) { r.request = std::move(head); });
    co_return true;
  }

  [[nodiscard]] std::string answer() const {
    const auto& h = script_.handshake;
    const bool upgrade = h.status == 101;
    std::string out = "HTTP/1.1 " + std::to_string(h.status) + (upgrade ? " Switching Protocols\r\n" : " Status\r\n");
    if (upgrade && h.upgrade) out += "Upgrade: websocket\r\n";
    if (upgrade && h.connection) out += "Connection: Upgrade\r\n";
    if (upgrade && h.accept != ws_handshake::accept_key::missing) {
      auto key = server_.record(index_).header("sec-websocket-key");
      if (h.accept == ws_handshake::accept_key::wrong) key += "x";
      out += "Sec-WebSocket-Accept: " + ws::detail::accept_value(key) + "\r\n";
    }
    if (!h.subprotocol.empty()) out += "Sec-WebSocket-Protocol: " + h.subprotocol + "\r\n";
    if (!h.extensions.empty()) out += "Sec-WebSocket-Extensions: " + h.extensions + "\r\n";
    for (const auto& f : h.fields) out += f + "\r\n";
    if (!upgrade) return out + "Content-Length: " + std::to_string(h.body.size()) + "\r\n\r\n" + h.body;
    return out + "\r\n" + h.first_bytes;
  }

  // The client's next frame, recorded; nothing (noted) at the end of the connection or `until`.
  asio::awaitable<std::optional<ws_wire::received_frame>> next_frame(clock::time_point until) {
    for (;;) {
      std::optional<ws_wire::received_frame> f;
      try {
        f = ws_wire::take_frame(in_);
      } catch (const std::length_error& e) {
        note(e.what());
        co_return std::nullopt;
      }
      if (f) {
        server_.update(index_, [&](ws_connection_record& r) { r.frames.push_back(*f); });
        co_return f;
      }
      if (!co_await read_more(until)) co_return std::nullopt;
    }
  }

  // Records what the client still sends until it closes (or the wait limit).
  asio::awaitable<void> drain() {
    const auto until = deadline();
    for (;;) {
      const auto f = co_await next_frame(until);  // named: see the class's comment
      if (!f) co_return;
    }
  }

  asio::awaitable<void> close_tcp() {
    std::error_code ignored;
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      stream_.shutdown(tcp::socket::shutdown_send, ignored);
      note("closed");
      co_await drain();
    } else {
      // close_notify, then the client's (or its end of TCP).
      const watchdog dog{stream_.lowest_layer(), deadline()};
      co_await stream_.async_shutdown(nothrow);
      note("closed");
    }
    stream_.lowest_layer().close(ignored);
  }

  asio::awaitable<bool> echo() {
    std::string message;
    std::uint8_t message_opcode = ws_wire::op::text;
    for (;;) {
      auto f = co_await next_frame(deadline());
      if (!f) co_return false;
      switch (f->opcode) {
        case ws_wire::op::text:
        case ws_wire::op::binary:
          message_opcode = f->opcode;
          message = std::move(f->payload);
          break;
        case ws_wire::op::continuation: message += f->payload; break;
        case ws_wire::op::ping: {
          const auto pong = ws_wire::encode(ws_wire::pong(f->payload));
          if (!co_await write(pong)) co_return false;
          continue;
        }
        case ws_wire::op::close: {
          const auto close_echo = ws_wire::encode({.opcode = ws_wire::op::close, .payload = f->payload});
          if (co_await write(close_echo)) co_await close_tcp();
          co_return false;
        }
        default: continue;
      }
      if (!f->fin) continue;
      const auto echoed = ws_wire::encode({.opcode = message_opcode, .payload = message});
      if (!co_await write(echoed)) co_return false;
    }
  }

  // Returns whether the script goes on.
  asio::awaitable<bool> play(const ws_step& step) {
    switch (step.what) {
      case ws_step::kind::send: {
        std::size_t at = 0;
        for (const auto cut : step.cuts) {
          if (cut <= at || cut >= step.bytes.size()) continue;
          if (!co_await write(std::string_view{step.bytes}.substr(at, cut - at))) co_return false;
          at = cut;
          co_await pause(step.delay);
        }
        co_return co_await write(std::string_view{step.bytes}.substr(at));
      }
      case ws_step::kind::read:
        for (int i = 0; i < step.frames; ++i) {
          const auto f = co_await next_frame(deadline());
          if (!f) co_return false;
        }
        co_return true;
      case ws_step::kind::echo: co_return co_await echo();
      case ws_step::kind::await_close:
        for (;;) {
          auto f = co_await next_frame(deadline());
          if (!f) co_return false;
          if (f->opcode == ws_wire::op::close) co_return true;
        }
      case ws_step::kind::close: co_await close_tcp(); co_return false;
      case ws_step::kind::reset: {
        std::error_code ignored;
        stream_.lowest_layer().set_option(asio::socket_base::linger(true, 0), ignored);
        stream_.lowest_layer().close(ignored);
        note("reset");
        co_return false;
      }
      case ws_step::kind::pause: co_await pause(step.delay); co_return true;
    }
    co_return false;
  }

  ws_script_server& server_;
  const ws_script& script_;
  Stream& stream_;
  std::size_t index_;
  std::string in_;
  std::array<char, 64 * 1024> chunk_{};
};

inline asio::awaitable<void> ws_script_server::serve(tcp::socket socket, std::size_t index) {
  const done_marker done{*this, index};
#if STAMPEDE_WITH_TLS
  if (script_.tls) {
    asio::ssl::stream<tcp::socket> tls{std::move(socket), *ssl_};
    {
      const watchdog dog{tls.lowest_layer(), clock::now() + script_.wait_limit};
      auto [ec] = co_await tls.async_handshake(asio::ssl::stream_base::server, nothrow);
      if (ec) {
        auto event = "tls handshake: " + ec.message();
        update(index, [&](ws_connection_record& r) { r.events.push_back(std::move(event)); });
        co_return;
      }
    }
    connection<asio::ssl::stream<tcp::socket>> c{*this, tls, index};
    co_await c.play();
    co_return;
  }
#endif
  tcp::socket plain{std::move(socket)};  // closed before `done` says so
  connection<tcp::socket> c{*this, plain, index};
  co_await c.play();
}

}  // namespace stampede::testing
