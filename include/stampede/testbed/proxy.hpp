// The testbed's impairing TCP proxy: latency and jitter, a bandwidth cap, sliced writes, a stall,
// a reset, a byte limit and a slow close between a client and a server, per direction and
// switchable during a run, in the manner of Toxiproxy's toxics.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace stampede::testbed {

namespace detail {
class proxy_core;
}

/// Which way bytes flow through the proxy: `upstream` from the client to the server,
/// `downstream` from the server back to the client.
enum class direction : std::uint8_t { upstream, downstream };

/// `"upstream"` or `"downstream"`.
[[nodiscard]] constexpr std::string_view to_string(direction d) noexcept {
  return d == direction::upstream ? "upstream" : "downstream";
}

/// What the proxy does to the bytes of one direction; every field off by default, so `{}`
/// passes bytes through unchanged. Each field is one of Toxiproxy's toxics:
///
/// ```cpp
/// impairment slow_mobile{.latency = 80ms, .jitter = 20ms, .bandwidth = 64 * 1024};
/// impairment flaky{.slice_bytes = 1, .slice_delay = 1ms, .limit_bytes = 4096};
/// ```
struct impairment {
  /// Every read is held this long before it is forwarded (Toxiproxy's `latency`). Reads are
  /// forwarded one after another, so bytes keep their order.
  std::chrono::nanoseconds latency{0};
  /// Each read's delay is `latency` plus a seeded draw, uniform in [-jitter, +jitter]; at most
  /// `latency`, so a delay is never negative and the mean stays `latency`.
  std::chrono::nanoseconds jitter{0};
  /// Bytes per second at most (Toxiproxy's `bandwidth`); 0: unlimited. Forwarded in pieces of
  /// about 20 ms each, paced so that n bytes take at least n / bandwidth.
  std::uint64_t bandwidth = 0;
  /// > 0: forwarded in writes of at most this many bytes (Toxiproxy's `slicer`).
  std::size_t slice_bytes = 0;
  /// The pause between two slices of one read; needs `slice_bytes`.
  std::chrono::nanoseconds slice_delay{0};
  /// Stop forwarding (Toxiproxy's `timeout` toxic with timeout 0). The bytes are held, not
  /// lost, and flow again when the stall is switched off.
  bool stall = false;
  /// Reset both sides of a connection (RST, `SO_LINGER` 0) this long after it opened
  /// (Toxiproxy's `reset_peer`). The earlier of the two directions' settings applies.
  std::optional<std::chrono::nanoseconds> reset_after{};
  /// Close the connection once this many bytes have gone this way (Toxiproxy's
  /// `limit_data`): the receiver gets exactly that many bytes, then the end of the stream.
  std::optional<std::uint64_t> limit_bytes{};
  /// When the sender closes its side, wait this long before passing the close on
  /// (Toxiproxy's `slow_close`).
  std::chrono::nanoseconds slow_close{0};

  /// Throws `usage_error` naming the field that is wrong: a negative or over-a-day duration,
  /// `jitter` over `latency`, `slice_delay` without `slice_bytes`.
  void validate() const;

  friend bool operator==(const impairment&, const impairment&) = default;
};

/// How a proxy is set up. The upstream port is required:
///
/// ```cpp
/// testbed::proxy p{{.upstream_port = srv.port(), .downstream = {.latency = 50ms}}};
/// ```
struct proxy_options {
  std::string host = "127.0.0.1";           ///< where the proxy listens: an IPv4 or IPv6 address (or "localhost")
  std::uint16_t port = 0;                   ///< 0: an ephemeral port, see `proxy::port()`
  std::string upstream_host = "127.0.0.1";  ///< the server's IP address (or "localhost"); no DNS
  std::uint16_t upstream_port = 0;          ///< the server's port; required
  std::uint64_t seed = 1;                   ///< seeds the jitter draws (per connection and direction)
  impairment upstream{};                    ///< what happens to bytes from the client to the server, at first
  impairment downstream{};                  ///< what happens to bytes from the server to the client, at first
  /// A connection to the server not made in this time counts as failed.
  std::chrono::nanoseconds connect_timeout = std::chrono::seconds{5};

  /// Throws `usage_error` naming the field that is wrong.
  void validate() const;
};

/// A copy of the proxy's counters at one moment (see `proxy::stats()`).
struct proxy_stats {
  std::uint64_t connections_accepted = 0;  ///< client connections accepted
  std::uint64_t connections_open = 0;      ///< open now (connecting or forwarding)
  std::uint64_t bytes_upstream = 0;        ///< bytes forwarded from clients to the server
  std::uint64_t bytes_downstream = 0;      ///< bytes forwarded from the server to clients
  std::uint64_t connections_reset = 0;     ///< reset by `reset_after`
  std::uint64_t connections_limited = 0;   ///< closed by `limit_bytes`
  std::uint64_t upstream_failures = 0;     ///< client connections reset because the server could not be reached
};

/// A TCP proxy in front of a server that impairs the bytes it forwards, on its own io_context
/// and thread, serving from construction to destruction. Put it between a load test and the
/// testbed server, or your own, to see what a service and its thresholds do on a bad network.
///
/// ```cpp
/// testbed::proxy p{{.upstream_port = srv.port(), .downstream = {.bandwidth = 128 * 1024}}};
/// run_load_test(p.url("/api"));
/// p.set(direction::downstream, {.stall = true});  // every connection stops answering
/// p.set({});                                       // and recovers: held bytes flow again
/// ```
///
/// Each direction of a connection reads at most 64 KiB at a time and reads no more until that
/// has been forwarded, so the client and server feel backpressure as on a slow link, and a
/// stall or a bandwidth cap holds at most 64 KiB per direction of each connection (the rest
/// waits in the kernel's socket buffers). When the server cannot be reached, the client's
/// connection is reset at once.
///
/// Thread safety: `set`, `impairments`, `stats` and `stop` may be called from any thread but the
/// proxy's own.
/// Throws: `usage_error` from the constructor for bad options (naming the field) and from
/// `set` for a bad impairment; `std::system_error` when the address cannot be bound.
class proxy {
 public:
  /// Binds and starts forwarding. Throws `usage_error` for bad options (naming the field) and
  /// `std::system_error` if the address cannot be bound.
  explicit proxy(proxy_options options);
  /// Stops (see `stop()`).
  ~proxy();
  proxy(const proxy&) = delete;
  proxy& operator=(const proxy&) = delete;

  /// The bound port (the ephemeral one when `options.port` was 0).
  [[nodiscard]] std::uint16_t port() const noexcept;
  /// `http://127.0.0.1:PORT/path` (IPv6 hosts in brackets); a path without a leading '/' gets one.
  [[nodiscard]] std::string url(std::string_view path = "/") const;

  /// Impairs direction `d` from now on, on every open and future connection: bytes read from
  /// now on get the new latency; the other fields apply from the next write (a stall switched
  /// off releases the bytes it held, a new `reset_after` counts from each connection's
  /// opening). Throws `usage_error` for a bad impairment.
  void set(direction d, const impairment& i);
  /// Impairs both directions alike (`set({})` heals the network).
  void set(const impairment& i);
  /// The impairment of direction `d` now.
  [[nodiscard]] impairment impairments(direction d) const;

  /// The counters so far.
  [[nodiscard]] proxy_stats stats() const;
  /// The options the proxy was built with (its initial impairments).
  [[nodiscard]] const proxy_options& options() const noexcept;

  /// Stops accepting, closes every connection (held bytes are dropped) and joins the thread.
  /// Idempotent; must not be called from the proxy's own thread.
  void stop();

 private:
  std::unique_ptr<detail::proxy_core> core_;
};

}  // namespace stampede::testbed

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/testbed/impl/proxy.ipp>
#endif
