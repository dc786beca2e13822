// Tests of the strict JSON reader: the DOM it builds, the text it refuses (and where it
// points), and the typed accessors that name the JSON path of a mistake.
#include <stampede/core/json.hpp>

#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sp = stampede;

namespace {

// The parse_error thrown for `text`, or a failed test if there is none.
sp::parse_error parse_failure(const std::string& text) {
  try {
    (void)sp::parse_json(text);
  } catch (const sp::parse_error& e) {
    return e;
  }
  FAIL("parsed without an error: " << text);
  throw std::logic_error("unreachable");
}

// The usage_error message of `action`, or a failed test if it does not throw one.
template <class Action>
std::string usage_message(Action&& action) {
  try {
    action();
  } catch (const sp::parse_error& e) {
    FAIL("expected a usage_error, got a parse_error: " << e.what());
  } catch (const sp::usage_error& e) {
    return e.what();
  }
  FAIL("no usage_error was thrown");
  return {};
}

}  // namespace

TEST_CASE("parse_json builds a DOM of every kind, keeping object members in document order") {
  const auto v = sp::parse_json(R"( {"z": null, "a": [true, false, -1.5e3, "x"], "m": {}} )");
  REQUIRE(v.type() == sp::json_type::object);
  REQUIRE(v.size() == 3);
  CHECK(v.key(0) == "z");
  CHECK(v.key(1) == "a");
  CHECK(v.key(2) == "m");
  CHECK(v[0].type() == sp::json_type::null);
  const auto& a = v[1];
  REQUIRE(a.type() == sp::json_type::array);
  REQUIRE(a.size() == 4);
  CHECK(a[0].boolean());
  CHECK_FALSE(a[1].boolean());
  CHECK(a[2].type() == sp::json_type::number);
  CHECK(a[2].text() == "-1.5e3");
  CHECK(a[3].text() == "x");
  CHECK(v[2].type() == sp::json_type::object);
  CHECK(v[2].size() == 0);
  CHECK(v.find("a") == &v[1]);
  CHECK(v.find("b") == nullptr);
}

TEST_CASE("numbers keep their text, so 64-bit integers and doubles read back exactly") {
  const auto v = sp::parse_json(
      R"([18446744073709551615, -9223372036854775808, 0.1, 781.5494399979516, 9007199254740993, -0])");
  const sp::json_ref root{v};
  CHECK(root[0].as_uint64() == UINT64_MAX);
  CHECK(root[1].as_int64() == INT64_MIN);
  CHECK(root[2].as_double() == 0.1);
  CHECK(root[3].as_double() == 781.5494399979516);
  CHECK(root[4].as_uint64() == 9007199254740993U);  // 2^53 + 1: a double would lose it
  CHECK(root[5].as_double() == 0.0);
  CHECK(root[4].value().text() == "9007199254740993");
}

TEST_CASE("strings decode every escape, \\u escapes and surrogate pairs into UTF-8") {
  const auto v = sp::parse_json(R"(["a\"b\\c\/d\b\f\n\r\t", "caf\u00e9 \u20ac \ud83d\ude00", "\u0000", "é€😀"])");
  REQUIRE(v.size() == 4);
  CHECK(v[0].text() == "a\"b\\c/d\b\f\n\r\t");
  CHECK(v[1].text() == "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  CHECK(v[2].text() == std::string(1, '\0'));
  CHECK(v[3].text() == "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
}

TEST_CASE("parse_json refuses what RFC 8259 does not allow and points at the offending byte") {
  struct row {
    std::string text;
    std::size_t position;
    std::string problem;
  };
  const std::vector<row> rows = {
      {"", 0, "ended where a value was expected"},
      {"[1,]", 3, "where a value was expected"},
      {"{\"a\":1,}", 7, "expected a key"},
      {"[1 2]", 3, "expected ',' or ']'"},
      {"{\"a\" 1}", 5, "expected ':'"},
      {"01", 1, "leading zero"},
      {"1.", 2, "after the decimal point"},
      {"1e", 2, "in the exponent"},
      {"-", 1, "expected a digit"},
      {"+1", 0, "character '+'"},
      {".5", 0, "character '.'"},
      {"NaN", 0, "character 'N'"},
      {"tru", 3, "in \"true\""},
      {"nul", 3, "in \"null\""},
      {"\"abc", 4, "ended inside a string"},
      {"\"a\tb\"", 2, "control character"},
      {"\"\\x\"", 2, "unknown escape"},
      {"\"\\u12g4\"", 5, "hexadecimal digit"},
      {"\"\\ud83d\"", 7, "followed by a \\u low surrogate"},
      {"\"\\ud83d\\u0041\"", 7, "followed by a low surrogate"},
      {"\"\\ude00\"", 1, "low surrogate"},
      {"\"\xC3\"", 2, "does not continue"},
      {"\"\xC0\xAF\"", 1, "cannot start"},           // overlong '/'
      {"\"\xED\xA0\x80\"", 2, "does not continue"},  // a surrogate in UTF-8
      {"\"\xF4\x90\x80\x80\"", 2, "does not continue"},  // above U+10FFFF
      {"\"\xE2\x82", 3, "ended inside a character"},
      {"{\"a\":1,\"b\":2,\"a\":3}", 13, "duplicate key \"a\""},
      {"[1] [2]", 4, "after the JSON value"},
      {"\xEF\xBB\xBF{}", 0, "byte order mark"},
      {"// c\n{}", 0, "character '/'"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    const auto e = parse_failure(r.text);
    CHECK(e.position() == r.position);
    CHECK_THAT(e.what(), Catch::Matchers::Contains(r.problem));
    CHECK_THAT(e.what(), Catch::Matchers::StartsWith("invalid JSON"));
  }
}

TEST_CASE("an error in a long document shows its line and column and the line around it") {
  std::string text = "{\n  \"first\": 1,\n  \"second\": [1, 2, 3, oops]\n}";
  const auto e = parse_failure(text);
  CHECK_THAT(e.what(), Catch::Matchers::Contains("line 3, column 23"));
  CHECK(e.input() == "  \"second\": [1, 2, 3, oops]");
  CHECK(e.position() == 22);
  CHECK(e.input().substr(e.position(), 4) == "oops");

  std::string long_line = "[" + std::string(500, ' ') + "1, x]";
  const auto clipped = parse_failure(long_line);
  CHECK(clipped.input().size() < 120);
  CHECK(clipped.input()[clipped.position()] == 'x');
  CHECK_THAT(clipped.what(), Catch::Matchers::Contains("line 1, column 505"));
}

TEST_CASE("nesting beyond the depth limit is a parse_error, not a stack overflow") {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  const auto e = parse_failure(deep);
  // The 129th '[' is one level too many; the line is clipped around it.
  CHECK_THAT(e.what(), Catch::Matchers::Contains("line 1, column 129"));
  CHECK(e.input()[e.position()] == '[');
  CHECK_THAT(e.what(), Catch::Matchers::Contains("deeper than 128"));

  const std::string three = "[[[1]]]";
  CHECK_NOTHROW(sp::parse_json(three, {.max_depth = 3}));
  CHECK_THROWS_AS(sp::parse_json(three, {.max_depth = 2}), sp::parse_error);
}

TEST_CASE("typed accessors name the JSON path of a value of the wrong type") {
  const auto v = sp::parse_json(
      R"({"entries": [{}, {}, {}, {"data": {"buckets": [0, 1, 2, 3, 4, 5, 6, {"count": -1}]}}]})");
  const sp::json_ref root{v};
  const auto count = root["entries"][3]["data"]["buckets"][7]["count"];
  CHECK(count.path() == "entries[3].data.buckets[7].count");
  CHECK(usage_message([&] { (void)count.as_uint64(); }) ==
        "entries[3].data.buckets[7].count: expected an unsigned integer (0 to 18446744073709551615), got -1");
  CHECK(count.as_int64() == -1);
  CHECK_THAT(usage_message([&] { (void)count.as_string(); }), Catch::Matchers::Contains("expected a string, got -1"));
  CHECK_THAT(usage_message([&] { (void)root["entries"].as_bool(); }),
             Catch::Matchers::Equals("entries: expected true or false, got an array"));
  CHECK_THAT(usage_message([&] { (void)root["entries"]["x"]; }),
             Catch::Matchers::Equals("entries: expected an object, got an array"));
  CHECK_THAT(usage_message([&] { (void)root[std::size_t{0}]; }),
             Catch::Matchers::Equals("JSON document: expected an array, got an object"));
}

TEST_CASE("a missing key or element is a usage_error naming where it was looked for") {
  const auto v = sp::parse_json(R"({"a": {"list": [1, 2]}, "odd key": {"x": 1}})");
  const sp::json_ref root{v};
  CHECK(usage_message([&] { (void)root["a"]["size"]; }) == "a: missing the key \"size\"");
  CHECK(usage_message([&] { (void)root["a"]["list"][2]; }) == "a.list: has 2 elements, no element 2");
  CHECK(root["odd key"]["x"].path() == "[\"odd key\"].x");
  CHECK_FALSE(root["a"].find("size").has_value());
  CHECK(root["a"].find("list")->array_size() == 2);
  CHECK(usage_message([&] { root["a"].expect_only({"lists"}); }) == "a: unknown key \"list\"");
  CHECK_NOTHROW(root["a"].expect_only({"list"}));
}

TEST_CASE("integer accessors refuse fractions, exponents and values out of range") {
  const auto v = sp::parse_json(R"([1.0, 1e3, 18446744073709551616, 9223372036854775808, -1, 1e400, 3])");
  const sp::json_ref root{v};
  CHECK_THROWS_AS(root[0].as_uint64(), sp::usage_error);
  CHECK_THROWS_AS(root[1].as_uint64(), sp::usage_error);
  CHECK_THROWS_AS(root[2].as_uint64(), sp::usage_error);
  CHECK_THROWS_AS(root[3].as_int64(), sp::usage_error);
  CHECK_THROWS_AS(root[4].as_uint64(), sp::usage_error);
  CHECK_THAT(usage_message([&] { (void)root[5].as_double(); }),
             Catch::Matchers::Equals("[5]: expected a number within a double's range, got 1e400"));
  CHECK(root[0].as_double() == 1.0);
  CHECK(root[1].as_double() == 1000.0);
  CHECK(root[3].as_uint64() == 9223372036854775808U);
  CHECK(root[6].as_uint64() == 3);
  CHECK(root[6].as_int64() == 3);
}

TEST_CASE("fail() reports a check beyond the type at the value's path") {
  const auto v = sp::parse_json(R"({"digits": 9})");
  const sp::json_ref root{v};
  CHECK(usage_message([&] { root["digits"].fail("expected 1 to 5"); }) == "digits: expected 1 to 5");
  CHECK(usage_message([&] { root.fail("not a snapshot"); }) == "JSON document: not a snapshot");
}

TEST_CASE("equal documents compare equal, and numbers compare by their text") {
  CHECK(sp::parse_json(R"({"a": [1, "x"]})") == sp::parse_json("{ \"a\" : [ 1 , \"x\" ] }"));
  CHECK_FALSE(sp::parse_json("1.0") == sp::parse_json("1"));
  CHECK_FALSE(sp::parse_json(R"({"a": 1, "b": 2})") == sp::parse_json(R"({"b": 2, "a": 1})"));
  CHECK(sp::json_value{} == sp::parse_json("null"));
}
