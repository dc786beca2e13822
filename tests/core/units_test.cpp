// Tests of k6's summary units and Go's duration syntax, from the figures in the seed's k6
// summaries (shared/seeds/k6-summaries-replica-scaling.txt).
#include <stampede/core/units.hpp>

#include <stampede/core/charconv.hpp>
#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <limits>
#include <string>

namespace sp = stampede;
using namespace std::chrono_literals;

TEST_CASE("format_duration prints k6's summary units, truncating to two decimals") {
  struct row {
    double ns;
    const char* text;
  };
  const row rows[] = {
      {0, "0s"},
      {759, "759ns"},
      {143.4, "143ns"},        // an average: fractional nanoseconds
      {4'425, "4.42µs"},       // truncated, not rounded to 4.43
      {87'468, "87.46µs"},
      {304'601, "304.6µs"},
      {304'600, "304.59µs"},  // 0.3046 ms is 304.5999… µs in doubles: k6 prints this too
      {12'603'000, "12.6ms"},
      {17'831'200, "17.83ms"},
      {781'384'000, "781.38ms"},
      {2'400'500'000, "2.4s"},
      {59'990'000'000, "59.99s"},
      {60'000'000'000, "1m0s"},
      {90'700'000'000, "1m30s"},  // past a minute, whole seconds
      {3'723'500'000'000, "1h2m3s"},
  };
  for (const auto& r : rows) {
    INFO(r.ns << " ns");
    CHECK(sp::format_duration(r.ns) == r.text);
  }
  CHECK(sp::format_duration(2s) == "2s");
}

TEST_CASE("format_duration in a fixed unit has two decimals, as --summary-time-unit") {
  CHECK(sp::format_duration(12'603'000, sp::time_unit::ms) == "12.60ms");
  CHECK(sp::format_duration(12'603'000, sp::time_unit::s) == "0.01s");
  CHECK(sp::format_duration(4'425, sp::time_unit::us) == "4.42µs");
}

TEST_CASE("an exact tie rounds away from zero, as JavaScript's toFixed in k6's summary, not to even as printf") {
  // k6's internal/js/summary-legacy.js formats with toFixed, which of two equally near decimals
  // picks the larger; 0.125 and 12.5 are exact doubles, so they are such ties.
  CHECK(sp::format_duration(125'000, sp::time_unit::ms) == "0.13ms");  // printf: 0.12ms
  CHECK(sp::format_duration(2'500'000'000, sp::time_unit::s) == "2.50s");
  CHECK(sp::format_duration(4'425, sp::time_unit::us) == "4.42µs");  // 4.425 is not exact: no tie
  CHECK(sp::format_bytes(12'500) == "13 kB");                          // printf: 12 kB
  CHECK(sp::format_bytes(2'500) == "2.5 kB");
  CHECK(sp::format_bytes(998'500) == "999 kB");                        // printf: 998 kB
  CHECK(sp::format_number(0.0078125) == "0.007813");                   // 1/128; printf: 0.007812
  CHECK(sp::format_number(0.0000005) == "0");  // 5e-7 is a little under the tie as a double
  CHECK(sp::format_number(-0.0078125) == "-0.007813");
  CHECK(sp::format_number(-0.0000001) == "0");
}

TEST_CASE("format_bytes prints k6's base-1000 sizes") {
  struct row {
    double bytes;
    const char* text;
  };
  const row rows[] = {
      {0, "0 B"},          {7, "7 B"},           {999, "999 B"},
      {1'000, "1.0 kB"},   {548'000, "548 kB"},  {485'210, "485 kB"},
      {127'000, "127 kB"}, {55'400, "55 kB"},    {1'300'000, "1.3 MB"},
      {4'800'000, "4.8 MB"}, {2'100'000, "2.1 MB"}, {9'960'000, "10 MB"},
  };
  for (const auto& r : rows) {
    INFO(r.bytes << " bytes");
    CHECK(sp::format_bytes(r.bytes) == r.text);
  }
  CHECK(fmt::format("{}", sp::byte_count{4'800'000}) == "4.8 MB");
  CHECK(fmt::format("{:>8}|", sp::byte_count{548'000}) == "  548 kB|");
}

TEST_CASE("format_bytes takes any double: NaN and infinities by name, past yottabytes a larger number") {
  const double max = std::numeric_limits<double>::max();
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(sp::format_bytes(std::numeric_limits<double>::quiet_NaN()) == "NaN B");
  CHECK(sp::format_bytes(inf) == "Infinity B");
  CHECK(sp::format_bytes(-inf) == "-Infinity B");
  CHECK(sp::format_bytes(1e24) == "1.0 YB");
  CHECK(sp::format_bytes(1e27) == "1000 YB");  // the scale stays right past the last unit
  CHECK(sp::format_bytes(1e300) == "1e+276 YB");
  CHECK(sp::format_bytes(max) == "1.7976931348623158e+284 YB");
  CHECK(sp::format_bytes(-1e300) == "-1e+300 B");
  CHECK(sp::format_bytes(std::numeric_limits<double>::denorm_min()) == "0 B");
}

TEST_CASE("format_number and format_percent print k6's counters and rates") {
  CHECK(sp::format_number(781.54944) == "781.54944");
  CHECK(sp::format_number(786.681245) == "786.681245");
  CHECK(sp::format_number(337.42587) == "337.42587");
  CHECK(sp::format_number(7821) == "7821");
  CHECK(sp::format_number(0.1234567) == "0.123457");
  CHECK(sp::format_number(0) == "0");
  CHECK(sp::format_percent(0) == "0.00%");
  CHECK(sp::format_percent(0.99876) == "99.87%");  // truncated
  CHECK(sp::format_percent(1) == "100.00%");
}

TEST_CASE("format_number prints every double whole: huge ones in exponent form as toFixed, tiny ones as 0") {
  struct row {
    double value;
    const char* text;
  };
  const double max = std::numeric_limits<double>::max();
  const double denormal = std::numeric_limits<double>::denorm_min();
  const row rows[] = {
      {1e70, "1e+70"},
      {1e300, "1e+300"},
      {-1e300, "-1e+300"},
      {max, "1.7976931348623157e+308"},
      {-max, "-1.7976931348623157e+308"},
      {1.25e30, "1.25e+30"},  // the zero ends an exponent, not a fraction: kept
      {1e21, "1e+21"},        // toFixed's limit
      {999e18, "999000000000000000000"},
      {denormal, "0"},
      {-denormal, "0"},
      {std::numeric_limits<double>::min(), "0"},
      {std::numeric_limits<double>::quiet_NaN(), "NaN"},
      {std::numeric_limits<double>::infinity(), "Infinity"},
      {-std::numeric_limits<double>::infinity(), "-Infinity"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK(sp::format_number(r.value) == r.text);
  }
  for (const double v : {1e70, 1e300, -1e300, max, -max, 1.25e30}) {
    INFO(v);
    CHECK(sp::parse_double(sp::format_number(v)) == v);  // every digit the double needs
  }
}

TEST_CASE("format_duration prints every double: huge ones in exponent form, NaN and infinities by name") {
  const double max = std::numeric_limits<double>::max();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(sp::format_duration(1e70) == "2.7777777777777778e+57h48m58s");
  CHECK(sp::format_duration(1e300) == "2.777777777777778e+287h32m21s");
  CHECK(sp::format_duration(max) == "4.993592041284211e+295h28m53s");
  CHECK(sp::format_duration(-1e300) == "-1e+300ns");
  CHECK(sp::format_duration(-max) == "-1.7976931348623157e+308ns");  // not -Infinity: ×1e6 would overflow
  CHECK(sp::format_duration(std::numeric_limits<double>::denorm_min()) == "0s");  // 0 once in milliseconds
  CHECK(sp::format_duration(nan) == "NaN");
  CHECK(sp::format_duration(inf) == "Infinity");
  CHECK(sp::format_duration(-inf) == "-Infinity");
  CHECK(sp::format_duration(1e300, sp::time_unit::ms) == "1e+294ms");
  CHECK(sp::format_duration(nan, sp::time_unit::s) == "NaNs");
  CHECK(sp::format_duration(inf, sp::time_unit::us) == "Infinityµs");
  CHECK(sp::format_percent(nan) == "NaN%");
  CHECK(sp::format_percent(-inf) == "-Infinity%");
}

TEST_CASE("format_go_duration writes Go's form and parse_duration reads it back exactly") {
  struct row {
    std::chrono::nanoseconds d;
    const char* text;
  };
  const row rows[] = {
      {0ns, "0s"},
      {10ns, "10ns"},
      {1500ns, "1.5µs"},
      {1'234'567ns, "1.234567ms"},
      {500ms, "500ms"},
      {30s, "30s"},
      {40s, "40s"},
      {1min, "1m0s"},
      {10min, "10m0s"},
      {2h, "2h0m0s"},
      {1h + 2min + 3500ms, "1h2m3.5s"},
      {3s + 123'456'789ns, "3.123456789s"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK(sp::format_go_duration(r.d) == r.text);
    CHECK(sp::parse_duration(r.text) == r.d);
  }
  CHECK(sp::format_go_duration(-1500ms) == "-1.5s");
}

TEST_CASE("parse_duration reads k6's option durations") {
  CHECK(sp::parse_duration("1m30s") == 90s);
  CHECK(sp::parse_duration("1.5h") == 90min);
  CHECK(sp::parse_duration("2.5s") == 2500ms);
  CHECK(sp::parse_duration("100us") == 100us);
  CHECK(sp::parse_duration("100µs") == 100us);
  CHECK(sp::parse_duration("1h2m3s") == 1h + 2min + 3s);
  CHECK(sp::parse_duration(".5s") == 500ms);
  CHECK(sp::parse_duration("+5s") == 5s);
  CHECK(sp::parse_duration("0") == 0ns);
}

TEST_CASE("a malformed duration is a parse error pointing at the problem") {
  struct row {
    const char* text;
    std::size_t position;
    std::string problem;
  };
  const row rows[] = {
      {"", 0, "a duration needs a number and a unit, such as 30s"},
      {"30", 2, "a unit was expected after the number (ns, us, ms, s, m or h)"},
      {"1m3x", 3, "unknown unit \"x\" (ns, us, ms, s, m or h)"},
      {"5 s", 1, "unknown unit \" s\" (ns, us, ms, s, m or h)"},
      {"-5s", 0, "a duration in a test definition cannot be negative"},
      {"abc", 0, "a number was expected"},
      {"1m.", 2, "a number was expected"},
      {"9999999999h", 0, "the duration is too long"},
      {"2562047h48m", 8, "the duration is too long"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    try {
      (void)sp::parse_duration(r.text);
      FAIL("no error for \"" << r.text << "\"");
    } catch (const sp::parse_error& e) {
      CHECK(e.position() == r.position);
      const std::string what = e.what();
      CHECK(what.substr(0, what.find('\n')) ==
            "invalid duration \"" + std::string{r.text} + "\": " + r.problem);
    }
  }
}
