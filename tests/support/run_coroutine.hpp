// Runs a test's coroutine to completion on its own io_context, bounded in time.
#pragma once

#include "support/catch_compat.hpp"

#include <asio/any_io_executor.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <exception>

namespace stampede::testing {

/// Runs `body(executor)` on a fresh io_context until it finishes (at most `limit`), rethrowing
/// what it threw; `body` must outlive the call (a lambda coroutine's captures live in the
/// lambda, not the frame), so callers name their lambdas.
template <typename Body>
void run_coroutine(Body& body, std::chrono::nanoseconds limit = std::chrono::seconds{10}) {
  asio::io_context io{1};
  std::exception_ptr failure;
  bool finished = false;
  asio::co_spawn(io, body(io.get_executor()), [&](std::exception_ptr e) {
    failure = e;
    finished = true;
  });
  io.run_for(limit);
  REQUIRE(finished);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace stampede::testing
