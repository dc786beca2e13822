// Shared by the fuzz targets: the input as text, split into parts, and an oracle's failure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace stampede::fuzz {

/// libFuzzer's bytes as text.
[[nodiscard]] inline std::string_view text(const std::uint8_t* data, std::size_t size) noexcept {
  return {reinterpret_cast<const char*>(data), size};
}

/// `input` split at every `separator` (an input without one is one part).
[[nodiscard]] inline std::vector<std::string_view> split(std::string_view input, char separator) {
  std::vector<std::string_view> parts;
  for (;;) {
    const auto at = input.find(separator);
    parts.push_back(input.substr(0, at));
    if (at == std::string_view::npos) return parts;
    input.remove_prefix(at + 1);
  }
}

/// An oracle: unless `holds`, prints `what` and the two texts compared, and aborts, so that
/// libFuzzer saves the input as a crash.
inline void require(bool holds, std::string_view what, std::string_view first = {}, std::string_view second = {}) {
  if (holds) return;
  std::fprintf(stderr, "oracle failed: %.*s\n  first:  \"%.*s\"\n  second: \"%.*s\"\n",
               static_cast<int>(what.size()), what.data(), static_cast<int>(first.size()), first.data(),
               static_cast<int>(second.size()), second.data());
  std::abort();
}

}  // namespace stampede::fuzz
