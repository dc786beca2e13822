// Fuzzes k6's execution segments (exec/segment.hpp): the input's first line is a segment
// (`1/4:1/2`), the second a sequence (`0,1/4,1/2,1`), and the third a number of elements to
// share out. Oracles: what parses prints text that parses back equal; and the parts of a
// filled sequence share any number of elements out exactly (their scaled values add up to
// the whole), each part's first elements being the whole's that fall on it.
#include "fuzz_support.hpp"

#include <stampede/core/error.hpp>
#include <stampede/exec/segment.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace sp = stampede;

namespace {

template <class T>
std::optional<T> parse_back(std::string_view text) {
  std::optional<T> parsed;
  try {
    parsed = T::parse(text);
  } catch (const sp::usage_error&) {
    return std::nullopt;
  }
  const auto printed = parsed->to_string();
  try {
    sp::fuzz::require(T::parse(printed) == *parsed, "to_string parses back equal", text, printed);
  } catch (const sp::usage_error& e) {
    sp::fuzz::require(false, "to_string parses back", printed, e.what());
  }
  return parsed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto lines = sp::fuzz::split(sp::fuzz::text(data, size), '\n');
  (void)parse_back<sp::fraction>(lines[0]);
  const auto segment = parse_back<sp::execution_segment>(lines[0]).value_or(sp::execution_segment{});
  const auto sequence =
      lines.size() > 1 ? parse_back<sp::execution_segment_sequence>(lines[1]).value_or(sp::execution_segment_sequence{})
                       : sp::execution_segment_sequence{};
  std::int64_t elements = 0;
  if (lines.size() > 2) {
    for (const char c : lines[2].substr(0, 6)) elements = elements * 10 + static_cast<unsigned char>(c) % 10;
  }

  std::optional<sp::execution_tuple> part;
  try {
    part.emplace(segment, sequence);
  } catch (const sp::usage_error&) {
    return 0;  // the segment is not one of the sequence's, or the striping's period is too long
  }
  // Bound the work: each part's striping walks a period of the sequence.
  const auto& filled = part->sequence();
  if (filled.size() > 16 || filled.lcd() > 10'000) return 0;
  std::int64_t shared = 0;
  for (const auto& each : filled.segments()) {
    const sp::execution_tuple tuple{each, filled};
    const auto n = tuple.scale(elements);
    sp::fuzz::require(n >= 0 && n <= elements, "a part's share is within the whole", tuple.to_string());
    shared += n;
    for (std::int64_t i = 0; i < n && i < 64; ++i) {
      const auto whole_index = tuple.unscaled_index(i);
      sp::fuzz::require(whole_index >= 0 && whole_index < elements, "a part's elements are among the whole's",
                        tuple.to_string(), std::to_string(whole_index));
    }
  }
  sp::fuzz::require(shared == elements, "the parts share the elements out exactly", filled.to_string(),
                    std::to_string(shared) + " of " + std::to_string(elements));
  return 0;
}
