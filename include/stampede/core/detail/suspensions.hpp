// How many times stampede's own operations have given this thread back to its io_context.
#pragma once

#include <cstdint>

namespace stampede::detail {

/// Bumped when an Asio operation that stampede awaits for a virtual user starts (an HTTP
/// connect, write or wait for the response, a sleep), by the completion tokens that count it
/// (`net::use_nothrow_counted`, `net::use_awaitable_counted` in core/asio.hpp): an Asio
/// operation never completes inline, so the coroutine suspends and the shard's other
/// handlers run. A VU's loop compares
/// it across an iteration and yields between iterations only when it did not move, so an
/// iteration that never waits cannot hold the thread, and one that did wait costs no extra
/// trip through the scheduler. Per thread, as each shard runs on one.
inline constinit thread_local std::uint64_t suspensions = 0;

}  // namespace stampede::detail
