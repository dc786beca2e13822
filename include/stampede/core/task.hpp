// sp::task<T>: what a virtual user's iteration and every stampede coroutine return.
#pragma once

#include <stampede/core/asio.hpp>

#include <asio/awaitable.hpp>

namespace stampede {

/// A coroutine that runs on a shard's `asio::io_context`: an alias of `asio::awaitable<T>`,
/// so any Asio operation can be `co_await`ed with `asio::use_awaitable` or
/// `net::use_nothrow`, and stampede's own operations (`vu::sleep`, `http::client::get`) mix
/// freely with the user's.
///
/// ```cpp
/// stampede::task<> iteration(stampede::vu& u) { co_await u.sleep(1s); }
/// ```
template <typename T = void>
using task = asio::awaitable<T>;

}  // namespace stampede
