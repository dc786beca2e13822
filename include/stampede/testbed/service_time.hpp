// How long the testbed server takes to answer a request: a fixed time or a seeded draw.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace stampede::testbed {

/// How long a request is served: a fixed time, or a draw from a distribution. Draws come from
/// the caller's generator, so a seeded generator gives the same sequence on every run; the
/// arithmetic is stampede's own (not `std::*_distribution`, whose output differs between
/// standard libraries), so the sequence is also the same with libstdc++ and libc++.
///
/// ```cpp
/// auto t = service_time::lognormal(20ms, 0.5);   // median 20 ms, a long right tail
/// std::mt19937_64 rng{42};
/// std::chrono::nanoseconds d = t.draw(rng);
/// ```
class service_time {
 public:
  /// The shape of the distribution.
  enum class distribution : std::uint8_t { fixed, uniform, exponential, lognormal };

  /// Zero: the request is answered at once.
  constexpr service_time() noexcept = default;

  /// Always `d`. Throws `usage_error` if `d` is negative.
  static service_time fixed(std::chrono::nanoseconds d);
  /// Uniform over `[lo, hi]`. Throws `usage_error` unless `0 <= lo <= hi`.
  static service_time uniform(std::chrono::nanoseconds lo, std::chrono::nanoseconds hi);
  /// Exponential with the given mean (a memoryless server). Throws `usage_error` if negative.
  static service_time exponential(std::chrono::nanoseconds mean);
  /// Log-normal: `median · e^(σ·Z)` with Z standard normal; the mean is `median · e^(σ²/2)`.
  /// Throws `usage_error` if the median is negative or σ is negative or not finite.
  static service_time lognormal(std::chrono::nanoseconds median, double sigma);

  /// One draw, rounded to whole nanoseconds and capped at 10⁶ s. Fixed times draw nothing from
  /// `rng`; uniform and exponential draw one number, log-normal two.
  [[nodiscard]] std::chrono::nanoseconds draw(std::mt19937_64& rng) const;
  /// The distribution's mean (exact, not sampled).
  [[nodiscard]] std::chrono::nanoseconds mean() const;

  [[nodiscard]] distribution shape() const noexcept { return shape_; }

  friend bool operator==(const service_time&, const service_time&) = default;

 private:
  constexpr service_time(distribution shape, std::chrono::nanoseconds a, std::chrono::nanoseconds b,
                         double sigma) noexcept
      : shape_(shape), a_(a), b_(b), sigma_(sigma) {}

  distribution shape_ = distribution::fixed;
  std::chrono::nanoseconds a_{0};  // fixed: the time; uniform: lo; exponential: mean; lognormal: median
  std::chrono::nanoseconds b_{0};  // uniform: hi
  double sigma_ = 0;               // lognormal: σ
};

/// A number in [0, 1) from the top 53 bits of one draw of `rng`: the same on every platform.
[[nodiscard]] double unit_interval(std::mt19937_64& rng) noexcept;

}  // namespace stampede::testbed

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/testbed/impl/service_time.ipp>
#endif
