// A loopback HTTPS server for the client's TLS tests: asio::ssl with a self-signed
// certificate for localhost and 127.0.0.1, answering every request with 200 "ok".
#pragma once

#include <stampede/core/asio.hpp>

#include <asio/buffer.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/ssl.hpp>
#include <asio/write.hpp>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

namespace stampede::testing {

// A self-signed certificate for CN=localhost with subjectAltName DNS:localhost and
// IP:127.0.0.1, valid for 100 years; made for these tests with
// openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 ...
constexpr std::string_view certificate = R"(-----BEGIN CERTIFICATE-----
MIIBmjCCAUGgAwIBAgIUDtHWmMQDHRB/s5k+82qrtQZwTUowCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMzA4MTk1NFoYDzIxMjYxMDMw
MDgxOTU0WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAATv+f2i+i+EFmxjaAllrU/rj+luOMjx21ziBnpHyS86F0qr5ytdWCss
dWG+3XX+oxwe6B7k1AI2gukUapkPE1mUo28wbTAdBgNVHQ4EFgQU0//SICX9vNpB
FF/q7y+zSmUQnwYwHwYDVR0jBBgwFoAU0//SICX9vNpBFF/q7y+zSmUQnwYwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDRwAwRAIgXaCxzNPScZrX14CpknuoIhHPsmnvZNrWglFioAx/SscCIHQd
Ux/nO761EQ549vp63OaNkGF4qGXsu/sdt3S8nl7a
-----END CERTIFICATE-----
)";
constexpr std::string_view private_key = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgBXZNMdFyb+ICnpPF
fUFowcD1M7p5wM2nHvuroINJpv6hRANCAATv+f2i+i+EFmxjaAllrU/rj+luOMjx
21ziBnpHyS86F0qr5ytdWCssdWG+3XX+oxwe6B7k1AI2gukUapkPE1mU
-----END PRIVATE KEY-----
)";

// Answers every request on a TLS connection with 200 "ok", keep-alive, on its own thread.
class tls_server {
 public:
  tls_server() {
    ssl_.use_certificate_chain(asio::buffer(certificate.data(), certificate.size()));
    ssl_.use_private_key(asio::buffer(private_key.data(), private_key.size()), asio::ssl::context::pem);
    acceptor_.open(asio::ip::tcp::v4());
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    asio::co_spawn(io_, accept_loop(), asio::detached);
    thread_ = std::thread{[this] { io_.run(); }};
  }
  tls_server(const tls_server&) = delete;
  tls_server& operator=(const tls_server&) = delete;
  ~tls_server() {
    io_.stop();
    thread_.join();
  }
  [[nodiscard]] std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  [[nodiscard]] std::string url(std::string_view host = "127.0.0.1") const {
    return "https://" + std::string{host} + ":" + std::to_string(port()) + "/ok";
  }
  [[nodiscard]] int handshakes() const { return handshakes_.load(); }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(net::use_nothrow);
      if (ec) co_return;
      asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
    }
  }
  asio::awaitable<void> serve(asio::ip::tcp::socket socket) {
    asio::ssl::stream<asio::ip::tcp::socket> tls{std::move(socket), ssl_};
    auto [hec] = co_await tls.async_handshake(asio::ssl::stream_base::server, net::use_nothrow);
    if (hec) co_return;
    ++handshakes_;
    std::string in;
    for (;;) {
      auto [ec, n] = co_await asio::async_read_until(tls, asio::dynamic_buffer(in), "\r\n\r\n", net::use_nothrow);
      if (ec) co_return;
      in.erase(0, n);
      constexpr std::string_view response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
      auto [wec, w] = co_await asio::async_write(tls, asio::buffer(response), net::use_nothrow);
      if (wec) co_return;
    }
  }

  asio::io_context io_{1};
  asio::ssl::context ssl_{asio::ssl::context::tls_server};
  asio::ip::tcp::acceptor acceptor_{io_};
  std::atomic<int> handshakes_{0};
  std::thread thread_;
};

}  // namespace stampede::testing
