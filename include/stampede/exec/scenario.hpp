// sp::scenario: a named workload — the function each iteration runs, the executor that paces
// it, and k6's common options (start time, graceful stop, tags, env).
#pragma once

#include <stampede/core/task.hpp>
#include <stampede/exec/detail/context.hpp>
#include <stampede/exec/executors.hpp>
#include <stampede/exec/vu.hpp>
#include <stampede/metrics/tags.hpp>

#include <chrono>
#include <concepts>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

namespace stampede {

namespace detail {

template <typename F>
struct exec_signature;
template <typename C, typename R, typename State>
struct exec_signature<R (C::*)(vu&, State&) const> {
  using state = State;
};
template <typename C, typename R, typename State>
struct exec_signature<R (C::*)(vu&, State&)> {
  using state = State;
};
template <typename R, typename State>
struct exec_signature<R (*)(vu&, State&)> {
  using state = State;
};

template <typename F>
struct exec_state_of : exec_signature<decltype(&F::operator())> {};
template <typename R, typename State>
struct exec_state_of<R (*)(vu&, State&)> : exec_signature<R (*)(vu&, State&)> {};

// A coroutine, not a lambda: its parameters live in its frame, so nothing it uses can
// dangle while the iteration is suspended.
template <typename F, typename State>
task<> call_with_state(std::shared_ptr<const F> fn, vu& u) {
  co_await (*fn)(u, u.state<State>());
}

}  // namespace detail

/// What one iteration of a scenario runs. Either `task<>(vu&)`, or `task<>(vu&, State&)` where
/// `State` is the VU's typed state: constructed once per VU (from `vu&` or by default) and
/// handed to each of its iterations — typed data instead of string-keyed sessions.
///
/// ```cpp
/// struct cart { std::vector<int> items; };
/// sp::exec_fn shop = [](sp::vu& u, cart& c) -> sp::task<> { c.items.push_back(1); co_return; };
/// ```
class exec_fn {
 public:
  exec_fn() = default;
  template <typename F>
    requires(!std::same_as<std::remove_cvref_t<F>, exec_fn> && std::is_invocable_r_v<task<>, const F&, vu&>)
  exec_fn(F fn)  // NOLINT(google-explicit-constructor): `.exec = my_function` reads as k6's `exec`
      : fn_{[f = std::make_shared<const F>(std::move(fn))](vu& u) { return (*f)(u); }} {}
  template <typename F>
    requires(!std::same_as<std::remove_cvref_t<F>, exec_fn> && !std::is_invocable_v<const F&, vu&> &&
             requires { typename detail::exec_state_of<std::decay_t<F>>::state; })
  exec_fn(F fn)  // NOLINT(google-explicit-constructor)
      : fn_{[f = std::make_shared<const std::decay_t<F>>(std::move(fn))](vu& u) {
          using state = std::remove_cvref_t<typename detail::exec_state_of<std::decay_t<F>>::state>;
          return detail::call_with_state<std::decay_t<F>, state>(f, u);
        }} {}

  [[nodiscard]] explicit operator bool() const noexcept { return static_cast<bool>(fn_); }
  /// Starts one iteration. Safe to call from several shards at once: the callable is shared
  /// read-only.
  [[nodiscard]] task<> operator()(vu& u) const { return fn_(u); }

 private:
  std::function<task<>(vu&)> fn_;
};

/// One scenario of a test, as k6's `options.scenarios.<name>`.
///
/// ```cpp
/// sp::scenario browse{.name = "browse", .exec = browse_pages,
///                     .executor = sp::constant_vus{.vus = 10, .duration = 30s},
///                     .start_time = 10s, .tags = {{"flow", "browse"}}};
/// ```
struct scenario {
  std::string name = "default";
  exec_fn exec{};
  ::stampede::executor executor = constant_vus{.vus = 1, .duration = std::chrono::seconds{10}};
  /// When the scenario starts, from the start of the test.
  std::chrono::nanoseconds start_time{0};
  /// How long iterations still running at the scenario's end may take to finish before they
  /// are interrupted (k6's `gracefulStop`).
  std::chrono::nanoseconds graceful_stop = std::chrono::seconds{30};
  /// Tags on every sample of the scenario.
  tag_set tags{};
  /// Environment variables seen by `vu::env` in this scenario only.
  env_map env{};
};

}  // namespace stampede
