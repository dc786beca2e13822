// Bodies of the JSON reader (included by core/json.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/charconv.hpp>
#include <stampede/core/error.hpp>
#include <stampede/core/json_string.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <system_error>
#include <utility>

namespace stampede {

constexpr std::string_view describe(json_type type) noexcept {
  switch (type) {
    case json_type::null: return "null";
    case json_type::boolean: return "a boolean";
    case json_type::number: return "a number";
    case json_type::string: return "a string";
    case json_type::array: return "an array";
    case json_type::object: return "an object";
  }
  return "unknown";
}

STAMPEDE_DECL json_value json_value::make_bool(bool value) {
  json_value v;
  v.type_ = json_type::boolean;
  v.boolean_ = value;
  return v;
}

STAMPEDE_DECL json_value json_value::make_number(std::string text) {
  json_value v;
  v.type_ = json_type::number;
  v.text_ = std::move(text);
  return v;
}

STAMPEDE_DECL json_value json_value::make_string(std::string value) {
  json_value v;
  v.type_ = json_type::string;
  v.text_ = std::move(value);
  return v;
}

STAMPEDE_DECL json_value json_value::make_array(std::vector<json_value> elements) {
  json_value v;
  v.type_ = json_type::array;
  v.values_ = std::move(elements);
  return v;
}

STAMPEDE_DECL json_value json_value::make_object(std::vector<std::string> keys, std::vector<json_value> values) {
  json_value v;
  v.type_ = json_type::object;
  v.keys_ = std::move(keys);
  v.values_ = std::move(values);
  v.keys_.resize(v.values_.size());  // a caller's mismatch cannot make key(i) read past the end
  return v;
}

STAMPEDE_DECL const json_value* json_value::find(std::string_view key) const noexcept {
  if (type_ != json_type::object) return nullptr;
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return &values_[i];
  }
  return nullptr;
}

namespace detail {

/// The length of the UTF-8 character at `at` (RFC 3629: no overlong forms, no surrogates,
/// nothing above U+10FFFF), or 0 if it is not one; `bad` is then the offending byte.
STAMPEDE_DECL std::size_t utf8_char_length(std::string_view text, std::size_t at, std::size_t& bad) noexcept {
  const auto lead = static_cast<unsigned char>(text[at]);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;  // the range of the second byte; later ones are 80..BF
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong below U+0800
    if (lead == 0xED) high = 0x9F;  // U+D800..DFFF are surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong below U+10000
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    bad = at;
    return 0;
  }
  for (std::size_t i = 1; i < length; ++i) {
    if (at + i >= text.size()) {
      bad = text.size();
      return 0;
    }
    const auto c = static_cast<unsigned char>(text[at + i]);
    if (c < (i == 1 ? low : 0x80) || c > (i == 1 ? high : 0xBF)) {
      bad = at + i;
      return 0;
    }
  }
  return length;
}

/// Whether `text` is valid UTF-8 throughout.
STAMPEDE_DECL bool is_valid_utf8(std::string_view text) noexcept {
  std::size_t bad = 0;
  for (std::size_t at = 0; at < text.size();) {
    const auto length = utf8_char_length(text, at, bad);
    if (length == 0) return false;
    at += length;
  }
  return true;
}

/// Recursive descent over the text; every failure is a `parse_error` at the offending byte.
class json_parser {
 public:
  json_parser(std::string_view text, const json_parse_options& options)
      : text_{text}, max_depth_{options.max_depth} {}

  json_value document() {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") fail(0, "a byte order mark is not allowed before JSON");
    json_value root = value();
    skip_space();
    if (pos_ != text_.size()) fail(pos_, "unexpected " + shown(pos_) + " after the JSON value");
    return root;
  }

 private:
  [[noreturn]] void fail(std::size_t at, std::string_view problem) const {
    const bool one_short_line = text_.size() <= 120 && text_.find('\n') == std::string_view::npos;
    if (one_short_line) throw parse_error("JSON", text_, at, problem);
    // A whole document in the message would bury the caret: show the line, clipped around
    // the error, and say where the line is.
    at = std::min(at, text_.size());
    const auto line_start = at == 0 ? 0 : text_.rfind('\n', at - 1) + 1;  // npos + 1 == 0
    auto line_end = text_.find('\n', at);
    if (line_end == std::string_view::npos) line_end = text_.size();
    const std::size_t line = 1 + static_cast<std::size_t>(
                                     std::count(text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(line_start), '\n'));
    std::size_t column = 1;
    for (std::size_t i = line_start; i < at; ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
    }
    constexpr std::size_t reach = 50;
    auto from = at - line_start > reach ? at - reach : line_start;
    auto to = line_end - at > reach ? at + reach : line_end;
    // Cut between UTF-8 characters, not inside one.
    while (from < at && (static_cast<unsigned char>(text_[from]) & 0xC0) == 0x80) ++from;
    while (to < line_end && (static_cast<unsigned char>(text_[to]) & 0xC0) == 0x80) ++to;
    std::string excerpt{text_.substr(from, to - from)};
    for (auto& c : excerpt) {
      if (c == '\t' || c == '\r') c = ' ';  // one column each, so the caret lines up
    }
    throw parse_error("JSON", excerpt, at - from,
                      "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " +
                          std::string{problem});
  }

  /// The character at `at` as a message shows it: 'x', the end of the text, or byte 0x1f.
  [[nodiscard]] std::string shown(std::size_t at) const {
    if (at >= text_.size()) return "end of the text";
    const auto c = static_cast<unsigned char>(text_[at]);
    if (c >= 0x20 && c < 0x7f) return std::string{"character '"} + text_[at] + "'";
    char hex[16];
    std::snprintf(hex, sizeof hex, "byte 0x%02x", static_cast<unsigned>(c));
    return hex;
  }

  void skip_space() noexcept {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  [[nodiscard]] bool at_end() const noexcept { return pos_ >= text_.size(); }
  [[nodiscard]] char peek() const noexcept { return text_[pos_]; }

  json_value value() {
    skip_space();
    if (at_end()) fail(pos_, "the text ended where a value was expected");
    switch (peek()) {
      case '{': return object();
      case '[': return array();
      case '"': return json_value::make_string(string());
      case 't': return literal("true", json_value::make_bool(true));
      case 'f': return literal("false", json_value::make_bool(false));
      case 'n': return literal("null", json_value{});
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return number();
        fail(pos_, "unexpected " + shown(pos_) + " where a value was expected");
    }
  }

  json_value literal(std::string_view word, json_value result) {
    for (std::size_t i = 0; i < word.size(); ++i) {
      if (pos_ + i >= text_.size() || text_[pos_ + i] != word[i]) {
        fail(pos_ + i, "unexpected " + shown(pos_ + i) + " in \"" + std::string{word} + "\"");
      }
    }
    pos_ += word.size();
    return result;
  }

  void enter(std::size_t at) {
    if (++depth_ > max_depth_) {
      fail(at, "arrays and objects nest deeper than " + std::to_string(max_depth_) + " levels");
    }
  }

  json_value array() {
    enter(pos_);
    ++pos_;  // '['
    std::vector<json_value> elements;
    skip_space();
    if (!at_end() && peek() == ']') {
      ++pos_;
      --depth_;
      return json_value::make_array(std::move(elements));
    }
    for (;;) {
      elements.push_back(value());
      skip_space();
      if (at_end()) fail(pos_, "the text ended inside an array (expected ',' or ']')");
      if (peek() == ']') break;
      if (peek() != ',') fail(pos_, "unexpected " + shown(pos_) + " in an array (expected ',' or ']')");
      ++pos_;
    }
    ++pos_;
    --depth_;
    return json_value::make_array(std::move(elements));
  }

  json_value object() {
    enter(pos_);
    ++pos_;  // '{'
    std::vector<std::string> keys;
    std::vector<json_value> values;
    std::vector<std::size_t> key_positions;
    skip_space();
    if (!at_end() && peek() == '}') {
      ++pos_;
      --depth_;
      return json_value::make_object(std::move(keys), std::move(values));
    }
    for (;;) {
      skip_space();
      if (at_end()) fail(pos_, "the text ended inside an object (expected a key)");
      if (peek() != '"') fail(pos_, "unexpected " + shown(pos_) + " in an object (expected a key in double quotes)");
      key_positions.push_back(pos_);
      keys.push_back(string());
      skip_space();
      if (at_end()) fail(pos_, "the text ended inside an object (expected ':')");
      if (peek() != ':') fail(pos_, "unexpected " + shown(pos_) + " after a key (expected ':')");
      ++pos_;
      values.push_back(value());
      skip_space();
      if (at_end()) fail(pos_, "the text ended inside an object (expected ',' or '}')");
      if (peek() == '}') break;
      if (peek() != ',') fail(pos_, "unexpected " + shown(pos_) + " in an object (expected ',' or '}')");
      ++pos_;
    }
    ++pos_;
    --depth_;
    reject_duplicate_keys(keys, key_positions);
    return json_value::make_object(std::move(keys), std::move(values));
  }

  // Sorting member indices finds duplicates in O(n log n) for objects of any size.
  void reject_duplicate_keys(const std::vector<std::string>& keys, const std::vector<std::size_t>& positions) const {
    if (keys.size() < 2) return;
    std::vector<std::size_t> order(keys.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
    std::size_t worst = keys.size();  // the first repeated key in document order
    for (std::size_t i = 1; i < order.size(); ++i) {
      if (keys[order[i]] == keys[order[i - 1]]) worst = std::min(worst, order[i]);
    }
    if (worst != keys.size()) fail(positions[worst], "duplicate key " + json_quote(keys[worst]));
  }

  json_value number() {
    const auto start = pos_;
    const auto digits = [this] {
      const auto from = pos_;
      while (!at_end() && peek() >= '0' && peek() <= '9') ++pos_;
      return pos_ - from;
    };
    if (peek() == '-') ++pos_;
    if (at_end() || !(peek() >= '0' && peek() <= '9')) fail(pos_, "expected a digit, got " + shown(pos_));
    if (peek() == '0') {
      ++pos_;
      if (!at_end() && peek() >= '0' && peek() <= '9') fail(pos_, "a number cannot have a leading zero");
    } else {
      digits();
    }
    if (!at_end() && peek() == '.') {
      ++pos_;
      if (digits() == 0) fail(pos_, "expected a digit after the decimal point, got " + shown(pos_));
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      ++pos_;
      if (!at_end() && (peek() == '+' || peek() == '-')) ++pos_;
      if (digits() == 0) fail(pos_, "expected a digit in the exponent, got " + shown(pos_));
    }
    return json_value::make_number(std::string{text_.substr(start, pos_ - start)});
  }

  static void append_utf8(std::string& out, std::uint32_t code_point) {
    const auto byte = [&out](std::uint32_t b) { out += static_cast<char>(static_cast<unsigned char>(b)); };
    if (code_point < 0x80) {
      byte(code_point);
    } else if (code_point < 0x800) {
      byte(0xC0 | (code_point >> 6));
      byte(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
      byte(0xE0 | (code_point >> 12));
      byte(0x80 | ((code_point >> 6) & 0x3F));
      byte(0x80 | (code_point & 0x3F));
    } else {
      byte(0xF0 | (code_point >> 18));
      byte(0x80 | ((code_point >> 12) & 0x3F));
      byte(0x80 | ((code_point >> 6) & 0x3F));
      byte(0x80 | (code_point & 0x3F));
    }
  }

  std::uint32_t hex4() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      if (at_end()) fail(pos_, "the text ended inside a \\u escape");
      const char c = peek();
      std::uint32_t digit = 0;
      if (c >= '0' && c <= '9') {
        digit = static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        digit = static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        fail(pos_, "expected a hexadecimal digit in a \\u escape, got " + shown(pos_));
      }
      v = v * 16 + digit;
      ++pos_;
    }
    return v;
  }

  void escape(std::string& out) {
    const auto backslash = pos_++;
    if (at_end()) fail(pos_, "the text ended inside an escape");
    const char c = text_[pos_++];
    switch (c) {
      case '"': out += '"'; return;
      case '\\': out += '\\'; return;
      case '/': out += '/'; return;
      case 'b': out += '\b'; return;
      case 'f': out += '\f'; return;
      case 'n': out += '\n'; return;
      case 'r': out += '\r'; return;
      case 't': out += '\t'; return;
      case 'u': break;
      default: fail(pos_ - 1, "unknown escape " + shown(pos_ - 1) + " after a backslash");
    }
    std::uint32_t code_point = hex4();
    if (code_point >= 0xDC00 && code_point <= 0xDFFF) {
      fail(backslash, "a low surrogate (\\udc00-\\udfff) must follow a high surrogate");
    }
    if (code_point >= 0xD800 && code_point <= 0xDBFF) {
      // UTF-16 spells code points above U+FFFF as a high and a low surrogate.
      if (text_.substr(pos_, 2) != "\\u") fail(pos_, "a high surrogate must be followed by a \\u low surrogate");
      const auto low_at = pos_;
      pos_ += 2;
      const std::uint32_t low = hex4();
      if (low < 0xDC00 || low > 0xDFFF) fail(low_at, "a high surrogate must be followed by a low surrogate (\\udc00-\\udfff)");
      code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(out, code_point);
  }

  void utf8(std::string& out) {
    std::size_t bad = 0;
    const auto length = utf8_char_length(text_, pos_, bad);
    if (length == 0) {
      if (bad == pos_) fail(bad, "invalid UTF-8: " + shown(bad) + " cannot start a character");
      if (bad >= text_.size()) fail(bad, "invalid UTF-8: the text ended inside a character");
      fail(bad, "invalid UTF-8: " + shown(bad) + " does not continue the character");
    }
    out.append(text_.substr(pos_, length));
    pos_ += length;
  }

  std::string string() {
    ++pos_;  // the opening quote
    std::string out;
    for (;;) {
      if (at_end()) fail(pos_, "the text ended inside a string");
      const auto c = static_cast<unsigned char>(peek());
      if (c == '"') break;
      if (c == '\\') {
        escape(out);
      } else if (c < 0x20) {
        fail(pos_, "a control character (" + shown(pos_) + ") must be escaped in a string");
      } else if (c >= 0x80) {
        utf8(out);
      } else {
        // Copy the run of plain characters at once.
        const auto from = pos_;
        while (!at_end()) {
          const auto d = static_cast<unsigned char>(peek());
          if (d == '"' || d == '\\' || d < 0x20 || d >= 0x80) break;
          ++pos_;
        }
        out.append(text_.substr(from, pos_ - from));
      }
    }
    ++pos_;  // the closing quote
    return out;
  }

  std::string_view text_;
  std::size_t max_depth_;
  std::size_t pos_ = 0;
  std::size_t depth_ = 0;
};

STAMPEDE_DECL bool is_identifier(std::string_view key) noexcept {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

/// A value as a message quotes it: the number or string itself (shortened), else its kind.
STAMPEDE_DECL std::string shown_value(const json_value& v) {
  constexpr std::size_t longest = 40;
  switch (v.type()) {
    case json_type::number:
      return v.text().size() <= longest ? v.text() : v.text().substr(0, longest) + "…";
    case json_type::string: {
      if (v.text().size() <= longest) return json_quote(v.text());
      auto cut = longest;
      while (cut > 0 && (static_cast<unsigned char>(v.text()[cut]) & 0xC0) == 0x80) --cut;
      return json_quote(v.text().substr(0, cut)) + "…";
    }
    case json_type::boolean: return v.boolean() ? "true" : "false";
    default: return std::string{describe(v.type())};
  }
}

}  // namespace detail

STAMPEDE_DECL json_value parse_json(std::string_view text, const json_parse_options& options) {
  return detail::json_parser{text, options}.document();
}

STAMPEDE_DECL json_ref::json_ref(const json_value& value, std::string path)
    : value_{&value}, path_{std::move(path)} {}

STAMPEDE_DECL void json_ref::fail(std::string_view problem) const {
  throw usage_error((path_.empty() ? std::string{"JSON document"} : path_) + ": " + std::string{problem});
}

STAMPEDE_DECL const json_value& json_ref::expect(json_type type, std::string_view expected) const {
  if (value_->type() != type) fail("expected " + std::string{expected} + ", got " + detail::shown_value(*value_));
  return *value_;
}

STAMPEDE_DECL std::optional<json_ref> json_ref::find(std::string_view key) const {
  const auto& object = expect(json_type::object, "an object");
  const json_value* member = object.find(key);
  if (member == nullptr) return std::nullopt;
  std::string path = path_;
  if (detail::is_identifier(key)) {
    if (!path.empty()) path += '.';
    path += key;
  } else {
    path += '[' + json_quote(key) + ']';
  }
  return json_ref{*member, std::move(path)};
}

STAMPEDE_DECL json_ref json_ref::operator[](std::string_view key) const {
  if (auto member = find(key)) return *member;
  fail("missing the key " + json_quote(key));
}

STAMPEDE_DECL json_ref json_ref::operator[](std::size_t index) const {
  const auto& array = expect(json_type::array, "an array");
  if (index >= array.size()) {
    fail("has " + std::to_string(array.size()) + " elements, no element " + std::to_string(index));
  }
  return json_ref{array[index], path_ + '[' + std::to_string(index) + ']'};
}

STAMPEDE_DECL std::size_t json_ref::array_size() const {
  return expect(json_type::array, "an array").size();
}

STAMPEDE_DECL void json_ref::expect_only(std::initializer_list<std::string_view> known) const {
  const auto& object = expect(json_type::object, "an object");
  for (std::size_t i = 0; i < object.size(); ++i) {
    if (std::find(known.begin(), known.end(), object.key(i)) == known.end()) {
      fail("unknown key " + json_quote(object.key(i)));
    }
  }
}

STAMPEDE_DECL bool json_ref::as_bool() const {
  return expect(json_type::boolean, "true or false").boolean();
}

STAMPEDE_DECL std::uint64_t json_ref::as_uint64() const {
  constexpr std::string_view expected = "an unsigned integer";
  const auto& v = expect(json_type::number, expected);
  const auto& text = v.text();
  std::uint64_t out = 0;
  // The grammar is already checked: only a sign, a fraction or an exponent can be in the way.
  const bool integral = text.find_first_of("-.eE") == std::string::npos;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (!integral || ec != std::errc{} || end != text.data() + text.size()) {
    fail("expected " + std::string{expected} + " (0 to 18446744073709551615), got " + detail::shown_value(v));
  }
  return out;
}

STAMPEDE_DECL std::int64_t json_ref::as_int64() const {
  constexpr std::string_view expected = "an integer";
  const auto& v = expect(json_type::number, expected);
  const auto& text = v.text();
  std::int64_t out = 0;
  const bool integral = text.find_first_of(".eE") == std::string::npos;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (!integral || ec != std::errc{} || end != text.data() + text.size()) {
    fail("expected " + std::string{expected} + " (-2^63 to 2^63 - 1), got " + detail::shown_value(v));
  }
  return out;
}

STAMPEDE_DECL double json_ref::as_double() const {
  const auto& v = expect(json_type::number, "a number");
  const auto parsed = parse_double(v.text());
  if (!parsed || !std::isfinite(*parsed)) {
    fail("expected a number within a double's range, got " + detail::shown_value(v));
  }
  return *parsed;
}

STAMPEDE_DECL const std::string& json_ref::as_string() const {
  return expect(json_type::string, "a string").text();
}

}  // namespace stampede
