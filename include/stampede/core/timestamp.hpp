// Wall-clock times as text, the way k6's outputs (written in Go) stamp their samples.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace stampede {

/// How much of a second a timestamp shows.
enum class timestamp_precision : unsigned char {
  seconds,      ///< Go's `time.RFC3339`: `2026-01-01T00:00:05Z`
  nanoseconds,  ///< Go's `time.RFC3339Nano`: `2026-01-01T00:00:05.0125Z` (trailing zeros trimmed, no fraction when zero)
};

/// `t` in RFC 3339, in UTC (`Z`), as Go's `time.Format` writes it.
[[nodiscard]] std::string format_rfc3339(std::chrono::system_clock::time_point t,
                                         timestamp_precision precision = timestamp_precision::nanoseconds);

/// A wall-clock instant as a user writes it on a command line (`--start-at`): RFC 3339 with
/// an offset and an optional fraction (`2026-12-06T19:30:00Z`, `2026-12-06T20:30:00.5+01:00`;
/// `t`, `z` and a space for the `T` accepted), or Unix seconds (`1765049400`, `1765049400.25`).
/// Throws `usage_error` saying what was expected: `invalid time "x": expected RFC 3339
/// (2026-12-06T19:30:00Z) or Unix seconds`.
[[nodiscard]] std::chrono::system_clock::time_point parse_timestamp(std::string_view text);

/// `format_rfc3339` for times that come in order, as a stream of samples does: the date and
/// time of day are formatted once per second, only the fraction for each call. The same text
/// as `format_rfc3339` for any time.
///
/// Thread safety: one thread at a time.
class timestamp_cache {
 public:
  /// Appends `t` in RFC 3339 (UTC) to `out`.
  void append(std::chrono::system_clock::time_point t, timestamp_precision precision, std::string& out);

 private:
  std::chrono::seconds second_{-1};
  std::string prefix_;  // `2026-01-01T00:00:05` of second_
  bool valid_ = false;
};

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/core/impl/timestamp.ipp>
#endif
