// Tests of sp::json_writer: separators and layouts, exact numbers, escaping, the calls it
// refuses, and that what it writes reads back through parse_json as written.
#include <stampede/core/json_writer.hpp>

#include <stampede/core/error.hpp>
#include <stampede/core/json.hpp>

#include "support/catch_compat.hpp"

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>

namespace sp = stampede;

namespace {

// The usage_error message of `action` on a fresh compact writer, or a failed test.
std::string refusal(const std::function<void(sp::json_writer&)>& action) {
  std::string out;
  sp::json_writer w{out};
  try {
    action(w);
  } catch (const sp::usage_error& e) {
    return e.what();
  }
  FAIL("the writer accepted it and wrote " << out);
  return {};
}

void write_sample(sp::json_writer& w, sp::json_wrap outer, sp::json_wrap inner) {
  w.begin_object(outer).key("name").string("http_reqs").key("values").begin_array(inner);
  w.number(1).number(2.5).null().boolean(true).end_array();
  w.key("empty").begin_object(inner).end_object().key("none").begin_array(inner).end_array().end_object();
}

}  // namespace

TEST_CASE("json_writer writes k6's compact separators or stampede's spaced ones") {
  std::string compact;
  sp::json_writer c{compact};
  write_sample(c, sp::json_wrap::one_line, sp::json_wrap::one_line);
  CHECK(compact == R"({"name":"http_reqs","values":[1,2.5,null,true],"empty":{},"none":[]})");
  CHECK(c.complete());

  std::string spaced;
  sp::json_writer s{spaced, sp::json_spacing::spaced};
  write_sample(s, sp::json_wrap::one_line, sp::json_wrap::one_line);
  CHECK(spaced == R"({"name": "http_reqs", "values": [1, 2.5, null, true], "empty": {}, "none": []})");
}

TEST_CASE("json_writer puts the members of a wrapped container on lines of their own, indented by nesting") {
  std::string out;
  sp::json_writer w{out, sp::json_spacing::spaced};
  write_sample(w, sp::json_wrap::lines, sp::json_wrap::lines);
  CHECK(out ==
        "{\n"
        "  \"name\": \"http_reqs\",\n"
        "  \"values\": [\n"
        "    1,\n"
        "    2.5,\n"
        "    null,\n"
        "    true\n"
        "  ],\n"
        "  \"empty\": {},\n"
        "  \"none\": []\n"
        "}");

  // Only wrapped containers count towards the indent: rows of a one-line object's array.
  out.clear();
  sp::json_writer t{out, sp::json_spacing::spaced};
  t.begin_object().key("series").begin_array(sp::json_wrap::lines);
  t.begin_object().key("rows").begin_array(sp::json_wrap::lines).begin_object().key("n").number(1).end_object();
  t.begin_object().key("n").number(2).end_object().end_array().end_object().end_array().end_object();
  CHECK(out ==
        "{\"series\": [\n"
        "  {\"rows\": [\n"
        "    {\"n\": 1},\n"
        "    {\"n\": 2}\n"
        "  ]}\n"
        "]}");
}

TEST_CASE("json_writer writes integers exactly and doubles as their shortest round-trip text") {
  std::string out;
  sp::json_writer w{out};
  w.begin_array();
  w.number(std::numeric_limits<std::uint64_t>::max()).number(std::numeric_limits<std::int64_t>::min());
  w.number(std::uint8_t{255}).number(-7).number(0.1).number(781.5494399979516).number(1e300).number(-0.0);
  w.end_array();
  CHECK(out == "[18446744073709551615,-9223372036854775808,255,-7,0.1,781.5494399979516,1e+300,-0]");

  const auto doc = sp::parse_json(out);
  const sp::json_ref root{doc};
  CHECK(root[0].as_uint64() == std::numeric_limits<std::uint64_t>::max());
  CHECK(root[1].as_int64() == std::numeric_limits<std::int64_t>::min());
  CHECK(root[4].as_double() == 0.1);
  CHECK(root[5].as_double() == 781.5494399979516);
  CHECK(root[6].as_double() == 1e300);
}

TEST_CASE("json_writer escapes keys and strings as json_quote does, and copies raw values as they are") {
  std::string out;
  sp::json_writer w{out};
  const std::string awkward = "say \"hi\"\\\n\t\x01 café";
  w.begin_object().key(awkward).string(awkward).key("go").raw("1e-07").end_object();
  CHECK(out == "{" + sp::json_quote(awkward) + ":" + sp::json_quote(awkward) + ",\"go\":1e-07}");
  const auto doc = sp::parse_json(out);
  CHECK(sp::json_ref{doc}[awkward].as_string() == awkward);
}

TEST_CASE("json_writer refuses calls that would not make one valid JSON document") {
  CHECK(refusal([](sp::json_writer& w) { w.key("a"); }) == "json_writer: a key outside an object");
  CHECK(refusal([](sp::json_writer& w) { w.begin_array().key("a"); }) == "json_writer: a key outside an object");
  CHECK(refusal([](sp::json_writer& w) { w.begin_object().number(1); }) ==
        "json_writer: a value in an object without its key");
  CHECK(refusal([](sp::json_writer& w) { w.begin_object().key("a").key("b"); }) ==
        "json_writer: a key where the previous key's value belongs");
  CHECK(refusal([](sp::json_writer& w) { w.begin_object().key("a").end_object(); }) ==
        "json_writer: an object ended after a key without its value");
  CHECK(refusal([](sp::json_writer& w) { w.begin_object().end_array(); }) ==
        "json_writer: the end of an array that is not open");
  CHECK(refusal([](sp::json_writer& w) { w.end_object(); }) == "json_writer: the end of an object that is not open");
  CHECK(refusal([](sp::json_writer& w) { w.number(1).number(2); }) ==
        "json_writer: a second value after the document's end");
  CHECK(refusal([](sp::json_writer& w) { w.begin_array().number(std::nan("")); }) ==
        "json_writer: JSON has no number for nan");
  CHECK(refusal([](sp::json_writer& w) { w.number(-std::numeric_limits<double>::infinity()); }) ==
        "json_writer: JSON has no number for -inf");
  CHECK(refusal([](sp::json_writer& w) {
          for (std::size_t i = 0; i <= sp::json_writer::max_depth; ++i) w.begin_array();
        }) == "json_writer: containers nested deeper than 128");

  // The deepest document the writer makes is one parse_json reads back.
  std::string deep;
  sp::json_writer d{deep};
  for (std::size_t i = 0; i < sp::json_writer::max_depth; ++i) d.begin_array();
  for (std::size_t i = 0; i < sp::json_writer::max_depth; ++i) d.end_array();
  CHECK_NOTHROW((void)sp::parse_json(deep));

  std::string out;
  sp::json_writer w{out};
  CHECK_FALSE(w.complete());
  w.begin_array();
  CHECK_FALSE(w.complete());
  w.end_array();
  CHECK(w.complete());
}
