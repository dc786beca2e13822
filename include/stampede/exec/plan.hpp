// Plans: what an executor asks for, as pure functions of the time since its scenario started
// (how many VUs should be active; when each iteration is due). No clock, no I/O.
#pragma once

#include <stampede/exec/executors.hpp>
#include <stampede/exec/segment.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

namespace stampede {

/// The VUs that `constant_vus` and `ramping_vus` want active at each moment.
///
/// `ramping_vus` follows k6's getRawExecutionSteps (lib/executor/ramping_vus.go): within a
/// stage ramping from `a` to `b` VUs over `d`, the count moves one VU at a time and reaches
/// level `v` at `ceil(d·|v − a| / |b − a|)` into the stage, so at `s` into the stage it is
/// `a ± floor(s·|b − a| / d)`: the linear value truncated towards the stage's starting level.
/// Zero-length stages jump; several at one instant leave the last one's target. At and after
/// the end of the last stage the count is 0. Graceful ramp-down is the runner's business.
///
/// For a `part` of the test (an execution segment in its sequence), the part's share of that
/// count at every moment, `part.scale(count)`: the part's VU `k` runs exactly when the whole
/// test's VU `part.unscaled_index(k)` would, so the parts of a sequence together follow the
/// whole plan, as k6's getRawExecutionSteps walks a SegmentedIndex.
class vu_plan {
 public:
  explicit vu_plan(const constant_vus& e, const execution_tuple& part = {});
  explicit vu_plan(const ramping_vus& e, const execution_tuple& part = {});

  /// The VUs that should be active at `t`: 0 before 0 and at and after `duration()`.
  [[nodiscard]] std::int64_t vus_at(std::chrono::nanoseconds t) const;
  /// The first `t' > t` at which `vus_at` changes, if any before `duration()`; `duration()`
  /// itself counts when `vus_at` drops to 0 there.
  [[nodiscard]] std::optional<std::chrono::nanoseconds> next_change(
      std::chrono::nanoseconds t) const;
  /// When the plan ends (the sum of the stages, or constant_vus.duration).
  [[nodiscard]] std::chrono::nanoseconds duration() const noexcept { return duration_; }
  /// The most VUs the plan asks for at once.
  [[nodiscard]] std::int64_t max_vus() const noexcept { return max_vus_; }

 private:
  /// One stage of positive length; they tile [0, duration()) in order.
  struct segment {
    std::chrono::nanoseconds start;
    std::chrono::nanoseconds length;
    std::int64_t from;
    std::int64_t to;
  };
  [[nodiscard]] static std::int64_t level_at(const segment& s, std::chrono::nanoseconds t);
  // The whole test's count and its changes.
  [[nodiscard]] std::int64_t whole_vus_at(std::chrono::nanoseconds t) const;
  [[nodiscard]] std::optional<std::chrono::nanoseconds> whole_next_change(std::chrono::nanoseconds t) const;

  std::vector<segment> segments_;
  std::chrono::nanoseconds duration_{0};
  std::int64_t max_vus_ = 0;
  execution_tuple part_;
};

/// When each iteration of `constant_arrival_rate` or `ramping_arrival_rate` is due, with
/// even arrivals (k6's behaviour).
///
/// - constant: iteration `i` (0-based) at `i·time_unit/rate`, the first at 0 (k6's
///   ConstantArrivalRate.Run). Integral rates are computed in exact integer arithmetic, so
///   there is no drift however long the run (k6 rounds the period to a whole nanosecond first
///   and then multiplies; for rates that divide the time unit the two agree).
/// - ramping: the rate is piecewise linear; iteration `i` starts when the integral of the rate
///   since 0 reaches `i + 1` (k6's RampingArrivalRateConfig.cal). So the first iteration is
///   not at 0: from `start_rate` 0 ramping to `r` over `d` it is at `sqrt(2·d·time_unit/r)`.
///   An iteration falling exactly at the end of a stage belongs to that stage.
///
/// Times are truncated to the nanosecond, as k6 truncates them. An iteration due at or after
/// `duration()` is not part of the plan (k6's cal would emit one exactly at the end, where it
/// races the end of the scenario; here it is deterministically left out).
class arrival_plan {
 public:
  explicit arrival_plan(const constant_arrival_rate& e);
  explicit arrival_plan(const ramping_arrival_rate& e);

  /// Intended start of iteration `i` (0-based) with even arrivals; nullopt when it falls at or
  /// after `duration()`.
  [[nodiscard]] std::optional<std::chrono::nanoseconds> start_of(std::uint64_t i) const;
  /// Iterations (even arrivals) due in [0, t): the number of `i` with `start_of(i) < t`.
  [[nodiscard]] std::uint64_t due_before(std::chrono::nanoseconds t) const;
  /// The rate in iterations per second at `t` (0 outside [0, duration())).
  [[nodiscard]] double rate_at(std::chrono::nanoseconds t) const;
  /// When the plan ends (constant_arrival_rate.duration, or the sum of the stages).
  [[nodiscard]] std::chrono::nanoseconds duration() const noexcept { return duration_; }

  /// The expected number of iterations over the whole plan: the integral of the rate.
  [[nodiscard]] double expected_iterations() const noexcept;
  /// The time at which the integral of the rate since 0 reaches `area`, truncated to the
  /// nanosecond; nullopt when that is at or after `duration()`. (start_of(i) is
  /// time_at_area(i) for a constant plan and time_at_area(i + 1) for a ramping one.)
  [[nodiscard]] std::optional<std::chrono::nanoseconds> time_at_area(long double area) const;

 private:
  /// One stage of positive length, rates in iterations per time unit (as the user wrote them,
  /// so integral rates give exact areas); they tile [0, duration()) in order. `area_before` is
  /// the integral of the rate before `start`.
  struct segment {
    std::chrono::nanoseconds start;
    std::chrono::nanoseconds length;
    long double from;
    long double to;
    long double area_before;
  };
  [[nodiscard]] long double area_of(const segment& s) const;
  [[nodiscard]] long double area_at(std::chrono::nanoseconds t) const;

  std::vector<segment> segments_;
  std::chrono::nanoseconds duration_{0};
  long double unit_ = 1;          ///< the time unit in nanoseconds
  std::uint64_t first_area_ = 0;  ///< 0 for constant (first iteration at 0), 1 for ramping
  /// For constant_arrival_rate with an integral rate: rate and time unit, for exact times.
  std::optional<std::int64_t> exact_rate_;
  std::int64_t exact_time_unit_ = 1;
};

/// The arrival times of one scenario, in order: even (`start_of(0)`, `start_of(1)`, ...) or
/// Poisson with the plan's (possibly changing) rate. Poisson arrivals are drawn by time
/// rescaling: unit-rate exponential gaps, mapped through the inverse of the rate's integral,
/// so a changing rate needs no thinning. The gaps come from `std::mt19937_64` seeded with
/// `seed` and an explicit `-log(u)` draw (not `std::exponential_distribution`, whose output
/// differs between standard libraries), so a seed gives the same arrivals everywhere.
class arrival_schedule {
 public:
  arrival_schedule(arrival_plan plan, arrival_process process, std::uint64_t seed);

  /// The next arrival time, or nullopt once the plan is over (and from then on).
  std::optional<std::chrono::nanoseconds> next();

 private:
  arrival_plan plan_;
  arrival_process process_;
  std::mt19937_64 random_;
  std::uint64_t index_ = 0;  ///< even: the next iteration
  long double area_ = 0;     ///< poisson: the integral reached so far
  bool done_ = false;
};

/// One part's arrivals when a test runs as execution segments: of the whole schedule's
/// arrivals, in order, those the part owns, each at its time in the whole schedule. k6 stripes
/// an arrival-rate scenario's iterations among the parts as it splits their `max_vus`
/// (`part.for_value(max_vus)`), so a part's rate follows its share of the VUs. Every part
/// draws the whole schedule (Poisson arrivals from the same seed give the same schedule), so
/// the parts of a sequence together start every iteration of the whole plan exactly once.
class part_arrivals {
 public:
  struct arrival {
    std::chrono::nanoseconds at{0};  ///< the intended start, in the scenario's time
    std::uint64_t index_in_test = 0;  ///< among the whole test's arrivals, from 0
    std::uint64_t index_in_part = 0;  ///< among this part's, from 0
    friend bool operator==(const arrival&, const arrival&) = default;
  };

  /// `max_vus` is the executor's whole `max_vus` (see `max_vus(executor)`).
  part_arrivals(arrival_schedule whole, const execution_tuple& part, std::int64_t max_vus);

  /// The part's next arrival, or nullopt once the plan is over (and from then on).
  std::optional<arrival> next();

 private:
  arrival_schedule whole_;
  std::optional<execution_tuple> stripes_;  ///< empty: the part owns no arrival
  std::uint64_t index_ = 0;                 ///< the whole schedule's next arrival
  std::uint64_t owned_ = 0;                 ///< the part's arrivals so far
  std::uint64_t next_owned_ = 0;            ///< the whole's index of the part's next one
};

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/exec/impl/plan.ipp>
#endif
