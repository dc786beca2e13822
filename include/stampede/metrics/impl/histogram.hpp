// Bodies of metrics/histogram.hpp that every build mode needs: templates and other inline code.
#pragma once

// No #include of metrics/histogram.hpp: that header includes this one at its end, and
// including it back would redefine everything when a tool compiles the header as a main
// file (where #pragma once does not apply).

#include <stampede/config.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace stampede {

namespace detail {

/// `sum += x`, modulo 2^128.
constexpr void add_to(uint128& sum, const uint128& x) noexcept {
  sum.low += x.low;
  // The low half wrapped iff it ended up below what was added: that is the carry.
  sum.high += x.high + static_cast<std::uint64_t>(sum.low < x.low);
}

/// The full 128-bit product: schoolbook multiplication on 32-bit halves, so that no
/// partial product can overflow (each is below 2^64, and so is `middle`, see below).
constexpr uint128 multiply(std::uint64_t a, std::uint64_t b) noexcept {
  constexpr std::uint64_t mask32 = 0xffff'ffff;
  const std::uint64_t a_lo = a & mask32;
  const std::uint64_t a_hi = a >> 32;
  const std::uint64_t b_lo = b & mask32;
  const std::uint64_t b_hi = b >> 32;
  const std::uint64_t lo_lo = a_lo * b_lo;
  const std::uint64_t hi_lo = a_hi * b_lo;
  const std::uint64_t lo_hi = a_lo * b_hi;
  const std::uint64_t hi_hi = a_hi * b_hi;
  // At most (2^32 - 1) + (2^32 - 1) + (2^32 - 1)^2 = 2^64 - 1: no overflow.
  const std::uint64_t middle = (lo_lo >> 32) + (hi_lo & mask32) + lo_hi;
  return uint128{.high = hi_hi + (hi_lo >> 32) + (middle >> 32),
                 .low = (middle << 32) | (lo_lo & mask32)};
}

/// The 1-based rank of percentile `p` among `n` values, by nearest rank: ceil(p/100 × n),
/// at least 1. `p * n` before `/ 100` keeps whole percentiles exact: p = 7 of n = 100 is
/// rank 7, where (7 / 100.0) * 100 = 7.000000000000001 would round up to rank 8.
inline std::uint64_t nearest_rank(double p, std::uint64_t n) noexcept {
  const double rank = std::ceil(p * static_cast<double>(n) / 100.0);
  if (rank <= 1.0) return 1;
  if (rank >= static_cast<double>(n)) return n;  // also keeps the cast below in range
  return static_cast<std::uint64_t>(rank);
}

inline std::string describe(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", x);
  return text;
}

inline std::string describe(const histogram_config& config) {
  return "{lowest = " + std::to_string(config.lowest) +
         ", highest = " + std::to_string(config.highest) +
         ", significant_digits = " + std::to_string(config.significant_digits) + "}";
}

constexpr histogram_layout histogram_layout::from(const histogram_config& config) {
  if (config.significant_digits < 1 || config.significant_digits > 5) {
    throw std::invalid_argument("histogram_config: significant_digits must be in 1..5, got " +
                                std::to_string(config.significant_digits));
  }
  if (config.lowest < 1) {
    throw std::invalid_argument("histogram_config: lowest must be at least 1, got 0");
  }
  if (config.highest > static_cast<std::uint64_t>(INT64_MAX)) {
    throw std::invalid_argument(
        "histogram_config: highest must be at most 2^63 - 1 (9223372036854775807), got " +
        std::to_string(config.highest));
  }
  if (config.highest / 2 < config.lowest) {  // highest < 2 * lowest, without overflow
    throw std::invalid_argument("histogram_config: highest must be at least 2 * lowest (" +
                                std::to_string(config.lowest) + "), got " +
                                std::to_string(config.highest));
  }

  histogram_layout layout;
  // A slot of width w starting at v has relative width w / v. Bucket b ≥ 1 starts at
  // half_count × w, so half_count ≥ 10^digits keeps every slot within 10^-digits.
  std::uint64_t ten_to_digits = 1;
  for (int i = 0; i < config.significant_digits; ++i) ten_to_digits *= 10;
  layout.sub_bucket_magnitude = static_cast<unsigned>(std::bit_width(2 * ten_to_digits - 1));
  layout.unit_magnitude = static_cast<unsigned>(std::bit_width(config.lowest)) - 1;
  // Bucket 0's end, sub_bucket_count << unit_magnitude, must fit in 64 bits.
  if (layout.unit_magnitude + layout.sub_bucket_magnitude > 63) {
    throw std::invalid_argument("histogram_config: lowest (" + std::to_string(config.lowest) +
                                ") is too large for " + std::to_string(config.significant_digits) +
                                " significant digits");
  }
  layout.sub_bucket_count = std::uint64_t{1} << layout.sub_bucket_magnitude;
  layout.sub_bucket_half_count = layout.sub_bucket_count / 2;
  layout.sub_bucket_mask = (layout.sub_bucket_count - 1) << layout.unit_magnitude;

  // One more bucket per doubling until the first value past the last bucket exceeds
  // highest. highest < 2^63 keeps `end` ≤ 2^63 here.
  std::uint64_t end = layout.sub_bucket_count << layout.unit_magnitude;
  layout.bucket_count = 1;
  while (end <= config.highest) {
    end <<= 1;
    ++layout.bucket_count;
  }
  // Bucket 0 has sub_bucket_count slots; every other bucket adds its upper half.
  layout.counts_length =
      (layout.bucket_count + 1) * static_cast<std::size_t>(layout.sub_bucket_half_count);
  return layout;
}

constexpr std::size_t histogram_layout::index_of(std::uint64_t value) const noexcept {
  // OR-ing the mask makes every value below bucket 1 look like bucket 0's top, so the
  // bucket is just "how many doublings past bucket 0": one count-leading-zeros, no loop.
  const auto magnitude = static_cast<unsigned>(std::bit_width(value | sub_bucket_mask));
  const unsigned bucket = magnitude - unit_magnitude - sub_bucket_magnitude;
  const std::uint64_t sub_bucket = value >> (bucket + unit_magnitude);
  // Bucket b ≥ 1 only uses sub-buckets [half, count): its slots start at b × half.
  return static_cast<std::size_t>((std::uint64_t{bucket} << (sub_bucket_magnitude - 1)) +
                                  sub_bucket);
}

constexpr std::uint64_t histogram_layout::lowest_value_at(std::size_t index) const noexcept {
  const std::uint64_t slot = index;
  if (slot < sub_bucket_count) return slot << unit_magnitude;
  const std::uint64_t bucket = (slot >> (sub_bucket_magnitude - 1)) - 1;
  const std::uint64_t sub_bucket = slot - (bucket << (sub_bucket_magnitude - 1));
  return sub_bucket << (bucket + unit_magnitude);
}

constexpr std::uint64_t histogram_layout::highest_value_at(std::size_t index) const noexcept {
  const std::uint64_t slot = index;
  const std::uint64_t bucket =
      slot < sub_bucket_count ? 0 : (slot >> (sub_bucket_magnitude - 1)) - 1;
  return lowest_value_at(index) + (std::uint64_t{1} << (bucket + unit_magnitude)) - 1;
}

}  // namespace detail

constexpr double uint128::to_double() const noexcept {
  return static_cast<double>(high) * 0x1p64 + static_cast<double>(low);
}
namespace detail {

// Adds `n` to a counter of type `Counter` if it has room, and says whether it had.
template <class Counter>
inline bool add_if_room(void* page, std::size_t slot, std::uint64_t n) noexcept {
  auto& counter = static_cast<Counter*>(page)[slot];
  if (n > std::uint64_t{std::numeric_limits<Counter>::max()} - counter) return false;
  counter = static_cast<Counter>(counter + n);
  return true;
}

// How `add` is inlined into `histogram::record`, as measured (docs/performance.md): in the
// compiled library g++ would not inline it (a call per record, twice as slow), while in a
// header-only build forcing it made `record` too large to inline into the caller's loop
// (twice as slow too), so there the compiler decides.
#if defined(STAMPEDE_SEPARATE_COMPILATION)
#  define STAMPEDE_DETAIL_RECORD_INLINE STAMPEDE_ALWAYS_INLINE
#else
#  define STAMPEDE_DETAIL_RECORD_INLINE inline
#endif

// The hot path of every trend record: an allocated page whose counter has room for `n`. A
// new page and counters that must widen go out of line.
STAMPEDE_DETAIL_RECORD_INLINE void paged_counts::add(std::size_t index, std::uint64_t n) noexcept {
  void* const page = pages_[index >> page_shift];
  const std::size_t slot = index & (page_slots - 1);
  if (page != nullptr) [[likely]] {
    switch (width_) {
      case 0:
        if (add_if_room<std::uint8_t>(page, slot, n)) [[likely]] return;
        break;
      case 1:
        if (add_if_room<std::uint16_t>(page, slot, n)) [[likely]] return;
        break;
      case 2:
        if (add_if_room<std::uint32_t>(page, slot, n)) [[likely]] return;
        break;
      default:
        static_cast<std::uint64_t*>(page)[slot] += n;  // wraps past 2^64 - 1, as ever
        return;
    }
  }
  add_slow(index, n);
}

inline std::uint64_t paged_counts::read(const void* page, std::size_t slot) const noexcept {
  if (page == nullptr) return 0;
  switch (width_) {
    case 0: return static_cast<const std::uint8_t*>(page)[slot];
    case 1: return static_cast<const std::uint16_t*>(page)[slot];
    case 2: return static_cast<const std::uint32_t*>(page)[slot];
    default: return static_cast<const std::uint64_t*>(page)[slot];
  }
}

template <class Fn>
bool paged_counts::find_nonzero(Fn&& fn) const {
  // One switch on the width per page, then a plain loop over its counters.
  const auto scan = [&fn](const auto* counters, std::size_t first, std::size_t end) {
    for (std::size_t i = first; i < end; ++i) {
      const std::uint64_t count = counters[i - first];
      if (count != 0 && fn(i, count)) return true;
    }
    return false;
  };
  for (std::size_t p = 0; p < pages_.size(); ++p) {
    const void* page = pages_[p];
    if (page == nullptr) continue;
    const std::size_t first = p << page_shift;
    const std::size_t end = std::min(first + page_slots, length_);
    bool stopped = false;
    switch (width_) {
      case 0: stopped = scan(static_cast<const std::uint8_t*>(page), first, end); break;
      case 1: stopped = scan(static_cast<const std::uint16_t*>(page), first, end); break;
      case 2: stopped = scan(static_cast<const std::uint32_t*>(page), first, end); break;
      default: stopped = scan(static_cast<const std::uint64_t*>(page), first, end); break;
    }
    if (stopped) return true;
  }
  return false;
}

}  // namespace detail

template <std::invocable<std::size_t, std::uint64_t> Fn>
void histogram::for_each_nonzero_bucket(Fn&& fn) const {
  counts_.find_nonzero([&fn](std::size_t index, std::uint64_t count) {
    fn(index, count);
    return false;
  });
}

}  // namespace stampede
