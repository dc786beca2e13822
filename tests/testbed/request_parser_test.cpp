// Tests of the testbed server's request reader: pipelining, bodies, limits, keep-alive.
#include <stampede/testbed/detail/request_parser.hpp>

#include "support/catch_compat.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
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

TEST_CASE("request_parser keeps a WebSocket upgrade's fields, joined when repeated, and stops before its frames") {
  const std::string upgrade =
      "GET /chat HTTP/1.1\r\nHost: x\r\nupgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSEC-WEBSOCKET-VERSION: 13\r\n"
      "Sec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Protocol: v2\r\nX-Other: kept only as a count\r\n\r\n";
  const std::string frames = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";  // what follows the request
  for (const std::size_t step : {std::size_t{1}, std::size_t{5}, upgrade.size() + frames.size()}) {
    INFO("reads of " << step << " bytes");
    parser p{8192, 1024};
    const std::string input = upgrade + frames;
    std::size_t at = 0;
    parser::result r;
    for (; at < input.size(); at += std::min(step, input.size() - at)) {
      r = p.feed(std::string_view{input}.substr(at, std::min(step, input.size() - at)));
      if (r.status != state::need_more) break;
    }
    REQUIRE(r.status == state::complete);
    CHECK(at + r.consumed == upgrade.size());  // the frames are left for the session
    const auto& h = p.head();
    CHECK(h.upgrade);
    CHECK_FALSE(h.keep_alive);
    CHECK(h.fields.upgrade == "websocket");
    CHECK(h.fields.connection == "keep-alive, Upgrade");
    CHECK(h.fields.key == "dGhlIHNhbXBsZSBub25jZQ==");
    CHECK(h.fields.version == "13");
    CHECK(h.fields.protocol == "chat, superchat, v2");
  }
  // The next request starts with none of them.
  const auto out = parse("GET /a HTTP/1.1\r\nSec-WebSocket-Key: k\r\n\r\nGET /b HTTP/1.1\r\n\r\n");
  REQUIRE(out.requests.size() == 2);
  CHECK(out.requests[0].fields.key == "k");
  CHECK_FALSE(out.requests[0].upgrade);  // no Connection: upgrade nor Upgrade
  CHECK(out.requests[1].fields.key.empty());
}

TEST_CASE("request_parser keeps the bodies its filter asks for, and counts the others") {
  parser p{8192, 1024};
  p.keep_bodies_if([](const stampede::testbed::detail::request_head& h) { return h.target == "/keep"; });
  const std::string input = "POST /keep HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
                            "POST /drop HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
                            "POST /keep HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
  std::string_view rest = input;
  std::vector<std::pair<std::string, std::uint64_t>> bodies;
  while (!rest.empty()) {
    const auto r = p.feed(rest);
    REQUIRE(r.status == state::complete);
    bodies.emplace_back(p.head().body, p.head().body_bytes);
    rest.remove_prefix(r.consumed);
    p.next();
  }
  CHECK(bodies == std::vector<std::pair<std::string, std::uint64_t>>{{"hello", 5}, {"", 3}, {"abcde", 5}});
}
