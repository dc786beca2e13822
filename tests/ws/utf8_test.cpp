// Tests of incremental UTF-8 validation: a table in the spirit of the Autobahn suite's
// section 6 (its byte strings written anew here), each text split at every position.
#include <stampede/ws/detail/utf8.hpp>

#include "support/catch_compat.hpp"
#include "ws/support.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace {

using stampede::ws::detail::is_valid_utf8;
using stampede::ws::detail::utf8_validator;
using stampede::ws::test::raw;

// Whether `text` is valid fed whole, and the same outcome fed in two pieces at every position
// and a byte at a time.
bool valid_however_split(std::string_view text) {
  const bool whole = is_valid_utf8(text);
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    utf8_validator v;
    const bool first = v.feed(text.substr(0, cut));
    const bool second = v.feed(text.substr(cut));
    INFO("cut at " << cut);
    REQUIRE((first && second && v.complete()) == whole);
    REQUIRE(v.failed() == !(first && second));
  }
  utf8_validator bytewise;
  for (const char c : text) bytewise.feed(std::string_view{&c, 1});
  REQUIRE(bytewise.complete() == whole);
  return whole;
}

}  // namespace

TEST_CASE("valid UTF-8 of every length passes however it is split") {
  const std::vector<std::string> valid = {
      "",
      "Hello-µ@ßöäüàá-UTF-8!!",                                  // Autobahn 6.2.x's mixed text
      "κόσμε",                                                   // Greek, from Markus Kuhn's test file
      raw({0x00}), raw({0x7F}),                                  // the ends of 1-byte sequences
      raw({0xC2, 0x80}), raw({0xDF, 0xBF}),                      // 2 bytes: U+0080, U+07FF
      raw({0xE0, 0xA0, 0x80}), raw({0xED, 0x9F, 0xBF}),          // U+0800, U+D7FF (before the surrogates)
      raw({0xEE, 0x80, 0x80}), raw({0xEF, 0xBF, 0xBD}),          // U+E000 (after them), U+FFFD
      raw({0xEF, 0xBF, 0xBF}),                                   // U+FFFF, a non-character but valid
      raw({0xF0, 0x90, 0x80, 0x80}), raw({0xF4, 0x8F, 0xBF, 0xBF}),  // U+10000, U+10FFFF
      "a long ASCII run that the validator skips eight bytes at a time, then \xF0\x9F\x98\x80 at its end",
  };
  for (const auto& text : valid) {
    INFO(text);
    CHECK(valid_however_split(text));
  }
}

TEST_CASE("invalid UTF-8 fails however it is split") {
  struct invalid {
    const char* what;
    std::string bytes;
  };
  const std::vector<invalid> table = {
      {"a lone continuation byte", raw({0x80})},
      {"a continuation byte after ASCII", "abc" + raw({0xBF})},
      {"C0 and C1 (only overlong forms)", raw({0xC0, 0x80})},
      {"C1", raw({0xC1, 0xBF})},
      {"overlong U+002F in 2 bytes", raw({0xC0, 0xAF})},
      {"overlong U+002F in 3 bytes", raw({0xE0, 0x80, 0xAF})},
      {"overlong U+07FF in 3 bytes", raw({0xE0, 0x9F, 0xBF})},
      {"overlong U+002F in 4 bytes", raw({0xF0, 0x80, 0x80, 0xAF})},
      {"overlong U+FFFF in 4 bytes", raw({0xF0, 0x8F, 0xBF, 0xBF})},
      {"the first high surrogate U+D800", raw({0xED, 0xA0, 0x80})},
      {"the last low surrogate U+DFFF", raw({0xED, 0xBF, 0xBF})},
      {"a surrogate pair in CESU-8", raw({0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80})},
      {"U+110000", raw({0xF4, 0x90, 0x80, 0x80})},
      {"F5 lead byte", raw({0xF5, 0x80, 0x80, 0x80})},
      {"a 5-byte sequence", raw({0xF8, 0x88, 0x80, 0x80, 0x80})},
      {"a 6-byte sequence", raw({0xFC, 0x84, 0x80, 0x80, 0x80, 0x80})},
      {"FE", raw({0xFE})},
      {"FF", raw({0xFF})},
      {"a 2-byte sequence cut at the end", raw({0xC2})},
      {"a 3-byte sequence cut at the end", "ok" + raw({0xE2, 0x82})},
      {"a 4-byte sequence cut at the end", raw({0xF0, 0x9F, 0x98})},
      {"a sequence cut by ASCII", raw({0xE2, 0x82}) + "a" + raw({0xAC})},
      {"a sequence cut by a new lead byte", raw({0xE2, 0xE2, 0x82, 0xAC})},
      {"Autobahn 6.3's text with a surrogate inside", "\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5\xED\xA0\x80\x65\x64\x69\x74\x65\x64"},
      {"an invalid byte after a long ASCII run", std::string(40, 'a') + raw({0xFF}) + std::string(9, 'b')},
  };
  for (const auto& t : table) {
    INFO(t.what);
    CHECK_FALSE(valid_however_split(t.bytes));
  }
}

TEST_CASE("a UTF-8 validator fails at the first byte that cannot continue a valid text") {
  utf8_validator v;
  CHECK(v.feed(raw({0xE2, 0x82})));  // a valid start
  CHECK_FALSE(v.complete());
  CHECK_FALSE(v.feed(raw({0x41})));  // not a continuation
  CHECK(v.failed());
  CHECK_FALSE(v.feed("abc"));  // failed stays failed
  v.reset();
  CHECK(v.feed("abc"));
  CHECK(v.complete());
}

TEST_CASE("is_valid_utf8 works in constant expressions") {
  static_assert(is_valid_utf8("caf\xC3\xA9"));
  static_assert(!is_valid_utf8("\xC3"));
  static_assert(!is_valid_utf8("\xED\xA0\x80"));
  CHECK(is_valid_utf8("ok"));
}
