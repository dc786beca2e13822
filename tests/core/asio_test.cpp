// Tests of the Asio shim: errors arrive as values through net::use_nothrow, never as throws.
#include <stampede/core/asio.hpp>

#include "support/catch_compat.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <optional>
#include <system_error>

namespace {

using namespace std::chrono_literals;
using stampede::net::use_nothrow;

asio::awaitable<void> wait(asio::steady_timer& timer, std::optional<std::error_code>& result) {
  auto [ec] = co_await timer.async_wait(use_nothrow);
  result = ec;
}

asio::awaitable<void> connect(asio::ip::tcp::endpoint to, std::optional<std::error_code>& result) {
  asio::ip::tcp::socket socket{co_await asio::this_coro::executor};
  auto [ec] = co_await socket.async_connect(to, use_nothrow);
  result = ec;
}

}  // namespace

TEST_CASE("use_nothrow hands a completed timer's empty error code to the coroutine") {
  asio::io_context io{1};
  asio::steady_timer timer{io, 0ms};
  std::optional<std::error_code> result;
  asio::co_spawn(io, wait(timer, result), asio::detached);
  io.run_for(5s);
  REQUIRE(result.has_value());
  CHECK_FALSE(*result);
}

TEST_CASE("use_nothrow turns a cancelled wait into operation_aborted instead of an exception") {
  asio::io_context io{1};
  asio::steady_timer timer{io, 1h};
  std::optional<std::error_code> result;
  asio::co_spawn(io, wait(timer, result), asio::detached);
  io.poll();  // start the wait
  timer.cancel();
  io.run_for(5s);
  REQUIRE(result.has_value());
  CHECK(*result == asio::error::operation_aborted);
}

TEST_CASE("use_nothrow reports a refused loopback connection as connection_refused") {
  asio::io_context io{1};
  // Bind then close a listener so the port is known to be free of listeners.
  asio::ip::tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
  const auto endpoint = acceptor.local_endpoint();
  acceptor.close();

  std::optional<std::error_code> result;
  asio::co_spawn(io, connect(endpoint, result), asio::detached);
  io.run_for(5s);
  REQUIRE(result.has_value());
  CHECK(*result == asio::error::connection_refused);
}
