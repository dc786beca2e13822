// A list of HTTP header fields with case-insensitive lookup, stored compactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <stampede/http/detail/recycling_allocator.hpp>

namespace stampede::http {

/// One header field as seen in a `headers` list.
struct header_view {
  std::string_view name;
  std::string_view value;
};

/// Header fields in the order they were added, names compared without regard to case. Names
/// and values share one buffer; both buffers come from the thread's `block_cache`, so a
/// response's headers reuse those of the responses before it instead of allocating.
///
/// ```cpp
/// stampede::http::headers h{{"Accept", "application/json"}, {"X-Trace", "1"}};
/// h.get("accept");        // "application/json"
/// h.set("x-trace", "2");  // replaces every X-Trace
/// ```
class headers {
 public:
  headers() = default;
  headers(std::initializer_list<std::pair<std::string_view, std::string_view>> fields);

  /// Appends a field (a repeated name is kept: `Set-Cookie` comes many times).
  void add(std::string_view name, std::string_view value);
  /// Replaces every field called `name` with one holding `value`.
  void set(std::string_view name, std::string_view value);
  /// Removes every field called `name`; returns how many there were.
  std::size_t erase(std::string_view name);
  /// The value of the first field called `name`, if any.
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const noexcept;
  [[nodiscard]] bool contains(std::string_view name) const noexcept { return get(name).has_value(); }
  /// Every value of the fields called `name`, in order.
  [[nodiscard]] std::vector<std::string_view> get_all(std::string_view name) const;

  [[nodiscard]] std::size_t size() const noexcept { return fields_.size(); }
  [[nodiscard]] bool empty() const noexcept { return fields_.empty(); }
  [[nodiscard]] header_view operator[](std::size_t i) const noexcept;
  void clear() noexcept;

  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = header_view;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = header_view;
    iterator() = default;
    header_view operator*() const noexcept { return (*list_)[i_]; }
    iterator& operator++() noexcept { ++i_; return *this; }
    iterator operator++(int) noexcept { auto old = *this; ++i_; return old; }
    friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.i_ == b.i_; }
   private:
    friend class headers;
    iterator(const headers* list, std::size_t i) : list_{list}, i_{i} {}
    const headers* list_ = nullptr;
    std::size_t i_ = 0;
  };
  [[nodiscard]] iterator begin() const noexcept { return {this, 0}; }
  [[nodiscard]] iterator end() const noexcept { return {this, fields_.size()}; }

  friend bool operator==(const headers& a, const headers& b) noexcept;

  // For the response parser, which builds a field from pieces as bytes arrive.
  /// Starts a field whose name and value are appended next.
  void begin_field();
  void append_name(std::string_view piece);
  void append_value(std::string_view piece);
  /// Ends the field begun last, trimming spaces and tabs around its value.
  void end_field() noexcept;
  /// Bytes of names and values held.
  [[nodiscard]] std::size_t text_size() const noexcept { return text_.size(); }

 private:
  void append_text(std::string_view piece);

  struct field {
    std::uint32_t name_begin, name_size, value_begin, value_size;
  };
  // No std::string: its small buffer points into the object itself, and g++ 12 relocates
  // temporaries inside `co_await` (a braced `request_params`) bit by bit; a vector has no
  // pointer into itself.
  std::vector<char, detail::recycling_allocator<char>> text_;
  std::vector<field, detail::recycling_allocator<field>> fields_;
};

namespace detail {
/// Whether `a` and `b` are equal but for the case of ASCII letters: header names, schemes,
/// host names, header tokens.
// Not [[nodiscard]]: url.ipp may define it before this declaration is seen, and an attribute
// added after the definition is ignored (clang warns).
bool iequals_ascii(std::string_view a, std::string_view b) noexcept;
}  // namespace detail

}  // namespace stampede::http

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/http/impl/headers.ipp>
#endif
