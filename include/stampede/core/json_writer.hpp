// sp::json_writer: the one way stampede writes JSON — k6's JSON lines and summary export,
// snapshots, result files, time series and tables — so commas, escaping, numbers and layout
// are decided in one place.
#pragma once

#include <stampede/core/json_string.hpp>

#include <array>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace stampede {

/// Separators between members and after keys: k6's compact `{"a":1,"b":2}`, or stampede's own
/// files' `{"a": 1, "b": 2}`.
enum class json_spacing : std::uint8_t { compact, spaced };

/// Whether an array's elements or an object's members share its line or each take a line of
/// their own, indented two spaces per enclosing container that does the same.
enum class json_wrap : std::uint8_t { one_line, lines };

/// Appends one JSON document to a string, value by value, and checks that the calls make one:
/// a key only inside an object and before each member's value, a value where one may stand,
/// containers closed in order. Strings are escaped as `json_quote` does; integers are written
/// exactly; doubles as their shortest round-trip text.
///
/// ```cpp
/// std::string out;
/// sp::json_writer w{out, sp::json_spacing::spaced};
/// w.begin_object().key("name").string("http_reqs").key("values").begin_array();
/// w.number(1).number(2.5).null().end_array().end_object();
/// // out == R"({"name": "http_reqs", "values": [1, 2.5, null]})"
/// ```
///
/// Throws: `usage_error` on a call that would not make valid JSON (a value without its key, a
/// key outside an object, a container closed out of order or nested deeper than `max_depth`,
/// a number that is not finite).
/// Thread safety: one writer per thread; it writes only to its string.
class json_writer {
 public:
  /// Containers nested deeper than this are refused: `parse_json`'s default limit, so that
  /// nothing stampede writes is too deep for it to read back.
  static constexpr std::size_t max_depth = 128;

  explicit json_writer(std::string& out, json_spacing spacing = json_spacing::compact) noexcept
      : out_{&out}, spacing_{spacing} {}

  json_writer& begin_object(json_wrap wrap = json_wrap::one_line);
  json_writer& end_object();
  json_writer& begin_array(json_wrap wrap = json_wrap::one_line);
  json_writer& end_array();

  /// The next member's key; its value follows.
  json_writer& key(std::string_view name);

  json_writer& string(std::string_view text);
  json_writer& boolean(bool value);
  json_writer& null();
  /// A finite double as the shortest text that reads back the same (`0.1`, `781.5494399979516`).
  json_writer& number(double value);
  /// Any integer, exactly.
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  json_writer& number(T value) {
    if constexpr (std::is_signed_v<T>) {
      return integer(static_cast<std::int64_t>(value), false);
    } else {
      return integer(static_cast<std::int64_t>(static_cast<std::uint64_t>(value)), true);
    }
  }
  /// A value already written as JSON (a number in another spelling, a document of its own),
  /// copied as it is: the caller vouches that it is one valid JSON value.
  json_writer& raw(std::string_view json);

  /// True once one whole value has been written and every container closed.
  [[nodiscard]] bool complete() const noexcept { return depth_ == 0 && wrote_root_; }

 private:
  struct level {
    bool object = false;
    bool lines = false;
    bool empty = true;
    bool keyed = false;  // objects: a key waits for its value
  };

  json_writer& integer(std::int64_t bits, bool is_unsigned);
  void begin(bool object, json_wrap wrap);
  void end(bool object);
  void before_value();
  void new_line(std::size_t indent_levels);

  std::string* out_;
  json_spacing spacing_;
  std::array<level, max_depth> stack_{};
  std::size_t depth_ = 0;
  std::size_t wrapped_ = 0;  // open containers with json_wrap::lines
  bool wrote_root_ = false;
};

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/core/impl/json_writer.ipp>
#endif
