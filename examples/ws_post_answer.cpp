// The seed's "Post answer" test as a compiled program: each iteration subscribes to a question's
// updates over a WebSocket, posts an answer over HTTP, and waits until the update for its own
// answer arrives. The service is an in-process testbed server with two replicas: its HTTP
// route publishes each posted answer to every WebSocket session open on the updates route.
// The summary shows ws_connecting's median and 99th percentile, as the seed reports them:
//   cmake --build build --target stampede_example_ws_post_answer
//   build/examples/stampede_example_ws_post_answer --vus 20 --duration 30s   # or --help
#include <stampede/stampede.hpp>

#include <chrono>
#include <string>

namespace sp = stampede;
namespace tb = stampede::testbed;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  // [server]
  // The course app: answers are posted over HTTP, and the question's page hears of them over a
  // WebSocket that broadcasts every update to every subscriber.
  tb::server server{{.routes = {{.method = "POST",
                                 .path = "/api/courses/1/questions/1/answers",
                                 .status = 201,
                                 .latency = tb::service_time::fixed(2ms),
                                 .publish = "/ws/courses/1/questions/1"},
                                {.path = "/ws/courses/1/questions/1", .websocket = tb::websocket_mode::broadcast}},
                     .replicas = tb::replica_model{.replicas = 2, .sigma = 0.05, .kappa = 0.001, .service_time = 500us}}};
  // [server]

  // [test]
  const auto answers = server.url("/api/courses/1/questions/1/answers");
  auto updates = server.url("/ws/courses/1/questions/1");
  updates.replace(0, 4, "ws");  // http://… → ws://…
  sp::load_test test{
      .scenarios = {{.name = "post_answer",
                     .exec = [answers, updates](sp::vu& u) -> sp::task<> {
                       auto ws = co_await u.ws().connect(updates);
                       if (!u.check(ws, "subscribed", [](const sp::ws::session& s) { return s.ok(); })) co_return;
                       // An answer this VU can recognise among everyone's updates.
                       const auto answer = R"({"vu":)" + std::to_string(u.id()) + R"(,"iteration":)" +
                                           std::to_string(u.iteration()) + R"(,"text":"Use a mutex"})";
                       auto res = co_await u.http().post(answers, sp::http::body::json(answer));
                       u.check(res, sp::status_is(201));
                       // Updates of other VUs' answers arrive too; wait (at most 2 s) for this one.
                       bool heard = false;
                       for (int i = 0; i < 10'000 && !heard; ++i) {
                         const auto m = co_await ws.receive(2s);
                         if (!m) break;  // a timeout, the server's close or a failure
                         heard = m.text() == answer;
                       }
                       u.check(heard, "update received", [](bool h) { return h; });
                       co_await ws.close();
                     },
                     .executor = sp::constant_vus{.vus = 10, .duration = 10s}}},
      .thresholds = {sp::http_req_failed.rate() < 0.01, sp::checks.rate() > 0.99,
                     sp::ws_connecting.p(99) < 100ms},
      .summary = {.trend_stats = {"avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"}, .fixed_time_unit = {}},
  };
  return sp::main(argc, argv, test);
  // [test]
}
