// Tests of http::cookie_jar: domains, paths, Secure, Expires and Max-Age, cookie dates, limits and eviction.
#include <stampede/http/cookie_jar.hpp>

#include "support/catch_compat.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace {
using stampede::http::cookie_jar;
using stampede::http::url;
using namespace std::chrono_literals;

// 21 October 2015, 07:28:00 UTC.
constexpr std::chrono::sys_seconds oct_21_2015 = std::chrono::sys_days{std::chrono::year{2015} / 10 / 21} + 7h + 28min;
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
  const cookie_jar::clock::time_point now = oct_21_2015;
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
  CHECK_FALSE(jar.get(url::parse("http://a.test/"), "t", now));
  jar.store(url::parse("http://a.test/"), "no equals sign", now);
  CHECK(jar.size() == 2);
}

TEST_CASE("parse_cookie_date reads the RFC 1123, RFC 850 and asctime forms and rejects bad dates") {
  using stampede::http::parse_cookie_date;
  struct row {
    std::string_view text;
    std::optional<std::chrono::sys_seconds> want;
  };
  const std::chrono::sys_seconds y2k = std::chrono::sys_days{std::chrono::year{2000} / 2 / 29};
  const row rows[] = {
      {"Wed, 21 Oct 2015 07:28:00 GMT", oct_21_2015},             // RFC 1123
      {"Wednesday, 21-Oct-15 07:28:00 GMT", oct_21_2015},         // RFC 850, two-digit year
      {"Wed Oct 21 07:28:00 2015", oct_21_2015},                  // asctime
      {"wed, 21 OCT 2015 7:28:0 gmt", oct_21_2015},               // any case, one-digit fields
      {"21 October 2015 07:28:00", oct_21_2015},                  // month names by their first three letters
      {"Wed, 21-Oct-2015 07:28:00 GMT", oct_21_2015},
      {"Tue, 29 Feb 2000 00:00:00 GMT", y2k},                     // a leap day
      {"Thu, 01 Jan 70 00:00:00 GMT", std::chrono::sys_seconds{}},  // 70–99 are 19xx
      {"Fri, 31 Dec 9999 23:59:59 GMT", std::chrono::sys_days{std::chrono::year{9999} / 12 / 31} + 23h + 59min + 59s},
      {"Wed, 21 Oct 2015", std::nullopt},                         // no time
      {"Wed, Oct 2015 07:28:00 GMT", std::nullopt},               // no day
      {"Wed, 21 2015 07:28:00 GMT", std::nullopt},                // no month
      {"Wed, 21 Oct 07:28:00 GMT", std::nullopt},                 // no year
      {"Wed, 31 Apr 2015 07:28:00 GMT", std::nullopt},            // no such day
      {"Wed, 29 Feb 2015 07:28:00 GMT", std::nullopt},            // not a leap year
      {"Wed, 21 Oct 2015 24:00:00 GMT", std::nullopt},            // hour over 23
      {"Wed, 21 Oct 2015 07:60:00 GMT", std::nullopt},
      {"Wed, 32 Oct 2015 07:28:00 GMT", std::nullopt},
      {"Wed, 21 Oct 1600 07:28:00 GMT", std::nullopt},            // before 1601
      {"", std::nullopt},
      {"tomorrow", std::nullopt},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK(parse_cookie_date(r.text) == r.want);
  }
}

TEST_CASE("cookie_jar keeps a cookie until its Expires date and lets Max-Age win") {
  cookie_jar jar;
  const auto a = url::parse("http://a.test/");
  const cookie_jar::clock::time_point now = oct_21_2015 - 1h;  // an hour before the date
  jar.store(a, "e=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT", now);
  CHECK(jar.get(a, "e", now) == "1");
  CHECK(jar.get(a, "e", oct_21_2015 - 1s) == "1");
  CHECK_FALSE(jar.get(a, "e", oct_21_2015));
  // Max-Age wins over Expires in either order: a past date with a Max-Age keeps the cookie ...
  jar.store(a, "m=1; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT", now);
  jar.store(a, "n=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60", now);
  CHECK(jar.cookie_header(a, now + 59s) == "e=1; m=1; n=1");
  CHECK(jar.cookie_header(a, now + 60s) == "e=1");
  // ... and a far date with Max-Age=0 deletes it.
  jar.store(a, "m=2; Expires=Fri, 31 Dec 9999 23:59:59 GMT; Max-Age=0", now);
  CHECK_FALSE(jar.get(a, "m", now));
  // A date the jar cannot read is ignored: a session cookie.
  jar.store(a, "s=1; Expires=someday", now);
  CHECK(jar.get(a, "s", now + 24h * 365 * 100) == "1");
  // A date past the clock's range (libstdc++'s system_clock ends in 2262) never expires.
  jar.store(a, "far=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT", now);
  CHECK(jar.get(a, "far", now + 24h * 365 * 200) == "1");
  // A huge Max-Age saturates too, and a negative one deletes.
  jar.store(a, "big=1; Max-Age=99999999999999999999999", now);
  CHECK(jar.get(a, "big", now + 24h * 365 * 200) == "1");
  jar.store(a, "big=1; Max-Age=-1", now);
  CHECK_FALSE(jar.get(a, "big", now));
  // Max-Age that is not a number is ignored, so Expires decides.
  jar.store(a, "x=1; Max-Age=+5; Expires=Wed, 21 Oct 2015 07:28:00 GMT", now);
  CHECK(jar.get(a, "x", oct_21_2015 - 1s) == "1");
  CHECK_FALSE(jar.get(a, "x", oct_21_2015));
}

TEST_CASE("cookie_jar deletes a stored cookie when the same cookie arrives expired") {
  cookie_jar jar;
  const auto a = url::parse("http://a.test/app/login");
  const cookie_jar::clock::time_point now = oct_21_2015;
  jar.store(a, "sid=42; Path=/app", now);
  jar.store(a, "theme=dark; Path=/", now);
  REQUIRE(jar.size() == 2);
  // Another path is another cookie: nothing to delete.
  jar.store(a, "sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT", now);
  CHECK(jar.size() == 2);
  CHECK(jar.get(url::parse("http://a.test/app/x"), "sid", now) == "42");
  // The same name, domain and path: deleted, and nothing new stored.
  jar.store(a, "sid=; Path=/app; Expires=Wed, 21 Oct 2015 07:27:59 GMT", now);
  CHECK(jar.size() == 1);
  CHECK_FALSE(jar.get(url::parse("http://a.test/app/x"), "sid", now));
  CHECK(jar.cookie_header(url::parse("http://a.test/app/x"), now) == "theme=dark");
}

TEST_CASE("cookie_jar forgets expired cookies when it stores another") {
  cookie_jar jar;
  const auto a = url::parse("http://a.test/");
  const cookie_jar::clock::time_point now = oct_21_2015;
  jar.store(a, "short=1; Max-Age=1", now);
  jar.store(a, "long=1; Max-Age=3600", now);
  CHECK(jar.size() == 2);
  jar.store(a, "other=1", now + 2s);
  CHECK(jar.size() == 2);  // long and other
  CHECK(jar.cookie_header(a, now + 2s) == "long=1; other=1");
}

namespace {
std::string numbered(std::string_view prefix, std::size_t i) { return std::string{prefix} + std::to_string(i); }
}  // namespace

TEST_CASE("cookie_jar ignores a cookie over 4096 bytes of name and value, and attributes over 1024 bytes") {
  cookie_jar jar;
  const auto a = url::parse("http://a.test/app/login");
  const cookie_jar::clock::time_point now = oct_21_2015;
  jar.store(a, "n=" + std::string(4095, 'v') + "; Path=/", now);  // 4096 bytes: kept
  CHECK(jar.get(a, "n", now) == std::string(4095, 'v'));
  jar.store(a, "n=" + std::string(4096, 'w') + "; Path=/", now);  // 4097 bytes: ignored, n stays
  CHECK(jar.get(a, "n", now) == std::string(4095, 'v'));
  jar.store(a, std::string(4097, 'k') + "=", now);
  CHECK(jar.size() == 1);
  // A Path of 1025 bytes is ignored, so the default path (/app) applies; 1024 bytes are kept.
  jar.store(a, "p=1; Path=/" + std::string(1024, 'x'), now);
  CHECK(jar.get(url::parse("http://a.test/app/x"), "p", now) == "1");
  jar.store(a, "q=1; Path=/" + std::string(1023, 'x'), now);
  CHECK_FALSE(jar.get(url::parse("http://a.test/app/x"), "q", now));
  CHECK(jar.get(url::parse("http://a.test/" + std::string(1023, 'x')), "q", now) == "1");
}

TEST_CASE("cookie_jar keeps 50 cookies per domain and evicts the one stored or sent least recently") {
  cookie_jar jar;
  const auto a = url::parse("http://a.test/");
  const cookie_jar::clock::time_point now = oct_21_2015;
  REQUIRE(cookie_jar::max_cookies_per_domain == 50);
  jar.store(url::parse("http://b.test/"), "other=1", now);
  jar.store(a, "c0=0; Path=/keep", now);
  for (std::size_t i = 1; i < 50; ++i) jar.store(a, numbered("c", i) + "=1; Path=/", now);
  REQUIRE(jar.size() == 51);
  CHECK(jar.cookie_header(url::parse("http://a.test/keep"), now).starts_with("c0=0; c1=1"));  // uses all 50
  CHECK(jar.cookie_header(url::parse("http://a.test/keep"), now).starts_with("c0=0; c1=1"));
  // Sending to / uses c1 ... c49 but not c0, which is now the least recently used.
  CHECK(jar.cookie_header(a, now).starts_with("c1=1; c2=1"));
  jar.store(a, "c50=1; Path=/", now);
  CHECK(jar.size() == 51);
  CHECK_FALSE(jar.get(url::parse("http://a.test/keep"), "c0", now));
  // Storing again counts as a use: c1 is replaced, so c2 goes next.
  jar.store(a, "c1=2; Path=/", now);
  jar.store(a, "c51=1; Path=/", now);
  CHECK(jar.get(a, "c1", now) == "2");
  CHECK_FALSE(jar.get(a, "c2", now));
  CHECK(jar.get(a, "c3", now) == "1");
  CHECK(jar.get(a, "c51", now) == "1");
  CHECK(jar.size() == 51);
  CHECK(jar.get(url::parse("http://b.test/"), "other", now) == "1");  // another domain is untouched
  // The cookies are sent in the order they were stored; a replaced one counts as stored anew.
  const auto header = jar.cookie_header(a, now);
  CHECK(header.starts_with("c3=1; c4=1"));
  CHECK(header.ends_with("c49=1; c50=1; c1=2; c51=1"));
}

TEST_CASE("cookie_jar evicts expired cookies before the least recently used") {
  cookie_jar jar;
  const auto a = url::parse("http://a.test/");
  const cookie_jar::clock::time_point now = oct_21_2015;
  for (std::size_t i = 0; i < 50; ++i) jar.store(a, numbered("c", i) + (i == 30 ? "=1; Max-Age=10" : "=1"), now);
  jar.store(a, "late=1", now + 20s);
  CHECK(jar.size() == 50);
  CHECK(jar.get(a, "c0", now + 20s) == "1");
  CHECK_FALSE(jar.get(a, "c30", now));  // gone for good, not only hidden by its expiry
}

TEST_CASE("cookie_jar keeps 3000 cookies in all and evicts the one stored or sent least recently") {
  cookie_jar jar;
  const cookie_jar::clock::time_point now = oct_21_2015;
  REQUIRE(cookie_jar::max_cookies == 3000);
  const auto host = [](std::size_t d) { return url::parse(numbered("http://d", d) + ".test/"); };
  for (std::size_t d = 0; d < 60; ++d) {
    for (std::size_t i = 0; i < 50; ++i) jar.store(host(d), numbered("c", i) + "=1", now);
  }
  REQUIRE(jar.size() == 3000);
  CHECK_FALSE(jar.cookie_header(host(0), now).empty());  // d0's cookies are used: d1's c0 is the oldest
  jar.store(host(60), "new=1", now);
  CHECK(jar.size() == 3000);
  CHECK(jar.get(host(0), "c0", now) == "1");
  CHECK_FALSE(jar.get(host(1), "c0", now));
  CHECK(jar.get(host(1), "c1", now) == "1");
  CHECK(jar.get(host(60), "new", now) == "1");
  jar.store(host(60), "newer=1", now);
  CHECK_FALSE(jar.get(host(1), "c1", now));
  CHECK(jar.size() == 3000);
}

TEST_CASE("cookie_jar keeps the Cookie header bounded after a response with 45,000 Set-Cookie fields") {
  cookie_jar jar;
  const auto a = url::parse("http://www.a.test/");
  const cookie_jar::clock::time_point now = oct_21_2015;
  for (std::size_t i = 0; i < 45'000; ++i) jar.store(a, numbered("k", i) + "=" + numbered("v", i), now);
  CHECK(jar.size() == 50);
  std::string want;
  for (std::size_t i = 45'000 - 50; i < 45'000; ++i) want += numbered("k", i) + "=" + numbered("v", i) + "; ";
  want.resize(want.size() - 2);
  CHECK(jar.cookie_header(a, now) == want);
  // A host may set cookies for itself and each parent domain: 50 for each, no more.
  for (std::size_t i = 0; i < 45'000; ++i) {
    const char* domain[] = {"", "; Domain=a.test", "; Domain=test"};
    jar.store(a, numbered("k", i) + "=1" + domain[i % 3], now);
  }
  CHECK(jar.size() == 150);
  const auto header = jar.cookie_header(a, now);
  CHECK(std::count(header.begin(), header.end(), '=') == 150);
  CHECK(header.size() < 150 * 16);
}
