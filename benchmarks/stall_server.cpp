// A loopback HTTP/1.1 server for the coordinated-omission comparison in benchmarks/run: it
// answers every request at once, except that once every period it freezes for a while —
// a request that arrives in [period − stall, period) from the server's start (4 s to 5 s,
// 9 s to 10 s, … by default) gets its response only when that period ends. A load generator
// that keeps its schedule sees the stall in its percentiles; one that waits for responses
// before sending more (coordinated omission) sends almost nothing during it and hides it.
//
//   stampede_stall_server [--period 5s] [--stall 1s] [--lifetime 300s]
//
// Listens on 127.0.0.1 on a free port, prints `port N` on stdout, and exits on SIGINT,
// SIGTERM or after --lifetime (so a forgotten server cannot outlive a benchmark run long).
#include <stampede/core/asio.hpp>
#include <stampede/core/units.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

namespace sp = stampede;
namespace net = stampede::net;
using asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

struct schedule {
  clock_type::time_point start;
  std::chrono::nanoseconds period;
  std::chrono::nanoseconds stall;

  // When a request arriving at `now` may be answered: now, or the end of the stall it fell in.
  [[nodiscard]] clock_type::time_point release(clock_type::time_point now) const {
    const auto since = now - start;
    const auto into_period = since % period;
    if (into_period < period - stall) return now;
    return now + (period - into_period);
  }
};

constexpr std::string_view response =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nhello\n";

// One keep-alive connection: for each request (GETs without a body; pipelined ones too), hold
// the response until the schedule releases it, then write it.
asio::awaitable<void> serve(tcp::socket socket, schedule when) {
  std::string pending;
  std::array<char, 4096> chunk{};
  asio::steady_timer hold{socket.get_executor()};
  for (;;) {
    auto [read_error, n] = co_await socket.async_read_some(asio::buffer(chunk), net::use_nothrow);
    if (read_error) co_return;
    pending.append(chunk.data(), n);
    std::size_t end = 0;
    while ((end = pending.find("\r\n\r\n")) != std::string::npos) {
      pending.erase(0, end + 4);
      const auto release = when.release(clock_type::now());
      if (release > clock_type::now()) {
        hold.expires_at(release);
        auto [wait_error] = co_await hold.async_wait(net::use_nothrow);
        if (wait_error) co_return;
      }
      auto [write_error, written] = co_await asio::async_write(socket, asio::buffer(response), net::use_nothrow);
      (void)written;
      if (write_error) co_return;
    }
  }
}

asio::awaitable<void> accept_all(tcp::acceptor& acceptor, schedule when) {
  for (;;) {
    auto [error, socket] = co_await acceptor.async_accept(net::use_nothrow);
    if (error == asio::error::operation_aborted) co_return;
    if (error) continue;  // e.g. out of descriptors for a moment: keep serving the others
    socket.set_option(tcp::no_delay{true});
    asio::co_spawn(acceptor.get_executor(), serve(std::move(socket), when), asio::detached);
  }
}

std::chrono::nanoseconds flag(int argc, char** argv, std::string_view name, std::string_view fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return sp::parse_duration(argv[i + 1]);
  }
  return sp::parse_duration(fallback);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const schedule when{clock_type::now(), flag(argc, argv, "--period", "5s"), flag(argc, argv, "--stall", "1s")};
    const auto lifetime = flag(argc, argv, "--lifetime", "300s");
    if (when.period <= when.stall || when.stall.count() < 0) {
      fmt::print(stderr, "stall_server: --stall must be shorter than --period\n");
      return 2;
    }
    asio::io_context io{1};
    tcp::acceptor acceptor{io};
    const tcp::endpoint endpoint{asio::ip::make_address("127.0.0.1"), 0};
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address{true});
    acceptor.bind(endpoint);
    acceptor.listen(4096);
    fmt::print("port {}\n", acceptor.local_endpoint().port());
    std::fflush(stdout);

    asio::signal_set signals{io, SIGINT, SIGTERM};
    asio::steady_timer deadline{io, lifetime};
    const auto stop = [&io](const std::error_code&, auto&&...) { io.stop(); };
    signals.async_wait(stop);
    deadline.async_wait(stop);
    asio::co_spawn(io, accept_all(acceptor, when), asio::detached);
    io.run();
    return 0;
  } catch (const std::exception& e) {
    fmt::print(stderr, "stall_server: {}\n", e.what());
    return 1;
  }
}
