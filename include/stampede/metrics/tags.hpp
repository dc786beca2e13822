// Tags on samples (k6's system tags and users' own), tag sets and the filters of sub-metrics.
#pragma once

#include <compare>
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
}  // namespace system_tag

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
