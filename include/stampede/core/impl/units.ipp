// Bodies of the unit formatting and parsing (included by core/units.hpp). The k6 functions
// repeat the arithmetic of k6's summary code (durations in milliseconds as doubles, the same
// truncations in the same order), so the digits come out as k6's do.
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/charconv.hpp>
#include <stampede/core/error.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

namespace stampede {

namespace detail {

// printf's "%.*f": every digit, however long (a double's integer part has up to 309).
STAMPEDE_DECL std::string printf_fixed(double value, int precision) {
  const int length = std::snprintf(nullptr, 0, "%.*f", precision, value);
  if (length <= 0) return {};
  std::string text(static_cast<std::size_t>(length) + 1, '\0');
  std::snprintf(text.data(), text.size(), "%.*f", precision, value);
  text.pop_back();  // the terminating NUL snprintf wrote
  return text;
}

// JavaScript's String(value) where toFixed hands over to it: NaN, the infinities, and
// magnitudes of 1e21 or more, in exponent form (1e+70, 1.7976931348623157e+308), which is
// how Go's JSON encoder writes them too.
STAMPEDE_DECL std::string js_to_string_beyond_fixed(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  return format_go_float(value);
}

// JavaScript's value.toFixed(precision), 0 to 20 digits: the nearest decimal with that many
// digits and, of two equally near, the one farther from zero (0.125 to two digits is 0.13),
// where printf picks the even one (0.12). Only a double whose exact value ends in 5 right
// after the kept digits is such a tie; 40 more digits of its exact expansion (which glibc
// prints) tell it from its neighbours for any value whose rounding could tie. NaN, the
// infinities and magnitudes from 1e21 read as toFixed gives them: `NaN`, `Infinity`, `1e+21`.
STAMPEDE_DECL std::string js_to_fixed(double value, int precision) {
  if (!std::isfinite(value) || std::fabs(value) >= 1e21) return js_to_string_beyond_fixed(value);
  std::string text = printf_fixed(value, precision);
  std::string digits = printf_fixed(value, precision + 40);
  const auto cut = digits.size() - 40;  // just after the kept digits
  if (digits[cut] != '5' || digits.find_first_not_of('0', cut + 1) != std::string::npos) return text;
  // An exact tie: keep the digits and round the magnitude up.
  digits.resize(cut);
  for (auto i = digits.size(); i-- > 0;) {
    if (digits[i] == '.') continue;
    if (digits[i] == '-') {
      digits.insert(i + 1, "1");
      break;
    }
    if (digits[i] != '9') {
      ++digits[i];
      break;
    }
    digits[i] = '0';
    if (i == 0) digits.insert(0, "1");
  }
  if (!digits.empty() && digits.back() == '.') digits.pop_back();
  return digits;
}

// JavaScript's parseFloat(value.toFixed(precision)).toString() for ordinary magnitudes.
STAMPEDE_DECL std::string fixed_no_trailing_zeros(double value, int precision) {
  std::string out = js_to_fixed(value, precision);
  // Zeros end the exponent of 1.25e+30, not a fraction.
  if (out.find('.') != std::string::npos && out.find('e') == std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  if (out == "-0") out = "0";
  return out;
}

// k6's toFixedNoTrailingZerosTrunc.
STAMPEDE_DECL std::string fixed_no_trailing_zeros_trunc(double value, int precision) {
  const double mult = std::pow(10.0, precision);
  return fixed_no_trailing_zeros(std::trunc(mult * value) / mult, precision);
}

}  // namespace detail

STAMPEDE_DECL std::string format_duration(double nanoseconds) {
  // k6 would print NaN as NaNhNaNmNaNs; the value alone says it better.
  if (!std::isfinite(nanoseconds)) return detail::js_to_string_beyond_fixed(nanoseconds);
  const double dur = nanoseconds / 1e6;  // k6 keeps time in milliseconds
  if (dur == 0) return "0s";
  if (dur < 0.001) {
    // Back from milliseconds as k6 does, unless that overflows (below -DBL_MAX / 1e6 ns).
    const double ns = std::isinf(dur * 1000000) ? nanoseconds : dur * 1000000;
    return detail::fixed_no_trailing_zeros(std::trunc(ns), 0) + "ns";
  }
  if (dur < 1) return detail::fixed_no_trailing_zeros_trunc(dur * 1000, 2) + "µs";
  if (dur < 1000) return detail::fixed_no_trailing_zeros_trunc(dur, 2) + "ms";

  auto result = detail::fixed_no_trailing_zeros_trunc(std::fmod(dur, 60000) / 1000, dur > 60000 ? 0 : 2) + "s";
  double rem = std::trunc(dur / 60000);
  if (rem < 1) return result;
  result = detail::fixed_no_trailing_zeros(std::fmod(rem, 60), 0) + "m" + result;
  rem = std::trunc(rem / 60);
  if (rem < 1) return result;
  return detail::fixed_no_trailing_zeros(rem, 0) + "h" + result;
}

STAMPEDE_DECL std::string format_duration(double nanoseconds, time_unit unit) {
  const double dur = nanoseconds / 1e6;
  switch (unit) {
    case time_unit::s: return detail::js_to_fixed(dur * 0.001, 2) + "s";
    case time_unit::ms: return detail::js_to_fixed(dur, 2) + "ms";
    case time_unit::us: return detail::js_to_fixed(dur * 1000, 2) + "µs";
  }
  return detail::js_to_fixed(dur, 2) + "ms";
}

STAMPEDE_DECL std::string format_bytes(double bytes) {
  static constexpr std::array<const char*, 9> units{"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  // NaN and +Infinity have no magnitude to pick a unit by (k6 prints "NaN undefined").
  if (bytes < 10 || !std::isfinite(bytes)) return detail::fixed_no_trailing_zeros(bytes, 6) + " B";
  // From 10 to DBL_MAX the exponent is 0 to 102; past yottabytes the number grows instead
  // (k6 names no unit there).
  const auto e = std::min(static_cast<std::size_t>(std::floor(std::log(bytes) / std::log(1000.0))), units.size() - 1);
  const double val = std::floor(bytes / std::pow(1000.0, static_cast<double>(e)) * 10 + 0.5) / 10;
  return detail::js_to_fixed(val, val < 10 ? 1 : 0) + " " + units[e];
}

STAMPEDE_DECL std::string format_number(double value) { return detail::fixed_no_trailing_zeros(value, 6); }

STAMPEDE_DECL std::string format_percent(double share) {
  return detail::js_to_fixed(std::trunc(share * 100 * 100) / 100, 2) + "%";
}

// ---- Go's duration syntax --------------------------------------------------------------

STAMPEDE_DECL std::chrono::nanoseconds parse_duration(std::string_view text) {
  const auto fail = [&](std::size_t at, std::string_view problem) -> std::chrono::nanoseconds {
    throw parse_error("duration", text, at, problem);
  };
  if (text.empty()) return fail(0, "a duration needs a number and a unit, such as 30s");
  if (text == "0") return std::chrono::nanoseconds{0};
  if (text.front() == '-') return fail(0, "a duration in a test definition cannot be negative");
  std::size_t pos = text.front() == '+' ? 1 : 0;
  if (pos == text.size()) return fail(pos, "a number was expected");

  constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  std::uint64_t total = 0;
  while (pos < text.size()) {
    const auto number_at = pos;
    std::uint64_t whole = 0;
    bool digits = false, overflow = false;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      const auto digit = static_cast<std::uint64_t>(text[pos] - '0');
      overflow = overflow || whole > (max - digit) / 10;
      whole = whole * 10 + digit;
      digits = true;
      ++pos;
    }
    std::uint64_t fraction = 0;
    double scale = 1;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        // Digits past what 63 bits can hold cannot change the result; Go drops them too.
        if (fraction <= (max - 9) / 10) {
          fraction = fraction * 10 + static_cast<std::uint64_t>(text[pos] - '0');
          scale *= 10;
        }
        digits = true;
        ++pos;
      }
    }
    if (!digits) return fail(number_at, "a number was expected");
    const auto unit_at = pos;
    while (pos < text.size() && !(text[pos] >= '0' && text[pos] <= '9') && text[pos] != '.') ++pos;
    const auto unit = text.substr(unit_at, pos - unit_at);
    std::uint64_t ns_per_unit = 0;
    if (unit == "ns") {
      ns_per_unit = 1;
    } else if (unit == "us" || unit == "µs" || unit == "μs") {
      ns_per_unit = 1'000;
    } else if (unit == "ms") {
      ns_per_unit = 1'000'000;
    } else if (unit == "s") {
      ns_per_unit = 1'000'000'000;
    } else if (unit == "m") {
      ns_per_unit = 60'000'000'000;
    } else if (unit == "h") {
      ns_per_unit = 3'600'000'000'000;
    } else if (unit.empty()) {
      return fail(unit_at, "a unit was expected after the number (ns, us, ms, s, m or h)");
    } else {
      return fail(unit_at, "unknown unit \"" + std::string{unit} + "\" (ns, us, ms, s, m or h)");
    }
    if (overflow || whole > max / ns_per_unit) return fail(number_at, "the duration is too long");
    std::uint64_t value = whole * ns_per_unit;
    // As Go does: the fraction through a double, exact when it has no more digits than the unit.
    if (fraction > 0) {
      value += static_cast<std::uint64_t>(static_cast<double>(fraction) * (static_cast<double>(ns_per_unit) / scale));
    }
    if (value > max - total) return fail(number_at, "the duration is too long");
    total += value;
  }
  return std::chrono::nanoseconds{static_cast<std::int64_t>(total)};
}

STAMPEDE_DECL std::string format_go_duration(std::chrono::nanoseconds d) {
  const bool negative = d.count() < 0;
  // Negating INT64_MIN in unsigned arithmetic is well defined.
  std::uint64_t u = static_cast<std::uint64_t>(d.count());
  if (negative) u = ~u + 1;
  if (u == 0) return "0s";

  // The digits of `v` below `precision` decimals, without trailing zeros: ".5", "", ".125".
  const auto fraction = [](std::uint64_t& v, int precision) {
    std::string digits;
    bool printing = false;
    for (int i = 0; i < precision; ++i) {
      const auto digit = static_cast<char>('0' + v % 10);
      printing = printing || digit != '0';
      if (printing) digits.insert(digits.begin(), digit);
      v /= 10;
    }
    return digits.empty() ? digits : "." + digits;
  };

  std::string out;
  if (u < 1'000'000'000) {
    int precision = 0;
    std::string unit;
    if (u < 1'000) {
      unit = "ns";
    } else if (u < 1'000'000) {
      precision = 3;
      unit = "µs";
    } else {
      precision = 6;
      unit = "ms";
    }
    const auto frac = fraction(u, precision);
    out = std::to_string(u) + frac + unit;
  } else {
    const auto frac = fraction(u, 9);
    out = std::to_string(u % 60) + frac + "s";
    u /= 60;
    if (u > 0) {
      out = std::to_string(u % 60) + "m" + out;
      u /= 60;
      if (u > 0) out = std::to_string(u) + "h" + out;
    }
  }
  return negative ? "-" + out : out;
}

}  // namespace stampede
