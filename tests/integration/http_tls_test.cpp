// The client over TLS against a loopback asio::ssl server with a self-signed certificate:
// handshake timing, the tls_version tag, verification on by default, k6's TLS error codes.
#include <stampede/http/client.hpp>

#include "support/catch_compat.hpp"
#include "support/run_coroutine.hpp"

#if STAMPEDE_WITH_TLS

#include "support/hostile_server.hpp"
#include "support/tls_server.hpp"

#include <asio/io_context.hpp>
#include <asio/ssl.hpp>

#include <chrono>
#include <exception>
#include <string>

namespace {

using namespace std::chrono_literals;
namespace http = stampede::http;
using stampede::testing::certificate;
using stampede::testing::tls_server;

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
