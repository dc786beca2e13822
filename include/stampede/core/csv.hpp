// One CSV field as RFC 4180 writes it, for every table stampede writes as CSV.
#pragma once

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

}  // namespace stampede
