// Tests of whole-message decoding: fragments joined, control frames between them, a message in
// one piece not copied, the buffer kept from message to message.
#include <stampede/ws/detail/message_decoder.hpp>

#include "support/catch_compat.hpp"
#include "ws/support.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using stampede::ws::detail::message_decoder;
using stampede::ws::detail::opcode;
using stampede::ws::test::server_frame;

}  // namespace

TEST_CASE("message_decoder joins fragments around control frames") {
  message_decoder d;
  const auto bytes = server_frame(0x02, "ab") + server_frame(0x89, "hi") + server_frame(0x00, "cd") + server_frame(0x80, "e");
  std::string_view rest = bytes;
  rest.remove_prefix(d.feed(rest));
  REQUIRE(d.current() == message_decoder::state::control);
  CHECK(d.frames().control_opcode() == opcode::ping);
  CHECK(d.frames().control_payload() == "hi");
  rest.remove_prefix(d.feed(rest));
  REQUIRE(d.current() == message_decoder::state::message);
  CHECK(d.message_opcode() == opcode::binary);
  CHECK(d.message() == "abcde");
  CHECK(rest.empty());
  CHECK(d.feed(rest) == 0);
  CHECK(d.current() == message_decoder::state::idle);
}

TEST_CASE("message_decoder hands a message that arrives in one piece as a view of the bytes") {
  message_decoder d;
  const auto bytes = server_frame(0x81, "whole");
  CHECK(d.feed(bytes) == bytes.size());
  REQUIRE(d.current() == message_decoder::state::message);
  CHECK(d.message() == "whole");
  CHECK(d.message().data() == bytes.data() + 2);
}

TEST_CASE("message_decoder gathers a message cut across feeds, then forgets it") {
  message_decoder d;
  const auto first = server_frame(0x81, "first message");
  const auto second = server_frame(0x81, "second");
  const std::string bytes = first + second;
  std::string_view rest = bytes;
  rest.remove_prefix(d.feed(rest.substr(0, 5)));
  CHECK(d.current() == message_decoder::state::idle);
  rest.remove_prefix(d.feed(rest.substr(0, first.size() - 5 + 3)));
  REQUIRE(d.current() == message_decoder::state::message);
  CHECK(d.message() == "first message");
  rest.remove_prefix(d.feed(rest.substr(0, 3)));
  CHECK(d.current() == message_decoder::state::idle);
  rest.remove_prefix(d.feed(rest));
  REQUIRE(d.current() == message_decoder::state::message);
  CHECK(d.message() == "second");
  CHECK(rest.empty());
}

TEST_CASE("message_decoder stops at a failure with the frame decoder's code") {
  message_decoder d;
  const auto bytes = server_frame(0x01, "a") + server_frame(0x81, "b");
  d.feed(bytes);
  CHECK(d.failed());
  CHECK(d.frames().failure_code() == 1002);
  CHECK(d.frames().failure_message() == "a new data frame inside a fragmented message");
}

TEST_CASE("message_decoder in a receive loop, as docs/websocket.md shows it") {
  const auto from_socket = server_frame(0x01, "Hel") + server_frame(0x89, "") + server_frame(0x80, "lo") +
                           server_frame(0x82, "\x01\x02") + server_frame(0x81, "\xFF");
  std::vector<std::string> got;
  int pings = 0;
  std::uint16_t close_code = 0;
  // [receive]
  namespace ws = stampede::ws::detail;
  ws::message_decoder decoder{{.max_message_bytes = 1 << 20}};
  std::string_view bytes = from_socket;  // what a read from the socket gave, cut anywhere
  while (!bytes.empty()) {
    bytes.remove_prefix(decoder.feed(bytes));
    switch (decoder.current()) {
      case ws::message_decoder::state::message: got.emplace_back(decoder.message()); break;
      case ws::message_decoder::state::control: pings += decoder.frames().control_opcode() == ws::opcode::ping; break;
      case ws::message_decoder::state::failed: close_code = decoder.frames().failure_code(); bytes = {}; break;
      case ws::message_decoder::state::idle: break;
    }
  }
  // [receive]
  CHECK(got == std::vector<std::string>{"Hello", "\x01\x02"});
  CHECK(pings == 1);
  CHECK(close_code == 1007);
}
