// A client's cookies: kept from Set-Cookie, sent back by domain and path (k6's per-VU jar).
#pragma once

#include <stampede/http/url.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
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
/// The jar is bounded as browsers bound theirs, with RFC 6265's minimums (section 6.1) as the
/// limits: a cookie whose name and value together exceed `max_name_value_bytes` is ignored, as
/// is an attribute value longer than `max_attribute_value_bytes` (both as RFC 6265bis and
/// Chromium do); a domain holds at most `max_cookies_per_domain` cookies and the jar
/// `max_cookies`. Past a limit the jar evicts in RFC 6265 5.3's order: expired cookies, then
/// the cookies of the domain over its limit, then any; among those, the one stored or sent
/// least recently first. So a response that sets thousands of cookies leaves the last ones it
/// set, and the `Cookie` header of later requests stays bounded.
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

  /// Most bytes of a cookie's name and value together; a longer cookie is ignored.
  static constexpr std::size_t max_name_value_bytes = 4096;
  /// Most bytes of an attribute's value (`Path`, `Domain`, ...); a longer attribute is ignored.
  static constexpr std::size_t max_attribute_value_bytes = 1024;
  /// Most cookies with the same domain (the `Domain` attribute, else the host that set it).
  static constexpr std::size_t max_cookies_per_domain = 50;
  /// Most cookies in the jar.
  static constexpr std::size_t max_cookies = 3000;

  /// Keeps the cookie that one `Set-Cookie` value sets in a response from `from`; ignores
  /// values it cannot read and cookies for domains `from` may not set. Also forgets the
  /// cookies that have expired by `now`.
  void store(const url& from, std::string_view set_cookie, clock::time_point now = clock::now());
  /// Appends `name=value` pairs (joined by `"; "`, in the order the cookies were stored) of the
  /// cookies to send to `to`; returns whether it appended any. Counts as a use of those cookies
  /// for eviction.
  bool append_cookie_header(const url& to, std::string& out, clock::time_point now = clock::now());
  /// The `Cookie` header value for a request to `to` (empty for none).
  [[nodiscard]] std::string cookie_header(const url& to, clock::time_point now = clock::now()) {
    std::string out;
    append_cookie_header(to, out, now);
    return out;
  }
  /// The value of the cookie `name` that a request to `to` would send.
  [[nodiscard]] std::optional<std::string> get(const url& to, std::string_view name,
                                               clock::time_point now = clock::now()) const;

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  void clear() noexcept {
    by_domain_.clear();
    size_ = 0;
    next_expiry_ = clock::time_point::max();
  }

 private:
  struct cookie {
    std::string name, value, domain, path;
    bool host_only = true;
    bool secure = false;
    std::optional<clock::time_point> expires;
    std::uint64_t stored = 0;    // the jar's count of stores when it was stored: the send order
    std::uint64_t last_use = 0;  // the jar's count of uses when it was last stored or sent
  };
  struct domain_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  // Cookies by domain (lower case), in no order within one: what a store and an eviction
  // look at is one domain's cookies, and a request's host has only a few domains to look up.
  using domain_map = std::unordered_map<std::string, std::vector<cookie>, domain_hash, std::equal_to<>>;

  [[nodiscard]] static bool matches(const cookie& c, const url& to, clock::time_point now) noexcept;
  // Calls `f(cookie&)` for each cookie in `jar` whose domain is `host` (in lower case) or one
  // of its parent domains: the only cookies a request to `host` may get.
  template <typename Map, typename F>
  static void for_each_candidate(Map& jar, std::string_view host, F&& f);
  void forget_expired(clock::time_point now);
  // Evicts the cookie stored or sent least recently among `among`'s (all the jar's: end()).
  void evict_least_recently_used(domain_map::iterator among);
  void erase_at(domain_map::iterator slot, std::size_t i);

  domain_map by_domain_;
  std::size_t size_ = 0;
  clock::time_point next_expiry_ = clock::time_point::max();  // no cookie expires before
  std::uint64_t stores_ = 0;
  std::uint64_t uses_ = 0;
  std::string host_;             // scratch: the request's host in lower case
  std::vector<cookie*> to_send_;  // scratch: the cookies for one request
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
