// Host names resolved by DNS, shared by the HTTP clients of a run (k6's `dns` cache).
#pragma once

#include <asio/ip/address.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stampede::http {

/// The addresses DNS gave for host names, shared by every client made with the same cache:
/// the engine makes one per run and gives it to every VU's client, so a thousand VUs resolve a
/// name once, not a thousand times (k6 has one resolver for its whole run too). A client
/// without one makes its own.
///
/// Thread-safe behind one mutex. Clients look names up only when they open a connection,
/// never for a request on a kept-alive one, so the mutex stays off the hot path. Names that
/// need no DNS — IP literals and a client's `hosts` entries — are not stored here, so clients
/// with different `hosts` can share a cache. Failed lookups are not cached. VUs that open
/// connections before the first answer for a name arrives each ask DNS.
///
/// ```cpp
/// auto dns = std::make_shared<stampede::http::dns_cache>();
/// stampede::http::client a{ex, {}, {}, dns};
/// stampede::http::client b{ex, {}, {}, dns};  // uses what `a` resolved, until it expires
/// ```
///
/// Thread safety: every member may be called from any thread (one mutex, taken only when a
/// connection is opened).
class dns_cache {
 public:
  using clock = std::chrono::steady_clock;

  /// An IP address written as text, with the port a `hosts` entry may add.
  struct literal_address {
    asio::ip::address address{};
    std::optional<std::uint16_t> port{};
  };

  /// Replaces `out` with the addresses cached for `host`, if they are fresh at `now`, and
  /// returns whether there were any. Names are compared as written.
  bool find(std::string_view host, clock::time_point now, std::vector<asio::ip::address>& out) const;
  /// Caches `addresses` for `host` until `expires` (`clock::time_point::max()`: for good).
  void put(std::string_view host, const std::vector<asio::ip::address>& addresses, clock::time_point expires);
  /// Names cached, fresh or not.
  [[nodiscard]] std::size_t size() const;
  void clear();

  /// When an answer got at `now` expires if it lives `ttl` (`client_options::dns_ttl`):
  /// `clock::time_point::max()` when `now + ttl` is past the clock's range, as it is for the
  /// default `nanoseconds::max()`.
  [[nodiscard]] static clock::time_point expiry(clock::time_point now, std::chrono::nanoseconds ttl) noexcept;

  /// Reads an IP literal or a `hosts` value: `"1.2.3.4"`, `"1.2.3.4:8080"`, `"::1"`,
  /// `"[::1]:8080"`; empty if `text` is neither.
  [[nodiscard]] static std::optional<literal_address> literal(std::string_view text);

 private:
  struct entry {
    std::vector<asio::ip::address> addresses;
    clock::time_point expires;
  };
  mutable std::mutex mutex_;
  std::map<std::string, entry, std::less<>> entries_;
};

}  // namespace stampede::http

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/http/impl/dns_cache.ipp>
#endif
