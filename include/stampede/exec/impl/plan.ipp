// Bodies of vu_plan, arrival_plan and arrival_schedule (included by exec/plan.hpp).
#pragma once

#include <stampede/config.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace stampede {

namespace detail {

/// `a·b/c` rounded down (or up), without overflow in the product; saturates at UINT64_MAX.
/// k6 computes these step times as `int64(d)*k/diff`, which can overflow for long stages
/// with many VUs; the result is otherwise the same.
STAMPEDE_DECL std::uint64_t mul_div(std::uint64_t a, std::uint64_t b, std::uint64_t c, bool round_up) {
#if defined(__SIZEOF_INT128__)
  __extension__ using uint128 = unsigned __int128;
  const uint128 product = static_cast<uint128>(a) * b;
  uint128 q = product / c;
  if (round_up && product % c != 0) ++q;
  return q > std::numeric_limits<std::uint64_t>::max() ? std::numeric_limits<std::uint64_t>::max()
                                                       : static_cast<std::uint64_t>(q);
#else
  // Schoolbook: the 128-bit product in two halves, then binary long division.
  const std::uint64_t a_lo = a & 0xffffffffU, a_hi = a >> 32, b_lo = b & 0xffffffffU,
                      b_hi = b >> 32;
  const std::uint64_t ll = a_lo * b_lo, lh = a_lo * b_hi, hl = a_hi * b_lo, hh = a_hi * b_hi;
  const std::uint64_t mid = (ll >> 32) + (lh & 0xffffffffU) + (hl & 0xffffffffU);
  std::uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
  std::uint64_t lo = (mid << 32) | (ll & 0xffffffffU);
  if (hi >= c) return std::numeric_limits<std::uint64_t>::max();
  std::uint64_t q = 0;
  for (int i = 0; i < 64; ++i) {
    const bool carry = (hi >> 63) != 0;
    hi = (hi << 1) | (lo >> 63);
    lo <<= 1;
    q <<= 1;
    if (carry || hi >= c) {
      hi -= c;
      q |= 1;
    }
  }
  if (round_up && hi != 0) {
    if (q == std::numeric_limits<std::uint64_t>::max()) return q;
    ++q;
  }
  return q;
#endif
}

STAMPEDE_DECL std::uint64_t to_unsigned(std::int64_t v) {
  return v < 0 ? 0 : static_cast<std::uint64_t>(v);
}

STAMPEDE_DECL std::chrono::nanoseconds to_ns(std::uint64_t v) {
  constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  return std::chrono::nanoseconds{static_cast<std::int64_t>(std::min(v, max))};
}

}  // namespace detail

// ---- vu_plan ---------------------------------------------------------------------------------

STAMPEDE_DECL vu_plan::vu_plan(const constant_vus& e, const execution_tuple& part)
    : duration_(std::max(e.duration, std::chrono::nanoseconds::zero())),
      max_vus_(std::max<std::int64_t>(e.vus, 0)),
      part_(part) {
  if (duration_ > std::chrono::nanoseconds::zero()) {
    segments_.push_back({std::chrono::nanoseconds::zero(), duration_, max_vus_, max_vus_});
  }
  max_vus_ = part_.scale(max_vus_);
}

STAMPEDE_DECL vu_plan::vu_plan(const ramping_vus& e, const execution_tuple& part) : part_(part) {
  // Only stages of positive length need a segment: a zero-length stage (k6's instant jump)
  // just sets the level the next segment starts from.
  std::int64_t level = std::max<std::int64_t>(e.start_vus, 0);
  max_vus_ = level;
  for (const auto& s : e.stages.resolved(level)) {
    const auto target = std::max<std::int64_t>(*s.target, 0);
    if (s.duration > std::chrono::nanoseconds::zero()) {
      segments_.push_back({duration_, s.duration, level, target});
      duration_ += s.duration;
    }
    level = target;
    max_vus_ = std::max(max_vus_, level);
  }
  max_vus_ = part_.scale(max_vus_);
}

STAMPEDE_DECL std::int64_t vu_plan::level_at(const segment& s, std::chrono::nanoseconds t) {
  // k6's getRawExecutionSteps: level v is reached ceil(d·|v − from| / |to − from|) into the
  // stage, i.e. the level at s is from ± floor(s·|to − from| / d).
  const auto offset = static_cast<std::uint64_t>((t - s.start).count());
  const auto length = static_cast<std::uint64_t>(s.length.count());
  if (s.to >= s.from) {
    return s.from + static_cast<std::int64_t>(detail::mul_div(
                        offset, static_cast<std::uint64_t>(s.to - s.from), length, false));
  }
  return s.from - static_cast<std::int64_t>(detail::mul_div(
                      offset, static_cast<std::uint64_t>(s.from - s.to), length, false));
}

STAMPEDE_DECL std::int64_t vu_plan::vus_at(std::chrono::nanoseconds t) const {
  return part_.scale(whole_vus_at(t));
}

// The part's count changes only where the whole's does, but not at every such change: walk
// the whole's changes until the part's share moves.
STAMPEDE_DECL std::optional<std::chrono::nanoseconds> vu_plan::next_change(std::chrono::nanoseconds t) const {
  const auto now = vus_at(t);
  auto change = whole_next_change(t);
  while (change && vus_at(*change) == now) change = whole_next_change(*change);
  return change;
}

STAMPEDE_DECL std::int64_t vu_plan::whole_vus_at(std::chrono::nanoseconds t) const {
  if (t < std::chrono::nanoseconds::zero() || t >= duration_) return 0;
  const auto it = std::upper_bound(segments_.begin(), segments_.end(), t,
                                   [](auto time, const segment& s) { return time < s.start; });
  return level_at(*std::prev(it), t);
}

STAMPEDE_DECL std::optional<std::chrono::nanoseconds> vu_plan::whole_next_change(
    std::chrono::nanoseconds t) const {
  if (t >= duration_) return std::nullopt;
  if (t < std::chrono::nanoseconds::zero()) {
    if (whole_vus_at(std::chrono::nanoseconds::zero()) != 0) return std::chrono::nanoseconds::zero();
    t = std::chrono::nanoseconds::zero();
  }
  const std::int64_t level = whole_vus_at(t);
  auto it = std::prev(std::upper_bound(segments_.begin(), segments_.end(), t,
                                       [](auto time, const segment& s) { return time < s.start; }));
  for (; it != segments_.end(); ++it) {
    const auto& s = *it;
    const std::int64_t delta = s.to - s.from;
    if (delta != 0) {
      // The level `steps` away from `from` is next; it is reached at ceil(d·steps/|delta|).
      const auto distance =
          static_cast<std::uint64_t>(level >= s.from ? level - s.from : s.from - level);
      const auto span = static_cast<std::uint64_t>(delta > 0 ? delta : -delta);
      if (distance + 1 <= span) {
        const auto at =
            detail::mul_div(static_cast<std::uint64_t>(s.length.count()), distance + 1, span, true);
        const auto change = s.start + detail::to_ns(at);
        if (change > t && change < s.start + s.length) return change;
      }
    }
    // No change inside the segment: the level holds until its end, where the next segment's
    // starting level (after any jumps) or the final 0 takes over.
    const auto end = s.start + s.length;
    const std::int64_t next = std::next(it) == segments_.end() ? 0 : std::next(it)->from;
    if (next != level) return end;
  }
  return std::nullopt;
}

// ---- arrival_plan ----------------------------------------------------------------------------

STAMPEDE_DECL arrival_plan::arrival_plan(const constant_arrival_rate& e)
    : duration_(std::max(e.duration, std::chrono::nanoseconds::zero())) {
  const bool usable = e.rate > 0 && std::isfinite(e.rate) && e.time_unit.count() > 0;
  if (!usable || duration_ == std::chrono::nanoseconds::zero()) return;
  unit_ = static_cast<long double>(e.time_unit.count());
  const auto per_unit = static_cast<long double>(e.rate);
  segments_.push_back({std::chrono::nanoseconds::zero(), duration_, per_unit, per_unit, 0});
  // An integral rate gets exact integer times (2^53: beyond it doubles are all integers).
  if (e.rate == std::floor(e.rate) && e.rate <= 9007199254740992.0) {
    exact_rate_ = static_cast<std::int64_t>(e.rate);
    exact_time_unit_ = e.time_unit.count();
  }
}

STAMPEDE_DECL arrival_plan::arrival_plan(const ramping_arrival_rate& e) : first_area_(1) {
  if (e.time_unit.count() <= 0) return;
  unit_ = static_cast<long double>(e.time_unit.count());
  long double level = std::isfinite(e.start_rate) && e.start_rate > 0
                          ? static_cast<long double>(e.start_rate)
                          : 0.0L;
  long double area = 0;
  for (const auto& s : e.stages) {
    const long double target =
        s.target ? static_cast<long double>(std::max<std::int64_t>(*s.target, 0)) : level;
    if (s.duration > std::chrono::nanoseconds::zero()) {
      segments_.push_back({duration_, s.duration, level, target, area});
      area += area_of(segments_.back());
      duration_ += s.duration;
    }
    level = target;
  }
}

STAMPEDE_DECL long double arrival_plan::area_of(const segment& s) const {
  return static_cast<long double>(s.length.count()) * (s.from + s.to) / (2 * unit_);
}

STAMPEDE_DECL long double arrival_plan::area_at(std::chrono::nanoseconds t) const {
  long double area = 0;
  for (const auto& s : segments_) {
    if (t >= s.start + s.length) {
      area = s.area_before + area_of(s);
      continue;
    }
    if (t <= s.start) break;
    const auto x = static_cast<long double>((t - s.start).count());
    const auto length = static_cast<long double>(s.length.count());
    return s.area_before + (s.from * x + (s.to - s.from) * x * x / (2 * length)) / unit_;
  }
  return area;
}

STAMPEDE_DECL double arrival_plan::expected_iterations() const noexcept {
  return static_cast<double>(area_at(duration_));
}

STAMPEDE_DECL std::optional<std::chrono::nanoseconds> arrival_plan::time_at_area(long double area) const {
  if (!(area >= 0)) area = 0;
  if (exact_rate_ && area == std::floor(area) && area < 9.2e18L) {
    const auto t = detail::mul_div(static_cast<std::uint64_t>(area),
                                   static_cast<std::uint64_t>(exact_time_unit_),
                                   static_cast<std::uint64_t>(*exact_rate_), false);
    if (t >= static_cast<std::uint64_t>(duration_.count())) return std::nullopt;
    return detail::to_ns(t);
  }
  constexpr long double eps = std::numeric_limits<long double>::epsilon();
  for (const auto& s : segments_) {
    const long double stage_area = area_of(s);
    const long double end_area = s.area_before + stage_area;
    // k6's cal: an iteration whose area is reached exactly at a stage's end belongs to that
    // stage; "exactly" allows for the rounding of the running sum.
    if (stage_area <= 0 || end_area + 64 * eps * std::max(1.0L, end_area) < area) continue;
    const auto length = static_cast<long double>(s.length.count());
    // With F and T the rates per time unit U at the stage's ends, the area x into the stage is
    // (F·x + (T − F)·x²/(2L)) / U. Solved in the root form that has no cancellation: from the
    // start when the rate rises, from the end when it falls (near a ramp down to 0, solving
    // from the start loses half the digits to the square root). k6 uses the other root form;
    // the value is the same.
    long double offset;
    if (s.from == s.to) {
      offset = (area - s.area_before) * unit_ / s.from;
    } else if (s.to > s.from) {
      const long double n = std::max(area - s.area_before, 0.0L);
      const long double root =
          std::sqrt(s.from * s.from + 2 * n * (s.to - s.from) * unit_ / length);
      offset = s.from + root > 0 ? 2 * n * unit_ / (s.from + root) : 0;
    } else {
      const long double m = std::max(end_area - area, 0.0L);
      const long double root = std::sqrt(s.to * s.to + 2 * m * (s.from - s.to) * unit_ / length);
      offset = length - (s.to + root > 0 ? 2 * m * unit_ / (s.to + root) : 0);
    }
    offset = std::clamp(offset, 0.0L, length);
    // Truncate as k6 does, but let a result a rounding error below a whole nanosecond count as
    // that nanosecond, so exact cases (1.5 s into a stage) come out exact.
    const long double slack = 1e-6L + offset * 64 * eps;
    const auto whole =
        std::min(static_cast<std::int64_t>(std::floor(offset + slack)), s.length.count());
    const auto t = s.start + std::chrono::nanoseconds{whole};
    if (t >= duration_) return std::nullopt;
    return t;
  }
  return std::nullopt;
}

STAMPEDE_DECL std::optional<std::chrono::nanoseconds> arrival_plan::start_of(std::uint64_t i) const {
  return time_at_area(static_cast<long double>(i) + static_cast<long double>(first_area_));
}

STAMPEDE_DECL std::uint64_t arrival_plan::due_before(std::chrono::nanoseconds t) const {
  if (t <= std::chrono::nanoseconds::zero()) return 0;
  // Estimate from the integral, then settle on exactly what start_of says, so the two agree
  // whatever the rounding.
  const long double area = std::floor(area_at(std::min(t, duration_)));
  const auto reached = area > 0 ? static_cast<std::uint64_t>(area) : 0;
  std::uint64_t n = reached + 1 > first_area_ ? reached + 1 - first_area_ : 0;
  const auto due = [&](std::uint64_t i) {
    const auto start = start_of(i);
    return start && *start < t;
  };
  while (n > 0 && !due(n - 1)) --n;
  while (due(n)) ++n;
  return n;
}

STAMPEDE_DECL double arrival_plan::rate_at(std::chrono::nanoseconds t) const {
  if (t < std::chrono::nanoseconds::zero() || t >= duration_) return 0;
  for (const auto& s : segments_) {
    if (t >= s.start + s.length) continue;
    if (t < s.start) break;
    const long double x = static_cast<long double>((t - s.start).count()) /
                          static_cast<long double>(s.length.count());
    return static_cast<double>((s.from + (s.to - s.from) * x) * 1e9L / unit_);
  }
  return 0;
}

// ---- arrival_schedule ------------------------------------------------------------------------

STAMPEDE_DECL arrival_schedule::arrival_schedule(arrival_plan plan, arrival_process process,
                                          std::uint64_t seed)
    : plan_(std::move(plan)), process_(process), random_(seed) {}

STAMPEDE_DECL std::optional<std::chrono::nanoseconds> arrival_schedule::next() {
  if (done_) return std::nullopt;
  std::optional<std::chrono::nanoseconds> t;
  if (process_ == arrival_process::even) {
    t = plan_.start_of(index_++);
  } else {
    // A unit-rate exponential gap: -log(u) with u uniform in (0, 1], from the top 53 bits.
    const auto bits = random_() >> 11;
    const long double u = (static_cast<long double>(bits) + 1) / 9007199254740992.0L;
    area_ += -std::log(u);
    t = plan_.time_at_area(area_);
  }
  done_ = !t;
  return t;
}

// ---- part_arrivals ---------------------------------------------------------------------------

STAMPEDE_DECL part_arrivals::part_arrivals(arrival_schedule whole, const execution_tuple& part, std::int64_t max_vus)
    : whole_(std::move(whole)) {
  if (part.is_whole()) {
    stripes_ = part;
  } else if (max_vus >= 1 && part.scale(max_vus) > 0) {
    stripes_ = part.for_value(max_vus);
    next_owned_ = static_cast<std::uint64_t>(stripes_->unscaled_index(0));
  }
}

STAMPEDE_DECL std::optional<part_arrivals::arrival> part_arrivals::next() {
  if (!stripes_) return std::nullopt;
  while (const auto at = whole_.next()) {
    const auto index = index_++;
    if (index != next_owned_) continue;
    const arrival out{*at, index, owned_++};
    next_owned_ = static_cast<std::uint64_t>(stripes_->unscaled_index(static_cast<std::int64_t>(owned_)));
    return out;
  }
  return std::nullopt;
}

}  // namespace stampede
