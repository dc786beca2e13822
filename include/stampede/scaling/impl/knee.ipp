// Bodies of find_knee (included by scaling/knee.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/charconv.hpp>
#include <stampede/core/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace stampede {

namespace detail::knee {

STAMPEDE_DECL std::optional<double> find(std::vector<latency_point> points, double tolerance) {
  if (points.empty()) throw usage_error("find_knee: no points");
  if (!(std::isfinite(tolerance) && tolerance >= 0)) {
    throw usage_error("find_knee: tolerance must be non-negative and finite, got " + format_double(tolerance));
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    const auto check = [&](std::string_view field, double value) {
      if (std::isfinite(value) && value >= 0) return;
      throw usage_error(fmt::format("find_knee: {} must be non-negative and finite, got {} in points[{}] = {{load = {}, "
                                    "latency = {}}}",
                                    field, format_double(value), i, format_double(p.load), format_double(p.latency)));
    };
    check("load", p.load);
    check("latency", p.latency);
  }
  std::stable_sort(points.begin(), points.end(), [](const auto& a, const auto& b) { return a.load < b.load; });
  if (points.size() < 2) return std::nullopt;
  const double limit = std::min(points[0].latency, points[1].latency) * (1 + tolerance);
  // Point 0 may be above the limit only when point 1 is the baseline, so the first point
  // above it from index 1 on always follows one at or under it.
  for (std::size_t i = 1; i < points.size(); ++i) {
    if (points[i].latency <= limit) continue;
    const auto& lo = points[i - 1];
    const auto& hi = points[i];
    const double t = (limit - lo.latency) / (hi.latency - lo.latency);
    return lo.load + t * (hi.load - lo.load);
  }
  return std::nullopt;
}

}  // namespace detail::knee

STAMPEDE_DECL std::optional<double> find_knee(std::initializer_list<latency_point> points, double tolerance) {
  return detail::knee::find(std::vector<latency_point>(points), tolerance);
}

}  // namespace stampede
