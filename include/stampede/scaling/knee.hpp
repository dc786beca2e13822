// The knee of a latency curve: the load at which latency departs from its low-load value.
#pragma once

#include <concepts>
#include <initializer_list>
#include <optional>
#include <ranges>

namespace stampede {

/// A load level (VUs, requests per second, replicas: whatever the study varies) and the
/// latency measured there, in any unit used consistently.
struct latency_point {
  double load = 0;     ///< non-negative
  double latency = 0;  ///< non-negative

  friend bool operator==(const latency_point&, const latency_point&) = default;
};

/// A range of latency points, such as a `std::vector<latency_point>`.
template <class R>
concept latency_point_range =
    std::ranges::input_range<R> && std::convertible_to<std::ranges::range_reference_t<R>, latency_point>;

/// The load at which latency first exceeds its low-load baseline by more than `tolerance`
/// (0.5: 50% above), or nothing if it never does.
///
/// The points are taken in order of load. The baseline is the lower latency of the two
/// lowest loads, so one slow first point (a cold cache, a JIT warming up) does not hide the
/// knee. The answer is interpolated linearly between the last point at or under
/// baseline·(1 + tolerance) and the first point above it; a single point has no knee.
///
/// ```cpp
/// // 60: latency passes 1.5 × 0.020 = 0.030 s halfway from load 40 to load 80
/// find_knee({{10, 0.020}, {20, 0.020}, {40, 0.024}, {80, 0.036}});
/// ```
///
/// Throws `usage_error` for no points, a load or latency that is negative or not finite
/// (naming the point), or a negative or non-finite tolerance.
template <latency_point_range R>
[[nodiscard]] std::optional<double> find_knee(R&& points, double tolerance = 0.5);
/// `find_knee({{10, 0.020}, {20, 0.020}, {40, 0.024}, {80, 0.036}})`.
[[nodiscard]] std::optional<double> find_knee(std::initializer_list<latency_point> points, double tolerance = 0.5);

}  // namespace stampede

#include <stampede/scaling/impl/knee.hpp>
#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/scaling/impl/knee.ipp>
#endif
