// What the testbed's server and proxy share: an address from options, a listening acceptor,
// the URL of what listens, and a thread that runs an io_context whatever its handlers throw.
#pragma once

#include <stampede/core/error.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <asio/ip/tcp.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace stampede::testbed::detail {

/// `host` as an address ("localhost" is 127.0.0.1; no DNS). Throws `usage_error` naming
/// `field` ("server_options: host", ...) when it is not an IP address.
[[nodiscard]] inline asio::ip::address listen_address(const std::string& host, std::string_view field) {
  if (host == "localhost") return asio::ip::make_address("127.0.0.1");
  std::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) throw usage_error(std::string{field} + " \"" + host + "\" is not an IP address");
  return address;
}

/// Opens, binds and listens on `endpoint`; throws `std::system_error` (asio::system_error)
/// when the address cannot be bound.
inline void listen_on(asio::ip::tcp::acceptor& acceptor, const asio::ip::tcp::endpoint& endpoint) {
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen();
}

/// The bound address as a URL writes it: IPv6 in brackets.
[[nodiscard]] inline std::string url_host(const asio::ip::address& address) {
  return address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
}

/// `http://HOST:PORT/path`; a path without a leading '/' gets one.
[[nodiscard]] inline std::string http_url(const std::string& host, std::uint16_t port, std::string_view path) {
  std::string out = "http://" + host + ":" + std::to_string(port);
  if (path.empty() || path.front() != '/') out += '/';
  out.append(path);
  return out;
}

/// Runs `io` until it stops or runs out of work. A handler that throws is a bug in the
/// testbed; the thread keeps serving rather than end.
inline void run_io(asio::io_context& io) noexcept {
  for (;;) {
    try {
      io.run();
      return;
    } catch (...) {
    }
  }
}

}  // namespace stampede::testbed::detail
