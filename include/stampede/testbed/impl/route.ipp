// Bodies of route and route matching (included by testbed/route.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>

#include <cmath>
#include <string>

namespace stampede::testbed {

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
