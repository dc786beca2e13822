// Bodies of cookie_jar (included by http/cookie_jar.hpp).
#pragma once

#include <algorithm>
#include <charconv>

namespace stampede::http {

namespace detail {
inline std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
inline std::string lower_ascii(std::string_view s) {
  std::string out{s};
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}
// RFC 6265 5.1.3: host equals domain, or ends with "." + domain.
inline bool domain_matches(std::string_view host, std::string_view domain) noexcept {
  if (iequals_ascii(host, domain)) return true;
  return host.size() > domain.size() && host[host.size() - domain.size() - 1] == '.' &&
         iequals_ascii(host.substr(host.size() - domain.size()), domain);
}
// RFC 6265 5.1.4.
inline bool path_matches(std::string_view request_path, std::string_view cookie_path) noexcept {
  if (!request_path.starts_with(cookie_path)) return false;
  return request_path.size() == cookie_path.size() || cookie_path.ends_with('/') ||
         request_path[cookie_path.size()] == '/';
}
}  // namespace detail

inline void cookie_jar::store(const url& from, std::string_view set_cookie, clock::time_point now) {
  auto semicolon = set_cookie.find(';');
  const auto pair = set_cookie.substr(0, semicolon);
  const auto eq = pair.find('=');
  if (eq == std::string_view::npos) return;
  cookie c;
  c.name = detail::trim_ows(pair.substr(0, eq));
  c.value = detail::trim_ows(pair.substr(eq + 1));
  if (c.name.empty()) return;
  c.domain = detail::lower_ascii(from.host());
  // Default path (RFC 6265 5.1.4): the request path up to its last '/'.
  const auto p = from.path();
  c.path = p.rfind('/') == 0 ? std::string{"/"} : std::string{p.substr(0, p.rfind('/'))};
  bool remove = false;
  while (semicolon != std::string_view::npos) {
    set_cookie.remove_prefix(semicolon + 1);
    semicolon = set_cookie.find(';');
    const auto attr = set_cookie.substr(0, semicolon);
    const auto aeq = attr.find('=');
    const auto key = detail::trim_ows(attr.substr(0, aeq));
    const auto val = aeq == std::string_view::npos ? std::string_view{} : detail::trim_ows(attr.substr(aeq + 1));
    if (detail::iequals_ascii(key, "domain") && !val.empty()) {
      auto d = val.front() == '.' ? val.substr(1) : val;
      if (!detail::domain_matches(from.host(), d)) return;  // a cookie for someone else
      c.domain = detail::lower_ascii(d);
      c.host_only = false;
    } else if (detail::iequals_ascii(key, "path") && val.starts_with('/')) {
      c.path = val;
    } else if (detail::iequals_ascii(key, "secure")) {
      c.secure = true;
    } else if (detail::iequals_ascii(key, "max-age")) {
      long long seconds = 0;
      const auto [end, ec] = std::from_chars(val.data(), val.data() + val.size(), seconds);
      if (ec != std::errc{} || end != val.data() + val.size()) continue;
      if (seconds <= 0) {
        remove = true;
      } else {
        c.expires = now + std::chrono::seconds{seconds};
      }
    }
  }
  std::erase_if(cookies_, [&](const cookie& old) {
    return old.name == c.name && old.domain == c.domain && old.path == c.path;
  });
  if (!remove) cookies_.push_back(std::move(c));
}

inline bool cookie_jar::matches(const cookie& c, const url& to, clock::time_point now) noexcept {
  if (c.expires && *c.expires <= now) return false;
  if (c.secure && !to.is_https()) return false;
  if (c.host_only ? !detail::iequals_ascii(to.host(), c.domain) : !detail::domain_matches(to.host(), c.domain)) {
    return false;
  }
  return detail::path_matches(to.path(), c.path);
}

inline bool cookie_jar::append_cookie_header(const url& to, std::string& out, clock::time_point now) const {
  bool any = false;
  for (const auto& c : cookies_) {
    if (!matches(c, to, now)) continue;
    if (any) out += "; ";
    out.append(c.name).append("=").append(c.value);
    any = true;
  }
  return any;
}

inline std::optional<std::string> cookie_jar::get(const url& to, std::string_view name) const {
  const auto now = clock::now();
  for (const auto& c : cookies_) {
    if (c.name == name && matches(c, to, now)) return c.value;
  }
  return std::nullopt;
}

}  // namespace stampede::http
