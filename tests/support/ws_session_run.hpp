// What the WebSocket client's tests share: a test body run on a session connected to a server,
// an operation expected to throw usage_error, and payloads to send.
//
// Never `co_await` inside a Catch macro: `CHECK(x)` spells `x` three times (two of them in
// operands that are never evaluated), and g++ 12 runs a co_await in each, so
// `CHECK(co_await s.send_text("a"))` sends three messages. Await into a variable, then check it.
#pragma once

#include <stampede/core/error.hpp>
#include <stampede/core/task.hpp>
#include <stampede/ws.hpp>

#include "support/catch_compat.hpp"
#include "support/run_coroutine.hpp"

#include <asio/any_io_executor.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

namespace stampede::testing {

/// Short limits, so that a test that waits for one of them takes a fraction of a second.
inline ws::client_options quick_ws_options() {
  using namespace std::chrono_literals;
  return {.connect_timeout = 2s, .write_timeout = 2s, .close_timeout = 300ms};
}

/// Connects to `url` and runs `body(session)` (a named lambda returning an awaitable: its
/// captures must outlive the run) on the session, on a fresh io_context, within `limit`. The
/// session ends with the body, on its io_context's thread.
template <typename Body>
void on_session(const std::string& url, Body& body, ws::client_options options = quick_ws_options(),
                std::chrono::nanoseconds limit = std::chrono::seconds{10}) {
  auto run = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    ws::client c{ex, options};
    auto s = co_await c.connect(url);
    INFO(s.error().message);
    REQUIRE(s.ok());
    co_await body(s);
  };
  run_coroutine(run, limit);
}

/// Whether awaiting `op` throws `usage_error`. (The result is named, not discarded: g++ 12
/// relocates a temporary of a co_await expression bit by bit; docs/http.md.)
template <typename T>
asio::awaitable<bool> throws_usage_error(task<T> op) {
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(op);
    } else {
      const auto result = co_await std::move(op);
      (void)result;
    }
  } catch (const usage_error&) {
    co_return true;
  }
  co_return false;
}

/// `n` bytes with every value from 0 to 255 in turn, for binary messages.
inline std::string byte_pattern(std::size_t n, unsigned seed = 0) {
  std::string out(n, '\0');
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<char>((i * 7 + seed) & 0xFFU);
  return out;
}

}  // namespace stampede::testing
