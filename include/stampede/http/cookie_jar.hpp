// A client's cookies: kept from Set-Cookie, sent back by domain and path (k6's per-VU jar).
#pragma once

#include <stampede/http/url.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stampede::http {

/// Cookies by RFC 6265's basic rules: host-only or domain cookies, path prefixes, `Secure`,
/// `Max-Age` (`Max-Age=0` deletes). `Expires` dates are not parsed: such cookies live as
/// long as the jar, as session cookies do. No public-suffix list.
///
/// ```cpp
/// jar.store(url::parse("http://a.test/login"), "sid=42; Path=/; HttpOnly");
/// jar.cookie_header(url::parse("http://a.test/todos"));   // "sid=42"
/// ```
class cookie_jar {
 public:
  using clock = std::chrono::steady_clock;

  /// Keeps the cookie that one `Set-Cookie` value sets in a response from `from`; ignores
  /// values it cannot read and cookies for domains `from` may not set.
  void store(const url& from, std::string_view set_cookie, clock::time_point now = clock::now());
  /// Appends `name=value` pairs (joined by `"; "`) of the cookies to send to `to`; returns
  /// whether it appended any.
  bool append_cookie_header(const url& to, std::string& out, clock::time_point now = clock::now()) const;
  /// The `Cookie` header value for a request to `to` (empty for none).
  [[nodiscard]] std::string cookie_header(const url& to) const {
    std::string out;
    append_cookie_header(to, out);
    return out;
  }
  /// The value of the cookie `name` that a request to `to` would send.
  [[nodiscard]] std::optional<std::string> get(const url& to, std::string_view name) const;

  [[nodiscard]] std::size_t size() const noexcept { return cookies_.size(); }
  [[nodiscard]] bool empty() const noexcept { return cookies_.empty(); }
  void clear() noexcept { cookies_.clear(); }

 private:
  struct cookie {
    std::string name, value, domain, path;
    bool host_only = true;
    bool secure = false;
    std::optional<clock::time_point> expires;
  };
  [[nodiscard]] static bool matches(const cookie& c, const url& to, clock::time_point now) noexcept;
  std::vector<cookie> cookies_;
};

}  // namespace stampede::http

#include <stampede/http/impl/cookie_jar.hpp>
