// Tests of http::headers, request validation, bodies and expected statuses.
#include <stampede/http/body.hpp>
#include <stampede/http/expected_statuses.hpp>
#include <stampede/http/headers.hpp>
#include <stampede/http/request.hpp>
#include <stampede/http/response.hpp>

#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"

#include <array>
#include <cstddef>
#include <string>

namespace http = stampede::http;

TEST_CASE("headers look names up without regard to case and keep repeated fields") {
  http::headers h{{"Content-Type", "text/plain"}, {"Set-Cookie", "a=1"}, {"set-cookie", "b=2"}};
  CHECK(h.get("content-type") == "text/plain");
  CHECK(h.get("CONTENT-TYPE") == "text/plain");
  CHECK_FALSE(h.get("content-length"));
  CHECK(h.get_all("Set-Cookie") == std::vector<std::string_view>{"a=1", "b=2"});
  CHECK(h.size() == 3);
  h.set("SET-COOKIE", "c=3");
  CHECK(h.get_all("set-cookie") == std::vector<std::string_view>{"c=3"});
  CHECK(h.erase("content-type") == 1);
  CHECK(h.size() == 1);
  CHECK((*h.begin()).name == "SET-COOKIE");
  h.clear();
  CHECK(h.empty());
}

TEST_CASE("headers built from pieces trim the value's surrounding whitespace") {
  http::headers h;
  h.begin_field();
  h.append_name("X-");
  h.append_name("Long");
  h.append_value(" \t a ");
  h.append_value("b \t");
  h.end_field();
  CHECK(h.get("x-long") == "a b");
  CHECK(h == http::headers{{"X-Long", "a b"}});
}

TEST_CASE("request validation refuses header injection and bad methods") {
  CHECK_NOTHROW(http::validate_header("X-Trace-Id", "abc; def"));
  CHECK_THROWS_AS(http::validate_header("X-A", "1\r\nX-B: 2"), stampede::usage_error);
  CHECK_THROWS_AS(http::validate_header("X-A", "1\n"), stampede::usage_error);
  CHECK_THROWS_AS(http::validate_header("X-A", std::string_view{"1\0", 2}), stampede::usage_error);
  CHECK_THROWS_AS(http::validate_header("X A", "1"), stampede::usage_error);
  CHECK_THROWS_AS(http::validate_header("X:A", "1"), stampede::usage_error);
  CHECK_THROWS_AS(http::validate_header("", "1"), stampede::usage_error);
  CHECK_NOTHROW(http::validate_method("PURGE"));
  CHECK_THROWS_AS(http::validate_method("GET /x HTTP/1.1\r\n"), stampede::usage_error);
  CHECK_THROWS_AS(http::validate_method(""), stampede::usage_error);
}

TEST_CASE("bodies carry their content type") {
  CHECK(http::body{"raw"}.content_type().empty());
  CHECK(http::body::json("{}").content_type() == "application/json");
  CHECK(http::body::text("hi").content_type() == "text/plain; charset=utf-8");
  const std::array<std::byte, 3> bytes{std::byte{0}, std::byte{0xFF}, std::byte{7}};
  const auto b = http::body::bytes(bytes);
  CHECK(b.size() == 3);
  CHECK(b.data()[1] == '\xFF');
  CHECK(b.content_type() == "application/octet-stream");
  const auto f = http::body::form({{"user name", "ann"}, {"q", "a&b=c"}});
  CHECK(f.data() == "user%20name=ann&q=a%26b%3Dc");
  CHECK(f.content_type() == "application/x-www-form-urlencoded");
}

TEST_CASE("expected statuses default to k6's 200-399 and never include a failure") {
  const http::expected_statuses k6;
  CHECK(k6.contains(200));
  CHECK(k6.contains(399));
  CHECK_FALSE(k6.contains(199));
  CHECK_FALSE(k6.contains(400));
  CHECK_FALSE(k6.contains(0));
  const http::expected_statuses mine{200, 404, {500, 503}};
  CHECK(mine.contains(404));
  CHECK(mine.contains(502));
  CHECK_FALSE(mine.contains(201));
}

TEST_CASE("a response reports k6's error code for failures and 4xx/5xx statuses") {
  CHECK(http::response{200}.error_code() == 0);
  CHECK(http::response{404}.error_code() == 1404);
  CHECK(http::response{503}.error_code() == 1503);
  CHECK(http::default_k6_code(http::error_kind::timeout) == 1050);
  CHECK(http::default_k6_code(http::error_kind::refused) == 1212);
  CHECK(http::default_k6_code(http::error_kind::reset) == 1220);
  CHECK(http::default_k6_code(http::error_kind::dns) == 1100);
  CHECK(http::default_k6_code(http::error_kind::tls) == 1300);
  CHECK(http::default_k6_code(http::error_kind::invalid_url) == 1020);
  CHECK(http::default_k6_code(http::error_kind::protocol) == 1000);
  CHECK(http::to_string(http::error_kind::too_large) == "too_large");
}

TEST_CASE("headers move to the heap when they outgrow their inline room, and back when cleared") {
  http::headers h;
  for (int i = 0; i < 40; ++i) h.add("X-Field-" + std::to_string(i), std::string(50, static_cast<char>('a' + i % 26)));
  REQUIRE(h.size() == 40);
  CHECK(h.text_size() > 1024);
  CHECK(h.get("x-field-0") == std::string(50, 'a'));
  CHECK(h.get("x-field-39") == std::string(50, static_cast<char>('a' + 39 % 26)));
  CHECK(h.erase("X-FIELD-20") == 1);
  CHECK(h.size() == 39);
  CHECK_FALSE(h.contains("x-field-20"));
  CHECK(h.get("x-field-21") == std::string(50, static_cast<char>('a' + 21 % 26)));
  http::headers copy = h;
  h.clear();
  CHECK(h.empty());
  h.add("A", "1");
  CHECK(h.get("a") == "1");
  CHECK(copy.size() == 39);
  CHECK(copy.get("x-field-39") == std::string(50, static_cast<char>('a' + 39 % 26)));
}
