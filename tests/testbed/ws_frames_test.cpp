// Tests of the testbed server's WebSocket framing: the frames it sends, read back by the
// client's decoder, and its decoder of client frames fed whole, a byte at a time and cut at
// every place, with each violation's close code.
#include <stampede/testbed/detail/ws_frames.hpp>

#include <stampede/ws/close_code.hpp>
#include <stampede/ws/detail/close_payload.hpp>
#include <stampede/ws/detail/frame.hpp>

#include "support/catch_compat.hpp"
#include "ws/support.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tbd = stampede::testbed::detail;
namespace wsd = stampede::ws::detail;
namespace close_code = stampede::ws::close_code;
using stampede::ws::test::decode_trace;
using stampede::ws::test::escaped;
using stampede::ws::test::raw;
using wsd::opcode;

namespace {

// A client frame with a fixed mask key.
std::string client_frame(opcode op, std::string_view payload, bool fin = true) {
  std::string out(wsd::client_frame_size(payload.size()), '\0');
  out.resize(wsd::encode_client_frame(out, op, fin, {0x12, 0x34, 0x56, 0x78}, payload));
  return out;
}

// What the server's decoder makes of `bytes` fed in pieces ending at `cuts`, one line per
// event, as decode_trace writes the client's.
std::string server_trace(std::string_view bytes, const std::vector<std::size_t>& cuts = {},
                         std::uint64_t max_message_bytes = 1 << 20) {
  tbd::client_frame_decoder d{max_message_bytes};
  std::string out;
  std::size_t at = 0;
  for (std::size_t i = 0; i <= cuts.size(); ++i) {
    const std::size_t end = i < cuts.size() ? cuts[i] : bytes.size();
    while (at < end) {
      const auto used = d.feed(bytes.substr(at, end - at));
      at += used;
      switch (d.current()) {
        case tbd::client_frame_decoder::state::idle: break;
        case tbd::client_frame_decoder::state::message:
          out += (d.message_opcode() == opcode::text ? "text " : "binary ") + escaped(d.message()) + "\n";
          break;
        case tbd::client_frame_decoder::state::control:
          if (d.control_opcode() == opcode::close) {
            out += "close " + std::to_string(d.close().code) + " " + escaped(d.close().reason) + "\n";
          } else {
            out += (d.control_opcode() == opcode::ping ? "ping " : "pong ") + escaped(d.control_payload()) + "\n";
          }
          break;
        case tbd::client_frame_decoder::state::failed:
          return out + "failed " + std::to_string(d.failure_code()) + "\n";
      }
      if (used == 0) return out;
    }
  }
  return out;
}

std::vector<std::size_t> every_byte(std::size_t n) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < n; ++i) cuts.push_back(i);
  return cuts;
}

}  // namespace

TEST_CASE("encode_server_frame writes unmasked final frames with the shortest length, as the client reads them") {
  for (const std::size_t n : {0U, 1U, 125U, 126U, 65535U, 65536U, 70000U}) {
    INFO(n);
    const std::string payload(n, 'x');
    const auto frame = tbd::encode_server_frame(opcode::binary, payload);
    CHECK(frame.size() == tbd::server_frame_header_size(n) + n);
    CHECK(static_cast<std::uint8_t>(frame[0]) == 0x82);
    CHECK((static_cast<std::uint8_t>(frame[1]) & 0x80U) == 0);  // no mask
    CHECK(decode_trace(frame) == "binary " + payload + "\n");    // the client refuses longer length forms
  }
  CHECK(tbd::server_frame_header_size(125) == 2);
  CHECK(tbd::server_frame_header_size(126) == 4);
  CHECK(tbd::server_frame_header_size(65536) == 10);
  CHECK(tbd::encode_server_frame(opcode::text, "Hello") == raw({0x81, 0x05, 'H', 'e', 'l', 'l', 'o'}));
  CHECK(tbd::encode_server_frame(opcode::pong, "p") == raw({0x8A, 0x01, 'p'}));
  CHECK(tbd::encode_server_close(close_code::going_away) == raw({0x88, 0x02, 0x03, 0xE9}));
  CHECK(tbd::encode_server_close(close_code::no_status) == raw({0x88, 0x00}));
  CHECK(decode_trace(tbd::encode_server_close(4000)) == "close 4000 \n");
}

TEST_CASE("client_frame_decoder unmasks and joins messages, with control frames between fragments, however cut") {
  const std::string bytes = client_frame(opcode::text, "Hello") + client_frame(opcode::binary, std::string(300, 'b')) +
                            client_frame(opcode::text, "frag", false) + client_frame(opcode::ping, "are you there") +
                            client_frame(opcode::continuation, "", false) +
                            client_frame(opcode::continuation, "mented") + client_frame(opcode::pong, "") +
                            client_frame(opcode::text, "") +
                            client_frame(opcode::close, wsd::encode_close_payload(close_code::normal, "bye")) +
                            client_frame(opcode::text, "after the close is not read");
  const std::string expected = "text Hello\nbinary " + std::string(300, 'b') +
                               "\nping are you there\ntext fragmented\npong \ntext \nclose 1000 bye\n";
  CHECK(server_trace(bytes) == expected);
  CHECK(server_trace(bytes, every_byte(bytes.size())) == expected);
  for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
    INFO("cut at " << cut);
    REQUIRE(server_trace(bytes, {cut}) == expected);
  }
  // A message of 70000 bytes: a 64-bit length.
  const std::string big(70000, 'z');
  CHECK(server_trace(client_frame(opcode::binary, big)) == "binary " + big + "\n");
}

TEST_CASE("client_frame_decoder refuses what a client may not send, with the close code to answer") {
  auto unmasked = client_frame(opcode::text, "hi");
  unmasked[1] = static_cast<char>(unmasked[1] & 0x7F);
  auto rsv = client_frame(opcode::text, "hi");
  rsv[0] = static_cast<char>(rsv[0] | 0x20);
  auto reserved = client_frame(opcode::text, "hi");
  reserved[0] = static_cast<char>(0x8B);
  // 5 bytes written with a 16-bit length (masked), and 200 with a 64-bit one.
  const std::string long_16 = raw({0x81, 0xFE, 0x00, 0x05, 0, 0, 0, 0}) + "hello";
  const std::string long_64 = raw({0x82, 0xFF, 0, 0, 0, 0, 0, 0, 0x00, 0xC8, 0, 0, 0, 0}) + std::string(200, 'x');
  const std::string top_bit = raw({0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  struct row {
    const char* what;
    std::string bytes;
    std::uint16_t code;
  };
  const row rows[] = {
      {"an unmasked frame", unmasked, close_code::protocol_error},
      {"RSV2 set", rsv, close_code::protocol_error},
      {"a reserved control opcode", reserved, close_code::protocol_error},
      {"a continuation with no message", client_frame(opcode::continuation, "x"), close_code::protocol_error},
      {"a new message inside a fragmented one",
       client_frame(opcode::text, "a", false) + client_frame(opcode::binary, "b"), close_code::protocol_error},
      {"a fragmented close", client_frame(opcode::close, "", false), close_code::protocol_error},
      {"a pong of 126 bytes", client_frame(opcode::pong, std::string(126, 'p')), close_code::protocol_error},
      {"a 16-bit length of 5", long_16, close_code::protocol_error},
      {"a 64-bit length of 200", long_64, close_code::protocol_error},
      {"a 64-bit length with its top bit set", top_bit, close_code::protocol_error},
      {"a close with 1 byte", client_frame(opcode::close, "x"), close_code::protocol_error},
      {"a close with code 1006", client_frame(opcode::close, raw({0x03, 0xEE})), close_code::protocol_error},
      {"a close reason that is not UTF-8", client_frame(opcode::close, raw({0x03, 0xE8, 0xFF})),
       close_code::invalid_payload},
      {"text that is not UTF-8", client_frame(opcode::text, "a\xED\xA0\x80"), close_code::invalid_payload},
      {"text cut inside a code point", client_frame(opcode::text, "caf\xC3"), close_code::invalid_payload},
      {"a message over the limit", client_frame(opcode::binary, std::string(1025, 'x')), close_code::message_too_big},
      {"fragments over the limit",
       client_frame(opcode::text, std::string(1000, 'a'), false) + client_frame(opcode::continuation, "12345678901234567890123456"),
       close_code::message_too_big},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    const auto want = "failed " + std::to_string(r.code) + "\n";
    CHECK(server_trace(r.bytes, {}, 1024).ends_with(want));
    CHECK(server_trace(r.bytes, every_byte(r.bytes.size()), 1024).ends_with(want));
  }
  // The limit is on the message, not the frame: fragments up to it are joined.
  CHECK(server_trace(client_frame(opcode::binary, std::string(1000, 'a'), false) +
                         client_frame(opcode::continuation, std::string(24, 'b')),
                     {}, 1024) == "binary " + std::string(1000, 'a') + std::string(24, 'b') + "\n");
  // Invalid text fails at the first byte that cannot continue it, before the frame ends.
  tbd::client_frame_decoder d{1024};
  const std::string text = "ok\xC0 and more";
  const auto bad = client_frame(opcode::text, text);
  const auto header = wsd::client_frame_header_size(text.size());
  d.feed(std::string_view{bad}.substr(0, header + 3));
  CHECK(d.failed());
  CHECK(d.failure_code() == close_code::invalid_payload);
  CHECK(d.feed(std::string_view{bad}.substr(header + 3)) == 0);
}
