// Durations, byte counts and numbers as k6's summary prints them, and durations parsed
// and printed the way k6's options and Go write them ("1m30s").
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace stampede {

/// A fixed unit for durations in the summary (k6's `--summary-time-unit`).
enum class time_unit : std::uint8_t { s, ms, us };

/// A duration as k6's summary prints it: `0s`, `759ns`, `4.42µs`, `12.6ms`, `781.38ms`,
/// `2.4s`, `1m30s`, `1h2m3s`. Digits are truncated to two decimals, not rounded, as k6 does
/// (so a p95 never reads better than it was). Fractional nanoseconds are accepted because
/// averages have them. NaN and the infinities print as `NaN`, `Infinity` and `-Infinity`.
[[nodiscard]] std::string format_duration(double nanoseconds);
[[nodiscard]] inline std::string format_duration(std::chrono::nanoseconds d) {
  return format_duration(static_cast<double>(d.count()));
}
/// A duration in one unit with two decimals: `12.60ms`, `0.01s`, `4420.00µs`.
[[nodiscard]] std::string format_duration(double nanoseconds, time_unit unit);

/// A byte count as k6 prints it, base 1000: `7 B`, `548 kB`, `4.8 MB`, `1.3 GB`; past
/// yottabytes the number grows (`1.8e+284 YB`). NaN and the infinities: `NaN B`, `Infinity B`.
[[nodiscard]] std::string format_bytes(double bytes);
/// A plain number as k6 prints it: up to six decimals, no trailing zeros (`781.54944`, `10`).
/// Every formatter here takes any double and prints numbers as JavaScript's toFixed in k6's
/// summary does: magnitudes from 1e21 in exponent form with every digit needed to read the
/// double back (`1e+70`, `-1.7976931348623157e+308`), NaN as `NaN` and the infinities as
/// `Infinity` and `-Infinity`.
[[nodiscard]] std::string format_number(double value);
/// A share from 0 to 1 as k6 prints a rate: truncated to two decimals, `0.00%`, `99.87%`.
[[nodiscard]] std::string format_percent(double share);

/// A number of bytes; formats as k6 prints it (`fmt::format("{}", byte_count{4'800'000})` is
/// `4.8 MB`).
struct byte_count {
  std::uint64_t value = 0;
  friend constexpr bool operator==(byte_count, byte_count) = default;
  friend constexpr auto operator<=>(byte_count, byte_count) = default;
};

/// Parses a duration as k6's options and Go write it: a sequence of numbers with units,
/// `30s`, `1m30s`, `1.5h`, `500ms`, `100us` (or `µs`), `10ns`; `0` alone is zero. Throws
/// `parse_error` pointing at the problem: an empty string, a number without a unit, an
/// unknown unit, a negative duration (a test definition has none), or one too long for
/// `std::chrono::nanoseconds`.
[[nodiscard]] std::chrono::nanoseconds parse_duration(std::string_view text);

/// A duration as Go prints it and as k6 writes options (`gracefulStop: 30s`): `0s`, `10ns`,
/// `1.5µs`, `500ms`, `30s`, `1m0s`, `1h2m3.5s`. `parse_duration` reads it back exactly.
[[nodiscard]] std::string format_go_duration(std::chrono::nanoseconds d);

}  // namespace stampede

template <>
struct fmt::formatter<stampede::byte_count> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(stampede::byte_count b, FormatContext& ctx) const {
    const auto text = stampede::format_bytes(static_cast<double>(b.value));
    return fmt::formatter<std::string_view>::format(text, ctx);
  }
};

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/core/impl/units.ipp>
#endif
