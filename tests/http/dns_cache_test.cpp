// Tests of http::dns_cache: IP literals and `hosts` values, expiry, sharing between threads.
#include <stampede/http/dns_cache.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace {
using stampede::http::dns_cache;
using namespace std::chrono_literals;

std::vector<asio::ip::address> addresses(std::initializer_list<const char*> texts) {
  std::vector<asio::ip::address> out;
  for (const auto* t : texts) out.push_back(asio::ip::make_address(t));
  return out;
}
}  // namespace

TEST_CASE("dns_cache reads IP literals and hosts values with optional ports") {
  auto e = dns_cache::literal("127.0.0.1");
  REQUIRE(e);
  CHECK(e->address.to_string() == "127.0.0.1");
  CHECK_FALSE(e->port);
  e = dns_cache::literal("127.0.0.1:8080");
  REQUIRE(e);
  CHECK(e->port == 8080);
  e = dns_cache::literal("::1");
  REQUIRE(e);
  CHECK(e->address.is_v6());
  CHECK_FALSE(e->port);
  e = dns_cache::literal("[::1]:9000");
  REQUIRE(e);
  CHECK(e->address.is_v6());
  CHECK(e->port == 9000);
  e = dns_cache::literal("[::1]");
  REQUIRE(e);
  CHECK_FALSE(e->port);
  CHECK_FALSE(dns_cache::literal("example.com"));
  CHECK_FALSE(dns_cache::literal("example.com:80"));
  CHECK_FALSE(dns_cache::literal("127.0.0.1:0"));
  CHECK_FALSE(dns_cache::literal("127.0.0.1:65536"));
  CHECK_FALSE(dns_cache::literal("127.0.0.1:http"));
  CHECK_FALSE(dns_cache::literal("[::1"));
  CHECK_FALSE(dns_cache::literal("[::1]x"));
  CHECK_FALSE(dns_cache::literal(""));
}

TEST_CASE("dns_cache entries expire and names are cached as written") {
  dns_cache cache;
  const dns_cache::clock::time_point now{1h};
  std::vector<asio::ip::address> out;
  CHECK_FALSE(cache.find("api.test", now, out));
  cache.put("api.test", addresses({"10.0.0.1", "10.0.0.2"}), now + 5s);
  REQUIRE(cache.find("api.test", now, out));
  CHECK(out == addresses({"10.0.0.1", "10.0.0.2"}));
  CHECK(cache.find("api.test", now + 5s - 1ns, out));
  CHECK_FALSE(cache.find("api.test", now + 5s, out));
  CHECK_FALSE(cache.find("API.test", now, out));
  cache.put("api.test", addresses({"10.0.0.3"}), now + 10s);  // a fresh answer replaces the old
  REQUIRE(cache.find("api.test", now + 6s, out));
  CHECK(out == addresses({"10.0.0.3"}));
  CHECK(cache.size() == 1);
  cache.clear();
  CHECK(cache.size() == 0);
  CHECK_FALSE(cache.find("api.test", now, out));
}

TEST_CASE("dns_cache expiry keeps answers for good by default and never overflows") {
  using tp = dns_cache::clock::time_point;
  const tp now{1h};
  CHECK(dns_cache::expiry(now, 5min) == now + 5min);
  CHECK(dns_cache::expiry(now, 0ns) == now);  // ttl 0: stale at once
  CHECK(dns_cache::expiry(now, -1s) == now);
  CHECK(dns_cache::expiry(now, std::chrono::nanoseconds::max()) == tp::max());  // the default dns_ttl
  CHECK(dns_cache::expiry(tp::max() - 1s, 2s) == tp::max());
  CHECK(dns_cache::expiry(tp{-1h}, std::chrono::nanoseconds::max()) == tp{-1h} + std::chrono::nanoseconds::max());
}

TEST_CASE("dns_cache answers threads that share it with whole entries") {
  dns_cache cache;
  const dns_cache::clock::time_point now{1h};
  const auto one = addresses({"10.0.0.1"});
  const auto three = addresses({"10.0.0.2", "10.0.0.3", "10.0.0.4"});
  std::vector<std::thread> threads;
  std::vector<int> torn(4, 0);
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::vector<asio::ip::address> out;
      for (int i = 0; i < 2000; ++i) {
        cache.put("shared.test", (i + static_cast<int>(t)) % 2 == 0 ? one : three, now + 1s);
        if (cache.find("shared.test", now, out) && out != one && out != three) ++torn[t];
        cache.put("host" + std::to_string(t) + ".test", one, now + 1s);
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(torn == std::vector<int>(4, 0));
  CHECK(cache.size() == 5);
}
