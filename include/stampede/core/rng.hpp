// Small, fast, reproducible random numbers: one generator per VU, seeded from the run's seed
// and the VU's id, so the same seed replays the same think times and choices.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>

namespace stampede {

/// splitmix64: turns any 64-bit value into a well-mixed one. Seeds `rng` streams, so that
/// seeds 1, 2, 3… give unrelated sequences.
[[nodiscard]] constexpr std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31U);
}

/// xoshiro256** (Blackman and Vigna): 32 bytes of state where `std::mt19937_64` takes 2.5 KiB,
/// which matters at a million VUs. A UniformRandomBitGenerator, so it works with the standard
/// distributions; its own `uniform` helpers give the same numbers on every standard library.
///
/// ```cpp
/// stampede::rng r{42, 7};                  // run seed 42, stream 7 (e.g. the VU id)
/// auto think = r.uniform(1s, 3s);          // a duration in [1 s, 3 s]
/// std::uniform_int_distribution<int> d{1, 6}; d(r);
/// ```
class rng {
 public:
  using result_type = std::uint64_t;

  /// The generator of stream `stream` under `seed`: equal pairs give equal sequences.
  constexpr explicit rng(std::uint64_t seed = 1, std::uint64_t stream = 0) noexcept {
    std::uint64_t mix = seed ^ (stream * 0xd1b54a32d192ed03ULL);
    for (auto& word : s_) word = splitmix64(mix);
  }

  [[nodiscard]] static constexpr result_type min() noexcept { return 0; }
  [[nodiscard]] static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

  constexpr result_type operator()() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17U;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// A double in [0, 1), from the top 53 bits.
  constexpr double uniform01() noexcept { return static_cast<double>((*this)() >> 11U) * 0x1.0p-53; }
  /// An integer in [lo, hi] (hi ≥ lo), without modulo bias worth measuring (Lemire's method
  /// without the rejection step: bias below 2^-64 × range).
  constexpr std::uint64_t uniform(std::uint64_t lo, std::uint64_t hi) noexcept {
    const std::uint64_t span = hi - lo;
    if (span == max()) return (*this)();
    return lo + mul_high((*this)(), span + 1);
  }
  /// A duration in [lo, hi] (hi ≥ lo), to the nanosecond.
  std::chrono::nanoseconds uniform(std::chrono::nanoseconds lo, std::chrono::nanoseconds hi) noexcept {
    if (hi <= lo) return lo;
    const auto span = static_cast<std::uint64_t>((hi - lo).count());
    return lo + std::chrono::nanoseconds{static_cast<std::int64_t>(uniform(0, span))};
  }

  friend constexpr bool operator==(const rng&, const rng&) = default;

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, unsigned k) noexcept { return (x << k) | (x >> (64U - k)); }
  static constexpr std::uint64_t mul_high(std::uint64_t a, std::uint64_t b) noexcept {
    // The high 64 bits of a 128-bit product, in 32-bit halves (no __int128 on MSVC).
    const std::uint64_t a_lo = a & 0xffffffffULL, a_hi = a >> 32U;
    const std::uint64_t b_lo = b & 0xffffffffULL, b_hi = b >> 32U;
    const std::uint64_t lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo, lo_hi = a_lo * b_hi, hi_hi = a_hi * b_hi;
    const std::uint64_t cross = (lo_lo >> 32U) + (hi_lo & 0xffffffffULL) + lo_hi;
    return hi_hi + (hi_lo >> 32U) + (cross >> 32U);
  }

  std::uint64_t s_[4]{};
};

}  // namespace stampede
