// Tests of RFC 4180 fields and sp::csv_writer: quoting only where it must, separators, line
// ends, exact numbers and empty fields.
#include <stampede/core/csv.hpp>

#include "support/catch_compat.hpp"

#include <cstdint>
#include <limits>
#include <string>

namespace sp = stampede;

TEST_CASE("csv_field quotes a field only when a reader would misread it") {
  CHECK(sp::csv_field("http_reqs") == "http_reqs");
  CHECK(sp::csv_field("") == "");
  CHECK(sp::csv_field("a,b") == "\"a,b\"");
  CHECK(sp::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(sp::csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(sp::csv_field("cr\r") == "\"cr\r\"");
  CHECK(sp::csv_field(" padded") == "\" padded\"");
  CHECK(sp::csv_field("padded ") == "\"padded \"");
  CHECK(sp::csv_field("in side") == "in side");
}

TEST_CASE("csv_writer separates fields, ends rows with the line end it was given, and starts each row afresh") {
  std::string crlf;
  sp::csv_writer w{crlf, "\r\n"};
  w.field("metric").field("value").field("tags").end_row();
  w.field("http_reqs, all").number(781.5).empty().end_row();
  w.end_row();  // a row of no fields is an empty line
  CHECK(crlf == "metric,value,tags\r\n\"http_reqs, all\",781.5,\r\n\r\n");

  std::string lf;
  sp::csv_writer k6{lf};
  k6.field("a").end_row();
  k6.field("b").field("c").end_row();
  CHECK(lf == "a\nb,c\n");
}

TEST_CASE("csv_writer writes integers exactly, doubles as their shortest round-trip text, and no text for non-finite ones") {
  std::string out;
  sp::csv_writer w{out};
  w.number(std::numeric_limits<std::uint64_t>::max()).number(std::numeric_limits<std::int64_t>::min()).number(-7);
  w.number(0.1).number(1e300).number(std::numeric_limits<double>::quiet_NaN());
  w.number(std::numeric_limits<double>::infinity()).number(2.0).end_row();
  CHECK(out == "18446744073709551615,-9223372036854775808,-7,0.1,1e+300,,,2\n");
}
