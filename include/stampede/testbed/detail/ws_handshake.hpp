// The server side of the WebSocket opening handshake (RFC 6455 4.2): whether a request to a
// WebSocket route is a valid upgrade, which subprotocol to choose, and the 101 answer.
#pragma once

#include <stampede/testbed/detail/request_parser.hpp>
#include <stampede/testbed/route.hpp>
#include <stampede/ws/detail/handshake.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stampede::testbed::detail {

/// What a WebSocket route answers a request with.
struct upgrade_decision {
  /// 101 (a valid upgrade), 426 (no `Upgrade: websocket`: a plain request) or 400 (an upgrade
  /// to WebSocket that is malformed).
  int status = 101;
  std::string_view problem{};      ///< for 426 and 400: what is wrong, static text
  bool wrong_version = false;      ///< for 400: `Sec-WebSocket-Version` is not 13
  std::string_view subprotocol{};  ///< for 101: the one chosen (a view into the route's list), or empty
};

/// `text` without leading and trailing blanks (spaces and tabs).
[[nodiscard]] constexpr std::string_view trimmed(std::string_view text) noexcept {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

/// Calls `f` with each non-empty element of a comma-separated field value (RFC 9110 5.6.1),
/// trimmed, in order.
template <class F>
constexpr void for_each_list_element(std::string_view list, F&& f) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto element = trimmed(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (!element.empty()) f(element);
  }
}

/// Whether `list` (a comma-separated field value) holds `token`, in any case.
[[nodiscard]] constexpr bool list_has_token(std::string_view list, std::string_view token) noexcept {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  bool found = false;
  for_each_list_element(list, [&](std::string_view element) {
    found = found || std::ranges::equal(element, token, [&](char a, char b) { return lower(a) == lower(b); });
  });
  return found;
}

/// Whether `key` is a `Sec-WebSocket-Key`: 16 bytes in base64, i.e. 22 base64 characters
/// and "==" (RFC 6455 4.1).
[[nodiscard]] constexpr bool valid_key(std::string_view key) noexcept {
  const auto base64 = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
  };
  return key.size() == 24 && key.ends_with("==") && std::all_of(key.begin(), key.begin() + 22, base64);
}

/// Checks `request` against RFC 6455 4.2.1 for WebSocket route `r` and picks the first
/// subprotocol offered that `r.subprotocols` holds. Extensions are never negotiated:
/// `Sec-WebSocket-Extensions` is ignored.
[[nodiscard]] inline upgrade_decision check_upgrade(const request_head& request, const route& r) {
  const auto& f = request.fields;
  if (!list_has_token(f.upgrade, "websocket")) {
    return {426, "this path is a WebSocket endpoint: send an upgrade (Upgrade: websocket, Connection: Upgrade, "
                 "Sec-WebSocket-Version: 13, Sec-WebSocket-Key)"};
  }
  if (request.method != "GET") return {400, "a WebSocket upgrade must be a GET"};
  if (request.http_major < 1 || (request.http_major == 1 && request.http_minor < 1)) {
    return {400, "a WebSocket upgrade needs HTTP/1.1"};
  }
  if (!list_has_token(f.connection, "upgrade")) return {400, "a WebSocket upgrade needs Connection: Upgrade"};
  if (trimmed(f.version) != ws::detail::websocket_version) {
    return {400, "Sec-WebSocket-Version must be 13", true};
  }
  if (!valid_key(trimmed(f.key))) {
    return {400, "Sec-WebSocket-Key must be 16 bytes in base64 (24 characters)"};
  }
  upgrade_decision out;
  for_each_list_element(f.protocol, [&](std::string_view offered) {
    if (!out.subprotocol.empty()) return;
    const auto it = std::find(r.subprotocols.begin(), r.subprotocols.end(), offered);
    if (it != r.subprotocols.end()) out.subprotocol = *it;
  });
  return out;
}

/// The `101 Switching Protocols` answer to a valid upgrade that sent `key`: `Upgrade`,
/// `Connection`, `Sec-WebSocket-Accept`, `Sec-WebSocket-Protocol` when one was chosen, then
/// the route's `extra` fields. Throws `usage_error` in a build without OpenSSL.
[[nodiscard]] inline std::string switching_protocols(std::string_view key, std::string_view subprotocol,
                                                     const std::vector<std::pair<std::string, std::string>>& extra) {
  std::string out = "HTTP/1.1 101 Switching Protocols\r\nServer: stampede-testbed\r\nUpgrade: websocket\r\n"
                    "Connection: Upgrade\r\nSec-WebSocket-Accept: ";
  out.append(ws::detail::accept_value(trimmed(key)));
  if (!subprotocol.empty()) out.append("\r\nSec-WebSocket-Protocol: ").append(subprotocol);
  for (const auto& [name, value] : extra) out.append("\r\n").append(name).append(": ").append(value);
  out.append("\r\n\r\n");
  return out;
}

}  // namespace stampede::testbed::detail
