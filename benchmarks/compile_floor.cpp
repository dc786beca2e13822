// The floor for benchmarks/compile_time: what any Asio coroutine client costs to compile
// (Asio's umbrella header and fmt, a coroutine that connects, writes a GET and reads the
// answer). stampede's programs are reported as ratios to it, compiled in the same run.
#include <asio.hpp>
#include <fmt/core.h>

#include <array>
#include <string>

namespace {

asio::awaitable<void> get(asio::ip::tcp::endpoint endpoint) {
  asio::ip::tcp::socket socket{co_await asio::this_coro::executor};
  co_await socket.async_connect(endpoint, asio::use_awaitable);
  const std::string request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  co_await asio::async_write(socket, asio::buffer(request), asio::use_awaitable);
  std::array<char, 4096> buffer{};
  const std::size_t n = co_await socket.async_read_some(asio::buffer(buffer), asio::use_awaitable);
  fmt::print("{} bytes\n", n);
}

}  // namespace

int main() {
  asio::io_context io;
  asio::co_spawn(io, get({asio::ip::make_address("127.0.0.1"), 8080}), asio::detached);
  io.run();
}
