// Bodies of core/timestamp.hpp.
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>

#include <fmt/format.h>

#include <cstdint>
#include <string_view>

namespace stampede {

STAMPEDE_DECL std::string format_rfc3339(std::chrono::system_clock::time_point t, timestamp_precision precision) {
  using namespace std::chrono;
  const auto ns = time_point_cast<nanoseconds>(t);
  const auto day = floor<days>(ns);
  const year_month_day date{day};
  const hh_mm_ss time_of_day{ns - day};
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(date.year()),
                                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                                time_of_day.hours().count(), time_of_day.minutes().count(),
                                time_of_day.seconds().count());
  if (precision == timestamp_precision::nanoseconds && time_of_day.subseconds().count() != 0) {
    auto fraction = fmt::format("{:09}", time_of_day.subseconds().count());
    fraction.erase(fraction.find_last_not_of('0') + 1);
    out += '.';
    out += fraction;
  }
  out += 'Z';
  return out;
}

namespace detail::timestamp {

// Reads exactly `digits` decimal digits at `at`.
STAMPEDE_DECL bool read_digits(std::string_view text, std::size_t& at, std::size_t digits, int& value) {
  if (at + digits > text.size()) return false;
  value = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const char c = text[at + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  at += digits;
  return true;
}

// Nanoseconds of a fraction's digits after the point (at least one, at most nine count).
STAMPEDE_DECL bool read_fraction(std::string_view text, std::size_t& at, std::int64_t& ns) {
  const auto start = at;
  ns = 0;
  std::int64_t scale = 100'000'000;
  while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
    ns += (text[at] - '0') * scale;
    scale /= 10;
    ++at;
  }
  return at > start;
}

}  // namespace detail::timestamp

STAMPEDE_DECL std::chrono::system_clock::time_point parse_timestamp(std::string_view text) {
  using namespace std::chrono;
  namespace d = detail::timestamp;
  const auto fail = [&]() -> system_clock::time_point {
    throw usage_error(fmt::format("invalid time \"{}\": expected RFC 3339 (2026-12-06T19:30:00Z) or Unix seconds", text));
  };
  const auto to_time_point = [](nanoseconds since_epoch) {
    return system_clock::time_point{duration_cast<system_clock::duration>(since_epoch)};
  };
  if (text.empty()) return fail();
  if (text.find_first_not_of("0123456789.") == std::string_view::npos) {
    // Unix seconds, with an optional fraction; up to the year 2262 (64-bit nanoseconds).
    std::size_t at = 0;
    std::int64_t whole = 0;
    for (; at < text.size() && text[at] != '.'; ++at) {
      if (whole > 9'000'000'000) return fail();
      whole = whole * 10 + (text[at] - '0');
    }
    if (at == 0 || whole > 9'000'000'000) return fail();
    std::int64_t fraction = 0;
    if (at < text.size()) {
      ++at;
      if (!d::read_fraction(text, at, fraction) || at != text.size()) return fail();
    }
    return to_time_point(seconds{whole} + nanoseconds{fraction});
  }
  std::size_t at = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  const auto expect = [&](char c) { return at < text.size() && text[at++] == c; };
  if (!d::read_digits(text, at, 4, year) || !expect('-') || !d::read_digits(text, at, 2, month) || !expect('-') ||
      !d::read_digits(text, at, 2, day)) {
    return fail();
  }
  if (at >= text.size() || (text[at] != 'T' && text[at] != 't' && text[at] != ' ')) return fail();
  ++at;
  if (!d::read_digits(text, at, 2, hour) || !expect(':') || !d::read_digits(text, at, 2, minute) || !expect(':') ||
      !d::read_digits(text, at, 2, second)) {
    return fail();
  }
  std::int64_t fraction = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    if (!d::read_fraction(text, at, fraction)) return fail();
  }
  int offset_minutes = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    const int sign = text[at++] == '-' ? -1 : 1;
    int oh = 0, om = 0;
    if (!d::read_digits(text, at, 2, oh) || !expect(':') || !d::read_digits(text, at, 2, om) || oh > 23 || om > 59) {
      return fail();
    }
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return fail();  // RFC 3339 needs the offset: a time without one is ambiguous
  }
  if (at != text.size()) return fail();
  const year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                            std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return fail();  // 60: a leap second, read as the next
  const auto since_epoch = sys_days{date}.time_since_epoch() + hours{hour} + minutes{minute} + seconds{second} -
                           minutes{offset_minutes};
  // Within the Unix seconds' bound either side of 1970 (the years 1684 to 2255): 64-bit
  // nanoseconds, which the time is converted to, reach only 292 years from 1970.
  if (since_epoch < -seconds{9'000'000'000} || since_epoch > seconds{9'000'000'000}) return fail();
  return to_time_point(duration_cast<nanoseconds>(since_epoch) + nanoseconds{fraction});
}

STAMPEDE_DECL void timestamp_cache::append(std::chrono::system_clock::time_point t, timestamp_precision precision,
                                           std::string& out) {
  using namespace std::chrono;
  const auto ns = duration_cast<nanoseconds>(t.time_since_epoch());
  const auto second = floor<seconds>(ns);
  if (!valid_ || second != second_) {
    prefix_ = format_rfc3339(system_clock::time_point{duration_cast<system_clock::duration>(second)},
                             timestamp_precision::seconds);
    prefix_.pop_back();  // the Z
    second_ = second;
    valid_ = true;
  }
  out += prefix_;
  auto fraction = static_cast<std::uint32_t>((ns - second).count());
  if (precision == timestamp_precision::nanoseconds && fraction != 0) {
    char digits[10] = {'.', '0', '0', '0', '0', '0', '0', '0', '0', '0'};
    for (int i = 9; i >= 1; --i) {
      digits[i] = static_cast<char>('0' + fraction % 10);
      fraction /= 10;
    }
    int end = 10;
    while (digits[end - 1] == '0') --end;
    out.append(digits, static_cast<std::size_t>(end));
  }
  out += 'Z';
}

}  // namespace stampede
