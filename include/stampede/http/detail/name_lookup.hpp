// Where a client finds the addresses of a host, the HTTP client's and the WebSocket client's
// alike: `hosts`, an IP literal, the shared cache, else DNS, whose answer is cached and whose
// failures get k6's codes.
#pragma once

#include <stampede/http/client_options.hpp>
#include <stampede/http/dns_cache.hpp>
#include <stampede/http/error.hpp>

#include <asio/error.hpp>
#include <asio/ip/address.hpp>
#include <asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace stampede::http::detail {

/// Fills `out` (and `port`, for a `hosts` entry with one) with what is known of `host` without
/// asking DNS: a `hosts` entry, an IP literal, or the cache's answer. True when DNS need not be
/// asked: the addresses are known, or `failure` says the `hosts` entry is no address.
inline bool known_addresses(std::string_view host, const client_options& opts, const dns_cache& dns,
                            std::vector<asio::ip::address>& out, std::uint16_t& port, http::error& failure) {
  if (const auto o = opts.hosts.find(host); o != opts.hosts.end()) {
    const auto lit = dns_cache::literal(o->second);
    if (!lit) {
      failure = {error_kind::dns, k6_error::dns, "hosts entry for " + std::string{host} + " is not an IP address: " + o->second};
      return true;
    }
    out.assign(1, lit->address);
    if (lit->port) port = *lit->port;
    return true;
  }
  if (const auto lit = dns_cache::literal(host)) {
    out.assign(1, lit->address);
    return true;
  }
  return dns.find(host, std::chrono::steady_clock::now(), out);
}

/// DNS's answer for `host`: its addresses into `out`, kept in the cache for `opts.dns_ttl`; or
/// k6's error (1101 no such host, 1100 otherwise).
inline http::error take_resolved(std::string_view host, const std::error_code& ec,
                                 const asio::ip::tcp::resolver::results_type& results, const client_options& opts,
                                 dns_cache& dns, std::vector<asio::ip::address>& out) {
  if (ec || results.empty()) {
    return ec == asio::error::host_not_found || results.empty()
               ? http::error{error_kind::dns, k6_error::dns_no_such_host, "lookup " + std::string{host} + ": no such host"}
               : http::error{error_kind::dns, k6_error::dns, "lookup " + std::string{host} + ": " + ec.message()};
  }
  out.clear();
  for (const auto& r : results) out.push_back(r.endpoint().address());
  if (opts.dns_ttl > std::chrono::nanoseconds::zero()) {
    dns.put(host, out, dns_cache::expiry(std::chrono::steady_clock::now(), opts.dns_ttl));
  }
  return {};
}

}  // namespace stampede::http::detail
