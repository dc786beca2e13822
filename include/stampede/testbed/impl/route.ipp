// Bodies of route and route matching (included by testbed/route.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>

namespace stampede::testbed {

namespace detail {
// RFC 9110's token: a field name is one.
constexpr bool field_name_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
}
constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr bool same_field_name(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

// The checks that only WebSocket routes, or only routes that publish to one, need.
inline void validate_websocket(const route& r, const std::string& where) {
  if (static_cast<unsigned>(r.websocket) > static_cast<unsigned>(websocket_mode::broadcast)) {
    throw usage_error(where + "websocket is not a websocket_mode");
  }
  if (r.websocket == websocket_mode::none) {
    if (!r.subprotocols.empty()) throw usage_error(where + "subprotocols are for WebSocket routes (set websocket)");
  } else {
#if !STAMPEDE_WITH_TLS
    throw usage_error(where + "websocket needs OpenSSL's libcrypto for the handshake (SHA-1 of "
                              "Sec-WebSocket-Accept), and this build of stampede has no OpenSSL (STAMPEDE_WITH_TLS=0)");
#endif
    if (r.method != "GET") throw usage_error(where + "a WebSocket route's method must be GET (an upgrade is a GET)");
    if (!r.publish.empty()) {
      throw usage_error(where + "publish is for HTTP routes; a WebSocket route's messages go to its own sessions");
    }
    for (std::size_t i = 0; i < r.subprotocols.size(); ++i) {
      const auto& name = r.subprotocols[i];
      const auto field = where + "subprotocols[" + std::to_string(i) + "] (\"" + name + "\"): ";
      if (name.empty() || !std::all_of(name.begin(), name.end(), field_name_char)) {
        throw usage_error(field + "a subprotocol must be a token: letters, digits and !#$%&'*+-.^_`|~");
      }
      if (std::find(r.subprotocols.begin(), r.subprotocols.begin() + static_cast<std::ptrdiff_t>(i), name) !=
          r.subprotocols.begin() + static_cast<std::ptrdiff_t>(i)) {
        throw usage_error(field + "listed twice");
      }
    }
    // The handshake's own fields: the server writes them from the request and `subprotocols`.
    for (std::size_t i = 0; i < r.headers.size(); ++i) {
      const auto& name = r.headers[i].first;
      if (same_field_name(name, "Upgrade") ||
          (name.size() >= 14 && same_field_name(std::string_view{name}.substr(0, 14), "Sec-WebSocket-"))) {
        throw usage_error(where + "headers[" + std::to_string(i) + "] (\"" + name +
                          "\"): the server writes the handshake's fields itself; set subprotocols to choose one");
      }
    }
  }
  if (!r.publish.empty() && (r.publish.front() != '/' || r.publish.find_first_of("?# \r\n") != std::string::npos)) {
    throw usage_error(where + "publish must be the path of a WebSocket route (starting with '/'), got \"" +
                      r.publish + "\"");
  }
}
}  // namespace detail

STAMPEDE_DECL void route::validate() const {
  const auto where = "route " + method + " " + path + ": ";
  if (method.empty()) throw usage_error(where + "method must not be empty");
  for (const char c : method) {
    const bool token = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '*';
    if (!token) throw usage_error(where + "method has a character not allowed in a method");
  }
  if (path.empty() || path.front() != '/') throw usage_error(where + "path must start with '/'");
  if (path.find_first_of("?# \r\n") != std::string::npos) {
    throw usage_error(where + "path must not hold '?', '#', spaces or line breaks");
  }
  if (status < 100 || status > 599) throw usage_error(where + "status must be in [100, 599], got " + std::to_string(status));
  if (error_status < 100 || error_status > 599) {
    throw usage_error(where + "error_status must be in [100, 599], got " + std::to_string(error_status));
  }
  if (!(error_rate >= 0 && error_rate <= 1)) {
    throw usage_error(where + "error_rate must be in [0, 1], got " + std::to_string(error_rate));
  }
  if (content_type.find_first_of("\r\n") != std::string::npos) {
    throw usage_error(where + "content_type must not hold line breaks");
  }
  // The server writes these itself (`content_type` sets the type): a second length, or a close
  // the connection does not know of, would change what the client reads as the answer.
  constexpr std::array<std::string_view, 4> framing{"Content-Type", "Content-Length", "Transfer-Encoding", "Connection"};
  for (std::size_t i = 0; i < headers.size(); ++i) {
    const std::string& name = headers[i].first;
    const std::string& value = headers[i].second;
    const auto field = where + "headers[" + std::to_string(i) + "] (\"" + name + "\"): ";
    if (name.empty() || !std::all_of(name.begin(), name.end(), detail::field_name_char)) {
      throw usage_error(field + "the name must be a token: letters, digits and !#$%&'*+-.^_`|~");
    }
    if (value.find_first_of(std::string_view{"\r\n\0", 3}) != std::string::npos) {
      throw usage_error(field + "the value must not hold CR, LF or NUL");
    }
    const auto reframes = [&name](std::string_view f) { return detail::same_field_name(name, f); };
    if (std::any_of(framing.begin(), framing.end(), reframes)) {
      throw usage_error(field + "the server writes this field itself" +
                        (detail::same_field_name(name, "Content-Type") ? std::string{"; set content_type"} : std::string{}));
    }
  }
  detail::validate_websocket(*this, where);
}

STAMPEDE_DECL std::string_view target_path(std::string_view target) noexcept {
  return target.substr(0, target.find_first_of("?#"));
}

STAMPEDE_DECL route_match find_route(const std::vector<route>& routes, std::string_view method,
                              std::string_view target) noexcept {
  const auto path = target_path(target);
  const bool head = method == "HEAD";
  bool path_known = false;
  for (const auto& r : routes) {
    if (r.path != path) continue;
    path_known = true;
    if (r.method == "*" || r.method == method) return {route_match::outcome::found, &r, head};
    if (head && r.method == "GET") return {route_match::outcome::found, &r, true};
  }
  return {path_known ? route_match::outcome::method_not_allowed : route_match::outcome::not_found, nullptr, false};
}

STAMPEDE_DECL std::vector<route> default_routes() {
  return {route{.path = "/", .body = "ok"}};
}

}  // namespace stampede::testbed
