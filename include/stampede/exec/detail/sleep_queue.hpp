// A shard's sleeping VUs: one queue of deadlines on one engine timer, so that a sleep costs
// its VU a small node rather than a coroutine frame, a timer and Asio's wait operation.
#pragma once

#include <stampede/config.hpp>
#include <stampede/exec/detail/engine_clock.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/associated_allocator.hpp>
#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/cancellation_type.hpp>
#include <asio/error.hpp>
#include <asio/execution_context.hpp>
#include <asio/io_context.hpp>
#include <asio/dispatch.hpp>
#include <asio/post.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace stampede::detail {

/// One pending wait in a `sleep_queue`: its deadline, its place in the queue, and the
/// completion it owes. The completion handler lives in the derived `sleep_queue::op`.
struct sleeper {
  /// Not in the queue: due and being completed, or cancelled.
  static constexpr std::uint32_t unqueued = std::numeric_limits<std::uint32_t>::max();

  engine_clock::time_point deadline;
  std::uint32_t index = unqueued;  ///< position in the queue's heap
  std::uint32_t order = 0;         ///< arrival order, which breaks ties between equal deadlines
  asio::cancellation_slot slot;    ///< where its canceller is installed, if anywhere
  /// What `act` does with the wait.
  enum class action : std::uint8_t {
    dispatch,  ///< hand its completion with `ec` to its handler's associated executor (`*fallback`
               ///< if it has none), to run here when this thread runs that executor
    post,      ///< the same, never run here
    complete,  ///< run by what `dispatch` or `post` handed over: complete with `ec`, free the node
    destroy,   ///< free the node and its handler without completing
  };
  void (*act)(sleeper*, action, const asio::any_io_executor* fallback, asio::error_code ec) = nullptr;
};

/// The engine timers' queue for VU sleeps on one io_context, an Asio service
/// (`asio::use_service<sleep_queue>(io)`): waits complete in deadline order (equal deadlines
/// in the order they were started) through the waiter's associated executor, never inside
/// `async_wait_until`. Waits found due together complete one after another inside the
/// handler of the timer that found them, the place where Asio would have queued its own
/// timers' completions, so that ordering against other engine timers is kept. One engine timer stands for the earliest deadline, so manual
/// time sees sleeps as it sees any engine wait. A wait whose associated cancellation slot is
/// emitted (terminal, partial or total) before its deadline completes with
/// `asio::error::operation_aborted`. Waits still queued when the io_context shuts down are
/// destroyed without completing, as Asio's timers' are.
///
/// Thread safety: one thread, the io_context's; as with an Asio timer, no two calls at once.
/// Throws: `async_wait_until` may throw `std::bad_alloc`.
class sleep_queue final : public asio::execution_context::service {
 public:
  inline static asio::execution_context::id id;  ///< the service's key in its io_context

  explicit sleep_queue(asio::io_context& io);
  sleep_queue(const sleep_queue&) = delete;
  sleep_queue& operator=(const sleep_queue&) = delete;
  // Virtual functions declared STAMPEDE_DECL, so that a header-only translation unit that
  // makes no queue emits no vtable (tests/cmake/header_only_code_test.cmake).
  STAMPEDE_DECL ~sleep_queue() override;

  /// Starts a wait until `deadline` on the engine clock: `co_await q.async_wait_until(t, token)`
  /// with any token whose signature is `void(asio::error_code)`.
  template <typename Token>
  auto async_wait_until(engine_clock::time_point deadline, Token&& token) {
    return asio::async_initiate<Token, void(asio::error_code)>(initiation{this}, token, deadline);
  }

  /// The waits queued now.
  [[nodiscard]] std::size_t size() const noexcept { return heap_.size(); }

 private:
  // Owns a sleeper taken off the queue until its completion runs on the waiter's executor;
  // destroys it uncompleted if the io_context shuts down first.
  struct completion {
    sleeper* s;
    asio::error_code ec;
    completion(sleeper* s_, asio::error_code ec_) noexcept : s{s_}, ec{ec_} {}
    completion(completion&& other) noexcept : s{std::exchange(other.s, nullptr)}, ec{other.ec} {}
    completion(const completion&) = delete;
    completion& operator=(const completion&) = delete;
    completion& operator=(completion&&) = delete;
    ~completion() {
      if (s != nullptr) s->act(s, sleeper::action::destroy, nullptr, {});
    }
    void operator()() {
      auto* taken = std::exchange(s, nullptr);
      taken->act(taken, sleeper::action::complete, nullptr, ec);
    }
  };

  template <typename Handler>
  struct op final : sleeper {
    template <typename H>
    explicit op(H&& h) : handler{std::forward<H>(h)} {}
    Handler handler;

    // The handler's own allocator, or operator new: one node stays allocated for as long as
    // its wait, so it is kept to the sleeper's five words and the handler (a coroutine's is
    // one pointer).
    using allocator = typename std::allocator_traits<
        asio::associated_allocator_t<Handler, std::allocator<void>>>::template rebind_alloc<op>;

    static void act_on(sleeper* base, action what, const asio::any_io_executor* fallback, asio::error_code ec) {
      auto* self = static_cast<op*>(base);
      if (what == action::dispatch || what == action::post) {
        const auto ex = asio::get_associated_executor(self->handler, *fallback);
        if (what == action::dispatch) {
          asio::dispatch(ex, completion{self, ec});
        } else {
          asio::post(ex, completion{self, ec});
        }
        return;
      }
      // Destroyed uncompleted only as the io_context shuts down, when the slot's signal may be
      // gone already; nothing emits it after that.
      if (what == action::complete) self->slot.clear();
      allocator alloc{asio::get_associated_allocator(self->handler, std::allocator<void>{})};
      Handler h{std::move(self->handler)};
      std::allocator_traits<allocator>::destroy(alloc, self);
      std::allocator_traits<allocator>::deallocate(alloc, self, 1);  // memory back before the upcall
      if (what == action::complete) std::move(h)(ec);
    }
  };

  struct canceller {
    sleep_queue* queue;
    sleeper* s;
    void operator()(asio::cancellation_type type) const {
      using ct = asio::cancellation_type;
      if ((type & (ct::terminal | ct::partial | ct::total)) != ct::none) queue->cancel(*s);
    }
  };

  struct initiation {
    sleep_queue* queue;

    template <typename Handler>
    void operator()(Handler&& handler, engine_clock::time_point deadline) const {
      using op_type = op<std::decay_t<Handler>>;
      using traits = std::allocator_traits<typename op_type::allocator>;
      queue->make_room();  // whatever throws, throws before the handler is taken
      typename op_type::allocator alloc{asio::get_associated_allocator(handler, std::allocator<void>{})};
      auto* node = traits::allocate(alloc, 1);
      auto slot = asio::get_associated_cancellation_slot(handler);
      try {
        traits::construct(alloc, node, std::forward<Handler>(handler));
      } catch (...) {
        traits::deallocate(alloc, node, 1);
        throw;
      }
      node->deadline = deadline;
      node->act = &op_type::act_on;
      if (slot.is_connected()) {
        node->slot = slot;
        slot.template emplace<canceller>(canceller{queue, node});
      }
      queue->add(*node);
    }
  };

  STAMPEDE_DECL void shutdown() override;
  // Makes sure `add` has room for one more wait; throws std::length_error past 2^32 - 2 waits,
  // or std::bad_alloc.
  void make_room();
  void add(sleeper& s);
  void cancel(sleeper& s);
  void arm();
  void on_timer();
  [[nodiscard]] bool before(const sleeper& a, const sleeper& b) const noexcept;
  void sift_up(std::size_t i) noexcept;
  void sift_down(std::size_t i) noexcept;
  void place(std::size_t i, sleeper* s) noexcept;
  sleeper* take(std::size_t i) noexcept;

  engine_timer timer_;
  std::vector<sleeper*> heap_;  // a binary min-heap by (deadline, order)
  std::uint32_t next_order_ = 0;
  bool waiting_ = false;    // an async_wait of timer_ is outstanding
  bool firing_ = false;     // on_timer is completing what is due
  bool shut_down_ = false;
};

}  // namespace stampede::detail

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/exec/impl/sleep_queue.ipp>
#endif
