// k6's six executors as option aggregates (k6's option names in snake_case, k6's defaults),
// with their validation, k6's description line and the VU and duration figures a runner needs.
#pragma once

#include <stampede/exec/segment.hpp>
#include <stampede/exec/stage.hpp>

#include <chrono>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace stampede {

/// How an arrival-rate executor spaces iterations. `even` is k6's behaviour; `poisson` draws
/// exponential gaps with the same (possibly changing) rate, reproducibly from a seed.
enum class arrival_process : std::uint8_t { even, poisson };

/// A fixed number of iterations shared among `vus` VUs, as fast as they go, for at most
/// `max_duration`. k6's `shared-iterations`.
struct shared_iterations {
  std::int64_t vus = 1;
  std::int64_t iterations = 1;
  std::chrono::nanoseconds max_duration = std::chrono::minutes{10};
  friend bool operator==(const shared_iterations&, const shared_iterations&) = default;
};

/// Each of `vus` VUs runs `iterations` iterations, for at most `max_duration`. k6's
/// `per-vu-iterations`.
struct per_vu_iterations {
  std::int64_t vus = 1;
  std::int64_t iterations = 1;
  std::chrono::nanoseconds max_duration = std::chrono::minutes{10};
  friend bool operator==(const per_vu_iterations&, const per_vu_iterations&) = default;
};

/// `vus` VUs loop iterations for `duration`. k6's `constant-vus`.
struct constant_vus {
  std::int64_t vus = 1;
  std::chrono::nanoseconds duration{0};
  friend bool operator==(const constant_vus&, const constant_vus&) = default;
};

/// Looping VUs whose number follows `stages` from `start_vus`; VUs stopped by a ramp-down get
/// `graceful_ramp_down` to finish their iteration. k6's `ramping-vus`.
struct ramping_vus {
  std::int64_t start_vus = 1;
  stage_list stages;
  std::chrono::nanoseconds graceful_ramp_down = std::chrono::seconds{30};
  friend bool operator==(const ramping_vus&, const ramping_vus&) = default;
};

/// `rate` iterations per `time_unit` started for `duration`, whether or not earlier ones
/// finished, on `pre_allocated_vus` VUs and up to `max_vus` (0: the same as
/// `pre_allocated_vus`). k6's `constant-arrival-rate`.
struct constant_arrival_rate {
  double rate = 0;
  std::chrono::nanoseconds time_unit = std::chrono::seconds{1};
  std::chrono::nanoseconds duration{0};
  std::int64_t pre_allocated_vus = 0;
  std::int64_t max_vus = 0;  ///< 0: the same as pre_allocated_vus
  arrival_process arrivals = arrival_process::even;
  friend bool operator==(const constant_arrival_rate&, const constant_arrival_rate&) = default;
};

/// Iterations started at a rate (per `time_unit`) that follows `stages` from `start_rate`.
/// k6's `ramping-arrival-rate`.
struct ramping_arrival_rate {
  double start_rate = 0;
  std::chrono::nanoseconds time_unit = std::chrono::seconds{1};
  stage_list stages;
  std::int64_t pre_allocated_vus = 0;
  std::int64_t max_vus = 0;  ///< 0: the same as pre_allocated_vus
  arrival_process arrivals = arrival_process::even;
  friend bool operator==(const ramping_arrival_rate&, const ramping_arrival_rate&) = default;
};

/// Any one of k6's executors.
using executor = std::variant<constant_vus, ramping_vus, shared_iterations, per_vu_iterations,
                              constant_arrival_rate, ramping_arrival_rate>;

namespace detail {
template <typename T, typename Variant>
inline constexpr bool is_alternative_of = false;
template <typename T, typename... Ts>
inline constexpr bool is_alternative_of<T, std::variant<Ts...>> = (std::same_as<T, Ts> || ...);
}  // namespace detail

/// The definition of one executor: an aggregate value, comparable, one of `executor`'s
/// alternatives.
template <typename T>
concept executor_options =
    detail::is_alternative_of<T, executor> && std::is_aggregate_v<T> && std::regular<T>;

static_assert(executor_options<constant_vus>);
static_assert(executor_options<ramping_vus>);
static_assert(executor_options<shared_iterations>);
static_assert(executor_options<per_vu_iterations>);
static_assert(executor_options<constant_arrival_rate>);
static_assert(executor_options<ramping_arrival_rate>);

/// k6's executor type name: `constant-vus`, `ramping-arrival-rate`, ...
[[nodiscard]] std::string_view executor_name(const executor& e) noexcept;

/// The longest a scenario may last from the test's start: its start time, its executor's
/// duration (a stage list's total) and its graceful stop together, and any one of them. A
/// hundred years is past any test, and lengths this short still add up, or add to a clock's
/// time, within `std::chrono::nanoseconds` (about 292 years).
inline constexpr std::chrono::nanoseconds max_test_duration = std::chrono::hours{876'000};

/// Throws `usage_error` naming the scenario and the field, with the bad value and what was
/// expected: `scenario "checkout": constant_vus.duration must be greater than 0 (got 0s)`.
///
/// k6's rules, except where noted: VU counts at least 1 (`start_vus` at least 0, and
/// `ramping_vus` must reach at least one VU somewhere); iterations at least 1;
/// `shared_iterations.iterations` at least `vus` (k6 rejects fewer iterations than VUs too);
/// durations greater than 0 (k6 wants at least 1s; in-process tests run shorter);
/// `time_unit` greater than 0; rates finite, and for `constant_arrival_rate` greater than 0;
/// stages present, with durations and targets not negative; no duration, `time_unit`,
/// `graceful_ramp_down` or total of a stage list past `max_test_duration` (k6 would overflow
/// Go's durations there); `pre_allocated_vus` at least 1
/// (k6 accepts 0 but then has no VU to start an iteration on); `max_vus` 0 or at least
/// `pre_allocated_vus`; no VU count above 100,000,000 (k6's limit for `ramping_vus`, applied
/// to every VU count).
void validate(const executor& e, std::string_view scenario_name);

/// k6's description line for the scenario list, e.g.
/// `10 looping VUs for 10s (gracefulStop: 30s)` or
/// `Up to 300.00 iterations/s for 2m0s over 3 stages (maxVUs: 50-500, gracefulStop: 30s)`.
/// A scenario's `start_time` is listed as `startTime: 10s` before `gracefulStop`; either fact
/// is left out when it is 0, as k6 does. For a `part` of the test, its share: VUs and
/// iterations scaled, and rates as k6 scales them (a constant rate by the part's share of
/// `max_vus`, a ramping one by the segment's length).
[[nodiscard]] std::string describe(const executor& e, std::chrono::nanoseconds graceful_stop,
                                   std::chrono::nanoseconds start_time = {},
                                   const execution_tuple& part = {});

/// The most VUs the executor can use (k6's MaxVUs), in `part` of the test: the part's share
/// by k6's striping (`part.scale`).
[[nodiscard]] std::int64_t max_vus(const executor& e, const execution_tuple& part = {});
/// The VUs allocated at the start: `pre_allocated_vus` for arrival-rate executors, the
/// largest of `start_vus` and the stage targets for `ramping_vus`, `vus` for the others; in
/// `part` of the test, its share.
[[nodiscard]] std::int64_t initial_vus(const executor& e, const execution_tuple& part = {});
/// The iterations `part` of the test runs of a `shared_iterations` (k6's GetIterations): the
/// iterations split as the VUs are (`part.for_value(vus).scale(iterations)`), so that each
/// part's VUs share a proportional number; 0 for a part with no VU.
[[nodiscard]] std::int64_t part_iterations(const shared_iterations& e, const execution_tuple& part);
/// Whether `part` of the test has anything to do for this executor (k6's HasWork): at least
/// one VU, and for `shared_iterations` at least one iteration. A part without work for any
/// scenario ends at once.
[[nodiscard]] bool has_work(const executor& e, const execution_tuple& part);
/// The scheduled duration without graceful stop (`max_duration` for the *_iterations ones).
[[nodiscard]] std::chrono::nanoseconds regular_duration(const executor& e);
/// k6's "max duration (incl. graceful stop)": `regular_duration(e) + graceful_stop`.
[[nodiscard]] std::chrono::nanoseconds max_duration(const executor& e,
                                                    std::chrono::nanoseconds graceful_stop);

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/exec/impl/executors.ipp>
#endif
