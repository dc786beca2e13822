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
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
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

namespace detail {

STAMPEDE_DECL paged_counts::paged_counts(std::size_t length)
    : pages_((length + page_slots - 1) / page_slots, nullptr), length_(length) {}

STAMPEDE_DECL paged_counts::paged_counts(const paged_counts& other)
    : pages_(other.pages_.size(), nullptr), length_(other.length_), width_(other.width_), allocations_(other.allocations_) {
  const std::size_t bytes = page_slots << width_;
  for (std::size_t p = 0; p < pages_.size(); ++p) {
    if (other.pages_[p] == nullptr) continue;
    pages_[p] = std::malloc(bytes);
    if (pages_[p] == nullptr) {
      release(pages_);
      throw std::bad_alloc{};
    }
    std::memcpy(pages_[p], other.pages_[p], bytes);
  }
}

STAMPEDE_DECL paged_counts& paged_counts::operator=(const paged_counts& other) {
  if (this != &other) *this = paged_counts{other};
  return *this;
}

STAMPEDE_DECL paged_counts& paged_counts::operator=(paged_counts&& other) noexcept {
  if (this != &other) {
    release(pages_);
    pages_ = std::move(other.pages_);
    length_ = other.length_;
    width_ = other.width_;
    allocations_ = other.allocations_;
    other.pages_.clear();
  }
  return *this;
}

STAMPEDE_DECL paged_counts::~paged_counts() { release(pages_); }

STAMPEDE_DECL void paged_counts::release(std::vector<void*>& pages) noexcept {
  for (auto& page : pages) {
    std::free(page);
    page = nullptr;
  }
}

STAMPEDE_DECL void paged_counts::add_slow(std::size_t index, std::uint64_t n) noexcept {
  void*& page = pages_[index >> page_shift];
  const std::size_t slot = index & (page_slots - 1);
  const auto allocate = [this](unsigned width) {
    void* counters = std::calloc(page_slots, std::size_t{1} << width);
    if (counters == nullptr) std::terminate();  // noexcept: recording has no way to report it
    ++allocations_;
    return counters;
  };
  if (page == nullptr) page = allocate(width_);
  // The narrowest width that holds the slot's new count; counters never narrow.
  const std::uint64_t total = read(page, slot) + n;  // wraps past 2^64 - 1, as a 64-bit counter does
  unsigned width = width_;
  while (width < 3 && total >= (std::uint64_t{1} << (8U << width))) ++width;
  if (width != width_) {
    for (auto& p : pages_) {
      if (p == nullptr) continue;
      void* wider = allocate(width);
      for (std::size_t i = 0; i < page_slots; ++i) {
        const std::uint64_t count = read(p, i);
        switch (width) {
          case 1: static_cast<std::uint16_t*>(wider)[i] = static_cast<std::uint16_t>(count); break;
          case 2: static_cast<std::uint32_t*>(wider)[i] = static_cast<std::uint32_t>(count); break;
          default: static_cast<std::uint64_t*>(wider)[i] = count; break;
        }
      }
      std::free(p);
      p = wider;
    }
    width_ = width;
  }
  switch (width_) {
    case 0: static_cast<std::uint8_t*>(page)[slot] = static_cast<std::uint8_t>(total); break;
    case 1: static_cast<std::uint16_t*>(page)[slot] = static_cast<std::uint16_t>(total); break;
    case 2: static_cast<std::uint32_t*>(page)[slot] = static_cast<std::uint32_t>(total); break;
    default: static_cast<std::uint64_t*>(page)[slot] = total; break;
  }
}

STAMPEDE_DECL void paged_counts::clear() noexcept {
  for (void* page : pages_) {
    if (page != nullptr) std::memset(page, 0, page_slots << width_);
  }
}

STAMPEDE_DECL std::size_t paged_counts::allocated_bytes() const noexcept {
  std::size_t bytes = pages_.capacity() * sizeof(void*);
  for (const void* page : pages_) {
    if (page != nullptr) bytes += page_slots << width_;
  }
  return bytes;
}

STAMPEDE_DECL std::size_t paged_counts::max_bytes(std::size_t length) noexcept {
  const std::size_t pages = (length + page_slots - 1) / page_slots;
  return pages * sizeof(void*) + pages * page_slots * sizeof(std::uint64_t);
}

STAMPEDE_DECL bool operator==(const paged_counts& a, const paged_counts& b) noexcept {
  if (a.length_ != b.length_) return false;
  for (std::size_t p = 0; p < a.pages_.size(); ++p) {
    if (a.pages_[p] == nullptr && b.pages_[p] == nullptr) continue;
    for (std::size_t i = 0; i < paged_counts::page_slots; ++i) {
      if (a.read(a.pages_[p], i) != b.read(b.pages_[p], i)) return false;
    }
  }
  return true;
}

}  // namespace detail

STAMPEDE_DECL histogram::histogram() : histogram(histogram_config{}) {}

STAMPEDE_DECL histogram::histogram(const histogram_config& config)
    : config_(config),
      layout_(detail::histogram_layout::from(config)),  // validates before allocating
      counts_(layout_.counts_length) {}

STAMPEDE_DECL void histogram::record(std::uint64_t value) noexcept {
  record(value, 1);
}

STAMPEDE_DECL void histogram::record(std::uint64_t value, std::uint64_t times) noexcept {
  if (times == 0) return;  // otherwise min and max would move without a value
  if (value > config_.highest) {
    value = config_.highest;
    clamped_count_ += times;
  }
  counts_.add(layout_.index_of(value), times);
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
  if (&other == this) {  // adding may widen the pages being read: read a copy instead
    const histogram copy = other;
    merge(copy);
    return;
  }
  other.for_each_nonzero_bucket([this](std::size_t index, std::uint64_t count) { counts_.add(index, count); });
  total_count_ += other.total_count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  detail::add_to(sum_, other.sum_);
  clamped_count_ += other.clamped_count_;
}

STAMPEDE_DECL void histogram::reset() noexcept {
  counts_.clear();
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
  std::uint64_t answer = max_;  // not kept: the counts add up to total_count_ ≥ rank
  counts_.find_nonzero([&](std::size_t i, std::uint64_t count) {
    seen += count;
    // Bucket i holds the rank-th smallest value. Its top is ≥ that value, so the answer
    // never under-reports; the cap keeps it ≤ max(), which also bounds the exact value.
    if (seen < rank) return false;
    answer = std::min(layout_.highest_value_at(i), max_);
    return true;
  });
  return answer;
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
  counts_.find_nonzero([&](std::size_t i, std::uint64_t count) {
    seen += count;  // the ranks [seen - count, seen) are in bucket i
    if (!found_lower && seen > lower_rank) {
      lower = at_rank(lower_rank, i);
      found_lower = true;
    }
    if (seen <= upper_rank) return false;
    upper = at_rank(upper_rank, i);
    return true;
  });
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
    h.counts_.add(bucket.index, bucket.count);  // a repeated index adds up, as a merge would
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
  return sizeof(histogram) + counts_.allocated_bytes();
}

STAMPEDE_DECL std::size_t histogram::memory_bytes(const histogram_config& config) {
  return sizeof(histogram) + detail::paged_counts::max_bytes(detail::histogram_layout::from(config).counts_length);
}

}  // namespace stampede
