// Bodies of scaling/knee.hpp that every build mode needs: templates and other inline code.
#pragma once

#include <optional>
#include <utility>
#include <vector>

namespace stampede {

namespace detail::knee {

std::optional<double> find(std::vector<latency_point> points, double tolerance);

}  // namespace detail::knee

template <latency_point_range R>
std::optional<double> find_knee(R&& points, double tolerance) {
  std::vector<latency_point> copy;
  for (auto&& p : points) copy.push_back(static_cast<latency_point>(p));
  return detail::knee::find(std::move(copy), tolerance);
}

}  // namespace stampede
