// Tests of the client frame encoder: RFC 6455's masked examples, the three length encodings,
// masking in pieces, and a buffer too small.
#include <stampede/ws/detail/frame.hpp>

#include "support/catch_compat.hpp"
#include "ws/support.hpp"

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace {

using stampede::ws::detail::client_frame_header_size;
using stampede::ws::detail::client_frame_size;
using stampede::ws::detail::encode_client_frame;
using stampede::ws::detail::mask_key;
using stampede::ws::detail::opcode;
using stampede::ws::test::raw;

constexpr mask_key rfc_key = {0x37, 0xfa, 0x21, 0x3d};

std::string encode(opcode op, bool fin, std::string_view payload, mask_key key = rfc_key) {
  std::string out(client_frame_size(payload.size()), '\0');
  const auto n = encode_client_frame(out, op, fin, key, payload);
  REQUIRE(n == out.size());
  return out;
}

// A client frame as the server reads it: MASK cleared, the key removed, the payload unmasked.
std::string unmasked(std::string_view frame) {
  const auto length = static_cast<std::uint8_t>(frame[1]) & 0x7FU;
  const std::size_t header = 2 + (length == 126 ? 2 : length == 127 ? 8 : 0) + 4;
  std::string out{frame.substr(0, header - 4)};
  out[1] = static_cast<char>(static_cast<std::uint8_t>(out[1]) & 0x7FU);
  std::string payload{frame.substr(header)};
  const mask_key key = {static_cast<std::uint8_t>(frame[header - 4]), static_cast<std::uint8_t>(frame[header - 3]),
                        static_cast<std::uint8_t>(frame[header - 2]), static_cast<std::uint8_t>(frame[header - 1])};
  stampede::ws::detail::apply_mask(payload, key);
  return out + payload;
}

}  // namespace

TEST_CASE("the encoder writes RFC 6455's masked examples of section 5.7") {
  CHECK(encode(opcode::text, true, "Hello") == raw({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
  CHECK(encode(opcode::pong, true, "Hello") == raw({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
  // The fragmented "Hel" + "lo", masked, read back as the unmasked example.
  const auto fragments = encode(opcode::text, false, "Hel") + encode(opcode::continuation, true, "lo");
  CHECK(fragments.substr(0, 2) == raw({0x01, 0x83}));
  CHECK(fragments.substr(9, 2) == raw({0x80, 0x82}));
  CHECK(unmasked(fragments.substr(0, 9)) + unmasked(fragments.substr(9)) ==
        raw({0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f}));
}

TEST_CASE("the encoder picks the shortest length encoding") {
  struct length_case {
    std::size_t payload;
    std::string length_bytes;  // the second byte (MASK set) and any extended length
  };
  const std::vector<length_case> table = {
      {0, raw({0x80})},
      {125, raw({0xFD})},
      {126, raw({0xFE, 0x00, 0x7E})},
      {256, raw({0xFE, 0x01, 0x00})},  // RFC 6455 5.7's 256-byte example
      {65535, raw({0xFE, 0xFF, 0xFF})},
      {65536, raw({0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00})},  // and its 64 KiB one
      {65537, raw({0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01})},
  };
  for (const auto& c : table) {
    INFO(c.payload << " bytes");
    const auto frame = encode(opcode::binary, true, std::string(c.payload, 'z'));
    CHECK(frame[0] == static_cast<char>(0x82));
    CHECK(frame.substr(1, c.length_bytes.size()) == c.length_bytes);
    CHECK(client_frame_header_size(c.payload) == 1 + c.length_bytes.size() + 4);
    CHECK(frame.size() == client_frame_header_size(c.payload) + c.payload);
    CHECK(stampede::ws::test::decode_trace(unmasked(frame)) == "binary " + std::string(c.payload, 'z') + "\n");
  }
}

TEST_CASE("the encoder writes nothing into a buffer too small") {
  std::array<char, 10> small{};
  small.fill('#');
  CHECK(encode_client_frame(small, opcode::text, true, rfc_key, "Hello") == 0);
  CHECK(std::string_view{small.data(), small.size()} == "##########");
  std::array<char, 11> exact{};
  CHECK(encode_client_frame(exact, opcode::text, true, rfc_key, "Hello") == 11);
}

TEST_CASE("masking in pieces at offsets equals masking the whole payload") {
  const std::string text = "The quick brown fox jumps over the lazy dog";
  std::string whole = text;
  stampede::ws::detail::apply_mask(whole, rfc_key);
  CHECK(whole != text);
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    std::string pieces = text;
    std::span<char> all{pieces};
    stampede::ws::detail::apply_mask(all.first(cut), rfc_key);
    stampede::ws::detail::apply_mask(all.subspan(cut), rfc_key, cut);
    INFO("cut at " << cut);
    CHECK(pieces == whole);
  }
  stampede::ws::detail::apply_mask(whole, rfc_key);
  CHECK(whole == text);
}

TEST_CASE("is_control tells control opcodes from data ones") {
  CHECK(stampede::ws::detail::is_control(opcode::close));
  CHECK(stampede::ws::detail::is_control(opcode::ping));
  CHECK(stampede::ws::detail::is_control(opcode::pong));
  CHECK_FALSE(stampede::ws::detail::is_control(opcode::text));
  CHECK_FALSE(stampede::ws::detail::is_control(opcode::binary));
  CHECK_FALSE(stampede::ws::detail::is_control(opcode::continuation));
}
