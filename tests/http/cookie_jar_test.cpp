// Tests of http::cookie_jar: domains, paths, Secure, Expires and Max-Age, cookie dates.
#include <stampede/http/cookie_jar.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
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
