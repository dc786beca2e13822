// What a WebSocket session holds: the HTTP client's connection (socket, TLS, the parser that
// read the upgrade answer), its read buffer, the message decoder, the frame being written, a
// timer for the waits, and the ids its samples are recorded with.
#pragma once

#include <stampede/config.hpp>

#include <stampede/http/detail/connection.hpp>
#include <stampede/http/detail/recycling_allocator.hpp>
#include <stampede/http/headers.hpp>
#include <stampede/metrics/recorder.hpp>
#include <stampede/metrics/registry.hpp>
#include <stampede/ws/detail/message_decoder.hpp>
#include <stampede/ws/message.hpp>
#include <stampede/ws/options.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/steady_timer.hpp>
#if STAMPEDE_WITH_TLS
#  include <asio/ssl/context.hpp>
#endif

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace stampede::ws::detail {

using clock = std::chrono::steady_clock;

/// The ids of k6's WebSocket metrics and of `data_sent`/`data_received` in a recorder.
struct ws_metric_ids {
  metric_id sessions, connecting, duration, sent, received, ping, data_sent, data_received;
};

/// A mask key source (RFC 6455 5.3 asks for keys a proxy cannot predict): xorshift64* seeded
/// from `std::random_device` per session. Not cryptographic; masking protects proxies from
/// cache poisoning by scripts, which a load generator's frames are not.
class mask_source {
 public:
  explicit mask_source(std::uint64_t seed) noexcept : state_{seed == 0 ? 0x9E3779B97F4A7C15ULL : seed} {}
  [[nodiscard]] std::uint64_t next() noexcept {
    state_ ^= state_ >> 12U;
    state_ ^= state_ << 25U;
    state_ ^= state_ >> 27U;
    return state_ * 0x2545F4914F6CDD1DULL;
  }
  [[nodiscard]] mask_key key() noexcept {
    const auto v = next();
    return {static_cast<std::uint8_t>(v >> 8U), static_cast<std::uint8_t>(v >> 16U), static_cast<std::uint8_t>(v >> 24U),
            static_cast<std::uint8_t>(v >> 32U)};
  }
  /// For `std::uniform_int_distribution`-free use as a UniformRandomBitGenerator.
  using result_type = std::uint64_t;
  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return ~result_type{0}; }
  result_type operator()() noexcept { return next(); }

 private:
  std::uint64_t state_;
};

/// Where a session stands.
enum class phase : std::uint8_t {
  connecting,  ///< the opening handshake is under way, or failed (then `error` is set)
  open,        ///< messages flow both ways
  closing,     ///< the client sent its close frame and waits for the server's
  closed,      ///< the close handshake ended, or the session failed; the socket is closed
};

/// A session's state, shared by the `session` handle and the handler of its timer's wait.
struct session_state : std::enable_shared_from_this<session_state> {
  session_state(const asio::any_io_executor& ex, const client_options& opts, std::uint64_t seed)
      : conn{ex}, timer{ex}, options{opts}, decoder{frame_decoder::limits{opts.max_message_bytes}}, masks{seed} {
    http::detail::deadline_allocator<char>::reserve();  // the blocks its waits take (see there)
  }

  http::detail::connection conn;  // socket, TLS, resolver, the upgrade answer's parser
  asio::steady_timer timer;       // the deadline of the wait under way, if it has one
  std::uint64_t timer_wait = 0;   // which wait is current: an older one's handler does nothing
  bool timed_out = false;         // the current wait's deadline passed
  bool armed = false;             // a wait is pending
  client_options options;
#if STAMPEDE_WITH_TLS
  std::shared_ptr<asio::ssl::context> tls_context;  // kept alive while the stream uses it
#endif

  // The opening handshake.
  std::string url;
  int status = 0;
  http::headers headers;
  http::detail::recycled_string body;
  std::string subprotocol;
  ws::error error{};

  phase state = phase::connecting;
  bool opened = false;  // the handshake succeeded
  bool busy = false;  // an operation is under way (one at a time)
  message_decoder decoder;
  http::detail::read_buffer buffer{};     // what reads fill; the bytes after a frame wait here
  std::size_t read_at = 0, read_end = 0;  // bytes of `buffer` not yet fed to the decoder
  std::string out;                        // the frame being written, its capacity kept
  mask_source masks;
  std::uint16_t close_code = 0;           // the server's close code, once the session closed
  std::string close_reason;

  // Pings sent and not yet answered: the id sent as payload and when.
  struct pending_ping {
    std::uint64_t id = 0;
    clock::time_point sent{};
  };
  std::array<pending_ping, 8> pings{};
  std::uint64_t next_ping = 1;
  std::array<char, 24> ping_text{};  // the payload of the ping being sent

  // Metrics: the recorder, the session's tag set and the VU's (for data_*), the run's start.
  recorder* rec = nullptr;
  std::optional<ws_metric_ids> ids;
  tag_set_id tags = 0, vu_tags = 0;
  clock::time_point run_start{}, started{};
  bool duration_recorded = false;
  std::uint64_t messages_sent = 0, messages_received = 0;
};

/// Records `value` of the metric `which` names now, with the session's tags (`vu_only`: the
/// VU's tags, as k6 tags `data_sent` and `data_received`). Nothing without a recorder.
void record(session_state& s, metric_id ws_metric_ids::*which, double value, bool vu_only = false);
/// Records `ws_session_duration` once, at the session's end.
void record_end(session_state& s);
/// Closes the socket and marks the session closed: with `e` unless it already failed (no
/// error: a clean end), and `code` as the close code it stands for unless it has one.
void end_session(session_state& s, ws::error e, std::uint16_t code);
/// The wait's deadline `d` from now; `clock::time_point::max()` for a `d` past the clock's range.
[[nodiscard]] clock::time_point deadline_after(std::chrono::nanoseconds d);
/// Arms the timer for `deadline`: when it passes, `timed_out` is set and the socket's operations
/// are cancelled (`abort`: the connection is closed instead). `clock::time_point::max()` arms
/// nothing.
void arm(session_state& s, clock::time_point deadline, bool abort);
/// Ends the current wait's deadline.
void disarm(session_state& s) noexcept;

}  // namespace stampede::ws::detail
