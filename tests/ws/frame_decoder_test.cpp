// Tests of the server frame decoder: RFC 6455's examples, every protocol violation with its
// close code, each fed whole, a byte at a time and cut at every byte boundary.
#include <stampede/ws/detail/frame_decoder.hpp>

#include "support/catch_compat.hpp"
#include "ws/support.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace {

using stampede::ws::detail::frame_decoder;
using stampede::ws::detail::opcode;
using stampede::ws::test::decode_trace;
using stampede::ws::test::raw;
using stampede::ws::test::server_frame;

// The decoder's trace of `bytes` fed whole, after checking that every other way of cutting
// them (a byte at a time, and in two pieces at each boundary) gives the same trace.
std::string decoded(std::string_view bytes, frame_decoder::limits limits = {}) {
  const auto whole = decode_trace(bytes, {}, limits);
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < bytes.size(); ++i) every.push_back(i);
  CHECK(decode_trace(bytes, every, limits) == whole);
  for (std::size_t i = 1; i < bytes.size(); ++i) {
    const auto cut = decode_trace(bytes, {i}, limits);
    if (cut != whole) {
      INFO("cut after byte " << i);
      CHECK(cut == whole);
      break;
    }
  }
  return whole;
}

}  // namespace

TEST_CASE("the decoder reads RFC 6455's unmasked examples of section 5.7") {
  const std::string hello = raw({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f});
  CHECK(decoded(hello) == "text Hello\n");
  const std::string fragmented = raw({0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f});
  CHECK(decoded(fragmented) == "text Hello\n");
  const std::string ping = raw({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f});
  CHECK(decoded(ping) == "ping Hello\n");
}

TEST_CASE("the decoder reads the 16-bit and 64-bit length encodings of section 5.7") {
  const std::string payload_256(256, 'a');
  CHECK(decoded(raw({0x82, 0x7E, 0x01, 0x00}) + payload_256) == "binary " + payload_256 + "\n");
  const std::string payload_64k(65536, 'b');
  const auto frame = raw({0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}) + payload_64k;
  const auto expected = "binary " + payload_64k + "\n";
  // Cutting 64 KiB at each of its boundaries would take long: the header's, and a few in the payload.
  for (const std::vector<std::size_t>& cuts : {std::vector<std::size_t>{}, {1}, {2}, {9}, {10}, {3, 7, 10, 11, 40000}}) {
    CHECK(decode_trace(frame, cuts) == expected);
  }
  CHECK(decoded(server_frame(0x82, std::string(126, 'c'))) == "binary " + std::string(126, 'c') + "\n");
  CHECK(decoded(server_frame(0x82, std::string(125, 'd'))) == "binary " + std::string(125, 'd') + "\n");
}

TEST_CASE("the decoder gives empty messages and frames their events") {
  CHECK(decoded(raw({0x81, 0x00})) == "text \n");
  CHECK(decoded(raw({0x02, 0x00, 0x00, 0x00, 0x80, 0x00})) == "binary \n");
  CHECK(decoded(raw({0x89, 0x00, 0x8A, 0x00})) == "ping \npong \n");
  CHECK(decoded(raw({0x88, 0x00})) == "close 1005 \n");
}

TEST_CASE("the decoder allows control frames between the fragments of a message") {
  const auto bytes = server_frame(0x01, "Hel") + server_frame(0x89, "p") + server_frame(0x00, "") +
                     server_frame(0x8A, "q") + server_frame(0x80, "lo") + server_frame(0x82, "x");
  CHECK(decoded(bytes) == "ping p\npong q\ntext Hello\nbinary x\n");
}

TEST_CASE("the decoder reads a close frame's code and reason, then nothing more") {
  const auto bytes = server_frame(0x88, raw({0x03, 0xE8}) + "bye") + server_frame(0x81, "after");
  CHECK(decoded(bytes) == "close 1000 bye\n");
  CHECK(decoded(server_frame(0x01, "Hel") + server_frame(0x88, raw({0x0F, 0xA0}))) == "close 4000 \npartial\n");
}

TEST_CASE("the decoder says when the bytes end inside a frame or message") {
  CHECK(decoded(raw({0x81})) == "partial\n");
  CHECK(decoded(raw({0x81, 0x05, 0x48})) == "partial\n");
  CHECK(decoded(raw({0x82, 0x7F, 0x00})) == "partial\n");
  CHECK(decoded(server_frame(0x01, "Hel")) == "partial\n");
  CHECK(decoded(raw({0x89, 0x03, 0x61})) == "partial\n");
}

TEST_CASE("the decoder classifies every protocol violation with the close code to send") {
  struct violation {
    const char* what;
    std::string bytes;
    std::string trace;
  };
  const std::string hello = "Hello";
  const std::vector<violation> table = {
      {"RSV1 without an extension", server_frame(0xC1, hello), "failed 1002\n"},
      {"RSV2", server_frame(0xA1, hello), "failed 1002\n"},
      {"RSV3", server_frame(0x91, hello), "failed 1002\n"},
      {"RSV on a ping", server_frame(0xC9, ""), "failed 1002\n"},
      {"opcode 3", server_frame(0x83, ""), "failed 1002\n"},
      {"opcode 7", server_frame(0x87, hello), "failed 1002\n"},
      {"opcode 0xB", server_frame(0x8B, ""), "failed 1002\n"},
      {"opcode 0xF", server_frame(0x8F, hello), "failed 1002\n"},
      {"a masked frame", raw({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}), "failed 1002\n"},
      {"a masked empty ping", raw({0x89, 0x80, 1, 2, 3, 4}), "failed 1002\n"},
      {"a 16-bit length of 5", raw({0x82, 0x7E, 0x00, 0x05}) + hello, "failed 1002\n"},
      {"a 16-bit length of 125", raw({0x82, 0x7E, 0x00, 0x7D}) + std::string(125, 'x'), "failed 1002\n"},
      {"a 64-bit length of 0", raw({0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0, 0}), "failed 1002\n"},
      {"a 64-bit length of 65535", raw({0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}), "failed 1002\n"},
      {"a 64-bit length with the top bit set", raw({0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 1}), "failed 1002\n"},
      {"a 64-bit length of all ones", raw({0x82, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}), "failed 1002\n"},
      {"a ping of 126 bytes", raw({0x89, 0x7E, 0x00, 0x7E}) + std::string(126, 'p'), "failed 1002\n"},
      {"a close with a 64-bit length", raw({0x88, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0}), "failed 1002\n"},
      {"a fragmented ping", server_frame(0x09, "a") + server_frame(0x80, "b"), "failed 1002\n"},
      {"a fragmented close", server_frame(0x08, raw({0x03, 0xE8})), "failed 1002\n"},
      {"a fragmented pong between fragments", server_frame(0x01, "a") + server_frame(0x0A, ""), "failed 1002\n"},
      {"a continuation with no message", server_frame(0x80, hello), "failed 1002\n"},
      {"an unfinished continuation with no message", server_frame(0x00, ""), "failed 1002\n"},
      {"a continuation after a whole message", server_frame(0x81, "a") + server_frame(0x80, "b"), "text a\nfailed 1002\n"},
      {"a text frame inside a message", server_frame(0x01, "Hel") + server_frame(0x81, "lo"), "failed 1002\n"},
      {"a binary frame inside a message", server_frame(0x02, "Hel") + server_frame(0x02, "lo"), "failed 1002\n"},
      {"a close with a 1-byte payload", server_frame(0x88, raw({0x03})), "failed 1002\n"},
      {"a close reason that is not UTF-8", server_frame(0x88, raw({0x03, 0xE8, 0xC0, 0x80})), "failed 1007\n"},
      {"a close reason cut inside a code point", server_frame(0x88, raw({0x03, 0xE8, 0xE2, 0x82})), "failed 1007\n"},
      {"a text that is not UTF-8", server_frame(0x81, raw({0x61, 0xFF, 0x62})), "failed 1007\n"},
      {"a text cut inside a code point", server_frame(0x81, raw({0x61, 0xE2, 0x82})), "failed 1007\n"},
      {"a text fragment cut inside a code point, then a close",
       server_frame(0x01, raw({0xE2, 0x82})) + server_frame(0x88, ""), "close 1005 \npartial\n"},
      {"a fragmented text that ends inside a code point",
       server_frame(0x01, raw({0xE2})) + server_frame(0x00, raw({0x82})) + server_frame(0x80, ""), "failed 1007\n"},
      {"a message after a failure is not read", server_frame(0xC1, "") + server_frame(0x81, "x"), "failed 1002\n"},
      {"a message before a failure is", server_frame(0x81, "x") + server_frame(0x83, ""), "text x\nfailed 1002\n"},
  };
  for (const auto& v : table) {
    INFO(v.what);
    CHECK(decoded(v.bytes) == v.trace);
  }
}

TEST_CASE("the decoder refuses close codes that may not be sent and accepts the others") {
  const auto close_with = [](unsigned code) { return server_frame(0x88, raw({static_cast<int>(code >> 8U), static_cast<int>(code & 0xFFU)})); };
  for (const unsigned code : {0U, 1U, 999U, 1004U, 1005U, 1006U, 1015U, 1016U, 1100U, 2000U, 2999U, 5000U, 65535U}) {
    INFO("code " << code);
    CHECK(decoded(close_with(code)) == "failed 1002\n");
  }
  for (const unsigned code : {1000U, 1001U, 1002U, 1003U, 1007U, 1008U, 1009U, 1010U, 1011U, 1012U, 1013U, 1014U, 3000U, 3999U,
                              4000U, 4999U}) {
    INFO("code " << code);
    CHECK(decoded(close_with(code)) == "close " + std::to_string(code) + " \n");
  }
}

TEST_CASE("the decoder fails a message over the maximum size with 1009, at its header") {
  const frame_decoder::limits ten{.max_message_bytes = 10};
  CHECK(decoded(server_frame(0x82, std::string(10, 'x')), ten) == "binary xxxxxxxxxx\n");
  CHECK(decoded(server_frame(0x82, std::string(11, 'x')), ten) == "failed 1009\n");
  CHECK(decoded(raw({0x82, 0x7F, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}), ten) == "failed 1009\n");
  CHECK(decoded(server_frame(0x01, "12345") + server_frame(0x00, "6789") + server_frame(0x80, "0"), ten) == "text 1234567890\n");
  CHECK(decoded(server_frame(0x01, "12345") + server_frame(0x00, "6789") + server_frame(0x80, "01"), ten) == "failed 1009\n");
  // Each message counts on its own, and control frames do not count.
  CHECK(decoded(server_frame(0x81, "12345678") + server_frame(0x89, "ping") + server_frame(0x81, "12345678"), ten) ==
        "text 12345678\nping ping\ntext 12345678\n");
}

TEST_CASE("the decoder's data pieces are views into the bytes fed, with the message's opcode") {
  frame_decoder d;
  const auto bytes = server_frame(0x02, "abc") + server_frame(0x89, "!") + server_frame(0x80, "defg");
  std::string_view rest = bytes;
  std::string joined;
  std::vector<frame_decoder::state> events;
  while (!rest.empty()) {
    const auto used = d.feed(rest.substr(0, 4));  // at most 4 bytes a time
    REQUIRE(used > 0);
    if (d.current() == frame_decoder::state::data) {
      CHECK(d.message_opcode() == opcode::binary);
      CHECK(d.data().data() >= bytes.data());
      CHECK(d.data().data() + d.data().size() <= bytes.data() + bytes.size());
      joined += d.data();
      if (d.message_end()) joined += '|';
    }
    if (d.current() != frame_decoder::state::idle) events.push_back(d.current());
    rest.remove_prefix(used);
  }
  CHECK(joined == "abcdefg|");
  CHECK_FALSE(d.in_message());
  CHECK(d.at_frame_boundary());
  CHECK(std::count(events.begin(), events.end(), frame_decoder::state::control) == 1);
}

TEST_CASE("a failed decoder says why and reads nothing more") {
  frame_decoder d;
  const auto bytes = server_frame(0x81, "a") + raw({0x81, 0x81});
  std::string_view rest = bytes;
  rest.remove_prefix(d.feed(rest));
  CHECK(d.current() == frame_decoder::state::data);
  const auto used = d.feed(rest);
  CHECK(used == 2);  // up to the byte at fault
  CHECK(d.failed());
  CHECK(d.failure_code() == 1002);
  CHECK(d.failure_message() == "a masked frame from the server");
  CHECK(d.feed("\x81\x00") == 0);
  CHECK(d.failed());
}
