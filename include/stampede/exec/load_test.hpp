// sp::load_test: a whole test as a value — scenarios, thresholds, setup and teardown, custom
// metrics, tags and env — and sp::run_options, how one run of it is carried out.
#pragma once

#include <stampede/core/log.hpp>
#include <stampede/core/task.hpp>
#include <stampede/eval/threshold.hpp>
#include <stampede/exec/clock.hpp>
#include <stampede/exec/observer.hpp>
#include <stampede/exec/scenario.hpp>
#include <stampede/exec/segment.hpp>
#include <stampede/http/client_options.hpp>
#include <stampede/ws/options.hpp>
#include <stampede/metrics/metric.hpp>
#include <stampede/metrics/snapshot.hpp>
#include <stampede/metrics/tags.hpp>
#include <stampede/report/summary.hpp>

#include <any>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace stampede {

/// A custom metric a test records into, listed so it is registered before the run:
/// `.metrics = {under_500ms, login_time}`.
struct custom_metric {
  metric_descriptor descriptor;

  template <metric_type Type>
  custom_metric(const metric<Type>& m)  // NOLINT(google-explicit-constructor): lists read as k6's declarations
      : descriptor{m.descriptor()} {}
  custom_metric(metric_descriptor d) : descriptor{std::move(d)} {}  // NOLINT(google-explicit-constructor)
};

/// A whole test, as k6's options and script together:
///
/// ```cpp
/// sp::load_test test{
///     .scenarios = {{.name = "todos", .exec = list_todos,
///                    .executor = sp::ramping_vus{.stages = {{1min, 1000}, {10min, 5000}}}}},
///     .thresholds = {sp::http_req_duration.p(95) < 200ms, {"http_req_failed", "rate<0.01"}},
/// };
/// ```
struct load_test {
  std::vector<scenario> scenarios{};
  std::vector<threshold> thresholds{};
  /// Runs once before the scenarios (k6's `setup()`); what it returns is shared read-only with
  /// every VU through `vu::setup_data<T>()`. An exception or the timeout fails the test with
  /// k6's exit code 107.
  std::function<task<std::any>(vu&)> setup{};
  /// Runs once after the scenarios (k6's `teardown()`), also after an abort; it can read
  /// `setup_data<T>()` too.
  std::function<task<>(vu&)> teardown{};
  std::chrono::nanoseconds setup_timeout = std::chrono::seconds{60};
  std::chrono::nanoseconds teardown_timeout = std::chrono::seconds{60};
  /// The custom metrics the test records with `vu::record`, each listed once: thresholds in
  /// k6's string form may name them too. Recording a metric that is not listed stops the run
  /// as invalid (`run_status::invalid_test`, exit code 104); a threshold on one that is not
  /// listed is refused before the run starts.
  std::vector<custom_metric> metrics{};
  /// Tags on every sample of the test (k6's `options.tags`).
  tag_set tags{};
  /// Environment variables for `vu::env` (k6's `-e KEY=VALUE`).
  env_map env{};
  /// Every VU's HTTP client options (k6's `hosts`, `noConnectionReuse`, timeouts, limits).
  http::client_options http{};
  /// Every VU's WebSocket client options (timeouts, the message size limit); name resolution,
  /// TLS and cookies come from `http`.
  ws::client_options ws{};
  /// How the end-of-test summary is written (mode, trend statistics, time unit).
  summary_options summary{};
  /// The test's functions by name, as a k6 script exports them: a scenario of a k6 options
  /// file (`--config`) names the one it runs with `exec`, and `"default"` is the one a
  /// scenario without `exec` runs. A test whose scenarios come from such a file may list no
  /// scenarios of its own.
  std::map<std::string, exec_fn, std::less<>> functions{};
  /// An iteration that ends sooner waits out the rest of this before the VU starts its next
  /// one (k6's `minIterationDuration`), a failed one too; the wait is not part of
  /// `iteration_duration`. After an interrupted iteration there is no wait; after the
  /// scenario's end the wait lasts until the graceful stop interrupts it, as in k6.
  std::chrono::nanoseconds min_iteration_duration{0};
  /// The system tags samples carry (k6's `systemTags`: `proto`, `subproto`, `status`,
  /// `method`, `url`, `name`, `group`, `check`, `error`, `error_code`, `tls_version`,
  /// `scenario`, `service`, `expected_response`, `vu`, `ip`). Unset: k6's default set, which
  /// leaves out `vu` and `ip`; an empty list: none. `iter` and `ocsp_status` are refused
  /// (a tag set per iteration would grow without bound; OCSP is not checked).
  std::optional<std::vector<std::string>> system_tags{};
};

/// Requests a stop from another thread or a signal handler, as k6 takes Ctrl+C: the first
/// request interrupts setup (then neither the scenarios nor teardown run) or stops the
/// scenarios gracefully (no new iterations; running ones get their scenario's `graceful_stop`),
/// and lets teardown run to its end; the second stops at once, teardown included. Either way
/// the run is `interrupted` and still produces a result with what was gathered.
class run_control {
 public:
  /// Async-signal-safe: one lock-free atomic increment.
  void request_stop() noexcept { requests_.fetch_add(1, std::memory_order_relaxed); }
  [[nodiscard]] int stop_requests() const noexcept { return requests_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int> requests_{0};
  static_assert(std::atomic<int>::is_always_lock_free, "request_stop must be usable in a signal handler");
};

/// How one run is carried out; none of it changes what the test is.
struct run_options {
  /// Shards, one thread each; 0: one per core. VUs are spread over shards and never move.
  unsigned threads = 0;
  /// Seeds every VU's generator and Poisson arrivals; empty: a random seed, reported in the
  /// result so the run can be repeated.
  std::optional<std::uint64_t> seed{};
  /// Evaluate thresholds (k6's `--no-thresholds` turns them off).
  bool thresholds = true;
  /// This process's part of the test when it runs as parts on several machines (k6's
  /// `--execution-segment` in its `--execution-segment-sequence`): each executor runs the
  /// part's share of its VUs and iterations, striped as k6 stripes them, so that the parts
  /// of a sequence together do the whole test exactly once. Default: the whole test.
  execution_tuple part{};
  /// When the scenarios start, on the wall clock (k6 has no equivalent; `--start-at`): the
  /// parts of a test on several machines agree on one instant. Setup runs first; then an early
  /// run waits for the instant, and a late one joins its plans where they are at that moment
  /// — looping VUs at the level the plan has reached, arrivals that were due before it counted
  /// as `dropped_iterations` — and reports how late it was (`result::start_skew`). A manual
  /// time reads its own wall clock (`manual_time::wall_now`). Empty: start after setup.
  std::optional<std::chrono::system_clock::time_point> start_at{};
  /// For stopping the run from elsewhere (sp::main connects SIGINT and SIGTERM to it).
  run_control* control = nullptr;
  /// How often shards hand their metrics over: the resolution of windows, progress and
  /// abort-on-fail.
  std::chrono::nanoseconds tick = std::chrono::seconds{1};
  /// Keep every tick in `result::series` (a `time_series`: one row of about 80 bytes per
  /// (sub-)metric and tick, up to its 3,600 intervals, then coarser). Off by default, so that
  /// a long run's memory stays flat; outputs that plot over time build their own from the
  /// ticks they observe.
  bool keep_series = false;
  /// What watches the run — live progress, the summary, outputs — called in this order (see
  /// `run_observer`). Not owned: each must outlive the run.
  std::vector<run_observer*> observers{};
  /// Where `vu::log` writes its lines (k6's console: `--console-output`, `--log-output`),
  /// shared by every VU. Null: standard error, at level info.
  std::shared_ptr<log_sink> console{};
  /// The run's clock. Null: the steady clock, one thread per shard. A manual time: the run is
  /// simulated — its shards take turns on the calling thread, and the time moves straight to
  /// the next moment an engine wait ends, where every shard runs what fell due — so every wait
  /// ends exactly on time, a run takes a small fraction of the time it stands for (figures in
  /// docs/performance.md), and the counts are the same every time. For tests of scenarios and iteration logic: iterations must wait
  /// only on the engine (`vu::sleep`), as network I/O completes in real time, which the manual
  /// time does not see.
  manual_time* time = nullptr;
  /// Simulated runs only: how far the time moves at once while a shard has more ready work
  /// than it runs per moment (20,000 handlers: iterations that never wait).
  std::chrono::nanoseconds time_step = std::chrono::milliseconds{1};
};

}  // namespace stampede
