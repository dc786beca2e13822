// Bodies of the request rate limiter (included by http/detail/rate_limiter.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/asio.hpp>
#include <stampede/core/error.hpp>

#include <asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <utility>

namespace stampede::http::detail {

STAMPEDE_DECL rate_limiter::clock::time_point steady_now() noexcept { return rate_limiter::clock::now(); }

STAMPEDE_DECL task<> steady_wait_until(asio::any_io_executor ex, rate_limiter::clock::time_point until) {
  asio::steady_timer timer{std::move(ex), until};
  co_await timer.async_wait(net::use_awaitable_counted);
}

STAMPEDE_DECL rate_limiter::rate_limiter(double per_second, now_fn now, wait_fn wait_until)
    : per_second_{per_second},
      interval_{0},
      now_{now != nullptr ? now : &steady_now},
      wait_until_{wait_until != nullptr ? wait_until : &steady_wait_until} {
  if (!(per_second > 0) || !std::isfinite(per_second)) {
    throw usage_error("client_options::max_requests_per_second must be a positive number or 0 (no limit), not " +
                      std::to_string(per_second));
  }
  // At least a nanosecond apart: a rate over 1e9 per second is no limit a client can reach.
  const double ns = std::round(1e9 / per_second);
  const std::chrono::nanoseconds interval{ns < 1 ? 1 : static_cast<std::chrono::nanoseconds::rep>(ns)};
  interval_ = std::max<clock::rep>(std::chrono::duration_cast<clock::duration>(interval).count(), 1);
}

STAMPEDE_DECL task<> rate_limiter::acquire(asio::any_io_executor ex) {
  const auto now = now_();
  const auto slot = reserve(now);
  if (slot > now) co_await wait_until_(std::move(ex), slot);
}

}  // namespace stampede::http::detail
