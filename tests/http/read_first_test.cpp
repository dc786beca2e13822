// read_first: a thread's clients read responses first until a window of first reads misses too
// often; then they wait for a pause that doubles with each bad window in a row.
#include <stampede/http/detail/read_first.hpp>

#include "support/catch_compat.hpp"

#include <cstdint>

namespace {
using stampede::http::detail::read_first;

// One window of first reads, `misses` of which find nothing.
void window(read_first& p, std::uint32_t misses) {
  for (std::uint32_t i = 0; i < read_first::window; ++i) {
    REQUIRE(p.wanted());
    p.found(i >= misses);
  }
}

// How many responses in a row are waited for before a first read is wanted again (bounded).
std::uint32_t pause_length(read_first& p) {
  std::uint32_t n = 0;
  while (!p.wanted() && n <= read_first::longest_pause) ++n;
  return n;
}
}  // namespace

TEST_CASE("read_first reads first while at most a quarter of a window's first reads miss") {
  read_first p;
  CHECK(p.wanted());
  CHECK_FALSE(p.pausing());
  window(p, read_first::most_misses);  // exactly a quarter
  CHECK_FALSE(p.pausing());
  CHECK(p.wanted());
  CHECK(p.first_reads() == read_first::window + 0);
  CHECK(p.first_misses() == read_first::most_misses + 0);
}

TEST_CASE("read_first waits for a pause after a window with more than a quarter missed") {
  read_first p;
  window(p, read_first::most_misses + 1);
  CHECK(p.pausing());
  CHECK(pause_length(p) == read_first::first_pause);
  CHECK_FALSE(p.pausing());
}

TEST_CASE("read_first doubles the pause after each bad window in a row, up to the longest, and a good window resets it") {
  read_first p;
  std::uint32_t expected = read_first::first_pause;
  for (int bad = 0; bad < 10; ++bad) {
    window(p, read_first::window);  // every first read misses
    CHECK(pause_length(p) == expected);
    expected = expected * 2 > read_first::longest_pause ? read_first::longest_pause : expected * 2;
  }
  CHECK(expected == read_first::longest_pause);
  window(p, 0);  // a good window: the next bad one pauses for the first pause again
  window(p, read_first::window);
  CHECK(pause_length(p) == read_first::first_pause);
}

TEST_CASE("read_first judges a window only when it is complete") {
  read_first p;
  for (std::uint32_t i = 0; i + 1 < read_first::window; ++i) {
    REQUIRE(p.wanted());
    p.found(false);
  }
  CHECK_FALSE(p.pausing());  // 255 misses, but the window is not over
  p.found(true);
  CHECK(p.pausing());
}
