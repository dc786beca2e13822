// WebSocket round trips on one thread, for the peer comparison in benchmarks/run: N sessions
// (one io_context) to a ws:// echo server, each sending a text message and waiting for its
// echo in a loop; after a warm-up, a measured window counts the round trips, the process's CPU
// time and the heap allocations on the thread, and the program prints them as one JSON line.
//
//   stampede_ws_load --url ws://127.0.0.1:PORT/ [--sessions 50] [--size 32] [--duration 10s]
//                    [--warmup 2s] [--no-metrics] [--no-receive-timeout]
//   stampede_ws_load --serve [--lifetime 120s]
//
// `--serve` is the other side, for a comparison that does not depend on Node's server: a testbed
// server (one thread) with a WebSocket echo route, `/ws`, on a free port of 127.0.0.1. It
// prints its URL as its first line and serves until SIGINT, SIGTERM or the lifetime's end.
//
// Each session is a `ws::client` session recording k6's ws metrics into a recorder, as a VU's
// does (`--no-metrics`: none). Counting allocations replaces malloc with the tests' counting
// one (tests/support/counting_new.hpp), as benchmarks/soak.cpp does.
//
// A session that fails (its connect, a send, a receive that is not the echo) is counted and
// stops; the first failures are described on stderr. Exits 0 when every session ran to the end
// and closed cleanly, 1 otherwise, 2 for bad usage. Every wait is bounded: receives by 5 s
// (`--no-receive-timeout`: by the run's limit alone, to measure a receive without its timer),
// the close by the client's close timeout, the whole run by warm-up + duration + 30 s.
#include <stampede/stampede.hpp>

#include "support/counting_new.hpp"

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <fmt/format.h>

#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <sys/resource.h>

// As in benchmarks/soak.cpp: g++ 12 inlines Asio's coroutine frame allocation and its sized
// delete into this file's coroutines and takes them for a mismatched pair.
#if defined(__GNUC__) && !defined(__clang__)
#  pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace sp = stampede;
namespace tb = stampede::testbed;
namespace ws = stampede::ws;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

struct load_options {
  std::string url;
  int sessions = 50;
  std::size_t size = 32;  // bytes per message
  std::chrono::nanoseconds duration = 10s;
  std::chrono::nanoseconds warmup = 2s;
  bool metrics = true;
  bool receive_timeout = true;  // each receive waits at most 5 s (false: as long as the run)
  bool serve = false;
  std::chrono::nanoseconds lifetime = 120s;  // of --serve
};

load_options parse(int argc, char** argv) {
  load_options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "-h" || flag == "--help") {
      fmt::print("usage: stampede_ws_load --url ws://HOST:PORT/PATH [--sessions 50] [--size 32] [--duration 10s]\n"
                 "                        [--warmup 2s] [--no-metrics] [--no-receive-timeout]\n"
                 "       stampede_ws_load --serve [--lifetime 120s]\n");
      std::exit(0);
    }
    if (flag == "--no-metrics") {
      o.metrics = false;
      continue;
    }
    if (flag == "--no-receive-timeout") {
      o.receive_timeout = false;
      continue;
    }
    if (flag == "--serve") {
      o.serve = true;
      continue;
    }
    if (i + 1 >= argc) throw sp::usage_error(std::string{flag} + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--url") o.url = value;
    else if (flag == "--sessions") o.sessions = std::stoi(value);
    else if (flag == "--size") o.size = static_cast<std::size_t>(std::stoull(value));
    else if (flag == "--duration") o.duration = sp::parse_duration(value);
    else if (flag == "--warmup") o.warmup = sp::parse_duration(value);
    else if (flag == "--lifetime") o.lifetime = sp::parse_duration(value);
    else throw sp::usage_error("unknown option " + std::string{flag} + " (try --help)");
  }
  if (o.serve) {
    if (o.lifetime <= 0s) throw sp::usage_error("--lifetime must be positive");
    return o;
  }
  if (o.url.empty()) throw sp::usage_error("--url is needed (or --serve)");
  if (o.sessions < 1) throw sp::usage_error("--sessions must be at least 1");
  if (o.size < 1) throw sp::usage_error("--size must be at least 1");
  if (o.duration <= 0s) throw sp::usage_error("--duration must be positive");
  if (o.warmup < 0s) throw sp::usage_error("--warmup must not be negative");
  return o;
}

// The process's user and system CPU time so far, in seconds.
struct cpu_time {
  double user = 0, system = 0;
};

cpu_time process_cpu() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return {seconds(u.ru_utime), seconds(u.ru_stime)};
}

// What the run has done, at one instant.
struct mark {
  clock_type::time_point at;
  std::uint64_t messages = 0;
  cpu_time cpu;
  std::size_t allocations = 0;
};

// Everything runs on the io_context's one thread: plain counters.
struct load_state {
  std::uint64_t messages = 0;  // round trips completed, warm-up included
  std::uint64_t failures = 0;  // sessions that failed
  std::uint64_t unclean_closes = 0;
  int running = 0;             // coroutines not yet finished
  bool stopping = false;       // the window ended: sessions close
  std::vector<std::string> first_failures;
  mark start, end;
  bool measured = false;  // the window ran to its end
};

void fail(load_state& st, std::string what) {
  ++st.failures;
  if (st.first_failures.size() < 5) st.first_failures.push_back(std::move(what));
}

// One session: send, wait for the echo, check it, until the window ends; then the close
// handshake.
sp::task<> session_loop(ws::client& client, const load_options& o, std::string_view payload, load_state& st) {
  auto s = co_await client.connect(o.url);
  if (!s.ok()) {
    fail(st, fmt::format("connect: status {}, {}", s.status(), s.error().message));
    co_return;
  }
  while (!st.stopping) {
    if (!co_await s.send_text(payload)) {
      fail(st, fmt::format("send: {}", s.error().message));
      co_return;
    }
    ws::message m;
    if (o.receive_timeout) {
      m = co_await s.receive(5s);
    } else {
      m = co_await s.receive();
    }
    if (!m.is_text()) {
      fail(st, fmt::format("receive: {} {}", ws::to_string(m.kind()), m.error().message));
      co_return;
    }
    if (m.text() != payload) {
      fail(st, fmt::format("the echo differs: {} bytes sent, {} received", payload.size(), m.text().size()));
      co_return;
    }
    ++st.messages;
  }
  const auto end = co_await s.close();
  if (!end.is_close()) {
    ++st.unclean_closes;
    if (st.first_failures.size() < 5) st.first_failures.push_back(fmt::format("close: {}", end.error().message));
  }
}

mark take_mark(const load_state& st) {
  return {clock_type::now(), st.messages, process_cpu(), sp::testing::allocations};
}

// The warm-up, then the measured window, during which the thread's allocations count.
sp::task<> measure(asio::steady_timer& timer, const load_options& o, load_state& st) {
  timer.expires_after(o.warmup);
  co_await timer.async_wait(asio::use_awaitable);
  st.start = take_mark(st);
  sp::testing::counting = true;
  timer.expires_after(o.duration);
  co_await timer.async_wait(asio::use_awaitable);
  sp::testing::counting = false;
  st.end = take_mark(st);
  st.measured = true;
  st.stopping = true;
}

// --serve: the testbed's echo route until a signal or the lifetime's end.
int serve(const load_options& o) {
  tb::server server{{.threads = 1, .routes = {{.path = "/ws", .websocket = tb::websocket_mode::echo}}}};
  fmt::print("ws://127.0.0.1:{}/ws\n", server.port());
  std::fflush(stdout);
  asio::io_context io{1};
  asio::signal_set signals{io, SIGINT, SIGTERM};
  asio::steady_timer lifetime{io, o.lifetime};
  signals.async_wait([&](const std::error_code&, int) { lifetime.cancel(); });
  lifetime.async_wait([&](const std::error_code&) { signals.cancel(); });
  io.run();
  server.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const auto o = parse(argc, argv);
    if (o.serve) return serve(o);
    std::string payload(o.size, ' ');
    constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = alphabet[i % alphabet.size()];

    load_state st;
    asio::io_context io{1};
    auto registry = std::make_shared<sp::metric_registry>();
    sp::recorder rec{registry};
    const sp::tag_set vu_tags{{"scenario", "ws_load"}};
    sp::http::metrics_target metrics{};
    if (o.metrics) metrics = {.rec = &rec, .tags = &vu_tags, .run_start = clock_type::now()};
    ws::client client{io.get_executor(), {.connect_timeout = 10s, .close_timeout = 2s}, {}, metrics};

    // The whole run's bound: whatever still runs then is dropped with the io_context.
    asio::steady_timer limit{io, o.warmup + o.duration + 30s};
    limit.async_wait([&io](const std::error_code& ec) {
      if (!ec) io.stop();
    });
    const auto done = [&](const std::exception_ptr& e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          fail(st, fmt::format("exception: {}", x.what()));
        }
      }
      if (--st.running == 0) limit.cancel();
    };
    asio::steady_timer window{io};
    st.running = o.sessions + 1;
    asio::co_spawn(io, measure(window, o, st), done);
    for (int i = 0; i < o.sessions; ++i) asio::co_spawn(io, session_loop(client, o, payload, st), done);
    io.run();

    if (!st.measured) st.first_failures.push_back("the run's time limit passed before the window ended");
    const auto seconds = std::chrono::duration<double>(st.end.at - st.start.at).count();
    const auto messages = st.end.messages - st.start.messages;
    const double user = st.end.cpu.user - st.start.cpu.user;
    const double system = st.end.cpu.system - st.start.cpu.system;
    const auto allocations = st.end.allocations - st.start.allocations;
    const double per = messages > 0 ? 1.0 / static_cast<double>(messages) : 0.0;
    for (const auto& f : st.first_failures) fmt::print(stderr, "stampede_ws_load: {}\n", f);
    fmt::print(
        "{{\"tool\": \"stampede\", \"url\": \"{}\", \"sessions\": {}, \"payload_bytes\": {}, \"metrics\": {}, "
        "\"window_s\": {:.3f}, \"messages\": {}, \"messages_per_s\": {:.1f}, \"cpu_user_s\": {:.3f}, "
        "\"cpu_sys_s\": {:.3f}, \"cpu_s\": {:.3f}, \"cpu_us_per_message\": {:.3f}, \"allocations\": {}, "
        "\"allocations_per_message\": {}, \"counting_allocations\": {}, \"failures\": {}, \"unclean_closes\": {}}}\n",
        o.url, o.sessions, o.size, o.metrics, seconds, messages, seconds > 0 ? static_cast<double>(messages) / seconds : 0.0,
        user, system, user + system, (user + system) * 1e6 * per, allocations,
        STAMPEDE_COUNT_ALLOCATIONS && messages > 0 ? fmt::format("{:.4f}", static_cast<double>(allocations) * per) : "null",
        STAMPEDE_COUNT_ALLOCATIONS ? "true" : "false", st.failures, st.unclean_closes);
    return st.measured && st.failures == 0 && st.unclean_closes == 0 && messages > 0 ? 0 : 1;
  } catch (const sp::usage_error& e) {
    fmt::print(stderr, "stampede_ws_load: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "stampede_ws_load: {}\n", e.what());
    return 1;
  }
}
