// JSON string literals: the one escaping used wherever stampede writes text that could hold
// quotes, backslashes or control characters (tag values, check names, URLs).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace stampede {

/// `text` as a JSON string literal, quotes included: `"say \"hi\"\n"`. Bytes from 0x80 up
/// pass through, so UTF-8 stays readable.
[[nodiscard]] inline std::string json_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char escaped[7];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace stampede
