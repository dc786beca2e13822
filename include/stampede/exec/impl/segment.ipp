// Bodies of exec/segment.hpp: k6's lib/execution_segment.go, step for step.
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <optional>
#include <system_error>
#include <utility>

namespace stampede {

namespace detail::segment {

// The largest period of a sequence's striping: its offsets hold one number per element of a
// period, so a sequence of fractions with huge denominators (0.123456789) would need that
// many. k6 has no limit and takes as long as it takes.
inline constexpr std::int64_t max_lcd = 1'000'000;

[[noreturn]] STAMPEDE_DECL void overflow() {
  throw usage_error("an execution segment's arithmetic overflowed 64 bits: use fractions with smaller denominators");
}

STAMPEDE_DECL std::int64_t mul(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
#if defined(__GNUC__) || defined(__clang__)
  if (__builtin_mul_overflow(a, b, &out)) overflow();
#else
  if (a != 0 && (b > std::numeric_limits<std::int64_t>::max() / std::abs(a) ||
                 b < -std::numeric_limits<std::int64_t>::max() / std::abs(a))) {
    overflow();
  }
  out = a * b;
#endif
  return out;
}

STAMPEDE_DECL std::int64_t add(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
#if defined(__GNUC__) || defined(__clang__)
  if (__builtin_add_overflow(a, b, &out)) overflow();
#else
  if ((b > 0 && a > std::numeric_limits<std::int64_t>::max() - b) ||
      (b < 0 && a < std::numeric_limits<std::int64_t>::min() - b)) {
    overflow();
  }
  out = a + b;
#endif
  return out;
}

// Go's `roundUp` of a non-negative or negative fraction: truncated quotient, plus one when
// the remainder is at least half the denominator.
STAMPEDE_DECL std::int64_t round_up(const fraction& f) {
  const std::int64_t quotient = f.numerator() / f.denominator();
  const std::int64_t remainder = f.numerator() % f.denominator();
  return mul(remainder, 2) >= f.denominator() ? quotient + 1 : quotient;
}

// An optionally signed whole number, all of `text`.
STAMPEDE_DECL std::optional<std::int64_t> whole(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty() || text.front() == '+') return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) overflow();
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// `0.25`, `.5`, `-1.5`: a decimal without an exponent, exactly.
STAMPEDE_DECL std::optional<fraction> decimal(std::string_view text) {
  const auto point = text.find('.');
  if (point == std::string_view::npos) {
    const auto n = whole(text);
    return n ? std::optional<fraction>{fraction{*n}} : std::nullopt;
  }
  auto integer = text.substr(0, point);
  const auto digits = text.substr(point + 1);
  bool negative = false;
  if (!integer.empty() && (integer.front() == '-' || integer.front() == '+')) {
    negative = integer.front() == '-';
    integer.remove_prefix(1);
  }
  if (integer.empty() && digits.empty()) return std::nullopt;
  const auto all_digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!all_digits(integer) || !all_digits(digits)) return std::nullopt;
  std::int64_t scale = 1;
  std::int64_t value = 0;
  for (const char c : integer) value = add(mul(value, 10), c - '0');
  for (const char c : digits) {
    value = add(mul(value, 10), c - '0');
    scale = mul(scale, 10);
  }
  return fraction{negative ? -value : value, scale};
}

}  // namespace detail::segment

// --- fraction --------------------------------------------------------------------------------

STAMPEDE_DECL fraction::fraction(std::int64_t numerator, std::int64_t denominator) {
  if (denominator == 0) throw usage_error("a fraction's denominator must not be 0");
  // -2^63 has no negation in 64 bits, which std::gcd takes (and a negative denominator needs).
  if (numerator == std::numeric_limits<std::int64_t>::min()) detail::segment::overflow();
  if (denominator < 0) {
    numerator = detail::segment::mul(numerator, -1);
    denominator = detail::segment::mul(denominator, -1);
  }
  const auto divisor = std::gcd(numerator, denominator);
  num_ = numerator / divisor;
  den_ = denominator / divisor;
}

STAMPEDE_DECL fraction fraction::parse(std::string_view text) {
  namespace d = detail::segment;
  if (!text.empty() && text.back() == '%') {
    const auto n = d::whole(text.substr(0, text.size() - 1));
    if (!n) throw usage_error(fmt::format("'{}' is not a valid percentage", text));
    return fraction{*n, 100};
  }
  const auto invalid = [&] {
    return usage_error(fmt::format("'{}' is not a valid percentage, decimal, fraction or interval value", text));
  };
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    const auto n = d::whole(text.substr(0, slash));
    const auto q = d::whole(text.substr(slash + 1));
    if (!n || !q || *q <= 0 || text.substr(slash + 1).front() == '+') throw invalid();
    return fraction{*n, *q};
  }
  const auto value = d::decimal(text);
  if (!value) throw invalid();
  return *value;
}

STAMPEDE_DECL std::string fraction::to_string() const {
  return den_ == 1 ? std::to_string(num_) : fmt::format("{}/{}", num_, den_);
}

STAMPEDE_DECL std::string fraction::to_decimal(int digits) const {
  namespace d = detail::segment;
  std::int64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale = d::mul(scale, 10);
  const std::int64_t magnitude = num_ < 0 ? -num_ : num_;
  std::int64_t scaled = d::mul(magnitude / den_, scale) + d::mul(magnitude % den_, scale) / den_;
  const std::int64_t rest = d::mul(magnitude % den_, scale) % den_;
  if (d::mul(rest, 2) >= den_) ++scaled;  // halves away from zero
  std::string out = std::to_string(scaled / scale);
  if (digits > 0) out += fmt::format(".{:0{}}", scaled % scale, digits);
  return (num_ < 0 && scaled != 0 ? "-" : "") + out;
}

STAMPEDE_DECL fraction operator+(const fraction& a, const fraction& b) {
  namespace d = detail::segment;
  const auto g = std::gcd(a.den_, b.den_);
  return fraction{d::add(d::mul(a.num_, b.den_ / g), d::mul(b.num_, a.den_ / g)), d::mul(a.den_ / g, b.den_)};
}

STAMPEDE_DECL fraction operator-(const fraction& a, const fraction& b) {
  return a + fraction{detail::segment::mul(b.num_, -1), b.den_};
}

STAMPEDE_DECL fraction operator*(const fraction& a, const fraction& b) {
  namespace d = detail::segment;
  // Cross-reduce first, so that the products stay as small as they can.
  const auto g1 = std::gcd(a.num_, b.den_);
  const auto g2 = std::gcd(b.num_, a.den_);
  const auto n1 = g1 == 0 ? a.num_ : a.num_ / g1;
  const auto d2 = g1 == 0 ? b.den_ : b.den_ / g1;
  const auto n2 = g2 == 0 ? b.num_ : b.num_ / g2;
  const auto d1 = g2 == 0 ? a.den_ : a.den_ / g2;
  return fraction{d::mul(n1, n2), d::mul(d1, d2)};
}

STAMPEDE_DECL std::strong_ordering operator<=>(const fraction& a, const fraction& b) {
  namespace d = detail::segment;
  return d::mul(a.num_, b.den_) <=> d::mul(b.num_, a.den_);
}

// --- execution_segment -----------------------------------------------------------------------

STAMPEDE_DECL execution_segment::execution_segment(fraction from, fraction to) : from_{from}, to_{to} {
  if (from < fraction{0}) {
    throw usage_error(fmt::format("segment start value must be at least 0 but was {}", from.to_decimal(2)));
  }
  if (from >= to) {
    throw usage_error(
        fmt::format("segment start({}) must be less than its end({})", from.to_decimal(2), to.to_decimal(2)));
  }
  if (to > fraction{1}) {
    throw usage_error(fmt::format("segment end value can't be more than 1 but was {}", to.to_decimal(2)));
  }
}

STAMPEDE_DECL execution_segment execution_segment::parse(std::string_view text) {
  if (text.empty()) return execution_segment{};
  fraction from{0};
  if (const auto colon = text.find(':'); colon != std::string_view::npos) {
    from = fraction::parse(text.substr(0, colon));
    text = text.substr(colon + 1);
  }
  return execution_segment{from, fraction::parse(text)};
}

STAMPEDE_DECL std::string execution_segment::to_string() const { return from_.to_string() + ":" + to_.to_string(); }

STAMPEDE_DECL std::int64_t execution_segment::scale(std::int64_t value) const {
  namespace d = detail::segment;
  if (is_whole()) return value;
  const auto to_value = fraction{value} * to_;
  const auto from_value = fraction{value} * from_;
  return d::round_up(to_value - fraction{d::round_up(from_value)});
}

STAMPEDE_DECL std::vector<execution_segment> execution_segment::split(std::int64_t parts) const {
  if (parts < 1) throw usage_error(fmt::format("the number of parts must be at least 1, {} received", parts));
  const auto increment = length() * fraction{1, parts};
  std::vector<execution_segment> out;
  out.reserve(static_cast<std::size_t>(parts));
  fraction from = from_;
  for (std::int64_t i = 0; i < parts; ++i) {
    const auto next = i + 1 == parts ? to_ : from + increment;
    out.emplace_back(from, next);
    from = next;
  }
  return out;
}

STAMPEDE_DECL execution_segment execution_segment::sub_segment(const execution_segment& child) const {
  const auto from = from_ + length() * child.from_;
  execution_segment out;
  out.from_ = from;
  out.to_ = from + length() * child.length();
  return out;
}

// --- execution_segment_sequence --------------------------------------------------------------

STAMPEDE_DECL execution_segment_sequence::execution_segment_sequence(std::vector<execution_segment> segments)
    : segments_{std::move(segments)} {
  for (std::size_t i = 1; i < segments_.size(); ++i) {
    if (segments_[i].from() != segments_[i - 1].to()) {
      throw usage_error(fmt::format(
          "the start value {} of segment #{} must be equal to the end value of the previous one, but it is {}",
          segments_[i].from().to_string(), i, segments_[i - 1].to().to_string()));
    }
  }
}

STAMPEDE_DECL execution_segment_sequence execution_segment_sequence::parse(std::string_view text) {
  if (text.empty()) return {};
  std::vector<std::string_view> points;
  for (std::size_t from = 0;;) {
    const auto comma = text.find(',', from);
    points.push_back(text.substr(from, comma == std::string_view::npos ? std::string_view::npos : comma - from));
    if (comma == std::string_view::npos) break;
    from = comma + 1;
  }
  if (points.size() < 2) {
    throw usage_error(fmt::format("at least 2 points are needed for an execution segment sequence, {} given",
                                  points.size()));
  }
  std::vector<execution_segment> segments;
  fraction start = fraction::parse(points[0]);
  for (std::size_t i = 1; i < points.size(); ++i) {
    const auto end = fraction::parse(points[i]);
    segments.emplace_back(start, end);
    start = end;
  }
  return execution_segment_sequence{std::move(segments)};
}

STAMPEDE_DECL std::string execution_segment_sequence::to_string() const {
  std::string out;
  for (std::size_t i = 0; i < segments_.size(); ++i) {
    if (i == 0) out += segments_[i].from().to_string();
    out += ',';
    out += segments_[i].to().to_string();
  }
  return out;
}

STAMPEDE_DECL bool execution_segment_sequence::is_full() const noexcept {
  return !segments_.empty() && segments_.front().from() == fraction{0} && segments_.back().to() == fraction{1};
}

STAMPEDE_DECL std::int64_t execution_segment_sequence::lcd() const {
  if (segments_.empty()) return 1;
  std::int64_t acc = segments_.front().length().denominator();
  for (std::size_t i = 1; i < segments_.size(); ++i) {
    const auto n = segments_[i].length().denominator();
    if (acc % n == 0) continue;
    acc = detail::segment::mul(acc, n / std::gcd(acc, n));
  }
  return acc;
}

STAMPEDE_DECL std::size_t execution_segment_sequence::find(const execution_segment& segment) const {
  const auto it = std::lower_bound(segments_.begin(), segments_.end(), segment.from(),
                                   [](const execution_segment& s, const fraction& from) { return s.from() < from; });
  if (it == segments_.end() || !(*it == segment)) {
    throw usage_error(fmt::format("couldn't find segment {} in sequence {}", segment.to_string(), to_string()));
  }
  return static_cast<std::size_t>(it - segments_.begin());
}

STAMPEDE_DECL execution_segment_sequence execution_segment_sequence::filled(const execution_segment_sequence& sequence,
                                                                           const execution_segment& fallback) {
  std::vector<execution_segment> out;
  if (sequence.empty()) {
    out.push_back(fallback);
  } else {
    out = sequence.segments_;
  }
  if (out.front().from() != fraction{0}) out.insert(out.begin(), execution_segment{fraction{0}, out.front().from()});
  if (out.back().to() != fraction{1}) out.emplace_back(out.back().to(), fraction{1});
  return execution_segment_sequence{std::move(out)};
}

// --- execution_tuple -------------------------------------------------------------------------

STAMPEDE_DECL execution_tuple::execution_tuple()
    : execution_tuple{execution_segment_sequence{std::vector<execution_segment>{execution_segment{}}}, 0} {}

STAMPEDE_DECL execution_tuple::execution_tuple(const execution_segment& segment, const execution_segment_sequence& sequence)
    : execution_tuple{[&] {
                        auto filled = execution_segment_sequence::filled(sequence, segment);
                        const auto index = filled.find(segment);
                        return execution_tuple{std::move(filled), index};
                      }()} {}

// k6's NewExecutionSegmentSequenceWrapper: deals the elements of one period (lcd of them) out
// to the segments, largest share first, each taking the next element when it has fallen
// behind its share, and keeps for each segment where its first element is and the steps
// between its elements, the last step wrapping around into the next period.
STAMPEDE_DECL execution_tuple::execution_tuple(execution_segment_sequence filled, std::size_t index)
    : sequence_{std::move(filled)}, index_{index} {
  if (!sequence_.is_full()) {
    throw usage_error(fmt::format("cannot stripe the execution segment sequence '{}': it must run from 0 to 1",
                                  sequence_.to_string()));
  }
  lcd_ = sequence_.lcd();
  if (lcd_ > detail::segment::max_lcd) {
    throw usage_error(fmt::format(
        "the execution segment sequence '{}' repeats only every {} elements (more than {}): use simpler fractions",
        sequence_.to_string(), lcd_, detail::segment::max_lcd));
  }
  const auto& segments = sequence_.segments();
  const auto count = segments.size();
  struct share {
    std::int64_t numerator;  // of the segment's length over lcd
    std::size_t original;
  };
  std::vector<share> shares(count);
  offsets_.assign(count, {});
  for (std::size_t i = 0; i < count; ++i) {
    const auto length = segments[i].length();
    shares[i] = {length.numerator() * (lcd_ / length.denominator()), i};
    offsets_[i].reserve(static_cast<std::size_t>(shares[i].numerator) + 1);
  }
  std::stable_sort(shares.begin(), shares.end(), [](const share& a, const share& b) { return a.numerator > b.numerator; });
  std::vector<std::int64_t> previous(count, 0);
  std::vector<std::int64_t> chosen(count, 0);
  for (std::int64_t i = 0; i < lcd_; ++i) {
    for (std::size_t s = 0; s < count; ++s) {
      const std::int64_t num = chosen[s] * lcd_;
      const std::int64_t denom = shares[s].numerator;
      if (i > num / denom || (i == num / denom && num % denom == 0)) {
        ++chosen[s];
        auto& offsets = offsets_[shares[s].original];
        offsets.push_back(i - previous[shares[s].original]);
        previous[shares[s].original] = i;
        if (static_cast<std::int64_t>(offsets.size()) == denom) offsets.push_back(offsets.front() + lcd_ - i);
        break;
      }
    }
  }
  const auto& mine = offsets_[index_];
  positions_.reserve(mine.size() - 1);
  positions_.push_back(mine.front());
  for (std::size_t step = 1; step + 1 < mine.size(); ++step) positions_.push_back(positions_.back() + mine[step]);
}

STAMPEDE_DECL std::string execution_tuple::to_string() const {
  return segment().to_string() + " in " + sequence_.to_string();
}

STAMPEDE_DECL std::int64_t execution_tuple::scale(std::int64_t value) const {
  if (sequence_.size() == 1) return value;  // no segmentation
  return scale_of(index_, value);
}

STAMPEDE_DECL std::int64_t execution_tuple::scale_of(std::size_t index, std::int64_t value) const {
  const auto& mine = offsets_[index];
  const std::int64_t start = mine.front();
  const auto steps = static_cast<std::int64_t>(mine.size() - 1);
  std::int64_t result = (value / lcd_) * steps;
  const std::int64_t rest = value % lcd_;
  std::size_t step = 1;
  for (std::int64_t i = start; i < rest; i += mine[step], ++step) ++result;
  return result;
}

STAMPEDE_DECL striped_offsets execution_tuple::offsets() const {
  const auto& mine = offsets_[index_];
  return {mine.front(), {mine.begin() + 1, mine.end()}, lcd_};
}

STAMPEDE_DECL execution_tuple execution_tuple::for_value(std::int64_t value) const {
  if (value < 1) throw usage_error(fmt::format("cannot generate new sequence for value {}", value));
  if (value % lcd_ == 0) return *this;  // divides evenly: the same shares
  std::vector<execution_segment> segments;
  std::optional<std::size_t> new_index;
  std::int64_t previous = 0;
  for (std::size_t i = 0; i < sequence_.size(); ++i) {
    const auto share = scale_of(i, value);
    if (share == 0) continue;
    if (i == index_) new_index = segments.size();
    segments.emplace_back(fraction{previous, value}, fraction{previous + share, value});
    previous += share;
  }
  if (!new_index) {
    throw usage_error(fmt::format("segment {} ({}) isn't present in the new sequence", index_, segment().to_string()));
  }
  return execution_tuple{execution_segment_sequence{std::move(segments)}, *new_index};
}

// --- segmented_index -------------------------------------------------------------------------

STAMPEDE_DECL segmented_index::segmented_index(const execution_tuple& tuple) : stripes_{tuple.offsets()} {}

STAMPEDE_DECL segmented_index::position segmented_index::next() {
  const auto& steps = stripes_.offsets;
  if (at_.scaled == 0) {
    at_.unscaled += stripes_.start + 1;  // elements count from 1
  } else {
    at_.unscaled += steps[static_cast<std::size_t>((at_.scaled - 1) % static_cast<std::int64_t>(steps.size()))];
  }
  ++at_.scaled;
  return at_;
}

STAMPEDE_DECL segmented_index::position segmented_index::prev() {
  const auto& steps = stripes_.offsets;
  if (at_.scaled == 1) {
    at_.unscaled -= stripes_.start + 1;
  } else {
    at_.unscaled -= steps[static_cast<std::size_t>((at_.scaled - 2) % static_cast<std::int64_t>(steps.size()))];
  }
  --at_.scaled;
  return at_;
}

STAMPEDE_DECL segmented_index::position segmented_index::go_to(std::int64_t value) {
  const auto& steps = stripes_.offsets;
  const std::int64_t cycles = value / stripes_.lcd;
  at_.scaled = cycles * static_cast<std::int64_t>(steps.size());
  at_.unscaled = cycles * stripes_.lcd + stripes_.start + 1;
  std::size_t step = 0;
  for (std::int64_t i = stripes_.start; i < value % stripes_.lcd; i += steps[step], ++step) {
    ++at_.scaled;
    at_.unscaled += steps[step];
  }
  if (step > 0) {
    at_.unscaled -= steps[step - 1];
  } else if (at_.scaled > 0) {
    at_.unscaled -= steps.back();
  }
  if (at_.scaled == 0) at_.unscaled = 0;
  return at_;
}

}  // namespace stampede
