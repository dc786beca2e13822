// Heap blocks recycled per thread: a response's header fields and body reuse the blocks the
// thread's previous responses gave back, so a warm client's requests do not call malloc.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <type_traits>
#include <utility>

namespace stampede::http::detail {

/// Per-thread free lists of blocks in power-of-two sizes from 64 bytes to 64 KiB, as Asio's
/// recycling allocator keeps its operations' memory (whose two blocks per thread of at most
/// 1 KiB are too few for responses that users keep). Each size keeps at most
/// `bytes_per_class` of free blocks; what does not fit, and blocks over 64 KiB, go to the
/// global operator new and delete. A block may be freed on another thread than the one that
/// allocated it: it then joins that thread's lists.
class block_cache {
 public:
  static constexpr unsigned min_shift = 6;   // 64 B
  static constexpr unsigned max_shift = 16;  // 64 KiB
  static constexpr std::size_t bytes_per_class = std::size_t{256} << 10;

  /// A block of at least `bytes`.
  [[nodiscard]] static void* allocate(std::size_t bytes);
  /// Gives back a block that `allocate(bytes)` returned, with the same `bytes`.
  static void deallocate(void* p, std::size_t bytes) noexcept;
  /// Adds new free blocks of `bytes` to this thread's lists until they hold `count` of its
  /// size class (or their limit): memory set aside for allocations that must not call malloc
  /// later.
  static void reserve(std::size_t bytes, std::size_t count);
  /// Free blocks this thread holds, over all sizes (for tests).
  [[nodiscard]] static std::size_t cached_blocks() noexcept;

 private:
  static constexpr unsigned classes = max_shift - min_shift + 1;
  struct free_block {
    free_block* next;
  };
  struct lists {
    free_block* head[classes]{};
    std::uint32_t count[classes]{};
    lists() noexcept;
    ~lists();
    lists(const lists&) = delete;
    lists& operator=(const lists&) = delete;
  };
  // The size class holding `bytes`, or `classes` when it is too large for one.
  static unsigned class_of(std::size_t bytes) noexcept;
  static lists* local() noexcept;
};

/// A standard allocator over `block_cache`: stateless, so any two compare equal.
template <typename T>
class recycling_allocator {
 public:
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__, "block_cache gives operator new's alignment");
  using value_type = T;

  recycling_allocator() noexcept = default;
  template <typename U>
  recycling_allocator(const recycling_allocator<U>&) noexcept {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length{};
    return static_cast<T*>(block_cache::allocate(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { block_cache::deallocate(p, n * sizeof(T)); }

  // Construction without a value default-initialises: the headers' `resize` of their text
  // before a memcpy over the new bytes then leaves those bytes alone instead of zeroing them.
  template <typename U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }

  template <typename U>
  friend bool operator==(const recycling_allocator&, const recycling_allocator<U>&) noexcept {
    return true;
  }
};

/// A string whose heap buffer comes from `block_cache`: a response's body.
using recycled_string = std::basic_string<char, std::char_traits<char>, recycling_allocator<char>>;

// ---- bodies ---------------------------------------------------------------------------------

// Set while this thread's lists exist: a block freed during thread exit, after they are gone
// (a response held by another thread_local), goes straight to operator delete. A plain bool
// has no destructor, so reading it is valid at any time.
inline thread_local bool block_cache_alive = false;

inline block_cache::lists::lists() noexcept { block_cache_alive = true; }

inline block_cache::lists::~lists() {
  block_cache_alive = false;
  for (unsigned c = 0; c < classes; ++c) {
    while (free_block* b = head[c]) {
      head[c] = b->next;
      ::operator delete(b);
    }
  }
}

inline block_cache::lists* block_cache::local() noexcept {
  thread_local lists l;
  return block_cache_alive ? &l : nullptr;
}

inline unsigned block_cache::class_of(std::size_t bytes) noexcept {
  if (bytes > (std::size_t{1} << max_shift)) return classes;
  unsigned shift = min_shift;
  while ((std::size_t{1} << shift) < bytes) ++shift;
  return shift - min_shift;
}

inline void* block_cache::allocate(std::size_t bytes) {
  const unsigned c = class_of(bytes);
  if (c == classes) return ::operator new(bytes);
  if (lists* l = local(); l != nullptr && l->head[c] != nullptr) {
    free_block* b = l->head[c];
    l->head[c] = b->next;
    --l->count[c];
    return b;
  }
  return ::operator new(std::size_t{1} << (c + min_shift));
}

inline void block_cache::deallocate(void* p, std::size_t bytes) noexcept {
  if (p == nullptr) return;
  const unsigned c = class_of(bytes);
  if (c != classes && block_cache_alive) {
    lists* l = local();
    const std::size_t limit = bytes_per_class >> (c + min_shift);
    if (l != nullptr && l->count[c] < limit) {
      l->head[c] = ::new (p) free_block{l->head[c]};
      ++l->count[c];
      return;
    }
  }
  ::operator delete(p);
}

inline void block_cache::reserve(std::size_t bytes, std::size_t count) {
  const unsigned c = class_of(bytes);
  lists* l = local();
  if (c == classes || l == nullptr) return;
  const std::size_t limit = bytes_per_class >> (c + min_shift);
  while (l->count[c] < std::min(count, limit)) {
    l->head[c] = ::new (::operator new(std::size_t{1} << (c + min_shift))) free_block{l->head[c]};
    ++l->count[c];
  }
}

inline std::size_t block_cache::cached_blocks() noexcept {
  const lists* l = local();
  std::size_t n = 0;
  if (l != nullptr) {
    for (unsigned c = 0; c < classes; ++c) n += l->count[c];
  }
  return n;
}

}  // namespace stampede::http::detail
