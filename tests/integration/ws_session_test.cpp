// ws::session against a scripted loopback server, in the spirit of the Autobahn suite's cases:
// framing both ways, fragmentation, ping and pong, the close handshake from either side,
// receive timeouts, one operation at a time, and session::run's event loop.
#include <stampede/ws.hpp>

#include "support/catch_compat.hpp"
#include "support/run_coroutine.hpp"

#if STAMPEDE_WITH_TLS

#include "support/ws_script_server.hpp"
#include "support/ws_session_run.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace ws = stampede::ws;
namespace wire = stampede::testing::ws_wire;
using stampede::testing::byte_pattern;
using stampede::testing::on_session;
using stampede::testing::throws_usage_error;
using stampede::testing::ws_script_server;
using stampede::testing::ws_step;
using clock_type = std::chrono::steady_clock;

const std::size_t sizes[] = {0, 125, 126, 65535, 65536, std::size_t{1} << 20};

std::uint32_t key_value(const wire::mask_key& k) {
  return (std::uint32_t{k[0]} << 24U) | (std::uint32_t{k[1]} << 16U) | (std::uint32_t{k[2]} << 8U) | k[3];
}

}  // namespace

TEST_CASE("text and binary messages of 0 to 1 MiB from the server arrive whole") {
  std::vector<ws_step> steps;
  for (const auto n : sizes) {
    steps.push_back(ws_step::frame(wire::text(std::string(n, 't'))));
    steps.push_back(ws_step::frame(wire::binary(byte_pattern(n))));
  }
  steps.push_back(ws_step::echo());
  ws_script_server server{{.steps = std::move(steps)}};
  auto body = [&](ws::session& s) -> asio::awaitable<void> {
    for (const auto n : sizes) {
      INFO("size " << n);
      const auto text = co_await s.receive(5s);
      CHECK(text.is_text());
      const bool text_whole = text.text() == std::string(n, 't');
      CHECK(text_whole);
      const auto binary = co_await s.receive(5s);
      CHECK(binary.is_binary());
      const bool binary_whole = binary.data() == byte_pattern(n);
      CHECK(binary_whole);
    }
    CHECK(s.messages_received() == 2 * std::size(sizes));
    const auto closed = co_await s.close();
    CHECK(closed.is_close());
    CHECK(closed.close_code() == 1000);
  };
  on_session(server.url(), body);
}

TEST_CASE("the client's frames are final, masked with a fresh key each, with the shortest length") {
  ws_script_server server{{.steps = {ws_step::echo()}}};
  auto body = [&](ws::session& s) -> asio::awaitable<void> {
    bool ok = false;  // what a co_await gave, for CHECK (see ws_session_run.hpp)
    for (const auto n : sizes) {
      INFO("size " << n);
      const std::string text(n, 'c');
      ok = co_await s.send_text(text);
      CHECK(ok);
      const auto echoed_text = co_await s.receive(5s);
      const bool text_whole = echoed_text.is_text() && echoed_text.text() == text;
      CHECK(text_whole);
      const auto bytes = byte_pattern(n, 1);
      ok = co_await s.send_binary(bytes);
      CHECK(ok);
      const auto echoed_binary = co_await s.receive(5s);
      const bool binary_whole = echoed_binary.is_binary() && echoed_binary.data() == bytes;
      CHECK(binary_whole);
    }
    CHECK(s.messages_sent() == 2 * std::size(sizes));
    const auto closed = co_await s.close();
    CHECK(closed.is_close());
  };
  on_session(server.url(), body);
  const auto r = server.wait();
  REQUIRE(r.done);
  REQUIRE(r.frames.size() == 2 * std::size(sizes) + 1);  // and the close
  std::set<std::uint32_t> keys;
  for (std::size_t i = 0; i < r.frames.size(); ++i) {
    const auto& f = r.frames[i];
    INFO("frame " << i << ", opcode " << int{f.opcode} << ", " << f.payload.size() << " bytes");
    CHECK(f.masked);
    CHECK(f.fin);
    CHECK(f.rsv == 0);
    CHECK(f.minimal_length());
    keys.insert(key_value(f.mask));
    if (i + 1 < r.frames.size()) {
      const auto n = sizes[i / 2];
      CHECK(f.opcode == (i % 2 == 0 ? wire::op::text : wire::op::binary));
      const bool payload_right = f.payload == (i % 2 == 0 ? std::string(n, 'c') : byte_pattern(n, 1));
      CHECK(payload_right);
    }
  }
  CHECK(keys.size() == r.frames.size());
  CHECK(r.frames.back().opcode == wire::op::close);
  CHECK(r.frames.back().close_code() == 1000);
}

TEST_CASE("fragments are joined into one message, with control frames between them") {
  ws_script_server server{{.steps = {
                               ws_step::frame(wire::text("Hel", false)),
                               ws_step::frame(wire::ping("p1")),
                               ws_step::frame(wire::continuation("lo, ", false)),
                               ws_step::frame(wire::continuation("", false)),
                               ws_step::frame(wire::continuation("world", true)),
                               ws_step::frame(wire::binary(std::string{"\x00\x01", 2}, false)),
                               ws_step::frame(wire::pong("unsolicited")),  // RFC 6455 5.5.3: ignored
                               ws_step::frame(wire::continuation("\x02", true)),
                               ws_step::frame(wire::text("", false)),
                               ws_step::frame(wire::continuation("", true)),
                               ws_step::echo(),
                           }}};
  auto body = [&](ws::session& s) -> asio::awaitable<void> {
    const auto text = co_await s.receive(2s);
    CHECK(text.is_text());
    CHECK(text.text() == "Hello, world");
    const auto binary = co_await s.receive(2s);
    CHECK(binary.is_binary());
    CHECK(binary.data() == std::string_view{"\x00\x01\x02", 3});
    const auto empty = co_await s.receive(2s);
    CHECK(empty.is_text());
    CHECK(empty.text().empty());
    CHECK(s.messages_received() == 3);
    const auto closed = co_await s.close();
    CHECK(closed.is_close());
  };
  on_session(server.url(), body);
  const auto r = server.wait();
  REQUIRE(r.of(wire::op::pong).size() == 1);
  CHECK(r.of(wire::op::pong)[0].payload == "p1");
}

TEST_CASE("a frame whose bytes arrive in pieces, apart, is read whole") {
  const auto medium = std::string(300, 'm');
  const auto large = byte_pattern(70000);
  ws_script_server server{{.steps = {
                               // Cut inside the header, the extended length and the payload.
                               ws_step::frame(wire::text(medium), {1, 2, 3, 150}, 20ms),
                               ws_step::frame(wire::binary(large), {1, 5, 9, 10, 40000}, 20ms),
                               ws_step::echo(),
                           }}};
  auto body = [&](ws::session& s) -> asio::awaitable<void> {
    const auto first = co_await s.receive(2s);
    CHECK(first.text() == medium);
    const auto second = co_await s.receive(2s);
    const bool whole = second.is_binary() && second.data() == large;
    CHECK(whole);
    const auto closed = co_await s.close();
    CHECK(closed.is_close());
  };
  on_session(server.url(), body);
}

TEST_CASE("UTF-8 split between fragments, inside a character, is accepted") {
  ws_script_server server{{.steps = {
                               ws_step::frame(wire::text("a\xE2", false)),  // € is E2 82 AC
                               ws_step::frame(wire::continuation("\x82", false)),
                               ws_step::frame(wire::continuation("\xAC \xF0\x9F", false)),  // 😀 is F0 9F 98 80
                               ws_step::frame(wire::continuation("\x98\x80", true)),
                               ws_step::echo(),
                           }}};
  auto body = [&](ws::session& s) -> asio::awaitable<void> {
    const auto m = co_await s.receive(2s);
    CHECK(m.is_text());
    CHECK(m.text() == "a\xE2\x82\xAC \xF0\x9F\x98\x80");
    const auto closed = co_await s.close();
    CHECK(closed.is_close());
  };
  on_session(server.url(), body);
}

TEST_CASE("a server's ping is answered with a masked pong carrying its payload") {
  const std::string longest(125, 'p');
  ws_script_server server{{.steps = {
                               ws_step::frame(wire::ping("are you there?")),
                               ws_step::frame(wire::ping()),
                               ws_step::frame(wire::ping(longest)),
                               ws_step::read(3),
                               ws_step::frame(wire::text("after the pongs")),
                               ws_step::echo(),
                           }}};
  auto body = [&](ws::session& s) -> asio::awaitable<void> {
    const auto m = co_await s.receive(2s);
    CHECK(m.text() == "after the pongs");
    const auto closed = co_await s.close();
    CHECK(closed.is_close());
  };
  on_session(server.url(), body);
  const auto r = server.wait();
  REQUIRE(r.frames.size() >= 3);
  const std::string expected[] = {"are you there?", "", longest};
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("pong " << i);
    CHECK(r.frames[i].opcode == wire::op::pong);
    CHECK(r.frames[i].payload == expected[i]);
    CHECK(r.frames[i].masked);
    CHECK(r.frames[i].fin);
  }
}

TEST_CASE("ping() sends a masked ping, and its pong is taken by the next wait, not given as a message") {
  ws_script_server server{{.steps = {ws_step::echo()}}};
  auto body = [&](ws::session& s) -> asio::awaitable<void> {
    bool ok = false;  // what a co_await gave, for CHECK (see ws_session_run.hpp)
    ok = co_await s.ping();
    CHECK(ok);
    const auto quiet = co_await s.receive(200ms);  // reads the pong, which is no message
    CHECK(quiet.is_timeout());
    CHECK(s.is_open());
    ok = co_await s.send_text("still here");
    CHECK(ok);
    const auto m = co_await s.receive(2s);
    CHECK(m.text() == "still here");
    CHECK(s.messages_received() == 1);
    const auto closed = co_await s.close();
    CHECK(closed.is_close());
  };
  on_session(server.url(), body);
  const auto r = server.wait();
  const auto pings = r.of(wire::op::ping);
  REQUIRE(pings.size() == 1);
  CHECK(pings[0].masked);
  CHECK(pings[0].payload.size() <= 125);
}

TEST_CASE("a server's close is answered with its code and ends the session with its code and reason") {
  SECTION("4000 bye") {
    ws_script_server server{{.steps = {ws_step::frame(wire::text("last words")), ws_step::frame(wire::close(4000, "bye")),
                                       ws_step::await_close(), ws_step::close()}}};
    auto body = [&](ws::session& s) -> asio::awaitable<void> {
      bool ok = false;  // what a co_await gave, for CHECK (see ws_session_run.hpp)
      const auto m = co_await s.receive(2s);
      CHECK(m.text() == "last words");
      const auto start = clock_type::now();
      const auto closed = co_await s.receive(2s);
      CHECK(closed.is_close());
      CHECK(closed.close_code() == 4000);
      CHECK(closed.close_reason() == "bye");
      CHECK(clock_type::now() - start < 2s);  // the server ended TCP: no close_timeout (5 s here)
      CHECK_FALSE(s.is_open());
      CHECK(s.ok());  // the handshake did succeed
      CHECK_FALSE(s.error());
      const auto again = co_await s.receive(1s);  // a closed session answers at once, the same
      CHECK(again.is_close());
      CHECK(again.close_code() == 4000);
      ok = co_await s.send_text("too late");
      CHECK_FALSE(ok);
    };
    auto options = stampede::testing::quick_ws_options();
    options.close_timeout = 5s;
    on_session(server.url(), body, options);
    const auto r = server.wait();
    REQUIRE(r.of(wire::op::close).size() == 1);
    CHECK(r.of(wire::op::close)[0].close_code() == 4000);
    CHECK(r.of(wire::op::text).empty());  // nothing sent after the close
  }
  SECTION("a close frame without a code: 1005, answered with an empty close") {
    ws_script_server server{{.steps = {ws_step::frame({.opcode = wire::op::close}), ws_step::await_close(), ws_step::close()}}};
    auto body = [&](ws::session& s) -> asio::awaitable<void> {
      const auto closed = co_await s.receive(2s);
      CHECK(closed.is_close());
      CHECK(closed.close_code() == ws::close_code::no_status);
      CHECK(closed.close_reason().empty());
    };
    on_session(server.url(), body);
    const auto r = server.wait();
    REQUIRE(r.of(wire::op::close).size() == 1);
    CHECK(r.of(wire::op::close)[0].payload.empty());
  }
}

TEST_CASE("close() sends its code and reason and returns the server's answer") {
  ws_script_server server{{.steps = {ws_step::echo()}}};
  auto body = [&](ws::session& s) -> asio::awaitable<void> {
    const auto closed = co_await s.close(3000, "done for today");
    CHECK(closed.is_close());
    CHECK(closed.close_code() == 3000);
    CHECK(closed.close_reason() == "done for today");  // the script echoes the reason too
    CHECK_FALSE(s.is_open());
    CHECK_FALSE(s.error());
    const auto again = co_await s.close();  // not open: at once, the same end
    CHECK(again.close_code() == 3000);
  };
  on_session(server.url(), body);
  auto r = server.wait();
  REQUIRE(r.frames.size() == 1);
  CHECK(r.frames[0].opcode == wire::op::close);
  CHECK(r.frames[0].close_code() == 3000);
  CHECK(r.frames[0].close_reason() == "done for today");
  CHECK(r.frames[0].masked);

  auto plain = [&](ws::session& s) -> asio::awaitable<void> {
    const auto closed = co_await s.close();
    CHECK(closed.close_code() == 1000);
  };
  on_session(server.url(), plain);
  r = server.wait(1);
  REQUIRE(r.frames.size() == 1);
  CHECK(r.frames[0].close_code() == 1000);
  CHECK(r.frames[0].close_reason().empty());
}

TEST_CASE("messages that arrive after close() are dropped while it waits for the server's close") {
  ws_script_server server{{.steps = {ws_step::await_close(), ws_step::frame(wire::text("in flight")),
                                     ws_step::frame(wire::close(1000)), ws_step::close()}}};
  auto body = [&](ws::session& s) -> asio::awaitable<void> {
    const auto closed = co_await s.close();
    CHECK(closed.is_close());
    CHECK(closed.close_code() == 1000);
  };
  on_session(server.url(), body);
  CHECK(server.wait().of(wire::op::close).size() == 1);  // no second close frame: the server's is not answered again
}

TEST_CASE("a session destroyed while open sends a close frame with 1001 and ends TCP") {
  ws_script_server server{{.steps = {ws_step::echo()}}};
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    ws::client c{ex, stampede::testing::quick_ws_options()};
    const auto url = server.url();
    auto s = co_await c.connect(url);
    CHECK(s.ok());
    const bool sent = co_await s.send_text("then gone");
    CHECK(sent);
  };  // the session's handle goes with the coroutine
  stampede::testing::run_coroutine(body);
  const auto r = server.wait();
  REQUIRE(r.done);
  REQUIRE(r.frames.size() == 2);
  CHECK(r.frames[0].payload == "then gone");
  CHECK(r.frames[1].opcode == wire::op::close);
  CHECK(r.frames[1].close_code() == ws::close_code::going_away);
}

TEST_CASE("receive(timeout) gives event::timeout, and the session goes on") {
  ws_script_server server{{.steps = {ws_step::sleep(300ms), ws_step::frame(wire::text("late")), ws_step::echo()}}};
  auto body = [&](ws::session& s) -> asio::awaitable<void> {
    bool ok = false;  // what a co_await gave, for CHECK (see ws_session_run.hpp)
    const auto start = clock_type::now();
    const auto nothing = co_await s.receive(100ms);
    const auto waited = clock_type::now() - start;
    CHECK(nothing.is_timeout());
    CHECK_FALSE(nothing);
    CHECK(waited >= 100ms);
    CHECK(waited < 1s);
    CHECK(s.is_open());
    const auto late = co_await s.receive(2s);
    CHECK(late.text() == "late");
    ok = co_await s.send_text("and on");
    CHECK(ok);
    const auto echoed = co_await s.receive(2s);
    CHECK(echoed.text() == "and on");
    const auto closed = co_await s.close();
    CHECK(closed.is_close());
  };
  on_session(server.url(), body);
}

TEST_CASE("send_text refuses text that is not UTF-8, close a code or reason that may not be sent") {
  ws_script_server server{{.steps = {ws_step::echo()}}};
  auto body = [&](ws::session& s) -> asio::awaitable<void> {
    bool ok = false;  // what a co_await gave, for CHECK (see ws_session_run.hpp)
    ok = co_await throws_usage_error(s.send_text("\xFF"));
    CHECK(ok);
    ok = co_await throws_usage_error(s.send_text("a\xE2\x82"));  // a character cut short
    CHECK(ok);
    ok = co_await throws_usage_error(s.close(999));
    CHECK(ok);
    ok = co_await throws_usage_error(s.close(ws::close_code::abnormal));
    CHECK(ok);
    ok = co_await throws_usage_error(s.close(5000));
    CHECK(ok);
    const std::string too_long(124, 'r');
    ok = co_await throws_usage_error(s.close(1000, too_long));
    CHECK(ok);
    ok = co_await throws_usage_error(s.close(1000, "\xC0\x80"));
    CHECK(ok);
    ok = co_await throws_usage_error(s.receive(0ns));
    CHECK(ok);
    // None of that reached the server or hurt the session.
    CHECK(s.is_open());
    ok = co_await s.send_binary("\xFF");
    CHECK(ok);
    const auto m = co_await s.receive(2s);
    CHECK(m.data() == "\xFF");
    const std::string longest(123, 'r');
    const auto closed = co_await s.close(4999, longest);
    CHECK(closed.close_code() == 4999);
  };
  on_session(server.url(), body);
  const auto r = server.wait();
  REQUIRE(r.frames.size() == 2);
  CHECK(r.frames[0].opcode == wire::op::binary);
  CHECK(r.frames[1].close_code() == 4999);
}

// 1005 may never appear in a close frame (RFC 6455 7.4.1); close(1005) means "close without
// a code", an empty close frame (RFC 6455 5.5.1 allows one), as Gorilla, k6's library, sends
// for it.
TEST_CASE("close(1005) sends a close frame without a code") {
  ws_script_server server{{.steps = {ws_step::echo()}}};
  auto body = [&](ws::session& s) -> asio::awaitable<void> {
    const auto closed = co_await s.close(ws::close_code::no_status);
    CHECK(closed.is_close());
    CHECK(closed.close_code() == ws::close_code::no_status);  // the server's answer had none either
  };
  on_session(server.url(), body);
  const auto r = server.wait();
  REQUIRE(r.frames.size() == 1);
  CHECK(r.frames[0].opcode == wire::op::close);
  CHECK(r.frames[0].payload.empty());
}

TEST_CASE("a second operation while one is under way throws usage_error, and the first goes on") {
  ws_script_server server{{.steps = {ws_step::sleep(300ms), ws_step::frame(wire::text("late")), ws_step::echo()}}};
  auto body = [&](ws::session& s) -> asio::awaitable<void> {
    const auto ex = co_await asio::this_coro::executor;
    bool ok = false;  // what a co_await gave, for CHECK (see ws_session_run.hpp)
    std::string first;
    bool received = false;
    auto receiver = [&]() -> asio::awaitable<void> {
      const auto m = co_await s.receive(3s);
      first = std::string{m.text()};
      received = true;
    };
    asio::co_spawn(ex, receiver(), asio::detached);
    asio::steady_timer pause{ex, 20ms};
    co_await pause.async_wait(asio::use_awaitable);  // the receive waits now
    CHECK_FALSE(received);
    ok = co_await throws_usage_error(s.send_text("x"));
    CHECK(ok);
    ok = co_await throws_usage_error(s.send_binary("x"));
    CHECK(ok);
    ok = co_await throws_usage_error(s.ping());
    CHECK(ok);
    ok = co_await throws_usage_error(s.receive(1s));
    CHECK(ok);
    ok = co_await throws_usage_error(s.close());
    CHECK(ok);
    for (int i = 0; i < 300 && !received; ++i) {
      pause.expires_after(10ms);
      co_await pause.async_wait(asio::use_awaitable);
    }
    CHECK(received);
    CHECK(first == "late");
    ok = co_await s.send_text("free again");
    CHECK(ok);
    const auto m = co_await s.receive(2s);
    CHECK(m.text() == "free again");
    const auto closed = co_await s.close();
    CHECK(closed.is_close());
  };
  on_session(server.url(), body);
  CHECK(server.wait().of(wire::op::text).size() == 1);  // only "free again"
}

TEST_CASE("run calls on_open, on_message, after and every, and close_after ends it with the close handshake") {
  ws_script_server server{{.steps = {ws_step::echo()}}};
  std::vector<std::string> received;
  int ticks = 0, afters = 0, closes = 0;
  ws::message last;
  std::uint16_t on_close_code = 0;
  clock_type::duration took{};
  auto body = [&](ws::session& s) -> asio::awaitable<void> {
    ws::session_handlers handlers{
        .on_open = [&](ws::session& session) -> stampede::task<> { co_await session.send_text("open"); },
        .on_message = [&](ws::session&, const ws::message& m) -> stampede::task<> {
          received.emplace_back(m.text());
          co_return;
        },
        .on_close = [&](ws::session&, const ws::message& m) -> stampede::task<> {
          ++closes;
          on_close_code = m.close_code();
          co_return;
        },
        .after = {{50ms, [&](ws::session& session) -> stampede::task<> {
                     ++afters;
                     co_await session.send_text("after");
                   }}},
        .every = {{40ms, [&](ws::session& session) -> stampede::task<> {
                     ++ticks;
                     co_await session.send_text("tick");
                   }}},
        .close_after = 300ms,
    };
    const auto start = clock_type::now();
    last = co_await s.run(std::move(handlers));
    took = clock_type::now() - start;
    CHECK_FALSE(s.is_open());
  };
  on_session(server.url(), body);
  CHECK(last.is_close());
  CHECK(last.close_code() == 1000);
  CHECK(closes == 1);
  CHECK(on_close_code == 1000);
  CHECK(afters == 1);
  CHECK(ticks >= 3);  // 7 at 40 ms in 300 ms; fewer on a busy machine
  CHECK(ticks <= 8);
  CHECK(took >= 300ms);
  CHECK(took < 2s);
  REQUIRE_FALSE(received.empty());
  CHECK(received.front() == "open");
  CHECK(std::count(received.begin(), received.end(), "after") == 1);
  CHECK(std::count(received.begin(), received.end(), "tick") >= ticks - 1);  // the last may come after the close
  const auto r = server.wait();
  REQUIRE_FALSE(r.frames.empty());
  CHECK(r.frames.back().close_code() == 1000);
}

TEST_CASE("run ends when a handler closes, or when the server closes") {
  SECTION("a handler's close") {
    ws_script_server server{{.steps = {ws_step::echo()}}};
    auto body = [&](ws::session& s) -> asio::awaitable<void> {
      ws::session_handlers handlers{
          .on_open = [](ws::session& session) -> stampede::task<> { co_await session.send_text("bye"); },
          .on_message = [](ws::session& session, const ws::message& m) -> stampede::task<> {
            if (m.text() == "bye") {
              const auto closed = co_await session.close(4001, "asked to");
              CHECK(closed.is_close());
            }
          },
      };
      const auto last = co_await s.run(std::move(handlers));
      CHECK(last.is_close());
      CHECK(last.close_code() == 4001);
      CHECK(last.close_reason() == "asked to");
    };
    on_session(server.url(), body);
  }
  SECTION("the server's close, with on_close told") {
    ws_script_server server{{.steps = {ws_step::frame(wire::text("hi")), ws_step::frame(wire::close(4000, "bye")),
                                       ws_step::await_close(), ws_step::close()}}};
    std::vector<std::string> events;
    auto body = [&](ws::session& s) -> asio::awaitable<void> {
      ws::session_handlers handlers{
          .on_message = [&](ws::session&, const ws::message& m) -> stampede::task<> {
            events.push_back("message " + std::string{m.text()});
            co_return;
          },
          .on_close = [&](ws::session&, const ws::message& m) -> stampede::task<> {
            events.push_back("close " + std::to_string(m.close_code()) + " " + std::string{m.close_reason()});
            co_return;
          },
      };
      const auto last = co_await s.run(std::move(handlers));
      CHECK(last.close_code() == 4000);
    };
    on_session(server.url(), body);
    CHECK(events == std::vector<std::string>{"message hi", "close 4000 bye"});
  }
}

TEST_CASE("an exception from a run handler gives the session up with 1001 and propagates") {
  ws_script_server server{{.steps = {ws_step::echo()}}};
  bool caught = false;
  auto body = [&](ws::session& s) -> asio::awaitable<void> {
    ws::session_handlers handlers{
        .on_open = [](ws::session& session) -> stampede::task<> { co_await session.send_text("boom"); },
        .on_message = [](ws::session&, const ws::message&) -> stampede::task<> {
          throw std::runtime_error{"a handler failed"};
          co_return;
        },
    };
    try {
      const auto last = co_await s.run(std::move(handlers));
      (void)last;
    } catch (const std::runtime_error& e) {
      caught = std::string_view{e.what()} == "a handler failed";
    }
    CHECK_FALSE(s.is_open());
  };
  on_session(server.url(), body);
  CHECK(caught);
  const auto r = server.wait();
  REQUIRE(r.of(wire::op::close).size() == 1);
  CHECK(r.of(wire::op::close)[0].close_code() == 1001);
}

TEST_CASE("client::connect with handlers runs the session to its end") {
  ws_script_server server{{.steps = {ws_step::echo()}}};
  std::string echoed;
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    ws::client c{ex, stampede::testing::quick_ws_options()};
    const auto url = server.url();
    ws::connect_params params;
    ws::session_handlers handlers{
        .on_open = [](ws::session& session) -> stampede::task<> { co_await session.send_text("once"); },
        .on_message = [&](ws::session& session, const ws::message& m) -> stampede::task<> {
          echoed = std::string{m.text()};
          const auto closed = co_await session.close();
          (void)closed;
        },
    };
    const auto s = co_await c.connect(url, std::move(params), std::move(handlers));
    CHECK(s.ok());
    CHECK_FALSE(s.is_open());
    CHECK(s.messages_sent() == 1);
    CHECK(s.messages_received() == 1);
  };
  stampede::testing::run_coroutine(body);
  CHECK(echoed == "once");
}

#endif  // STAMPEDE_WITH_TLS (the handshake needs it: ws_client_test.cpp checks a build without)
