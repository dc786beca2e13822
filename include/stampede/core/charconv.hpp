// Numbers to and from text without locales, on every standard library: std::from_chars and
// std::to_chars for double where the library has them (libstdc++ 11, MSVC, libc++ 17), and
// classic-locale streams where it does not (older libc++, e.g. Apple's). Defining
// STAMPEDE_NO_FLOAT_CHARCONV for a whole program forces the streams (to test them).
#pragma once

#include <charconv>
#include <cmath>
#include <cstddef>
#include <limits>
#include <cstdio>
#include <locale>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

namespace stampede {

/// The double `text` spells in full (`95`, `99.9`, `-1.5`, `2e3`); empty if it does not, or
/// if it is out of range. Never reads the C locale's decimal separator.
[[nodiscard]] inline std::optional<double> parse_double(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double value = 0;
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L && !defined(STAMPEDE_NO_FLOAT_CHARCONV)
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
#else
  std::istringstream in{std::string{text}};
  in.imbue(std::locale::classic());
  in >> std::noskipws >> value;
  if (!in || in.peek() != std::char_traits<char>::eof()) return std::nullopt;
#endif
  return value;
}

/// The shortest text that reads back as the same double (`781.5494399979516`, `0.1`, `10`).
[[nodiscard]] inline std::string format_double(double value) {
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L && !defined(STAMPEDE_NO_FLOAT_CHARCONV)
  char text[64];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  if (ec == std::errc{}) return std::string(text, end);
#endif
  // As to_chars does: the fewest significant digits that read back the same (17 always
  // do), then the shorter of fixed and scientific notation, fixed on a tie.
  const auto write = [](double v, std::ios_base::fmtflags notation, int precision) {
    std::ostringstream out;
    out.imbue(std::locale::classic());
    out.setf(notation, std::ios_base::floatfield);
    out.precision(precision);
    out << v;
    return out.str();
  };
  std::string scientific;
  int digits = 1;
  for (; digits <= 17; ++digits) {
    scientific = write(value, std::ios_base::scientific, digits - 1);
    if (parse_double(scientific) == value) break;
  }
  const auto e_at = scientific.find('e');
  const int exponent = e_at == std::string::npos ? 0 : std::stoi(scientific.substr(e_at + 1));
  const int decimals = digits - 1 - exponent;
  const auto fixed = write(value, std::ios_base::fixed, decimals > 0 ? decimals : 0);
  return fixed.size() <= scientific.size() && parse_double(fixed) == value ? fixed : scientific;
}

/// A double as Go's `encoding/json` writes a float64, which is how k6's JSON output writes
/// sample values: the shortest digits that read back the same, in plain notation from 1e-6
/// up to 1e21 (`0.000001`, `781.5494399979516`, `100000000000000000000`), else in exponent
/// notation without a padded negative exponent (`1e-7`, `1.5e+21`). NaN and infinities,
/// which JSON has no number for, are returned as `NaN`, `+Inf`, `-Inf` for the caller to
/// refuse.
[[nodiscard]] inline std::string format_go_float(double value) {
  if (value != value) return "NaN";
  if (value == std::numeric_limits<double>::infinity()) return "+Inf";
  if (value == -std::numeric_limits<double>::infinity()) return "-Inf";
  const bool negative = std::signbit(value);
  const double magnitude = negative ? -value : value;
  std::string out = negative ? "-" : "";
  if (magnitude == 0) return out + "0";
  // The shortest round-trip digits and the decimal exponent of the first one, from whichever
  // notation format_double chose.
  const std::string shortest = format_double(magnitude);
  std::string digits;
  int exponent = 0;  // magnitude = 0.d1d2d3… × 10^(exponent + 1)
  if (const auto e = shortest.find_first_of("eE"); e != std::string::npos) {
    for (const char c : shortest.substr(0, e)) {
      if (c != '.') digits += c;
    }
    exponent = std::stoi(shortest.substr(e + 1));
  } else {
    const auto point = shortest.find('.');
    const std::string whole = shortest.substr(0, point);
    const std::string fraction = point == std::string::npos ? std::string{} : shortest.substr(point + 1);
    digits = whole + fraction;
    exponent = static_cast<int>(whole.size()) - 1;
  }
  // Leading zeros (0.00123) move into the exponent, trailing ones are not significant.
  const auto first = digits.find_first_not_of('0');
  exponent -= static_cast<int>(first);
  digits.erase(0, first);
  digits.erase(digits.find_last_not_of('0') + 1);
  if (magnitude >= 1e-6 && magnitude < 1e21) {
    if (exponent < 0) {
      out += "0.";
      out.append(static_cast<std::size_t>(-exponent - 1), '0');
      out += digits;
    } else if (static_cast<std::size_t>(exponent) + 1 >= digits.size()) {
      out += digits;
      out.append(static_cast<std::size_t>(exponent) + 1 - digits.size(), '0');
    } else {
      out += digits.substr(0, static_cast<std::size_t>(exponent) + 1);
      out += '.';
      out += digits.substr(static_cast<std::size_t>(exponent) + 1);
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) {
    out += '.';
    out += digits.substr(1);
  }
  // Here the exponent is at least 21 or at most -7: Go's padding to two digits never shows
  // (its JSON encoder takes the padding off a negative one).
  out += exponent < 0 ? "e-" : "e+";
  out += std::to_string(exponent < 0 ? -exponent : exponent);
  return out;
}

}  // namespace stampede
