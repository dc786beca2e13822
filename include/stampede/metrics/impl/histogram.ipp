// Bodies of stampede::histogram and its helpers; included at the bottom of metrics/histogram.hpp.
#pragma once

#include <stampede/config.hpp>

// No #include of metrics/histogram.hpp: that header includes this one at its end, and
// including it back would redefine everything when a tool compiles the header as a main
// file (where #pragma once does not apply).

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>

namespace stampede {

STAMPEDE_DECL std::string uint128::to_string() const {
  // Long division by 10 on four 32-bit limbs, most significant first.
  std::uint64_t limbs[4] = {high >> 32, high & 0xffff'ffff, low >> 32, low & 0xffff'ffff};
  std::string digits;
  do {
    std::uint64_t remainder = 0;
    for (auto& limb : limbs) {
      const std::uint64_t current = (remainder << 32) | limb;
      limb = current / 10;
      remainder = current % 10;
    }
    digits.push_back(static_cast<char>('0' + remainder));
  } while ((limbs[0] | limbs[1] | limbs[2] | limbs[3]) != 0);
  std::reverse(digits.begin(), digits.end());
  return digits;
}

STAMPEDE_DECL histogram::histogram() : histogram(histogram_config{}) {}

STAMPEDE_DECL histogram::histogram(const histogram_config& config)
    : config_(config),
      layout_(detail::histogram_layout::from(config)),  // validates before allocating
      counts_(layout_.counts_length, 0) {}

STAMPEDE_DECL void histogram::record(std::uint64_t value) noexcept {
  record(value, 1);
}

STAMPEDE_DECL void histogram::record(std::uint64_t value, std::uint64_t times) noexcept {
  if (times == 0) return;  // otherwise min and max would move without a value
  if (value > config_.highest) {
    value = config_.highest;
    clamped_count_ += times;
  }
  counts_[layout_.index_of(value)] += times;
  total_count_ += times;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  detail::add_to(sum_, detail::multiply(value, times));
}

STAMPEDE_DECL void histogram::merge(const histogram& other) {
  if (other.config_ != config_) {
    throw std::invalid_argument("histogram::merge: configs differ, this is " +
                                detail::describe(config_) + " and the other is " +
                                detail::describe(other.config_));
  }
  if (other.total_count_ > 0) {  // the other's non-empty buckets lie from its min's to its max's
    const auto last = other.layout_.index_of(other.max_);
    for (auto i = other.layout_.index_of(other.min_); i <= last; ++i) counts_[i] += other.counts_[i];
  }
  total_count_ += other.total_count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  detail::add_to(sum_, other.sum_);
  clamped_count_ += other.clamped_count_;
}

STAMPEDE_DECL void histogram::reset() noexcept {
  // Only the buckets from min's to max's can be non-empty, a small part of the whole for a
  // latency's range, so a recorder can reuse its histograms every tick cheaply.
  if (total_count_ > 0) {
    const auto first = counts_.begin() + static_cast<std::ptrdiff_t>(layout_.index_of(min_));
    const auto last = counts_.begin() + static_cast<std::ptrdiff_t>(layout_.index_of(max_)) + 1;
    std::fill(first, last, std::uint64_t{0});
  }
  total_count_ = 0;
  min_ = UINT64_MAX;
  max_ = 0;
  sum_ = {};
  clamped_count_ = 0;
}

STAMPEDE_DECL double histogram::mean() const noexcept {
  if (total_count_ == 0) return 0.0;
  return sum_.to_double() / static_cast<double>(total_count_);
}

STAMPEDE_DECL std::uint64_t histogram::value_at_percentile(double p) const {
  if (!(p >= 0.0 && p <= 100.0)) {  // written so that NaN fails too
    throw std::invalid_argument("histogram::value_at_percentile: p must be in [0, 100], got " +
                                detail::describe(p));
  }
  if (total_count_ == 0) return 0;
  const std::uint64_t rank = detail::nearest_rank(p, total_count_);
  // The extremes are known exactly; the buckets only know them to within their width.
  if (rank == 1) return min();
  if (rank == total_count_) return max_;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    // Bucket i holds the rank-th smallest value. Its top is ≥ that value, so the answer
    // never under-reports; the cap keeps it ≤ max(), which also bounds the exact value.
    if (seen >= rank) return std::min(layout_.highest_value_at(i), max_);
  }
  return max_;  // not reached: the counts add up to total_count_ ≥ rank
}

STAMPEDE_DECL double histogram::interpolated_percentile(double p) const {
  if (!(p >= 0.0 && p <= 100.0)) {  // written so that NaN fails too
    throw std::invalid_argument("histogram::interpolated_percentile: p must be in [0, 100], got " +
                                detail::describe(p));
  }
  if (total_count_ == 0) return 0;
  // k6: i := pct * (float64(t.count) - 1.0), with pct = p / 100; the same operations in the
  // same order, so a position that is whole in k6 is whole here.
  const double position = p / 100.0 * (static_cast<double>(total_count_) - 1.0);
  const double below = std::floor(position);
  const double fraction = position - below;
  // 0-based ranks, kept ≤ count() - 1 before the cast (the double may round up past it).
  const auto rank_at = [&](double x) {
    return x >= static_cast<double>(total_count_ - 1) ? total_count_ - 1 : static_cast<std::uint64_t>(x);
  };
  const auto lower_rank = rank_at(below);
  const auto upper_rank = rank_at(std::ceil(position));
  // The value at a 0-based rank: the extremes exactly, else the top of its bucket, capped.
  const auto at_rank = [&](std::uint64_t rank, std::size_t bucket) {
    if (rank == 0) return min();
    if (rank == total_count_ - 1) return max_;
    return std::min(layout_.highest_value_at(bucket), max_);
  };
  std::uint64_t lower = 0;
  std::uint64_t upper = 0;
  bool found_lower = false;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];  // the ranks [seen - counts_[i], seen) are in bucket i
    if (!found_lower && seen > lower_rank) {
      lower = at_rank(lower_rank, i);
      found_lower = true;
    }
    if (seen > upper_rank) {
      upper = at_rank(upper_rank, i);
      break;
    }
  }
  const auto low = static_cast<double>(lower);
  return low + (static_cast<double>(upper) - low) * fraction;
}

STAMPEDE_DECL double histogram::max_relative_error() const noexcept {
  return 1.0 / static_cast<double>(layout_.sub_bucket_half_count);
}

STAMPEDE_DECL std::uint64_t histogram::lowest_equivalent_value(std::uint64_t value) const noexcept {
  return layout_.lowest_value_at(layout_.index_of(std::min(value, config_.highest)));
}

STAMPEDE_DECL std::uint64_t histogram::highest_equivalent_value(std::uint64_t value) const noexcept {
  return layout_.highest_value_at(layout_.index_of(std::min(value, config_.highest)));
}

STAMPEDE_DECL histogram_state histogram::state() const {
  histogram_state state{.config = config_,
                        .buckets = {},
                        .min = min(),
                        .max = max_,
                        .sum = sum_,
                        .clamped_count = clamped_count_};
  for_each_nonzero_bucket([&state](std::size_t index, std::uint64_t count) {
    state.buckets.push_back(histogram_bucket{.index = index, .count = count});
  });
  return state;
}

STAMPEDE_DECL histogram histogram::restore(const histogram_state& state) {
  histogram h{state.config};
  const auto fail = [](const std::string& why) {
    throw std::invalid_argument("histogram::restore: " + why);
  };

  std::uint64_t total = 0;
  std::size_t first = h.counts_.size();
  std::size_t last = 0;
  for (const histogram_bucket& bucket : state.buckets) {
    if (bucket.index >= h.counts_.size()) {
      fail("bucket index " + std::to_string(bucket.index) + " is out of range (the config has " +
           std::to_string(h.counts_.size()) + " buckets)");
    }
    if (bucket.count == 0) continue;
    if (total + bucket.count < total) fail("the bucket counts add up to more than 2^64 - 1");
    total += bucket.count;
    h.counts_[bucket.index] += bucket.count;  // a repeated index adds up, as a merge would
    first = std::min(first, bucket.index);
    last = std::max(last, bucket.index);
  }

  if (total == 0) {
    if (state.min != 0 || state.max != 0 || state.sum != uint128{} || state.clamped_count != 0) {
      fail("a state without counts must have min, max, sum and clamped_count 0");
    }
    return h;
  }
  // Percentiles rely on min and max lying in the first and last non-empty buckets (p0, p100
  // and the cap), and mean on the sum: check what a corrupt file could break.
  const auto min_text = std::to_string(state.min);
  const auto max_text = std::to_string(state.max);
  if (state.max > state.config.highest) {
    fail("max (" + max_text + ") is above config.highest (" + std::to_string(state.config.highest) +
         ")");
  }
  if (state.min > state.max) fail("min (" + min_text + ") is above max (" + max_text + ")");
  if (h.layout_.index_of(state.min) != first) {
    fail("min (" + min_text + ") is not in the first non-empty bucket (" + std::to_string(first) +
         ")");
  }
  if (h.layout_.index_of(state.max) != last) {
    fail("max (" + max_text + ") is not in the last non-empty bucket (" + std::to_string(last) +
         ")");
  }
  if (state.clamped_count > total) {
    fail("clamped_count (" + std::to_string(state.clamped_count) + ") is above the total count (" +
         std::to_string(total) + ")");
  }
  if (state.clamped_count != 0 && state.max != state.config.highest) {
    fail("values were clamped but max (" + max_text + ") is not config.highest");
  }
  if (state.sum < detail::multiply(state.min, total) ||
      state.sum > detail::multiply(state.max, total)) {
    fail("sum (" + state.sum.to_string() + ") is outside [min × count, max × count]");
  }

  h.total_count_ = total;
  h.min_ = state.min;
  h.max_ = state.max;
  h.sum_ = state.sum;
  h.clamped_count_ = state.clamped_count;
  return h;
}

STAMPEDE_DECL std::size_t histogram::memory_bytes() const noexcept {
  return sizeof(histogram) + counts_.capacity() * sizeof(std::uint64_t);
}

STAMPEDE_DECL std::size_t histogram::memory_bytes(const histogram_config& config) {
  return sizeof(histogram) +
         detail::histogram_layout::from(config).counts_length * sizeof(std::uint64_t);
}

}  // namespace stampede
