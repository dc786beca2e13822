// Bodies of service_time (included by testbed/service_time.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

namespace stampede::testbed {

namespace detail {

STAMPEDE_DECL void require_non_negative(std::chrono::nanoseconds d, const char* what) {
  if (d.count() < 0) {
    throw usage_error(std::string("service_time: ") + what + " must not be negative, got " +
                      std::to_string(d.count()) + "ns");
  }
}

// Draws are capped so that a heavy tail cannot overflow nanoseconds or park a timer for years.
inline constexpr double max_draw_ns = 1e15;

STAMPEDE_DECL std::chrono::nanoseconds to_draw(double ns) {
  return std::chrono::nanoseconds{static_cast<std::int64_t>(std::llround(std::clamp(ns, 0.0, max_draw_ns)))};
}

}  // namespace detail

STAMPEDE_DECL double unit_interval(std::mt19937_64& rng) noexcept {
  return static_cast<double>(rng() >> 11U) * 0x1.0p-53;
}

STAMPEDE_DECL service_time service_time::fixed(std::chrono::nanoseconds d) {
  detail::require_non_negative(d, "a fixed time");
  return {distribution::fixed, d, {}, 0};
}

STAMPEDE_DECL service_time service_time::uniform(std::chrono::nanoseconds lo, std::chrono::nanoseconds hi) {
  detail::require_non_negative(lo, "uniform's lower bound");
  if (hi < lo) {
    throw usage_error("service_time: uniform's upper bound " + std::to_string(hi.count()) +
                      "ns is below its lower bound " + std::to_string(lo.count()) + "ns");
  }
  return {distribution::uniform, lo, hi, 0};
}

STAMPEDE_DECL service_time service_time::exponential(std::chrono::nanoseconds mean) {
  detail::require_non_negative(mean, "exponential's mean");
  return {distribution::exponential, mean, {}, 0};
}

STAMPEDE_DECL service_time service_time::lognormal(std::chrono::nanoseconds median, double sigma) {
  detail::require_non_negative(median, "lognormal's median");
  if (!std::isfinite(sigma) || sigma < 0) {
    throw usage_error("service_time: lognormal's sigma must be finite and not negative, got " +
                      std::to_string(sigma));
  }
  return {distribution::lognormal, median, {}, sigma};
}

STAMPEDE_DECL std::chrono::nanoseconds service_time::draw(std::mt19937_64& rng) const {
  const auto a = static_cast<double>(a_.count());
  switch (shape_) {
    case distribution::fixed:
      return a_;
    case distribution::uniform:
      return detail::to_draw(a + (static_cast<double>(b_.count()) - a) * unit_interval(rng));
    case distribution::exponential:
      // Inverse transform; 1 − u is in (0, 1], so the logarithm is finite.
      return detail::to_draw(-a * std::log(1.0 - unit_interval(rng)));
    case distribution::lognormal: {
      // Box–Muller, keeping one of the pair so that every draw consumes exactly two numbers.
      const double u1 = 1.0 - unit_interval(rng);
      const double u2 = unit_interval(rng);
      const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
      return detail::to_draw(a * std::exp(sigma_ * z));
    }
  }
  return a_;
}

STAMPEDE_DECL std::chrono::nanoseconds service_time::mean() const {
  const auto a = static_cast<double>(a_.count());
  switch (shape_) {
    case distribution::fixed:
    case distribution::exponential:
      return a_;
    case distribution::uniform:
      return a_ + (b_ - a_) / 2;
    case distribution::lognormal:
      return detail::to_draw(a * std::exp(sigma_ * sigma_ / 2));
  }
  return a_;
}

}  // namespace stampede::testbed
