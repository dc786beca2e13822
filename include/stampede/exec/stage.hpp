// Stages as k6 writes them ({duration, target}) and as they compose: ramp_to(100, 30s) >>
// hold(1min) >> ramp_to(0, 10s). Used by ramping_vus and ramping_arrival_rate.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <vector>

namespace stampede {

/// One stage: over `duration`, move linearly to `target` (VUs, or iterations per time_unit).
/// A stage without a target holds the level reached before it (see `hold`). A zero-length
/// stage is an instant change, as k6 allows.
///
/// The constructors (rather than a bare aggregate) let a hold be written `{1min}` in a list
/// without tripping -Wmissing-field-initializers in users' -Wextra builds.
struct stage {
  std::chrono::nanoseconds duration{0};
  std::optional<std::int64_t> target;

  constexpr stage() = default;
  // NOLINTNEXTLINE(google-explicit-constructor): `{30s, 100}` and `{1min}` in stage lists
  constexpr stage(std::chrono::nanoseconds d, std::optional<std::int64_t> t = std::nullopt)
      : duration(d), target(t) {}

  friend bool operator==(const stage&, const stage&) = default;
};

/// A sequence of stages, written as k6 writes it or composed from `ramp_to`, `hold` and
/// `jump_to`:
///
/// ```cpp
/// sp::stage_list a{{30s, 100}, {1min, 100}, {10s, 0}};
/// auto b = sp::ramp_to(100, 30s) >> sp::hold(1min) >> sp::ramp_to(0, 10s);
/// assert(a == b);
/// ```
///
/// Holds are resolved when the list is built: a stage without a target that follows a stage
/// with one takes that target, so `{{30s, 100}, {1min}}` is stored, and compares equal to,
/// `{{30s, 100}, {1min, 100}}`. Only *leading* holds stay unresolved: their level is the
/// executor's start value (`start_vus`, `start_rate`), which the list does not know. Equality
/// compares these normalised stages, so a leading hold equals another leading hold of the same
/// length but never a stage with a target. `resolved(start)` fills them in.
class stage_list {
 public:
  using value_type = stage;
  using const_iterator = std::vector<stage>::const_iterator;

  stage_list() = default;
  stage_list(std::initializer_list<stage> stages);
  explicit stage_list(std::vector<stage> stages);

  /// The stages, holds after a target already resolved.
  [[nodiscard]] const std::vector<stage>& stages() const noexcept { return stages_; }
  [[nodiscard]] const_iterator begin() const noexcept { return stages_.begin(); }
  [[nodiscard]] const_iterator end() const noexcept { return stages_.end(); }
  [[nodiscard]] std::size_t size() const noexcept { return stages_.size(); }
  [[nodiscard]] bool empty() const noexcept { return stages_.empty(); }

  /// The sum of the stages' durations.
  [[nodiscard]] std::chrono::nanoseconds total_duration() const;

  /// The same shape at another load level: every target × `factor`, rounded to the nearest
  /// integer. Throws `usage_error` if `factor` is negative or not finite.
  [[nodiscard]] stage_list scaled(double factor) const;
  /// The same shape over another time: every duration × `factor`, rounded to the nearest
  /// nanosecond. Throws `usage_error` if `factor` is negative or not finite.
  [[nodiscard]] stage_list stretched(double factor) const;

  /// Every stage with a target: a hold takes the previous stage's target, or `start` for a
  /// hold at the front.
  [[nodiscard]] std::vector<stage> resolved(std::int64_t start) const;

  /// Concatenation. Holds at the front of `b` take `a`'s last target.
  friend stage_list operator>>(stage_list a, const stage_list& b);
  /// `pattern` `times` times in a row (`(ramp_to(100, 10s) >> ramp_to(0, 10s)) * 3`).
  /// Throws `usage_error` unless `times >= 1`.
  friend stage_list operator*(const stage_list& pattern, int times);

  friend bool operator==(const stage_list&, const stage_list&) = default;

 private:
  void resolve_holds();

  std::vector<stage> stages_;
};

/// One stage moving linearly to `target` over `over`.
[[nodiscard]] stage_list ramp_to(std::int64_t target, std::chrono::nanoseconds over);
/// One stage keeping the level reached before it for `d`.
[[nodiscard]] stage_list hold(std::chrono::nanoseconds d);
/// A zero-length stage: an instant change to `target` (k6 allows 0s stages).
[[nodiscard]] stage_list jump_to(std::int64_t target);

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/exec/impl/stage.ipp>
#endif
