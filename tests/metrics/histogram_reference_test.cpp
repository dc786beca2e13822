// The paged histogram against a dense reference: the same layout with one 64-bit counter per
// bucket in one array, as stampede::histogram kept its counts before pages. Random values
// (and repeat counts that cross every counter width), merges in any grouping and restored
// states must give the same counts, state, percentiles and equality as the reference.
#include <stampede/metrics/histogram.hpp>

#include "support/catch_compat.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace {

using stampede::histogram;
using stampede::histogram_bucket;
using stampede::histogram_config;

// The dense counts of before: what every bucket holds, for the same config.
struct dense_reference {
  explicit dense_reference(const histogram_config& config)
      : layout(stampede::detail::histogram_layout::from(config)), counts(layout.counts_length, 0), highest(config.highest) {}

  void record(std::uint64_t value, std::uint64_t times) {
    counts[layout.index_of(std::min(value, highest))] += times;
  }
  void merge(const dense_reference& other) {
    for (std::size_t i = 0; i < counts.size(); ++i) counts[i] += other.counts[i];
  }
  [[nodiscard]] std::vector<histogram_bucket> buckets() const {
    std::vector<histogram_bucket> out;
    for (std::size_t i = 0; i < counts.size(); ++i) {
      if (counts[i] != 0) out.push_back({.index = i, .count = counts[i]});
    }
    return out;
  }
  // Nearest rank over the dense counts, as value_at_percentile computed it before pages.
  [[nodiscard]] std::uint64_t bucket_top_at_rank(std::uint64_t rank) const {
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
      seen += counts[i];
      if (seen >= rank) return layout.highest_value_at(i);
    }
    return 0;
  }

  stampede::detail::histogram_layout layout;
  std::vector<std::uint64_t> counts;
  std::uint64_t highest;
};

// A value spread over the whole range in log scale, or one of a few hot values that many
// records hit (so their pages widen), with a repeat count that is usually 1 and sometimes
// large enough to cross a counter width at once.
struct workload {
  explicit workload(std::uint64_t seed) : rng(seed) {}

  std::uint64_t value() {
    std::uniform_real_distribution<double> exponent{0.0, 13.0};
    if (std::bernoulli_distribution{0.3}(rng)) return hot[std::uniform_int_distribution<std::size_t>{0, 2}(rng)];
    return static_cast<std::uint64_t>(std::pow(10.0, exponent(rng)));
  }
  std::uint64_t times() {
    const auto roll = std::uniform_int_distribution<int>{0, 99}(rng);
    if (roll < 90) return 1;
    if (roll < 97) return std::uniform_int_distribution<std::uint64_t>{2, 300}(rng);
    if (roll < 99) return std::uniform_int_distribution<std::uint64_t>{60'000, 70'000}(rng);
    return std::uniform_int_distribution<std::uint64_t>{UINT64_C(1) << 31, UINT64_C(1) << 33}(rng);
  }

  std::mt19937_64 rng;
  std::uint64_t hot[3] = {1'234, 25'000'000, 3'000'000'000};
};

void check_same(const histogram& h, const dense_reference& r) {
  const auto state = h.state();
  CHECK(state.buckets == r.buckets());
  const std::uint64_t n = h.count();
  for (const double p : {1.0, 10.0, 50.0, 90.0, 99.0, 99.9}) {
    const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(p * static_cast<double>(n) / 100.0)));
    if (rank == 1 || rank >= n) continue;  // min and max are exact, not bucket tops
    INFO("p = " << p);
    CHECK(h.value_at_percentile(p) == std::min(r.bucket_top_at_rank(rank), h.max()));
  }
  CHECK(histogram::restore(state) == h);
}

}  // namespace

TEST_CASE("paged counts agree with dense counts on random workloads, merges and restored states") {
  for (const histogram_config config : {histogram_config{}, histogram_config{.significant_digits = 2},
                                        histogram_config{.lowest = 1000, .highest = 60'000'000'000, .significant_digits = 4}}) {
    INFO("config: " << config.lowest << " … " << config.highest << ", " << config.significant_digits << " digits");
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
      INFO("seed " << seed);
      workload w{seed};
      histogram parts[3] = {histogram{config}, histogram{config}, histogram{config}};
      dense_reference references[3] = {dense_reference{config}, dense_reference{config}, dense_reference{config}};
      for (int i = 0; i < 20'000; ++i) {
        const auto part = static_cast<std::size_t>(i % 3);
        const auto value = w.value();
        const auto times = w.times();
        parts[part].record(value, times);
        references[part].record(value, times);
      }
      for (std::size_t i = 0; i < 3; ++i) check_same(parts[i], references[i]);

      // Merged in two groupings: the same counts, and equal histograms.
      histogram left = parts[0];
      left.merge(parts[1]);
      left.merge(parts[2]);
      histogram right = parts[2];
      right.merge(parts[1]);
      right.merge(parts[0]);
      dense_reference all = references[0];
      all.merge(references[1]);
      all.merge(references[2]);
      check_same(left, all);
      CHECK(left == right);

      // Copies are deep; a reset one equals a new one and records as one.
      histogram copy = left;
      copy.reset();
      CHECK(copy == histogram{config});
      CHECK(left.count() == parts[0].count() + parts[1].count() + parts[2].count());
      copy.merge(left);
      CHECK(copy == left);

      // Merged with itself: every count doubles, though the pages widen on the way.
      histogram twice = left;
      twice.merge(twice);
      dense_reference doubled = all;
      doubled.merge(all);
      check_same(twice, doubled);
      CHECK(twice.count() == 2 * left.count());
    }
  }
}
