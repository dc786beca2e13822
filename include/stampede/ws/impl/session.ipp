// Bodies of session and of the waits and writes it is made of (included by ws/session.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/asio.hpp>
#include <stampede/core/error.hpp>
#include <stampede/http/client.hpp>  // http::detail::io_error and its kin, defined with the client
#include <stampede/ws/detail/close_payload.hpp>
#include <stampede/ws/detail/frame.hpp>
#include <stampede/ws/detail/session_state.hpp>
#include <stampede/ws/detail/utf8.hpp>

#include <asio/buffer.hpp>
#include <asio/error.hpp>
#include <asio/write.hpp>
#if STAMPEDE_WITH_TLS
#  include <asio/ssl/error.hpp>
#endif

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace stampede::ws {

namespace detail {

// ---- pieces that are not coroutines ---------------------------------------------------------

STAMPEDE_DECL clock::time_point deadline_after(std::chrono::nanoseconds d) {
  const auto now = clock::now();
  const auto left = std::chrono::duration_cast<clock::duration>(d);
  return left >= clock::time_point::max() - now ? clock::time_point::max() : now + left;
}

STAMPEDE_DECL void record(session_state& s, metric_id ws_metric_ids::*which, double value, bool vu_only) {
  if (s.rec == nullptr || !s.ids) return;
  const auto now = clock::now();
  const auto at = now > s.run_start ? std::chrono::duration_cast<std::chrono::nanoseconds>(now - s.run_start)
                                    : std::chrono::nanoseconds{0};
  s.rec->add((*s.ids).*which, value, vu_only ? s.vu_tags : s.tags, at);
}

STAMPEDE_DECL void record_end(session_state& s) {
  if (s.duration_recorded) return;
  s.duration_recorded = true;
  record(s, &ws_metric_ids::duration, static_cast<double>(std::chrono::nanoseconds{clock::now() - s.started}.count()));
}

STAMPEDE_DECL void disarm(session_state& s) noexcept {
  ++s.timer_wait;  // a handler already queued does nothing
  if (!s.armed) return;
  s.armed = false;
  s.timer.cancel();
}

// The handler of a wait's deadline. Its memory comes from the thread's recycled blocks (as an
// HTTP request's deadline), so that a wait armed and cancelled for every receive leaves Asio's
// per-thread cache to the socket's operations.
struct deadline_handler {
  std::shared_ptr<session_state> session;
  std::uint64_t wait;
  bool abort;
  using allocator_type = http::detail::deadline_allocator<char>;
  [[nodiscard]] allocator_type get_allocator() const noexcept { return {}; }
  void operator()(const std::error_code& ec) const {
    auto& p = *session;
    if (ec || p.timer_wait != wait) return;  // cancelled, or replaced by a newer wait
    p.armed = false;
    p.timed_out = true;
    if (abort) {
      p.conn.abort();
    } else {
      std::error_code ignored;
      p.conn.socket.cancel(ignored);  // the read ends with operation_aborted; the session stays
    }
  }
};

STAMPEDE_DECL void arm(session_state& s, clock::time_point deadline, bool abort) {
  s.timed_out = false;
  ++s.timer_wait;
  if (deadline == clock::time_point::max()) {
    if (s.armed) disarm(s);
    return;
  }
  s.armed = true;
  s.timer.expires_at(deadline);  // cancels a pending wait, whose handler then does nothing
  s.timer.async_wait(deadline_handler{s.shared_from_this(), s.timer_wait, abort});
}

STAMPEDE_DECL void end_session(session_state& s, ws::error e, std::uint16_t code) {
  disarm(s);
  s.conn.abort();
  if (e && !s.error) s.error = std::move(e);
  if (s.close_code == 0) s.close_code = code;
  s.state = phase::closed;
  record_end(s);
}

// The frame of `op` with `payload` in s.out, masked with a fresh key.
STAMPEDE_DECL void build_frame(session_state& s, opcode op, std::string_view payload) {
  s.out.resize(client_frame_size(payload.size()));
  encode_client_frame(std::span<char>{s.out.data(), s.out.size()}, op, true, s.masks.key(), payload);
}

// What a session that no longer flows messages gives a wait: how it ended.
STAMPEDE_DECL message ended(const session_state* s) {
  if (s == nullptr) return message::failed({error_kind::connect, http::k6_error::generic, "the session never connected"}, close_code::abnormal);
  if (s->error) return message::failed(s->error, s->close_code == 0 ? close_code::abnormal : s->close_code);
  return message::closed(s->close_code, s->close_reason);
}

// A close frame the socket takes without waiting, then the end: for a session given up (its
// handle destroyed, a handler that threw).
STAMPEDE_DECL void abandon(session_state& s, std::uint16_t code) noexcept {
  if (s.state == phase::closed) return;
  try {
    if (s.state == phase::open) {
#if STAMPEDE_WITH_TLS
      const bool plain = s.conn.tls == nullptr;
#else
      const bool plain = true;
#endif
      if (plain) {
        build_frame(s, opcode::close, encode_close_payload(code, {}));
        std::error_code ignored;
        s.conn.socket.write_some(asio::buffer(s.out), ignored);
      }
    }
  } catch (...) {  // NOLINT(bugprone-empty-catch): the close frame is a courtesy; the end is not
  }
  end_session(s, {}, code);
}

STAMPEDE_DECL void on_pong(session_state& s, std::string_view payload) {
  std::uint64_t id = 0;
  const auto* end = payload.data() + payload.size();
  const auto [p, ec] = std::from_chars(payload.data(), end, id);
  if (ec != std::errc{} || p != end || id == 0) return;  // an unsolicited pong (RFC 6455 5.5.3)
  for (auto& ping : s.pings) {
    if (ping.id != id) continue;
    ping.id = 0;
    record(s, &ws_metric_ids::ping, static_cast<double>(std::chrono::nanoseconds{clock::now() - ping.sent}.count()));
    return;
  }
}

// Clears a flag when the operation's coroutine ends, however it ends; refuses a second
// operation while one runs.
struct busy_guard {
  bool& flag;
  explicit busy_guard(bool& f) : flag{f} {
    if (flag) throw usage_error("a ws::session runs one operation at a time; await each before the next");
    flag = true;
  }
  busy_guard(const busy_guard&) = delete;
  busy_guard& operator=(const busy_guard&) = delete;
  ~busy_guard() { flag = false; }
};

// Writes what of s.out the socket takes at once, without waiting (plain TCP; a TLS stream
// writes asynchronously only). would_block is no error.
STAMPEDE_DECL std::size_t write_now(session_state& s, std::error_code& ec) {
#if STAMPEDE_WITH_TLS
  if (s.conn.tls) return 0;
#endif
  const std::size_t n = s.conn.socket.write_some(asio::buffer(s.out), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) {
    ec.clear();
    return 0;
  }
  return ec ? 0 : n;
}

// After a write of `written` bytes of s.out ending with `ec`: data_sent, and the session ended
// on a failure (`late`: the write timeout passed). Whether all went out.
STAMPEDE_DECL bool wrote(session_state& s, std::size_t written, const std::error_code& ec, bool late) {
  if (written > 0) record(s, &ws_metric_ids::data_sent, static_cast<double>(written), true);
  if (late) {
    end_session(s, {error_kind::timeout, http::k6_error::request_timeout, "write timeout: the server did not read"},
                close_code::abnormal);
    return false;
  }
  if (ec) {
    end_session(s, http::detail::io_error(ec, "write"), close_code::abnormal);
    return false;
  }
  return true;
}

// The socket's read into the connection's buffer, as an awaitable: not a coroutine of its
// own, so that a wait nests no frame more than the read's.
STAMPEDE_DECL task<std::tuple<std::error_code, std::size_t>> read_op(session_state& s) {
#if STAMPEDE_WITH_TLS
  if (s.conn.tls) return s.conn.tls->async_read_some(asio::buffer(s.buffer), net::use_nothrow_counted);
#endif
  return s.conn.socket.async_read_some(asio::buffer(s.buffer), net::use_nothrow_counted);
}

// After a read of `n` bytes ending with `ec`: the deadline disarmed, the bytes to decode and
// counted. The read's error when no byte came (an error that came with bytes comes again).
STAMPEDE_DECL std::error_code took(session_state& s, std::error_code ec, std::size_t n) {
  disarm(s);
  s.read_at = 0;
  s.read_end = n;
  if (n > 0) {
    record(s, &ws_metric_ids::data_received, static_cast<double>(n), true);
    return {};
  }
#if STAMPEDE_WITH_TLS
  if (ec == asio::ssl::error::stream_truncated) return asio::error::eof;  // no close_notify: an end all the same
#endif
  return ec ? ec : asio::error::eof;
}

// A coroutine that throws `usage_error` when awaited: bad input to an operation is refused
// where the operation is awaited, as a coroutine's own check would be.
template <typename T>
task<T> refuse(std::string what) {
  throw usage_error(std::move(what));
  co_return T{};
}

// ---- coroutines -----------------------------------------------------------------------------

// Writes the rest of s.out, from `written` on, when the socket can take it, within the write
// timeout. False, with the session ended, when the write failed.
STAMPEDE_DECL task<bool> write_rest(session_state& s, std::size_t written) {
  arm(s, deadline_after(s.options.write_timeout), true);
  const auto rest = asio::buffer(std::string_view{s.out}.substr(written));
  std::error_code ec;
  std::size_t n = 0;
#if STAMPEDE_WITH_TLS
  if (s.conn.tls) {
    std::tie(ec, n) = co_await asio::async_write(*s.conn.tls, rest, net::use_nothrow_counted);
  } else
#endif
  {
    std::tie(ec, n) = co_await asio::async_write(s.conn.socket, rest, net::use_nothrow_counted);
  }
  const bool late = s.timed_out;
  disarm(s);
  co_return wrote(s, written + n, ec, late);
}

// Writes s.out whole: at once when the socket takes it, otherwise asynchronously within the
// write timeout. False, with the session ended, when the write failed.
STAMPEDE_DECL task<bool> write_out(session_state& s) {
  std::error_code ec;
  const auto written = write_now(s, ec);
  if (ec || written == s.out.size()) co_return wrote(s, written, ec, false);
  co_return co_await write_rest(s, written);
}

// Waits for the server to end TCP after the close frames (RFC 6455 7.1.1: the server closes
// first), at most the close timeout; bytes that still come are dropped.
STAMPEDE_DECL task<> await_tcp_end(session_state& s) {
  const auto deadline = deadline_after(s.options.close_timeout);
  for (int reads = 0; reads < 4096 && s.conn.socket.is_open(); ++reads) {
    arm(s, deadline, false);
    const auto [ec, n] = co_await read_op(s);
    (void)took(s, ec, n);
    if (s.read_end == 0) break;  // the end, a failure or the timeout
  }
  s.read_at = s.read_end = 0;
}

// The server's close frame: answered with its code unless the client closed first, then the
// end of TCP.
STAMPEDE_DECL task<message> on_server_close(session_state& s) {
  const auto c = s.decoder.frames().close();
  s.close_code = c.code;
  s.close_reason.assign(c.reason);
  if (s.state == phase::open) {
    // The answer echoes the code (RFC 6455 5.5.1); a close without a code gets an empty one.
    build_frame(s, opcode::close, c.code == close_code::no_status ? std::string{} : encode_close_payload(c.code, {}));
    s.state = phase::closing;
    if (!co_await write_out(s)) co_return ended(&s);
  }
  co_await await_tcp_end(s);
  end_session(s, {}, c.code);
  co_return message::closed(s.close_code, s.close_reason);
}

// The server broke the protocol: a close frame with the RFC's code, then the end of TCP
// (RFC 6455 7.1.7, "Fail the WebSocket Connection").
STAMPEDE_DECL task<message> fail_protocol(session_state& s) {
  const auto& f = s.decoder.frames();
  const auto code = f.failure_code();
  s.error = {code == close_code::message_too_big ? error_kind::too_large : error_kind::protocol, http::k6_error::generic,
             "websocket: " + std::string{f.failure_message()}};
  s.close_code = code;
  if (s.state == phase::open) {
    build_frame(s, opcode::close, encode_close_payload(code, {}));
    s.state = phase::closing;
    (void)co_await write_out(s);
  }
  end_session(s, {}, code);
  co_return ended(&s);
}

// A ping or close frame the decoder holds (pongs are read without a coroutine): a message for
// the caller when it ends the session.
STAMPEDE_DECL task<std::optional<message>> on_control(session_state& s) {
  const auto& f = s.decoder.frames();
  if (f.control_opcode() == opcode::close) co_return co_await on_server_close(s);
  // A pong with the ping's payload (RFC 6455 5.5.2), unless the client has sent its close.
  if (f.control_opcode() == opcode::ping && s.state == phase::open) {
    build_frame(s, opcode::pong, f.control_payload());
    if (!co_await write_out(s)) co_return ended(&s);
  }
  co_return std::nullopt;
}

// The next event from the server before `deadline`: a message, the session's end (the close
// handshake or a failure), or a timeout. Control frames are handled on the way. With
// `take_turn` it is an operation of its own (receive, a wait of run): refused while another
// runs, and the end at once on a session that is not open. One coroutine frame besides the
// read's, so that a receive in steady state takes its memory from Asio's per-thread cache.
STAMPEDE_DECL task<message> next_event(std::shared_ptr<session_state> sp, clock::time_point deadline, bool take_turn) {
  if (!sp || (take_turn && sp->state != phase::open)) co_return ended(sp.get());
  auto& s = *sp;
  std::optional<busy_guard> turn;
  if (take_turn) turn.emplace(s.busy);
  for (;;) {
    while (s.read_at < s.read_end) {
      const std::string_view bytes{s.buffer.data() + s.read_at, s.read_end - s.read_at};
      s.read_at += s.decoder.feed(bytes);
      switch (s.decoder.current()) {
        case message_decoder::state::idle: break;
        case message_decoder::state::message:
          ++s.messages_received;
          record(s, &ws_metric_ids::received, 1);
          co_return message{s.decoder.message_opcode() == opcode::text ? event::text : event::binary, s.decoder.message()};
        case message_decoder::state::control: {
          if (s.decoder.frames().control_opcode() == opcode::pong) {
            on_pong(s, s.decoder.frames().control_payload());
            break;
          }
          auto m = co_await on_control(s);  // not in the if: see open_connection
          if (m) co_return std::move(*m);
          break;
        }
        case message_decoder::state::failed: co_return co_await fail_protocol(s);
      }
    }
    if (s.state == phase::closed) co_return ended(&s);
    arm(s, deadline, false);
    const auto [read_ec, n] = co_await read_op(s);
    const auto ec = took(s, read_ec, n);
    if (s.read_end > 0) continue;
    if (s.timed_out && ec == asio::error::operation_aborted && s.state != phase::closed) co_return message::timed_out();
    ws::error e = ec == asio::error::eof
                      ? ws::error{error_kind::closed, http::k6_error::generic,
                                  "websocket: the server closed the connection without a close frame (1006)"}
                      : http::detail::io_error(ec, "read");
    end_session(s, std::move(e), close_code::abnormal);
    co_return ended(&s);
  }
}

// Calls a handler of session::run; one that throws gives the session up (1001), and the
// exception goes on.
template <typename Fn, typename... Args>
task<> guarded_call(session_state& s, const Fn& fn, session& self, const Args&... args) {
  try {
    co_await fn(self, args...);
  } catch (...) {
    abandon(s, close_code::going_away);
    throw;
  }
}

// A send: one coroutine frame, and a second only when the socket cannot take the frame at
// once. The opcode comes as an integer: with a parameter of the enum type (one byte), g++ 12's
// coroutine frame is corrupt and the first resumption crashes (SIGILL).
STAMPEDE_DECL task<bool> send_frame(std::shared_ptr<session_state> sp, unsigned frame_opcode, std::string_view payload) {
  if (!sp || sp->state != phase::open) co_return false;
  auto& s = *sp;
  const busy_guard turn{s.busy};
  const auto op = static_cast<opcode>(frame_opcode);
  if (op == opcode::ping) {
    // The payload is the ping's id in decimal, which its pong carries back (as k6 does).
    const auto id = s.next_ping++;
    const auto [end, ec] = std::to_chars(s.ping_text.data(), s.ping_text.data() + s.ping_text.size(), id);
    (void)ec;
    payload = {s.ping_text.data(), static_cast<std::size_t>(end - s.ping_text.data())};
    s.pings[id % s.pings.size()] = {id, clock::now()};
  }
  build_frame(s, op, payload);
  std::error_code ec;
  const auto written = write_now(s, ec);
  bool sent = false;
  if (ec || written == s.out.size()) {
    sent = wrote(s, written, ec, false);
  } else {
    sent = co_await write_rest(s, written);  // the socket's buffer is full: the rest waits
  }
  if (!sent) co_return false;
  if (op == opcode::text || op == opcode::binary) {
    ++s.messages_sent;
    record(s, &ws_metric_ids::sent, 1);
  }
  co_return true;
}

}  // namespace detail

STAMPEDE_DECL session::session() noexcept = default;
STAMPEDE_DECL session::session(std::shared_ptr<detail::session_state> state) noexcept : state_{std::move(state)} {}
STAMPEDE_DECL session::session(session&& other) noexcept = default;

STAMPEDE_DECL session& session::operator=(session&& other) noexcept {
  if (this != &other) {
    if (state_) detail::abandon(*state_, close_code::going_away);
    state_ = std::move(other.state_);
  }
  return *this;
}

STAMPEDE_DECL session::~session() {
  if (state_) detail::abandon(*state_, close_code::going_away);
}

STAMPEDE_DECL bool session::ok() const noexcept { return state_ && state_->status == 101 && state_->opened; }
STAMPEDE_DECL bool session::is_open() const noexcept { return state_ && state_->state == detail::phase::open; }
STAMPEDE_DECL int session::status() const noexcept { return state_ ? state_->status : 0; }

STAMPEDE_DECL const http::headers& session::headers() const noexcept {
  static const http::headers none;
  return state_ ? state_->headers : none;
}

STAMPEDE_DECL std::string_view session::body() const noexcept {
  return state_ ? std::string_view{state_->body.data(), state_->body.size()} : std::string_view{};
}

STAMPEDE_DECL const ws::error& session::error() const noexcept {
  static const ws::error none{error_kind::connect, http::k6_error::generic, "the session never connected"};
  return state_ ? state_->error : none;
}

STAMPEDE_DECL std::string_view session::subprotocol() const noexcept {
  return state_ ? std::string_view{state_->subprotocol} : std::string_view{};
}
STAMPEDE_DECL std::string_view session::url() const noexcept { return state_ ? std::string_view{state_->url} : std::string_view{}; }
STAMPEDE_DECL std::uint64_t session::messages_sent() const noexcept { return state_ ? state_->messages_sent : 0; }
STAMPEDE_DECL std::uint64_t session::messages_received() const noexcept { return state_ ? state_->messages_received : 0; }

// The operations are plain functions that return one coroutine, so that a send or a receive
// in steady state nests one frame (and the socket operation's) in the VU's: Asio's per-thread
// cache of two blocks then holds them all, and nothing is allocated.
STAMPEDE_DECL task<bool> session::send_text(std::string_view text) {
  if (!detail::is_valid_utf8(text)) {
    return detail::refuse<bool>("ws::session::send_text: the text is not valid UTF-8; send it with send_binary");
  }
  return detail::send_frame(state_, static_cast<unsigned>(detail::opcode::text), text);
}

STAMPEDE_DECL task<bool> session::send_binary(std::string_view bytes) {
  return detail::send_frame(state_, static_cast<unsigned>(detail::opcode::binary), bytes);
}

STAMPEDE_DECL task<bool> session::ping() { return detail::send_frame(state_, static_cast<unsigned>(detail::opcode::ping), {}); }

STAMPEDE_DECL task<message> session::receive() { return detail::next_event(state_, detail::clock::time_point::max(), true); }

STAMPEDE_DECL task<message> session::receive(std::chrono::nanoseconds timeout) {
  if (timeout <= std::chrono::nanoseconds{0}) return detail::refuse<message>("ws::session::receive: the timeout must be positive");
  return detail::next_event(state_, detail::deadline_after(timeout), true);
}

STAMPEDE_DECL task<message> session::close() { return close(close_code::normal, {}); }
STAMPEDE_DECL task<message> session::close(std::uint16_t code) { return close(code, {}); }

STAMPEDE_DECL task<message> session::close(std::uint16_t code, std::string_view reason) {
  auto payload = detail::encode_close_payload(code, reason);  // a code or reason that may not be sent throws here
  const auto s = state_;
  if (!s || s->state != detail::phase::open) co_return detail::ended(s.get());
  const detail::busy_guard guard{s->busy};
  detail::build_frame(*s, detail::opcode::close, payload);
  s->state = detail::phase::closing;
  if (!co_await detail::write_out(*s)) co_return detail::ended(s.get());
  // Messages that still arrive are counted and dropped; the server's close frame ends it.
  const auto deadline = detail::deadline_after(s->options.close_timeout);
  for (;;) {
    auto m = co_await detail::next_event(s, deadline, false);
    if (m) continue;
    if (!m.is_timeout()) co_return m;
    detail::end_session(*s, {error_kind::timeout, http::k6_error::request_timeout,
                             "websocket: close timeout: the server did not answer the close frame"},
                        close_code::abnormal);
    co_return detail::ended(s.get());
  }
}

STAMPEDE_DECL task<message> session::run(session_handlers h) {
  for (const auto& a : h.after) {
    if (a.delay < std::chrono::nanoseconds{0} || !a.call) throw usage_error("session_handlers::after: each needs a delay ≥ 0 and a call");
  }
  for (const auto& e : h.every) {
    if (e.delay <= std::chrono::nanoseconds{0} || !e.call) throw usage_error("session_handlers::every: each needs a period > 0 and a call");
  }
  if (h.close_after && *h.close_after < std::chrono::nanoseconds{0}) throw usage_error("session_handlers::close_after must not be negative");
  const auto s = state_;
  if (!s || s->state != detail::phase::open) co_return detail::ended(s.get());
  using detail::clock;
  const auto start = clock::now();
  std::vector<std::optional<clock::time_point>> after_due;  // empty once called
  after_due.reserve(h.after.size());
  for (const auto& a : h.after) after_due.emplace_back(start + std::chrono::duration_cast<clock::duration>(a.delay));
  std::vector<clock::time_point> every_due;
  every_due.reserve(h.every.size());
  for (const auto& e : h.every) every_due.push_back(start + std::chrono::duration_cast<clock::duration>(e.delay));
  const auto close_due =
      h.close_after ? start + std::chrono::duration_cast<clock::duration>(*h.close_after) : clock::time_point::max();

  if (h.on_open) co_await detail::guarded_call(*s, h.on_open, *this);
  while (s->state == detail::phase::open) {
    auto due = close_due;
    for (const auto& a : after_due) {
      if (a) due = std::min(due, *a);
    }
    for (const auto e : every_due) due = std::min(due, e);
    const auto now = clock::now();
    if (due <= now) {
      if (close_due <= now) {
        (void)co_await close();
        break;
      }
      for (std::size_t i = 0; i < after_due.size() && s->state == detail::phase::open; ++i) {
        if (!after_due[i] || *after_due[i] > now) continue;
        after_due[i].reset();
        co_await detail::guarded_call(*s, h.after[i].call, *this);
      }
      for (std::size_t i = 0; i < every_due.size() && s->state == detail::phase::open; ++i) {
        if (every_due[i] > now) continue;
        // The next call a period after this one was due; calls missed while a handler ran are
        // skipped, as a ticker drops ticks.
        const auto period = std::chrono::duration_cast<clock::duration>(h.every[i].delay);
        every_due[i] += period;
        if (every_due[i] <= now) every_due[i] = now + period;
        co_await detail::guarded_call(*s, h.every[i].call, *this);
      }
      continue;
    }
    const auto m = co_await detail::next_event(s, due, true);
    if (m.is_timeout()) continue;
    if (!m) break;  // the session ended: its close or failure
    if (h.on_message) co_await detail::guarded_call(*s, h.on_message, *this, m);
  }
  auto last = detail::ended(s.get());
  if (h.on_close) co_await detail::guarded_call(*s, h.on_close, *this, last);
  co_return last;
}

}  // namespace stampede::ws
