// Tests of http::cookie_jar: domains, paths, Secure, Max-Age.
#include <stampede/http/cookie_jar.hpp>

#include "support/catch_compat.hpp"

namespace {
using stampede::http::cookie_jar;
using stampede::http::url;
}  // namespace

TEST_CASE("cookie_jar sends host-only cookies back to their host only") {
  cookie_jar jar;
  jar.store(url::parse("http://a.test/login"), "sid=42; Path=/; HttpOnly");
  CHECK(jar.cookie_header(url::parse("http://a.test/todos")) == "sid=42");
  CHECK(jar.cookie_header(url::parse("http://b.a.test/todos")).empty());
  CHECK(jar.cookie_header(url::parse("http://other.test/")).empty());
  jar.store(url::parse("http://a.test/"), "theme=dark");
  CHECK(jar.cookie_header(url::parse("http://a.test/")) == "sid=42; theme=dark");
  jar.store(url::parse("http://a.test/"), "sid=43; Path=/");  // replaces
  CHECK(jar.get(url::parse("http://a.test/"), "sid") == "43");
  CHECK(jar.size() == 2);
}

TEST_CASE("cookie_jar matches domain cookies on subdomains and refuses foreign domains") {
  cookie_jar jar;
  jar.store(url::parse("http://www.a.test/"), "d=1; Domain=.a.test");
  CHECK(jar.cookie_header(url::parse("http://api.a.test/")) == "d=1");
  CHECK(jar.cookie_header(url::parse("http://a.test/")) == "d=1");
  CHECK(jar.cookie_header(url::parse("http://xa.test/")).empty());
  jar.store(url::parse("http://www.a.test/"), "evil=1; Domain=b.test");
  CHECK(jar.size() == 1);
}

TEST_CASE("cookie_jar applies paths, Secure and Max-Age") {
  cookie_jar jar;
  const auto now = cookie_jar::clock::now();
  jar.store(url::parse("http://a.test/api/v1/login"), "p=1", now);  // default path /api/v1
  CHECK(jar.cookie_header(url::parse("http://a.test/api/v1/todos")) == "p=1");
  CHECK(jar.cookie_header(url::parse("http://a.test/api/v10")).empty());
  CHECK(jar.cookie_header(url::parse("http://a.test/")).empty());
  jar.store(url::parse("http://a.test/"), "s=1; Secure; Path=/", now);
  CHECK(jar.cookie_header(url::parse("http://a.test/")).empty());
  CHECK(jar.cookie_header(url::parse("https://a.test/")) == "s=1");
  jar.store(url::parse("http://a.test/"), "t=1; Max-Age=60; Path=/", now);
  std::string out;
  CHECK(jar.append_cookie_header(url::parse("http://a.test/"), out, now + std::chrono::seconds{59}));
  CHECK(out == "t=1");
  out.clear();
  CHECK_FALSE(jar.append_cookie_header(url::parse("http://a.test/"), out, now + std::chrono::seconds{61}));
  jar.store(url::parse("http://a.test/"), "t=1; Max-Age=0; Path=/", now);
  CHECK_FALSE(jar.get(url::parse("http://a.test/"), "t"));
  jar.store(url::parse("http://a.test/"), "no equals sign", now);
  CHECK(jar.size() == 2);
}
