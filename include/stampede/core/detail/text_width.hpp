// The columns a terminal gives UTF-8 text, for everything stampede aligns (summary, progress
// lines, tables).
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace stampede::detail {

/// One column per code point: the µ, σ, κ, ✓ and ✗ stampede prints are all single-width.
[[nodiscard]] inline std::size_t text_width(std::string_view text) noexcept {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

}  // namespace stampede::detail
