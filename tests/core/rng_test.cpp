// Known answers for core/rng.hpp, whose sequences the docs promise to repeat for a seed: an
// independent transcription of Blackman and Vigna's reference xoshiro256** and splitmix64
// checked against their published outputs, then stampede's generator against it, and golden
// values of the seeding, uniform01 and uniform. A change to any of them changes every seeded
// run's think times and choices, so it must show up here.
#include <stampede/core/rng.hpp>

#include "support/catch_compat.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <random>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

// The reference C code (prng.di.unimi.it), transcribed with the state exposed.
struct reference_xoshiro256ss {
  std::array<std::uint64_t, 4> s;

  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
};

std::uint64_t reference_splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

// stampede's seeding, spelled out: the stream is mixed into the seed, and splitmix64 fills the
// four words of state.
reference_xoshiro256ss reference_for(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t mix = seed ^ (stream * 0xd1b54a32d192ed03);
  reference_xoshiro256ss r{};
  for (auto& word : r.s) word = reference_splitmix64(mix);
  return r;
}

}  // namespace

TEST_CASE("the reference transcriptions give the published outputs of splitmix64 and xoshiro256**") {
  std::uint64_t x = 0;
  CHECK(reference_splitmix64(x) == 0xe220a8397b1dcdafULL);
  CHECK(reference_splitmix64(x) == 0x6e789e6aa1b965f4ULL);
  CHECK(reference_splitmix64(x) == 0x06c45d188009454fULL);

  reference_xoshiro256ss r{{1, 2, 3, 4}};
  const std::array<std::uint64_t, 10> published{11520ULL,
                                                0ULL,
                                                1509978240ULL,
                                                1215971899390074240ULL,
                                                1216172134540287360ULL,
                                                607988272756665600ULL,
                                                16172922978634559625ULL,
                                                8476171486693032832ULL,
                                                10595114339597558777ULL,
                                                2904607092377533576ULL};
  for (const auto want : published) CHECK(r.next() == want);
}

TEST_CASE("stampede's splitmix64 and rng follow the reference for any seed and stream") {
  std::uint64_t a = 12345;
  std::uint64_t b = 12345;
  for (int i = 0; i < 100; ++i) REQUIRE(sp::splitmix64(a) == reference_splitmix64(b));

  for (const auto& [seed, stream] : {std::pair<std::uint64_t, std::uint64_t>{1, 0}, {42, 7}, {0, 0},
                                     {~0ULL, 123456789}, {0x0123456789abcdefULL, ~0ULL}}) {
    INFO("seed " << seed << ", stream " << stream);
    sp::rng ours{seed, stream};
    auto reference = reference_for(seed, stream);
    for (int i = 0; i < 1000; ++i) REQUIRE(ours() == reference.next());
  }
}

TEST_CASE("seeded sequences have golden values: the same seed replays the same numbers everywhere") {
  sp::rng r{42, 7};
  CHECK(r() == 0xab0b230f7fc48e9aULL);
  CHECK(r() == 0x048b0576862255caULL);
  CHECK(r() == 0x8f664d3da4409262ULL);

  sp::rng first{1, 0};
  CHECK(first() == 0xb3f2af6d0fc710c5ULL);
  CHECK(first() == 0x853b559647364ceaULL);

  // The default generator is stream 0 of seed 1.
  CHECK(sp::rng{} == sp::rng{1, 0});
  CHECK(sp::rng{42, 7} != sp::rng{42, 8});
  CHECK(sp::rng{42, 7} != sp::rng{43, 7});
}

TEST_CASE("uniform01 and uniform have golden values, independent of the standard library") {
  sp::rng a{42, 7};
  CHECK(a.uniform01() == 0.6681386864509183);
  CHECK(a.uniform01() == 0.01774629729892152);
  CHECK(a.uniform01() == 0.5601547503940785);

  // A die: 1 + the high 64 bits of x × 6.
  sp::rng die{42, 7};
  const std::array<std::uint64_t, 10> rolls{5, 1, 4, 1, 3, 2, 2, 1, 4, 5};
  for (const auto want : rolls) CHECK(die.uniform(1, 6) == want);

  sp::rng think{42, 7};
  CHECK(think.uniform(1s, 3s) == 2336277373ns);
  CHECK(think.uniform(1s, 3s) == 1035492594ns);
  CHECK(think.uniform(1s, 3s) == 2120309501ns);
  CHECK(think.uniform(2s, 2s) == 2s);  // an empty range is its bound, and draws nothing
  CHECK(think.uniform(3s, 1s) == 3s);

  // The whole range takes the raw output.
  sp::rng whole{42, 7};
  CHECK(whole.uniform(0, ~0ULL) == 0xab0b230f7fc48e9aULL);
}

TEST_CASE("rng is a UniformRandomBitGenerator and constexpr") {
  static_assert(std::uniform_random_bit_generator<sp::rng>);
  static_assert([] {
    sp::rng r{42, 7};
    return r();
  }() == 0xab0b230f7fc48e9aULL);
  sp::rng r{3, 4};
  std::uniform_int_distribution<int> d{1, 6};
  for (int i = 0; i < 100; ++i) {
    const int v = d(r);
    CHECK((v >= 1 && v <= 6));
  }
}
