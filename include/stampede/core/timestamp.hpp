// Wall-clock times as text, the way k6's outputs (written in Go) stamp their samples.
#pragma once

#include <chrono>
#include <string>

namespace stampede {

/// How much of a second a timestamp shows.
enum class timestamp_precision : unsigned char {
  seconds,      ///< Go's `time.RFC3339`: `2026-01-01T00:00:05Z`
  nanoseconds,  ///< Go's `time.RFC3339Nano`: `2026-01-01T00:00:05.0125Z` (trailing zeros trimmed, no fraction when zero)
};

/// `t` in RFC 3339, in UTC (`Z`), as Go's `time.Format` writes it.
[[nodiscard]] std::string format_rfc3339(std::chrono::system_clock::time_point t,
                                         timestamp_precision precision = timestamp_precision::nanoseconds);

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/core/impl/timestamp.ipp>
#endif
