// Tests of the llhttp response parser wrapper: byte-at-a-time feeding, bodies, limits, junk.
#include <stampede/http/detail/response_parser.hpp>

#include "support/catch_compat.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace {

using stampede::http::error_kind;
using stampede::http::headers;
using stampede::http::detail::response_parser;

struct parsed {
  headers h;
  stampede::http::detail::recycled_string body;
  std::size_t consumed = 0;
};

// Feeds `text` in pieces of `step` bytes (0: all at once) until the parser stops.
parsed parse(response_parser& p, std::string_view text, std::size_t step, bool head = false,
             response_parser::limits lim = {}, bool eof = false) {
  parsed out;
  p.start(head, true, lim, &out.h, &out.body);
  std::size_t at = 0;
  while (at < text.size() && !p.complete() && !p.failed()) {
    const auto n = step == 0 ? text.size() - at : std::min(step, text.size() - at);
    const auto used = p.feed(text.substr(at, n));
    at += used;
    if (used < n) break;
  }
  if (eof && !p.complete() && !p.failed()) p.finish();
  out.consumed = at;
  return out;
}

constexpr std::string_view simple = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Many:  a b  \r\nContent-Length: 5\r\n\r\nhello";
constexpr std::string_view chunked =
    "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nTrailer: t\r\n\r\n";

}  // namespace

TEST_CASE("response_parser parses a response split at every byte boundary") {
  for (const auto text : {simple, chunked}) {
    for (std::size_t step = 1; step <= text.size(); ++step) {
      response_parser p;
      const auto out = parse(p, text, step);
      INFO("step " << step);
      REQUIRE(p.complete());
      CHECK(out.consumed == text.size());
      CHECK(p.keep_alive());
      CHECK(p.protocol() == "HTTP/1.1");
      if (text == simple) {
        CHECK(p.status() == 200);
        CHECK(out.body == "hello");
        CHECK(out.h.get("content-type") == "text/plain");
        CHECK(out.h.get("x-many") == "a b");
        CHECK(out.h.size() == 3);
      } else {
        CHECK(p.status() == 201);
        CHECK(out.body == "hello, world");
        CHECK(out.h.get("X-A") == "1");
      }
    }
  }
}

TEST_CASE("response_parser stops at the end of a response and leaves what follows") {
  response_parser p;
  const std::string text = std::string{simple} + "HTTP/1.1 204 No Content\r\n\r\n";
  const auto out = parse(p, text, 0);
  REQUIRE(p.complete());
  CHECK(out.consumed == simple.size());
  CHECK(out.body == "hello");
}

TEST_CASE("response_parser skips 1xx interim responses") {
  response_parser p;
  const std::string text = "HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" +
                           std::string{simple};
  for (std::size_t step : {std::size_t{0}, std::size_t{1}, std::size_t{7}}) {
    const auto out = parse(p, text, step);
    REQUIRE(p.complete());
    CHECK(p.status() == 200);
    CHECK(out.body == "hello");
    CHECK_FALSE(out.h.contains("x-interim"));
    CHECK_FALSE(out.h.contains("link"));
    CHECK(out.consumed == text.size());
  }
}

namespace {

// What a parse ended with, to compare the outcomes of different splits of the same bytes.
struct outcome {
  response_parser::state state{};
  error_kind failure{};
  int status = 0;
  bool keep_alive = false;
  std::string headers;  // "name: value\n" for each field, in order
  std::string body;
  std::size_t consumed = 0;
  friend bool operator==(const outcome&, const outcome&) = default;
};

// Feeds `text` as the pieces that start at each offset in `cuts` (after 0), then EOF.
outcome parse_pieces(std::string_view text, const std::vector<std::size_t>& cuts) {
  response_parser p;
  parsed out;
  p.start(false, true, {}, &out.h, &out.body);
  std::size_t at = 0;
  for (std::size_t i = 0; i <= cuts.size() && !p.complete() && !p.failed(); ++i) {
    const std::size_t to = i < cuts.size() ? cuts[i] : text.size();
    if (to <= at) continue;
    const auto used = p.feed(text.substr(at, to - at));
    at += used;
    if (at < to) break;
  }
  if (!p.complete() && !p.failed()) p.finish();
  outcome o{p.current(), p.failure(), p.status(), p.keep_alive(), {}, std::string{out.body.data(), out.body.size()}, at};
  for (const auto& [name, value] : out.h) o.headers.append(name).append(": ").append(value).append("\n");
  return o;
}

std::string describe(const outcome& o) {
  return "state " + std::to_string(static_cast<int>(o.state)) + ", failure " + std::to_string(static_cast<int>(o.failure)) +
         ", status " + std::to_string(o.status) + ", keep-alive " + std::to_string(o.keep_alive) + ", consumed " +
         std::to_string(o.consumed) + ", headers [" + o.headers + "], body [" + o.body + "]";
}

// The outcome of feeding `text` whole; checks that every split at one point and 1-byte
// pieces give the same outcome.
outcome parse_every_split(std::string_view text) {
  const outcome whole = parse_pieces(text, {});
  for (std::size_t cut = 1; cut < text.size(); ++cut) {
    const auto split = parse_pieces(text, {cut});
    INFO("split at " << cut << ": " << describe(split) << "; whole: " << describe(whole));
    CHECK(split == whole);
  }
  std::vector<std::size_t> bytes(text.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = i + 1;
  const auto bytewise = parse_pieces(text, bytes);
  INFO("1-byte pieces: " << describe(bytewise) << "; whole: " << describe(whole));
  CHECK(bytewise == whole);
  return whole;
}

}  // namespace

TEST_CASE("response_parser reads the final response after a 1xx that llhttp takes as the last") {
  const std::string final_200 = "HTTP/1.1 200 OK\r\nX-Final: yes\r\nContent-Length: 5\r\n\r\nhello";
  struct row {
    std::string text;
    bool keep_alive;  // of the connection after the final response
  };
  const row rows[] = {
      // A 1xx on HTTP/1.0: the final response decides about the connection (RFC 9112 9.3).
      {"HTTP/1.0 100 Continue\r\n\r\n" + final_200, true},
      // Connection: close in a 1xx: the final response is read, then the connection is closed.
      {"HTTP/1.1 100 Continue\r\nConnection: close\r\n\r\n" + final_200, false},
      {"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.0 100 Continue\r\n\r\n"
       "HTTP/1.1 102 Processing\r\nConnection: close\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n" +
           final_200,
       false},
      {"HTTP/1.0 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nX-Final: yes\r\nConnection: close\r\n"
       "Content-Length: 5\r\n\r\nhello",
       false},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    const auto whole = parse_every_split(r.text);
    CHECK(whole.state == response_parser::state::complete);
    CHECK(whole.status == 200);
    CHECK(whole.body == "hello");
    CHECK(whole.headers.find("X-Final: yes\n") == 0);
    CHECK(whole.headers.find("Link") == std::string::npos);
    CHECK(whole.consumed == r.text.size());
    CHECK(whole.keep_alive == r.keep_alive);
  }
}

TEST_CASE("response_parser reports a close after a 1xx as a close before the response") {
  const auto o = parse_every_split("HTTP/1.1 100 Continue\r\nConnection: close\r\n\r\n");
  CHECK(o.state == response_parser::state::failed);
  CHECK(o.failure == error_kind::closed);
  CHECK(o.status == 0);
}

TEST_CASE("response_parser takes bytes after a 1xx as the final response begun, however they are split") {
  // Found by tests/fuzz/response_parser.cpp: blank lines in the 1xx's own piece left the
  // parser idle, in a piece of their own in progress (so a close read differently).
  const std::string text = "HTTP/1.1 100 Continue\r\n\r\n\r\n";
  for (std::size_t cut = 1; cut <= text.size(); ++cut) {
    INFO("first piece: " << cut << " bytes");
    response_parser p;
    parsed out;
    p.start(false, true, {}, &out.h, &out.body);
    CHECK(p.feed(std::string_view{text}.substr(0, cut)) == cut);
    if (cut < text.size()) CHECK(p.feed(std::string_view{text}.substr(cut)) == text.size() - cut);
    CHECK(p.current() == response_parser::state::in_progress);
  }
}

TEST_CASE("response_parser bounds a storm of 1xx responses by count and by header bytes together") {
  std::string interim;
  for (int i = 0; i < response_parser::max_interim_responses; ++i) interim += "HTTP/1.1 100 \r\n\r\n";
  response_parser p;
  auto out = parse(p, interim + std::string{simple}, 0);
  REQUIRE(p.complete());  // as many as allowed, then the final response
  CHECK(out.body == "hello");

  const auto storm = interim + "HTTP/1.1 100 \r\n\r\n" + std::string{simple};
  for (std::size_t step : {std::size_t{0}, std::size_t{3}}) {
    out = parse(p, storm, step);
    REQUIRE(p.failed());
    CHECK(p.failure() == error_kind::protocol);
    CHECK(p.failure_message() == "invalid HTTP response: more than 100 interim (1xx) responses");
  }

  // Each part is under the limit; the 1xx and the final response together are over it.
  const response_parser::limits lim{.max_header_bytes = 60};
  const std::string header_30 = "X-Pad: " + std::string(25, 'a') + "\r\n";
  parse(p, "HTTP/1.1 200 OK\r\n" + header_30 + "Content-Length: 0\r\n\r\n", 0, false, lim);
  CHECK(p.complete());
  parse(p, "HTTP/1.1 103 Early Hints\r\n" + header_30 + "\r\nHTTP/1.1 200 OK\r\n" + header_30 + "Content-Length: 0\r\n\r\n",
        0, false, lim);
  REQUIRE(p.failed());
  CHECK(p.failure() == error_kind::too_large);
}

TEST_CASE("response_parser rejects a status line without a three-digit code, however it is split") {
  for (const std::string_view text :
       {"HTTP/1.1 \r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 099 OK\r\nContent-Length: 0\r\n\r\n"}) {
    INFO(text);
    const auto o = parse_every_split(text);
    CHECK(o.state == response_parser::state::failed);
    CHECK(o.failure == error_kind::protocol);
    CHECK(o.status == 0);
    response_parser p;
    parse(p, text, 0);
    CHECK(p.failure_message().find("invalid HTTP response: HPE_INVALID_STATUS") == 0);
  }
}

TEST_CASE("response_parser knows that HEAD, 204 and 304 responses have no body") {
  response_parser p;
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
  auto out = parse(p, head + "HTTP/1.1 200 OK\r\n", 0, /*head=*/true);
  REQUIRE(p.complete());
  CHECK(out.consumed == head.size());
  CHECK(out.body.empty());
  for (const std::string_view text : {std::string_view{"HTTP/1.1 204 No Content\r\n\r\n"},
                                      std::string_view{"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n"}}) {
    out = parse(p, text, 0);
    REQUIRE(p.complete());
    CHECK(out.consumed == text.size());
    CHECK(out.body.empty());
  }
}

TEST_CASE("response_parser reads an HTTP/1.0 body until the connection closes") {
  response_parser p;
  const std::string_view text = "HTTP/1.0 200 OK\r\nServer: old\r\n\r\nall of this";
  for (std::size_t step : {std::size_t{0}, std::size_t{1}}) {
    const auto out = parse(p, text, step, false, {}, /*eof=*/true);
    REQUIRE(p.complete());
    CHECK(out.body == "all of this");
    CHECK(p.protocol() == "HTTP/1.0");
    CHECK_FALSE(p.keep_alive());
  }
}

TEST_CASE("response_parser honours Connection: close") {
  response_parser p;
  parse(p, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 0);
  REQUIRE(p.complete());
  CHECK_FALSE(p.keep_alive());
}

TEST_CASE("response_parser classifies an early close") {
  response_parser p;
  parse(p, "", 0, false, {}, true);
  CHECK(p.failure() == error_kind::closed);
  parse(p, "HTTP/1.1 200 OK\r\nContent-Le", 0, false, {}, true);
  CHECK(p.failure() == error_kind::closed);
  parse(p, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0, false, {}, true);
  CHECK(p.failure() == error_kind::closed);
  parse(p, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", 0, false, {}, true);
  CHECK(p.failure() == error_kind::closed);
}

TEST_CASE("response_parser rejects malformed responses as protocol errors") {
  const std::string_view bad[] = {
      "HELLO\r\n\r\n",
      "HTTP/1.1 2x0 OK\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
      "\x01\x02\x03\xff\xfe binary junk",
  };
  for (const auto text : bad) {
    response_parser p;
    INFO(text);
    parse(p, text, 0, false, {}, true);
    CHECK(p.failed());
    CHECK(p.failure() == error_kind::protocol);
    CHECK_FALSE(p.failure_message().empty());
  }
}

TEST_CASE("response_parser enforces the header and body limits") {
  response_parser p;
  const response_parser::limits lim{.max_header_bytes = 64, .max_body_bytes = 10};
  parse(p, "HTTP/1.1 200 OK\r\nX-Big: " + std::string(100, 'a') + "\r\n\r\n", 1, false, lim);
  CHECK(p.failure() == error_kind::too_large);
  CHECK(p.failure_message().find("headers") != std::string::npos);
  parse(p, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world", 0, false, lim);
  CHECK(p.failure() == error_kind::too_large);
  CHECK(p.failure_message().find("body") != std::string::npos);
  parse(p, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhelloworld", 0, false, lim);
  CHECK(p.complete());
}

TEST_CASE("response_parser counts a discarded body without keeping it") {
  response_parser p;
  parsed out;
  p.start(false, false, {}, &out.h, &out.body);
  CHECK(p.feed(simple) == simple.size());
  REQUIRE(p.complete());
  CHECK(out.body.empty());
  CHECK(p.body_bytes() == 5);
}
