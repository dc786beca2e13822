// Tests of tag sets, sub-metric filters and the brace form tags are written in.
#include <stampede/metrics/tags.hpp>

#include "support/catch_compat.hpp"

#include <string>

using stampede::tag_filter;
using stampede::tag_set;

TEST_CASE("tag_set is the same set whatever order its tags were given in") {
  const tag_set a{{"status", "200"}, {"method", "GET"}, {"name", "todos"}};
  tag_set b;
  b.set("name", "todos").set("method", "GET").set("status", "200");
  CHECK(a == b);
  CHECK(to_string(a) == "{method:GET,name:todos,status:200}");
  CHECK(a.size() == 3);
}

TEST_CASE("tag_set keeps one value per key, the last one set") {
  tag_set tags{{"status", "200"}, {"status", "500"}};
  CHECK(tags.size() == 1);
  CHECK(tags.get("status") == "500");
  tags.set("status", "404");
  CHECK(tags.get("status") == "404");
  CHECK_FALSE(tags.get("method").has_value());
  CHECK(tags.erase("status"));
  CHECK_FALSE(tags.erase("status"));
  CHECK(tags.empty());
  CHECK(to_string(tags) == "{}");
}

TEST_CASE("merged_with lets the second set's values win, as request tags win over scenario tags") {
  const tag_set scenario{{"scenario", "browse"}, {"name", "default"}};
  const tag_set request{{"name", "list todos"}, {"method", "GET"}};
  const auto merged = scenario.merged_with(request);
  CHECK(merged == tag_set{{"scenario", "browse"}, {"name", "list todos"}, {"method", "GET"}});
}

TEST_CASE("a tag_filter matches samples that carry all of its tags with the same values") {
  const tag_set sample{{"expected_response", "true"}, {"method", "GET"}, {"status", "200"}};
  CHECK(tag_filter{}.matches(sample));
  CHECK(tag_filter{}.matches(tag_set{}));
  CHECK(tag_filter{{"expected_response", "true"}}.matches(sample));
  CHECK(tag_filter{{"expected_response", "true"}, {"status", "200"}}.matches(sample));
  CHECK_FALSE(tag_filter{{"expected_response", "false"}}.matches(sample));
  CHECK_FALSE(tag_filter{{"status", "200"}, {"group", "::login"}}.matches(sample));
  CHECK_FALSE(tag_filter{{"status", "200"}}.matches(tag_set{}));

  const auto narrowed = tag_filter{{"method", "GET"}}.and_where("status", "500");
  CHECK(to_string(narrowed) == "{method:GET,status:500}");
  CHECK_FALSE(narrowed.matches(sample));
}

TEST_CASE("tag text that would break the brace form is quoted and escaped") {
  struct row {
    std::string text;
    std::string written;
  };
  const row rows[] = {
      {"true", "true"},
      {"list todos", "list todos"},
      {"http://127.0.0.1:8080/a", "\"http://127.0.0.1:8080/a\""},
      {"a,b", "\"a,b\""},
      {"{x}", "\"{x}\""},
      {"say \"hi\"", "\"say \\\"hi\\\"\""},
      {"back\\slash", "\"back\\\\slash\""},
      {"two\nlines", "\"two\\nlines\""},
      {"tab\there", "\"tab\\there\""},
      {std::string{"bell\x07"}, "\"bell\\u0007\""},
      {"", "\"\""},
      {" padded", "\" padded\""},
      {"µs", "µs"},
  };
  for (const auto& r : rows) {
    INFO("text: " << r.text);
    CHECK(stampede::quote_tag_text(r.text) == r.written);
  }
  CHECK(to_string(tag_set{{"url", "http://h/?a=1,b=2"}}) == "{url:\"http://h/?a=1,b=2\"}");
}
