// The testbed server's machinery: the io_context and its threads, the acceptor, and the
// orderly stop that closes every connection and joins.
#pragma once

#include <stampede/core/asio.hpp>
#include <stampede/core/error.hpp>
#include <stampede/core/task.hpp>
#include <stampede/testbed/detail/connection.hpp>
#include <stampede/testbed/detail/http_session.hpp>
#include <stampede/testbed/detail/listener.hpp>
#include <stampede/testbed/detail/server_state.hpp>
#include <stampede/testbed/server_options.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace stampede::testbed::detail {

class server_core {
 public:
  explicit server_core(server_options options)
      : state_((options.validate(), std::move(options))),
        io_(state_.options.threads),
        acceptor_(io_),
        accept_strand_(asio::make_strand(io_)),
        retry_(accept_strand_) {
    listen_on(acceptor_, {listen_address(state_.options.host, "server_options: host"), state_.options.port});
    const auto bound = acceptor_.local_endpoint();
    port_ = bound.port();
    host_ = url_host(bound.address());

    asio::co_spawn(accept_strand_, accept_loop(), asio::detached);
    threads_.reserve(static_cast<std::size_t>(state_.options.threads));
    for (int i = 0; i < state_.options.threads; ++i) {
      threads_.emplace_back([this] { run_io(io_); });
    }
  }

  server_core(const server_core&) = delete;
  server_core& operator=(const server_core&) = delete;
  ~server_core() { stop(); }

  void stop() {
    const std::lock_guard lock{stop_mutex_};
    if (stopped_) return;
    stopped_ = true;
    const auto open = state_.begin_stop();
    asio::post(accept_strand_, [this] {
      std::error_code ignored;
      acceptor_.close(ignored);
      retry_.cancel();
    });
    for (const auto& c : open) {
      asio::post(c->strand, [c] { c->stop(); });
    }
    // Every operation in flight now fails at once, so run() returns as the coroutines end; a
    // WebSocket session sends its close frame first, bounded by its close timeout.
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] const std::string& host() const noexcept { return host_; }
  [[nodiscard]] server_state& state() noexcept { return state_; }
  [[nodiscard]] const server_state& state() const noexcept { return state_; }

 private:
  task<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(net::use_nothrow);
      if (!acceptor_.is_open() || state_.is_stopping()) co_return;
      if (ec) {
        // Out of descriptors and the like: wait a little rather than spin.
        retry_.expires_after(std::chrono::milliseconds{10});
        co_await retry_.async_wait(net::use_nothrow);
        continue;
      }
      start(std::move(socket));
    }
  }

  void start(asio::ip::tcp::socket socket) {
    state_.stats.connections_accepted.fetch_add(1, std::memory_order_relaxed);
    std::uint64_t number = 0;
    {
      const std::lock_guard lock{state_.mutex};
      number = state_.next_number++;
    }
    std::error_code ignored;
    socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    auto conn = std::make_shared<connection>(asio::make_strand(io_), std::move(socket), number);
    if (!state_.admit(conn)) {
      conn->socket.close(ignored);
      return;
    }
    state_.stats.connections_open.fetch_add(1, std::memory_order_relaxed);
    asio::co_spawn(conn->strand, serve(&state_, conn), asio::detached);
  }

  // Destroyed after io_ (members go in reverse order): coroutine frames that io_ destroys
  // still find the state they refer to.
  server_state state_;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  asio::strand<asio::io_context::executor_type> accept_strand_;
  asio::steady_timer retry_;
  std::uint16_t port_ = 0;
  std::string host_;
  std::vector<std::thread> threads_;
  std::mutex stop_mutex_;
  bool stopped_ = false;
};

}  // namespace stampede::testbed::detail
