// One TCP connection of a client: its socket, its response parser, its read buffer.
#pragma once

#include <stampede/http/detail/response_parser.hpp>

#include <stampede/config.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/ip/tcp.hpp>
#if STAMPEDE_WITH_TLS
#  include <asio/ssl/stream.hpp>
#endif

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace stampede::http::detail {

/// How long a pooled connection sits idle before the client checks, as it takes it for a GET
/// or another request it could send twice, that the server has not closed it (a non-blocking
/// peek; other requests always check). Servers close idle connections after seconds (nginx
/// 75 s, Apache and Node.js 5 s); one that was busy a moment ago is used without the syscall.
inline constexpr std::chrono::milliseconds idle_check_after{1000};

/// Two blocks for the waits of a request's deadline, in the connection the deadline watches,
/// so that arming it allocates nothing and leaves Asio's per-thread recycler (two blocks
/// shared by all the thread's operations, taken first-fit) to the socket's operations. A
/// request cancels its wait when it ends, and Asio frees the cancelled wait only when its
/// handler runs, after the next request on the connection has armed a new one: two are alive
/// at once. A wait that finds no free slot, or is larger than one, uses operator new.
class deadline_memory {
 public:
  [[nodiscard]] void* allocate(std::size_t bytes) {
    if (bytes <= slot_size) {
      for (std::size_t i = 0; i < slots; ++i) {
        if (!used_[i]) {
          used_[i] = true;
          return storage_[i].data();
        }
      }
    }
    return ::operator new(bytes);
  }
  void deallocate(void* p) noexcept {
    for (std::size_t i = 0; i < slots; ++i) {
      if (p == storage_[i].data()) {
        used_[i] = false;
        return;
      }
    }
    ::operator delete(p);
  }

 private:
  static constexpr std::size_t slot_size = 256, slots = 2;
  struct alignas(std::max_align_t) slot : std::array<unsigned char, slot_size> {};
  std::array<slot, slots> storage_{};
  std::array<bool, slots> used_{};
};

/// An allocator over a `deadline_memory`, which Asio finds through the handler.
template <typename T>
struct deadline_allocator {
  using value_type = T;
  deadline_memory* memory;
  template <typename U>
  deadline_allocator(const deadline_allocator<U>& other) noexcept : memory{other.memory} {}  // NOLINT
  explicit deadline_allocator(deadline_memory* m) noexcept : memory{m} {}
  [[nodiscard]] T* allocate(std::size_t n) { return static_cast<T*>(memory->allocate(n * sizeof(T))); }
  void deallocate(T* p, std::size_t) noexcept { memory->deallocate(p); }
  template <typename U>
  friend bool operator==(const deadline_allocator& a, const deadline_allocator<U>& b) noexcept {
    return a.memory == b.memory;
  }
};

/// A connection to one origin. Held by `shared_ptr` so that the request's deadline handler,
/// which may run after the request is over, can still look at it safely.
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
  std::optional<asio::ssl::stream<asio::ip::tcp::socket&>> tls;  // over `socket`, for https://
#endif
  std::string_view tls_version;  // k6's name ("tls1.3"), empty for http://
  asio::ip::tcp::resolver resolver;
  response_parser parser;
  std::string origin;          // "http://host:port": the pool's key
  std::string remote_address;  // "ip:port"
  std::uint64_t generation = 0;  // which request the armed deadline belongs to
  bool timed_out = false;
  std::chrono::steady_clock::time_point idle_since{};  // when it went back to the pool
  deadline_memory deadline_waits;
  // What a read takes at most: 8 KiB, as wrk reads. Most of what a connected VU costs; a
  // response larger than it takes several reads, one after the other without waiting.
  std::array<char, 8 * 1024> buffer{};
};

/// Closes the connection when the request's deadline passes, unless the request it was armed
/// for is over (`generation` moved on) or the wait was cancelled.
struct deadline_handler {
  deadline_handler(std::shared_ptr<connection> c, std::uint64_t g) noexcept
      : conn{std::move(c)}, generation{g}, memory{&conn->deadline_waits} {}

  std::shared_ptr<connection> conn;
  std::uint64_t generation;
  // Asio frees the wait through this allocator while the handler it moved out of the wait
  // still holds `conn`, so the memory outlives its use.
  deadline_memory* memory;
  using allocator_type = deadline_allocator<void>;
  [[nodiscard]] allocator_type get_allocator() const noexcept { return allocator_type{memory}; }
  void operator()(const std::error_code& ec) const noexcept {
    if (ec || conn->generation != generation) return;
    conn->timed_out = true;
    conn->abort();
  }
};

}  // namespace stampede::http::detail
