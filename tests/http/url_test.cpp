// Tests of http::url: parsing from tables, errors that name the problem, query building, redirects.
#include <stampede/http/url.hpp>

#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"

#include <string>
#include <string_view>

namespace {
using stampede::http::url;
}

TEST_CASE("url parses the parts of absolute http and https URLs") {
  struct row {
    std::string_view text, host, authority, target, path;
    std::uint16_t port;
    bool https;
  };
  const row rows[] = {
      {"http://example.com", "example.com", "example.com", "/", "/", 80, false},
      {"http://example.com/", "example.com", "example.com", "/", "/", 80, false},
      {"HTTP://Example.com:8080/a/b?x=1&y=2", "Example.com", "Example.com:8080", "/a/b?x=1&y=2", "/a/b", 8080, false},
      {"https://127.0.0.1/api", "127.0.0.1", "127.0.0.1", "/api", "/api", 443, true},
      {"https://127.0.0.1:443/api", "127.0.0.1", "127.0.0.1", "/api", "/api", 443, true},
      {"http://[::1]:8080/x", "::1", "[::1]:8080", "/x", "/x", 8080, false},
      {"http://[::1]/x", "::1", "[::1]", "/x", "/x", 80, false},
      {"http://h?q=1", "h", "h", "/?q=1", "/", 80, false},
      {"http://h/p#fragment", "h", "h", "/p", "/p", 80, false},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    const auto u = url::parse(std::string{r.text});
    CHECK(u.host() == r.host);
    CHECK(u.authority() == r.authority);
    CHECK(u.target() == r.target);
    CHECK(u.path() == r.path);
    CHECK(u.port() == r.port);
    CHECK(u.is_https() == r.https);
    CHECK(u.scheme() == (r.https ? "https" : "http"));
  }
}

TEST_CASE("url takes a known URL's parse for the same text and parses any other") {
  for (const std::string_view text : {"http://example.com", "HTTP://Example.com:8080/a/b?x=1&y=2", "https://127.0.0.1/api",
                                      "http://[::1]:8080/x", "http://h?q=1", "http://h/p#fragment"}) {
    INFO(text);
    const auto known = url::parse(std::string{text});
    const auto again = url::parse(std::string{text}, known);
    CHECK(again == known);
    CHECK(again.host() == known.host());
    CHECK(again.authority() == known.authority());
    CHECK(again.target() == known.target());
    CHECK(again.path() == known.path());
    CHECK(again.port() == known.port());
    CHECK(again.is_https() == known.is_https());

    const auto other = url::parse("https://other.example:8443/z?k=v", known);
    CHECK(other.host() == "other.example");
    CHECK(other.authority() == "other.example:8443");
    CHECK(other.target() == "/z?k=v");
    CHECK(other.port() == 8443);
    CHECK(other.is_https());
    CHECK_THROWS_AS(url::parse("ftp://h/", known), stampede::usage_error);
  }
  const auto fresh = url::parse("http://h:1/x", url{});  // an empty known URL matches nothing
  CHECK(fresh.port() == 1);
  CHECK(fresh.path() == "/x");
}

TEST_CASE("url rejects unusable URLs with a message naming the problem") {
  const std::pair<std::string_view, std::string_view> rows[] = {
      {"", "empty"},
      {"example.com/x", "no scheme"},
      {"://example.com", "no scheme"},
      {"ftp://example.com/", "unsupported scheme \"ftp\""},
      {"http://", "no host"},
      {"http:///path", "no host"},
      {"http://:80/", "no host"},
      {"http://h:0/", "bad port"},
      {"http://h:65536/", "bad port"},
      {"http://h:8x/", "bad port"},
      {"http://h:-1/", "bad port"},
      {"http://h/a b", "space"},
      {"http://h/a\r\nHost: evil", "control character"},
      {"http://h\t/", "control character"},
      {"http://user:pw@h/", "credentials"},
      {"http://[::1/", "closing ]"},
      {"http://h%2f/", "character '%'"},
  };
  for (const auto& [text, problem] : rows) {
    INFO(text);
    try {
      (void)url::parse(std::string{text});
      FAIL("no usage_error");
    } catch (const stampede::usage_error& e) {
      const std::string_view what = e.what();
      CHECK(what.find(problem) != std::string_view::npos);
      CHECK(what.starts_with("invalid URL"));
    }
  }
}

TEST_CASE("url appends percent-encoded query parameters") {
  const auto base = url::parse("http://h/search");
  CHECK(base.with_query({{"q", "milk & eggs"}, {"n", "1"}}).str() == "http://h/search?q=milk%20%26%20eggs&n=1");
  CHECK(url::parse("http://h/s?a=1").with_query({{"b", "2"}}).str() == "http://h/s?a=1&b=2");
  CHECK(url::parse("http://h/s?").with_query({{"b", "2"}}).str() == "http://h/s?b=2");
  CHECK(base.with_query({{"ü/=?#", "~-._"}}).str() == "http://h/search?%C3%BC%2F%3D%3F%23=~-._");
  CHECK(base.with_query({}).str() == "http://h/search");
  CHECK(stampede::http::percent_encode("a b&c") == "a%20b%26c");
}

TEST_CASE("url appends query parameters after the path, whatever the path and query end with") {
  const struct {
    std::string_view given, expected, path;
  } rows[] = {
      {"http://h/p", "http://h/p?a=1&b=x%26y", "/p"},
      {"http://h", "http://h/?a=1&b=x%26y", "/"},
      {"http://h/p?", "http://h/p?a=1&b=x%26y", "/p"},
      {"http://h/p?q=1", "http://h/p?q=1&a=1&b=x%26y", "/p"},
      {"http://h/p?q=1&", "http://h/p?q=1&a=1&b=x%26y", "/p"},
      {"http://h/p&", "http://h/p&?a=1&b=x%26y", "/p&"},
      {"http://h/a&b/c&", "http://h/a&b/c&?a=1&b=x%26y", "/a&b/c&"},
      {"http://h:8080/p&", "http://h:8080/p&?a=1&b=x%26y", "/p&"},
      {"http://h/p&?", "http://h/p&?a=1&b=x%26y", "/p&"},
      {"http://h/p&#frag", "http://h/p&?a=1&b=x%26y", "/p&"},
      {"http://h/p?q=a&b#frag&", "http://h/p?q=a&b&a=1&b=x%26y", "/p"},
  };
  for (const auto& r : rows) {
    INFO(r.given);
    const auto u = url::parse(std::string{r.given}).with_query({{"a", "1"}, {"b", "x&y"}});
    CHECK(u.str() == r.expected);
    CHECK(u.path() == r.path);
  }
}

TEST_CASE("url resolves Location references against itself") {
  const auto base = url::parse("http://h:8080/a/b/c?x=1");
  CHECK(base.resolve("http://other/z").str() == "http://other/z");
  CHECK(base.resolve("//other:9/z").str() == "http://other:9/z");
  CHECK(base.resolve("/root").str() == "http://h:8080/root");
  CHECK(base.resolve("d").str() == "http://h:8080/a/b/d");
  CHECK(base.resolve("?y=2").str() == "http://h:8080/a/b/c?y=2");
  CHECK(base.resolve("").str() == base.str());
  CHECK_THROWS_AS(base.resolve("ftp://x/"), stampede::usage_error);
}

TEST_CASE("same_origin compares scheme, host without case, and port with defaults") {
  using stampede::http::same_origin;
  struct row {
    std::string_view a, b;
    bool same;
  };
  const row rows[] = {
      {"http://a.test/x", "http://a.test/y?z", true},
      {"http://a.test/", "http://A.TEST:80/", true},
      {"https://a.test/", "https://a.test:443/", true},
      {"http://[::1]:8080/", "http://[::1]:8080/p", true},
      {"http://a.test/", "https://a.test/", false},
      {"http://a.test:8080/", "http://a.test:8081/", false},
      {"http://a.test/", "http://b.a.test/", false},
      {"http://127.0.0.1/", "http://localhost/", false},
  };
  for (const auto& r : rows) {
    INFO(r.a << " vs " << r.b);
    CHECK(same_origin(url::parse(std::string{r.a}), url::parse(std::string{r.b})) == r.same);
    CHECK(same_origin(url::parse(std::string{r.b}), url::parse(std::string{r.a})) == r.same);
  }
}
