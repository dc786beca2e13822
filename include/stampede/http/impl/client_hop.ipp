// Bodies of client's steps of a request that do not suspend, in the order perform() takes them
// (included by http/impl/client.hpp, after the helpers they use).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>
#include <stampede/http/detail/name_lookup.hpp>

#include <asio/buffer.hpp>
#include <asio/error.hpp>

#include <chrono>
#include <string>
#include <system_error>
#include <utility>

namespace stampede::http {

STAMPEDE_DECL void client::begin_hop() {
  using clock = std::chrono::steady_clock;
  auto& s = current_;
  s.res = response{};
  s.failure = {};
  s.read_error = {};
  s.times = {};
  s.bytes_sent = s.bytes_received = 0;
  s.reused = s.leftover = s.retried = false;
  // The last request's head and pool key still hold for a request made of nothing else than
  // theirs: the same method and URL, with no header fields, body or cookies of its own.
  const auto& body = s.req.body;
  const bool plain = s.redirects == 0 && s.same_url && s.req.params.headers.empty() && body.empty() &&
                     body.content_type().empty() && cookies_.empty();
  const bool rebuild = !plain || !head_reusable_ || head_method_ != s.req.method;
  if (rebuild) {
    build_request();
    origin_buf_.clear();
    origin_buf_.append(s.target.scheme()).append("://").append(s.target.host()).append(":");
    detail::append_number(origin_buf_, s.target.port());
    head_reusable_ = plain;
    if (plain) head_method_ = s.req.method;
  }
  if (options_->debug != client_options::debug_level::off) [[unlikely]] debug_request();
  s.times.start = clock::now();
  // One deadline for the whole chain of redirects, as k6's request context has.
  if (s.redirects == 0) {
    // A timeout past the clock's range (nanoseconds::max(): none) is a deadline never reached.
    const auto timeout = std::chrono::duration_cast<clock::duration>(s.req.params.timeout.value_or(options_->timeout));
    s.deadline = timeout >= clock::time_point::max() - s.times.start ? clock::time_point::max() : s.times.start + timeout;
  }
  s.conn = take_idle(origin_buf_);
  if (s.conn && (s.times.start - s.conn->idle_since >= detail::idle_check_after || !detail::replayable(s.req))) {
    // A pooled connection the server closed as idle, or sent unsolicited bytes on (a 408
    // before an idle close), is not used: a non-blocking peek must find nothing to read
    // (peeking, not reading, so a TLS record would stay where it is). A request that can be
    // sent twice skips the check (a syscall) on a connection idle for less than a second:
    // should the server have closed it anyway, the request goes again on a new one.
    std::error_code ec;
    char byte = 0;
    s.conn->socket.receive(asio::buffer(&byte, 1), asio::socket_base::message_peek, ec);
    if (ec != asio::error::would_block && ec != asio::error::try_again) {
      s.conn->abort();
      s.conn.reset();
    }
  }
  s.reused = s.conn != nullptr;
}

STAMPEDE_DECL void client::attach() {
  auto& s = current_;
  if (!s.conn) {
    s.conn = std::make_shared<detail::connection>(executor_);
    s.conn->origin = origin_buf_;
  }
  s.conn->timed_out = false;
  auto& w = *deadline_;
  w.conn = s.conn.get();
  w.at = s.deadline;
  // A pending wait that fires by the deadline serves: when it fires early it waits again.
  if (!w.armed || w.armed_until > s.deadline) detail::deadline_watch::arm(deadline_, s.deadline);
}

STAMPEDE_DECL bool client::needs_lookup() {
  auto& s = current_;
  s.port = s.target.port();
  return !detail::known_addresses(s.target.host(), *options_, *dns_, addresses_, s.port, s.failure);
}

STAMPEDE_DECL void client::looked_up(const std::error_code& ec, const asio::ip::tcp::resolver::results_type& results) {
  auto& s = current_;
  s.failure = s.conn->timed_out ? detail::timeout_error()
                                : detail::take_resolved(s.target.host(), ec, results, *options_, *dns_, addresses_);
}

STAMPEDE_DECL bool client::connected(const std::error_code& ec) {
  auto& s = current_;
  s.times.connect_end = std::chrono::steady_clock::now();
  if (s.conn->timed_out) {
    s.failure = detail::timeout_error();
    return false;
  }
  if (ec) {
    s.failure = detail::connect_error(ec);
    return false;
  }
  ++connections_opened_;
  auto& c = *s.conn;
  std::error_code ignored;
  c.socket.set_option(asio::ip::tcp::no_delay(true), ignored);
  // Non-blocking for the idle check, the first write and the reads after readiness; Asio's
  // own asynchronous operations are unaffected.
  c.socket.non_blocking(true, ignored);
  const auto remote = c.socket.remote_endpoint(ignored);
  c.remote_address = remote.address().is_v6() ? "[" + remote.address().to_string() + "]" : remote.address().to_string();
  c.remote_address += ':';
  detail::append_number(c.remote_address, remote.port());
  return true;
}

#if STAMPEDE_WITH_TLS
STAMPEDE_DECL void client::begin_tls() {
  auto& s = current_;
  if (!tls_context_) tls_context_ = detail::make_tls_context({});
  s.conn->tls = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(s.conn->socket, *tls_context_);
  s.conn->tls_buffer = std::make_unique<detail::read_buffer>();
  detail::configure_tls(*s.conn->tls, s.target.host(), options_->insecure_skip_tls_verify);
  s.times.tls_start = std::chrono::steady_clock::now();
}

STAMPEDE_DECL bool client::handshaken(const std::error_code& ec) {
  auto& s = current_;
  s.times.tls_end = std::chrono::steady_clock::now();
  if (s.conn->timed_out) {
    s.failure = detail::timeout_error();
    return false;
  }
  if (ec) {
    s.failure = detail::tls_error(s.conn->tls->native_handle(), ec);
    return false;
  }
  s.conn->tls_version = detail::tls_version_name(s.conn->tls->native_handle());
  return true;
}
#endif

STAMPEDE_DECL std::array<asio::const_buffer, 2> client::unsent(std::size_t written) const noexcept {
  const std::string_view head = request_buf_;
  const std::string_view body = current_.req.body.data();
  if (written >= head.size()) return {asio::const_buffer{}, asio::buffer(body.substr(written - head.size()))};
  return {asio::buffer(head.substr(written)), asio::buffer(body)};
}

STAMPEDE_DECL std::size_t client::write_now(std::error_code& ec) {
  auto& c = *current_.conn;
#if STAMPEDE_WITH_TLS
  if (c.tls) return 0;
#endif
  // A request that fits the socket's send buffer (nearly all do) is sent at once: no
  // asynchronous operation, no trip through the scheduler.
  const std::size_t n = c.socket.write_some(unsent(0), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) {
    ec.clear();
    return 0;
  }
  return ec ? 0 : n;
}

STAMPEDE_DECL bool client::retry_pooled(bool nothing_written) {
  auto& s = current_;
  // Once, and only for a pooled connection that failed before any response came back: the
  // hop goes on with a new connection. As Go's transport (k6's) decides: always when none of
  // the request went out, otherwise only for a request that can be sent twice (GET, HEAD,
  // OPTIONS, TRACE, or one with an Idempotency-Key), since the server may have acted on it.
  if (!s.reused || s.retried || s.conn->timed_out) return false;
  if (!nothing_written && !detail::replayable(s.req)) return false;
  deadline_->conn = nullptr;  // until attach() gives it the new connection
  s.conn->abort();
  s.conn.reset();
  s.reused = false;
  s.retried = true;
  const auto start = s.times.start;
  s.times = {};
  s.times.start = start;
  return true;
}

STAMPEDE_DECL bool client::wrote(const std::error_code& ec) {
  auto& s = current_;
  if (s.conn->timed_out) {
    s.failure = detail::timeout_error();
    return false;
  }
  if (ec) {
    s.failure = detail::io_error(ec, "write");
    return false;
  }
  s.times.wrote = std::chrono::steady_clock::now();
  auto& c = *s.conn;
  const detail::response_parser::limits limits{options_->max_response_header_bytes, options_->max_response_body_bytes};
  // A full debug dump shows the body even when the request keeps none, as k6's does.
  const bool keep = !s.req.params.discard_body.value_or(options_->discard_response_bodies) ||
                    options_->debug == client_options::debug_level::full;
  c.parser.start(s.req.method == "HEAD", keep, limits, &s.res.headers_, &s.res.body_);
  return true;
}

STAMPEDE_DECL bool client::took(std::string_view bytes, const std::error_code& ec) {
  auto& s = current_;
  auto& parser = s.conn->parser;
  if (!bytes.empty()) {
    if (s.times.first_byte == std::chrono::steady_clock::time_point{}) s.times.first_byte = std::chrono::steady_clock::now();
    s.bytes_received += bytes.size();
    if (parser.feed(bytes) < bytes.size()) s.leftover = true;
  }
  if (parser.complete() || parser.failed()) return false;
  if (ec == asio::error::eof) {
    parser.finish();
    return false;
  }
  if (ec) {
    s.read_error = ec;
    return false;
  }
  return true;
}

STAMPEDE_DECL void client::read_failed() {
  auto& s = current_;
  const auto& parser = s.conn->parser;
  if (s.conn->timed_out) {
    s.failure = detail::timeout_error();
  } else if (s.read_error) {
    s.failure = detail::io_error(s.read_error, "read");
  } else {
    s.failure = {parser.failure(), default_k6_code(parser.failure()), parser.failure_message()};
  }
}

STAMPEDE_DECL void client::end_hop() {
  using std::chrono::steady_clock;
  auto& s = current_;
  auto& res = s.res;
  auto& tm = s.times;
  tm.end = steady_clock::now();
  // A response read whole only after the deadline timed out all the same: when the thread was
  // busy past both, the socket's readiness ran before the deadline's wait could close it.
  if (!s.failure && tm.end > s.deadline) s.failure = detail::timeout_error();

  // The hop is over: a deadline that fires from now on must not touch the connection.
  deadline_->conn = nullptr;
  if (!keep_deadline_armed_) deadline_->disarm();

  // k6's phases (lib/netext/httpext/tracer.go); a phase a failure cut short ends at the failure.
  const steady_clock::time_point zero{};
  auto& t = res.timings_;
  t.blocked = detail::since(tm.start, tm.got_conn != zero ? tm.got_conn : tm.end);
  if (tm.connect_start != zero) t.connecting = detail::since(tm.connect_start, tm.connect_end != zero ? tm.connect_end : tm.end);
  if (tm.tls_start != zero) t.tls_handshaking = detail::since(tm.tls_start, tm.tls_end != zero ? tm.tls_end : tm.end);
  if (tm.got_conn != zero) t.sending = detail::since(tm.got_conn, tm.wrote != zero ? tm.wrote : tm.end);
  if (tm.wrote != zero) t.waiting = detail::since(tm.wrote, tm.first_byte != zero ? tm.first_byte : tm.end);
  if (tm.first_byte != zero) t.receiving = detail::since(tm.first_byte, tm.end);
  t.duration = t.sending + t.waiting + t.receiving;

  if (s.conn && tm.got_conn != zero) res.remote_address_ = s.conn->remote_address;
  if (s.failure) {
    res.error_ = std::move(s.failure);
    res.status_ = 0;
    res.headers_.clear();
    res.body_.clear();
    if (s.conn) s.conn->abort();
  } else {
    const auto& parser = s.conn->parser;
    res.status_ = parser.status();
    res.protocol_ = parser.protocol();
    res.tls_version_ = s.conn->tls_version;
    if (options_->reuse_connections && parser.keep_alive() && !s.leftover) {
      s.conn->idle_since = tm.end;
      idle_.push_back(std::move(s.conn));
    } else {
      s.conn->abort();
    }
    if (options_->debug != client_options::debug_level::off) [[unlikely]] {
      debug_response();
      if (s.req.params.discard_body.value_or(options_->discard_response_bodies)) res.body_.clear();
    }
  }
  s.conn.reset();

  const auto& params = s.req.params;
  const auto user_name = params.tags.get(system_tag::name);
  metrics_.record({.method = s.req.method,
                   .url = s.target.str(),
                   .tags = &params.tags,
                   .name = user_name ? *user_name : std::string_view{s.target.str()},
                   .bytes_sent = s.bytes_sent,
                   .bytes_received = s.bytes_received,
                   .at = tm.end},
                  res, s.expected->contains(res.status()));
  if (options_->cookies && !res.error()) {
    for (const auto f : res.headers()) {
      if (detail::iequals_ascii(f.name, "set-cookie")) cookies_.store(s.target, f.value);
    }
  }
}

STAMPEDE_DECL bool client::next_hop() {
  auto& s = current_;
  auto& res = s.res;
  const auto location = !res.error() && detail::is_redirect(res.status()) && s.redirects < s.max_redirects
                            ? res.header("location")
                            : std::nullopt;
  if (!location) {
    res.url_ = s.target.release();  // the last hop: the URL moves to the response
    return false;
  }
  url next;
  std::string problem;
  try {
    next = s.target.resolve(*location);
  } catch (const usage_error& e) {
    problem = e.what();
  }
  if (!problem.empty() || (next.is_https() && !STAMPEDE_WITH_TLS)) {
    // A redirect the client cannot follow ends the chain with k6's invalid URL error.
    response failed;
    failed.error_ = {error_kind::invalid_url, k6_error::invalid_url,
                     problem.empty() ? "redirect to " + next.str() + ": this build has no TLS" : problem};
    failed.url_ = std::string{*location};
    failed.timings_ = res.timings_;
    res = std::move(failed);
    return false;
  }
  // As Go's client (and so k6): 301, 302 and 303 turn any method but GET and HEAD into a
  // GET and never send the body again; 307 and 308 keep both.
  const int st = res.status();
  auto& method = s.req.method;
  if (st == 301 || st == 302 || st == 303) {
    if (method != "GET" && method != "HEAD") method = "GET";
    s.req.body = http::body{};
  }
  // Credentials were given to one origin: a hop to another scheme, host or port drops them,
  // and they stay dropped for the rest of the chain, even back on the first origin (as Go's
  // client does since the fix of CVE-2024-45336, and browsers for Authorization). The jar
  // still adds the new origin's cookies, since the request no longer sets its own.
  if (!same_origin(s.target, next)) detail::strip_credentials(s.req.params.headers);
  s.target = std::move(next);
  ++s.redirects;
  return true;
}

STAMPEDE_DECL void client::throw_failure() {
  const auto& res = current_.res;
  throw request_failed{current_.req.method, res.url(), res.error()};
}

}  // namespace stampede::http

#include <stampede/http/impl/client_debug.ipp>
