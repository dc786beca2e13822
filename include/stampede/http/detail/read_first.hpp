// When a client looks for a response before asking the reactor to wait for it.
#pragma once

#include <algorithm>
#include <cstdint>

namespace stampede::http::detail {

/// After writing a request on plain TCP, a client can let the thread's other ready work run
/// and then read the socket without waiting for it. When the thread is busy with many VUs the
/// response has arrived by then, and the read is the request's only system call after the
/// write; waiting costs an `epoll_ctl` to re-arm the socket and then the read. When the thread
/// has little else to do, the read finds nothing and costs a failed `recvfrom` before the wait.
///
/// Whether it pays is a property of the thread's load, not of one client: when every client
/// reads first, each read comes a whole round of the other VUs after its request, and finds
/// the response. So the choice is made per thread (`this_thread_read_first`) over windows of
/// `window` first reads: if more than a quarter of them found nothing, responses are waited
/// for during a pause of `first_pause` requests, after which the first reads are tried again
/// for a window; each failed window in a row doubles the pause, up to `longest_pause`.
class read_first {
 public:
  static constexpr std::uint32_t window = 256;
  static constexpr std::uint32_t most_misses = window / 4;
  static constexpr std::uint32_t first_pause = 1024;
  static constexpr std::uint32_t longest_pause = 65536;

  /// Whether to read this response first. Call once per response.
  [[nodiscard]] bool wanted() noexcept {
    if (pause_left_ == 0) return true;
    --pause_left_;
    return false;
  }

  /// What a first read found: data (or an error or end of stream), or nothing yet.
  void found(bool something) noexcept {
    ++reads_;
    ++total_reads_;
    if (!something) {
      ++misses_;
      ++total_misses_;
    }
    if (reads_ < window) return;
    if (misses_ > most_misses) {
      pause_left_ = pause_;
      pause_ = std::min(pause_ * 2, longest_pause);
    } else {
      pause_ = first_pause;
    }
    reads_ = misses_ = 0;
  }

  /// Whether responses are being waited for, after a window with too many misses.
  [[nodiscard]] bool pausing() const noexcept { return pause_left_ > 0; }
  /// First reads so far, and those that found nothing.
  [[nodiscard]] std::uint64_t first_reads() const noexcept { return total_reads_; }
  [[nodiscard]] std::uint64_t first_misses() const noexcept { return total_misses_; }

 private:
  std::uint64_t total_reads_ = 0;
  std::uint64_t total_misses_ = 0;
  std::uint32_t reads_ = 0;      // first reads in this window
  std::uint32_t misses_ = 0;     // of which found nothing
  std::uint32_t pause_left_ = 0;  // responses still to be waited for
  std::uint32_t pause_ = first_pause;  // the next pause
};

/// The choice for the clients on this thread (an engine's shard is one thread).
inline constinit thread_local read_first this_thread_read_first;

}  // namespace stampede::http::detail
