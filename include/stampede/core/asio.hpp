// One spelling of the Asio completion tokens stampede uses, for Asio 1.22 through 1.3x.
#pragma once

#include <stampede/config.hpp>
#include <stampede/core/detail/suspensions.hpp>

#include <asio/async_result.hpp>
#include <asio/version.hpp>
#include <asio/use_awaitable.hpp>

#include <utility>

// Asio 1.24 moved as_tuple and deferred out of asio::experimental; 1.34 removed the old
// headers. Detect by header rather than by version so a patched Asio works too.
#if __has_include(<asio/as_tuple.hpp>)
#  include <asio/as_tuple.hpp>
#  include <asio/deferred.hpp>
#  define STAMPEDE_ASIO_TOKENS_NAMESPACE ::asio
#else
#  include <asio/experimental/as_tuple.hpp>
#  include <asio/experimental/deferred.hpp>
#  define STAMPEDE_ASIO_TOKENS_NAMESPACE ::asio::experimental
#endif

#if !defined(ASIO_HAS_CO_AWAIT)
#  error "Asio was configured without coroutine support; compile with -DASIO_HAS_CO_AWAIT=1 (the stampede::stampede CMake target does this)"
#endif

namespace stampede::net {

using STAMPEDE_ASIO_TOKENS_NAMESPACE::as_tuple;
using STAMPEDE_ASIO_TOKENS_NAMESPACE::as_tuple_t;
using STAMPEDE_ASIO_TOKENS_NAMESPACE::deferred;

/// Completion token for coroutines that receive errors as values instead of exceptions:
/// `auto [ec, n] = co_await sock.async_read_some(buf, net::use_nothrow);`. The hot path never
/// throws for a failed socket operation; the error is classified and recorded.
inline constexpr auto use_nothrow = as_tuple(asio::use_awaitable);

/// A completion token that counts, when the operation starts, that the awaiting coroutine
/// gives its thread back (`detail::suspensions`), then completes as `Inner` does. Every
/// operation stampede awaits for a VU uses one, so the count cannot be forgotten at a
/// `co_await`.
template <typename Inner>
struct counted_t {
  Inner inner;
};

/// `use_nothrow`, counted: `auto [ec, n] = co_await sock.async_read_some(buf, net::use_nothrow_counted);`.
inline constexpr counted_t<decltype(use_nothrow)> use_nothrow_counted{use_nothrow};
/// `asio::use_awaitable`, counted: `co_await asio::post(ex, net::use_awaitable_counted);`.
inline constexpr counted_t<asio::use_awaitable_t<>> use_awaitable_counted{};

}  // namespace stampede::net

template <typename Inner, typename... Signatures>
struct asio::async_result<stampede::net::counted_t<Inner>, Signatures...> {
  template <typename Initiation, typename Token, typename... Args>
  static auto initiate(Initiation&& initiation, Token&& token, Args&&... args) {
    ++stampede::detail::suspensions;
    return asio::async_initiate<const Inner, Signatures...>(std::forward<Initiation>(initiation), token.inner,
                                                            std::forward<Args>(args)...);
  }
};

#undef STAMPEDE_ASIO_TOKENS_NAMESPACE
