// The impairing proxy's machinery: the io_context and its thread, the acceptor, one link (two
// sockets, two pumps) per client connection, the impairments every pump reads, and the stop.
#pragma once

#include <stampede/core/asio.hpp>
#include <stampede/core/error.hpp>
#include <stampede/core/rng.hpp>
#include <stampede/core/task.hpp>
#include <stampede/testbed/detail/listener.hpp>
#include <stampede/testbed/detail/proxy_pacing.hpp>
// and testbed/proxy.hpp's declarations: impl/proxy.ipp, the one file that includes this one, is
// included at the end of proxy.hpp or after it (impl/src.hpp), and including proxy.hpp here
// would make a cycle that a compiler reading proxy.hpp as its main file cannot break.

#include <asio/buffer.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/socket_base.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace stampede::testbed::detail {

using proxy_clock = std::chrono::steady_clock;

/// Direction `d` as an index into per-direction arrays.
[[nodiscard]] constexpr std::size_t direction_index(direction d) noexcept {
  return d == direction::upstream ? 0 : 1;
}

/// One client connection and its connection to the server. Everything touching it runs on the
/// proxy's single thread; other threads reach it by posting there.
struct proxy_link : std::enable_shared_from_this<proxy_link> {
  proxy_link(asio::io_context& io, asio::ip::tcp::socket c, std::uint64_t n)
      : client(std::move(c)), server(io), waits{asio::steady_timer{io}, asio::steady_timer{io}}, reset_timer(io),
        linger(io), number(n) {}

  /// Where direction `d` reads from and writes to.
  asio::ip::tcp::socket& source(direction d) noexcept { return d == direction::upstream ? client : server; }
  asio::ip::tcp::socket& sink(direction d) noexcept { return d == direction::upstream ? server : client; }

  /// Ends every operation in flight at once; the pumps see errors and return.
  void close() noexcept {
    closed = true;
    std::error_code ignored;
    client.close(ignored);
    server.close(ignored);
    for (auto& w : waits) w.cancel();
    reset_timer.cancel();
    linger.cancel();
  }

  /// Closes both sockets with RST (SO_LINGER 0) rather than FIN.
  void reset() noexcept {
    std::error_code ignored;
    client.set_option(asio::socket_base::linger(true, 0), ignored);
    server.set_option(asio::socket_base::linger(true, 0), ignored);
    close();
  }

  /// Stops forwarding: both peers get the end of the stream after what they have been sent.
  /// The pumps read on and drop what arrives, so the sockets close cleanly (FIN, not RST) once
  /// both peers have closed too, or after `limit` whatever they do.
  void begin_closing(std::chrono::nanoseconds limit) {
    if (closing || closed) return;
    closing = true;
    std::error_code ignored;
    client.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    server.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    for (auto& w : waits) w.cancel();
    linger.expires_after(limit);
    linger.async_wait([weak = weak_from_this()](std::error_code ec) {
      if (const auto self = weak.lock(); !ec && self) self->close();
    });
  }

  [[nodiscard]] bool forwarding() const noexcept { return !closed && !closing; }

  asio::ip::tcp::socket client;
  asio::ip::tcp::socket server;
  std::array<asio::steady_timer, 2> waits;  // each pump's delays and stall; cancelled to wake it
  asio::steady_timer reset_timer;           // reset_after
  asio::steady_timer linger;                // the connect timeout, then the bound on closing
  proxy_clock::time_point opened{};
  std::uint64_t number;
  std::uint64_t reset_generation = 0;  // an expiry already queued when the timer is re-armed is stale
  int activities = 0;                  // the connecting coroutine, then the two pumps
  bool closed = false;
  bool closing = false;
};

/// The proxy's counters; relaxed atomics, read one by one.
struct proxy_counters {
  std::atomic<std::uint64_t> connections_accepted{0};
  std::atomic<std::uint64_t> connections_open{0};
  std::array<std::atomic<std::uint64_t>, 2> bytes{};
  std::atomic<std::uint64_t> connections_reset{0};
  std::atomic<std::uint64_t> connections_limited{0};
  std::atomic<std::uint64_t> upstream_failures{0};

  [[nodiscard]] proxy_stats snapshot() const {
    constexpr auto relaxed = std::memory_order_relaxed;
    return {.connections_accepted = connections_accepted.load(relaxed),
            .connections_open = connections_open.load(relaxed),
            .bytes_upstream = bytes[0].load(relaxed),
            .bytes_downstream = bytes[1].load(relaxed),
            .connections_reset = connections_reset.load(relaxed),
            .connections_limited = connections_limited.load(relaxed),
            .upstream_failures = upstream_failures.load(relaxed)};
  }
};

class proxy_core {
 public:
  explicit proxy_core(proxy_options options)
      : options_((options.validate(), std::move(options))),
        impairments_{options_.upstream, options_.downstream},
        io_(1),
        acceptor_(io_),
        retry_(io_) {
    upstream_ = {listen_address(options_.upstream_host, "proxy_options: upstream_host"), options_.upstream_port};
    listen_on(acceptor_, {listen_address(options_.host, "proxy_options: host"), options_.port});
    const auto bound = acceptor_.local_endpoint();
    port_ = bound.port();
    host_ = url_host(bound.address());

    asio::co_spawn(io_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { run_io(io_); });
  }

  proxy_core(const proxy_core&) = delete;
  proxy_core& operator=(const proxy_core&) = delete;
  ~proxy_core() { stop(); }

  void stop() {
    const std::lock_guard stop_lock{stop_mutex_};
    if (stopped_) return;
    stopped_ = true;
    {
      const std::lock_guard lock{mutex_};
      stopping_ = true;
    }
    // On the proxy's thread, after which nothing waits: the coroutines end and run() returns.
    asio::post(io_, [this] {
      std::error_code ignored;
      acceptor_.close(ignored);
      retry_.cancel();
      for (auto& [number, link] : open_) link->close();
    });
    if (thread_.joinable()) thread_.join();
  }

  void set(direction d, const impairment& i) {
    i.validate();
    {
      const std::lock_guard lock{mutex_};
      impairments_[direction_index(d)] = i;
      if (stopping_) return;
    }
    // Wakes pumps that wait (a stall may be off now) and re-arms each connection's reset.
    asio::post(io_, [this] {
      for (auto& [number, link] : open_) wake(link);
    });
  }

  [[nodiscard]] impairment current(direction d) const {
    const std::lock_guard lock{mutex_};
    return impairments_[direction_index(d)];
  }

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] const std::string& host() const noexcept { return host_; }
  [[nodiscard]] const proxy_options& options() const noexcept { return options_; }
  [[nodiscard]] proxy_stats stats() const { return counters_.snapshot(); }

 private:
  /// How long a closing connection waits for its peers to close before it closes anyway.
  static constexpr std::chrono::seconds closing_limit{1};

  task<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(net::use_nothrow);
      if (!acceptor_.is_open()) co_return;
      if (ec) {
        // Out of descriptors and the like: wait a little rather than spin.
        retry_.expires_after(std::chrono::milliseconds{10});
        co_await retry_.async_wait(net::use_nothrow);
        continue;
      }
      counters_.connections_accepted.fetch_add(1, std::memory_order_relaxed);
      counters_.connections_open.fetch_add(1, std::memory_order_relaxed);
      auto link = std::make_shared<proxy_link>(io_, std::move(socket), next_number_++);
      open_.emplace(link->number, link);
      link->activities = 1;
      asio::co_spawn(io_, connect(link), asio::detached);
    }
  }

  /// Counts an activity of `link` done, and forgets the link after its last.
  struct activity {
    proxy_core* core;
    std::shared_ptr<proxy_link> link;
    activity(proxy_core* c, std::shared_ptr<proxy_link> l) : core(c), link(std::move(l)) {}
    activity(const activity&) = delete;
    activity& operator=(const activity&) = delete;
    ~activity() {
      if (--link->activities > 0) return;
      core->open_.erase(link->number);
      core->counters_.connections_open.fetch_sub(1, std::memory_order_relaxed);
    }
  };

  task<void> connect(std::shared_ptr<proxy_link> link) {
    const activity counted{this, link};
    link->linger.expires_after(options_.connect_timeout);
    link->linger.async_wait([weak = std::weak_ptr<proxy_link>(link)](std::error_code ec) {
      std::error_code ignored;
      if (const auto self = weak.lock(); !ec && self) self->server.close(ignored);
    });
    auto [ec] = co_await link->server.async_connect(upstream_, net::use_nothrow);
    link->linger.cancel();
    if (link->closed) co_return;
    if (ec) {
      counters_.upstream_failures.fetch_add(1, std::memory_order_relaxed);
      link->reset();
      co_return;
    }
    std::error_code ignored;
    link->client.set_option(asio::ip::tcp::no_delay(true), ignored);
    link->server.set_option(asio::ip::tcp::no_delay(true), ignored);
    link->opened = proxy_clock::now();
    arm_reset(link);
    link->activities += 2;
    asio::co_spawn(io_, pump(link, direction::upstream), asio::detached);
    asio::co_spawn(io_, pump(link, direction::downstream), asio::detached);
  }

  void wake(const std::shared_ptr<proxy_link>& link) {
    if (link->closed) return;
    for (auto& w : link->waits) w.cancel();
    if (link->opened != proxy_clock::time_point{}) arm_reset(link);
  }

  void arm_reset(const std::shared_ptr<proxy_link>& link) {
    const auto generation = ++link->reset_generation;
    link->reset_timer.cancel();
    const auto at =
        reset_time(link->opened, current(direction::upstream).reset_after, current(direction::downstream).reset_after);
    if (!at || link->closed) return;
    link->reset_timer.expires_at(*at);
    link->reset_timer.async_wait([this, weak = std::weak_ptr<proxy_link>(link), generation](std::error_code ec) {
      const auto self = weak.lock();
      if (ec || !self || self->closed || self->reset_generation != generation) return;
      counters_.connections_reset.fetch_add(1, std::memory_order_relaxed);
      self->reset();
    });
  }

  /// Waits on the pump's timer until `at`; false if the link stopped forwarding meanwhile.
  /// A wake cancels the wait early, so it waits again for what is left.
  static task<bool> wait_until(proxy_link& link, asio::steady_timer& timer, proxy_clock::time_point at) {
    while (link.forwarding() && proxy_clock::now() < at) {
      timer.expires_at(at);
      co_await timer.async_wait(net::use_nothrow);
    }
    co_return link.forwarding();
  }

  /// Holds the pump while its direction is stalled; false if the link stopped forwarding.
  task<bool> wait_while_stalled(proxy_link& link, asio::steady_timer& timer, direction d) {
    while (link.forwarding() && current(d).stall) {
      timer.expires_at(proxy_clock::time_point::max());
      co_await timer.async_wait(net::use_nothrow);
    }
    co_return link.forwarding();
  }

  /// Forwards `n` bytes of `data` the way direction `d` is impaired now; false if the link
  /// stopped forwarding (closed, closing, or this direction reached its limit).
  task<bool> forward(proxy_link& link, direction d, const char* data, std::size_t n, std::uint64_t& forwarded,
                     proxy_clock::time_point& busy_until) {
    auto& timer = link.waits[direction_index(d)];
    for (std::size_t offset = 0; offset < n;) {
      if (!co_await wait_while_stalled(link, timer, d)) co_return false;
      const auto now_impaired = current(d);
      const auto piece = next_piece({.slice_bytes = now_impaired.slice_bytes,
                                     .bandwidth = now_impaired.bandwidth,
                                     .limit_bytes = now_impaired.limit_bytes},
                                    n - offset, forwarded);
      if (piece == 0) break;  // the limit, reached before this read
      if (now_impaired.bandwidth > 0) {
        busy_until = paced_until(busy_until, proxy_clock::now(), piece, now_impaired.bandwidth);
        if (!co_await wait_until(link, timer, busy_until)) co_return false;
      }
      auto [ec, written] = co_await asio::async_write(link.sink(d), asio::buffer(data + offset, piece), net::use_nothrow);
      if (ec) {
        if (link.forwarding()) link.close();  // the receiver is gone: so is the connection
        co_return false;
      }
      offset += piece;
      forwarded += piece;
      counters_.bytes[direction_index(d)].fetch_add(piece, std::memory_order_relaxed);
      if (now_impaired.limit_bytes && forwarded >= *now_impaired.limit_bytes) break;
      if (offset < n && now_impaired.slice_bytes > 0 && now_impaired.slice_delay.count() > 0 &&
          !co_await wait_until(link, timer, proxy_clock::now() + now_impaired.slice_delay)) {
        co_return false;
      }
    }
    const auto limit = current(d).limit_bytes;
    if (limit && forwarded >= *limit) {
      counters_.connections_limited.fetch_add(1, std::memory_order_relaxed);
      link.begin_closing(closing_limit);
      co_return false;
    }
    co_return true;
  }

  /// Moves the bytes of direction `d` of `link` until its source closes or the link does.
  task<void> pump(std::shared_ptr<proxy_link> link, direction d) {
    const activity counted{this, link};
    auto& source = link->source(d);
    std::vector<char> buffer(proxy_buffer_bytes);
    rng draws{options_.seed, link->number * 2 + direction_index(d)};
    std::uint64_t forwarded = 0;
    proxy_clock::time_point busy_until{};
    std::error_code read_error;
    while (!link->closed) {
      auto [ec, n] = co_await source.async_read_some(asio::buffer(buffer), net::use_nothrow);
      if (ec) {
        read_error = ec;
        break;
      }
      if (!link->forwarding()) continue;  // closing: drop what arrives until the peer closes
      const auto now_impaired = current(d);
      const auto delay = read_delay(now_impaired.latency, now_impaired.jitter, draws);
      if (!co_await wait_until(*link, link->waits[direction_index(d)], proxy_clock::now() + delay)) continue;
      co_await forward(*link, d, buffer.data(), n, forwarded, busy_until);
    }
    if (link->closed) co_return;
    if (read_error != asio::error::eof) {
      link->close();  // a reset or a broken connection: end both sides
      co_return;
    }
    if (link->forwarding()) {
      // The sender closed its side: pass the close on, slowly if asked to.
      const auto slow = current(d).slow_close;
      if (slow.count() > 0 && !co_await wait_until(*link, link->waits[direction_index(d)], proxy_clock::now() + slow)) {
        if (link->closed) co_return;
      }
      std::error_code ignored;
      link->sink(d).shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    }
    // Both directions ended: both peers have closed their sides, and the sockets can go.
    if (link->activities == 1) link->close();
  }

  const proxy_options options_;
  mutable std::mutex mutex_;
  std::array<impairment, 2> impairments_;  // under mutex_
  bool stopping_ = false;                  // under mutex_
  proxy_counters counters_;
  // On the proxy's thread only.
  std::unordered_map<std::uint64_t, std::shared_ptr<proxy_link>> open_;
  std::uint64_t next_number_ = 0;
  asio::ip::tcp::endpoint upstream_;
  // Destroyed before the state above (members go in reverse order): coroutine frames that io_
  // destroys still find what they refer to.
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer retry_;
  std::uint16_t port_ = 0;
  std::string host_;
  std::thread thread_;
  std::mutex stop_mutex_;
  bool stopped_ = false;
};

}  // namespace stampede::testbed::detail
