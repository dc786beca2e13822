// Bodies of cookie_jar (included by http/cookie_jar.hpp).
#pragma once

#include <stampede/config.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>

namespace stampede::http {

namespace detail {
STAMPEDE_DECL std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
STAMPEDE_DECL std::string lower_ascii(std::string_view s) {
  std::string out{s};
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}
// RFC 6265 5.1.3: host equals domain, or ends with "." + domain.
STAMPEDE_DECL bool domain_matches(std::string_view host, std::string_view domain) noexcept {
  if (iequals_ascii(host, domain)) return true;
  return host.size() > domain.size() && host[host.size() - domain.size() - 1] == '.' &&
         iequals_ascii(host.substr(host.size() - domain.size()), domain);
}
// RFC 6265 5.1.4.
STAMPEDE_DECL bool path_matches(std::string_view request_path, std::string_view cookie_path) noexcept {
  if (!request_path.starts_with(cookie_path)) return false;
  return request_path.size() == cookie_path.size() || cookie_path.ends_with('/') ||
         request_path[cookie_path.size()] == '/';
}
// RFC 6265 5.1.1's delimiters between the tokens of a date.
STAMPEDE_DECL bool is_date_delimiter(char ch) noexcept {
  const auto c = static_cast<unsigned char>(ch);
  return c == 0x09 || (c >= 0x20 && c <= 0x2F) || (c >= 0x3B && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
         (c >= 0x7B && c <= 0x7E);
}
STAMPEDE_DECL bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Reads 1 to `most` digits at the start of `token` into `out`; the rest must be empty or start
// with a non-digit (RFC 6265's `1*2DIGIT ( non-digit *OCTET )`). Returns the digits read, or 0.
STAMPEDE_DECL std::size_t leading_number(std::string_view token, std::size_t least, std::size_t most, int& out) noexcept {
  std::size_t n = 0;
  int value = 0;
  while (n < token.size() && is_digit(token[n])) {
    if (++n > most) return 0;
    value = value * 10 + (token[n - 1] - '0');
  }
  if (n < least) return 0;
  out = value;
  return n;
}

// `hh:mm:ss` with one or two digits each, then optionally a non-digit and anything.
STAMPEDE_DECL bool read_time(std::string_view token, int& h, int& m, int& s) noexcept {
  int* const parts[] = {&h, &m, &s};
  for (std::size_t i = 0; i < 3; ++i) {
    const auto n = leading_number(token, 1, 2, *parts[i]);
    if (n == 0) return false;
    token.remove_prefix(n);
    if (i < 2) {
      if (token.empty() || token.front() != ':') return false;
      token.remove_prefix(1);
    }
  }
  return true;
}

// 1 to 12 for a token starting with a month's three-letter name, in any case; else 0.
STAMPEDE_DECL int month_number(std::string_view token) noexcept {
  constexpr std::array<std::string_view, 12> months{"jan", "feb", "mar", "apr", "may", "jun",
                                                    "jul", "aug", "sep", "oct", "nov", "dec"};
  if (token.size() < 3) return 0;
  for (std::size_t i = 0; i < months.size(); ++i) {
    if (iequals_ascii(token.substr(0, 3), months[i])) return static_cast<int>(i) + 1;
  }
  return 0;
}
}  // namespace detail

STAMPEDE_DECL std::optional<std::chrono::sys_seconds> parse_cookie_date(std::string_view text) {
  std::optional<int> day, month, year;
  bool have_time = false;
  int h = 0, m = 0, s = 0;
  while (!text.empty()) {
    while (!text.empty() && detail::is_date_delimiter(text.front())) text.remove_prefix(1);
    std::size_t end = 0;
    while (end < text.size() && !detail::is_date_delimiter(text[end])) ++end;
    const auto token = text.substr(0, end);
    text.remove_prefix(end);
    if (token.empty()) continue;
    int value = 0;
    // Each production is tried in the RFC's order, and each is taken from its first match only.
    if (!have_time && detail::read_time(token, h, m, s)) {
      have_time = true;
    } else if (!day && detail::leading_number(token, 1, 2, value) != 0) {
      day = value;
    } else if (!month && (value = detail::month_number(token)) != 0) {
      month = value;
    } else if (!year && detail::leading_number(token, 2, 4, value) != 0) {
      year = value;
    }
  }
  if (!have_time || !day || !month || !year) return std::nullopt;
  if (*year >= 70 && *year <= 99) *year += 1900;
  if (*year >= 0 && *year <= 69) *year += 2000;
  if (*day < 1 || *day > 31 || *year < 1601 || h > 23 || m > 59 || s > 59) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                                         std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) return std::nullopt;  // 31 April, 29 February of a common year
  return std::chrono::sys_days{date} + std::chrono::hours{h} + std::chrono::minutes{m} + std::chrono::seconds{s};
}

namespace detail {
// `now + d` for a cookie's expiry, saturated: system_clock counts nanoseconds in 64 bits
// (years 1678 to 2262 with libstdc++), and "Fri, 31 Dec 9999 23:59:59 GMT" is a common date.
STAMPEDE_DECL cookie_jar::clock::time_point cookie_time(std::chrono::sys_seconds t) noexcept {
  using tp = cookie_jar::clock::time_point;
  constexpr auto lo = std::chrono::floor<std::chrono::seconds>(tp::min()) + std::chrono::seconds{1};
  constexpr auto hi = std::chrono::floor<std::chrono::seconds>(tp::max());
  if (t <= lo) return tp::min();
  if (t >= hi) return tp::max();
  return std::chrono::time_point_cast<tp::duration>(t);
}
}  // namespace detail

STAMPEDE_DECL void cookie_jar::store(const url& from, std::string_view set_cookie, clock::time_point now) {
  auto semicolon = set_cookie.find(';');
  const auto pair = set_cookie.substr(0, semicolon);
  const auto eq = pair.find('=');
  if (eq == std::string_view::npos) return;
  const auto name = detail::trim_ows(pair.substr(0, eq));
  const auto value = detail::trim_ows(pair.substr(eq + 1));
  // RFC 6265bis 5.6 (and Chromium): a name and value over 4096 bytes ignore the whole cookie.
  if (name.empty() || name.size() + value.size() > max_name_value_bytes) return;
  cookie c;
  c.name = name;
  c.value = value;
  c.domain = detail::lower_ascii(from.host());
  // Default path (RFC 6265 5.1.4): the request path up to its last '/'.
  const auto p = from.path();
  c.path = p.rfind('/') == 0 ? std::string{"/"} : std::string{p.substr(0, p.rfind('/'))};
  std::optional<clock::time_point> expires;  // from Expires
  std::optional<clock::time_point> max_age;  // from Max-Age, which wins over Expires
  while (semicolon != std::string_view::npos) {
    set_cookie.remove_prefix(semicolon + 1);
    semicolon = set_cookie.find(';');
    const auto attr = set_cookie.substr(0, semicolon);
    const auto aeq = attr.find('=');
    const auto key = detail::trim_ows(attr.substr(0, aeq));
    const auto val = aeq == std::string_view::npos ? std::string_view{} : detail::trim_ows(attr.substr(aeq + 1));
    if (val.size() > max_attribute_value_bytes) continue;  // RFC 6265bis 5.6: ignored
    if (detail::iequals_ascii(key, "domain") && !val.empty()) {
      auto d = val.front() == '.' ? val.substr(1) : val;
      if (!detail::domain_matches(from.host(), d)) return;  // a cookie for someone else
      c.domain = detail::lower_ascii(d);
      c.host_only = false;
    } else if (detail::iequals_ascii(key, "path") && val.starts_with('/')) {
      c.path = val;
    } else if (detail::iequals_ascii(key, "secure")) {
      c.secure = true;
    } else if (detail::iequals_ascii(key, "expires")) {
      if (const auto date = parse_cookie_date(val)) expires = detail::cookie_time(*date);
    } else if (detail::iequals_ascii(key, "max-age")) {
      // RFC 6265 5.2.2: a first character that is not a digit or '-' makes it ignored.
      if (val.empty() || !(detail::is_digit(val.front()) || val.front() == '-')) continue;
      long long seconds = 0;
      const auto [end, ec] = std::from_chars(val.data(), val.data() + val.size(), seconds);
      if (ec == std::errc::result_out_of_range) {
        seconds = val.front() == '-' ? -1 : std::numeric_limits<long long>::max();
      } else if (ec != std::errc{} || end != val.data() + val.size()) {
        continue;
      }
      // "Let expiry-time be the earliest representable date and time" for 0 and less.
      const auto now_s = std::chrono::time_point_cast<std::chrono::seconds>(now);
      constexpr long long ten_thousand_years = 10'000LL * 366 * 24 * 3600;  // past any clock's end
      max_age = seconds <= 0 ? clock::time_point::min()
                             : detail::cookie_time(now_s + std::chrono::seconds{std::min(seconds, ten_thousand_years)});
    }
  }
  c.expires = max_age ? max_age : expires;
  forget_expired(now);

  const bool live = !c.expires || *c.expires > now;
  auto slot = by_domain_.find(std::string_view{c.domain});
  if (slot == by_domain_.end()) {
    if (!live) return;
    slot = by_domain_.try_emplace(c.domain).first;
  }
  auto& cookies = slot->second;
  const auto same = std::find_if(cookies.begin(), cookies.end(),
                                 [&](const cookie& old) { return old.name == c.name && old.path == c.path; });
  if (same != cookies.end()) {
    // The new cookie takes the old one's place, but is sent after the cookies stored before it.
    // One that is already expired only deletes the old one (RFC 6265 5.3, step 11).
    if (!live) {
      erase_at(slot, static_cast<std::size_t>(same - cookies.begin()));
      return;
    }
    c.stored = ++stores_;
    c.last_use = ++uses_;
    if (c.expires) next_expiry_ = std::min(next_expiry_, *c.expires);
    *same = std::move(c);
    return;
  }
  if (!live) return;
  c.stored = ++stores_;
  c.last_use = ++uses_;
  if (c.expires) next_expiry_ = std::min(next_expiry_, *c.expires);
  cookies.push_back(std::move(c));
  ++size_;
  // Expired cookies are gone already; then the domain over its limit, then the jar (5.3).
  if (cookies.size() > max_cookies_per_domain) {
    evict_least_recently_used(slot);
  } else if (size_ > max_cookies) {
    evict_least_recently_used(by_domain_.end());
  }
}

STAMPEDE_DECL void cookie_jar::forget_expired(clock::time_point now) {
  if (now < next_expiry_) return;
  next_expiry_ = clock::time_point::max();
  for (auto it = by_domain_.begin(); it != by_domain_.end();) {
    auto& cookies = it->second;
    size_ -= static_cast<std::size_t>(
        std::erase_if(cookies, [&](const cookie& c) { return c.expires && *c.expires <= now; }));
    for (const auto& c : cookies) {
      if (c.expires) next_expiry_ = std::min(next_expiry_, *c.expires);
    }
    it = cookies.empty() ? by_domain_.erase(it) : std::next(it);
  }
}

STAMPEDE_DECL void cookie_jar::evict_least_recently_used(domain_map::iterator among) {
  auto from = among;
  std::size_t victim = 0;
  std::uint64_t oldest = std::numeric_limits<std::uint64_t>::max();
  const auto look = [&](domain_map::iterator slot) {
    for (std::size_t i = 0; i < slot->second.size(); ++i) {
      if (slot->second[i].last_use < oldest) {
        oldest = slot->second[i].last_use;
        from = slot;
        victim = i;
      }
    }
  };
  if (among != by_domain_.end()) {
    look(among);
  } else {
    for (auto slot = by_domain_.begin(); slot != by_domain_.end(); ++slot) look(slot);
  }
  if (from != by_domain_.end()) erase_at(from, victim);
}

STAMPEDE_DECL void cookie_jar::erase_at(domain_map::iterator slot, std::size_t i) {
  auto& cookies = slot->second;
  if (i + 1 != cookies.size()) cookies[i] = std::move(cookies.back());  // their order is not kept
  cookies.pop_back();
  --size_;
  if (cookies.empty()) by_domain_.erase(slot);
}

template <typename Map, typename F>
void cookie_jar::for_each_candidate(Map& jar, std::string_view host, F&& f) {
  // RFC 6265 5.1.3: the host itself, and each domain that the host ends with after a '.'.
  while (true) {
    if (const auto slot = jar.find(host); slot != jar.end()) {
      for (auto& c : slot->second) f(c);
    }
    const auto dot = host.find('.');
    if (dot == std::string_view::npos) return;
    host.remove_prefix(dot + 1);
  }
}

STAMPEDE_DECL bool cookie_jar::matches(const cookie& c, const url& to, clock::time_point now) noexcept {
  if (c.expires && *c.expires <= now) return false;
  if (c.secure && !to.is_https()) return false;
  if (c.host_only ? !detail::iequals_ascii(to.host(), c.domain) : !detail::domain_matches(to.host(), c.domain)) {
    return false;
  }
  return detail::path_matches(to.path(), c.path);
}

STAMPEDE_DECL bool cookie_jar::append_cookie_header(const url& to, std::string& out, clock::time_point now) {
  if (by_domain_.empty()) return false;
  host_.assign(to.host());
  for (auto& ch : host_) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  to_send_.clear();
  for_each_candidate(by_domain_, host_, [&](cookie& c) {
    if (matches(c, to, now)) to_send_.push_back(&c);
  });
  std::sort(to_send_.begin(), to_send_.end(), [](const cookie* a, const cookie* b) { return a->stored < b->stored; });
  bool any = false;
  for (auto* c : to_send_) {
    // RFC 6265 5.4, step 3: sending is an access. Of the cookies sent together, the one stored
    // first counts as used first, so it is also evicted first.
    c->last_use = ++uses_;
    if (any) out += "; ";
    out.append(c->name).append("=").append(c->value);
    any = true;
  }
  return any;
}

STAMPEDE_DECL std::optional<std::string> cookie_jar::get(const url& to, std::string_view name, clock::time_point now) const {
  const cookie* first = nullptr;  // the first stored, as the Cookie header lists it
  for_each_candidate(by_domain_, detail::lower_ascii(to.host()), [&](const cookie& c) {
    if (c.name == name && matches(c, to, now) && (!first || c.stored < first->stored)) first = &c;
  });
  if (!first) return std::nullopt;
  return first->value;
}

}  // namespace stampede::http
