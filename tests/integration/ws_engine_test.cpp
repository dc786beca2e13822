// The engine, the WebSocket client and the testbed's WebSocket routes together on 127.0.0.1:
// VUs speak WebSocket through vu::ws(), and k6's ws metrics, with k6's tags, come out of sp::run
// and into the summary's WEBSOCKET section.
#include <stampede/exec/runner.hpp>
#include <stampede/testbed/server.hpp>
#include <stampede/ws.hpp>

#include "support/catch_compat.hpp"
#include "support/result_metrics.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace sp = stampede;
namespace tb = stampede::testbed;
using namespace std::chrono_literals;
using sp::testing::counter_sum;
using sp::testing::sample_log;
using sp::testing::trend_count;

namespace {

std::string ws_url(const tb::server& server, std::string_view path) {
  auto url = server.url(path);
  return "ws" + url.substr(4);  // http://… → ws://…
}

}  // namespace

TEST_CASE("a run records k6's ws metrics with url, status, subproto, group and scenario", "[ws]") {
  tb::server server{{.routes = {{.path = "/ws/echo", .websocket = tb::websocket_mode::echo, .subprotocols = {"chat"}}}}};
  const auto url = ws_url(server, "/ws/echo");
  sp::load_test test{
      .scenarios = {{.name = "chat",
                     .exec = [url](sp::vu& u) -> sp::task<> {
                       co_await u.group("room", [&]() -> sp::task<> {
                         // [echo]
                         sp::ws::connect_params params{.subprotocols = {"chat"}, .tags = {{"room", "1"}}};
                         auto ws = co_await u.ws().connect(url, params);
                         u.check(ws, "connected", [](const sp::ws::session& s) { return s.status() == 101; });
                         co_await ws.ping();  // its pong, read by the next wait, records ws_ping
                         co_await ws.send_text("hello");
                         const auto echo = co_await ws.receive(5s);
                         u.check(echo, "echoed", [](const sp::ws::message& m) { return m.text() == "hello"; });
                         co_await ws.send_binary(std::string(70'000, 'x'));
                         const auto big = co_await ws.receive(5s);
                         u.check(big, "echoed whole", [](const sp::ws::message& m) { return m.data().size() == 70'000; });
                         co_await ws.close();
                         // [echo]
                       });
                     },
                     .executor = sp::shared_iterations{.vus = 2, .iterations = 6}}},
      .thresholds = {sp::ws_connecting.p(95) < 1s, sp::ws_msgs_received.count() == 12},
  };
  sample_log log;
  const auto r = sp::run(test, {.threads = 1, .seed = 1, .observers = {&log}});
  CHECK(r.complete_iterations() == 6);
  const auto checks = r.checks();
  REQUIRE(checks.size() == 3);
  for (const auto& c : checks) {
    INFO(c.name);
    CHECK(c.fails == 0);
  }
  CHECK(counter_sum(r, sp::ws_sessions.descriptor()) == 6);
  CHECK(trend_count(r, sp::ws_connecting.descriptor()) == 6);
  CHECK(trend_count(r, sp::ws_session_duration.descriptor()) == 6);
  CHECK(counter_sum(r, sp::ws_msgs_sent.descriptor()) == 12);
  CHECK(counter_sum(r, sp::ws_msgs_received.descriptor()) == 12);
  CHECK(trend_count(r, sp::ws_ping.descriptor()) == 6);
  // Per iteration: the handshake and 70,000 bytes of a binary message each way, the frames'
  // headers and the short messages on top.
  CHECK(counter_sum(r, sp::data_sent.descriptor()) > 6 * 70'000);
  CHECK(counter_sum(r, sp::data_sent.descriptor()) < 6 * 71'000);
  CHECK(counter_sum(r, sp::data_received.descriptor()) > 6 * 70'000);
  CHECK(counter_sum(r, sp::data_received.descriptor()) < 6 * 71'000);
  CHECK(r.thresholds_passed());

  // k6's tags: the VU's (scenario, group), the params', url, status and subproto.
  const sp::tag_set expected{{"group", "::room"}, {"room", "1"},       {"scenario", "chat"},
                             {"status", "101"},   {"subproto", "chat"}, {"url", url}};
  for (const auto* metric : {"ws_sessions", "ws_connecting", "ws_session_duration", "ws_msgs_sent", "ws_msgs_received",
                             "ws_ping"}) {
    INFO(metric);
    const auto tags = log.tags_of(metric);
    CHECK(tags == expected);
  }
  // data_sent and data_received carry the VU's tags only, as for HTTP.
  CHECK(log.tags_of("data_sent") == sp::tag_set{{"group", "::room"}, {"scenario", "chat"}});

  // k6 1.x's summary: a WEBSOCKET section with the six metrics.
  const auto summary = r.summary();
  INFO(summary);
  const auto section = summary.find("    WEBSOCKET\n");
  REQUIRE(section != std::string::npos);
  for (const auto* metric : {"ws_connecting", "ws_msgs_received", "ws_msgs_sent", "ws_ping", "ws_session_duration",
                             "ws_sessions"}) {
    CHECK(summary.find(metric, section) != std::string::npos);
  }
}

TEST_CASE("a refused upgrade is a session with its status, counted with its time as k6 does", "[ws]") {
  tb::server server{{.routes = {{.path = "/ws/echo", .websocket = tb::websocket_mode::echo},
                                {.path = "/plain", .body = "not a websocket"}}}};
  const auto url = ws_url(server, "/plain");
  sp::load_test test{.scenarios = {{.exec = [url](sp::vu& u) -> sp::task<> {
                                      auto ws = co_await u.ws().connect(url);
                                      u.check(ws, "refused", [](const sp::ws::session& s) {
                                        return !s.ok() && s.status() == 200 && s.body() == "not a websocket" &&
                                               s.error().kind == sp::ws::error_kind::protocol;
                                      });
                                      const auto end = co_await ws.receive(1s);  // at once: it never opened
                                      u.check(end, "ended", [](const sp::ws::message& m) { return m.is_failure(); });
                                    },
                                    .executor = sp::per_vu_iterations{.vus = 1, .iterations = 2}}}};
  sample_log log;
  const auto r = sp::run(test, {.threads = 1, .seed = 1, .observers = {&log}});
  for (const auto& c : r.checks()) {
    INFO(c.name);
    CHECK(c.fails == 0);
  }
  CHECK(counter_sum(r, sp::ws_sessions.descriptor()) == 2);
  CHECK(trend_count(r, sp::ws_connecting.descriptor()) == 2);
  CHECK(log.tags_of("ws_sessions").get("status") == "200");
}

TEST_CASE("session::run calls k6's handlers: open, messages, timers, close after", "[ws]") {
  tb::server server{{.routes = {{.path = "/ws/echo", .websocket = tb::websocket_mode::echo}}}};
  const auto url = ws_url(server, "/ws/echo");
  struct counts {
    int opened = 0, messages = 0, ticks = 0, once = 0, closed = 0;
    sp::ws::event last{};
  };
  auto seen = std::make_shared<counts>();
  sp::load_test test{
      .scenarios = {{.exec = [url, seen](sp::vu& u) -> sp::task<> {
                       // [run]
                       sp::ws::session_handlers handlers{
                           .on_open = [&](sp::ws::session& s) -> sp::task<> {
                             ++seen->opened;
                             co_await s.send_text("first");
                           },
                           .on_message = [&](sp::ws::session&, const sp::ws::message& m) -> sp::task<> {
                             seen->messages += m.is_text() ? 1 : 0;
                             co_return;
                           },
                           .on_close = [&](sp::ws::session&, const sp::ws::message& m) -> sp::task<> {
                             ++seen->closed;
                             seen->last = m.kind();
                             co_return;
                           },
                           .after = {{50ms, [&](sp::ws::session& s) -> sp::task<> {
                                        ++seen->once;
                                        co_await s.ping();
                                      }}},
                           .every = {{20ms, [&](sp::ws::session& s) -> sp::task<> {
                                        ++seen->ticks;
                                        co_await s.send_text("tick");
                                      }}},
                           .close_after = 200ms,
                       };
                       sp::ws::connect_params params;
                       auto ws = co_await u.ws().connect(url, params, std::move(handlers));  // runs until closed
                       // [run]
                       u.check(ws, "ran", [](const sp::ws::session& s) { return s.ok() && !s.is_open(); });
                     },
                     .executor = sp::per_vu_iterations{.vus = 1, .iterations = 1}}}};
  const auto r = sp::run(test, {.threads = 1, .seed = 1});
  CHECK(r.checks().at(0).fails == 0);
  CHECK(seen->opened == 1);
  CHECK(seen->once == 1);
  CHECK(seen->closed == 1);
  CHECK(seen->last == sp::ws::event::close);
  // Every 20 ms for 200 ms: about 10 ticks; a busy machine runs fewer, never more than 10.
  CHECK(seen->ticks >= 2);
  CHECK(seen->ticks <= 10);
  // The first message and each tick echoed, but for one whose echo met the close.
  CHECK(seen->messages >= seen->ticks);
  CHECK(seen->messages <= seen->ticks + 1);
  CHECK(trend_count(r, sp::ws_ping.descriptor()) == 1);
}
