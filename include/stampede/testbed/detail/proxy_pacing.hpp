// The proxy's arithmetic, free of clocks and sockets: a read's jittered delay, the size of the
// next write, and when a bandwidth cap lets it go.
#pragma once

#include <stampede/core/rng.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace stampede::testbed::detail {

/// The most one direction of a connection reads, and so holds, at a time.
inline constexpr std::size_t proxy_buffer_bytes = 64 * 1024;

/// How long a read waits: `latency` plus a draw uniform in [-jitter, +jitter]. `jitter` ≤
/// `latency` (validated), so never negative.
[[nodiscard]] inline std::chrono::nanoseconds read_delay(std::chrono::nanoseconds latency, std::chrono::nanoseconds jitter,
                                                         rng& r) noexcept {
  if (jitter.count() <= 0) return latency;
  return latency + r.uniform(-jitter, jitter);
}

/// How one direction cuts what it forwards (an impairment's `slice_bytes`, `bandwidth` and
/// `limit_bytes`).
struct piece_rules {
  std::size_t slice_bytes = 0;
  std::uint64_t bandwidth = 0;
  std::optional<std::uint64_t> limit_bytes{};
};

/// The next write's size: what is left of the read, cut to the slice size, to about 20 ms at
/// the bandwidth cap (so pacing is smooth rather than one burst per read), and to what the
/// byte limit still allows (`forwarded` bytes went already). 0 only when the limit is reached.
[[nodiscard]] inline std::size_t next_piece(const piece_rules& i, std::size_t left, std::uint64_t forwarded) noexcept {
  std::size_t piece = left;
  if (i.slice_bytes > 0) piece = std::min(piece, i.slice_bytes);
  if (i.bandwidth > 0) {
    const auto per_slot = std::clamp<std::uint64_t>(i.bandwidth / 50, 1, proxy_buffer_bytes);
    piece = std::min(piece, static_cast<std::size_t>(per_slot));
  }
  if (i.limit_bytes) {
    const auto allowed = *i.limit_bytes > forwarded ? *i.limit_bytes - forwarded : 0;
    piece = static_cast<std::size_t>(std::min<std::uint64_t>(piece, allowed));
  }
  return piece;
}

/// A bandwidth cap as a link that is busy for bytes / rate per write: a write of `bytes` handed
/// over at `now`, when the link is busy until `busy_until`, is delivered when the link has
/// carried it. The proxy writes at that time, so n bytes take at least n / rate.
template <typename TimePoint>
[[nodiscard]] TimePoint paced_until(TimePoint busy_until, TimePoint now, std::uint64_t bytes, std::uint64_t rate) noexcept {
  if (rate == 0) return now;
  const auto start = std::max(busy_until, now);
  const double ns = static_cast<double>(bytes) * 1e9 / static_cast<double>(rate);
  return start + std::chrono::duration_cast<typename TimePoint::duration>(
                     std::chrono::nanoseconds{static_cast<std::int64_t>(ns)});
}

/// When a connection opened at `opened` is reset: after the earlier of the two directions'
/// `reset_after`, if either sets one.
template <typename TimePoint>
[[nodiscard]] std::optional<TimePoint> reset_time(TimePoint opened, std::optional<std::chrono::nanoseconds> up,
                                                  std::optional<std::chrono::nanoseconds> down) {
  std::optional<std::chrono::nanoseconds> after = up;
  if (down && (!after || *down < *after)) after = down;
  if (!after) return std::nullopt;
  return opened + std::chrono::duration_cast<typename TimePoint::duration>(*after);
}

}  // namespace stampede::testbed::detail
