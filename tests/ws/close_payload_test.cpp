// Tests of close frame payloads: the codes that may be sent, reading a server's payload and
// writing the client's.
#include <stampede/ws/detail/close_payload.hpp>

#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"

#include <cstdint>
#include <initializer_list>
#include <string>

namespace {

using stampede::ws::is_sendable_close_code;
using stampede::ws::detail::encode_close_payload;
using stampede::ws::detail::parse_close_payload;

}  // namespace

TEST_CASE("only RFC 6455's and IANA's codes and 3000-4999 may be sent") {
  int sendable = 0;
  for (unsigned code = 0; code <= 0xFFFF; ++code) sendable += is_sendable_close_code(static_cast<std::uint16_t>(code)) ? 1 : 0;
  CHECK(sendable == 4 + 8 + 2000);
  for (const std::uint16_t code : std::initializer_list<std::uint16_t>{1004, 1005, 1006, 1015, 999, 2999, 5000}) CHECK_FALSE(is_sendable_close_code(code));
  for (const std::uint16_t code : std::initializer_list<std::uint16_t>{1000, 1003, 1007, 1014, 3000, 4999}) CHECK(is_sendable_close_code(code));
}

TEST_CASE("a close payload is a code in network order and a UTF-8 reason") {
  CHECK(encode_close_payload(1000, "") == std::string("\x03\xE8", 2));
  CHECK(encode_close_payload(4000, "bye") == std::string("\x0F\xA0" "bye", 5));
  CHECK(encode_close_payload(stampede::ws::close_code::no_status, "").empty());
  const std::string longest(123, 'r');
  CHECK(encode_close_payload(1001, longest).size() == 125);

  const auto payload = encode_close_payload(3001, "caf\xC3\xA9");
  const auto parsed = parse_close_payload(payload);
  CHECK(parsed.violation == 0);
  CHECK(parsed.payload.code == 3001);
  CHECK(parsed.payload.reason == "caf\xC3\xA9");
  CHECK(parse_close_payload("").payload.code == 1005);
}

TEST_CASE("the client refuses to send a close payload the server would have to refuse") {
  using stampede::usage_error;
  CHECK_THROWS_AS(encode_close_payload(1005, "reason"), usage_error);
  for (const std::uint16_t code : std::initializer_list<std::uint16_t>{0, 999, 1004, 1006, 1015, 2000, 5000}) {
    INFO(code);
    CHECK_THROWS_WITH(encode_close_payload(code, ""), Catch::Contains("may not be sent"));
  }
  CHECK_THROWS_WITH(encode_close_payload(1000, std::string(124, 'r')), Catch::Contains("at most 123 bytes, not 124"));
  CHECK_THROWS_WITH(encode_close_payload(1000, "\xC3"), Catch::Contains("UTF-8"));
}

TEST_CASE("a server's malformed close payload names the code to answer with") {
  CHECK(parse_close_payload("\x03").violation == 1002);
  CHECK(parse_close_payload(std::string("\x03\xED", 2)).violation == 1002);  // 1005
  const auto bad_reason = parse_close_payload("\x03\xE8\xFF");
  CHECK(bad_reason.violation == 1007);
  CHECK(bad_reason.problem == "a close frame whose reason is not UTF-8");
}
