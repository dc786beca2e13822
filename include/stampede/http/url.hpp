// Absolute http:// and https:// URLs: parsing with clear errors, query building, redirects.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace stampede::http {

/// One query parameter, before percent-encoding.
struct query_param {
  std::string name;
  std::string value;
  friend bool operator==(const query_param&, const query_param&) = default;
};

/// Appends `text` percent-encoded for a URL component: RFC 3986's unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`) stay, every other byte becomes `%XX` (space is `%20`).
void append_percent_encoded(std::string& out, std::string_view text);
/// `text` percent-encoded (see `append_percent_encoded`): `percent_encode("a b&c") == "a%20b%26c"`.
[[nodiscard]] std::string percent_encode(std::string_view text);

/// An absolute URL with scheme `http` or `https`, a host and an optional port, validated when
/// made: `url::parse` throws `usage_error` naming the problem for a missing scheme or host, an
/// unsupported scheme, a bad port, or spaces and control characters (which would let a URL
/// inject header lines). A fragment (`#...`) is dropped, as a client never sends it.
///
/// ```cpp
/// auto u = stampede::http::url::parse("http://127.0.0.1:8080/api/todos")
///              .with_query({{"q", "milk & eggs"}, {"limit", "10"}});
/// u.str();     // "http://127.0.0.1:8080/api/todos?q=milk%20%26%20eggs&limit=10"
/// u.target();  // "/api/todos?q=milk%20%26%20eggs&limit=10"
/// ```
namespace detail {
/// Where a url's parts lie in its text: all that a parse finds besides the text itself.
struct url_layout {
  std::uint32_t host_begin_ = 0, host_end_ = 0;  // host() without IPv6 brackets
  std::uint32_t authority_end_ = 0;              // authority() is [after "//", authority_end_)
  std::uint32_t authority_begin_ = 0;
  std::uint32_t path_begin_ = 0, query_begin_ = 0;  // target() is [path_begin_, size)
  std::uint16_t port_ = 80;
  bool https_ = false;
  bool default_port_ = true;
};
}  // namespace detail

class url : private detail::url_layout {
 public:
  /// Parses `text`; throws `usage_error` if it is not a usable absolute http(s) URL.
  [[nodiscard]] static url parse(std::string text);
  /// Parses `text` as `parse(text)` does, but takes the parse of `known` when `text` is its
  /// text: a client that sends one URL over and over parses it once.
  [[nodiscard]] static url parse(std::string text, const url& known);
  /// Parses `text`; on failure returns false, sets `problem` and leaves `text` as it was (no
  /// exception). On success `text` is moved into `out`.
  [[nodiscard]] static bool try_parse(std::string&& text, url& out, std::string& problem);

  /// The whole URL as given (without any fragment): what k6's `url` tag shows.
  [[nodiscard]] const std::string& str() const noexcept { return text_; }
  /// Moves the text out, leaving this URL empty (for a response that takes the URL's place).
  [[nodiscard]] std::string release() noexcept { return std::move(text_); }
  /// `"http"` or `"https"`, in lower case.
  [[nodiscard]] std::string_view scheme() const noexcept { return https_ ? "https" : "http"; }
  [[nodiscard]] bool is_https() const noexcept { return https_; }
  /// The host: a name, an IPv4 address, or an IPv6 address without its brackets.
  [[nodiscard]] std::string_view host() const noexcept;
  /// The port, explicit or the scheme's default (80, 443).
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  /// What the `Host` header says: the host as written, with `:port` unless it is the default.
  [[nodiscard]] std::string_view authority() const noexcept;
  /// The path and query sent in the request line (`/` when the URL has no path).
  [[nodiscard]] std::string_view target() const noexcept;
  /// The path alone (`/` when empty).
  [[nodiscard]] std::string_view path() const noexcept;

  /// This URL with `params` appended to its query, each name and value percent-encoded.
  [[nodiscard]] url with_query(const std::vector<query_param>& params) const;
  [[nodiscard]] url with_query(std::initializer_list<query_param> params) const {
    return with_query(std::vector<query_param>(params));
  }
  /// The URL a `Location` header value points to, relative to this one (absolute URLs,
  /// `//host/path`, `/path`, `?query` and relative paths). Throws `usage_error` if the result
  /// is not a usable URL.
  [[nodiscard]] url resolve(std::string_view reference) const;

  friend bool operator==(const url& a, const url& b) noexcept { return a.text_ == b.text_; }

 private:
  std::string text_;
};

/// Whether `a` and `b` have the same origin: scheme, host (compared without regard to case)
/// and port, explicit or default. A redirect to another origin loses the request's credentials.
[[nodiscard]] bool same_origin(const url& a, const url& b) noexcept;

}  // namespace stampede::http

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/http/impl/url.ipp>
#endif
