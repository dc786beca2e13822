// Bodies of core/timestamp.hpp.
#pragma once

#include <stampede/config.hpp>

#include <fmt/format.h>

#include <cstdint>

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
