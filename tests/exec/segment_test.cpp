// Tests of execution segments, segment sequences, execution tuples (k6's striping) and the
// segmented index: a port of k6's lib/execution_segment_test.go, with k6's tables kept as they
// are (inputs and expected outputs). Where k6 uses a nil *ExecutionSegment (the whole test,
// 0:1) these tests use a default-constructed execution_segment; a nil sequence is an empty one.
//
// Not ported: TestExecutionSegmentCopyScaleRat and TestExecutionSegmentInPlaceScaleRat (stampede
// has no API that scales a big.Rat by a segment's length), and k6's benchmarks. Where k6 draws
// random sequences from math/rand seeded with the clock, these tests draw them from
// std::mt19937_64 with a fixed seed and a bounded number of cases, so that they are
// deterministic and fast.
#include <stampede/exec/segment.hpp>

#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace sp = stampede;

namespace {

sp::execution_segment segment(const char* text) { return sp::execution_segment::parse(text); }

sp::execution_segment_sequence sequence(const char* text) { return sp::execution_segment_sequence::parse(text); }

// A uniform draw from [0, bound), like Go's rand.Int63n. The modulo's bias is irrelevant here,
// and unlike std::uniform_int_distribution it gives the same numbers with every standard library.
std::int64_t draw(std::mt19937_64& rng, std::int64_t bound) {
  return static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(bound));
}

// k6's generateRandomSequence: `n` consecutive segments from 0 to 1 whose lengths are
// 1 + Int63n(m) over their total.
sp::execution_segment_sequence random_sequence(std::mt19937_64& rng, std::int64_t n, std::int64_t m) {
  std::vector<std::int64_t> numerators;
  std::int64_t denominator = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    numerators.push_back(1 + draw(rng, m));
    denominator += numerators.back();
  }
  std::vector<sp::execution_segment> segments;
  std::int64_t sum = 0;
  for (const auto numerator : numerators) {
    const sp::fraction from{sum, denominator};
    sum += numerator;
    segments.emplace_back(from, sp::fraction{sum, denominator});
  }
  return sp::execution_segment_sequence{std::move(segments)};
}

}  // namespace

TEST_CASE("the default segment is the whole test, 0:1, and a segment equals itself (k6's TestExecutionSegmentEquals)") {
  SECTION("nil segment to full") {
    const sp::execution_segment nil_segment;
    const auto full = segment("0:1");
    CHECK(nil_segment == full);
    CHECK(full == nil_segment);
  }
  SECTION("to itself") {
    const auto s = segment("1/2:2/3");
    CHECK(s == s);
  }
}

TEST_CASE("a segment needs 0 <= from < to <= 1 (k6's TestExecutionSegmentNew)") {
  using sp::fraction;
  SECTION("from is below zero") {
    CHECK_THROWS_AS(sp::execution_segment(fraction{-1, 1}, fraction{1, 1}), sp::usage_error);
    CHECK_THROWS_WITH(sp::execution_segment(fraction{-1, 1}, fraction{1, 1}),
                      Catch::Contains("segment start value must be at least 0 but was -1.00"));
  }
  SECTION("to is more than 1") {
    CHECK_THROWS_AS(sp::execution_segment(fraction{0, 1}, fraction{2, 1}), sp::usage_error);
    CHECK_THROWS_WITH(sp::execution_segment(fraction{0, 1}, fraction{2, 1}),
                      Catch::Contains("segment end value can't be more than 1 but was 2.00"));
  }
  SECTION("from is bigger than to") {
    CHECK_THROWS_AS(sp::execution_segment(fraction{1, 2}, fraction{1, 3}), sp::usage_error);
    CHECK_THROWS_WITH(sp::execution_segment(fraction{1, 2}, fraction{1, 3}),
                      Catch::Contains("segment start(0.50) must be less than its end(0.33)"));
  }
  SECTION("from is equal to to") {
    CHECK_THROWS_AS(sp::execution_segment(fraction{1, 2}, fraction{1, 2}), sp::usage_error);
    CHECK_THROWS_WITH(sp::execution_segment(fraction{1, 2}, fraction{1, 2}),
                      Catch::Contains("segment start(0.50) must be less than its end(0.50)"));
  }
  SECTION("ok") {
    CHECK_NOTHROW(sp::execution_segment(fraction{0, 1}, fraction{1, 1}));
  }
}

TEST_CASE("a segment reads fractions, decimals and whole percentages, and its text reads back the same (k6's TestExecutionSegmentUnmarshalText)") {
  struct row {
    const char* input;
    std::optional<sp::execution_segment> output;  // empty: an error
    const char* error = "";
  };
  const sp::fraction zero{0};
  const sp::fraction one{1};
  const std::vector<row> rows = {
      {.input = "0:1", .output = sp::execution_segment{zero, one}},
      {.input = "0.5:0.75", .output = sp::execution_segment{sp::fraction{1, 2}, sp::fraction{3, 4}}},
      {.input = "1/2:3/4", .output = sp::execution_segment{sp::fraction{1, 2}, sp::fraction{3, 4}}},
      {.input = "50%:75%", .output = sp::execution_segment{sp::fraction{1, 2}, sp::fraction{3, 4}}},
      {.input = "2/4:75%", .output = sp::execution_segment{sp::fraction{1, 2}, sp::fraction{3, 4}}},
      {.input = "75%", .output = sp::execution_segment{zero, sp::fraction{3, 4}}},
      {.input = "125%", .output = std::nullopt, .error = "segment end value can't be more than 1 but was 1.25"},
      {.input = "1a5%", .output = std::nullopt, .error = "'1a5%' is not a valid percentage"},
      {.input = "1a5",
       .output = std::nullopt,
       .error = "'1a5' is not a valid percentage, decimal, fraction or interval value"},
      {.input = "1a5%:2/3", .output = std::nullopt, .error = "'1a5%' is not a valid percentage"},
      {.input = "125%:250%", .output = std::nullopt, .error = "segment end value can't be more than 1 but was 2.50"},
      {.input = "55%:50%", .output = std::nullopt, .error = "segment start(0.55) must be less than its end(0.50)"},
  };
  for (const auto& r : rows) {
    INFO(r.input);
    if (!r.output) {
      CHECK_THROWS_AS(sp::execution_segment::parse(r.input), sp::usage_error);
      CHECK_THROWS_WITH(sp::execution_segment::parse(r.input), Catch::Contains(r.error));
      continue;
    }
    const auto parsed = sp::execution_segment::parse(r.input);
    INFO(parsed.to_string());
    CHECK(parsed == *r.output);
    // Reading a segment's text gives back the same segment.
    CHECK(sp::execution_segment::parse(parsed.to_string()) == *r.output);
  }

  SECTION("the default segment's text reads back as the default segment") {
    const sp::execution_segment nil_segment;
    CHECK(nil_segment.to_string() == "0:1");
    CHECK(sp::execution_segment::parse(nil_segment.to_string()) == nil_segment);
  }
}

TEST_CASE("a segment splits into equal consecutive parts, at least one (k6's TestExecutionSegmentSplit)") {
  const sp::execution_segment nil_segment;
  CHECK_THROWS_AS(nil_segment.split(-1), sp::usage_error);
  CHECK_THROWS_WITH(nil_segment.split(-1), Catch::Contains("the number of parts must be at least 1, -1 received"));
  CHECK_THROWS_AS(nil_segment.split(0), sp::usage_error);
  CHECK_THROWS_WITH(nil_segment.split(0), Catch::Contains("the number of parts must be at least 1, 0 received"));

  const auto strings = [](const std::vector<sp::execution_segment>& segments) {
    std::vector<std::string> out;
    for (const auto& s : segments) out.push_back(s.to_string());
    return out;
  };
  using strs = std::vector<std::string>;
  CHECK(strings(nil_segment.split(1)) == strs{"0:1"});
  CHECK(strings(nil_segment.split(2)) == strs{"0:1/2", "1/2:1"});
  CHECK(strings(nil_segment.split(3)) == strs{"0:1/3", "1/3:2/3", "2/3:1"});

  const sp::execution_segment second_quarter{sp::fraction{1, 4}, sp::fraction{2, 4}};
  CHECK(strings(second_quarter.split(1)) == strs{"1/4:1/2"});
  CHECK(strings(second_quarter.split(2)) == strs{"1/4:3/8", "3/8:1/2"});
  CHECK(strings(second_quarter.split(3)) == strs{"1/4:1/3", "1/3:5/12", "5/12:1/2"});
  CHECK(strings(second_quarter.split(4)) == strs{"1/4:5/16", "5/16:3/8", "3/8:7/16", "7/16:1/2"});
}

TEST_CASE("a segment's scale rounds both ends, so that quarters of 2 give 1, 0, 1, 0 and of 3 give 1, 1, 0, 1 (k6's TestExecutionSegmentFailures)") {
  auto s = segment("0:0.25");
  CHECK(s.scale(2) == 1);
  CHECK(s.scale(3) == 1);

  s = segment("0.25:0.5");
  CHECK(s.scale(2) == 0);
  CHECK(s.scale(3) == 1);

  s = segment("0.5:0.75");
  CHECK(s.scale(2) == 1);
  CHECK(s.scale(3) == 0);

  s = segment("0.75:1");
  CHECK(s.scale(2) == 0);
  CHECK(s.scale(3) == 1);
}

TEST_CASE("a tuple of a half gives the first half 2 of 3 and the second half 1, with or without a sequence (k6's TestExecutionTupleScale)") {
  auto et = sp::execution_tuple{segment("0.5"), sp::execution_segment_sequence{}};
  CHECK(et.scale(2) == 1);
  CHECK(et.scale(3) == 2);

  et = sp::execution_tuple{segment("0.5:1.0"), sp::execution_segment_sequence{}};
  CHECK(et.scale(2) == 1);
  CHECK(et.scale(3) == 1);

  const auto ess = sequence("0,0.5,1");
  et = sp::execution_tuple{segment("0.5"), ess};
  CHECK(et.scale(2) == 1);
  CHECK(et.scale(3) == 2);

  et = sp::execution_tuple{segment("0.5:1.0"), ess};
  CHECK(et.scale(2) == 1);
  CHECK(et.scale(3) == 1);
}

TEST_CASE("a tuple of 0:7/20 in 0,7/20,7/10,1 gets 18 of 50 (k6's TestBigScale)") {
  const sp::execution_tuple et{segment("0:7/20"), sequence("0,7/20,7/10,1")};
  CHECK(et.scale(50) == 18);
}

TEST_CASE("a sub-segment is taken inside its parent, and the default segment changes nothing (k6's TestExecutionSegmentSubSegment)") {
  struct row {
    const char* name;
    sp::execution_segment base;
    sp::execution_segment sub;
    sp::execution_segment result;
  };
  const std::vector<row> rows = {
      {.name = "nil base", .base = sp::execution_segment{}, .sub = segment("0.2:0.3"), .result = segment("0.2:0.3")},
      {.name = "nil sub", .base = segment("0.2:0.3"), .sub = sp::execution_segment{}, .result = segment("0.2:0.3")},
      {.name = "doc example", .base = segment("1/2:1"), .sub = segment("0:1/2"), .result = segment("1/2:3/4")},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    const auto got = r.base.sub_segment(r.sub);
    INFO(got.to_string());
    CHECK(got == r.result);
  }
}

TEST_CASE("a segment whose start is past its end cannot exist, so it cannot be split (k6's TestSplitBadSegment)") {
  // k6 builds the segment 1:0 without its constructor's checks and sees Split(5) fail; here the
  // constructor refuses it, so no such segment can be split.
  CHECK_THROWS_AS(sp::execution_segment(sp::fraction{1}, sp::fraction{0}), sp::usage_error);
  CHECK_THROWS_WITH(sp::execution_segment(sp::fraction{1}, sp::fraction{0}),
                    Catch::Contains("segment start(1.00) must be less than its end(0.00)"));
}

TEST_CASE("a segment's length as a double: 1 for the whole test, 1/2, 2/3 (k6's TestSegmentExecutionFloatLength)") {
  SECTION("nil has 1.0") {
    CHECK(sp::execution_segment{}.length().to_double() == 1.0);
  }
  struct row {
    sp::execution_segment es;
    double expected;
  };
  const std::vector<row> rows = {
      {.es = segment("1/2:1"), .expected = 0.5},
      {.es = segment("1/3:1"), .expected = 0.66666},
      {.es = segment("0:1/2"), .expected = 0.5},
  };
  for (const auto& r : rows) {
    INFO(r.es.to_string());
    const double got = r.es.length().to_double();
    INFO(got);
    // testify's InEpsilon: the relative error is at most 0.001.
    CHECK(std::abs(r.expected - got) / std::abs(r.expected) <= 0.001);
  }
}

TEST_CASE("a sequence's segments must touch (k6's TestExecutionSegmentSequences)") {
  const std::vector<sp::execution_segment> gap = {segment("0:1/3"), segment("1/2:1")};
  CHECK_THROWS_AS(sp::execution_segment_sequence{gap}, sp::usage_error);
  CHECK_THROWS_WITH(sp::execution_segment_sequence{gap},
                    Catch::Contains("the start value 1/2 of segment #1 must be equal to the end value of the "
                                    "previous one, but it is 1/3"));
}

TEST_CASE("a sequence is read from its points, needs two of them in order, and prints back as written (k6's TestExecutionSegmentStringSequences)") {
  struct row {
    const char* seq;
    std::vector<const char*> segments;
    const char* error = nullptr;  // k6's expError, with the message k6 gives
    bool can_reverse = false;
  };
  const std::vector<row> rows = {
      {.seq = "", .segments = {}},
      {.seq = "0.5", .segments = {}, .error = "at least 2 points are needed for an execution segment sequence, 1 given"},
      {.seq = "1,1", .segments = {}, .error = "segment start(1.00) must be less than its end(1.00)"},
      {.seq = "-0.5,1", .segments = {}, .error = "segment start value must be at least 0 but was -0.50"},
      {.seq = "1/2,1/2", .segments = {}, .error = "segment start(0.50) must be less than its end(0.50)"},
      {.seq = "1/2,1/3", .segments = {}, .error = "segment start(0.50) must be less than its end(0.33)"},
      {.seq = "0,1,1/2", .segments = {}, .error = "segment start(1.00) must be less than its end(0.50)"},
      {.seq = "0.5,1", .segments = {"1/2:1"}},
      {.seq = "1/2,1", .segments = {"1/2:1"}, .can_reverse = true},
      {.seq = "1/3,2/3", .segments = {"1/3:2/3"}, .can_reverse = true},
      {.seq = "0,1/3,2/3", .segments = {"0:1/3", "1/3:2/3"}, .can_reverse = true},
      {.seq = "0,1/3,2/3,1", .segments = {"0:1/3", "1/3:2/3", "2/3:1"}, .can_reverse = true},
      {.seq = "0.5,0.7", .segments = {"1/2:7/10"}},
      {.seq = "0.5,0.7,1", .segments = {"1/2:7/10", "7/10:1"}},
      {.seq = "0,1/13,2/13,1/3,1/2,3/4,1",
       .segments = {"0:1/13", "1/13:2/13", "2/13:1/3", "1/3:1/2", "1/2:3/4", "3/4:1"},
       .can_reverse = true},
  };
  for (const auto& r : rows) {
    INFO(r.seq);
    if (r.error != nullptr) {
      CHECK_THROWS_AS(sp::execution_segment_sequence::parse(r.seq), sp::usage_error);
      CHECK_THROWS_WITH(sp::execution_segment_sequence::parse(r.seq), Catch::Contains(r.error));
      continue;
    }
    const auto result = sp::execution_segment_sequence::parse(r.seq);
    REQUIRE(result.size() == r.segments.size());
    for (std::size_t i = 0; i < r.segments.size(); ++i) {
      INFO("segment " << i << " (" << result.segments()[i].to_string() << ") should be equal to " << r.segments[i]);
      CHECK(segment(r.segments[i]) == result.segments()[i]);
    }
    if (r.can_reverse) CHECK(result.to_string() == r.seq);
  }
}

TEST_CASE("the parts of a random sequence, each scaled alone, add up to the whole (k6's TestExecutionSegmentScaleConsistency)") {
  std::mt19937_64 rng{20240601};
  for (int test = 0; test < 200; ++test) {
    const std::int64_t scale = draw(rng, 99) + 2;
    const auto seq = random_sequence(rng, draw(rng, 9) + 2, 100);
    INFO(scale << "_" << seq.to_string());
    std::int64_t total = 0;
    for (const auto& s : seq.segments()) total += s.scale(scale);
    CHECK(total == scale);
  }
}

TEST_CASE("the parts of a random sequence, scaled as tuples, add up to the whole (k6's TestExecutionTupleScaleConsistency)") {
  std::mt19937_64 rng{20240602};
  for (int test = 0; test < 100; ++test) {
    const std::int64_t scale = draw(rng, 99) + 2;
    const auto seq = random_sequence(rng, draw(rng, 9) + 2, 200);
    INFO(scale << "_" << seq.to_string());
    std::int64_t total = 0;
    for (std::size_t i = 0; i < seq.size(); ++i) {
      const sp::execution_tuple et{seq.segments()[i], seq};
      CHECK(et.index() == i);
      CHECK(seq.segments()[i] == et.sequence().segments()[i]);
      total += et.scale(scale);
    }
    CHECK(total == scale);
  }
}

TEST_CASE("a tuple's scale never decreases as the value grows (k6's TestExecutionSegmentScaleNoWobble)") {
  const auto require_scale_greater = [](const sp::execution_tuple& et) {
    std::int64_t last = 0;
    for (std::int64_t i = 1; i < 1000; ++i) {
      const auto result = et.scale(i);
      INFO(i << ": " << result << " < " << last);
      REQUIRE(result >= last);
      last = result;
    }
  };

  SECTION("0:1") {
    require_scale_greater(sp::execution_tuple{sp::execution_segment{}, sp::execution_segment_sequence{}});
  }

  SECTION("random segments") {
    // k6 draws a segment but checks the tuple of the sequence's first one; here every segment
    // of the sequence is checked.
    std::mt19937_64 rng{20240603};
    for (int test = 0; test < 20; ++test) {
      const auto seq = random_sequence(rng, draw(rng, 9) + 2, 100);
      for (const auto& s : seq.segments()) {
        INFO(s.to_string() << " in " << seq.to_string());
        require_scale_greater(sp::execution_tuple{s, seq});
      }
    }
  }
}

TEST_CASE("a tuple's striping: where its elements start, the steps between them and the period (k6's TestGetStripedOffsets)") {
  struct row {
    const char* seq;
    const char* seg;
    std::int64_t start;
    std::vector<std::int64_t> offsets;
    std::int64_t lcd;
  };
  const std::vector<row> rows = {
      // full sequences
      {.seq = "0,0.3,0.5,0.6,0.7,0.8,0.9,1", .seg = "0:0.3", .start = 0, .offsets = {4, 3, 3}, .lcd = 10},
      {.seq = "0,0.3,0.5,0.6,0.7,0.8,0.9,1", .seg = "0.3:0.5", .start = 1, .offsets = {4, 6}, .lcd = 10},
      {.seq = "0,0.3,0.5,0.6,0.7,0.8,0.9,1", .seg = "0.5:0.6", .start = 2, .offsets = {10}, .lcd = 10},
      {.seq = "0,0.3,0.5,0.6,0.7,0.8,0.9,1", .seg = "0.6:0.7", .start = 3, .offsets = {10}, .lcd = 10},
      {.seq = "0,0.3,0.5,0.6,0.7,0.8,0.9,1", .seg = "0.8:0.9", .start = 8, .offsets = {10}, .lcd = 10},
      {.seq = "0,0.3,0.5,0.6,0.7,0.8,0.9,1", .seg = "0.9:1", .start = 9, .offsets = {10}, .lcd = 10},
      {.seq = "0,0.2,0.5,0.6,0.7,0.8,0.9,1", .seg = "0.9:1", .start = 9, .offsets = {10}, .lcd = 10},
      {.seq = "0,0.2,0.5,0.6,0.7,0.8,0.9,1", .seg = "0:0.2", .start = 1, .offsets = {4, 6}, .lcd = 10},
      {.seq = "0,0.2,0.5,0.6,0.7,0.8,0.9,1", .seg = "0.6:0.7", .start = 3, .offsets = {10}, .lcd = 10},
      // not full sequences
      {.seq = "0,0.2,0.5", .seg = "0:0.2", .start = 3, .offsets = {6, 4}, .lcd = 10},
      {.seq = "0,0.2,0.5", .seg = "0.2:0.5", .start = 1, .offsets = {4, 2, 4}, .lcd = 10},
      {.seq = "0,2/5,4/5", .seg = "0:2/5", .start = 0, .offsets = {3, 2}, .lcd = 5},
      {.seq = "0,2/5,4/5", .seg = "2/5:4/5", .start = 1, .offsets = {3, 2}, .lcd = 5},
      // no sequence
      {.seq = "", .seg = "0:0.2", .start = 1, .offsets = {5}, .lcd = 5},
      {.seq = "", .seg = "0:1/5", .start = 1, .offsets = {5}, .lcd = 5},
      {.seq = "", .seg = "0:2/10", .start = 1, .offsets = {5}, .lcd = 5},
      {.seq = "", .seg = "0:0.4", .start = 1, .offsets = {2, 3}, .lcd = 5},
      {.seq = "", .seg = "0:2/5", .start = 1, .offsets = {2, 3}, .lcd = 5},
      {.seq = "", .seg = "2/5:4/5", .start = 1, .offsets = {3, 2}, .lcd = 5},
      {.seq = "", .seg = "0:4/10", .start = 1, .offsets = {2, 3}, .lcd = 5},
      {.seq = "", .seg = "1/10:5/10", .start = 1, .offsets = {2, 2, 4, 2}, .lcd = 10},
  };
  for (const auto& r : rows) {
    INFO("seq:" << r.seq << ";segment:" << r.seg);
    const auto ess = sequence(r.seq);
    const sp::execution_tuple et{segment(r.seg), ess};
    const auto striped = et.offsets();
    CHECK(striped.start == r.start);
    CHECK(striped.offsets == r.offsets);
    CHECK(striped.lcd == r.lcd);
    // Building the tuple leaves the sequence as it was read.
    CHECK(ess.to_string() == sequence(r.seq).to_string());
  }
}

TEST_CASE("a sequence's period is the least common denominator of its lengths (k6's TestSequenceLCD)") {
  struct row {
    const char* seq;
    std::int64_t lcd;
  };
  const std::vector<row> rows = {
      {.seq = "0,0.3,0.5,0.6,0.7,0.8,0.9,1", .lcd = 10},
      {.seq = "0,0.1,0.5,0.6,0.7,0.8,0.9,1", .lcd = 10},
      {.seq = "0,0.2,0.5,0.6,0.7,0.8,0.9,1", .lcd = 10},
      {.seq = "0,1/3,5/6", .lcd = 6},
      {.seq = "0,1/3,4/7", .lcd = 21},
  };
  for (const auto& r : rows) {
    INFO("seq:" << r.seq);
    CHECK(sequence(r.seq).lcd() == r.lcd);
  }
}

TEST_CASE("a tuple re-based on 20 elements splits them 7, 7, 6 (k6's TestGetNewExecutionTupleBesedOnValue)") {
  struct row {
    const char* seq;
    const char* seg;
    std::int64_t value;
    const char* expected;
  };
  const std::vector<row> rows = {
      // full sequences
      {.seq = "0,1/3,2/3,1", .seg = "0:1/3", .value = 20, .expected = "0,7/20,7/10,1"},
  };
  for (const auto& r : rows) {
    INFO("seq:" << r.seq << ";segment:" << r.seg);
    const sp::execution_tuple et{segment(r.seg), sequence(r.seq)};
    CHECK(et.for_value(r.value).sequence().to_string() == r.expected);
  }
}

TEST_CASE("a tuple scales values, and so does the tuple re-based on a value, which fails for 0 and for a part with none (k6's TestNewExecutionTuple)") {
  struct scale_test {
    std::int64_t value;
    std::int64_t result;
  };
  struct new_scale_test {
    std::int64_t value;
    std::optional<std::vector<scale_test>> results;  // empty: for_value fails (k6's nil)
  };
  struct row {
    const char* name;
    sp::execution_segment seg;
    sp::execution_segment_sequence seq;
    std::vector<scale_test> scale_tests;
    std::vector<new_scale_test> new_scale_tests;
  };
  const std::vector<new_scale_test> whole_new_scale_tests = {
      {.value = 50, .results = std::vector<scale_test>{{50, 50}, {1, 1}, {0, 0}}},
      {.value = 1, .results = std::vector<scale_test>{{50, 50}, {1, 1}, {0, 0}}},
      {.value = 0, .results = std::nullopt},
  };
  const std::vector<row> rows = {
      {.name = "both segment and sequence are nil",
       .seg = sp::execution_segment{},
       .seq = sp::execution_segment_sequence{},
       .scale_tests = {{50, 50}, {1, 1}, {0, 0}},
       .new_scale_tests = whole_new_scale_tests},
      {.name = "0:1, nil sequence",
       .seg = segment("0:1"),
       .seq = sp::execution_segment_sequence{},
       .scale_tests = {{50, 50}, {1, 1}, {0, 0}},
       .new_scale_tests = whole_new_scale_tests},
      {.name = "0:1 in 0,1",
       .seg = segment("0:1"),
       .seq = sequence("0,1"),
       .scale_tests = {{50, 50}, {1, 1}, {0, 0}},
       .new_scale_tests = whole_new_scale_tests},
      {.name = "0:1 in ''",
       .seg = segment("0:1"),
       .seq = sequence(""),
       .scale_tests = {{50, 50}, {1, 1}, {0, 0}},
       .new_scale_tests = whole_new_scale_tests},
      {.name = "0:1/3 in 0,1/3,2/3,1",
       .seg = segment("0:1/3"),
       .seq = sequence("0,1/3,2/3,1"),
       .scale_tests = {{50, 17}, {3, 1}, {2, 1}, {1, 1}, {0, 0}},
       .new_scale_tests =
           {
               {.value = 50, .results = std::vector<scale_test>{{50, 17}, {1, 1}, {0, 0}}},
               {.value = 20, .results = std::vector<scale_test>{{50, 18}, {1, 1}, {0, 0}}},
               {.value = 3, .results = std::vector<scale_test>{{50, 17}, {1, 1}, {0, 0}}},
               {.value = 2, .results = std::vector<scale_test>{{50, 25}, {1, 1}, {0, 0}}},
               {.value = 1, .results = std::vector<scale_test>{{50, 50}, {1, 1}, {0, 0}}},
               {.value = 0, .results = std::nullopt},
           }},
      {.name = "1/3:2/3 in 0,1/3,2/3,1",
       .seg = segment("1/3:2/3"),
       .seq = sequence("0,1/3,2/3,1"),
       .scale_tests = {{50, 17}, {3, 1}, {2, 1}, {1, 0}, {0, 0}},
       .new_scale_tests =
           {
               {.value = 50, .results = std::vector<scale_test>{{50, 17}, {1, 0}, {0, 0}}},
               {.value = 20, .results = std::vector<scale_test>{{50, 17}, {1, 0}, {0, 0}}},
               {.value = 3, .results = std::vector<scale_test>{{50, 17}, {1, 0}, {0, 0}}},
               {.value = 2, .results = std::vector<scale_test>{{50, 25}, {1, 0}, {0, 0}}},
               {.value = 1, .results = std::nullopt},
               {.value = 0, .results = std::nullopt},
           }},
      {.name = "2/3:1 in 0,1/3,2/3,1",
       .seg = segment("2/3:1"),
       .seq = sequence("0,1/3,2/3,1"),
       .scale_tests = {{50, 16}, {3, 1}, {2, 0}, {1, 0}, {0, 0}},
       .new_scale_tests =
           {
               {.value = 50, .results = std::vector<scale_test>{{50, 16}, {1, 0}, {0, 0}}},
               {.value = 20, .results = std::vector<scale_test>{{50, 15}, {1, 0}, {0, 0}}},
               {.value = 3, .results = std::vector<scale_test>{{50, 16}, {1, 0}, {0, 0}}},
               {.value = 2, .results = std::nullopt},
               {.value = 1, .results = std::nullopt},
               {.value = 0, .results = std::nullopt},
           }},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    const sp::execution_tuple et{r.seg, r.seq};
    for (const auto& t : r.scale_tests) {
      INFO(t.value << "->" << t.result);
      CHECK(et.scale(t.value) == t.result);
    }
    for (const auto& n : r.new_scale_tests) {
      INFO("for_value(" << n.value << ")");
      if (!n.results) {
        CHECK_THROWS_AS(et.for_value(n.value), sp::usage_error);
        // k6: "cannot generate new sequence for value 0" below 1, "segment 1 (1/3:2/3) isn't
        // present in the new sequence" for a part that gets none of the elements.
        CHECK_THROWS_WITH(et.for_value(n.value), Catch::Contains(n.value < 1 ? "cannot generate new sequence for value"
                                                                             : "isn't present in the new sequence"));
        continue;
      }
      const auto new_et = et.for_value(n.value);
      for (const auto& t : *n.results) {
        INFO(t.value << "->" << t.result);
        CHECK(new_et.scale(t.value) == t.result);
      }
    }
  }
}

TEST_CASE("a segmented index walks a part's elements forth and back and jumps to a value (k6's TestSegmentedIndex)") {
  // k6 builds its SegmentedIndex values from literal stripes; here each comes from a tuple that
  // has those stripes, checked first.
  enum class op { next, prev, go_to };
  struct step {
    op what;
    std::int64_t value = 0;  // for go_to
    std::int64_t unscaled;
    std::int64_t scaled;
  };
  struct row {
    const char* name;
    sp::execution_tuple tuple;
    sp::striped_offsets stripes;
    std::vector<step> steps;
  };
  const auto next = [](std::int64_t unscaled, std::int64_t scaled) { return step{op::next, 0, unscaled, scaled}; };
  const auto prev = [](std::int64_t unscaled, std::int64_t scaled) { return step{op::prev, 0, unscaled, scaled}; };
  const auto go_to = [](std::int64_t value, std::int64_t unscaled, std::int64_t scaled) {
    return step{op::go_to, value, unscaled, scaled};
  };
  const std::vector<row> rows = {
      {.name = "full",
       .tuple = sp::execution_tuple{sp::execution_segment{}, sp::execution_segment_sequence{}},
       .stripes = {.start = 0, .offsets = {1}, .lcd = 1},
       .steps = {next(1, 1), prev(0, 0), next(1, 1), next(2, 2), next(3, 3), prev(2, 2), prev(1, 1), next(2, 2)}},
      {.name = "half",
       .tuple = sp::execution_tuple{segment("0:1/2"), sequence("0,1/2,1")},
       .stripes = {.start = 0, .offsets = {2}, .lcd = 2},
       .steps = {next(1, 1), prev(0, 0), next(1, 1), next(3, 2), next(5, 3), prev(3, 2), prev(1, 1), prev(0, 0),
                 next(1, 1)}},
      {.name = "the other half",
       .tuple = sp::execution_tuple{segment("1/2:1"), sequence("0,1/2,1")},
       .stripes = {.start = 1, .offsets = {2}, .lcd = 2},
       .steps = {next(2, 1), prev(0, 0), next(2, 1), next(4, 2), next(6, 3), prev(4, 2), prev(2, 1), prev(0, 0),
                 next(2, 1)}},
      {.name = "strange",
       .tuple = sp::execution_tuple{segment("1/7:3/7"), sequence("0,1/7,3/7,1")},
       .stripes = {.start = 1, .offsets = {4, 3}, .lcd = 7},
       .steps = {next(2, 1), prev(0, 0), next(2, 1), next(6, 2), next(9, 3), prev(6, 2), prev(2, 1), prev(0, 0),
                 next(2, 1), go_to(6, 6, 2), go_to(5, 2, 1), go_to(7, 6, 2), go_to(8, 6, 2), go_to(9, 9, 3),
                 prev(6, 2), prev(2, 1), prev(0, 0)}},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    const auto stripes = r.tuple.offsets();
    REQUIRE(stripes.start == r.stripes.start);
    REQUIRE(stripes.offsets == r.stripes.offsets);
    REQUIRE(stripes.lcd == r.stripes.lcd);

    sp::segmented_index s{r.tuple};
    std::size_t n = 0;
    for (const auto& st : r.steps) {
      INFO("step " << n++);
      sp::segmented_index::position at;
      switch (st.what) {
        case op::next: at = s.next(); break;
        case op::prev: at = s.prev(); break;
        case op::go_to: at = s.go_to(st.value); break;
      }
      CHECK(at.unscaled == st.unscaled);
      CHECK(at.scaled == st.scaled);
    }
  }
}

TEST_CASE("a fraction of -2^63, which has no negation in 64 bits, is refused as an overflow") {
  // Found by tests/fuzz/segment.cpp: std::gcd negated it (undefined behaviour).
  const std::string overflow = "an execution segment's arithmetic overflowed 64 bits: use fractions with smaller denominators";
  constexpr auto lowest = std::numeric_limits<std::int64_t>::min();
  CHECK_THROWS_WITH(sp::fraction::parse("-9223372036854775808"), overflow);
  CHECK_THROWS_WITH(sp::fraction::parse("-9223372036854775808/3"), overflow);
  CHECK_THROWS_WITH(sp::fraction(lowest, 2), overflow);
  CHECK(sp::fraction::parse("-9223372036854775807") == sp::fraction(lowest + 1));
  CHECK(sp::fraction(lowest + 1, -1) == sp::fraction(std::numeric_limits<std::int64_t>::max()));
}
