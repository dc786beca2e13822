// block_cache and recycling_allocator: blocks come back to the thread that frees them, by size
// class, within the per-class limit; large blocks and a finished thread's frees bypass them.
#include <stampede/http/detail/recycling_allocator.hpp>
#include <stampede/http/headers.hpp>

#include "support/catch_compat.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace {
using stampede::http::detail::block_cache;
using stampede::http::detail::recycled_string;
using stampede::http::detail::recycling_allocator;
}  // namespace

TEST_CASE("block_cache gives a freed block back for the next request of its size class") {
  // Counts are taken after each allocation: earlier tests on this thread may have left blocks
  // of these sizes in the cache, which an allocation takes first.
  void* a = block_cache::allocate(100);  // the 128-byte class
  const auto before = block_cache::cached_blocks();
  block_cache::deallocate(a, 100);
  CHECK(block_cache::cached_blocks() == before + 1);
  void* b = block_cache::allocate(128);  // same class: the same block
  CHECK(b == a);
  CHECK(block_cache::cached_blocks() == before);
  void* c = block_cache::allocate(129);  // the next class: another block
  CHECK(c != a);
  const auto holding_both = block_cache::cached_blocks();
  block_cache::deallocate(b, 128);
  block_cache::deallocate(c, 129);
  CHECK(block_cache::cached_blocks() == holding_both + 2);
}

TEST_CASE("block_cache keeps at most its byte budget per size class and none of the largest blocks") {
  // The 64 KiB class may keep 256 KiB: four blocks; the fifth freed goes back to the heap.
  constexpr std::size_t size = std::size_t{64} << 10;
  const auto before = block_cache::cached_blocks();
  std::vector<void*> blocks;
  for (int i = 0; i < 8; ++i) blocks.push_back(block_cache::allocate(size));
  for (void* p : blocks) block_cache::deallocate(p, size);
  const auto kept = block_cache::cached_blocks() - before;
  CHECK(kept <= block_cache::bytes_per_class / size);
  CHECK(kept >= 1);
  // Past 64 KiB nothing is cached.
  const auto mid = block_cache::cached_blocks();
  void* huge = block_cache::allocate((std::size_t{64} << 10) + 1);
  block_cache::deallocate(huge, (std::size_t{64} << 10) + 1);
  CHECK(block_cache::cached_blocks() == mid);
}

TEST_CASE("block_cache tops its free blocks up ahead, within its per-class limit, for allocations that must not call malloc") {
  std::thread{[] {  // a thread of its own: its lists start empty
    CHECK(block_cache::cached_blocks() == 0);
    block_cache::reserve(200, 3);  // the 256-byte class
    CHECK(block_cache::cached_blocks() == 3);
    void* a = block_cache::allocate(256);
    void* b = block_cache::allocate(129);
    CHECK(block_cache::cached_blocks() == 1);  // both came from the reserve
    block_cache::deallocate(a, 256);
    block_cache::deallocate(b, 129);
    CHECK(block_cache::cached_blocks() == 3);
    block_cache::reserve(256, 2);  // already holds two: nothing added
    CHECK(block_cache::cached_blocks() == 3);
    block_cache::reserve(256, 5);  // tops up to five
    CHECK(block_cache::cached_blocks() == 5);
    const std::size_t limit = block_cache::bytes_per_class / 256;
    block_cache::reserve(256, limit + 10);  // stops at the class's limit
    CHECK(block_cache::cached_blocks() == limit);
    block_cache::reserve(std::size_t{1} << 20, 4);  // too large for a class: nothing kept
    CHECK(block_cache::cached_blocks() == limit);
  }}.join();
}

TEST_CASE("a block freed on another thread joins that thread's cache, and a finished thread's cache is freed") {
  void* p = block_cache::allocate(1000);
  std::size_t cached_there = 0;
  std::thread other{[&] {
    const auto before = block_cache::cached_blocks();
    block_cache::deallocate(p, 1000);
    cached_there = block_cache::cached_blocks() - before;
  }};
  other.join();
  CHECK(cached_there == 1);  // and the thread's exit gave it back to the heap (no leak under ASan)
}

TEST_CASE("recycled strings and header lists reuse the blocks of the ones destroyed before them") {
  const void* first = nullptr;
  {
    recycled_string s(3000, 'x');
    first = s.data();
  }
  recycled_string again(3000, 'y');
  CHECK(static_cast<const void*>(again.data()) == first);

  const char* text = nullptr;
  {
    stampede::http::headers h{{"Content-Type", "text/plain"}, {"Content-Length", "13"}};
    text = h[0].name.data();  // the start of its text buffer
  }
  stampede::http::headers h{{"Server", "nginx"}};
  CHECK(h[0].name.data() == text);  // the text buffer of the list destroyed just before
  CHECK(recycling_allocator<int>{} == recycling_allocator<char>{});
}
