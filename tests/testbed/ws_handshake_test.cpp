// Tests of the server side of the WebSocket opening handshake: which requests to a WebSocket
// route are upgrades, which subprotocol is chosen, and the 101 answer's fields.
#include <stampede/testbed/detail/ws_handshake.hpp>

#include "support/catch_compat.hpp"

#include <string>
#include <string_view>

namespace tb = stampede::testbed;
namespace tbd = stampede::testbed::detail;

namespace {

tbd::request_head valid_upgrade() {
  tbd::request_head h;
  h.method = "GET";
  h.target = "/ws";
  h.upgrade = true;
  h.fields = {.upgrade = "websocket", .connection = "Upgrade", .key = "dGhlIHNhbXBsZSBub25jZQ==", .version = "13"};
  return h;
}

}  // namespace

TEST_CASE("check_upgrade accepts RFC 6455's upgrade and tells a plain request (426) from a malformed upgrade (400)") {
  const tb::route r{.path = "/ws", .websocket = tb::websocket_mode::echo};
  struct row {
    const char* what;
    void (*change)(tbd::request_head&);
    int status;
  };
  const row rows[] = {
      {"as RFC 6455 writes it", [](tbd::request_head&) {}, 101},
      {"tokens in any case, in lists, with blanks",
       [](tbd::request_head& h) {
         h.fields.upgrade = "h2c, WebSocket ";
         h.fields.connection = "keep-alive,  UPGRADE";
         h.fields.version = " 13 ";
         h.fields.key = " dGhlIHNhbXBsZSBub25jZQ== ";
       },
       101},
      {"no Upgrade field", [](tbd::request_head& h) { h.fields.upgrade.clear(); }, 426},
      {"an upgrade to another protocol", [](tbd::request_head& h) { h.fields.upgrade = "h2c"; }, 426},
      {"a HEAD", [](tbd::request_head& h) { h.method = "HEAD"; }, 400},
      {"HTTP/1.0", [](tbd::request_head& h) { h.http_minor = 0; }, 400},
      {"no upgrade token in Connection", [](tbd::request_head& h) { h.fields.connection = "keep-alive"; }, 400},
      {"a token that only contains it", [](tbd::request_head& h) { h.fields.connection = "upgraded"; }, 400},
      {"version 8", [](tbd::request_head& h) { h.fields.version = "8"; }, 400},
      {"versions listed", [](tbd::request_head& h) { h.fields.version = "13, 8"; }, 400},
      {"no key", [](tbd::request_head& h) { h.fields.key.clear(); }, 400},
      {"a key of 15 bytes", [](tbd::request_head& h) { h.fields.key = "AAAAAAAAAAAAAAAAAAAA"; }, 400},
      {"a key that is not base64", [](tbd::request_head& h) { h.fields.key = "dGhlIHNhbXBsZSBub25jZQ!="; }, 400},
  };
  for (const auto& row : rows) {
    INFO(row.what);
    auto h = valid_upgrade();
    row.change(h);
    const auto d = tbd::check_upgrade(h, r);
    CHECK(d.status == row.status);
    CHECK(d.problem.empty() == (row.status == 101));
  }
  auto h = valid_upgrade();
  h.fields.version = "7";
  CHECK(tbd::check_upgrade(h, r).wrong_version);
  h.fields.version = "13";
  h.fields.key = "x";
  CHECK_FALSE(tbd::check_upgrade(h, r).wrong_version);
}

TEST_CASE("check_upgrade chooses the first subprotocol the client offers that the route speaks") {
  const tb::route r{.path = "/ws", .websocket = tb::websocket_mode::echo, .subprotocols = {"chat", "superchat", "v2"}};
  struct row {
    const char* offered;  // Sec-WebSocket-Protocol, several fields already joined
    const char* chosen;
  };
  const row rows[] = {
      {"", ""},
      {"other", ""},
      {"chat", "chat"},
      {"superchat, chat", "superchat"},
      {"x,  v2 ,chat", "v2"},
      {"Chat", ""},  // subprotocols are case-sensitive (RFC 6455 4.1)
      {",, chat", "chat"},
  };
  for (const auto& row : rows) {
    INFO(row.offered);
    auto h = tbd::request_head{};
    h = valid_upgrade();
    h.fields.protocol = row.offered;
    CHECK(tbd::check_upgrade(h, r).subprotocol == row.chosen);
  }
  const tb::route none{.path = "/ws", .websocket = tb::websocket_mode::echo};
  auto h = valid_upgrade();
  h.fields.protocol = "chat";
  CHECK(tbd::check_upgrade(h, none).subprotocol.empty());
}

#if STAMPEDE_WITH_TLS
TEST_CASE("switching_protocols answers with the accept value, the subprotocol chosen and the route's fields") {
  CHECK(tbd::switching_protocols("dGhlIHNhbXBsZSBub25jZQ==", "", {}) ==
        "HTTP/1.1 101 Switching Protocols\r\nServer: stampede-testbed\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
  CHECK(tbd::switching_protocols(" dGhlIHNhbXBsZSBub25jZQ== ", "chat", {{"Set-Cookie", "a=1"}}) ==
        "HTTP/1.1 101 Switching Protocols\r\nServer: stampede-testbed\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\nSet-Cookie: a=1\r\n\r\n");
}
#endif

TEST_CASE("list_has_token and valid_key read field values as RFC 9110 and RFC 6455 write them") {
  static_assert(tbd::list_has_token("Upgrade", "upgrade"));
  static_assert(tbd::list_has_token(" keep-alive , Upgrade ", "upgrade"));
  static_assert(!tbd::list_has_token("keep-alive", "upgrade"));
  static_assert(!tbd::list_has_token("", "upgrade"));
  static_assert(tbd::valid_key("dGhlIHNhbXBsZSBub25jZQ=="));
  static_assert(!tbd::valid_key("dGhlIHNhbXBsZSBub25jZQ="));
  static_assert(!tbd::valid_key("dGhlIHNhbXBsZSBub25jZQ=A"));
  CHECK(tbd::trimmed(" \t a b \t") == "a b");
  CHECK(tbd::trimmed("  ").empty());
}
