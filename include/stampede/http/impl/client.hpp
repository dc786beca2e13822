// Bodies of client (included by http/client.hpp).
#pragma once

#include <stampede/core/asio.hpp>
#include <stampede/core/error.hpp>

#include <asio/buffer.hpp>
#include <asio/error.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <tuple>
#include <utility>

namespace stampede::http {

// ---- pieces that are not coroutines ---------------------------------------------------------

struct client::hop {
  const http::url* target = nullptr;
  std::string_view method;
  const http::body* body = nullptr;
  const request_params* params = nullptr;
  std::chrono::steady_clock::time_point deadline;
  response* res = nullptr;
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
};

namespace detail {

inline error connect_error(const std::error_code& ec) {
  if (ec == asio::error::connection_refused) return {error_kind::refused, k6_error::tcp_dial_refused, "dial: connection refused"};
  if (ec == asio::error::timed_out) return {error_kind::connect, k6_error::tcp_dial_timeout, "dial: i/o timeout"};
  return {error_kind::connect, k6_error::tcp_dial, "dial: " + ec.message()};
}

// k6's messages ("read: connection reset by peer") and codes for errors after connecting.
inline error io_error(const std::error_code& ec, std::string_view op) {
  const std::string prefix{op};
  if (ec == asio::error::connection_reset) return {error_kind::reset, k6_error::tcp_reset_by_peer, prefix + ": connection reset by peer"};
  if (ec == asio::error::broken_pipe) return {error_kind::reset, k6_error::tcp_broken_pipe, prefix + ": broken pipe"};
  if (ec == asio::error::eof) return {error_kind::closed, k6_error::generic, prefix + ": the server closed the connection"};
  return {error_kind::network, k6_error::tcp, prefix + ": " + ec.message()};
}

inline void append_number(std::string& out, std::uint64_t n) {
  std::array<char, 24> digits{};
  const auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), n);
  out.append(digits.data(), end);
}

inline std::chrono::nanoseconds since(std::chrono::steady_clock::time_point from,
                                      std::chrono::steady_clock::time_point to) {
  return to > from ? std::chrono::duration_cast<std::chrono::nanoseconds>(to - from) : std::chrono::nanoseconds{0};
}

// The fields Go's client does not copy to another origin on a redirect.
inline void strip_credentials(headers& hs) {
  for (const std::string_view name : {"authorization", "www-authenticate", "cookie", "cookie2"}) hs.erase(name);
}

inline bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace detail

inline client::client(asio::any_io_executor ex, client_options opts, metrics_target metrics,
                      std::shared_ptr<dns_cache> dns)
    : executor_{std::move(ex)},
      options_{std::move(opts)},
      metrics_{metrics},
      deadline_{executor_},
      dns_{dns ? std::move(dns) : std::make_shared<dns_cache>()} {
  if (options_.timeout <= std::chrono::nanoseconds{0}) throw usage_error("client_options::timeout must be positive");
  if (options_.max_redirects < 0) throw usage_error("client_options::max_redirects must not be negative");
#if STAMPEDE_WITH_TLS
  // Extra roots are checked now, so a bad PEM is a usage error here rather than at a request.
  if (!options_.tls_root_certificates.empty()) tls_context_ = detail::make_tls_context(options_.tls_root_certificates);
#endif
}

inline client::~client() { close(); }

inline void client::set_metrics(metrics_target metrics) { metrics_.set_target(metrics); }

inline void client::close() noexcept {
  for (auto& c : idle_) c->abort();
  idle_.clear();
}

inline std::shared_ptr<detail::connection> client::take_idle(std::string_view origin) {
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

inline void client::build_request(const hop& h) {
  const auto& u = *h.target;
  const auto& hs = h.params->headers;
  auto& out = request_buf_;
  out.clear();
  out.append(h.method).append(" ").append(u.target()).append(" HTTP/1.1\r\n");
  if (!hs.contains("host")) out.append("Host: ").append(u.authority()).append("\r\n");
  if (!options_.user_agent.empty() && !hs.contains("user-agent")) {
    out.append("User-Agent: ").append(options_.user_agent).append("\r\n");
  }
  for (const auto f : hs) {
    // The client frames the body itself; a caller's framing headers would contradict it.
    if (detail::iequals_ascii(f.name, "content-length") || detail::iequals_ascii(f.name, "transfer-encoding")) continue;
    out.append(f.name).append(": ").append(f.value).append("\r\n");
  }
  const auto& b = *h.body;
  if (!b.content_type().empty() && !hs.contains("content-type")) {
    out.append("Content-Type: ").append(b.content_type()).append("\r\n");
  }
  if (!b.empty() || h.method == "POST" || h.method == "PUT" || h.method == "PATCH") {
    out.append("Content-Length: ");
    detail::append_number(out, b.size());
    out.append("\r\n");
  }
  if (!options_.reuse_connections && !hs.contains("connection")) out.append("Connection: close\r\n");
  if (options_.cookies && !cookies_.empty() && !hs.contains("cookie")) {
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
inline task<response> client::get(std::string u) {
  http::request r{"GET", std::move(u), {}, {}};
  return request(std::move(r));
}
inline task<response> client::get(std::string u, request_params params) {
  http::request r{"GET", std::move(u), {}, std::move(params)};
  return request(std::move(r));
}
inline task<response> client::head(std::string u) {
  http::request r{"HEAD", std::move(u), {}, {}};
  return request(std::move(r));
}
inline task<response> client::head(std::string u, request_params params) {
  http::request r{"HEAD", std::move(u), {}, std::move(params)};
  return request(std::move(r));
}
inline task<response> client::options(std::string u) {
  http::request r{"OPTIONS", std::move(u), {}, {}};
  return request(std::move(r));
}
inline task<response> client::options(std::string u, request_params params) {
  http::request r{"OPTIONS", std::move(u), {}, std::move(params)};
  return request(std::move(r));
}
inline task<response> client::del(std::string u) {
  http::request r{"DELETE", std::move(u), {}, {}};
  return request(std::move(r));
}
inline task<response> client::del(std::string u, request_params params) {
  http::request r{"DELETE", std::move(u), {}, std::move(params)};
  return request(std::move(r));
}
inline task<response> client::del(std::string u, body b) {
  http::request r{"DELETE", std::move(u), std::move(b), {}};
  return request(std::move(r));
}
inline task<response> client::del(std::string u, body b, request_params params) {
  http::request r{"DELETE", std::move(u), std::move(b), std::move(params)};
  return request(std::move(r));
}
inline task<response> client::post(std::string u, body b) {
  http::request r{"POST", std::move(u), std::move(b), {}};
  return request(std::move(r));
}
inline task<response> client::post(std::string u, body b, request_params params) {
  http::request r{"POST", std::move(u), std::move(b), std::move(params)};
  return request(std::move(r));
}
inline task<response> client::put(std::string u, body b) {
  http::request r{"PUT", std::move(u), std::move(b), {}};
  return request(std::move(r));
}
inline task<response> client::put(std::string u, body b, request_params params) {
  http::request r{"PUT", std::move(u), std::move(b), std::move(params)};
  return request(std::move(r));
}
inline task<response> client::patch(std::string u, body b) {
  http::request r{"PATCH", std::move(u), std::move(b), {}};
  return request(std::move(r));
}
inline task<response> client::patch(std::string u, body b, request_params params) {
  http::request r{"PATCH", std::move(u), std::move(b), std::move(params)};
  return request(std::move(r));
}

inline task<response> client::request(http::request req) {
  // Bad input throws here, before anything touches the network.
  validate_method(req.method);
  for (const auto f : req.params.headers) validate_header(f.name, f.value);
  if (req.body.size() > options_.max_request_body_bytes) {
    throw usage_error("the request body has " + std::to_string(req.body.size()) + " bytes, over the limit of " +
                      std::to_string(options_.max_request_body_bytes) + " (client_options::max_request_body_bytes)");
  }
  if (req.params.timeout && *req.params.timeout <= std::chrono::nanoseconds{0}) {
    throw usage_error("request_params::timeout must be positive");
  }
  auto target = url::parse(std::move(req.url));
  if (!req.params.query.empty()) target = target.with_query(req.params.query);
  if (target.is_https() && !STAMPEDE_WITH_TLS) {
    throw usage_error("cannot request " + target.str() +
                      ": this build of stampede has no TLS (STAMPEDE_WITH_TLS=0; build it with OpenSSL)");
  }
  if (busy_) throw usage_error("an http::client runs one request at a time; use one client per concurrent task");
  busy_ = true;
  struct release {
    bool& flag;
    ~release() { flag = false; }
  } const guard{busy_};

  const auto& params = req.params;
  const auto& expected = params.expected_statuses ? *params.expected_statuses : options_.expected_statuses;
  const int max_redirects = params.redirects.value_or(options_.max_redirects);
  const auto user_name = params.tags.get(system_tag::name);
  std::string method = std::move(req.method);
  http::body b = std::move(req.body);
  // One deadline for the whole chain of redirects, as k6's request context has.
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            params.timeout.value_or(options_.timeout));

  for (int redirects = 0;; ++redirects) {
    response res;
    hop h;
    h.target = &target;
    h.method = method;
    h.body = &b;
    h.params = &params;
    h.res = &res;
    h.deadline = deadline;
    build_request(h);
    co_await exchange(&h);
    const bool ok = expected.contains(res.status());
    metrics_.record({.method = h.method,
                     .url = target.str(),
                     .tags = &params.tags,
                     .name = user_name ? *user_name : std::string_view{target.str()},
                     .bytes_sent = h.bytes_sent,
                     .bytes_received = h.bytes_received},
                    res, ok);
    if (options_.cookies && !res.error()) {
      for (const auto f : res.headers()) {
        if (detail::iequals_ascii(f.name, "set-cookie")) cookies_.store(target, f.value);
      }
    }
    const auto location = !res.error() && detail::is_redirect(res.status()) && redirects < max_redirects
                              ? res.header("location")
                              : std::nullopt;
    if (!location) {
      res.url_ = target.release();  // the last hop: the URL moves to the response
      co_return res;
    }
    url next;
    std::string problem;
    try {
      next = target.resolve(*location);
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
      co_return failed;
    }
    // As Go's client (and so k6): 301, 302 and 303 turn any method but GET and HEAD into a
    // GET and never send the body again; 307 and 308 keep both.
    const int s = res.status();
    if (s == 301 || s == 302 || s == 303) {
      if (method != "GET" && method != "HEAD") method = "GET";
      b = http::body{};
    }
    // Credentials were given to one origin: a hop to another scheme, host or port drops them,
    // and they stay dropped for the rest of the chain, even back on the first origin (as Go's
    // client does since the fix of CVE-2024-45336, and browsers for Authorization). The jar still adds the new origin's
    // cookies, since the request no longer sets its own.
    if (!same_origin(target, next)) detail::strip_credentials(req.params.headers);
    target = std::move(next);
  }
}

inline task<void> client::exchange(hop* h) {
  using clock = std::chrono::steady_clock;
  using tcp = asio::ip::tcp;
  response& res = *h->res;
  const url& u = *h->target;
  const auto zero = clock::time_point{};
  const auto t_start = clock::now();
  clock::time_point t_connect_start{}, t_connect_end{}, t_tls_start{}, t_tls_end{}, t_got_conn{}, t_wrote{}, t_first{};

  origin_buf_.clear();
  origin_buf_.append(u.scheme()).append("://").append(u.host()).append(":");
  detail::append_number(origin_buf_, u.port());
  auto conn = take_idle(origin_buf_);
  bool reused = conn != nullptr;
  if (reused) {
    // A pooled connection the server closed, or sent unsolicited bytes on (a 408 before an
    // idle close), is not used: a non-blocking peek must find nothing to read (peeking, not
    // reading, so a TLS record would stay where it is).
    std::error_code ec;
    conn->socket.receive(asio::buffer(conn->buffer.data(), 1), asio::socket_base::message_peek, ec);
    if (ec != asio::error::would_block && ec != asio::error::try_again) {
      conn->abort();
      conn.reset();
      reused = false;
    }
  }

  const bool head = h->method == "HEAD";
  const detail::response_parser::limits limits{options_.max_response_header_bytes, options_.max_response_body_bytes};
  http::error failure;
  bool leftover = false;
  for (int attempt = 0;; ++attempt) {
    failure = {};
    if (!conn) {
      conn = std::make_shared<detail::connection>(executor_);
      conn->origin = origin_buf_;
    }
    conn->timed_out = false;
    deadline_.expires_at(h->deadline);
    deadline_.async_wait(detail::deadline_handler{conn, ++conn->generation});

    if (!reused) {
      // Resolve: a `hosts` override or an IP literal needs no DNS and no cache; a name is
      // looked up in the cache (perhaps the run's, shared), then asked of DNS.
      auto port = u.port();
      if (const auto o = options_.hosts.find(u.host()); o != options_.hosts.end()) {
        const auto lit = dns_cache::literal(o->second);
        if (!lit) {
          failure = {error_kind::dns, k6_error::dns, "hosts entry for " + std::string{u.host()} + " is not an IP address: " + o->second};
          break;
        }
        addresses_.assign(1, lit->address);
        if (lit->port) port = *lit->port;
      } else if (const auto lit = dns_cache::literal(u.host())) {
        addresses_.assign(1, lit->address);
      } else if (!dns_->find(u.host(), clock::now(), addresses_)) {
        auto [ec, results] = co_await conn->resolver.async_resolve(std::string{u.host()}, "", net::use_nothrow);
        if (conn->timed_out) {
          failure = {error_kind::timeout, k6_error::request_timeout, "request timeout"};
          break;
        }
        if (ec || results.empty()) {
          failure = ec == asio::error::host_not_found || results.empty()
                        ? http::error{error_kind::dns, k6_error::dns_no_such_host, "lookup " + std::string{u.host()} + ": no such host"}
                        : http::error{error_kind::dns, k6_error::dns, "lookup " + std::string{u.host()} + ": " + ec.message()};
          break;
        }
        addresses_.clear();
        for (const auto& r : results) addresses_.push_back(r.endpoint().address());
        if (options_.dns_ttl > std::chrono::nanoseconds::zero()) {
          dns_->put(u.host(), addresses_, dns_cache::expiry(clock::now(), options_.dns_ttl));
        }
      }

      t_connect_start = clock::now();
      std::error_code cec = asio::error::host_not_found;
      for (const auto& address : addresses_) {
        std::error_code ignored;
        conn->socket.close(ignored);
        auto [ec] = co_await conn->socket.async_connect(tcp::endpoint{address, port}, net::use_nothrow);
        cec = ec;
        if (!ec || conn->timed_out) break;
      }
      t_connect_end = clock::now();
      if (conn->timed_out) {
        failure = {error_kind::timeout, k6_error::request_timeout, "request timeout"};
        break;
      }
      if (cec) {
        failure = detail::connect_error(cec);
        break;
      }
      ++connections_opened_;
      std::error_code ignored;
      conn->socket.set_option(tcp::no_delay(true), ignored);
      conn->socket.non_blocking(true, ignored);  // for the idle check above; async I/O is unaffected
      const auto remote = conn->socket.remote_endpoint(ignored);
      conn->remote_address = remote.address().is_v6() ? "[" + remote.address().to_string() + "]" : remote.address().to_string();
      conn->remote_address += ':';
      detail::append_number(conn->remote_address, remote.port());
#if STAMPEDE_WITH_TLS
      if (u.is_https()) {
        if (!tls_context_) tls_context_ = detail::make_tls_context({});
        conn->tls.emplace(conn->socket, *tls_context_);
        detail::configure_tls(*conn->tls, u.host(), options_.insecure_skip_tls_verify);
        t_tls_start = clock::now();
        auto [hec] = co_await conn->tls->async_handshake(asio::ssl::stream_base::client, net::use_nothrow);
        t_tls_end = clock::now();
        if (conn->timed_out) {
          failure = {error_kind::timeout, k6_error::request_timeout, "request timeout"};
          break;
        }
        if (hec) {
          failure = detail::tls_error(conn->tls->native_handle(), hec);
          break;
        }
        conn->tls_version = detail::tls_version_name(conn->tls->native_handle());
      }
#endif
    }
    t_got_conn = clock::now();

    const std::array<asio::const_buffer, 2> out{asio::buffer(request_buf_), asio::buffer(h->body->data())};
    std::error_code wec;
    std::size_t written = 0;
#if STAMPEDE_WITH_TLS
    if (conn->tls) {
      std::tie(wec, written) = co_await asio::async_write(*conn->tls, out, net::use_nothrow);
    } else
#endif
    {
      std::tie(wec, written) = co_await asio::async_write(conn->socket, out, net::use_nothrow);
    }
    h->bytes_sent += written;
    if (wec && !conn->timed_out && reused && attempt == 0) {
      // The server closed the idle connection as we reused it: once more on a new one.
      conn->abort();
      conn.reset();
      reused = false;
      continue;
    }
    if (conn->timed_out) {
      failure = {error_kind::timeout, k6_error::request_timeout, "request timeout"};
      break;
    }
    if (wec) {
      failure = detail::io_error(wec, "write");
      break;
    }
    t_wrote = clock::now();

    auto& parser = conn->parser;
    parser.start(head, !h->params->discard_body, limits, &res.headers_, &res.body_);
    std::error_code rec;
    for (;;) {
      std::error_code ec;
      std::size_t n = 0;
#if STAMPEDE_WITH_TLS
      if (conn->tls) {
        std::tie(ec, n) = co_await conn->tls->async_read_some(asio::buffer(conn->buffer), net::use_nothrow);
        // A server that closes without TLS's close_notify ends a read-to-close body all the same.
        if (ec == asio::ssl::error::stream_truncated) ec = asio::error::eof;
      } else
#endif
      {
        std::tie(ec, n) = co_await conn->socket.async_read_some(asio::buffer(conn->buffer), net::use_nothrow);
      }
      if (n > 0) {
        if (t_first == zero) t_first = clock::now();
        h->bytes_received += n;
        if (parser.feed({conn->buffer.data(), n}) < n) leftover = true;
      }
      if (parser.complete() || parser.failed()) break;
      if (ec == asio::error::eof) {
        parser.finish();
        break;
      }
      if (ec) {
        rec = ec;
        break;
      }
    }
    if (parser.complete()) break;
    const bool nothing_back = !parser.started();
    if (!conn->timed_out && reused && attempt == 0 && nothing_back) {
      conn->abort();
      conn.reset();
      reused = false;
      t_connect_start = t_connect_end = t_tls_start = t_tls_end = t_got_conn = t_wrote = t_first = zero;
      continue;
    }
    if (conn->timed_out) {
      failure = {error_kind::timeout, k6_error::request_timeout, "request timeout"};
    } else if (rec) {
      failure = detail::io_error(rec, "read");
    } else {
      failure = {parser.failure(), default_k6_code(parser.failure()), parser.failure_message()};
    }
    break;
  }
  const auto t_end = clock::now();

  // The request is over: a deadline that fires from now on must not touch the connection.
  deadline_.cancel();
  if (conn) ++conn->generation;

  // k6's phases (lib/netext/httpext/tracer.go); a phase a failure cut short ends at the failure.
  auto& t = res.timings_;
  t.blocked = detail::since(t_start, t_got_conn != zero ? t_got_conn : t_end);
  if (t_connect_start != zero) t.connecting = detail::since(t_connect_start, t_connect_end != zero ? t_connect_end : t_end);
  if (t_tls_start != zero) t.tls_handshaking = detail::since(t_tls_start, t_tls_end != zero ? t_tls_end : t_end);
  if (t_got_conn != zero) t.sending = detail::since(t_got_conn, t_wrote != zero ? t_wrote : t_end);
  if (t_wrote != zero) t.waiting = detail::since(t_wrote, t_first != zero ? t_first : t_end);
  if (t_first != zero) t.receiving = detail::since(t_first, t_end);
  t.duration = t.sending + t.waiting + t.receiving;

  if (conn && t_got_conn != zero) res.remote_address_ = conn->remote_address;
  if (failure) {
    res.error_ = std::move(failure);
    res.status_ = 0;
    res.headers_.clear();
    res.body_.clear();
    if (conn) conn->abort();
    co_return;
  }
  res.status_ = conn->parser.status();
  res.protocol_ = conn->parser.protocol();
  res.tls_version_ = conn->tls_version;
  if (options_.reuse_connections && conn->parser.keep_alive() && !leftover) {
    idle_.push_back(std::move(conn));
  } else {
    conn->abort();
  }
}

}  // namespace stampede::http
