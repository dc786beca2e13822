// Counts this thread's heap allocations while `counting` is set. With glibc it replaces malloc
// itself (and calloc, realloc, aligned_alloc, posix_memalign, memalign), forwarding to glibc's
// own functions, so every allocation counts: operator new's, Asio's aligned ones for its
// coroutine frames and operations, and any C library's. Elsewhere it replaces the global
// operator new and delete. Include it in exactly one source file of a test binary (a second
// would define them twice). Sanitizers replace malloc themselves, so with one of them
// STAMPEDE_COUNT_ALLOCATIONS is 0 and nothing is replaced: tests then skip their counts.
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#  define STAMPEDE_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || __has_feature(thread_sanitizer)
#    define STAMPEDE_COUNT_ALLOCATIONS 0
#  endif
#endif
#if !defined(STAMPEDE_COUNT_ALLOCATIONS)
#  define STAMPEDE_COUNT_ALLOCATIONS 1
#endif

namespace stampede::testing {
/// Set while the calling thread's allocations count; other threads (a server's) do not.
inline thread_local bool counting = false;
/// Allocations counted on this thread.
inline thread_local std::size_t allocations = 0;
}  // namespace stampede::testing

#if STAMPEDE_COUNT_ALLOCATIONS && defined(__GLIBC__)
// glibc lets a program replace malloc by defining it; its own implementation stays reachable
// under these names, so the replacements only count and forward.
extern "C" {
void* __libc_malloc(std::size_t size) noexcept;          // NOLINT(bugprone-reserved-identifier)
void __libc_free(void* p) noexcept;                      // NOLINT(bugprone-reserved-identifier)
void* __libc_calloc(std::size_t n, std::size_t size) noexcept;  // NOLINT(bugprone-reserved-identifier)
void* __libc_realloc(void* p, std::size_t size) noexcept;       // NOLINT(bugprone-reserved-identifier)
void* __libc_memalign(std::size_t align, std::size_t size) noexcept;  // NOLINT(bugprone-reserved-identifier)

inline void stampede_count_allocation() noexcept {
  if (stampede::testing::counting) ++stampede::testing::allocations;
}

void* malloc(std::size_t size) noexcept {
  stampede_count_allocation();
  return __libc_malloc(size);
}
void free(void* p) noexcept { __libc_free(p); }
void* calloc(std::size_t n, std::size_t size) noexcept {
  stampede_count_allocation();
  return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t size) noexcept {
  stampede_count_allocation();
  return __libc_realloc(p, size);
}
void* aligned_alloc(std::size_t align, std::size_t size) noexcept {
  stampede_count_allocation();
  return __libc_memalign(align, size);
}
void* memalign(std::size_t align, std::size_t size) noexcept {
  stampede_count_allocation();
  return __libc_memalign(align, size);
}
int posix_memalign(void** out, std::size_t align, std::size_t size) noexcept {
  stampede_count_allocation();
  void* p = __libc_memalign(align, size);
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}
}
#elif STAMPEDE_COUNT_ALLOCATIONS
// g++ sees the replaced delete call free() on memory from (what it takes for) the library's
// operator new; here both are ours and both use malloc/free.
#  if defined(__GNUC__) && !defined(__clang__)
#    pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#  endif
void* operator new(std::size_t size) {
  if (stampede::testing::counting) ++stampede::testing::allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc{};
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  if (stampede::testing::counting) ++stampede::testing::allocations;
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& t) noexcept { return operator new(size, t); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#endif
