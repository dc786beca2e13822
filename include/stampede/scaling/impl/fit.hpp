// Bodies of scaling/fit.hpp that every build mode needs: templates and other inline code.
#pragma once

#include <ranges>
#include <span>
#include <utility>
#include <vector>

namespace stampede {

namespace detail::fit {

usl_model usl(std::span<const scaling_point> points);
/// Student's t quantile for a two-sided 95% interval with `df` degrees of freedom (+∞ below 1).
double student_t_975(int df);
amdahl_model amdahl(std::span<const scaling_point> points);
linear_model linear(std::span<const scaling_point> points);

template <class R>
std::vector<scaling_point> collect(R&& points) {
  std::vector<scaling_point> out;
  if constexpr (std::ranges::sized_range<R>) out.reserve(std::ranges::size(points));
  for (auto&& p : points) out.push_back(static_cast<scaling_point>(p));
  return out;
}

}  // namespace detail::fit

template <scaling_point_range R>
usl_model fit_usl(R&& points) {
  return detail::fit::usl(detail::fit::collect(std::forward<R>(points)));
}
template <scaling_point_range R>
amdahl_model fit_amdahl(R&& points) {
  return detail::fit::amdahl(detail::fit::collect(std::forward<R>(points)));
}
template <scaling_point_range R>
linear_model fit_linear(R&& points) {
  return detail::fit::linear(detail::fit::collect(std::forward<R>(points)));
}

}  // namespace stampede
