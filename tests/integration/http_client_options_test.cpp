// http::client over options shared by many clients, as the engine gives every VU's client the
// test's.
#include <stampede/core/error.hpp>
#include <stampede/http/client.hpp>

#include "support/catch_compat.hpp"

#include <asio/io_context.hpp>

#include <chrono>
#include <memory>

namespace http = stampede::http;

TEST_CASE("clients made with shared options read one object, which must not be null") {
  asio::io_context io;
  http::client_options o;
  o.user_agent = "shared/1";
  const auto shared = std::make_shared<const http::client_options>(o);
  const http::client a{http::client::shared_options, io.get_executor(), shared};
  const http::client b{http::client::shared_options, io.get_executor(), shared};
  CHECK(&a.config() == shared.get());
  CHECK(&b.config() == shared.get());
  CHECK(a.config().user_agent == "shared/1");
  const http::client own{io.get_executor(), o};  // a copy of its own
  CHECK(&own.config() != shared.get());
  CHECK_THROWS_AS((http::client{http::client::shared_options, io.get_executor(), nullptr}), stampede::usage_error);
  o.timeout = std::chrono::nanoseconds{0};
  CHECK_THROWS_AS((http::client{http::client::shared_options, io.get_executor(),
                                std::make_shared<const http::client_options>(o)}),
                  stampede::usage_error);
}
