// sp::vu: what a virtual user's iteration works with — its ids and tags, the environment, a
// seeded random generator, sleeps, checks, groups, custom metrics and timed Asio operations.
#pragma once

#include <stampede/core/log.hpp>
#include <stampede/core/rng.hpp>
#include <stampede/core/task.hpp>
#include <stampede/exec/detail/context.hpp>
#include <stampede/http/client.hpp>
#include <stampede/metrics/metric.hpp>
#include <stampede/metrics/tags.hpp>

#include <asio/any_io_executor.hpp>

#include <any>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>

namespace stampede {

namespace detail {
struct vu_access;
}  // namespace detail

namespace ws {
class client;
}  // namespace ws

/// Thrown by `vu::end_iteration()` and caught by the engine: the iteration ends early and
/// counts as complete. Not a `std::exception`, so `catch (const std::exception&)` in a test
/// does not swallow it.
struct iteration_end {};

/// Thrown by `vu::abort_test()` and caught by the engine: the whole test stops (k6's
/// `test.abort()`, exit code 108).
struct test_abort {
  std::string reason;
};

/// A predicate that names itself: `u.check(res, sp::status_is(200))` uses `describe()` as the
/// check's name.
template <typename P, typename T>
concept describing_predicate = std::predicate<const P&, const T&> && requires(const P& p) {
  { p.describe() } -> std::convertible_to<std::string>;
};

/// One virtual user, passed by reference to every iteration of its scenario.
///
/// Thread safety: a VU lives on one shard (thread) for the whole run; nothing here is
/// thread-safe, and nothing needs to be.
/// Throws: `usage_error` for misuse (a check or group without a name, a metric not listed in
/// `load_test::metrics`, setup data or state of another type); `iteration_end` and
/// `test_abort` from `end_iteration` and `abort_test`, which the engine catches.
///
/// ```cpp
/// sp::task<> browse(sp::vu& u) {
///   co_await u.group("home", [&]() -> sp::task<> {
///     u.check(u.iteration(), "even iterations", [](auto i) { return i % 2 == 0; });
///     co_await u.sleep(1s, 3s);  // a think time drawn from the VU's seeded generator
///   });
/// }
/// ```
class vu {
 public:
  vu(detail::shard_context& shard, detail::scenario_context& scenario, std::uint64_t id_in_scenario);
  vu(const vu&) = delete;
  vu& operator=(const vu&) = delete;
  ~vu();

  /// The VU's id in this process, from 1 (k6's `__VU`, `exec.vu.idInInstance`).
  [[nodiscard]] std::uint64_t id() const noexcept { return scenario_->first_vu_id + id_in_scenario_; }
  /// The VU's id in the whole test, from 1 (k6's `exec.vu.idInTest`): the same as `id()`
  /// unless the test runs as parts (`run_options::part`), where each part's VUs have their
  /// own ids, and a VU has the id and the random sequence of the whole test's VU it stands for.
  [[nodiscard]] std::uint64_t id_in_test() const noexcept { return id_in_test_; }
  /// The VU's id within its scenario in this process, from 1.
  [[nodiscard]] std::uint64_t id_in_scenario() const noexcept { return id_in_scenario_; }
  /// How many iterations this VU started before the current one (k6's `__ITER`).
  [[nodiscard]] std::uint64_t iteration() const noexcept { return iteration_; }
  /// The current iteration's number in its scenario across the whole test, from 0 (k6's
  /// `exec.scenario.iterationInTest`): unique among all parts of a test run as parts, so
  /// that each part can take its own rows of a data set. For `shared_iterations` the numbers
  /// are exactly 0 … iterations − 1 over the parts; for arrival-rate executors, the
  /// iteration's place in the whole schedule (dropped iterations leave gaps); for looping
  /// executors, the order iterations started in.
  [[nodiscard]] std::uint64_t iteration_in_test() const noexcept { return iteration_in_test_; }
  /// The scenario's name.
  [[nodiscard]] const std::string& scenario() const noexcept;
  /// The current group path: "" outside any group, `::login::form` nested (k6's spelling).
  [[nodiscard]] const std::string& group() const noexcept { return group_; }
  /// Tags every sample of this VU carries: the test's and scenario's tags, `scenario`, `group`
  /// and those set with `set_tag`.
  [[nodiscard]] const tag_set& tags() const noexcept;
  /// Adds or replaces a tag on this VU's samples from now on (k6's `exec.vu.tags[key] = value`).
  /// Throws `usage_error` for the system tags the engine sets (`scenario`, `group`).
  void set_tag(std::string key, std::string value);

  /// An environment variable: the scenario's `env`, then `-e KEY=VALUE` flags and the test's
  /// `env`, then the process environment; `fallback` if none has it.
  [[nodiscard]] std::string env(std::string_view key, std::string_view fallback = {}) const;
  /// This VU's generator, seeded from the run's seed and the VU's id: the same seed gives
  /// every VU the same sequence again.
  [[nodiscard]] rng& random() noexcept { return rng_; }
  /// Time since the scenarios started.
  [[nodiscard]] std::chrono::nanoseconds elapsed() const noexcept;
  /// The executor of the VU's shard: for Asio objects the iteration creates (sockets, timers).
  [[nodiscard]] asio::any_io_executor executor() const noexcept;

  /// This VU's HTTP client (k6's `http`): created on first use with the test's
  /// `load_test::http` options, one keep-alive connection per origin kept across iterations,
  /// its own cookie jar, a DNS cache shared by every VU of the run, and k6's HTTP metrics
  /// recorded with this VU's tags.
  ///
  /// ```cpp
  /// auto res = co_await u.http().get(base + "/api/v1/todos");
  /// u.check(res, sp::status_is(200));
  /// ```
  [[nodiscard]] http::client& http();

  /// This VU's WebSocket client (k6's `ws`; include `<stampede/ws.hpp>`): created on first use
  /// with the test's `load_test::ws` options, the HTTP client's name resolution, TLS settings
  /// and cookie jar, and k6's `ws_*` metrics recorded with this VU's tags.
  ///
  /// ```cpp
  /// auto ws = co_await u.ws().connect("ws://127.0.0.1:8080/echo");
  /// co_await ws.send_text("hello");
  /// ```
  [[nodiscard]] ws::client& ws();

  /// Writes `message` to the run's console (k6's `console.log`, `console.info`, `.warn`,
  /// `.error`, `.debug`): one line in k6's log format, `source=console`, to
  /// `run_options::console` (standard error by default; `--console-output FILE` and
  /// `--log-output` with `sp::main`). A line below the console's level (`debug`, at k6's
  /// default level `info`) is not written. Lines of VUs on different threads never interleave.
  ///
  /// ```cpp
  /// u.log("logged in as " + user);              // time="…" level=info msg="logged in as ann" source=console
  /// u.log("slow response", sp::log_level::warning);
  /// ```
  void log(std::string_view message, log_level level = log_level::info) const;

  /// Waits `d` (k6's `sleep`). Interrupted by a graceful stop's deadline like any Asio wait.
  [[nodiscard]] task<> sleep(std::chrono::nanoseconds d);
  /// Waits a duration drawn uniformly from [min, max] with the VU's generator.
  [[nodiscard]] task<> sleep(std::chrono::nanoseconds min, std::chrono::nanoseconds max);

  /// Records whether `predicate(value)` holds in `checks`, tagged `check:<name>` and with this
  /// VU's tags; returns it. A failed check does not stop the iteration.
  template <typename T, std::predicate<const T&> Predicate>
  bool check(const T& value, std::string_view name, Predicate&& predicate);
  /// The same, named after the predicate's own description (`status is 200`).
  template <typename T, describing_predicate<T> Predicate>
  bool check(const T& value, const Predicate& predicate);

  /// Runs `body` (a `task<>()` or `task<>(vu&)` callable) as k6's group `name`: samples inside
  /// carry `group:::outer::name`, and `group_duration` records the time it took. Throws
  /// `usage_error` for an empty name or one holding "::".
  template <typename Body>
  [[nodiscard]] task<> group(std::string name, Body body);

  /// Records a sample of a custom (or built-in) metric with this VU's tags and `extra` on
  /// top. The metric must be listed in `load_test::metrics`, with the same type; otherwise
  /// this throws `usage_error`, and the run stops as invalid (`run_status::invalid_test`, exit
  /// code 104): a test that records what it does not register is wrong in every iteration.
  template <metric_type Type>
  void record(const metric<Type>& m, double value, const tag_set& extra = {});

  /// Awaits `op` (any `asio::awaitable`, e.g. `sock.async_connect(ep, asio::use_awaitable)`)
  /// and records how long it took in `t`, also when it throws: load-test any protocol Asio
  /// speaks.
  template <typename T>
  [[nodiscard]] task<T> timed(const trend& t, task<T> op, tag_set extra = {});

  /// Stops the whole test now (k6's `test.abort()`): running iterations are interrupted, the
  /// summary is still printed, and `sp::main` exits with 108.
  [[noreturn]] void abort_test(std::string reason);
  /// Ends the current iteration here; it counts as complete (from inside nested calls, where
  /// `co_return` cannot reach).
  [[noreturn]] void end_iteration();

  /// The value `load_test::setup` returned, shared read-only by every VU. Throws
  /// `usage_error` if the test has no setup or it returned another type.
  template <typename T>
  [[nodiscard]] const T& setup_data() const;
  /// This VU's own `State`, constructed on first use (from `vu&` if it has such a
  /// constructor, else by default) and kept across iterations. Throws `usage_error` if the VU
  /// already holds a state of another type.
  template <typename State>
  [[nodiscard]] State& state();

 private:
  friend struct detail::vu_access;

  // Makes `id` (interned in the shard's recorder) the VU's tags.
  void set_tags(tag_set_id id);
  void record_check(std::string_view name, bool passed);
  // The id of metric `name` registered with `type`; throws usage_error otherwise.
  [[nodiscard]] metric_id registered(const std::string& name, metric_type type);
  [[nodiscard]] std::chrono::nanoseconds now() const noexcept;

  detail::shard_context* shard_;
  detail::scenario_context* scenario_;
  std::uint64_t id_in_test_;
  std::uint64_t id_in_scenario_;
  std::uint64_t iteration_ = 0;
  std::uint64_t iteration_in_test_ = 0;
  std::string group_;
  // The VU's tags live in the shard's recorder, interned: changing them (set_tag, entering or
  // leaving a group) switches ids, which the shard's lookup cache remembers.
  tag_set_id tags_id_ = 0;
  const tag_set* tags_ = nullptr;  // the recorder's tag set of tags_id_
  rng rng_;
  std::any state_;
  std::unique_ptr<http::client> http_;  // only for VUs that speak HTTP
  std::unique_ptr<ws::client> ws_;      // only for VUs that speak WebSocket
};

}  // namespace stampede

#include <stampede/exec/impl/vu.hpp>
#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/exec/impl/vu.ipp>
#endif
