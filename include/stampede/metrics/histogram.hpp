// histogram: the HDR-style log-linear histogram behind every Trend (bounded memory, O(1) record).
#pragma once

#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace stampede {

/// An unsigned 128-bit integer: just enough arithmetic for an exact histogram sum.
///
/// 10^9 samples of one hour in nanoseconds add up to 3.6e21, past `std::uint64_t`'s 1.8e19,
/// and a `double` stops counting single nanoseconds at 2^53 (about 104 days). Two 64-bit
/// halves work on every compiler, where `unsigned __int128` does not exist on MSVC.
/// (It lives here until a second module needs it; then it moves to `core/`.)
struct uint128 {
  std::uint64_t high = 0;  ///< the upper 64 bits
  std::uint64_t low = 0;   ///< the lower 64 bits

  /// The value as a `double`: exact below 2^53, else within two roundings.
  [[nodiscard]] constexpr double to_double() const noexcept;
  /// Decimal digits, e.g. "3600000000000000000000": JSON numbers lose precision past 2^53.
  [[nodiscard]] std::string to_string() const;

  // Members are declared high first, so the defaulted ordering is the numeric one.
  friend constexpr bool operator==(const uint128&, const uint128&) = default;
  // clang-tidy 14 flags the `0` its synthesized <=> compares with; there is no literal here.
  // NOLINTNEXTLINE(modernize-use-nullptr)
  friend constexpr std::strong_ordering operator<=>(const uint128&, const uint128&) = default;
};

/// What a histogram can hold and how precisely; two histograms merge only if these are equal.
///
/// ```cpp
/// stampede::histogram h{{.highest = 60'000'000'000, .significant_digits = 2}};  // 1 min, ~1%
/// ```
struct histogram_config {
  /// The resolution: the smallest value told apart from 0. Smaller values, 0 included,
  /// are still recorded, with an absolute error below `lowest`. At least 1.
  std::uint64_t lowest = 1;
  /// The largest value kept as is; larger ones are clamped to it and counted in
  /// `histogram::clamped_count()`. At least `2 * lowest`, at most 2^63 - 1.
  std::uint64_t highest = 3'600'000'000'000;  // one hour in nanoseconds
  /// Decimal digits of precision, 1 to 5: any percentile is within 10^-digits of the exact
  /// one (relative error; see `histogram::value_at_percentile`).
  int significant_digits = 3;

  friend bool operator==(const histogram_config&, const histogram_config&) = default;
};

/// One non-empty bucket of a histogram's raw state.
struct histogram_bucket {
  std::size_t index = 0;    ///< position in the counts array, see `histogram::bucket_count()`
  std::uint64_t count = 0;  ///< how many recorded values fell in it

  friend bool operator==(const histogram_bucket&, const histogram_bucket&) = default;
};

/// Everything a histogram knows, sparse: what a result file stores and `restore` reads back.
struct histogram_state {
  histogram_config config;
  std::vector<histogram_bucket> buckets;  ///< the non-empty buckets, by ascending index
  std::uint64_t min = 0;                  ///< exact; 0 when empty
  std::uint64_t max = 0;                  ///< exact; 0 when empty
  uint128 sum;                            ///< exact
  std::uint64_t clamped_count = 0;        ///< values that were above `config.highest`

  friend bool operator==(const histogram_state&, const histogram_state&) = default;
};

namespace detail {

/// Where each value goes: the arithmetic of the log-linear layout, derived from a config.
///
/// HdrHistogram's names: here a *bucket* is a power-of-two range of values, split into
/// `sub_bucket_count` *slots* of equal width; a slot is one counter, which the public API
/// calls a bucket. Bucket 0 uses all its slots; the others only their upper half, since
/// their lower half is the previous bucket's range. So a slot's width is at most
/// value / (`sub_bucket_count` / 2), and `sub_bucket_count` / 2 is the first power of two
/// ≥ 10^digits: that is where the relative-error bound comes from.
struct histogram_layout {
  unsigned unit_magnitude = 0;        ///< log2 of bucket 0's slot width (≤ lowest)
  unsigned sub_bucket_magnitude = 0;  ///< log2 of `sub_bucket_count`
  std::uint64_t sub_bucket_count = 0;
  std::uint64_t sub_bucket_half_count = 0;
  std::uint64_t sub_bucket_mask = 0;  ///< bits that select a slot inside bucket 0
  std::size_t bucket_count = 0;       ///< powers of two needed to reach `highest`
  std::size_t counts_length = 0;      ///< slots in the counts array

  /// Throws `std::invalid_argument` naming the offending field.
  [[nodiscard]] static constexpr histogram_layout from(const histogram_config& config);

  [[nodiscard]] constexpr std::size_t index_of(std::uint64_t value) const noexcept;
  [[nodiscard]] constexpr std::uint64_t lowest_value_at(std::size_t index) const noexcept;
  [[nodiscard]] constexpr std::uint64_t highest_value_at(std::size_t index) const noexcept;

  friend bool operator==(const histogram_layout&, const histogram_layout&) = default;
};

/// A histogram's counts array, one counter per slot, kept in pages of `page_slots` slots that
/// are allocated when a value first lands in them. Counters are as wide as the largest count
/// needs: 1 byte, widened to 2, 4 and 8 bytes in every page at once when a count outgrows
/// them (at most three times in a histogram's life), so the width is one predictable branch
/// on the record path. A latency's values fill a few dozen of the default layout's 132
/// pages. Reads see one logical array of 64-bit counts whatever the pages' state.
class paged_counts {
 public:
  static constexpr unsigned page_shift = 8;
  static constexpr std::size_t page_slots = std::size_t{1} << page_shift;

  explicit paged_counts(std::size_t length);
  paged_counts(const paged_counts& other);
  paged_counts(paged_counts&& other) noexcept = default;
  paged_counts& operator=(const paged_counts& other);
  paged_counts& operator=(paged_counts&& other) noexcept;
  ~paged_counts();

  /// Adds `n` to slot `index` (< size()). Allocates the slot's page, or widens every page,
  /// when needed; an allocation that fails ends the program (std::terminate), as `noexcept`
  /// says.
  void add(std::size_t index, std::uint64_t n) noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return length_; }
  /// Zeroes every count and keeps the pages and their width.
  void clear() noexcept;
  /// Calls `fn(index, count)` for each non-zero count by ascending index until `fn` returns
  /// true; returns whether it did.
  template <class Fn>
  bool find_nonzero(Fn&& fn) const;
  /// Bytes held: the page table and the pages.
  [[nodiscard]] std::size_t allocated_bytes() const noexcept;
  /// Bytes held at the most: every page allocated with 8-byte counters.
  [[nodiscard]] static std::size_t max_bytes(std::size_t length) noexcept;
  /// How many times `add` allocated a page: first touches, and each page again when the
  /// counters widen (a copy starts from its source's figure).
  [[nodiscard]] std::uint64_t allocations() const noexcept { return allocations_; }

  /// The same counts, however the pages are allocated and wide.
  friend bool operator==(const paged_counts& a, const paged_counts& b) noexcept;

 private:
  void add_slow(std::size_t index, std::uint64_t n) noexcept;
  [[nodiscard]] std::uint64_t read(const void* page, std::size_t slot) const noexcept;
  static void release(std::vector<void*>& pages) noexcept;

  std::vector<void*> pages_;  // nullptr: not allocated yet, nothing landed there
  std::size_t length_ = 0;
  unsigned width_ = 0;  // log2 of every page's counter width in bytes: 0 … 3
  std::uint64_t allocations_ = 0;
};

}  // namespace detail

/// A log-linear histogram of non-negative integers (nanoseconds, for time), in the manner
/// of HdrHistogram: bounded memory, O(1) `record`, exact count, min, max and sum,
/// percentiles within a stated relative error, lossless merge.
///
/// Memory grows with the values' spread, not their number: the counts live in pages of 256
/// buckets, allocated when a value first lands in one, with counters 1 byte wide until a
/// count needs 2, 4 or 8 bytes (`detail::paged_counts`). The default (1 … 3.6e12, 3 digits) has
/// 2,048 buckets of width 1 for 0 … 2,047, then 1,024 per power of two up to 2^42: 33,792
/// buckets in 132 pages. `memory_bytes()` says what a histogram holds now and
/// `memory_bytes(config)` the most one can hold (every page at 8 bytes).
///
/// Thread safety: none: each shard records into its own histogram and the ticker merges them.
/// A moved-from histogram may only be assigned to or destroyed.
/// Throws: `std::invalid_argument` for a bad configuration, a merge of histograms with
/// different configurations, a percentile outside [0, 100] or a state that does not fit its
/// configuration; `std::bad_alloc` when a page cannot be allocated.
///
/// ```cpp
/// stampede::histogram h;          // 1 ns … 1 h, 3 significant digits
/// h.record(1'250'000);            // 1.25 ms
/// h.record(1'300'000, 3);         // 1.3 ms, three times
/// h.record(40'000'000);           // 40 ms
/// h.value_at_percentile(50);      // 1'300'479: the top of 1.3 ms's bucket (1,024 wide)
/// h.value_at_percentile(100);     // 40'000'000: max(), exactly
/// ```
class histogram {
 public:
  /// 1 … 3.6e12 (one hour in ns), 3 significant digits.
  histogram();
  /// Throws `std::invalid_argument` naming the field of `config` that is out of range.
  explicit histogram(const histogram_config& config);

  /// Rebuilds a histogram from `state()` output, losslessly: `restore(h.state()) == h`.
  /// Throws `std::invalid_argument` if the state is inconsistent (a bucket index out of
  /// range, min or max outside the first or last non-empty bucket, a sum below
  /// min × count or above max × count, …), so a corrupt result file is caught on reading.
  [[nodiscard]] static histogram restore(const histogram_state& state);

  /// Counts `value` once. Values above `config().highest` are clamped to it. O(1); allocates
  /// only when its page is new or must widen (a failed allocation ends the program).
  void record(std::uint64_t value) noexcept;
  /// Counts `value` `times` times (0 does nothing), as if `record(value)` were called so.
  void record(std::uint64_t value, std::uint64_t times) noexcept;

  /// Adds every value `other` recorded. Throws `std::invalid_argument` if the configs differ
  /// (their buckets would not line up); the histogram is unchanged then.
  void merge(const histogram& other);
  /// Forgets every value; keeps the config and the pages.
  void reset() noexcept;

  /// How many values were recorded (with their `times`).
  [[nodiscard]] std::uint64_t count() const noexcept { return total_count_; }
  /// The smallest value recorded, exactly; 0 when empty.
  [[nodiscard]] std::uint64_t min() const noexcept { return total_count_ == 0 ? 0 : min_; }
  /// The largest value recorded (after clamping), exactly; 0 when empty.
  [[nodiscard]] std::uint64_t max() const noexcept { return max_; }
  /// The sum of the values recorded (after clamping), exactly.
  [[nodiscard]] uint128 sum() const noexcept { return sum_; }
  /// `sum() / count()` as a `double`; 0 when empty.
  [[nodiscard]] double mean() const noexcept;
  /// How many recorded values were above `config().highest` and were clamped to it.
  [[nodiscard]] std::uint64_t clamped_count() const noexcept { return clamped_count_; }

  /// The value at percentile `p` in [0, 100], by nearest rank: the smallest recorded value
  /// that at least `p`% of the values are ≤ to (rank `ceil(p / 100 × count)`, at least 1).
  ///
  /// The answer is the top of the bucket holding that value, capped at `max()`, so it
  /// never under-reports:
  /// `exact ≤ answer ≤ exact + max(lowest - 1, exact × max_relative_error())`.
  /// A threshold such as `p(95) < 200ms` that holds on the histogram holds on the samples.
  /// `p == 0` gives `min()` and `p == 100` gives `max()`, exactly. 0 when empty.
  /// Throws `std::invalid_argument` naming `p` if it is outside [0, 100] or NaN.
  /// O(bucket_count()): a scan, for reports, not for the hot path.
  [[nodiscard]] std::uint64_t value_at_percentile(double p) const;

  /// Percentile `p` in [0, 100] as k6 computes a Trend's (`TrendSink.P`): with the values
  /// ranked 0 … count() - 1, position `p / 100 × (count() - 1)` falls on a rank or between
  /// two, and the answer is interpolated linearly between their values (samples 5 and 10:
  /// the median is 7.5, where the nearest rank gives 5). Each rank's value is read as
  /// `value_at_percentile` reads one — `min()` and `max()` exactly, else the top of its
  /// bucket capped at `max()` — so the answer never under-reports k6's over the same samples
  /// and exceeds it by at most the bound above, taken at the larger rank's value. 0 when
  /// empty. Throws like `value_at_percentile`. O(bucket_count()).
  [[nodiscard]] double interpolated_percentile(double p) const;

  /// The bound on a percentile's relative error: 1 / 2^k for the first power of two
  /// 2^k ≥ 10^digits (1/1024 ≈ 0.098% at 3 digits), so it is always ≤ 10^-digits.
  [[nodiscard]] double max_relative_error() const noexcept;
  /// The smallest value that shares `value`'s bucket (after clamping).
  [[nodiscard]] std::uint64_t lowest_equivalent_value(std::uint64_t value) const noexcept;
  /// The largest value that shares `value`'s bucket (after clamping).
  [[nodiscard]] std::uint64_t highest_equivalent_value(std::uint64_t value) const noexcept;

  [[nodiscard]] const histogram_config& config() const noexcept { return config_; }
  /// Buckets in the counts array: valid bucket indices are [0, bucket_count()).
  [[nodiscard]] std::size_t bucket_count() const noexcept { return layout_.counts_length; }
  /// The smallest and the largest value bucket `index` holds (< bucket_count()): a value v
  /// is counted there when `bucket_lowest(index) <= v <= bucket_highest(index)`.
  [[nodiscard]] std::uint64_t bucket_lowest(std::size_t index) const noexcept { return layout_.lowest_value_at(index); }
  [[nodiscard]] std::uint64_t bucket_highest(std::size_t index) const noexcept { return layout_.highest_value_at(index); }
  /// Calls `fn(index, count)` for each non-empty bucket, by ascending index. No allocation.
  template <std::invocable<std::size_t, std::uint64_t> Fn>
  void for_each_nonzero_bucket(Fn&& fn) const;
  /// The raw state, sparse (only non-empty buckets), for result files and cross-process
  /// merge.
  [[nodiscard]] histogram_state state() const;

  /// Bytes this histogram occupies now: `sizeof(histogram)`, its page table and its pages.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;
  /// How many heap allocations recording and merging made for its pages: one when a value
  /// first lands in a page and one each time a page's counters widen, so at most four per
  /// page in the histogram's life, and none per value otherwise. A copy starts from its
  /// source's figure.
  [[nodiscard]] std::uint64_t page_allocations() const noexcept { return counts_.allocations(); }
  /// The most a histogram with `config` can occupy, every page allocated with 8-byte
  /// counters, without building one (for planning how many shards × metrics × tag sets fit
  /// in the worst case). Throws like the constructor.
  [[nodiscard]] static std::size_t memory_bytes(const histogram_config& config);

  /// Same config and the same recorded contents (counts, min, max, sum, clamped count).
  friend bool operator==(const histogram&, const histogram&) = default;

 private:
  histogram_config config_;
  detail::histogram_layout layout_;
  detail::paged_counts counts_;  // one per bucket
  std::uint64_t total_count_ = 0;
  // Starts above any value so the first record() sets it without a branch on emptiness.
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
  uint128 sum_;
  std::uint64_t clamped_count_ = 0;
};

}  // namespace stampede

#include <stampede/metrics/impl/histogram.hpp>
#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/metrics/impl/histogram.ipp>
#endif
