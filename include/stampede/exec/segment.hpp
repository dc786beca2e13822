// k6's execution segments: the share of a test one process runs when a test runs as parts on
// several machines (`--execution-segment 1/4:1/2`), with k6's exact arithmetic, so that the
// parts of a sequence together do every VU and every iteration exactly once. The reference is
// k6's `lib/execution_segment.go`; `tests/exec/segment_test.cpp` ports its test tables.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stampede {

/// An exact fraction in lowest terms with a positive denominator, as k6's `big.Rat` holds a
/// segment's bounds. Arithmetic that would overflow 64 bits throws `usage_error` (k6's big
/// numbers have no limit; a segment needs no more than a few digits).
class fraction {
 public:
  constexpr fraction() noexcept = default;
  /// `numerator / denominator`, reduced. Throws `usage_error` for a zero denominator.
  fraction(std::int64_t numerator, std::int64_t denominator = 1);  // NOLINT(google-explicit-constructor): 1 is 1/1

  /// Reads `1/4`, `0.25`, `25%` (a whole percentage, as k6 takes it) or `1`. Throws
  /// `usage_error` with k6's message: `'x' is not a valid percentage, decimal, fraction or
  /// interval value`.
  [[nodiscard]] static fraction parse(std::string_view text);

  [[nodiscard]] constexpr std::int64_t numerator() const noexcept { return num_; }
  [[nodiscard]] constexpr std::int64_t denominator() const noexcept { return den_; }
  /// `1/4`, `3`, `0`: Go's `Rat.RatString`.
  [[nodiscard]] std::string to_string() const;
  /// With `digits` decimals, halves rounded away from zero: Go's `Rat.FloatString`.
  [[nodiscard]] std::string to_decimal(int digits) const;
  [[nodiscard]] double to_double() const noexcept {
    return static_cast<double>(num_) / static_cast<double>(den_);
  }

  friend fraction operator+(const fraction& a, const fraction& b);
  friend fraction operator-(const fraction& a, const fraction& b);
  friend fraction operator*(const fraction& a, const fraction& b);
  friend bool operator==(const fraction& a, const fraction& b) noexcept = default;
  friend std::strong_ordering operator<=>(const fraction& a, const fraction& b);

 private:
  std::int64_t num_ = 0;
  std::int64_t den_ = 1;
};

/// The share `[from, to)` of every executor's work that one process does, 0 ≤ from < to ≤ 1.
/// The default is the whole test, `0:1`.
///
/// ```cpp
/// auto part = stampede::execution_segment::parse("1/4:2/4");   // also 25%:50%, 0.25:0.5
/// part.to_string();   // "1/4:1/2"
/// part.scale(10);     // 3: k6 rounds both ends, so four quarters of 10 give 3, 2, 3, 2
/// ```
///
/// Throws: `usage_error` with k6's message for bounds out of order or outside [0, 1].
class execution_segment {
 public:
  execution_segment() = default;
  execution_segment(fraction from, fraction to);

  /// k6's `--execution-segment` text: `from:to` or `to` alone (from 0); each bound a fraction,
  /// a decimal or a whole percentage; empty is the whole test.
  [[nodiscard]] static execution_segment parse(std::string_view text);

  [[nodiscard]] const fraction& from() const noexcept { return from_; }
  [[nodiscard]] const fraction& to() const noexcept { return to_; }
  [[nodiscard]] fraction length() const { return to_ - from_; }
  [[nodiscard]] bool is_whole() const noexcept { return from_ == fraction{0} && to_ == fraction{1}; }
  /// `1/4:1/2`.
  [[nodiscard]] std::string to_string() const;

  /// This segment's share of `value`, k6's `Scale`: round(value × to − round(value × from)),
  /// halves up. For one segment alone; `execution_tuple::scale` stripes a sequence instead.
  [[nodiscard]] std::int64_t scale(std::int64_t value) const;
  /// `parts` equal consecutive segments that make up this one. Throws `usage_error` for fewer
  /// than 1.
  [[nodiscard]] std::vector<execution_segment> split(std::int64_t parts) const;
  /// `child` taken inside this segment (k6's `SubSegment`): `0:1/2` of `1/2:1` is `1/2:3/4`.
  [[nodiscard]] execution_segment sub_segment(const execution_segment& child) const;

  friend bool operator==(const execution_segment&, const execution_segment&) = default;

 private:
  fraction from_{0};
  fraction to_{1};
};

/// Consecutive segments: the parts a test is split into (`--execution-segment-sequence
/// 0,1/4,1/2,1`).
///
/// Throws: `usage_error` with k6's message for fewer than two points or bounds out of order.
class execution_segment_sequence {
 public:
  execution_segment_sequence() = default;
  /// Throws `usage_error` unless each segment starts where the previous one ends.
  explicit execution_segment_sequence(std::vector<execution_segment> segments);

  /// `0,1/4,1/2,1`: the points between the segments; empty is no sequence.
  [[nodiscard]] static execution_segment_sequence parse(std::string_view text);

  [[nodiscard]] const std::vector<execution_segment>& segments() const noexcept { return segments_; }
  [[nodiscard]] bool empty() const noexcept { return segments_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return segments_.size(); }
  /// `0,1/4,1/2,1`.
  [[nodiscard]] std::string to_string() const;
  /// From 0 to 1 with no gap.
  [[nodiscard]] bool is_full() const noexcept;
  /// The least common denominator of the segments' lengths: the period of k6's striping.
  [[nodiscard]] std::int64_t lcd() const;
  /// Where `segment` is in the sequence. Throws `usage_error`: `couldn't find segment 1/3:1/2
  /// in sequence 0,1/4,1/2,1`.
  [[nodiscard]] std::size_t find(const execution_segment& segment) const;

  /// k6's `GetFilledExecutionSegmentSequence`: `sequence` (or `fallback` alone when it is
  /// empty) with segments added before and after so that it runs from 0 to 1.
  [[nodiscard]] static execution_segment_sequence filled(const execution_segment_sequence& sequence,
                                                         const execution_segment& fallback);

  friend bool operator==(const execution_segment_sequence&, const execution_segment_sequence&) = default;

 private:
  std::vector<execution_segment> segments_;
};

/// Where one segment's elements fall among the whole's: k6's striping. Of every `lcd`
/// consecutive elements (VUs, iterations), the segment owns those at `start`,
/// `start + offsets[0]`, `start + offsets[0] + offsets[1]`, …, and the pattern repeats.
struct striped_offsets {
  std::int64_t start = 0;
  std::vector<std::int64_t> offsets;
  std::int64_t lcd = 1;

  friend bool operator==(const striped_offsets&, const striped_offsets&) = default;
};

/// A segment within its sequence, k6's `ExecutionTuple`: what every executor consults to
/// scale its VUs and iterations, so that the parts of the sequence share them out exactly —
/// the scaled values of all parts add up to the whole for every value, and each part's
/// elements are spread evenly among the whole's rather than taken in a block.
///
/// ```cpp
/// stampede::execution_tuple part{stampede::execution_segment::parse("1/4:1/2"),
///                                stampede::execution_segment_sequence::parse("0,1/4,1/2,1")};
/// part.scale(10);   // 2: of 10 VUs, parts get 3, 2 and 5
/// ```
///
/// Throws: `usage_error` from the constructor when the segment is not one of the sequence's.
class execution_tuple {
 public:
  /// The whole test: no segmentation.
  execution_tuple();
  /// `segment` in `sequence` filled to 0…1 (an empty sequence: the segment and what is
  /// around it).
  explicit execution_tuple(const execution_segment& segment, const execution_segment_sequence& sequence = {});

  [[nodiscard]] const execution_segment& segment() const noexcept { return sequence_.segments()[index_]; }
  /// The filled sequence.
  [[nodiscard]] const execution_segment_sequence& sequence() const noexcept { return sequence_; }
  [[nodiscard]] std::size_t index() const noexcept { return index_; }
  /// The whole test: a sequence of one segment, `0:1`.
  [[nodiscard]] bool is_whole() const noexcept { return sequence_.size() == 1; }
  /// `1/4:1/2 in 0,1/4,1/2,1`.
  [[nodiscard]] std::string to_string() const;

  /// This part's share of `value` elements (k6's `ScaleInt64`): how many of the elements
  /// 0 … value − 1 fall on it.
  [[nodiscard]] std::int64_t scale(std::int64_t value) const;
  /// The striping of this part.
  [[nodiscard]] striped_offsets offsets() const;
  /// The whole's element that is this part's `n`-th, both counted from 0: a part's VU or
  /// iteration `n` is the test's `unscaled_index(n)`. The first `scale(v)` of them are the
  /// part's elements among the whole's first `v`. Constant time.
  [[nodiscard]] std::int64_t unscaled_index(std::int64_t n) const noexcept {
    const auto per_period = static_cast<std::int64_t>(positions_.size());
    return (n / per_period) * lcd_ + positions_[static_cast<std::size_t>(n % per_period)];
  }
  /// The same part after a first split of `value` elements (k6's
  /// `GetNewExecutionTupleFromValue`): the sequence re-based so that each part's share is its
  /// count of the `value` elements; parts with none drop out. What an executor that divides
  /// something already divided (the VUs, then their iterations) uses. Throws `usage_error`
  /// for a value below 1, or when this part gets none of the elements.
  [[nodiscard]] execution_tuple for_value(std::int64_t value) const;

  friend bool operator==(const execution_tuple& a, const execution_tuple& b) {
    return a.sequence_ == b.sequence_ && a.index_ == b.index_;
  }

 private:
  execution_tuple(execution_segment_sequence filled, std::size_t index);
  // How many of `value` elements fall on segment `index` of the sequence.
  [[nodiscard]] std::int64_t scale_of(std::size_t index, std::int64_t value) const;

  execution_segment_sequence sequence_;
  std::size_t index_ = 0;
  std::int64_t lcd_ = 1;
  std::vector<std::vector<std::int64_t>> offsets_;  // per segment: start, then the steps
  std::vector<std::int64_t> positions_;             // this segment's elements within one period
};

/// Walks a part's elements in order, k6's `SegmentedIndex`: the n-th element of the part
/// (`scaled`, from 1) and its number among the whole's (`unscaled`, from 1).
class segmented_index {
 public:
  struct position {
    std::int64_t scaled = 0;
    std::int64_t unscaled = 0;
    friend bool operator==(const position&, const position&) = default;
  };

  explicit segmented_index(const execution_tuple& tuple);

  position next();
  position prev();
  /// The position of the last of the part's elements among the whole's first `value`.
  position go_to(std::int64_t value);

 private:
  striped_offsets stripes_;
  position at_;
};

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/exec/impl/segment.ipp>
#endif
