// A small, strict JSON reader: a DOM that keeps numbers as their text, and typed access that
// names the JSON path of whatever is missing or of the wrong type. For reading result files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stampede {

/// The six kinds of JSON value.
enum class json_type : std::uint8_t { null, boolean, number, string, array, object };

/// "null", "a boolean", "a number", "a string", "an array", "an object": for messages.
[[nodiscard]] constexpr std::string_view describe(json_type type) noexcept;

/// One JSON value of a parsed document. Numbers keep their text, so a 64-bit integer and a
/// double both read back exactly (`json_ref::as_uint64`, `as_double`); objects keep their
/// members in document order. Built by `parse_json`; a default-constructed value is null.
class json_value {
 public:
  json_value() = default;
  [[nodiscard]] static json_value make_bool(bool value);
  /// `text` must be a JSON number; `parse_json` guarantees it, nothing here checks it.
  [[nodiscard]] static json_value make_number(std::string text);
  [[nodiscard]] static json_value make_string(std::string value);
  [[nodiscard]] static json_value make_array(std::vector<json_value> elements);
  /// `keys[i]` names `values[i]`; the two must have the same size.
  [[nodiscard]] static json_value make_object(std::vector<std::string> keys,
                                              std::vector<json_value> values);

  [[nodiscard]] json_type type() const noexcept { return type_; }
  /// A boolean's value; false for anything else.
  [[nodiscard]] bool boolean() const noexcept { return boolean_; }
  /// A number's text as written (`-1.5e3`) or a string's decoded value; empty otherwise.
  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  /// Elements of an array or members of an object; 0 otherwise.
  [[nodiscard]] std::size_t size() const noexcept { return values_.size(); }
  /// Element `i` of an array, or the value of member `i` of an object (unchecked).
  [[nodiscard]] const json_value& operator[](std::size_t i) const noexcept { return values_[i]; }
  /// The key of member `i` of an object (unchecked).
  [[nodiscard]] const std::string& key(std::size_t i) const noexcept { return keys_[i]; }
  /// The value of the member called `key`, or null if there is none or this is no object.
  /// A linear search: objects in result files have a handful of members.
  [[nodiscard]] const json_value* find(std::string_view key) const noexcept;

  /// Same type and contents; numbers compare by their text (`1.0` is not `1`).
  friend bool operator==(const json_value&, const json_value&) = default;

 private:
  json_type type_ = json_type::null;
  bool boolean_ = false;
  std::string text_;
  std::vector<std::string> keys_;   // objects: one per member
  std::vector<json_value> values_;  // arrays: the elements; objects: the members' values
};

/// Options of `parse_json`.
struct json_parse_options {
  /// Arrays and objects nested deeper than this are a `parse_error`: it bounds the parser's
  /// recursion (and the DOM's destructor's) whatever the input.
  std::size_t max_depth = 128;
};

/// Parses one JSON document (RFC 8259), strictly: no comments, trailing commas, byte order
/// mark, leading zeros, lone surrogates, invalid UTF-8, raw control characters in strings,
/// duplicate keys in an object or text after the value. Throws `parse_error` whose
/// `position()` is the offending byte in `input()`; for a long or multi-line document,
/// `input()` is the offending line (clipped around the error) and the message starts with
/// its line and column.
///
/// ```cpp
/// auto doc = stampede::parse_json(R"({"count": 18446744073709551615, "name": "caf\u00e9"})");
/// stampede::json_ref root{doc};
/// root["count"].as_uint64();  // 18446744073709551615, exactly
/// root["name"].as_string();   // "café"
/// root["size"];               // usage_error: JSON document: missing the key "size"
/// ```
[[nodiscard]] json_value parse_json(std::string_view text, const json_parse_options& options = {});

/// A value of a parsed document and its path in it (`entries[3].data.buckets[7].count`):
/// typed access that throws `usage_error` naming the path on a missing key or a value of
/// the wrong type, so a corrupt file is reported where it is wrong. Refers to the document
/// without owning it, so the `json_value` must outlive it.
class json_ref {
 public:
  /// The document's root, or any value with the path it is known by.
  explicit json_ref(const json_value& value, std::string path = {});

  [[nodiscard]] const json_value& value() const noexcept { return *value_; }
  /// The path from the root: empty for the root, else `key`, `a.b`, `list[2]`, `a["odd key"]`.
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] json_type type() const noexcept { return value_->type(); }
  [[nodiscard]] bool is_null() const noexcept { return type() == json_type::null; }

  /// The member called `key`. Throws `usage_error` if this is no object or has no such member.
  [[nodiscard]] json_ref operator[](std::string_view key) const;
  /// The member called `key` if there is one. Throws `usage_error` if this is no object.
  [[nodiscard]] std::optional<json_ref> find(std::string_view key) const;
  /// Element `index`. Throws `usage_error` if this is no array or is shorter.
  [[nodiscard]] json_ref operator[](std::size_t index) const;
  /// The number of elements of an array. Throws `usage_error` if this is no array.
  [[nodiscard]] std::size_t array_size() const;
  /// Throws `usage_error` naming the first member whose key is not in `known` (strict formats
  /// catch misspelt keys this way), or if this is no object.
  void expect_only(std::initializer_list<std::string_view> known) const;

  [[nodiscard]] bool as_bool() const;
  /// A number written as an integer (no fraction or exponent) in [0, 2^64 - 1].
  [[nodiscard]] std::uint64_t as_uint64() const;
  /// A number written as an integer in [-2^63, 2^63 - 1].
  [[nodiscard]] std::int64_t as_int64() const;
  /// Any number that a finite double can hold; the nearest double to its text.
  [[nodiscard]] double as_double() const;
  [[nodiscard]] const std::string& as_string() const;

  /// Throws `usage_error("<path>: <problem>")`, for checks beyond the type (a range, an
  /// enumeration), so they read like the accessors' own.
  [[noreturn]] void fail(std::string_view problem) const;

 private:
  [[nodiscard]] const json_value& expect(json_type type, std::string_view expected) const;

  const json_value* value_;
  std::string path_;
};

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/core/impl/json.ipp>
#endif
