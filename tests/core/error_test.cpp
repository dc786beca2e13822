// Tests of the usage and parse errors that name what the user got wrong.
#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"

#include <stdexcept>
#include <string>

TEST_CASE("parse_error shows the input with a caret under the offending character") {
  const stampede::parse_error e{"duration", "1m3x", 3, "unknown unit \"x\""};
  CHECK(std::string{e.what()} == "invalid duration \"1m3x\": unknown unit \"x\"\n  1m3x\n     ^");
  CHECK(e.position() == 3);
  CHECK(e.input() == "1m3x");
}

TEST_CASE("parse_error counts characters, not bytes, when it places the caret") {
  const stampede::parse_error e{"duration", "5µsx", 4, "unknown unit \"µsx\""};
  // "x" is at byte 4 but is the 4th character: "5µs" is 3 characters in 4 bytes.
  CHECK(std::string{e.what()}.substr(std::string{e.what()}.rfind('\n') + 1) == "     ^");
}

TEST_CASE("a parse error past the end of the input points just after it") {
  const stampede::parse_error e{"threshold", "p(95)<", 99, "the bound is missing"};
  CHECK(e.position() == 6);
  CHECK(std::string{e.what()}.substr(std::string{e.what()}.rfind('\n') + 1) == "        ^");
}

TEST_CASE("usage and parse errors are invalid_argument, so callers can catch either") {
  CHECK_THROWS_AS(throw stampede::parse_error("duration", "", 0, "empty"), stampede::usage_error);
  CHECK_THROWS_AS(throw stampede::usage_error("bad"), std::invalid_argument);
}
