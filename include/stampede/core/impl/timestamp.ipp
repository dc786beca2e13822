// Bodies of core/timestamp.hpp.
#pragma once

#include <stampede/config.hpp>

#include <fmt/format.h>

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

}  // namespace stampede
