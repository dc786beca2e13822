// Tests of the opening handshake: RFC 6455's key example, base64, the upgrade request's fields
// and what it refuses, and every check on the server's answer.
#include <stampede/ws/detail/handshake.hpp>

#include <stampede/core/error.hpp>
#include <stampede/core/rng.hpp>

#include "support/catch_compat.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using stampede::http::headers;
using stampede::ws::detail::accept_value;
using stampede::ws::detail::check_upgrade_response;
using stampede::ws::detail::handshake_key;
using stampede::ws::detail::upgrade_request_headers;

// RFC 6455 1.3's example nonce: the 16 bytes whose base64 is "dGhlIHNhbXBsZSBub25jZQ==".
constexpr std::array<std::uint8_t, 16> rfc_nonce = {'t', 'h', 'e', ' ', 's', 'a', 'm', 'p',
                                                    'l', 'e', ' ', 'n', 'o', 'n', 'c', 'e'};

std::string base64(std::string_view text) {
  std::string out(stampede::ws::detail::base64_size(text.size()), '?');
  stampede::ws::detail::base64_encode({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, out.data());
  return out;
}

#if STAMPEDE_WITH_TLS
// A 101 answer to RFC 6455 1.3's example key.
headers good_response() {
  return {{"Upgrade", "websocket"}, {"Connection", "Upgrade"}, {"Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="}};
}
#endif

}  // namespace

TEST_CASE("base64 encodes RFC 4648's test vectors") {
  CHECK(base64("").empty());
  CHECK(base64("f") == "Zg==");
  CHECK(base64("fo") == "Zm8=");
  CHECK(base64("foo") == "Zm9v");
  CHECK(base64("foob") == "Zm9vYg==");
  CHECK(base64("fooba") == "Zm9vYmE=");
  CHECK(base64("foobar") == "Zm9vYmFy");
  CHECK(base64("\xFF\xFE\xFD") == "//79");
}

TEST_CASE("the handshake key is 16 bytes in base64, fresh from the generator") {
  CHECK(handshake_key{rfc_nonce}.view() == "dGhlIHNhbXBsZSBub25jZQ==");
  stampede::rng r{42};
  const auto a = handshake_key::random(r);
  const auto b = handshake_key::random(r);
  CHECK(a.view().size() == 24);
  CHECK(a.view().ends_with("=="));
  CHECK(a.view() != b.view());
  stampede::rng same{42};
  CHECK(handshake_key::random(same).view() == a.view());
}

#if STAMPEDE_WITH_TLS
TEST_CASE("the accept value is RFC 6455's for its example key") {
  CHECK(accept_value("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  CHECK(accept_value("x3JJHMbDL1EzLkh9GBhXDw==") == "HSmrc0sMlYUkAGmm5OPpG2HaGWk=");  // RFC 6455 4.2.2's example
}
#else
TEST_CASE("without OpenSSL the handshake is refused as a usage error") {
  CHECK_FALSE(stampede::ws::detail::handshake_supported);
  CHECK_THROWS_AS(accept_value("dGhlIHNhbXBsZSBub25jZQ=="), stampede::usage_error);
}
#endif

TEST_CASE("the upgrade request has the handshake's fields, then the user's") {
  const handshake_key key{rfc_nonce};
  const auto h = upgrade_request_headers("example.com:8080", key, {"chat", "superchat"}, {{"X-Trace", "1"}, {"Cookie", "a=b"}});
  std::vector<std::string> lines;
  for (const auto f : h) lines.push_back(std::string{f.name} + ": " + std::string{f.value});
  CHECK(lines == std::vector<std::string>{"Host: example.com:8080", "Upgrade: websocket", "Connection: Upgrade",
                                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13",
                                          "Sec-WebSocket-Protocol: chat, superchat", "X-Trace: 1", "Cookie: a=b"});
  const auto without = upgrade_request_headers("h", key, {}, {});
  CHECK(without.size() == 5);
  CHECK_FALSE(without.contains("sec-websocket-protocol"));
  const auto own_host = upgrade_request_headers("h", key, {}, {{"host", "virtual.example"}});
  CHECK(own_host.get_all("Host") == std::vector<std::string_view>{"virtual.example"});
}

TEST_CASE("the upgrade request refuses fields and subprotocols that would break the handshake") {
  const handshake_key key{rfc_nonce};
  for (const char* name : {"Upgrade", "connection", "Sec-WebSocket-Key", "SEC-WEBSOCKET-VERSION", "Sec-WebSocket-Accept",
                           "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol", "Content-Length", "Transfer-Encoding"}) {
    INFO(name);
    CHECK_THROWS_AS(upgrade_request_headers("h", key, {}, {{name, "x"}}), stampede::usage_error);
  }
  CHECK_THROWS_WITH(upgrade_request_headers("h", key, {}, {{"Sec-WebSocket-Protocol", "chat"}}),
                    Catch::Contains("offer subprotocols instead"));
  CHECK_THROWS_AS(upgrade_request_headers("h", key, {}, {{"X-Bad", "a\r\nInjected: 1"}}), stampede::usage_error);
  CHECK_THROWS_AS(upgrade_request_headers("h", key, {}, {{"Bad Name", "x"}}), stampede::usage_error);
  for (const char* protocol : {"", "has space", "comma,separated", "quote\"d", "caf\xC3\xA9"}) {
    INFO(protocol);
    CHECK_THROWS_AS(upgrade_request_headers("h", key, {protocol}, {}), stampede::usage_error);
  }
  CHECK_THROWS_WITH(upgrade_request_headers("h", key, {"chat", "chat"}, {}), Catch::Contains("offered twice"));
}

#if STAMPEDE_WITH_TLS
TEST_CASE("the server's 101 answer is checked as RFC 6455 4.1 says") {
  const handshake_key key{rfc_nonce};
  const std::vector<std::string> offered = {"chat", "superchat"};
  CHECK(check_upgrade_response(101, good_response(), key, {}).ok());
  CHECK(check_upgrade_response(101, good_response(), key, offered).subprotocol.empty());

  auto chosen = good_response();
  chosen.add("Sec-WebSocket-Protocol", "superchat");
  const auto with_protocol = check_upgrade_response(101, chosen, key, offered);
  CHECK(with_protocol.ok());
  CHECK(with_protocol.subprotocol == "superchat");

  headers relaxed{{"UPGRADE", "WebSocket"}, {"connection", "keep-alive, upgrade"}, {"sec-websocket-accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="}};
  CHECK(check_upgrade_response(101, relaxed, key, {}).ok());
  headers two_connection_fields{{"Upgrade", "websocket"}, {"Connection", "keep-alive"}, {"Connection", "Upgrade"},
                                {"Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="}};
  CHECK(check_upgrade_response(101, two_connection_fields, key, {}).ok());
}

TEST_CASE("a wrong answer to the upgrade request is refused with the reason") {
  const handshake_key key{rfc_nonce};
  struct wrong {
    const char* what;
    int status;
    headers fields;
    std::vector<std::string> offered;
    const char* problem;
  };
  const auto with = [](std::string_view name, std::string_view value) {
    auto h = good_response();
    h.set(name, value);
    return h;
  };
  const auto without = [](std::string_view name) {
    auto h = good_response();
    h.erase(name);
    return h;
  };
  const auto plus = [](std::string_view name, std::string_view value) {
    auto h = good_response();
    h.add(name, value);
    return h;
  };
  const std::vector<wrong> table = {
      {"200", 200, good_response(), {}, "the server answered 200, not 101 Switching Protocols"},
      {"a redirect", 302, good_response(), {}, "answered 302"},
      {"no Upgrade", 101, without("Upgrade"), {}, "Upgrade is \"\", not websocket"},
      {"Upgrade: h2c", 101, with("Upgrade", "h2c"), {}, "Upgrade is \"h2c\""},
      {"no Connection", 101, without("Connection"), {}, "Connection is \"\", without upgrade"},
      {"Connection: keep-alive", 101, with("Connection", "keep-alive"), {}, "without upgrade"},
      {"Connection: upgraded", 101, with("Connection", "upgraded"), {}, "without upgrade"},
      {"no accept", 101, without("Sec-WebSocket-Accept"), {}, "Sec-WebSocket-Accept is \"\", not \"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\""},
      {"a wrong accept", 101, with("Sec-WebSocket-Accept", "dGhlIHNhbXBsZSBub25jZQ=="), {}, "is \"dGhlIHNhbXBsZSBub25jZQ==\", not"},
      {"an accept in the wrong case", 101, with("Sec-WebSocket-Accept", "S3PPLMBITXAQ9KYGZZHZRBK+XOO="), {}, "not \"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\""},
      {"two accepts", 101, plus("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), {}, "Sec-WebSocket-Accept is"},
      {"an extension", 101, plus("Sec-WebSocket-Extensions", "permessage-deflate"), {}, "extensions the client did not offer: permessage-deflate"},
      {"a subprotocol not offered", 101, plus("Sec-WebSocket-Protocol", "chat"), {}, "subprotocol \"chat\", which the client did not offer"},
      {"another subprotocol", 101, plus("Sec-WebSocket-Protocol", "Chat"), {"chat"}, "subprotocol \"Chat\""},
      {"two subprotocols", 101, plus("Sec-WebSocket-Protocol", "chat, superchat"), {"chat", "superchat"}, "several subprotocols"},
  };
  for (const auto& w : table) {
    INFO(w.what);
    const auto result = check_upgrade_response(w.status, w.fields, key, w.offered);
    CHECK_FALSE(result.ok());
    CHECK_THAT(result.problem, Catch::Contains(w.problem));
  }
}
#endif
