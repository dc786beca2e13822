// Bodies of request validation (included by http/request.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>

namespace stampede::http {

namespace detail {
// RFC 9110 tchar.
constexpr bool is_token_char(char c) noexcept {
  const auto b = static_cast<unsigned char>(c);
  if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')) return true;
  return std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
}
}  // namespace detail

STAMPEDE_DECL void validate_method(std::string_view method) {
  if (method.empty()) throw usage_error("the HTTP method is empty");
  for (const char c : method) {
    if (!detail::is_token_char(c)) {
      throw usage_error("invalid HTTP method \"" + std::string{method} + "\": only letters, digits and !#$%&'*+-.^_`|~");
    }
  }
}

STAMPEDE_DECL void validate_header(std::string_view name, std::string_view value) {
  if (name.empty()) throw usage_error("a header has an empty name");
  for (const char c : name) {
    if (!detail::is_token_char(c)) {
      throw usage_error("invalid header name \"" + std::string{name} +
                        "\": only letters, digits and !#$%&'*+-.^_`|~ (no spaces, colons, CR or LF)");
    }
  }
  for (const char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') {
      throw usage_error("the value of header \"" + std::string{name} +
                        "\" holds a CR, LF or NUL character, which would inject header lines");
    }
  }
}

}  // namespace stampede::http
