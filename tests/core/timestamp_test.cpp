// Tests of RFC 3339 timestamps against what Go's time.Format writes (k6's JSON and CSV
// outputs stamp samples with it).
#include <stampede/core/timestamp.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace sp = stampede;
using namespace std::chrono;

TEST_CASE("format_rfc3339 writes UTC as Go's RFC3339 and RFC3339Nano layouts do") {
  // time.Unix(1562324644, 0).UTC() — the instant of k6's CSV output tests.
  const system_clock::time_point t{seconds{1562324644}};
  CHECK(sp::format_rfc3339(t, sp::timestamp_precision::seconds) == "2019-07-05T11:04:04Z");
  CHECK(sp::format_rfc3339(t) == "2019-07-05T11:04:04Z");  // no fraction when it is zero
  CHECK(sp::format_rfc3339(t + nanoseconds{123456789}) == "2019-07-05T11:04:04.123456789Z");
  CHECK(sp::format_rfc3339(t + milliseconds{120}) == "2019-07-05T11:04:04.12Z");  // trailing zeros trimmed
  CHECK(sp::format_rfc3339(t + nanoseconds{5}) == "2019-07-05T11:04:04.000000005Z");
  CHECK(sp::format_rfc3339(t + milliseconds{999}, sp::timestamp_precision::seconds) == "2019-07-05T11:04:04Z");
  // The manual time's default wall start, a leap day and the epoch.
  CHECK(sp::format_rfc3339(system_clock::time_point{seconds{1767225600}}) == "2026-01-01T00:00:00Z");
  CHECK(sp::format_rfc3339(system_clock::time_point{seconds{951782400}} + hours{23} + minutes{59} + seconds{59}) ==
        "2000-02-29T23:59:59Z");
  CHECK(sp::format_rfc3339(system_clock::time_point{}) == "1970-01-01T00:00:00Z");
  // Before the epoch the day is floored, not truncated.
  CHECK(sp::format_rfc3339(system_clock::time_point{} - seconds{1}) == "1969-12-31T23:59:59Z");
}

TEST_CASE("timestamp_cache writes what format_rfc3339 writes, for times in and out of order") {
  const system_clock::time_point start{seconds{1767225600}};
  const std::vector<nanoseconds> offsets{0ns, 5ns, 120ms, 999999999ns, 1s, 1s + 250ms, 61s, 2s, 86400s + 1ns};
  sp::timestamp_cache cache;
  for (const auto precision : {sp::timestamp_precision::nanoseconds, sp::timestamp_precision::seconds}) {
    for (const auto offset : offsets) {
      const auto t = start + duration_cast<system_clock::duration>(offset);
      std::string out = "x";
      cache.append(t, precision, out);
      CHECK(out == "x" + sp::format_rfc3339(t, precision));
    }
  }
}

TEST_CASE("parse_timestamp reads RFC 3339 with any offset, and Unix seconds") {
  using namespace std::chrono;
  const auto at = [](std::int64_t s, std::int64_t ns = 0) {
    return system_clock::time_point{duration_cast<system_clock::duration>(seconds{s} + nanoseconds{ns})};
  };
  CHECK(sp::parse_timestamp("2026-12-06T19:30:00Z") == at(1796585400));
  CHECK(sp::parse_timestamp("2026-01-01T00:00:05Z") == at(1767225605));
  CHECK(sp::parse_timestamp("2026-01-01t00:00:05.0125z") == at(1767225605, 12'500'000));
  CHECK(sp::parse_timestamp("2026-01-01 01:00:05+01:00") == at(1767225605));
  CHECK(sp::parse_timestamp("2025-12-31T23:30:05-00:30") == at(1767225605));
  CHECK(sp::parse_timestamp("2026-01-01T00:00:05.123456789Z") == at(1767225605, 123'456'789));
  CHECK(sp::parse_timestamp("1767225605") == at(1767225605));
  CHECK(sp::parse_timestamp("1767225605.25") == at(1767225605, 250'000'000));
  // Round trip with the formatter.
  const auto t = at(1767225605, 7);
  CHECK(sp::parse_timestamp(sp::format_rfc3339(t)) == t);
  for (const auto* bad : {"", "now", "2026-01-01T00:00:05", "2026-13-01T00:00:05Z", "2026-02-30T00:00:05Z",
                          "2026-01-01T24:00:00Z", "2026-01-01T00:00:05+1:00", "2026-01-01T00:00:05.Z", "1767225605.",
                          "1.2.3", "99999999999999999999", "2026-01-01T00:00:05Zjunk"}) {
    INFO(bad);
    CHECK_THROWS_WITH(sp::parse_timestamp(bad), std::string{"invalid time \""} + bad +
                                                    "\": expected RFC 3339 (2026-12-06T19:30:00Z) or Unix seconds");
  }
}

TEST_CASE("parse_timestamp refuses RFC 3339 times that 64-bit nanoseconds from 1970 cannot hold") {
  // Found by tests/fuzz/duration.cpp: the year 1013 overflowed the conversion to nanoseconds.
  using namespace std::chrono;
  const auto at = [](std::int64_t s) { return system_clock::time_point{duration_cast<system_clock::duration>(seconds{s})}; };
  CHECK(sp::parse_timestamp("1700-01-01T00:00:00Z") == at(-8520336000));
  CHECK(sp::parse_timestamp("2200-01-01T00:00:00Z") == at(7258118400));
  for (const auto* far : {"1013-12-06T20:30:00.5+01:00", "0000-01-01T00:00:00Z", "1677-09-21T00:12:43Z",
                          "2262-04-11T23:47:17Z", "9999-12-31T23:59:60-23:59"}) {
    INFO(far);
    CHECK_THROWS_WITH(sp::parse_timestamp(far), std::string{"invalid time \""} + far +
                                                    "\": expected RFC 3339 (2026-12-06T19:30:00Z) or Unix seconds");
  }
}
