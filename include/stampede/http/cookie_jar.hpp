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
/// `Expires` (any date form RFC 6265 reads: `Wed, 21 Oct 2015 07:28:00 GMT`, RFC 850's
/// `Wednesday, 21-Oct-15 07:28:00 GMT`, asctime's `Wed Oct 21 07:28:00 2015`) and `Max-Age`,
/// which wins over `Expires`. A cookie that arrives already expired (`Max-Age=0`, a past
/// date) deletes the one it names. No public-suffix list.
///
/// Expiry is wall-clock time (`std::chrono::system_clock`), since `Expires` is a date. Every
/// member that depends on the time takes `now`, so tests can fix it; the defaults read the
/// clock.
///
/// ```cpp
/// jar.store(url::parse("http://a.test/login"), "sid=42; Path=/; HttpOnly");
/// jar.cookie_header(url::parse("http://a.test/todos"));   // "sid=42"
/// ```
///
/// Thread safety: none; each VU's client owns its jar.
/// Throws: nothing for a malformed `Set-Cookie`, which is ignored as a browser would.
class cookie_jar {
 public:
  using clock = std::chrono::system_clock;

  /// Keeps the cookie that one `Set-Cookie` value sets in a response from `from`; ignores
  /// values it cannot read and cookies for domains `from` may not set. Also forgets the
  /// cookies that have expired by `now`.
  void store(const url& from, std::string_view set_cookie, clock::time_point now = clock::now());
  /// Appends `name=value` pairs (joined by `"; "`) of the cookies to send to `to`; returns
  /// whether it appended any.
  bool append_cookie_header(const url& to, std::string& out, clock::time_point now = clock::now()) const;
  /// The `Cookie` header value for a request to `to` (empty for none).
  [[nodiscard]] std::string cookie_header(const url& to, clock::time_point now = clock::now()) const {
    std::string out;
    append_cookie_header(to, out, now);
    return out;
  }
  /// The value of the cookie `name` that a request to `to` would send.
  [[nodiscard]] std::optional<std::string> get(const url& to, std::string_view name,
                                               clock::time_point now = clock::now()) const;

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

/// Reads a cookie date by RFC 6265's algorithm (section 5.1.1), which accepts the RFC 1123,
/// RFC 850 and asctime forms and the variations servers send: a time `hh:mm:ss`, a day of
/// the month, a month name and a year (two digits: 70–99 are 19xx, 00–69 20xx), in any order,
/// always UTC. Empty for text without all four or for a date that does not exist.
[[nodiscard]] std::optional<std::chrono::sys_seconds> parse_cookie_date(std::string_view text);

}  // namespace stampede::http

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/http/impl/cookie_jar.ipp>
#endif
