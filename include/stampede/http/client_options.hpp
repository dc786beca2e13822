// Per-client settings: timeouts, limits, connection reuse, name resolution overrides.
#pragma once

#include <stampede/http/expected_statuses.hpp>
#include <stampede/version.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace stampede::http {

/// How a `client` behaves, k6's HTTP options where k6 has them. An aggregate:
/// `client_options{.timeout = 2s, .max_redirects = 0}`.
struct client_options {
  /// Each request's time limit, from its start to its last byte, connecting included
  /// (k6's `timeout` param, 60 s). `request_params::timeout` overrides it per request.
  std::chrono::nanoseconds timeout = std::chrono::seconds{60};
  /// Redirects followed before the 3xx itself is returned (k6's `maxRedirects`, 10); 0: none.
  int max_redirects = 10;
  /// Statuses that count as success unless a request says otherwise (k6's 200–399).
  http::expected_statuses expected_statuses{};
  /// Limit on a response's status line and header names and values, with those of any 1xx
  /// responses before it (as Go's transport counts them); more is `too_large`.
  std::size_t max_response_header_bytes = std::size_t{1} << 20;
  /// Limit on a response body (after de-chunking), kept or discarded; more is `too_large`.
  std::size_t max_response_body_bytes = std::size_t{64} << 20;
  /// Limit on a request body; a bigger one is a usage error, thrown before anything is sent.
  std::size_t max_request_body_bytes = std::size_t{64} << 20;
  /// Keep one connection per origin open between requests and iterations (k6's default).
  /// false sends `Connection: close` and connects anew for every request
  /// (k6's `noConnectionReuse`).
  bool reuse_connections = true;
  /// Sent as `User-Agent` unless a request sets its own; empty sends none.
  std::string user_agent = std::string{"stampede/"} + version_string;
  /// Between two iterations of a VU, close its connections (k6's `noVUConnectionReuse`):
  /// each iteration connects anew, as a new visitor would, while requests within one
  /// iteration still share them.
  bool reuse_connections_across_iterations = true;
  /// Read response bodies but keep none (k6's `discardResponseBodies`): the default of
  /// `request_params::discard_body`, which a request can set to keep its own.
  bool discard_response_bodies = false;
  /// Throw `http::request_failed` from a request that fails without a response (a refused
  /// connection, a reset, a timeout, a malformed response: k6's `throw`), instead of returning
  /// the response with its `error` set. The failure is recorded either way.
  bool throw_on_failure = false;
  /// Log every request and response to standard error (k6's `httpDebug`): `headers` their
  /// start lines and header fields, `full` their bodies too. Each hop of a redirect is logged
  /// as a request and its response; a request that got no response logs none.
  enum class debug_level { off, headers, full };
  debug_level debug = debug_level::off;
  /// Where `debug` writes: each dump whole, in one call, from the thread of the VU that made
  /// the request (so from several threads at once in a run). Empty: one `fwrite` to stderr
  /// per dump, which stdio locks, so dumps of different VUs never interleave.
  std::function<void(std::string_view dump)> debug_output{};
  /// At most this many requests per second, over the whole run and all its VUs (k6's `rps`); 0:
  /// no limit. Requests over the rate wait for their turn before they are sent.
  double max_requests_per_second = 0;
  /// Host names answered without DNS (k6's `hosts`): `{"api.test", "127.0.0.1"}` or with a
  /// port, `{"api.test", "127.0.0.1:8080"}`.
  std::map<std::string, std::string, std::less<>> hosts{};
  /// How long a DNS answer is reused (k6's `dns.ttl`). The default, `nanoseconds::max()`,
  /// keeps it for the whole run (k6's `ttl=inf`; k6's own default is 5 min); 0 asks DNS at
  /// every new connection. Answers live in the client's `dns_cache`, which the engine shares
  /// between all VUs of a run.
  std::chrono::nanoseconds dns_ttl = std::chrono::nanoseconds::max();
  /// Keep cookies from `Set-Cookie` and send them back (k6's per-VU cookie jar).
  bool cookies = true;
  /// For https://: accept any certificate, for any host (k6's `insecureSkipTLSVerify`).
  bool insecure_skip_tls_verify = false;
  /// For https://: PEM certificates of authorities to trust besides the system's (a test
  /// server's self-signed certificate, a company CA).
  std::string tls_root_certificates{};
};

}  // namespace stampede::http
