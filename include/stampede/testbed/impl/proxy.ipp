// Bodies of impairment, proxy_options and proxy (included by testbed/proxy.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>
#include <stampede/core/units.hpp>
#include <stampede/testbed/detail/proxy_core.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>

namespace stampede::testbed {

namespace detail {

/// Throws `usage_error` for the first wrong field of `i`; `where` names it in the message
/// (`"impairment: "`, `"proxy_options: downstream."`).
STAMPEDE_DECL void validate_impairment(const impairment& i, std::string_view where) {
  const auto fail = [where](std::string_view field, std::string_view problem) {
    throw usage_error(std::string{where} + std::string{field} + " " + std::string{problem});
  };
  // Longer waits are a mistake in a test, and sums of them must not overflow the clock.
  constexpr std::chrono::nanoseconds most = std::chrono::hours{24};
  const auto check = [&](std::string_view field, std::chrono::nanoseconds d) {
    if (d.count() < 0) fail(field, "must not be negative (got -" + format_go_duration(-d) + ")");
    if (d > most) fail(field, "must be at most 24h (got " + format_go_duration(d) + ")");
  };
  check("latency", i.latency);
  check("jitter", i.jitter);
  if (i.jitter > i.latency) {
    fail("jitter", "(" + format_go_duration(i.jitter) + ") must not exceed latency (" + format_go_duration(i.latency) + ")");
  }
  check("slice_delay", i.slice_delay);
  if (i.slice_delay.count() > 0 && i.slice_bytes == 0) fail("slice_delay", "needs slice_bytes > 0");
  if (i.reset_after) check("reset_after", *i.reset_after);
  check("slow_close", i.slow_close);
}

}  // namespace detail

STAMPEDE_DECL void impairment::validate() const {
  detail::validate_impairment(*this, "impairment: ");
}

STAMPEDE_DECL void proxy_options::validate() const {
  if (host.empty()) throw usage_error("proxy_options: host must not be empty");
  if (upstream_host.empty()) throw usage_error("proxy_options: upstream_host must not be empty");
  if (upstream_port == 0) throw usage_error("proxy_options: upstream_port is required (the server's port)");
  if (connect_timeout.count() <= 0) throw usage_error("proxy_options: connect_timeout must be positive");
  detail::validate_impairment(upstream, "proxy_options: upstream.");
  detail::validate_impairment(downstream, "proxy_options: downstream.");
}

STAMPEDE_DECL proxy::proxy(proxy_options options) : core_(std::make_unique<detail::proxy_core>(std::move(options))) {}

STAMPEDE_DECL proxy::~proxy() = default;  // proxy_core's destructor stops and joins

STAMPEDE_DECL std::uint16_t proxy::port() const noexcept {
  return core_->port();
}

STAMPEDE_DECL std::string proxy::url(std::string_view path) const {
  return detail::http_url(core_->host(), core_->port(), path);
}

STAMPEDE_DECL void proxy::set(direction d, const impairment& i) {
  core_->set(d, i);
}

STAMPEDE_DECL void proxy::set(const impairment& i) {
  core_->set(direction::upstream, i);
  core_->set(direction::downstream, i);
}

STAMPEDE_DECL impairment proxy::impairments(direction d) const {
  return core_->current(d);
}

STAMPEDE_DECL proxy_stats proxy::stats() const {
  return core_->stats();
}

STAMPEDE_DECL const proxy_options& proxy::options() const noexcept {
  return core_->options();
}

STAMPEDE_DECL void proxy::stop() {
  core_->stop();
}

}  // namespace stampede::testbed
