// Bodies of client (included by http/client.hpp).
#pragma once

#include <stampede/core/asio.hpp>
#include <stampede/core/error.hpp>
#include <stampede/metrics/registry.hpp>

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

struct client::metric_ids {
  metric_id reqs, duration, blocked, connecting, tls_handshaking, sending, waiting, receiving, failed,
      sent, received;
};

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

// What a cached tag set id was made from: compared field by field, so a steady stream of
// identical requests finds its id without building any string.
struct client::tag_cache_entry {
  tag_set vu;
  tag_set request;
  std::string method, name, url;
  std::string_view proto;
  std::string_view tls_version;
  int status = 0;
  int error_code = 0;
  bool expected = false;
  tag_set_id id = 0;
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

inline bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace detail

inline client::client(asio::any_io_executor ex, client_options opts, metrics_target metrics)
    : executor_{std::move(ex)}, options_{std::move(opts)}, deadline_{executor_} {
  if (options_.timeout <= std::chrono::nanoseconds{0}) throw usage_error("client_options::timeout must be positive");
  if (options_.max_redirects < 0) throw usage_error("client_options::max_redirects must not be negative");
#if STAMPEDE_WITH_TLS
  // Extra roots are checked now, so a bad PEM is a usage error here rather than at a request.
  if (!options_.tls_root_certificates.empty()) tls_context_ = detail::make_tls_context(options_.tls_root_certificates);
#endif
  set_metrics(metrics);
}

inline client::~client() { close(); }

inline void client::set_metrics(metrics_target metrics) {
  const bool same_recorder = ids_ && metrics.rec == metrics_.rec;
  metrics_ = metrics;
  // Cached tag-set ids are checked against the VU's tags by value, so they stay right when only
  // the tags move (a VU entering or leaving a group calls this each time); only another
  // recorder, with ids of its own, needs them rebuilt.
  if (same_recorder) return;
  ids_.reset();
  tag_cache_.clear();
  vu_tags_id_.reset();
  if (!metrics_.rec) return;
  const auto& reg = metrics_.rec->registry();
  const auto id = [&](std::string_view name) {
    const auto found = reg.find(name);
    if (!found) throw usage_error("the recorder's registry lacks the built-in metric " + std::string{name});
    return *found;
  };
  ids_ = std::make_unique<metric_ids>(metric_ids{
      id("http_reqs"), id("http_req_duration"), id("http_req_blocked"), id("http_req_connecting"),
      id("http_req_tls_handshaking"), id("http_req_sending"), id("http_req_waiting"), id("http_req_receiving"),
      id("http_req_failed"), id("data_sent"), id("data_received")});
}

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

inline tag_set_id client::tags_for(const hop& h, const response& res, bool expected, std::string_view name) {
  static const tag_set no_tags;
  const tag_set& vu = metrics_.tags ? *metrics_.tags : no_tags;
  const tag_set& own = h.params->tags;
  const auto& u = h.target->str();
  const auto same = [&](const tag_cache_entry& e) {
    return e.status == res.status() && e.error_code == res.error_code() && e.expected == expected &&
           e.proto == res.protocol() && e.tls_version == res.tls_version() && e.method == h.method && e.url == u && e.name == name && e.request == own &&
           e.vu == vu;
  };
  if (tag_cache_last_ < tag_cache_.size() && same(tag_cache_[tag_cache_last_])) return tag_cache_[tag_cache_last_].id;
  for (std::size_t i = 0; i < tag_cache_.size(); ++i) {
    if (same(tag_cache_[i])) {
      tag_cache_last_ = i;
      return tag_cache_[i].id;
    }
  }
  // k6's system tags on every HTTP sample; a request's own tags win over the VU's.
  tag_set tags = vu.merged_with(own);
  tags.set(std::string{system_tag::method}, std::string{h.method});
  tags.set(std::string{system_tag::url}, u);
  tags.set(std::string{system_tag::name}, std::string{name});
  tags.set(std::string{system_tag::status}, std::to_string(res.status()));
  tags.set(std::string{system_tag::expected_response}, expected ? "true" : "false");
  if (res.error_code() != 0) tags.set(std::string{system_tag::error_code}, std::to_string(res.error_code()));
  if (!res.protocol().empty()) tags.set(std::string{system_tag::proto}, std::string{res.protocol()});
  if (!res.tls_version().empty()) tags.set(std::string{system_tag::tls_version}, std::string{res.tls_version()});
  tag_cache_entry e{vu,           own,         std::string{h.method}, std::string{name},
                    u,            res.protocol(), res.tls_version(),   res.status(),
                    res.error_code(), expected,  metrics_.rec->intern(tags)};
  // Bounded: URLs with ids in them would otherwise grow the cache without end.
  constexpr std::size_t max_entries = 256;
  if (tag_cache_.size() < max_entries) {
    tag_cache_last_ = tag_cache_.size();
    tag_cache_.push_back(std::move(e));
  } else {
    tag_cache_last_ = tag_cache_next_;
    tag_cache_[tag_cache_next_] = std::move(e);
    tag_cache_next_ = (tag_cache_next_ + 1) % max_entries;
  }
  return tag_cache_[tag_cache_last_].id;
}

inline void client::record(const hop& h, const response& res, bool expected, std::string_view name) {
  if (!metrics_.rec || !ids_) return;
  auto& rec = *metrics_.rec;
  const auto& ids = *ids_;
  const auto at = detail::since(metrics_.run_start, std::chrono::steady_clock::now());
  const auto tags = tags_for(h, res, expected, name);
  const auto& t = res.timings();
  const auto ns = [](std::chrono::nanoseconds d) { return static_cast<double>(d.count()); };
  rec.add(ids.reqs, 1, tags, at);
  rec.add(ids.duration, ns(t.duration), tags, at);
  rec.add(ids.blocked, ns(t.blocked), tags, at);
  rec.add(ids.connecting, ns(t.connecting), tags, at);
  rec.add(ids.tls_handshaking, ns(t.tls_handshaking), tags, at);
  rec.add(ids.sending, ns(t.sending), tags, at);
  rec.add(ids.waiting, ns(t.waiting), tags, at);
  rec.add(ids.receiving, ns(t.receiving), tags, at);
  rec.add(ids.failed, expected ? 0 : 1, tags, at);
  // k6 tags data_sent and data_received with the VU's tags only; the request's would split
  // them by URL for no reader's benefit.
  static const tag_set no_tags;
  const tag_set& vu = metrics_.tags ? *metrics_.tags : no_tags;
  if (!vu_tags_id_ || vu_tags_ != vu) {
    vu_tags_ = vu;
    vu_tags_id_ = rec.intern(vu);
  }
  const auto vu_id = *vu_tags_id_;
  rec.add(ids.sent, static_cast<double>(h.bytes_sent), vu_id, at);
  rec.add(ids.received, static_cast<double>(h.bytes_received), vu_id, at);
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
    record(h, res, ok, user_name ? *user_name : std::string_view{target.str()});
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
    // As Go's client (and so k6): 303, and 301/302 after a POST, become a GET without a body.
    const int s = res.status();
    if ((s == 303 && method != "HEAD") || ((s == 301 || s == 302) && method == "POST")) {
      method = "GET";
      b = http::body{};
    }
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
      // Resolve: the `hosts` overrides, IP literals and earlier answers first.
      const auto now = clock::now();
      const auto* entry = dns_.find(u.host(), now);
      if (!entry) {
        if (const auto o = options_.hosts.find(u.host()); o != options_.hosts.end()) {
          const auto lit = detail::dns_cache::literal(o->second);
          if (!lit) {
            failure = {error_kind::dns, k6_error::dns, "hosts entry for " + std::string{u.host()} + " is not an IP address: " + o->second};
            break;
          }
          entry = &dns_.put(u.host(), *lit);
        } else if (const auto lit = detail::dns_cache::literal(u.host())) {
          entry = &dns_.put(u.host(), *lit);
        } else {
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
          detail::dns_cache::entry e;
          for (const auto& r : results) e.addresses.push_back(r.endpoint().address());
          e.expires = now + std::chrono::duration_cast<clock::duration>(options_.dns_ttl);
          entry = &dns_.put(u.host(), std::move(e));
        }
      }
      const auto port = entry->port.value_or(u.port());
      addresses_.assign(entry->addresses.begin(), entry->addresses.end());

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
