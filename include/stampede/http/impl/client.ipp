// Bodies of client (included by http/client.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/asio.hpp>
#include <stampede/core/error.hpp>

#include <asio/buffer.hpp>
#include <asio/error.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <tuple>
#include <utility>

namespace stampede::http {

// ---- pieces that are not coroutines ---------------------------------------------------------

namespace detail {

STAMPEDE_DECL error connect_error(const std::error_code& ec) {
  if (ec == asio::error::connection_refused) return {error_kind::refused, k6_error::tcp_dial_refused, "dial: connection refused"};
  if (ec == asio::error::timed_out) return {error_kind::connect, k6_error::tcp_dial_timeout, "dial: i/o timeout"};
  return {error_kind::connect, k6_error::tcp_dial, "dial: " + ec.message()};
}

// k6's messages ("read: connection reset by peer") and codes for errors after connecting.
STAMPEDE_DECL error io_error(const std::error_code& ec, std::string_view op) {
  const std::string prefix{op};
  if (ec == asio::error::connection_reset) return {error_kind::reset, k6_error::tcp_reset_by_peer, prefix + ": connection reset by peer"};
  if (ec == asio::error::broken_pipe) return {error_kind::reset, k6_error::tcp_broken_pipe, prefix + ": broken pipe"};
  if (ec == asio::error::eof) return {error_kind::closed, k6_error::generic, prefix + ": the server closed the connection"};
  return {error_kind::network, k6_error::tcp, prefix + ": " + ec.message()};
}

STAMPEDE_DECL void append_number(std::string& out, std::uint64_t n) {
  std::array<char, 24> digits{};
  const auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), n);
  out.append(digits.data(), end);
}

STAMPEDE_DECL std::chrono::nanoseconds since(std::chrono::steady_clock::time_point from,
                                      std::chrono::steady_clock::time_point to) {
  return to > from ? std::chrono::duration_cast<std::chrono::nanoseconds>(to - from) : std::chrono::nanoseconds{0};
}

// The fields Go's client does not copy to another origin on a redirect.
STAMPEDE_DECL void strip_credentials(headers& hs) {
  for (const std::string_view name : {"authorization", "www-authenticate", "cookie", "cookie2"}) hs.erase(name);
}

STAMPEDE_DECL bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

STAMPEDE_DECL error timeout_error() { return {error_kind::timeout, k6_error::request_timeout, "request timeout"}; }

inline constexpr std::string_view one_request_at_a_time =
    "an http::client runs one request at a time; use one client per concurrent task";

// Clears a flag when the request's coroutine ends, however it ends.
struct in_flight_guard {
  bool& flag;
  explicit in_flight_guard(bool& f) noexcept : flag{f} {}
  in_flight_guard(const in_flight_guard&) = delete;
  in_flight_guard& operator=(const in_flight_guard&) = delete;
  ~in_flight_guard() { flag = false; }
};

}  // namespace detail

STAMPEDE_DECL client::client(asio::any_io_executor ex, client_options opts, metrics_target metrics,
                      std::shared_ptr<dns_cache> dns, std::shared_ptr<detail::rate_limiter> limiter)
    : client{shared_options, std::move(ex), std::make_shared<const client_options>(std::move(opts)), metrics,
             std::move(dns), std::move(limiter)} {}

STAMPEDE_DECL client::client(shared_options_t, asio::any_io_executor ex, std::shared_ptr<const client_options> opts,
                             metrics_target metrics, std::shared_ptr<dns_cache> dns,
                             std::shared_ptr<detail::rate_limiter> limiter)
    : executor_{std::move(ex)},
      options_{opts ? std::move(opts) : throw usage_error("http::client: the shared client_options are null")},
      metrics_{metrics},
      deadline_{std::make_shared<detail::deadline_watch>(executor_)},
      dns_{dns ? std::move(dns) : std::make_shared<dns_cache>()},
      limiter_{std::move(limiter)} {
  if (options_->timeout <= std::chrono::nanoseconds{0}) throw usage_error("client_options::timeout must be positive");
  if (options_->max_redirects < 0) throw usage_error("client_options::max_redirects must not be negative");
  if (options_->max_requests_per_second < 0 || std::isnan(options_->max_requests_per_second)) {
    throw usage_error("client_options::max_requests_per_second must not be negative (0: no limit)");
  }
  if (!limiter_ && options_->max_requests_per_second > 0) {
    limiter_ = std::make_shared<detail::rate_limiter>(options_->max_requests_per_second);
  }
#if STAMPEDE_WITH_TLS
  // Extra roots are checked now, so a bad PEM is a usage error here rather than at a request.
  if (!options_->tls_root_certificates.empty()) tls_context_ = detail::make_tls_context(options_->tls_root_certificates);
#endif
}

STAMPEDE_DECL client::~client() {
  // A deadline handler that runs later finds no connection to close (it keeps the watch).
  deadline_->conn = nullptr;
  deadline_->disarm();
  close();
}

STAMPEDE_DECL void client::set_metrics(metrics_target metrics) { metrics_.set_target(metrics); }

STAMPEDE_DECL void client::keep_deadline_armed(bool keep) noexcept {
  keep_deadline_armed_ = keep;
  if (!keep && deadline_->conn == nullptr) deadline_->disarm();
}

STAMPEDE_DECL void client::close() noexcept {
  for (auto& c : idle_) c->abort();
  idle_.clear();
  if (deadline_->conn == nullptr) deadline_->disarm();  // no request in flight: no work left
}

STAMPEDE_DECL std::shared_ptr<detail::connection> client::take_idle(std::string_view origin) {
  for (std::size_t i = 0; i < idle_.size(); ++i) {
    if (idle_[i]->origin == origin) {
      auto c = std::move(idle_[i]);
      idle_[i] = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  return nullptr;
}

STAMPEDE_DECL void client::build_request() {
  const auto& s = current_;
  const auto& u = s.target;
  const auto& hs = s.req.params.headers;
  const std::string_view method = s.req.method;
  auto& out = request_buf_;
  out.clear();
  out.append(method).append(" ").append(u.target()).append(" HTTP/1.1\r\n");
  if (!hs.contains("host")) out.append("Host: ").append(u.authority()).append("\r\n");
  if (!options_->user_agent.empty() && !hs.contains("user-agent")) {
    out.append("User-Agent: ").append(options_->user_agent).append("\r\n");
  }
  for (const auto f : hs) {
    // The client frames the body itself; a caller's framing headers would contradict it.
    if (detail::iequals_ascii(f.name, "content-length") || detail::iequals_ascii(f.name, "transfer-encoding")) continue;
    out.append(f.name).append(": ").append(f.value).append("\r\n");
  }
  const auto& b = s.req.body;
  if (!b.content_type().empty() && !hs.contains("content-type")) {
    out.append("Content-Type: ").append(b.content_type()).append("\r\n");
  }
  if (!b.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    out.append("Content-Length: ");
    detail::append_number(out, b.size());
    out.append("\r\n");
  }
  if (!options_->reuse_connections && !hs.contains("connection")) out.append("Connection: close\r\n");
  if (options_->cookies && !cookies_.empty() && !hs.contains("cookie")) {
    const auto mark = out.size();
    out.append("Cookie: ");
    if (cookies_.append_cookie_header(u, out)) {
      out.append("\r\n");
    } else {
      out.resize(mark);
    }
  }
  out.append("\r\n");
}

// ---- coroutines -----------------------------------------------------------------------------

// Each builds its request in a named variable: g++ 12 also copies a braced prvalue argument of
// a coroutine into its frame bit by bit.
STAMPEDE_DECL task<response> client::get(std::string u) {
  http::request r{"GET", std::move(u), {}, {}};
  return request(std::move(r));
}
STAMPEDE_DECL task<response> client::get(std::string u, request_params params) {
  http::request r{"GET", std::move(u), {}, std::move(params)};
  return request(std::move(r));
}
STAMPEDE_DECL task<response> client::head(std::string u) {
  http::request r{"HEAD", std::move(u), {}, {}};
  return request(std::move(r));
}
STAMPEDE_DECL task<response> client::head(std::string u, request_params params) {
  http::request r{"HEAD", std::move(u), {}, std::move(params)};
  return request(std::move(r));
}
STAMPEDE_DECL task<response> client::options(std::string u) {
  http::request r{"OPTIONS", std::move(u), {}, {}};
  return request(std::move(r));
}
STAMPEDE_DECL task<response> client::options(std::string u, request_params params) {
  http::request r{"OPTIONS", std::move(u), {}, std::move(params)};
  return request(std::move(r));
}
STAMPEDE_DECL task<response> client::del(std::string u) {
  http::request r{"DELETE", std::move(u), {}, {}};
  return request(std::move(r));
}
STAMPEDE_DECL task<response> client::del(std::string u, request_params params) {
  http::request r{"DELETE", std::move(u), {}, std::move(params)};
  return request(std::move(r));
}
STAMPEDE_DECL task<response> client::del(std::string u, body b) {
  http::request r{"DELETE", std::move(u), std::move(b), {}};
  return request(std::move(r));
}
STAMPEDE_DECL task<response> client::del(std::string u, body b, request_params params) {
  http::request r{"DELETE", std::move(u), std::move(b), std::move(params)};
  return request(std::move(r));
}
STAMPEDE_DECL task<response> client::post(std::string u, body b) {
  http::request r{"POST", std::move(u), std::move(b), {}};
  return request(std::move(r));
}
STAMPEDE_DECL task<response> client::post(std::string u, body b, request_params params) {
  http::request r{"POST", std::move(u), std::move(b), std::move(params)};
  return request(std::move(r));
}
STAMPEDE_DECL task<response> client::put(std::string u, body b) {
  http::request r{"PUT", std::move(u), std::move(b), {}};
  return request(std::move(r));
}
STAMPEDE_DECL task<response> client::put(std::string u, body b, request_params params) {
  http::request r{"PUT", std::move(u), std::move(b), std::move(params)};
  return request(std::move(r));
}
STAMPEDE_DECL task<response> client::patch(std::string u, body b) {
  http::request r{"PATCH", std::move(u), std::move(b), {}};
  return request(std::move(r));
}
STAMPEDE_DECL task<response> client::patch(std::string u, body b, request_params params) {
  http::request r{"PATCH", std::move(u), std::move(b), std::move(params)};
  return request(std::move(r));
}

STAMPEDE_DECL task<response> client::request(http::request req) {
  // Bad input throws here, before anything touches the network.
  validate_method(req.method);
  for (const auto f : req.params.headers) validate_header(f.name, f.value);
  if (req.body.size() > options_->max_request_body_bytes) {
    throw usage_error("the request body has " + std::to_string(req.body.size()) + " bytes, over the limit of " +
                      std::to_string(options_->max_request_body_bytes) + " (client_options::max_request_body_bytes)");
  }
  if (req.params.timeout && *req.params.timeout <= std::chrono::nanoseconds{0}) {
    throw usage_error("request_params::timeout must be positive");
  }
  auto target = url::parse(std::move(req.url), last_url_);
  const bool known = target.str() == last_url_.str();
  if (!known) last_url_ = target;  // into the capacity it has
  const bool same_url = known && req.params.query.empty();
  if (!req.params.query.empty()) target = target.with_query(req.params.query);
  if (target.is_https() && !STAMPEDE_WITH_TLS) {
    throw usage_error("cannot request " + target.str() +
                      ": this build of stampede has no TLS (STAMPEDE_WITH_TLS=0; build it with OpenSSL)");
  }
  auto& s = current_;
  if (s.in_flight) throw usage_error(std::string{detail::one_request_at_a_time});
  s.req = std::move(req);
  s.target = std::move(target);
  s.same_url = same_url;
  s.expected = s.req.params.expected_statuses ? &*s.req.params.expected_statuses : &options_->expected_statuses;
  s.max_redirects = s.req.params.redirects.value_or(options_->max_redirects);
  s.redirects = 0;
  // A branch, not a coroutine, when there is no rate limit: perform()'s frame stays as small.
  if (limiter_) [[unlikely]] return paced(++s.ticket);
  return perform(++s.ticket);
}

// Once per request, before its first hop and outside its timings, as k6 waits for its
// limiter before the request starts.
STAMPEDE_DECL task<response> client::paced(std::uint64_t ticket) {
  co_await limiter_->acquire(executor_);
  co_return co_await perform(ticket);
}

// A new connection for the hop: DNS unless the address is known, TCP, and TLS for https://.
// False, with the failure set, when one of them fails. A coroutine of its own, so that the
// frame of perform() (and so every request on a pooled connection) has none of its locals.
STAMPEDE_DECL task<bool> client::open_connection() {
  auto& s = current_;
  if (needs_lookup()) {
    auto [ec, results] = co_await s.conn->resolver.async_resolve(std::string{s.target.host()}, "", net::use_nothrow_counted);
    looked_up(ec, results);
  }
  if (s.failure) co_return false;
  s.times.connect_start = std::chrono::steady_clock::now();
  std::error_code connect_ec = asio::error::host_not_found;
  for (const auto& address : addresses_) {
    std::error_code ignored;
    s.conn->socket.close(ignored);
    auto [ec] = co_await s.conn->socket.async_connect(asio::ip::tcp::endpoint{address, s.port}, net::use_nothrow_counted);
    connect_ec = ec;
    if (!ec || s.conn->timed_out) break;
  }
  if (!connected(connect_ec)) co_return false;
#if STAMPEDE_WITH_TLS
  if (s.target.is_https()) {
    begin_tls();
    auto [ec] = co_await s.conn->tls->async_handshake(asio::ssl::stream_base::client, net::use_nothrow_counted);
    if (!handshaken(ec)) co_return false;
  }
#endif
  co_return true;
}

// The request made on the wire, hop after hop. Its locals are few and small on purpose (the
// state lives in current_): see detail::request_state.
STAMPEDE_DECL task<response> client::perform(std::uint64_t ticket) {
  auto& s = current_;
  // Another request() call since this one took the state, or this one's coroutine runs already.
  if (s.ticket != ticket || s.in_flight) throw usage_error(std::string{detail::one_request_at_a_time});
  s.in_flight = true;
  const detail::in_flight_guard guard{s.in_flight};
  for (;;) {
    begin_hop();
    for (;;) {  // attempts: a pooled connection the server closed is replaced once
      attach();
      if (!s.reused && !co_await open_connection()) break;
      s.times.got_conn = std::chrono::steady_clock::now();

      std::error_code write_ec;
      std::size_t written = write_now(write_ec);
      if (!write_ec && written < request_buf_.size() + s.req.body.size()) {
        std::size_t n = 0;
#if STAMPEDE_WITH_TLS
        if (s.conn->tls) {
          std::tie(write_ec, n) = co_await asio::async_write(*s.conn->tls, unsent(written), net::use_nothrow_counted);
        } else
#endif
        {
          std::tie(write_ec, n) = co_await asio::async_write(s.conn->socket, unsent(written), net::use_nothrow_counted);
        }
        written += n;
      }
      s.bytes_sent += written;
      if (write_ec && retry_pooled(written == 0)) continue;
      if (!wrote(write_ec)) break;

      // Plain TCP reads without blocking, either after the shard's other ready work has run
      // (see detail::read_first) or once the socket is readable. A read started at once (as
      // Asio's async_read_some tries) would find nothing right after the request. After a read
      // that filled the buffer more may be waiting, so the next read goes first.
      bool look_first = !s.target.is_https() && detail::this_thread_read_first.wanted();
      for (bool drained = true;;) {
        std::error_code ec;
        std::string_view bytes;
#if STAMPEDE_WITH_TLS
        if (s.conn->tls) {
          std::size_t n = 0;
          std::tie(ec, n) = co_await s.conn->tls->async_read_some(asio::buffer(*s.conn->tls_buffer), net::use_nothrow_counted);
          bytes = {s.conn->tls_buffer->data(), n};
          // A server that closes without TLS's close_notify ends a read-to-close body all the same.
          if (ec == asio::ssl::error::stream_truncated) ec = asio::error::eof;
        } else
#endif
        {
          if (look_first) {
            co_await asio::post(executor_, net::use_awaitable_counted);
          } else if (drained) {
            std::tie(ec) = co_await s.conn->socket.async_wait(asio::socket_base::wait_read, net::use_nothrow_counted);
          }
          // Taken after the wait, on the thread this coroutine now runs on, and given to the
          // parser before it suspends again.
          auto& buffer = detail::this_thread_read_buffer();
          std::size_t n = 0;
          if (!ec) n = s.conn->socket.read_some(asio::buffer(buffer), ec);
          const bool nothing_yet = ec == asio::error::would_block || ec == asio::error::try_again;
          if (look_first) {
            detail::this_thread_read_first.found(!nothing_yet);
            look_first = false;
          }
          if (nothing_yet) {
            drained = true;
            continue;
          }
          drained = n < buffer.size();
          bytes = {buffer.data(), n};
        }
        if (!took(bytes, ec)) break;
      }
      if (s.conn->parser.complete()) break;
      // Nothing came back on a pooled connection: the server closed it as it was reused.
      if (s.bytes_received == 0 && retry_pooled(false)) continue;
      read_failed();
      break;
    }
    end_hop();
    if (!next_hop()) {
      if (options_->throw_on_failure && s.res.error()) [[unlikely]] throw_failure();
      co_return std::move(s.res);
    }
  }
}

}  // namespace stampede::http

#include <stampede/http/impl/client_hop.ipp>
