// Bodies of ws::client: the opening handshake on the HTTP client's connection code (included by
// ws/client.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/asio.hpp>
#include <stampede/core/error.hpp>
#include <stampede/http/detail/connection.hpp>
#include <stampede/http/detail/name_lookup.hpp>
#include <stampede/http/detail/tls.hpp>
#include <stampede/http/url.hpp>
#include <stampede/ws/detail/handshake.hpp>
#include <stampede/ws/detail/session_state.hpp>

#include <asio/buffer.hpp>
#include <asio/error.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/write.hpp>
#if STAMPEDE_WITH_TLS
#  include <asio/ssl/error.hpp>
#endif

#include <chrono>
#include <random>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace stampede::ws {

/// What sessions keep of their client, which they may outlive.
struct client::shared {
  http::client_options connection;
  std::shared_ptr<http::dns_cache> dns;
#if STAMPEDE_WITH_TLS
  std::shared_ptr<asio::ssl::context> tls;  // made at the first wss:// connect
#endif
  std::uint64_t seed = 0;  // the next session's seed: keys and masks
};

namespace detail {

// ws:// and wss:// as http:// and https://, which name the same origins (RFC 6455 3).
STAMPEDE_DECL http::url parse_ws_url(const std::string& text) {
  std::string as_http;
  if (text.starts_with("ws://")) {
    as_http = "http://" + text.substr(5);
  } else if (text.starts_with("wss://")) {
    as_http = "https://" + text.substr(6);
  } else if (text.starts_with("http://") || text.starts_with("https://")) {
    as_http = text;
  } else {
    throw usage_error("cannot connect to " + text + ": a WebSocket URL starts with ws:// or wss://");
  }
  return http::url::parse(std::move(as_http));
}

// splitmix64: each session's seed from the client's.
STAMPEDE_DECL std::uint64_t next_seed(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31U);
}

// The addresses to try for `target`, found as the HTTP client finds them.
STAMPEDE_DECL task<ws::error> resolve(session_state& s, const http::url& target, const http::client_options& opts,
                                      http::dns_cache& dns, std::vector<asio::ip::address>& out, std::uint16_t& port) {
  const auto host = target.host();
  port = target.port();
  ws::error failure;
  if (http::detail::known_addresses(host, opts, dns, out, port, failure)) co_return failure;
  auto [ec, results] = co_await s.conn.resolver.async_resolve(std::string{host}, "", net::use_nothrow_counted);
  if (s.timed_out) co_return http::detail::timeout_error();
  co_return http::detail::take_resolved(host, ec, results, opts, dns, out);
}

// DNS, TCP, TLS, the upgrade request and its answer read by the HTTP response parser, within
// the deadline armed by the caller. The bytes after the answer stay in the read buffer for
// the frame decoder.
STAMPEDE_DECL task<ws::error> open_connection(session_state& s, const http::url& target, const std::string& request,
                                              const http::client_options& opts, http::dns_cache& dns,
                                              [[maybe_unused]] const std::shared_ptr<void>& tls_context) {
  auto& c = s.conn;
  std::vector<asio::ip::address> addresses;
  std::uint16_t port = 0;
  // Awaited in a statement of its own: g++ 12 resumes a finished frame when a co_await is
  // the initializer of an if's declaration.
  auto resolved = co_await resolve(s, target, opts, dns, addresses, port);
  if (resolved) co_return resolved;
  std::error_code connect_ec = asio::error::host_not_found;
  for (const auto& address : addresses) {
    std::error_code ignored;
    c.socket.close(ignored);
    auto [ec] = co_await c.socket.async_connect(asio::ip::tcp::endpoint{address, port}, net::use_nothrow_counted);
    connect_ec = ec;
    if (!ec || s.timed_out) break;
  }
  if (s.timed_out) co_return http::detail::timeout_error();
  if (connect_ec) co_return http::detail::connect_error(connect_ec);
  std::error_code ignored;
  c.socket.set_option(asio::ip::tcp::no_delay(true), ignored);
  c.socket.non_blocking(true, ignored);  // for the writes tried at once
  const auto remote = c.socket.remote_endpoint(ignored);
  c.remote_address = remote.address().to_string();
#if STAMPEDE_WITH_TLS
  if (target.is_https()) {
    s.tls_context = std::static_pointer_cast<asio::ssl::context>(tls_context);
    c.tls = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(c.socket, *s.tls_context);
    http::detail::configure_tls(*c.tls, target.host(), opts.insecure_skip_tls_verify);
    auto [ec] = co_await c.tls->async_handshake(asio::ssl::stream_base::client, net::use_nothrow_counted);
    if (s.timed_out) co_return http::detail::timeout_error();
    if (ec) co_return http::detail::tls_error(c.tls->native_handle(), ec);
    c.tls_version = http::detail::tls_version_name(c.tls->native_handle());
  }
#endif
  std::error_code write_ec;
  std::size_t written = 0;
#if STAMPEDE_WITH_TLS
  if (c.tls) {
    std::tie(write_ec, written) = co_await asio::async_write(*c.tls, asio::buffer(request), net::use_nothrow_counted);
  } else
#endif
  {
    std::tie(write_ec, written) = co_await asio::async_write(c.socket, asio::buffer(request), net::use_nothrow_counted);
  }
  if (written > 0) record(s, &ws_metric_ids::data_sent, static_cast<double>(written), true);
  if (s.timed_out) co_return http::detail::timeout_error();
  if (write_ec) co_return http::detail::io_error(write_ec, "write");

  c.parser.start(false, true, {s.options.max_response_header_bytes, s.options.max_response_body_bytes}, &s.headers, &s.body);
  for (;;) {
    std::error_code ec;
    std::size_t n = 0;
#if STAMPEDE_WITH_TLS
    if (c.tls) {
      std::tie(ec, n) = co_await c.tls->async_read_some(asio::buffer(s.buffer), net::use_nothrow_counted);
      if (ec == asio::ssl::error::stream_truncated) ec = asio::error::eof;
    } else
#endif
    {
      std::tie(ec, n) = co_await c.socket.async_read_some(asio::buffer(s.buffer), net::use_nothrow_counted);
    }
    if (n > 0) {
      record(s, &ws_metric_ids::data_received, static_cast<double>(n), true);
      const auto used = c.parser.feed({s.buffer.data(), n});
      if (c.parser.complete()) {
        s.read_at = used;  // the first frames, if they came with the answer
        s.read_end = n;
        break;
      }
    }
    if (c.parser.failed()) co_return ws::error{c.parser.failure(), http::k6_error::generic, c.parser.failure_message()};
    if (s.timed_out) co_return http::detail::timeout_error();
    if (ec == asio::error::eof) {
      c.parser.finish();
      if (c.parser.complete()) break;
      co_return ws::error{c.parser.failure(), http::k6_error::generic, c.parser.failure_message()};
    }
    if (ec) co_return http::detail::io_error(ec, "read");
  }
  s.status = c.parser.status();
  co_return ws::error{};
}

// The session's metric ids and the VU's tags, before the connect.
STAMPEDE_DECL void prepare_metrics(session_state& s, const http::metrics_target& m) {
  if (m.rec == nullptr) return;
  const auto& reg = m.rec->registry();
  const auto id = [&](std::string_view name) {
    const auto found = reg.find(name);
    if (!found) throw usage_error("the recorder's registry lacks the built-in metric " + std::string{name});
    return *found;
  };
  s.rec = m.rec;
  s.ids = ws_metric_ids{id("ws_sessions"),  id("ws_connecting"),    id("ws_session_duration"), id("ws_msgs_sent"),
                        id("ws_msgs_received"), id("ws_ping"), id("data_sent"), id("data_received")};
  static const tag_set no_tags;
  s.vu_tags = m.rec->intern(m.tags ? *m.tags : no_tags);
  s.tags = s.vu_tags;  // until the answer: the handshake's bytes carry the VU's tags only
  s.run_start = m.run_start;
}

// k6's tags of a session's samples: the VU's and the params', then url, status and subproto
// (those the run keeps), once the answer is known.
STAMPEDE_DECL void tag_session(session_state& s, const http::metrics_target& m, const tag_set& own) {
  if (s.rec == nullptr) return;
  static const tag_set no_tags;
  tag_set tags = (m.tags ? *m.tags : no_tags).merged_with(own);
  const auto& enabled = m.system_tags;
  const auto set = [&](system_tag_set::tag_bit b, std::string_view tag, std::string value) {
    if (enabled.has(b)) tags.set(std::string{tag}, std::move(value));
  };
  set(system_tag_set::url, system_tag::url, s.url);
  if (s.status != 0) {
    set(system_tag_set::status, system_tag::status, std::to_string(s.status));
    set(system_tag_set::subproto, system_tag::subproto, std::string{s.headers.get("sec-websocket-protocol").value_or("")});
  }
  if (!s.conn.remote_address.empty()) set(system_tag_set::ip, system_tag::ip, s.conn.remote_address);
  s.tags = s.rec->intern(tags);
}

}  // namespace detail

STAMPEDE_DECL client::client(asio::any_io_executor ex, client_options options, http::client_options connection,
                             http::metrics_target metrics, std::shared_ptr<http::dns_cache> dns, http::cookie_jar* cookies)
    : executor_{std::move(ex)},
      options_{std::move(options)},
      metrics_{metrics},
      shared_{std::make_shared<shared>()},
      cookies_{cookies} {
  const auto positive = [](std::chrono::nanoseconds d, const char* name) {
    if (d <= std::chrono::nanoseconds{0}) throw usage_error(std::string{"ws::client_options::"} + name + " must be positive");
  };
  positive(options_.connect_timeout, "connect_timeout");
  positive(options_.write_timeout, "write_timeout");
  positive(options_.close_timeout, "close_timeout");
  if (options_.max_message_bytes == 0) throw usage_error("ws::client_options::max_message_bytes must be positive");
  shared_->connection = std::move(connection);
  shared_->dns = dns ? std::move(dns) : std::make_shared<http::dns_cache>();
  shared_->seed = std::random_device{}() * 0x100000001B3ULL ^ static_cast<std::uint64_t>(detail::clock::now().time_since_epoch().count());
  if (!cookies_) {
    own_cookies_ = std::make_unique<http::cookie_jar>();
    cookies_ = own_cookies_.get();
  }
#if STAMPEDE_WITH_TLS
  // Extra roots are checked now, so a bad PEM is a usage error here rather than at a connect.
  if (!shared_->connection.tls_root_certificates.empty()) {
    shared_->tls = http::detail::make_tls_context(shared_->connection.tls_root_certificates);
  }
#endif
}

STAMPEDE_DECL client::~client() = default;

STAMPEDE_DECL task<session> client::connect(std::string url) {
  connect_params params;
  return connect(std::move(url), std::move(params));
}

STAMPEDE_DECL task<session> client::connect(std::string url, connect_params params) {
  // Bad input throws here, before anything touches the network.
  const auto target = detail::parse_ws_url(url);
  if (!detail::handshake_supported) {
    throw usage_error("cannot connect to " + url + ": this build of stampede has no OpenSSL (STAMPEDE_WITH_TLS=0), "
                      "which the WebSocket handshake needs for SHA-1");
  }
  if (params.timeout && *params.timeout <= std::chrono::nanoseconds{0}) throw usage_error("ws::connect_params::timeout must be positive");
  auto& sh = *shared_;
  auto st = std::make_shared<detail::session_state>(executor_, options_, detail::next_seed(sh.seed));
  st->url = url;
  const auto key = detail::handshake_key::random(st->masks);
  const auto fields = detail::upgrade_request_headers(target.authority(), key, params.subprotocols, params.headers);
  std::string request;
  request.append("GET ").append(target.target()).append(" HTTP/1.1\r\n");
  for (const auto f : fields) request.append(f.name).append(": ").append(f.value).append("\r\n");
  if (sh.connection.cookies && !fields.contains("cookie")) {
    const auto mark = request.size();
    request.append("Cookie: ");
    if (cookies_->append_cookie_header(target, request)) {
      request.append("\r\n");
    } else {
      request.resize(mark);
    }
  }
  request.append("\r\n");
#if STAMPEDE_WITH_TLS
  if (target.is_https() && !sh.tls) sh.tls = http::detail::make_tls_context({});
  const std::shared_ptr<void> tls_context = sh.tls;
#else
  const std::shared_ptr<void> tls_context;
#endif

  detail::prepare_metrics(*st, metrics_);

  st->started = detail::clock::now();
  detail::arm(*st, detail::deadline_after(params.timeout.value_or(options_.connect_timeout)), true);
  auto failure = co_await detail::open_connection(*st, target, request, sh.connection, *sh.dns, tls_context);
  detail::disarm(*st);
  const auto connecting = detail::clock::now() - st->started;
  if (st->status != 0) {
    if (sh.connection.cookies) {
      for (const auto value : st->headers.get_all("set-cookie")) cookies_->store(target, value);
    }
    if (!failure) {
      auto check = detail::check_upgrade_response(st->status, st->headers, key, params.subprotocols);
      if (check.ok()) {
        st->subprotocol = std::move(check.subprotocol);
      } else {
        failure = {error_kind::protocol, http::k6_error::generic, "websocket: bad handshake: " + check.problem};
      }
    }
  }

  detail::tag_session(*st, metrics_, params.tags);
  // As k6: every connect is a session, and its time is recorded, whether it succeeded or not.
  detail::record(*st, &detail::ws_metric_ids::sessions, 1);
  detail::record(*st, &detail::ws_metric_ids::connecting,
                 static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(connecting).count()));
  if (failure) {
    detail::end_session(*st, std::move(failure), close_code::abnormal);
    co_return session{std::move(st)};
  }
  st->opened = true;
  st->state = detail::phase::open;
  ++sessions_opened_;
  co_return session{std::move(st)};
}

STAMPEDE_DECL task<session> client::connect(std::string url, connect_params params, session_handlers handlers) {
  auto s = co_await connect(std::move(url), std::move(params));
  if (s.ok()) (void)co_await s.run(std::move(handlers));
  co_return s;
}

}  // namespace stampede::ws
