// The main demo. Until the load-test engine lands it proves the toolchain end to end: an Asio
// coroutine server and client talk HTTP/1.1 over 127.0.0.1, llhttp parses the responses, and
// fmt and range-v3 summarise the round trips.
#include <stampede/stampede.hpp>

#include <asio/buffer.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/steady_timer.hpp>
#include <asio/streambuf.hpp>
#include <asio/write.hpp>
#include <fmt/format.h>
#include <llhttp.h>
#include <range/v3/action/sort.hpp>
#include <range/v3/algorithm/count_if.hpp>
#include <range/v3/numeric/accumulate.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <exception>
#include <string>
#include <vector>

namespace {

using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;
using stampede::net::use_nothrow;

constexpr int request_count = 1000;
constexpr std::string_view response_text = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

// Answers every GET on the connection with a fixed 200 until the client closes.
asio::awaitable<void> serve(tcp::socket socket) {
  asio::streambuf in;
  for (;;) {
    auto [ec, n] = co_await asio::async_read_until(socket, in, "\r\n\r\n", use_nothrow);
    if (ec) co_return;
    in.consume(n);
    auto [wec, written] = co_await asio::async_write(socket, asio::buffer(response_text), use_nothrow);
    if (wec) co_return;
  }
}

asio::awaitable<void> accept_one(tcp::acceptor& acceptor) {
  auto [ec, socket] = co_await acceptor.async_accept(use_nothrow);
  if (!ec) co_await serve(std::move(socket));
}

struct response_state {
  bool complete = false;
};

// What the client saw: one latency per completed request and the statuses llhttp parsed.
struct outcome {
  std::vector<clock_type::duration> latencies;
  std::vector<int> statuses;
  std::string error;
};

asio::awaitable<void> run_client(tcp::endpoint server, outcome& out) {
  tcp::socket socket{co_await asio::this_coro::executor};
  if (auto [ec] = co_await socket.async_connect(server, use_nothrow); ec) {
    out.error = fmt::format("connect to {}: {}", server.port(), ec.message());
    co_return;
  }
  llhttp_settings_t settings;
  llhttp_settings_init(&settings);
  settings.on_message_complete = [](llhttp_t* p) -> int {
    static_cast<response_state*>(p->data)->complete = true;
    return HPE_PAUSED;  // stop at the message boundary; the next request resumes the parser
  };
  llhttp_t parser;
  llhttp_init(&parser, HTTP_RESPONSE, &settings);
  response_state state;
  parser.data = &state;

  const std::string request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  std::array<char, 4096> buffer{};
  for (int i = 0; i < request_count; ++i) {
    const auto start = clock_type::now();
    if (auto [ec, n] = co_await asio::async_write(socket, asio::buffer(request), use_nothrow); ec) {
      out.error = fmt::format("request {}: write: {}", i, ec.message());
      co_return;
    }
    state.complete = false;
    while (!state.complete) {
      auto [ec, n] = co_await socket.async_read_some(asio::buffer(buffer), use_nothrow);
      if (ec) {
        out.error = fmt::format("request {}: read: {}", i, ec.message());
        co_return;
      }
      const auto err = llhttp_execute(&parser, buffer.data(), n);
      if (err == HPE_PAUSED) {
        llhttp_resume(&parser);
      } else if (err != HPE_OK) {
        out.error = fmt::format("request {}: parse: {}", i, llhttp_errno_name(err));
        co_return;
      }
    }
    out.latencies.push_back(clock_type::now() - start);
    out.statuses.push_back(static_cast<int>(llhttp_get_status_code(&parser)));
  }
  socket.close();
}

double micros(clock_type::duration d) {
  return std::chrono::duration<double, std::micro>{d}.count();
}

}  // namespace

int main() {
  asio::io_context io{1};
  tcp::acceptor acceptor{io, tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0}};
  const auto endpoint = acceptor.local_endpoint();

  outcome out;
  // Bounded: a wedged run stops after 10 s instead of hanging.
  asio::steady_timer deadline{io, std::chrono::seconds{10}};
  deadline.async_wait([&](std::error_code ec) {
    if (!ec) {
      out.error = "gave up after 10 s";
      io.stop();
    }
  });
  asio::co_spawn(io, accept_one(acceptor), asio::detached);
  asio::co_spawn(io, run_client(endpoint, out), [&](const std::exception_ptr&) { deadline.cancel(); });
  io.run_for(std::chrono::seconds{11});

  fmt::print("stampede {} — toolchain check (the load-test demo arrives with the engine)\n",
             stampede::version_string);
  fmt::print("  asio {}.{}.{} · llhttp {}.{}.{} · fmt {}.{}.{} · TLS {}\n", ASIO_VERSION / 100000,
             ASIO_VERSION / 100 % 1000, ASIO_VERSION % 100, LLHTTP_VERSION_MAJOR, LLHTTP_VERSION_MINOR,
             LLHTTP_VERSION_PATCH, FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100,
             STAMPEDE_WITH_TLS ? "on" : "off");

  auto latencies = out.latencies;
  latencies |= ranges::actions::sort;
  const auto ok = ranges::count_if(out.statuses, [](int s) { return s == 200; });
  fmt::print("  {} GET requests over one keep-alive connection to {}:{}: {} × 200 OK\n",
             out.latencies.size(), endpoint.address().to_string(), endpoint.port(), ok);
  if (!latencies.empty()) {
    const auto total = ranges::accumulate(latencies, clock_type::duration::zero());
    const auto at = [&](double p) {
      return latencies[static_cast<std::size_t>(p / 100.0 * static_cast<double>(latencies.size() - 1))];
    };
    fmt::print("  round trip: avg={:.2f}µs min={:.2f}µs med={:.2f}µs p(95)={:.2f}µs max={:.2f}µs\n",
               micros(total / static_cast<long>(latencies.size())), micros(latencies.front()),
               micros(at(50)), micros(at(95)), micros(latencies.back()));
  }
  if (!out.error.empty()) {
    fmt::print(stderr, "error: {}\n", out.error);
    return 1;
  }
  return out.latencies.size() == request_count && ok == request_count ? 0 : 1;
}
