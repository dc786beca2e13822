// A client's cache of resolved addresses, with the `hosts` overrides and IP literals.
#pragma once

#include <asio/ip/address.hpp>
#include <asio/ip/tcp.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stampede::http::detail {

/// Endpoints by host name (port applied at lookup). Lookups of cached names do not allocate.
class dns_cache {
 public:
  using clock = std::chrono::steady_clock;
  struct entry {
    std::vector<asio::ip::address> addresses;
    std::optional<std::uint16_t> port;  // from a `hosts` override "ip:port"
    clock::time_point expires;           // max(): never
  };

  /// The cached entry for `host`, if fresh.
  [[nodiscard]] const entry* find(std::string_view host, clock::time_point now) const {
    const auto it = entries_.find(host);
    if (it == entries_.end() || it->second.expires <= now) return nullptr;
    return &it->second;
  }
  const entry& put(std::string_view host, entry e) {
    auto it = entries_.find(host);
    if (it == entries_.end()) it = entries_.emplace(std::string{host}, entry{}).first;
    it->second = std::move(e);
    return it->second;
  }
  void clear() noexcept { entries_.clear(); }

  /// An entry for an IP literal or a `hosts` value (`"1.2.3.4"`, `"1.2.3.4:8080"`,
  /// `"[::1]:8080"`, `"::1"`), which never expires; empty if `text` is neither.
  [[nodiscard]] static std::optional<entry> literal(std::string_view text) {
    std::error_code ec;
    std::optional<std::uint16_t> port;
    std::string host{text};
    if (!host.empty() && host.front() == '[') {
      const auto close = host.find(']');
      if (close == std::string::npos) return std::nullopt;
      if (close + 1 < host.size()) {
        if (host[close + 1] != ':') return std::nullopt;
        port = parse_port(std::string_view{host}.substr(close + 2));
        if (!port) return std::nullopt;
      }
      host = host.substr(1, close - 1);
    } else if (std::count(host.begin(), host.end(), ':') == 1) {
      const auto colon = host.find(':');
      port = parse_port(std::string_view{host}.substr(colon + 1));
      if (!port) return std::nullopt;
      host.resize(colon);
    }
    const auto address = asio::ip::make_address(host, ec);
    if (ec) return std::nullopt;
    return entry{{address}, port, clock::time_point::max()};
  }

 private:
  static std::optional<std::uint16_t> parse_port(std::string_view digits) {
    unsigned value = 0;
    if (digits.empty() || digits.size() > 5) return std::nullopt;
    for (const char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
  }
  std::map<std::string, entry, std::less<>> entries_;
};

}  // namespace stampede::http::detail
