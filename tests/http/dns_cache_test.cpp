// Tests of the client's DNS cache: IP literals, `hosts` values, expiry.
#include <stampede/http/detail/dns_cache.hpp>

#include "support/catch_compat.hpp"

#include <chrono>

namespace {
using stampede::http::detail::dns_cache;
}

TEST_CASE("dns_cache reads IP literals and hosts values with optional ports") {
  auto e = dns_cache::literal("127.0.0.1");
  REQUIRE(e);
  CHECK(e->addresses.at(0).to_string() == "127.0.0.1");
  CHECK_FALSE(e->port);
  e = dns_cache::literal("127.0.0.1:8080");
  REQUIRE(e);
  CHECK(e->port == 8080);
  e = dns_cache::literal("::1");
  REQUIRE(e);
  CHECK(e->addresses.at(0).is_v6());
  e = dns_cache::literal("[::1]:9000");
  REQUIRE(e);
  CHECK(e->port == 9000);
  CHECK_FALSE(dns_cache::literal("example.com"));
  CHECK_FALSE(dns_cache::literal("127.0.0.1:0"));
  CHECK_FALSE(dns_cache::literal("127.0.0.1:http"));
  CHECK_FALSE(dns_cache::literal("[::1"));
}

TEST_CASE("dns_cache entries expire") {
  dns_cache cache;
  const auto now = dns_cache::clock::now();
  auto e = *dns_cache::literal("10.0.0.1");
  e.expires = now + std::chrono::seconds{5};
  cache.put("api.test", e);
  CHECK(cache.find("api.test", now) != nullptr);
  CHECK(cache.find("API.test", now) == nullptr);  // names are cached as written
  CHECK(cache.find("api.test", now + std::chrono::seconds{5}) == nullptr);
  cache.clear();
  CHECK(cache.find("api.test", now) == nullptr);
}
