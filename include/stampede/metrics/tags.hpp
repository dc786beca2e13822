// Tags on samples (k6's system tags and users' own), tag sets and the filters of sub-metrics.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stampede {

/// k6's system tags, by the names k6 gives them, so filters and outputs read the same.
namespace system_tag {
inline constexpr std::string_view scenario = "scenario";
inline constexpr std::string_view group = "group";
inline constexpr std::string_view name = "name";
inline constexpr std::string_view method = "method";
inline constexpr std::string_view status = "status";
inline constexpr std::string_view url = "url";
inline constexpr std::string_view expected_response = "expected_response";
inline constexpr std::string_view error_code = "error_code";
inline constexpr std::string_view check = "check";
inline constexpr std::string_view proto = "proto";
inline constexpr std::string_view tls_version = "tls_version";
inline constexpr std::string_view subproto = "subproto";
inline constexpr std::string_view error = "error";
inline constexpr std::string_view service = "service";
inline constexpr std::string_view iter = "iter";
inline constexpr std::string_view vu = "vu";
inline constexpr std::string_view ocsp_status = "ocsp_status";
inline constexpr std::string_view ip = "ip";
}  // namespace system_tag

/// Which of k6's system tags samples carry (k6's `systemTags`), as bits: a mask computed once
/// per run, so that leaving a tag out costs a test of a bit, never a comparison of names.
///
/// ```cpp
/// auto tags = stampede::system_tag_set::k6_default();   // proto, status, method, url, ...
/// tags.has(stampede::system_tag_set::url);               // true
/// stampede::system_tag_set::find("vu");                  // system_tag_set::vu
/// ```
class system_tag_set {
 public:
  /// k6's system tags, in k6's order (metrics/system_tag.go).
  enum tag_bit : std::uint32_t {
    proto = 1U << 0U,
    subproto = 1U << 1U,
    status = 1U << 2U,
    method = 1U << 3U,
    url = 1U << 4U,
    name = 1U << 5U,
    group = 1U << 6U,
    check = 1U << 7U,
    error = 1U << 8U,
    error_code = 1U << 9U,
    tls_version = 1U << 10U,
    scenario = 1U << 11U,
    service = 1U << 12U,
    expected_response = 1U << 13U,
    iter = 1U << 14U,
    vu = 1U << 15U,
    ocsp_status = 1U << 16U,
    ip = 1U << 17U,
  };

  /// No tags.
  constexpr system_tag_set() noexcept = default;
  /// k6's default: every tag but `iter`, `vu`, `ocsp_status` and `ip`.
  [[nodiscard]] static constexpr system_tag_set k6_default() noexcept {
    system_tag_set s;
    s.bits_ = (expected_response << 1U) - 1U;
    return s;
  }
  /// The tag named `name` (k6's name, as in `system_tag::`), if k6 has one.
  [[nodiscard]] static constexpr std::optional<tag_bit> find(std::string_view name) noexcept {
    for (const auto& [n, bit] : names()) {
      if (n == name) return bit;
    }
    return std::nullopt;
  }
  /// Every tag's name with its bit, in k6's order.
  [[nodiscard]] static constexpr std::array<std::pair<std::string_view, tag_bit>, 18> names() noexcept {
    return {{{system_tag::proto, proto},
                                  {system_tag::subproto, subproto},
                                  {system_tag::status, status},
                                  {system_tag::method, method},
                                  {system_tag::url, url},
                                  {system_tag::name, name},
                                  {system_tag::group, group},
                                  {system_tag::check, check},
                                  {system_tag::error, error},
                                  {system_tag::error_code, error_code},
                                  {system_tag::tls_version, tls_version},
                                  {system_tag::scenario, scenario},
                                  {system_tag::service, service},
                                  {system_tag::expected_response, expected_response},
                                  {system_tag::iter, iter},
                                  {system_tag::vu, vu},
                                  {system_tag::ocsp_status, ocsp_status},
                                  {system_tag::ip, ip}}};
  }

  [[nodiscard]] constexpr bool has(tag_bit bit) const noexcept { return (bits_ & bit) != 0; }
  constexpr system_tag_set& add(tag_bit bit) noexcept {
    bits_ |= bit;
    return *this;
  }
  [[nodiscard]] constexpr std::uint32_t bits() const noexcept { return bits_; }

  friend constexpr bool operator==(const system_tag_set&, const system_tag_set&) = default;

 private:
  std::uint32_t bits_ = 0;
};

/// One tag: a key and its value, both free text (escaped wherever they are written).
struct tag {
  std::string key;
  std::string value;

  friend bool operator==(const tag&, const tag&) = default;
  friend auto operator<=>(const tag&, const tag&) = default;
};

/// A set of tags with at most one value per key, kept sorted by key so that two sets with
/// the same tags compare, hash and print the same whatever order they were built in.
///
/// ```cpp
/// stampede::tag_set tags{{"method", "GET"}, {"status", "200"}};
/// tags.set("name", "list todos");         // replaces any earlier "name"
/// tags.get("status");                     // "200"
/// ```
class tag_set {
 public:
  tag_set() = default;
  /// Later duplicates of a key replace earlier ones, as repeated `set` calls would.
  tag_set(std::initializer_list<tag> tags);

  /// Sets `key` to `value`, replacing an existing value.
  tag_set& set(std::string key, std::string value);
  /// Removes `key` if present; returns whether it was.
  bool erase(std::string_view key);
  /// The value of `key`, if the set has it.
  [[nodiscard]] std::optional<std::string_view> get(std::string_view key) const;
  [[nodiscard]] bool contains(std::string_view key) const { return get(key).has_value(); }

  /// This set with `other`'s tags added; where both have a key, `other` wins (as a request's
  /// tags win over its scenario's in k6).
  [[nodiscard]] tag_set merged_with(const tag_set& other) const;

  [[nodiscard]] bool empty() const noexcept { return tags_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return tags_.size(); }
  [[nodiscard]] auto begin() const noexcept { return tags_.begin(); }
  [[nodiscard]] auto end() const noexcept { return tags_.end(); }

  friend bool operator==(const tag_set&, const tag_set&) = default;
  friend auto operator<=>(const tag_set&, const tag_set&) = default;

 private:
  std::vector<tag> tags_;  // sorted by key, keys unique
};

/// The tags a sub-metric selects: a sample matches when it carries every one of them with
/// the same value (k6's `http_req_duration{expected_response:true}`). An empty filter
/// matches every sample, which is the metric itself.
class tag_filter {
 public:
  tag_filter() = default;
  tag_filter(std::initializer_list<tag> tags) : tags_{tags} {}
  explicit tag_filter(tag_set tags) : tags_{std::move(tags)} {}

  /// Whether a sample with these tags belongs to the sub-metric.
  [[nodiscard]] bool matches(const tag_set& sample_tags) const;
  /// This filter narrowed by one more tag.
  [[nodiscard]] tag_filter and_where(std::string key, std::string value) const;

  [[nodiscard]] const tag_set& tags() const noexcept { return tags_; }
  [[nodiscard]] bool empty() const noexcept { return tags_.empty(); }

  friend bool operator==(const tag_filter&, const tag_filter&) = default;
  friend auto operator<=>(const tag_filter&, const tag_filter&) = default;

 private:
  tag_set tags_;
};

/// A tag key or value as it is written inside k6's braces: bare when it is plain text, else
/// double-quoted with JSON escapes, so quotes, commas, colons, braces and newlines survive a
/// round trip through `{key:value,...}` text. `url:"http://h/?a=1,b=2"`.
[[nodiscard]] std::string quote_tag_text(std::string_view text);

/// k6's brace form of a set of tags: `{expected_response:true}`, `{method:GET,status:200}`;
/// `{}` for none.
[[nodiscard]] std::string to_string(const tag_set& tags);
[[nodiscard]] std::string to_string(const tag_filter& filter);

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/metrics/impl/tags.ipp>
#endif
