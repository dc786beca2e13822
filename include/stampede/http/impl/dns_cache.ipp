// Bodies of dns_cache (included by http/dns_cache.hpp).
#pragma once

#include <stampede/config.hpp>

#include <algorithm>

namespace stampede::http {

namespace detail {
STAMPEDE_DECL std::optional<std::uint16_t> parse_port(std::string_view digits) noexcept {
  unsigned value = 0;
  if (digits.empty() || digits.size() > 5) return std::nullopt;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}
}  // namespace detail

STAMPEDE_DECL bool dns_cache::find(std::string_view host, clock::time_point now, std::vector<asio::ip::address>& out) const {
  const std::lock_guard lock{mutex_};
  const auto it = entries_.find(host);
  if (it == entries_.end() || it->second.expires <= now || it->second.addresses.empty()) return false;
  out.assign(it->second.addresses.begin(), it->second.addresses.end());
  return true;
}

STAMPEDE_DECL void dns_cache::put(std::string_view host, const std::vector<asio::ip::address>& addresses,
                           clock::time_point expires) {
  const std::lock_guard lock{mutex_};
  auto it = entries_.find(host);
  if (it == entries_.end()) it = entries_.emplace(std::string{host}, entry{}).first;
  it->second.addresses.assign(addresses.begin(), addresses.end());
  it->second.expires = expires;
}

STAMPEDE_DECL std::size_t dns_cache::size() const {
  const std::lock_guard lock{mutex_};
  return entries_.size();
}

STAMPEDE_DECL void dns_cache::clear() {
  const std::lock_guard lock{mutex_};
  entries_.clear();
}

STAMPEDE_DECL dns_cache::clock::time_point dns_cache::expiry(clock::time_point now, std::chrono::nanoseconds ttl) noexcept {
  if (ttl <= std::chrono::nanoseconds::zero()) return now;
  const auto d = std::chrono::duration_cast<clock::duration>(ttl);
  // `max() - now` overflows only for a negative `now`, where `now + d` cannot.
  if (now.time_since_epoch() >= clock::duration::zero() && d >= clock::time_point::max() - now) {
    return clock::time_point::max();
  }
  return now + d;
}

STAMPEDE_DECL std::optional<dns_cache::literal_address> dns_cache::literal(std::string_view text) {
  std::optional<std::uint16_t> port;
  std::string_view host = text;
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    if (close + 1 < host.size()) {
      if (host[close + 1] != ':') return std::nullopt;
      port = detail::parse_port(host.substr(close + 2));
      if (!port) return std::nullopt;
    }
    host = host.substr(1, close - 1);
  } else if (std::count(host.begin(), host.end(), ':') == 1) {
    const auto colon = host.find(':');
    port = detail::parse_port(host.substr(colon + 1));
    if (!port) return std::nullopt;
    host = host.substr(0, colon);
  }
  std::error_code ec;
  const auto address = asio::ip::make_address(std::string{host}, ec);
  if (ec) return std::nullopt;
  return literal_address{address, port};
}

}  // namespace stampede::http
