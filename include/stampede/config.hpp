// Compile-time configuration: which optional features this build of stampede has.
#pragma once

#include <stampede/version.hpp>

#if __cplusplus < 202002L && (!defined(_MSVC_LANG) || _MSVC_LANG < 202002L)
#  error "stampede needs C++20 (coroutines, concepts, designated initializers)"
#endif

/// Build mode. Header-only by default: every body is compiled in each translation unit that
/// uses it. With STAMPEDE_SEPARATE_COMPILATION defined (the `stampede::compiled` CMake target
/// defines it for its consumers), the non-template bodies (`impl/*.ipp`) are left out of the
/// headers and come from the library built from `src/` instead, as Asio does with
/// ASIO_SEPARATE_COMPILATION. Templates and small inline members stay in the headers.
#if defined(STAMPEDE_SEPARATE_COMPILATION)
#  define STAMPEDE_DECL
#else
#  define STAMPEDE_DECL inline
#endif

/// Inlines a small function on the hot path where the compiler's size heuristics would not
/// (a trend record's counter update, inside the record).
#if defined(__GNUC__) || defined(__clang__)
#  define STAMPEDE_ALWAYS_INLINE inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#  define STAMPEDE_ALWAYS_INLINE __forceinline
#else
#  define STAMPEDE_ALWAYS_INLINE inline
#endif

/// 1 when https:// URLs are supported (Asio's SSL over OpenSSL). The CMake target defines it
/// from what it found; code compiled without the target gets TLS only if it asks for it.
#if !defined(STAMPEDE_WITH_TLS)
#  define STAMPEDE_WITH_TLS 0
#endif

/// Standalone Asio, never Boost.Asio: stampede's headers include <asio/...>.
#if !defined(ASIO_STANDALONE)
#  define ASIO_STANDALONE 1
#endif

// clang with libstdc++ supports coroutines, but Asio before 1.26 enables them only for gcc and
// MSVC. The CMake target defines this for clang; the fallback covers builds without it, as
// long as stampede is included before Asio.
#if defined(__clang__) && !defined(ASIO_HAS_CO_AWAIT) && defined(__cpp_impl_coroutine)
#  define ASIO_HAS_CO_AWAIT 1
#endif
