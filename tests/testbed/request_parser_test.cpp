// Tests of the testbed server's request reader: pipelining, bodies, limits, keep-alive.
#include <stampede/testbed/detail/request_parser.hpp>

#include "support/catch_compat.hpp"

#include <string>
#include <string_view>
#include <vector>

using parser = stampede::testbed::detail::request_parser;
using state = parser::state;

namespace {

struct parsed {
  std::vector<stampede::testbed::detail::request_head> requests;
  state last = state::need_more;
};

// Feeds `input` in pieces of `step` bytes, the way reads would deliver it.
parsed parse(std::string_view input, std::size_t step = 1 << 20, std::size_t max_header = 8192,
             std::size_t max_body = 1 << 20) {
  parser p{max_header, max_body};
  parsed out;
  for (std::size_t at = 0; at < input.size();) {
    auto piece = input.substr(at, std::min(step, input.size() - at));
    for (;;) {
      const auto r = p.feed(piece);
      out.last = r.status;
      if (r.status == state::complete) {
        out.requests.push_back(p.head());
        p.next();
        piece.remove_prefix(r.consumed);
        if (piece.empty()) break;
      } else if (r.status == state::need_more) {
        break;
      } else {
        return out;
      }
    }
    at += std::min(step, input.size() - at);
  }
  return out;
}

}  // namespace

TEST_CASE("request_parser reads pipelined requests one at a time, in order, in any read sizes") {
  const std::string input =
      "GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /two?q=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
      "PUT /three HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n"
      "DELETE /four HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  for (const std::size_t step : {std::size_t{1}, std::size_t{7}, input.size()}) {
    INFO("reads of " << step << " bytes");
    const auto out = parse(input, step);
    REQUIRE(out.requests.size() == 4);
    CHECK(out.requests[0].method == "GET");
    CHECK(out.requests[0].target == "/one");
    CHECK(out.requests[0].keep_alive);
    CHECK(out.requests[1].method == "POST");
    CHECK(out.requests[1].target == "/two?q=1");
    CHECK(out.requests[1].body_bytes == 5);
    CHECK(out.requests[2].body_bytes == 7);
    CHECK(out.requests[3].method == "DELETE");
    CHECK_FALSE(out.requests[3].keep_alive);
  }
}

TEST_CASE("request_parser follows HTTP/1.0's keep-alive rules") {
  auto out = parse("GET / HTTP/1.0\r\n\r\n");
  REQUIRE(out.requests.size() == 1);
  CHECK(out.requests[0].http_minor == 0);
  CHECK_FALSE(out.requests[0].keep_alive);
  out = parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  REQUIRE(out.requests.size() == 1);
  CHECK(out.requests[0].keep_alive);
}

TEST_CASE("request_parser refuses malformed requests") {
  const char* bad[] = {
      "NOT A REQUEST\r\n\r\n",
      "GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
      "GET / HTTP/9.9\r\n\r\n",
      "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
  };
  for (const char* text : bad) {
    INFO(text);
    CHECK(parse(text).last == state::bad_request);
  }
}

TEST_CASE("request_parser stops at max_header_bytes and max_body_bytes") {
  const std::string big_header = "GET / HTTP/1.1\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n";
  CHECK(parse(big_header, 100, 1000).last == state::headers_too_large);
  CHECK(parse(big_header, 100, 4000).requests.size() == 1);
  const std::string long_target = "GET /" + std::string(2000, 'a') + " HTTP/1.1\r\n\r\n";
  CHECK(parse(long_target, 64, 1000).last == state::headers_too_large);
  // Many small headers count too.
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 200; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  CHECK(parse(many + "\r\n", 1 << 20, 1000).last == state::headers_too_large);

  const std::string body = "POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'b');
  CHECK(parse(body, 10, 8192, 99).last == state::body_too_large);
  CHECK(parse(body, 10, 8192, 100).requests.size() == 1);
  const std::string chunked = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" + std::string(64, 'c') +
                              "\r\n40\r\n" + std::string(64, 'c') + "\r\n0\r\n\r\n";
  CHECK(parse(chunked, 16, 8192, 100).last == state::body_too_large);
  CHECK(parse(chunked, 16, 8192, 128).requests.size() == 1);
}

TEST_CASE("request_parser says when a request is half read") {
  parser p{8192, 1024};
  CHECK_FALSE(p.in_message());
  CHECK(p.feed("GET / HT").status == state::need_more);
  CHECK(p.in_message());
  CHECK(p.feed("TP/1.1\r\n\r\n").status == state::complete);
  CHECK_FALSE(p.in_message());
}
