// CSV as RFC 4180 writes it: one field, and the row writer every CSV stampede writes uses
// (tables, time series, k6's CSV output).
#pragma once

#include <stampede/core/charconv.hpp>

#include <cmath>
#include <concepts>
#include <string>
#include <string_view>

namespace stampede {

/// `text` as one RFC 4180 field: as it is, or in double quotes (inner quotes doubled) when it
/// holds a comma, a quote, a line break, or leading or trailing spaces that a reader would trim.
[[nodiscard]] inline std::string csv_field(std::string_view text) {
  const bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!quote) return std::string{text};
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';  // RFC 4180: a quote inside a quoted field is doubled
    out += c;
  }
  return out + '"';
}

/// Appends rows of fields to a string: separators, quoting (`csv_field`) and numbers decided
/// in one place. Each row ends with `line_end`: RFC 4180's CRLF, or the bare LF k6 writes.
///
/// ```cpp
/// std::string out;
/// sp::csv_writer w{out, "\r\n"};
/// w.field("metric").field("value").end_row();
/// w.field("http_reqs, all").number(781.5).end_row();
/// // out == "metric,value\r\n\"http_reqs, all\",781.5\r\n"
/// ```
///
/// Thread safety: one writer per thread; it writes only to its string.
class csv_writer {
 public:
  explicit csv_writer(std::string& out, std::string_view line_end = "\n") noexcept : out_{&out}, line_end_{line_end} {}

  /// A text field, quoted when it must be.
  csv_writer& field(std::string_view text) {
    separate();
    *out_ += csv_field(text);
    return *this;
  }
  /// An empty field (a value nobody measured).
  csv_writer& empty() {
    separate();
    return *this;
  }
  /// A double as its shortest round-trip text; NaN and the infinities leave the field empty.
  csv_writer& number(double value) {
    separate();
    if (std::isfinite(value)) *out_ += format_double(value);
    return *this;
  }
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  csv_writer& number(T value) {
    separate();
    *out_ += std::to_string(value);
    return *this;
  }
  /// Ends the row; the next field starts a new one.
  void end_row() {
    *out_ += line_end_;
    first_ = true;
  }

 private:
  void separate() {
    if (!first_) *out_ += ',';
    first_ = false;
  }

  std::string* out_;
  std::string_view line_end_;
  bool first_ = true;
};

}  // namespace stampede
