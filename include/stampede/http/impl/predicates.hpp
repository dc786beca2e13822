// Bodies of the response predicates (included by http/predicates.hpp).
#pragma once

#include <stampede/core/units.hpp>

namespace stampede {

namespace predicates {
inline std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}
}  // namespace predicates

inline auto status_is(int status) {
  const auto test = [status](const http::response& r) { return r.status() == status; };
  return predicates::atom<decltype(test)>{test, "status is " + std::to_string(status)};
}

inline auto status_in(int min, int max) {
  const auto test = [min, max](const http::response& r) { return r.status() >= min && r.status() <= max; };
  return predicates::atom<decltype(test)>{test, "status in " + std::to_string(min) + "-" + std::to_string(max)};
}

inline auto body_contains(std::string text) {
  auto description = "body contains " + predicates::quoted(text);
  auto test = [t = std::move(text)](const http::response& r) { return r.body().find(t) != std::string_view::npos; };
  return predicates::atom<decltype(test)>{std::move(test), std::move(description)};
}

inline auto header_is(std::string name, std::string value) {
  auto description = "header " + name + " is " + predicates::quoted(value);
  auto test = [n = std::move(name), v = std::move(value)](const http::response& r) { return r.header(n) == v; };
  return predicates::atom<decltype(test)>{std::move(test), std::move(description)};
}

inline auto duration_below(std::chrono::nanoseconds limit) {
  const auto test = [limit](const http::response& r) { return r.status() != 0 && !r.error() && r.timings().duration < limit; };
  return predicates::atom<decltype(test)>{test, "duration below " + format_go_duration(limit)};
}

}  // namespace stampede
