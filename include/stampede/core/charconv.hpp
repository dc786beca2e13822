// Numbers to and from text without locales, on every standard library: std::from_chars and
// std::to_chars for double where the library has them (libstdc++ 11, MSVC, libc++ 17), and
// classic-locale streams where it does not (older libc++, e.g. Apple's). Defining
// STAMPEDE_NO_FLOAT_CHARCONV for a whole program forces the streams (to test them).
#pragma once

#include <charconv>
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

}  // namespace stampede
