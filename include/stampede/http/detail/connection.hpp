// One TCP connection of a client (its socket and response parser), the buffer its reads fill,
// and the client's request deadline.
#pragma once

#include <stampede/http/detail/recycling_allocator.hpp>
#include <stampede/http/detail/response_parser.hpp>
#include <stampede/http/error.hpp>

#include <stampede/config.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#if STAMPEDE_WITH_TLS
#  include <asio/ssl/stream.hpp>
#endif

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace stampede::http::detail {

/// k6's code and message for a TCP connect that failed with `ec` (1212 refused, 1211 timed
/// out, 1210 otherwise).
[[nodiscard]] http::error connect_error(const std::error_code& ec);
/// k6's code and message for a read or write (`op`) that failed with `ec` after connecting
/// ("read: connection reset by peer", 1220; broken pipe 1201; the server's close; 1200).
[[nodiscard]] http::error io_error(const std::error_code& ec, std::string_view op);
/// k6's request timeout (1050).
[[nodiscard]] http::error timeout_error();
/// Appends `n` in decimal.
void append_number(std::string& out, std::uint64_t n);

/// How long a pooled connection sits idle before the client checks, as it takes it for a GET
/// or another request it could send twice, that the server has not closed it (a non-blocking
/// peek; other requests always check). Servers close idle connections after seconds (nginx
/// 75 s, Apache and Node.js 5 s); one that was busy a moment ago is used without the syscall.
inline constexpr std::chrono::milliseconds idle_check_after{1000};

/// What a read takes at most (wrk's read size). A response larger than that takes several
/// reads, one after the other without waiting.
inline constexpr std::size_t read_size = 8 * 1024;
using read_buffer = std::array<char, read_size>;

/// The buffer this thread's plain-TCP reads fill. A client waits for its socket to be readable,
/// reads without blocking and gives the bytes to the response parser before it suspends again,
/// so no connection holds a buffer while it waits: a connected VU thinking between requests
/// costs its socket and parser, not a buffer. Take it after the wait, on the thread the read
/// runs on. (A TLS stream holds its buffer across the suspension of `async_read_some`, so a
/// TLS connection has its own; a WebSocket session keeps the bytes after a frame in its own.)
[[nodiscard]] inline read_buffer& this_thread_read_buffer() noexcept {
  static thread_local read_buffer buffer;
  return buffer;
}

/// The allocator of a client's request deadline waits: `wait_block`s from the thread's
/// `block_cache`, so that arming a deadline allocates nothing once the client exists, and
/// Asio's per-thread recycler (two blocks shared by all the thread's operations, taken
/// first-fit) is left to the socket's operations. A client that cancels its wait when a request
/// ends has two alive at once: Asio frees the cancelled wait only when its handler runs, after
/// the next request armed a new one; when a thread's clients switch from reading responses
/// first to waiting for them (see `read_first`), a cancelled wait's handler has been seen to
/// run a request late, so three can be alive. So a new client makes sure that its thread's
/// lists hold three free blocks (`reserve()`). The blocks serve every client of the thread: a
/// thread of many thinking VUs holds about one per VU, for the wait each has pending, and
/// blocks freed by one client's waits are taken by the next's.
template <typename T>
struct deadline_allocator {
  using value_type = T;
  /// Every wait takes one block of this size (Asio's wait operation is smaller), so that the
  /// blocks reserved ahead fit whatever the operation's type is.
  static constexpr std::size_t wait_block = 256;
  static constexpr std::size_t waits_per_client = 3;

  deadline_allocator() noexcept = default;
  template <typename U>
  deadline_allocator(const deadline_allocator<U>&) noexcept {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] T* allocate(std::size_t n) {
    return static_cast<T*>(block_cache::allocate(std::max(n * sizeof(T), wait_block)));
  }
  void deallocate(T* p, std::size_t n) noexcept { block_cache::deallocate(p, std::max(n * sizeof(T), wait_block)); }
  /// Makes sure the calling thread's lists hold the free blocks one client's waits may need at
  /// once.
  static void reserve() { block_cache::reserve(wait_block, waits_per_client); }

  template <typename U>
  friend bool operator==(const deadline_allocator&, const deadline_allocator<U>&) noexcept {
    return true;
  }
};

/// A connection to one origin, held by `shared_ptr` between the pool and the request using it.
struct connection {
  explicit connection(const asio::any_io_executor& ex) : socket{ex}, resolver{ex} {}

  /// Closes the socket and cancels a resolution: pending operations end with
  /// `operation_aborted`. Never throws.
  void abort() noexcept {
    std::error_code ignored;
    socket.close(ignored);
    resolver.cancel();
  }

  asio::ip::tcp::socket socket;
#if STAMPEDE_WITH_TLS
  // Over `socket`, for https://, with the buffer its reads fill; both null for http://.
  std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket&>> tls;
  std::unique_ptr<read_buffer> tls_buffer;
#endif
  std::string_view tls_version;  // k6's name ("tls1.3"), empty for http://
  asio::ip::tcp::resolver resolver;
  response_parser parser;
  std::string origin;          // "http://host:port": the pool's key
  std::string remote_address;  // "ip:port"
  bool timed_out = false;  // the request's deadline closed it
  std::chrono::steady_clock::time_point idle_since{};  // when it went back to the pool
};

/// A client's request deadline: one timer wait, armed when a request needs it and, for a client
/// that keeps it armed, left pending across requests: arming and cancelling a wait per request
/// (a timer-queue insertion and removal, and a handler run for the cancelled wait) showed as
/// 1.4% of the benchmark's CPU. A hop sets `conn` and `at`; when the wait fires
/// it closes `conn` if `at` has passed, waits again for `at` if it has not, and stays
/// unarmed when no hop is in flight. Shared with the wait's handler, which a client that is
/// gone leaves with `conn` null.
struct deadline_watch {
  using time_point = std::chrono::steady_clock::time_point;
  explicit deadline_watch(const asio::any_io_executor& ex) : timer{ex} { deadline_allocator<char>::reserve(); }

  asio::steady_timer timer;
  connection* conn = nullptr;  // the connection of the hop in flight, or null
  time_point at{};             // that hop's deadline
  time_point armed_until{};    // when the pending wait fires
  std::uint64_t wait = 0;      // which wait is pending: a handler for an older one does nothing
  bool armed = false;          // a wait is pending

  /// Waits until `t`, replacing a pending wait.
  static void arm(const std::shared_ptr<deadline_watch>& w, time_point t);
  /// Cancels a pending wait (its handler runs, and does nothing). A wait that fired stays
  /// armed until its handler runs, so an unarmed watch has nothing to cancel.
  void disarm() noexcept {
    if (!armed) return;
    armed = false;
    ++wait;
    timer.cancel();
  }
};

/// The handler of a deadline's wait.
struct deadline_handler {
  std::shared_ptr<deadline_watch> watch;
  std::uint64_t wait;
  using allocator_type = deadline_allocator<char>;
  [[nodiscard]] allocator_type get_allocator() const noexcept { return {}; }
  void operator()(const std::error_code& ec) const {
    auto& w = *watch;
    if (ec || wait != w.wait) return;  // cancelled, or replaced by a newer wait
    w.armed = false;
    if (w.conn == nullptr) return;  // nothing in flight: the next request arms it again
    if (std::chrono::steady_clock::now() < w.at) {
      deadline_watch::arm(watch, w.at);  // armed for an earlier request: wait for this one's
      return;
    }
    w.conn->timed_out = true;
    w.conn->abort();
  }
};

inline void deadline_watch::arm(const std::shared_ptr<deadline_watch>& w, time_point t) {
  w->armed = true;
  w->armed_until = t;
  w->timer.expires_at(t);  // cancels a pending wait, whose handler then does nothing
  w->timer.async_wait(deadline_handler{w, ++w->wait});
}

}  // namespace stampede::http::detail
