// Tests of locale-free number parsing and printing (both branches: the suite is also run
// with STAMPEDE_NO_FLOAT_CHARCONV, which forces the stream fallback).
#include <stampede/core/charconv.hpp>

#include "support/catch_compat.hpp"

#include <clocale>
#include <limits>
#include <string>

TEST_CASE("parse_double reads whole numbers only") {
  CHECK(stampede::parse_double("95") == 95.0);
  CHECK(stampede::parse_double("99.9") == 99.9);
  CHECK(stampede::parse_double("-1.5") == -1.5);
  CHECK_FALSE(stampede::parse_double("").has_value());
  CHECK_FALSE(stampede::parse_double("1.5x").has_value());
  CHECK_FALSE(stampede::parse_double("x").has_value());
  CHECK_FALSE(stampede::parse_double(" 1").has_value());
}

TEST_CASE("format_double round-trips and never uses a locale's decimal comma") {
  for (const double v : {0.1, 781.5494399979516, 10.0, 1e-7, 123456789.125}) {
    INFO(v);
    CHECK(stampede::parse_double(stampede::format_double(v)) == v);
  }
  CHECK(stampede::format_double(10) == "10");
  // A process whose C locale uses a comma must still write and read points.
  if (std::setlocale(LC_ALL, "de_DE.UTF-8") != nullptr || std::setlocale(LC_ALL, "C.UTF-8") != nullptr) {
    CHECK(stampede::format_double(2.5) == "2.5");
    CHECK(stampede::parse_double("2.5") == 2.5);
    std::setlocale(LC_ALL, "C");
  }
}

TEST_CASE("format_go_float writes numbers as Go's encoding/json does") {
  // Go: json.Marshal(float64(x)) for each x.
  CHECK(stampede::format_go_float(0) == "0");
  CHECK(stampede::format_go_float(-0.0) == "-0");
  CHECK(stampede::format_go_float(1) == "1");
  CHECK(stampede::format_go_float(12.345) == "12.345");
  CHECK(stampede::format_go_float(-2.5) == "-2.5");
  CHECK(stampede::format_go_float(0.001) == "0.001");
  CHECK(stampede::format_go_float(1e-6) == "0.000001");
  CHECK(stampede::format_go_float(1.5e-7) == "1.5e-7");
  CHECK(stampede::format_go_float(1e-100) == "1e-100");
  CHECK(stampede::format_go_float(123456789.0) == "123456789");
  CHECK(stampede::format_go_float(1e20) == "100000000000000000000");
  CHECK(stampede::format_go_float(1e21) == "1e+21");
  CHECK(stampede::format_go_float(1.25e22) == "1.25e+22");
  CHECK(stampede::format_go_float(781.5494399979516) == "781.5494399979516");
  CHECK(stampede::format_go_float(0.1 + 0.2) == "0.30000000000000004");
  CHECK(stampede::format_go_float(std::numeric_limits<double>::quiet_NaN()) == "NaN");
  CHECK(stampede::format_go_float(-std::numeric_limits<double>::infinity()) == "-Inf");
}

TEST_CASE("format_plain_float writes the shortest digits without an exponent, however large or small") {
  CHECK(stampede::format_plain_float(0) == "0");
  CHECK(stampede::format_plain_float(-0.0) == "-0");
  CHECK(stampede::format_plain_float(12.345) == "12.345");
  CHECK(stampede::format_plain_float(1e-5) == "0.00001");
  CHECK(stampede::format_plain_float(-1.5e-7) == "-0.00000015");
  CHECK(stampede::format_plain_float(2.3e15) == "2300000000000000");
  CHECK(stampede::format_plain_float(1.25e22) == "12500000000000000000000");
  CHECK(stampede::format_plain_float(0.1 + 0.2) == "0.30000000000000004");
  CHECK(stampede::format_plain_float(std::numeric_limits<double>::infinity()) == "+Inf");
  // Every double it writes reads back the same.
  for (const double v : {1e-300, 4.9e-324, 1.7976931348623157e308, 123.456e-20, 6.02214076e23}) {
    CHECK(stampede::parse_double(stampede::format_plain_float(v)) == v);
  }
}
