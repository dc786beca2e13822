// Fuzzes the WebSocket decoder (frames from the server, joined into messages), fed the bytes
// whole and then in pieces. The first byte holds options (a 16-byte message limit), the second
// the size of the pieces, the next four where four cuts go; the rest is the bytes. Oracle: the
// same messages, control frames and outcome (failure code, or where the bytes ended) however
// the bytes arrive.
#include "fuzz_support.hpp"

#include "../ws/support.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace sp = stampede;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t prefix = 6;
  if (size < prefix) return 0;
  sp::ws::detail::frame_decoder::limits limits{};
  if ((data[0] & 1) != 0) limits.max_message_bytes = 16;
  const std::size_t step = 1 + data[1] % 16u;
  const auto bytes = sp::fuzz::text(data + prefix, size - prefix);

  const auto whole = sp::ws::test::decode_trace(bytes, {}, limits);

  std::vector<std::size_t> steps;
  for (std::size_t at = step; at < bytes.size(); at += step) steps.push_back(at);
  const auto in_steps = sp::ws::test::decode_trace(bytes, steps, limits);
  sp::fuzz::require(whole == in_steps, "pieces of a few bytes decode as the whole", whole, in_steps);

  std::vector<std::size_t> cuts;
  for (std::size_t i = 2; i < prefix; ++i) cuts.push_back(data[i] * bytes.size() / 256);
  std::sort(cuts.begin(), cuts.end());
  const auto in_cuts = sp::ws::test::decode_trace(bytes, cuts, limits);
  sp::fuzz::require(whole == in_cuts, "pieces cut anywhere decode as the whole", whole, in_cuts);
  return 0;
}
