// Fuzzes http::cookie_jar: Set-Cookie values stored from a response, then the Cookie header
// for requests at a fixed time. The input's first line is the URL the response came from
// (a fixed one when it does not parse), the next a number of seconds that pass before the
// requests, the rest one Set-Cookie value each. Oracles: the jar keeps its bounds, and a
// Cookie header holds no more than the jar's cookies, each within its size bound.
#include "fuzz_support.hpp"

#include <stampede/core/error.hpp>
#include <stampede/http/cookie_jar.hpp>
#include <stampede/http/url.hpp>

#include <chrono>
#include <string>

namespace sp = stampede;
using sp::http::cookie_jar;
using sp::http::url;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto lines = sp::fuzz::split(sp::fuzz::text(data, size), '\n');
  url from;
  std::string problem;
  if (!url::try_parse(std::string{lines[0]}, from, problem)) from = url::parse("http://www.example.com/shop/cart");

  using namespace std::chrono;
  const cookie_jar::clock::time_point now{sys_days{year{2026} / 12 / 7}};
  seconds later{0};
  if (lines.size() > 1) {
    for (const char c : lines[1].substr(0, 9)) later = later * 10 + seconds{static_cast<unsigned char>(c) % 10u};
  }

  cookie_jar jar;
  for (std::size_t i = 2; i < lines.size(); ++i) {
    (void)sp::http::parse_cookie_date(lines[i]);
    jar.store(from, lines[i], now);
    sp::fuzz::require(jar.size() <= cookie_jar::max_cookies, "the jar keeps at most max_cookies", lines[i]);
  }
  for (const auto* target : {"/", "/shop/cart/item", "?q=1", "//example.com/", "https://www.example.com/shop"}) {
    url to;
    try {
      to = from.resolve(target);
    } catch (const sp::usage_error&) {
      continue;
    }
    for (const auto at : {now, now + later}) {
      const auto size_before = jar.size();
      const auto header = jar.cookie_header(to, at);
      // Each pair is name=value within max_name_value_bytes, joined by "; ".
      const auto bound = size_before * (cookie_jar::max_name_value_bytes + 3);
      sp::fuzz::require(header.size() <= bound, "a Cookie header holds no more than the jar's cookies", to.str(), header);
      if (!header.empty()) {
        const auto name_end = header.find('=');
        const auto name = header.substr(0, name_end == std::string::npos ? 0 : name_end);
        (void)jar.get(to, name, at);
      }
    }
  }
  return 0;
}
