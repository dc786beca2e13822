// A virtual user's HTTP/1.1 client: keep-alive connections, timeouts, limits, k6's metrics.
#pragma once

#include <stampede/core/task.hpp>
#include <stampede/http/body.hpp>
#include <stampede/http/client_options.hpp>
#include <stampede/http/cookie_jar.hpp>
#include <stampede/http/detail/connection.hpp>
#include <stampede/http/detail/rate_limiter.hpp>
#include <stampede/http/detail/read_first.hpp>
#include <stampede/http/detail/request_metrics.hpp>
#include <stampede/http/detail/request_state.hpp>
#include <stampede/http/detail/tls.hpp>
#include <stampede/http/dns_cache.hpp>
#include <stampede/http/metrics_target.hpp>
#include <stampede/http/request.hpp>
#include <stampede/http/response.hpp>
#include <stampede/http/url.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/buffer.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace stampede::http {

/// An HTTP/1.1 client for one virtual user, on one `io_context`; not thread-safe, and one
/// request at a time. It keeps one connection per origin alive between requests and
/// iterations (as k6 does), reconnects when the server closed it, caches DNS answers, keeps
/// cookies, follows redirects, and records k6's HTTP metrics into its `metrics_target`.
///
/// Failures of the server or the network are values, never exceptions: the response has
/// `status() == 0` and `error()` set, the metrics record it as failed, and the next request
/// works on a fresh connection (unless `client_options::throw_on_failure` asks for
/// `request_failed`, k6's `throw`). Other exceptions (`usage_error`) are for bad input: a URL
/// without scheme or host, a bad port, spaces, an unsupported scheme, header names or values
/// with CR or LF, a request body over `max_request_body_bytes`, and `https://` in a build
/// without TLS (`STAMPEDE_WITH_TLS` 0).
///
/// ```cpp
/// stampede::http::client http{co_await asio::this_coro::executor};
/// auto res = co_await http.get("http://127.0.0.1:8080/todos", {.tags = {{"name", "todos"}}});
/// auto created = co_await http.post("http://127.0.0.1:8080/todos", http::body::json(R"({"t":1})"));
/// ```
///
/// The client must outlive its requests; destroying it closes its connections.
///
/// Thread safety: one client per VU, used from the thread of its executor; requests on one
/// client run one at a time (await each before the next). The `dns_cache` it may share with
/// other clients is thread-safe.
/// Throws: `usage_error` for bad input, as above; `request_failed` with `throw_on_failure`; else
/// never for what the server or network does.
class client {
 public:
  /// `dns` is the cache of name resolutions to share with other clients (the engine gives
  /// every VU's client the run's); null: the client makes its own. `limiter` paces requests
  /// with other clients (the engine gives every VU's client the run's, for
  /// `max_requests_per_second`); null: the client makes its own if its options set a rate.
  explicit client(asio::any_io_executor ex, client_options options = {}, metrics_target metrics = {},
                  std::shared_ptr<dns_cache> dns = nullptr, std::shared_ptr<detail::rate_limiter> limiter = nullptr);
  /// Selects the constructor whose options are shared (`client{client::shared_options, ...}`).
  struct shared_options_t {
    explicit shared_options_t() = default;
  };
  static constexpr shared_options_t shared_options{};
  /// The same, with options shared read-only by many clients: the engine gives every VU's
  /// client the test's, so that a VU does not hold a copy (hosts, headers, TLS settings).
  /// Throws `usage_error` for null options.
  client(shared_options_t, asio::any_io_executor ex, std::shared_ptr<const client_options> options,
         metrics_target metrics = {}, std::shared_ptr<dns_cache> dns = nullptr,
         std::shared_ptr<detail::rate_limiter> limiter = nullptr);
  client(const client&) = delete;
  client& operator=(const client&) = delete;
  ~client();

  // Overloads rather than default arguments: g++ 12 mishandles a class-type default argument
  // of a call inside `co_await` (the temporary is copied bit by bit into the caller's frame),
  // so `co_await client.get(url)` must not create one.
  task<response> get(std::string url);
  task<response> get(std::string url, request_params params);
  task<response> head(std::string url);
  task<response> head(std::string url, request_params params);
  task<response> options(std::string url);
  task<response> options(std::string url, request_params params);
  task<response> del(std::string url);
  task<response> del(std::string url, request_params params);
  task<response> del(std::string url, body b);
  task<response> del(std::string url, body b, request_params params);
  task<response> post(std::string url, body b);
  task<response> post(std::string url, body b, request_params params);
  task<response> put(std::string url, body b);
  task<response> put(std::string url, body b, request_params params);
  task<response> patch(std::string url, body b);
  task<response> patch(std::string url, body b, request_params params);
  /// Any method; all the others call this one.
  task<response> request(http::request req);

  /// Closes the pooled connections (k6's `noVUConnectionReuse` calls this between
  /// iterations). Requests after it connect anew.
  void close() noexcept;

  /// Keeps the request deadline's timer wait armed between requests rather than cancelling it
  /// when each request ends, which saves two timer operations and a handler per request. The
  /// armed wait is work for the io_context: `run()` does not return before it fires (the
  /// request timeout after the last request, when it finds nothing to do), the client is
  /// closed or the client is destroyed. The engine does this for its VUs, whose io_contexts
  /// it stops itself.
  void keep_deadline_armed(bool keep = true) noexcept;

  /// The options the client was made with.
  [[nodiscard]] const client_options& config() const noexcept { return *options_; }
  /// Where metrics go; the engine may point it at another VU's tags between iterations.
  void set_metrics(metrics_target metrics);
  [[nodiscard]] cookie_jar& cookies() noexcept { return cookies_; }
  /// The cache of name resolutions the client uses (perhaps shared with others).
  [[nodiscard]] dns_cache& dns() const noexcept { return *dns_; }
  /// Idle connections kept for reuse.
  [[nodiscard]] std::size_t idle_connections() const noexcept { return idle_.size(); }
  /// TCP connections made since the client was created.
  [[nodiscard]] std::uint64_t connections_opened() const noexcept { return connections_opened_; }

 private:
  // The request on the wire, hop after hop (redirects), on the state in `current_`.
  task<response> perform(std::uint64_t ticket);
  // perform() after the request's turn under `max_requests_per_second`.
  task<response> paced(std::uint64_t ticket);
  task<bool> open_connection();
  // Its steps that do not suspend, in the order perform() takes them.
  void begin_hop();     // request head, clock, a pooled connection if one is idle
  void attach();        // a new connection if needed; arms the deadline
  bool needs_lookup();  // addresses from `hosts`, a literal or the cache; else DNS is asked
  void looked_up(const std::error_code& ec, const asio::ip::tcp::resolver::results_type& results);
  bool connected(const std::error_code& ec);
#if STAMPEDE_WITH_TLS
  void begin_tls();
  bool handshaken(const std::error_code& ec);
#endif
  std::size_t write_now(std::error_code& ec);  // plain TCP: a non-blocking write of the request
  [[nodiscard]] std::array<asio::const_buffer, 2> unsent(std::size_t written) const noexcept;
  bool retry_pooled(bool nothing_written);  // a pooled connection failed before any response
  bool wrote(const std::error_code& ec);
  bool took(std::string_view bytes, const std::error_code& ec);  // feeds a read to the parser; false when done
  void read_failed();
  void end_hop();   // timings, pooling, metrics, cookies
  bool next_hop();  // follows a redirect, or finishes the response
  [[noreturn]] void throw_failure();  // throw_on_failure: the finished response's error
  void debug_request() const;   // client_options::debug: the hop's request, as sent
  void debug_response() const;  // and its response
  void build_request();
  std::shared_ptr<detail::connection> take_idle(std::string_view origin);

  asio::any_io_executor executor_;
  std::shared_ptr<const client_options> options_;  // never null
  detail::request_metrics metrics_;
  std::shared_ptr<detail::deadline_watch> deadline_;
  bool keep_deadline_armed_ = false;
  std::vector<std::shared_ptr<detail::connection>> idle_;
  std::shared_ptr<dns_cache> dns_;
  std::shared_ptr<detail::rate_limiter> limiter_;  // null: no rate limit
  cookie_jar cookies_;
  detail::request_state current_;
  std::string request_buf_;    // reused for each request's head
  std::string origin_buf_;     // reused for pool lookups
  url last_url_;               // the last URL parsed, whose parse the next request may take
  bool head_reusable_ = false;  // request_buf_ and origin_buf_ hold a plain request's, as made for
  std::string head_method_;     // this method and last_url_
  std::vector<asio::ip::address> addresses_;
#if STAMPEDE_WITH_TLS
  std::unique_ptr<asio::ssl::context> tls_context_;  // made at the first https:// request
#endif
  std::uint64_t connections_opened_ = 0;
};

}  // namespace stampede::http

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/http/impl/client.ipp>
#endif
