// Fuzzes the HTTP client's response parser (llhttp with stampede's limits, 1xx skipping and
// HEAD handling), fed one response whole and then in pieces. The first byte holds options (a
// HEAD request, the connection closing after the bytes, small limits), the second the size of
// the pieces, the next four where four cuts go; the rest is the response. Oracle: the same
// outcome however the bytes arrive — state (idle and in progress alike), status, failure kind
// (a malformed response over a limit may fail as either), keep-alive, how many bytes the
// response took, and for a complete response its headers and body.
#include "fuzz_support.hpp"

#include <stampede/http/detail/response_parser.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace sp = stampede;
using sp::http::detail::response_parser;

namespace {

struct outcome {
  response_parser::state state = response_parser::state::idle;
  int status = 0;
  sp::http::headers headers;
  sp::http::detail::recycled_string body;
  sp::http::error_kind failure = sp::http::error_kind::none;
  bool keep_alive = false;
  std::size_t consumed = 0;

  [[nodiscard]] std::string show() const {
    return "state " + std::to_string(static_cast<int>(state)) + ", status " + std::to_string(status) + ", " +
           std::to_string(headers.size()) + " headers, body " + std::to_string(body.size()) + " bytes, failure " +
           std::to_string(static_cast<int>(failure)) + ", keep-alive " + std::to_string(keep_alive) + ", consumed " +
           std::to_string(consumed);
  }
};

struct options {
  bool head = false;
  bool closed = false;  // the server closes the connection after the last byte
  response_parser::limits limits{};
};

// Feeds `text` cut at `cuts` (ascending positions within it), as the connection does: until
// the parser stops or a piece is not used up.
outcome parse(std::string_view text, const std::vector<std::size_t>& cuts, const options& opt) {
  outcome out;
  response_parser p;
  p.start(opt.head, true, opt.limits, &out.headers, &out.body);
  std::size_t at = 0;
  for (std::size_t i = 0; i <= cuts.size() && at < text.size() && !p.complete() && !p.failed(); ++i) {
    const std::size_t end = i < cuts.size() ? std::max(cuts[i], at) : text.size();
    if (end == at) continue;
    const auto n = end - at;
    const auto used = p.feed(text.substr(at, n));
    at += used;
    if (used < n) break;
  }
  if (opt.closed && !p.complete() && !p.failed()) p.finish();
  out.state = p.current();
  out.status = p.status();
  out.failure = p.failure();
  if (p.complete()) {
    out.keep_alive = p.keep_alive();
    out.consumed = at;
  }
  return out;
}

// The headers and body of a response that failed are what arrived before the failure: a body
// over its limit is refused at the piece that crosses it, so they are compared only when the
// response completed. And a response both malformed and over a limit fails as either,
// depending on where the bytes are cut: llhttp reports a header's bytes when their piece
// ends, so the limit can trip before the bad byte is seen.
bool same_failure(sp::http::error_kind a, sp::http::error_kind b) {
  using sp::http::error_kind;
  const auto rejected = [](error_kind k) { return k == error_kind::protocol || k == error_kind::too_large; };
  return a == b || (rejected(a) && rejected(b));
}

bool same(const outcome& a, const outcome& b) {
  const bool parts_same = a.state != response_parser::state::complete || (a.headers == b.headers && a.body == b.body);
  return a.state == b.state && a.status == b.status && parts_same && same_failure(a.failure, b.failure) &&
         a.keep_alive == b.keep_alive && a.consumed == b.consumed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t prefix = 6;
  if (size < prefix) return 0;
  options opt;
  opt.head = (data[0] & 1) != 0;
  opt.closed = (data[0] & 2) != 0;
  if ((data[0] & 4) != 0) opt.limits = {.max_header_bytes = 64, .max_body_bytes = 32};
  const std::size_t step = 1 + data[1] % 16u;
  const auto text = sp::fuzz::text(data + prefix, size - prefix);

  const auto whole = parse(text, {}, opt);

  std::vector<std::size_t> steps;
  for (std::size_t at = step; at < text.size(); at += step) steps.push_back(at);
  const auto in_steps = parse(text, steps, opt);
  sp::fuzz::require(same(whole, in_steps), "pieces of a few bytes parse as the whole", whole.show(), in_steps.show());

  std::vector<std::size_t> cuts;
  for (std::size_t i = 2; i < prefix; ++i) cuts.push_back(text.empty() ? 0 : data[i] * text.size() / 256);
  std::sort(cuts.begin(), cuts.end());
  const auto in_cuts = parse(text, cuts, opt);
  sp::fuzz::require(same(whole, in_cuts), "pieces cut anywhere parse as the whole", whole.show(), in_cuts.show());
  return 0;
}
