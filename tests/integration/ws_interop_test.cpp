// ws::client against WebSocket servers written by others: Node's `ws` and Python's `websockets`
// (tests/interop/ws_echo_server.*), each started as a child process on 127.0.0.1. Echoes of
// every kind of message, the subprotocol, a ping, and the close handshake started by either
// side. Skipped with a message naming what is missing when node with `ws`, or python3 with
// websockets, is not installed (scripts/setup installs both).
#include <stampede/ws.hpp>

#include "support/catch_compat.hpp"
#include "support/run_coroutine.hpp"

#if defined(__unix__) && STAMPEDE_WITH_TLS && defined(STAMPEDE_TESTS_DIR)

#include "support/child_process.hpp"
#include "support/process.hpp"  // find_program
#include "support/ws_session_run.hpp"

#include <asio/any_io_executor.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace ws = stampede::ws;
using stampede::testing::byte_pattern;

// How to start one of tests/interop's echo servers.
struct interop_server {
  std::string name;
  std::optional<std::string> program;  // none: not installed
  std::string missing;                 // what to say when `program` is none
  std::vector<std::string> args;
  std::vector<std::string> environment;  // empty: this process's
};

// This process's environment with `name` set to `value`.
std::vector<std::string> environment_with(std::string_view name, const std::string& value) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry{*e};
    if (!entry.starts_with(std::string{name} + "=")) out.emplace_back(entry);
  }
  out.push_back(std::string{name} + "=" + value);
  return out;
}

interop_server node_ws() {
  interop_server s{.name = "Node's ws",
                   .program = stampede_test::find_program("node"),
                   .missing = "node is not installed (Debian's nodejs; scripts/setup installs it)",
                   .args = {STAMPEDE_TESTS_DIR "/interop/ws_echo_server.js"},
                   .environment = {}};
  if (!s.program) s.program = stampede_test::find_program("nodejs");
  // scripts/setup puts npm's ws in build-deps/node, beside the tests' folder.
  std::string node_path = STAMPEDE_TESTS_DIR "/../build-deps/node/node_modules";
  if (const char* own = std::getenv("NODE_PATH"); own != nullptr && *own != '\0') node_path += std::string{":"} + own;
  s.environment = environment_with("NODE_PATH", node_path);
  return s;
}

interop_server python_websockets() {
  // Debian's python3-websockets is for Debian's python3, which a python3 earlier on PATH (a
  // pyenv's, a venv's) may not see.
  std::optional<std::string> program;
  if (::access("/usr/bin/python3", X_OK) == 0) program = "/usr/bin/python3";
  if (!program) program = stampede_test::find_program("python3");
  return {.name = "Python's websockets",
          .program = program,
          .missing = "python3 is not installed (scripts/setup installs Debian's, with python3-websockets)",
          .args = {STAMPEDE_TESTS_DIR "/interop/ws_echo_server.py"},
          .environment = {}};
}

// What the sessions with one server gave, copied out of the coroutine.
struct interop_outcome {
  std::vector<std::string> problems;  // one line per check that failed, for the failure message
  void expect(bool ok, std::string what) {
    if (!ok) problems.push_back(std::move(what));
  }
};

// Echo, subprotocol, ping and both closes against the server at `url`.
interop_outcome exchange(const std::string& url) {
  interop_outcome out;
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    ws::client c{ex, stampede::testing::quick_ws_options()};
    ws::connect_params offer_echo;
    offer_echo.subprotocols = {"chat", "echo"};
    auto s = co_await c.connect(url, std::move(offer_echo));
    out.expect(s.ok(), "connect: " + s.error().message);
    if (!s.ok()) co_return;
    out.expect(s.subprotocol() == "echo", "subprotocol: \"" + std::string{s.subprotocol()} + "\", not echo");

    const std::string texts[] = {"hello", "", "héllo, wörld € 😀", std::string(300 * 1024, 't')};
    for (const auto& text : texts) {
      const bool sent = co_await s.send_text(text);
      const auto m = co_await s.receive(5s);
      out.expect(sent && m.is_text() && m.text() == text,
                 "text of " + std::to_string(text.size()) + " bytes: " + std::string{to_string(m.kind())} + " " + m.error().message);
    }
    const std::string binaries[] = {byte_pattern(1024), byte_pattern(0), byte_pattern(std::size_t{1} << 20, 3)};
    for (const auto& bytes : binaries) {
      const bool sent = co_await s.send_binary(bytes);
      const auto m = co_await s.receive(5s);
      out.expect(sent && m.is_binary() && m.data() == bytes,
                 "binary of " + std::to_string(bytes.size()) + " bytes: " + std::string{to_string(m.kind())} + " " + m.error().message);
    }
    // The pong is read by the next wait and is no message.
    const bool pinged = co_await s.ping();
    const auto quiet = co_await s.receive(300ms);
    out.expect(pinged && quiet.is_timeout() && s.is_open(), "ping: " + std::string{to_string(quiet.kind())} + " " + quiet.error().message);

    // The client closes: the server answers with the same code.
    const auto closed = co_await s.close(4000, "bye");
    out.expect(closed.is_close() && closed.close_code() == 4000,
               "client close: " + std::string{to_string(closed.kind())} + " " + std::to_string(closed.close_code()) + " " +
                   closed.error().message);
    out.expect(!s.error() && !s.is_open(), "after the client's close: " + s.error().message);

    // The server closes when asked: 4000 "bye", answered by the client.
    const ws::connect_params no_offer;
    auto t = co_await c.connect(url, no_offer);
    out.expect(t.ok() && t.subprotocol().empty(), "second connect: " + t.error().message);
    if (!t.ok()) co_return;
    const bool asked = co_await t.send_text("close-me");
    const auto ended = co_await t.receive(5s);
    out.expect(asked && ended.is_close() && ended.close_code() == 4000 && ended.close_reason() == "bye",
               "server close: " + std::string{to_string(ended.kind())} + " " + std::to_string(ended.close_code()) + " \"" +
                   std::string{ended.close_reason()} + "\" " + ended.error().message);
    out.expect(!t.error() && !t.is_open(), "after the server's close: " + t.error().message);
  };
  stampede::testing::run_coroutine(body, 30s);
  return out;
}

// Starts `server`, runs the exchange against it, and stops it; skips with a message when the
// server or its library is not installed.
void check_interop(const interop_server& server) {
  INFO(server.name);
  if (!server.program) {
    WARN("skipped: " << server.missing);
    return;
  }
  stampede_test::child process{server.args, *server.program, server.environment};
  // The server prints its port first; exit code 3 says its WebSocket library is missing.
  if (!process.wait_for_stdout("\n", 15000ms)) {
    const int code = process.wait_for_exit(5000ms);
    if (code == 3) {
      WARN("skipped: " << process.err());
      return;
    }
    FAIL("the " << server.name << " echo server did not start (exit " << code << "): " << process.err());
  }
  const auto port = std::stoi(process.out());
  REQUIRE(port > 0);
  const auto out = exchange("ws://127.0.0.1:" + std::to_string(port) + "/");
  for (const auto& p : out.problems) FAIL_CHECK(p);
  CHECK(out.problems.empty());
  process.signal(SIGTERM);
  CHECK(process.wait_for_exit(5000ms) != -1);
}

}  // namespace

TEST_CASE("ws client interop: Node's ws echoes every message, chooses the subprotocol and closes both ways") {
  check_interop(node_ws());
}

TEST_CASE("ws client interop: Python's websockets echoes every message, chooses the subprotocol and closes both ways") {
  check_interop(python_websockets());
}

#else

TEST_CASE("ws client interop (POSIX, with OpenSSL)") {
  WARN("skipped: the interop tests start servers as child processes (POSIX) and need OpenSSL for the handshake");
}

#endif
