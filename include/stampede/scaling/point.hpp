// One measured point of a scaling study: a concurrency level and the throughput it reached.
#pragma once

#include <concepts>
#include <ranges>

namespace stampede {

/// A concurrency level N (VUs, replicas, threads: whatever the study varies) and the
/// throughput X(N) measured there, in any unit used consistently (requests per second, …).
///
/// ```cpp
/// const std::vector<scaling_point> curve{{1, 955}, {2, 1878}, {4, 3548}, {8, 6231}};
/// ```
struct scaling_point {
  double concurrency = 0;  ///< N, positive
  double throughput = 0;   ///< X(N), positive

  friend bool operator==(const scaling_point&, const scaling_point&) = default;
};

/// A range of scaling points, such as a `std::vector<scaling_point>` or a view that yields
/// them: what the fits in `scaling/fit.hpp` take.
template <class R>
concept scaling_point_range =
    std::ranges::input_range<R> && std::convertible_to<std::ranges::range_reference_t<R>, scaling_point>;

}  // namespace stampede
