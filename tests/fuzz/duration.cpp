// Fuzzes core's text-to-number readers and number-to-text writers: parse_duration,
// parse_double, parse_timestamp, and the formatters of k6's summary. The first byte picks one;
// the rest is its text (or the bits of a double). Oracles: what the API promises reads back
// exactly — format_go_duration by parse_duration, format_double and format_go_float by
// parse_double, format_rfc3339 by parse_timestamp.
#include "fuzz_support.hpp"

#include <stampede/core/charconv.hpp>
#include <stampede/core/error.hpp>
#include <stampede/core/timestamp.hpp>
#include <stampede/core/units.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <string>

namespace sp = stampede;

namespace {

void durations(std::string_view text) {
  std::chrono::nanoseconds d{};
  try {
    d = sp::parse_duration(text);
  } catch (const sp::usage_error&) {
    return;
  }
  const auto go = sp::format_go_duration(d);
  try {
    sp::fuzz::require(sp::parse_duration(go) == d, "parse_duration reads format_go_duration back", text, go);
  } catch (const sp::usage_error& e) {
    sp::fuzz::require(false, "parse_duration reads format_go_duration", go, e.what());
  }
  (void)sp::format_duration(d);
}

// Doubles that print and read back: every finite one.
void round_trip(double value, std::string_view source) {
  (void)sp::format_duration(value);
  (void)sp::format_bytes(value);
  (void)sp::format_number(value);
  (void)sp::format_percent(value);
  if (!std::isfinite(value)) return;
  const auto shortest = sp::format_double(value);
  sp::fuzz::require(sp::parse_double(shortest) == value, "parse_double reads format_double back", source, shortest);
  const auto go = sp::format_go_float(value);
  sp::fuzz::require(sp::parse_double(go) == value, "parse_double reads format_go_float back", source, go);
}

void numbers(std::string_view text) {
  if (const auto value = sp::parse_double(text)) round_trip(*value, text);
}

void bits(std::string_view bytes) {
  double value = 0;
  std::memcpy(&value, bytes.data(), std::min(bytes.size(), sizeof value));
  round_trip(value, "(bits)");
}

void timestamps(std::string_view text) {
  std::chrono::system_clock::time_point t;
  try {
    t = sp::parse_timestamp(text);
  } catch (const sp::usage_error&) {
    return;
  }
  const auto written = sp::format_rfc3339(t, sp::timestamp_precision::nanoseconds);
  try {
    sp::fuzz::require(sp::parse_timestamp(written) == t, "parse_timestamp reads format_rfc3339 back", text, written);
  } catch (const sp::usage_error& e) {
    sp::fuzz::require(false, "parse_timestamp reads format_rfc3339", written, e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto text = sp::fuzz::text(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0: durations(text); break;
    case 1: numbers(text); break;
    case 2: bits(text); break;
    default: timestamps(text); break;
  }
  return 0;
}
