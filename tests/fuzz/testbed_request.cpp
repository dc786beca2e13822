// Fuzzes the testbed server's request reader (testbed/detail/request_parser.hpp) as its
// connection loop drives it: pipelined requests, each answered before the next is parsed, the
// connection ending at the first bad request or one that is not keep-alive. The first byte
// picks small limits and the size of the pieces the bytes arrive in; the rest is what the
// client sends. Oracle: the same requests and the same ending (any refusal counting as one)
// whether the bytes arrive at once or in pieces; and the built-in routes read any target.
#include "fuzz_support.hpp"

#include <stampede/testbed/detail/builtin_routes.hpp>
#include <stampede/testbed/detail/request_parser.hpp>

#include <string>
#include <vector>

namespace sp = stampede;
using sp::testbed::detail::request_parser;

namespace {

struct conversation {
  std::vector<sp::testbed::detail::request_head> requests;
  request_parser::state ending = request_parser::state::need_more;

  // A request that is both malformed and too large is refused as either, depending on where
  // the bytes are cut: llhttp reports a method's, target's or header's bytes when their piece
  // ends, so the size limit can trip before the bad byte is seen. Any refusal is the same
  // ending here; completing, or waiting for more, is not.
  [[nodiscard]] static bool refused(request_parser::state s) noexcept {
    return s != request_parser::state::need_more && s != request_parser::state::complete;
  }
  friend bool operator==(const conversation& a, const conversation& b) {
    const bool same_ending = a.ending == b.ending || (refused(a.ending) && refused(b.ending));
    if (!same_ending || a.requests.size() != b.requests.size()) return false;
    for (std::size_t i = 0; i < a.requests.size(); ++i) {
      const auto& x = a.requests[i];
      const auto& y = b.requests[i];
      if (x.method != y.method || x.target != y.target || x.http_major != y.http_major ||
          x.http_minor != y.http_minor || x.keep_alive != y.keep_alive || x.body_bytes != y.body_bytes) {
        return false;
      }
    }
    return true;
  }
  [[nodiscard]] std::string show() const {
    std::string out = std::to_string(requests.size()) + " requests, ending " + std::to_string(static_cast<int>(ending));
    for (const auto& r : requests) out += "; " + r.method + " " + r.target + " +" + std::to_string(r.body_bytes);
    return out;
  }
};

// The connection loop of testbed/detail/http_session.hpp, reading `bytes` in pieces of `piece`.
conversation serve(std::string_view bytes, std::size_t piece, std::size_t max_header, std::size_t max_body) {
  conversation out;
  request_parser parser{max_header, max_body};
  for (std::size_t read = 0; read < bytes.size(); read += piece) {
    auto buffer = bytes.substr(read, piece);
    while (!buffer.empty()) {
      const auto parsed = parser.feed(buffer);
      if (parsed.status == request_parser::state::need_more) break;
      if (parsed.status != request_parser::state::complete) {
        out.ending = parsed.status;
        return out;
      }
      buffer.remove_prefix(parsed.consumed);
      out.requests.push_back(parser.head());
      (void)sp::testbed::detail::parse_builtin(parser.head().target);
      parser.next();
      if (!out.requests.back().keep_alive) {
        out.ending = request_parser::state::complete;
        return out;
      }
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool small = (data[0] & 0x80) != 0;
  const std::size_t max_header = small ? 64 : 8192;
  const std::size_t max_body = small ? 16 : 1 << 20;
  const std::size_t piece = 1 + (data[0] & 0x7fu);
  const auto bytes = sp::fuzz::text(data + 1, size - 1);

  const auto whole = serve(bytes, bytes.size() + 1, max_header, max_body);
  const auto pieces = serve(bytes, piece, max_header, max_body);
  sp::fuzz::require(whole == pieces, "requests in pieces are read as the whole", whole.show(), pieces.show());
  return 0;
}
