// Bodies of url and percent-encoding (included by http/url.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>

#include <algorithm>
#include <charconv>

namespace stampede::http {

STAMPEDE_DECL void append_percent_encoded(std::string& out, std::string_view text) {
  constexpr std::string_view hex = "0123456789ABCDEF";
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' ||
        b == '.' || b == '_' || b == '~') {
      out += c;
    } else {
      out += '%';
      out += hex[b >> 4];
      out += hex[b & 0xF];
    }
  }
}

STAMPEDE_DECL std::string percent_encode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_percent_encoded(out, text);
  return out;
}

namespace detail {
STAMPEDE_DECL bool iequals_ascii(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}
}  // namespace detail

STAMPEDE_DECL bool same_origin(const url& a, const url& b) noexcept {
  return a.is_https() == b.is_https() && a.port() == b.port() && detail::iequals_ascii(a.host(), b.host());
}

STAMPEDE_DECL std::string_view url::host() const noexcept {
  return std::string_view{text_}.substr(host_begin_, host_end_ - host_begin_);
}
STAMPEDE_DECL std::string_view url::authority() const noexcept {
  // The Host header drops a default port even when the URL spells it out.
  const auto end = default_port_ ? (text_[host_end_] == ']' ? host_end_ + 1 : host_end_) : authority_end_;
  return std::string_view{text_}.substr(authority_begin_, end - authority_begin_);
}
STAMPEDE_DECL std::string_view url::target() const noexcept {
  if (path_begin_ == text_.size()) return "/";
  return std::string_view{text_}.substr(path_begin_);
}
STAMPEDE_DECL std::string_view url::path() const noexcept {
  if (query_begin_ == path_begin_) return "/";
  return std::string_view{text_}.substr(path_begin_, query_begin_ - path_begin_);
}

STAMPEDE_DECL bool url::try_parse(std::string&& text, url& out, std::string& problem) {
  const auto fail = [&](std::string why) {
    problem = std::move(why);
    return false;
  };
  if (text.empty()) return fail("the URL is empty");
  // Everything up to the end is checked on a view, so `text` is left as it was on failure.
  const std::string_view whole{text.data(), std::min(text.size(), text.find('#'))};
  for (const char c : whole) {
    const auto b = static_cast<unsigned char>(c);
    if (b == ' ') return fail("the URL holds a space (percent-encode it as %20)");
    if (b < 0x20 || b == 0x7F) return fail("the URL holds a control character (CR, LF, tab, ...)");
  }
  const auto sep = whole.find("://");
  if (sep == std::string::npos || sep == 0) return fail("the URL has no scheme (it must start with http:// or https://)");
  const std::string_view scheme{text.data(), sep};
  bool https = false;
  if (detail::iequals_ascii(scheme, "https")) {
    https = true;
  } else if (!detail::iequals_ascii(scheme, "http")) {
    return fail("unsupported scheme \"" + std::string{scheme} + "\" (only http and https)");
  }
  const auto authority_begin = sep + 3;
  auto authority_end = whole.find_first_of("/?", authority_begin);
  if (authority_end == std::string::npos) authority_end = whole.size();
  const std::string_view authority{text.data() + authority_begin, authority_end - authority_begin};
  if (authority.find('@') != std::string_view::npos) return fail("credentials in URLs (user@host) are not supported");
  if (authority.empty()) return fail("the URL has no host");

  std::size_t host_begin = authority_begin, host_end = 0, port_begin = std::string::npos;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fail("the IPv6 address has no closing ]");
    host_begin = authority_begin + 1;
    host_end = authority_begin + close;
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return fail("unexpected text after the IPv6 address");
      port_begin = authority_begin + close + 2;
    }
  } else {
    const auto colon = authority.find(':');
    host_end = colon == std::string_view::npos ? authority_end : authority_begin + colon;
    if (colon != std::string_view::npos) port_begin = authority_begin + colon + 1;
    for (std::size_t i = host_begin; i < host_end; ++i) {
      const auto b = static_cast<unsigned char>(text[i]);
      const bool ok = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
                      b == '-' || b == '.' || b == '_' || b == '~' || b >= 0x80;
      if (!ok) return fail(std::string{"the host holds the character '"} + text[i] + "'");
    }
  }
  if (host_end <= host_begin) return fail("the URL has no host");

  std::uint16_t port = https ? 443 : 80;
  bool default_port = true;
  if (port_begin != std::string::npos) {
    const std::string_view digits{text.data() + port_begin, authority_end - port_begin};
    if (!digits.empty()) {
      unsigned value = 0;
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (ec != std::errc{} || end != digits.data() + digits.size() || value == 0 || value > 65535) {
        return fail("bad port \"" + std::string{digits} + "\" (1-65535)");
      }
      port = static_cast<std::uint16_t>(value);
      default_port = port == (https ? 443 : 80);
    }
  }

  // Valid: from here on `text` may change. A fragment is never sent; "http://h?q" asks for
  // "/?q", so the request line gets the path it needs.
  text.resize(whole.size());
  if (authority_end < text.size() && text[authority_end] == '?') text.insert(authority_end, 1, '/');
  auto query_begin = text.find('?', authority_end);
  if (query_begin == std::string::npos) query_begin = text.size();
  out.text_ = std::move(text);
  out.https_ = https;
  out.port_ = port;
  out.default_port_ = default_port;
  out.authority_begin_ = static_cast<std::uint32_t>(authority_begin);
  out.authority_end_ = static_cast<std::uint32_t>(authority_end);
  out.host_begin_ = static_cast<std::uint32_t>(host_begin);
  out.host_end_ = static_cast<std::uint32_t>(host_end);
  out.path_begin_ = static_cast<std::uint32_t>(authority_end);
  out.query_begin_ = static_cast<std::uint32_t>(query_begin);
  return true;
}

STAMPEDE_DECL url url::parse(std::string text) {
  url out;
  std::string problem;
  if (!try_parse(std::move(text), out, problem)) {  // leaves `text` alone when it fails
    throw usage_error("invalid URL \"" + text + "\": " + problem);
  }
  return out;
}

STAMPEDE_DECL url url::parse(std::string text, const url& known) {
  if (known.text_.empty() || text != known.text_) return parse(std::move(text));
  url out;
  static_cast<detail::url_layout&>(out) = known;  // the same text: the same layout, no copy of it
  out.text_ = std::move(text);
  return out;
}

STAMPEDE_DECL url url::with_query(const std::vector<query_param>& params) const {
  if (params.empty()) return *this;
  std::string text = text_;
  // The first parameter opens the query, or joins one that is already there. Only a query's
  // own trailing '?' or '&' makes a separator needless: a path may end in '&' too ("/p&").
  const bool has_query = query_begin_ != text_.size();
  char sep = '?';
  if (has_query) sep = text.back() == '?' || text.back() == '&' ? '\0' : '&';
  for (const auto& p : params) {
    if (sep != '\0') text += sep;
    sep = '&';
    append_percent_encoded(text, p.name);
    text += '=';
    append_percent_encoded(text, p.value);
  }
  return parse(std::move(text));
}

STAMPEDE_DECL url url::resolve(std::string_view reference) const {
  // Absolute: a scheme (letters, digits, + - .) followed by ':' before any '/', '?' or '#'.
  const auto colon = reference.find(':');
  const auto slash = reference.find_first_of("/?#");
  if (colon != std::string_view::npos && colon > 0 && (slash == std::string_view::npos || colon < slash)) {
    return parse(std::string{reference});
  }
  const std::string_view base{text_};
  if (reference.starts_with("//")) return parse(std::string{scheme()} + ":" + std::string{reference});
  const std::string origin{base.substr(0, path_begin_)};
  if (reference.starts_with('/')) return parse(origin + std::string{reference});
  if (reference.empty()) return *this;
  if (reference.starts_with('?')) return parse(origin + std::string{path()} + std::string{reference});
  // A relative path replaces the last segment of this URL's path.
  const auto p = path();
  return parse(origin + std::string{p.substr(0, p.rfind('/') + 1)} + std::string{reference});
}

}  // namespace stampede::http
