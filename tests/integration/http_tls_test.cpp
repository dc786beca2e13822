// The client over TLS against a loopback asio::ssl server with a self-signed certificate:
// handshake timing, the tls_version tag, verification on by default, k6's TLS error codes.
#include <stampede/http/client.hpp>

#include "support/catch_compat.hpp"
#include "support/run_coroutine.hpp"

#if STAMPEDE_WITH_TLS

#include "support/hostile_server.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/read_until.hpp>
#include <asio/ssl.hpp>
#include <asio/write.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <string>
#include <thread>

namespace {

using namespace std::chrono_literals;
namespace http = stampede::http;
using stampede::net::use_nothrow;

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
      auto [ec, socket] = co_await acceptor_.async_accept(use_nothrow);
      if (ec) co_return;
      asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
    }
  }
  asio::awaitable<void> serve(asio::ip::tcp::socket socket) {
    asio::ssl::stream<asio::ip::tcp::socket> tls{std::move(socket), ssl_};
    auto [hec] = co_await tls.async_handshake(asio::ssl::stream_base::server, use_nothrow);
    if (hec) co_return;
    ++handshakes_;
    std::string in;
    for (;;) {
      auto [ec, n] = co_await asio::async_read_until(tls, asio::dynamic_buffer(in), "\r\n\r\n", use_nothrow);
      if (ec) co_return;
      in.erase(0, n);
      constexpr std::string_view response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
      auto [wec, w] = co_await asio::async_write(tls, asio::buffer(response), use_nothrow);
      if (wec) co_return;
    }
  }

  asio::io_context io_{1};
  asio::ssl::context ssl_{asio::ssl::context::tls_server};
  asio::ip::tcp::acceptor acceptor_{io_};
  std::atomic<int> handshakes_{0};
  std::thread thread_;
};


}  // namespace

TEST_CASE("client speaks HTTPS over one kept-alive TLS connection and times the handshake") {
  tls_server server;
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex, {.timeout = 2s, .tls_root_certificates = std::string{certificate}}};
    for (int i = 0; i < 3; ++i) {
      auto res = co_await c.get(server.url());
      INFO(res.error().message);
      REQUIRE_FALSE(res.error());
      CHECK(res.status() == 200);
      CHECK(res.body() == "ok");
      CHECK(res.tls_version() == "tls1.3");
      if (i == 0) {
        CHECK(res.timings().tls_handshaking > 0ns);
        CHECK(res.timings().blocked >= res.timings().connecting + res.timings().tls_handshaking);
      } else {
        CHECK(res.timings().tls_handshaking == 0ns);
      }
    }
  };
  stampede::testing::run_coroutine(body);
  CHECK(server.handshakes() == 1);
}

TEST_CASE("client verifies certificates by default and reports k6's TLS error codes") {
  tls_server server;
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client strict{ex, {.timeout = 2s}};
    auto res = co_await strict.get(server.url());
    CHECK(res.error().kind == http::error_kind::tls);
    CHECK(res.error_code() == 1310);  // unknown authority: the certificate is self-signed
    CHECK(res.status() == 0);

    const auto port = std::to_string(server.port());
    http::client trusting{ex, {.timeout = 2s,
                               .hosts = {{"localhost", "127.0.0.1"}, {"wrong.test", "127.0.0.1"}},
                               .tls_root_certificates = std::string{certificate}}};
    res = co_await trusting.get(server.url("localhost"));
    INFO(res.error().message);
    CHECK(res.status() == 200);
    res = co_await trusting.get(server.url("wrong.test"));
    CHECK(res.error().kind == http::error_kind::tls);
    CHECK(res.error_code() == 1311);  // the certificate is not for wrong.test

    http::client insecure{ex, {.timeout = 2s, .insecure_skip_tls_verify = true}};
    res = co_await insecure.get(server.url("127.0.0.1"));
    CHECK(res.status() == 200);
  };
  stampede::testing::run_coroutine(body);
}

TEST_CASE("client reports a server that does not speak TLS as a TLS failure") {
  // Its first connection answers with plain HTTP at once, which is no TLS server hello.
  stampede::testing::hostile_server plain{stampede::testing::misbehaviour::unsolicited_response};
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex, {.timeout = 1s, .insecure_skip_tls_verify = true}};
    const auto url = "https://127.0.0.1:" + std::to_string(plain.port()) + "/ok";
    auto res = co_await c.get(url);
    CHECK(res.error().kind == http::error_kind::tls);
    CHECK(res.error_code() == 1300);
    res = co_await c.get(plain.url("/ok"));  // the client is still usable
    CHECK(res.status() == 200);
  };
  stampede::testing::run_coroutine(body);
}

TEST_CASE("client rejects unusable extra root certificates when it is made") {
  asio::io_context io;
  CHECK_THROWS_AS((http::client{io.get_executor(), {.tls_root_certificates = "not a certificate"}}), stampede::usage_error);
}

#else

TEST_CASE("https:// needs a build with TLS") {
  SUCCEED("STAMPEDE_WITH_TLS is 0: the usage error is tested in http_client_test.cpp");
}

#endif
