// One TCP connection of a client: its socket, its response parser, its read buffer.
#pragma once

#include <stampede/http/detail/response_parser.hpp>

#include <stampede/config.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/ip/tcp.hpp>
#if STAMPEDE_WITH_TLS
#  include <asio/ssl/stream.hpp>
#endif

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace stampede::http::detail {

/// A connection to one origin. Held by `shared_ptr` so that the request's deadline handler,
/// which may run after the request is over, can still look at it safely.
struct connection {
  explicit connection(const asio::any_io_executor& ex) : socket{ex}, resolver{ex} {}

  /// Closes the socket and cancels a resolution: pending operations end with
  /// `operation_aborted`. Never throws.
  void abort() noexcept {
    std::error_code ignored;
    socket.close(ignored);
    resolver.cancel();
  }

  asio::ip::tcp::socket socket;
#if STAMPEDE_WITH_TLS
  std::optional<asio::ssl::stream<asio::ip::tcp::socket&>> tls;  // over `socket`, for https://
#endif
  std::string_view tls_version;  // k6's name ("tls1.3"), empty for http://
  asio::ip::tcp::resolver resolver;
  response_parser parser;
  std::string origin;          // "http://host:port": the pool's key
  std::string remote_address;  // "ip:port"
  std::uint64_t generation = 0;  // which request the armed deadline belongs to
  bool timed_out = false;
  std::array<char, 16 * 1024> buffer{};
};

/// Closes the connection when the request's deadline passes, unless the request it was armed
/// for is over (`generation` moved on) or the wait was cancelled.
struct deadline_handler {
  std::shared_ptr<connection> conn;
  std::uint64_t generation;
  void operator()(const std::error_code& ec) const noexcept {
    if (ec || conn->generation != generation) return;
    conn->timed_out = true;
    conn->abort();
  }
};

}  // namespace stampede::http::detail
