// ws::session against servers that break RFC 6455 or the connection on purpose (issue 21's
// hostile servers): each failure is classified with its close code, the right close frame goes
// to the server, and every wait ends within its limit.
#include <stampede/ws.hpp>

#include "support/catch_compat.hpp"
#include "support/run_coroutine.hpp"

#if STAMPEDE_WITH_TLS

#include "support/ws_script_server.hpp"
#include "support/ws_session_run.hpp"

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace ws = stampede::ws;
namespace wire = stampede::testing::ws_wire;
using stampede::testing::on_session;
using stampede::testing::ws_script_server;
using stampede::testing::ws_step;
using clock_type = std::chrono::steady_clock;

struct violation {
  const char* what;
  std::vector<ws_step> steps;  // before the script awaits the client's close frame
  std::uint16_t code;          // the close code the client sends and reports
  ws::error_kind kind = ws::error_kind::protocol;
};

// Plays `v`'s steps, then waits for the client's close frame; the client receives until it
// fails. Checks the failure, its code, and the close frame the server got.
void check_violation(const violation& v, ws::client_options options = stampede::testing::quick_ws_options()) {
  INFO(v.what);
  auto steps = v.steps;
  steps.push_back(ws_step::await_close());
  steps.push_back(ws_step::close());
  ws_script_server server{{.steps = std::move(steps)}};
  auto body = [&](ws::session& s) -> asio::awaitable<void> {
    const auto start = clock_type::now();
    auto m = co_await s.receive(2s);
    for (int i = 0; i < 4 && m; ++i) m = co_await s.receive(2s);  // messages before the violation
    INFO(stampede::ws::to_string(m.kind()) << ": " << m.error().message);
    CHECK(m.is_failure());
    CHECK(m.close_code() == v.code);
    CHECK(m.error().kind == v.kind);
    CHECK(clock_type::now() - start < 1s);
    CHECK_FALSE(s.is_open());
    CHECK(s.error().kind == v.kind);
    const auto again = co_await s.receive(1s);  // a failed session says so again, at once
    CHECK(again.is_failure());
    CHECK(again.close_code() == v.code);
  };
  on_session(server.url(), body, options);
  const auto r = server.wait();
  CHECK(r.done);
  const auto closes = r.of(wire::op::close);
  REQUIRE(closes.size() == 1);
  CHECK(closes[0].close_code() == v.code);
  CHECK(closes[0].masked);
  CHECK(r.of(wire::op::pong).empty());  // nothing answered after the violation
}

std::string raw_header(std::uint8_t first, std::uint8_t second, std::initializer_list<int> rest = {}) {
  std::string out{static_cast<char>(first), static_cast<char>(second)};
  for (const int b : rest) out += static_cast<char>(b);
  return out;
}

}  // namespace

TEST_CASE("a frame that breaks RFC 6455 fails the session with 1002, sent to the server") {
  const auto frame = [](wire::frame f) { return ws_step::frame(f); };
  const std::vector<violation> cases{
      {"RSV1 set with no extension", {frame({.opcode = wire::op::text, .payload = "x", .rsv = 4})}, 1002},
      {"RSV2 set", {frame({.opcode = wire::op::binary, .payload = "x", .rsv = 2})}, 1002},
      {"RSV3 set on a ping", {frame({.opcode = wire::op::ping, .payload = "x", .rsv = 1})}, 1002},
      {"reserved data opcode 0x3", {frame({.opcode = 0x3, .payload = "x"})}, 1002},
      {"reserved data opcode 0x7", {frame({.opcode = 0x7})}, 1002},
      {"reserved control opcode 0xB", {frame({.opcode = 0xB})}, 1002},
      {"reserved control opcode 0xF", {frame({.opcode = 0xF, .payload = "x"})}, 1002},
      {"a masked frame from the server", {frame({.opcode = wire::op::text, .payload = "hidden", .mask = wire::mask_key{1, 2, 3, 4}})}, 1002},
      {"a continuation with no message to continue", {frame(wire::continuation("x", true))}, 1002},
      {"a new text frame inside a fragmented message", {frame(wire::text("a", false)), frame(wire::text("b"))}, 1002},
      {"a fragmented ping", {frame({.opcode = wire::op::ping, .payload = "x", .fin = false})}, 1002},
      {"a ping of 126 bytes", {frame(wire::ping(std::string(126, 'p')))}, 1002},
      {"a close of 126 bytes", {frame(wire::close(1000, std::string(124, 'r')))}, 1002},
      {"a close with a 1-byte payload", {frame({.opcode = wire::op::close, .payload = "\x03"})}, 1002},
      {"a close with code 999", {frame(wire::close(999))}, 1002},
      {"a close with code 1004 (reserved)", {frame(wire::close(1004))}, 1002},
      {"a close with code 1005 (never sent)", {frame(wire::close(1005))}, 1002},
      {"a close with code 1006 (never sent)", {frame(wire::close(1006))}, 1002},
      {"a close with code 1015 (never sent)", {frame(wire::close(1015))}, 1002},
      {"a close with code 2000", {frame(wire::close(2000))}, 1002},
      {"a close with code 5000", {frame(wire::close(5000))}, 1002},
      {"a 16-bit length for 2 bytes", {frame({.opcode = wire::op::text, .payload = "hi", .length_bytes = 2})}, 1002},
      {"a 64-bit length for 200 bytes", {frame({.opcode = wire::op::binary, .payload = std::string(200, 'b'), .length_bytes = 8})}, 1002},
      {"a 64-bit length with its top bit set", {ws_step::send(raw_header(0x82, 127, {0x80, 0, 0, 0, 0, 0, 0, 1}))}, 1002},
      {"a good message, then a bad frame", {frame(wire::text("fine")), frame({.opcode = 0x4})}, 1002},
  };
  for (const auto& v : cases) check_violation(v);
}

TEST_CASE("text that is not UTF-8 fails the session with 1007") {
  const auto frame = [](wire::frame f) { return ws_step::frame(f); };
  const std::vector<violation> cases{
      {"a byte that never starts a character", {frame(wire::text("ok \xFF"))}, 1007},
      {"an overlong encoding", {frame(wire::text("\xC0\x80"))}, 1007},
      {"a surrogate", {frame(wire::text("\xED\xA0\x80"))}, 1007},
      {"past U+10FFFF", {frame(wire::text("\xF4\x90\x80\x80"))}, 1007},
      {"a character cut short at the message's end", {frame(wire::text("a\xE2\x82"))}, 1007},
      {"invalid across fragments", {frame(wire::text("a\xE2", false)), frame(wire::continuation("\x28", true))}, 1007},
      {"a close reason that is not UTF-8", {frame(wire::close(1000, "\xFF"))}, 1007},
  };
  for (const auto& v : cases) check_violation(v);
}

TEST_CASE("a message over max_message_bytes fails the session with 1009 and too_large") {
  auto options = stampede::testing::quick_ws_options();
  options.max_message_bytes = 1000;
  const auto frame = [](wire::frame f) { return ws_step::frame(f); };
  const auto too_large = ws::error_kind::too_large;
  const std::vector<violation> cases{
      {"one frame of 1001 bytes", {frame(wire::binary(std::string(1001, 'x')))}, 1009, too_large},
      {"two fragments of 600", {frame(wire::text(std::string(600, 'x'), false)), frame(wire::continuation(std::string(600, 'x'), true))}, 1009, too_large},
      // Refused at the header: the 10 MiB payload never comes.
      {"only the header of a 10 MiB frame", {ws_step::send(raw_header(0x82, 127, {0, 0, 0, 0, 0, 0xA0, 0, 0}))}, 1009, too_large},
  };
  for (const auto& v : cases) check_violation(v, options);

  ws_script_server server{{.steps = {ws_step::frame(wire::binary(std::string(1000, 'x'))), ws_step::echo()}}};
  auto exactly = [&](ws::session& s) -> asio::awaitable<void> {
    const auto m = co_await s.receive(2s);
    CHECK(m.is_binary());
    CHECK(m.data().size() == 1000);
    const auto closed = co_await s.close();
    CHECK(closed.is_close());
  };
  on_session(server.url(), exactly, options);
}

TEST_CASE("a connection that ends without a close frame fails the session with 1006") {
  struct ending {
    const char* what;
    std::vector<ws_step> steps;
    ws::error_kind kind;
  };
  const std::vector<ending> cases{
      {"TCP closed after a message", {ws_step::frame(wire::text("last")), ws_step::close()}, ws::error_kind::closed},
      {"TCP closed inside a frame", {ws_step::send(wire::encode(wire::text("cut short")).substr(0, 6)), ws_step::close()},
       ws::error_kind::closed},
      {"TCP closed inside a fragmented message", {ws_step::frame(wire::text("part", false)), ws_step::close()},
       ws::error_kind::closed},
      {"a reset", {ws_step::sleep(50ms), ws_step::reset()}, ws::error_kind::reset},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    ws_script_server server{{.steps = c.steps}};
    auto body = [&](ws::session& s) -> asio::awaitable<void> {
      auto m = co_await s.receive(2s);
      if (m) m = co_await s.receive(2s);  // "last"
      INFO(stampede::ws::to_string(m.kind()) << ": " << m.error().message);
      CHECK(m.is_failure());
      CHECK(m.close_code() == ws::close_code::abnormal);
      CHECK(m.error().kind == c.kind);
      CHECK_FALSE(s.is_open());
    };
    on_session(server.url(), body);
    CHECK(server.wait().of(wire::op::close).empty());  // no close frame to a connection that is gone
  }
}

TEST_CASE("close() to a server that never answers ends after close_timeout") {
  ws_script_server server{{.steps = {ws_step::await_close()}}};  // then only reads
  auto body = [&](ws::session& s) -> asio::awaitable<void> {
    const auto start = clock_type::now();
    const auto m = co_await s.close();
    const auto took = clock_type::now() - start;
    INFO(stampede::ws::to_string(m.kind()) << ": " << m.error().message);
    CHECK(m.is_failure());
    CHECK(m.error().kind == ws::error_kind::timeout);
    CHECK(m.close_code() == ws::close_code::abnormal);
    CHECK(took >= 300ms);
    CHECK(took < 2s);
    CHECK_FALSE(s.is_open());
  };
  on_session(server.url(), body);
  const auto r = server.wait();
  CHECK(r.saw("eof"));  // the client closed TCP itself
  REQUIRE(r.of(wire::op::close).size() == 1);
  CHECK(r.of(wire::op::close)[0].close_code() == 1000);
}

TEST_CASE("after the close frames, a server that keeps TCP open is left after close_timeout") {
  ws_script_server server{{.steps = {ws_step::await_close(), ws_step::frame(wire::close(1000)), ws_step::sleep(2s)}}};
  auto body = [&](ws::session& s) -> asio::awaitable<void> {
    const auto start = clock_type::now();
    const auto m = co_await s.close();
    const auto took = clock_type::now() - start;
    CHECK(m.is_close());
    CHECK(m.close_code() == 1000);
    CHECK(took >= 300ms);
    CHECK(took < 2s);
    CHECK_FALSE(s.is_open());
  };
  on_session(server.url(), body);
}

TEST_CASE("a server that stops reading fails a send with a timeout once write_timeout passes") {
  // A small receive window on the server's side: the client's buffers fill after a few MiB.
  ws_script_server server{{.steps = {ws_step::stall(3s)}, .receive_buffer_bytes = 4096}};
  auto options = stampede::testing::quick_ws_options();
  options.write_timeout = 200ms;
  auto body = [&](ws::session& s) -> asio::awaitable<void> {
    const std::string big(16u << 20, 'x');
    const auto start = clock_type::now();
    const bool sent = co_await s.send_binary(big);
    const auto took = clock_type::now() - start;
    CHECK_FALSE(sent);
    INFO(s.error().message);
    CHECK(s.error().kind == ws::error_kind::timeout);
    CHECK(took >= 200ms);
    CHECK(took < 2s);
    CHECK_FALSE(s.is_open());
    const auto m = co_await s.receive(1s);
    CHECK(m.is_failure());
    CHECK(m.error().kind == ws::error_kind::timeout);
  };
  on_session(server.url(), body, options);
}

#endif  // STAMPEDE_WITH_TLS (the handshake needs it: ws_client_test.cpp checks a build without)
