// The Levenshtein distance between two short strings, for "did you mean" in the messages about
// an unknown flag or option key. Private to stampede.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <vector>

namespace stampede::detail {

/// The number of one-character insertions, deletions and substitutions that turn `a` into `b`.
/// Quadratic in time, linear in memory: meant for names, not texts.
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace stampede::detail
