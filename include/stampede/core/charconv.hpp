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

namespace detail {

/// A finite, positive double's shortest round-trip digits (no leading or trailing zeros) and
/// the decimal exponent of the first: `value = d1.d2d3… × 10^exponent`.
struct decimal_digits {
  std::string digits;
  int exponent = 0;
};

[[nodiscard]] inline decimal_digits shortest_digits(double magnitude) {
  // From whichever notation format_double chose.
  const std::string shortest = format_double(magnitude);
  decimal_digits d;
  if (const auto e = shortest.find_first_of("eE"); e != std::string::npos) {
    for (const char c : shortest.substr(0, e)) {
      if (c != '.') d.digits += c;
    }
    d.exponent = std::stoi(shortest.substr(e + 1));
  } else {
    const auto point = shortest.find('.');
    const std::string whole = shortest.substr(0, point);
    const std::string fraction = point == std::string::npos ? std::string{} : shortest.substr(point + 1);
    d.digits = whole + fraction;
    d.exponent = static_cast<int>(whole.size()) - 1;
  }
  // Leading zeros (0.00123) move into the exponent, trailing ones are not significant.
  const auto first = d.digits.find_first_not_of('0');
  d.exponent -= static_cast<int>(first);
  d.digits.erase(0, first);
  d.digits.erase(d.digits.find_last_not_of('0') + 1);
  return d;
}

/// Appends `d` in plain notation: `0.000123`, `781.5`, `2300000000000000`.
inline void append_plain(std::string& out, const decimal_digits& d) {
  if (d.exponent < 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-d.exponent - 1), '0');
    out += d.digits;
  } else if (static_cast<std::size_t>(d.exponent) + 1 >= d.digits.size()) {
    out += d.digits;
    out.append(static_cast<std::size_t>(d.exponent) + 1 - d.digits.size(), '0');
  } else {
    out += d.digits.substr(0, static_cast<std::size_t>(d.exponent) + 1);
    out += '.';
    out += d.digits.substr(static_cast<std::size_t>(d.exponent) + 1);
  }
}

/// NaN and the infinities as Go spells them (`NaN`, `+Inf`, `-Inf`), or nothing.
[[nodiscard]] inline std::optional<std::string> go_special_float(double value) {
  if (value != value) return "NaN";
  if (value == std::numeric_limits<double>::infinity()) return "+Inf";
  if (value == -std::numeric_limits<double>::infinity()) return "-Inf";
  return std::nullopt;
}

}  // namespace detail

/// A double as Go's `encoding/json` writes a float64, which is how k6's JSON output writes
/// sample values: the shortest digits that read back the same, in plain notation from 1e-6
/// up to 1e21 (`0.000001`, `781.5494399979516`, `100000000000000000000`), else in exponent
/// notation without a padded negative exponent (`1e-7`, `1.5e+21`). NaN and infinities,
/// which JSON has no number for, are returned as `NaN`, `+Inf`, `-Inf` for the caller to
/// refuse.
[[nodiscard]] inline std::string format_go_float(double value) {
  if (auto special = detail::go_special_float(value)) return *special;
  const bool negative = std::signbit(value);
  const double magnitude = negative ? -value : value;
  std::string out = negative ? "-" : "";
  if (magnitude == 0) return out + "0";
  const auto d = detail::shortest_digits(magnitude);
  if (magnitude >= 1e-6 && magnitude < 1e21) {
    detail::append_plain(out, d);
    return out;
  }
  out += d.digits.substr(0, 1);
  if (d.digits.size() > 1) {
    out += '.';
    out += d.digits.substr(1);
  }
  // Here the exponent is at least 21 or at most -7: Go's padding to two digits never shows
  // (its JSON encoder takes the padding off a negative one).
  out += d.exponent < 0 ? "e-" : "e+";
  out += std::to_string(d.exponent < 0 ? -d.exponent : d.exponent);
  return out;
}

/// The shortest digits that read back the same double, always in plain notation, however
/// large or small (`0.00001`, `2300000000000000`), as k6's threshold grammar reads numbers;
/// NaN and the infinities as Go spells them.
[[nodiscard]] inline std::string format_plain_float(double value) {
  if (auto special = detail::go_special_float(value)) return *special;
  const bool negative = std::signbit(value);
  const double magnitude = negative ? -value : value;
  std::string out = negative ? "-" : "";
  if (magnitude == 0) return out + "0";
  detail::append_plain(out, detail::shortest_digits(magnitude));
  return out;
}

}  // namespace stampede
