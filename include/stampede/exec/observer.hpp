// sp::run_observer: where everything that watches a run attaches — the live progress, the
// end-of-test summary, outputs and reports. The runner calls observers at the run's start,
// once a tick with the merged metrics of that tick and the run's progress, and at its end
// with the result; it renders nothing itself.
#pragma once

#include <stampede/exec/segment.hpp>
#include <stampede/metrics/samples.hpp>
#include <stampede/metrics/snapshot.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace stampede {

struct load_test;
struct result;

/// A metric split by the values of some tag keys (`metric_registry::breakdown`): the run keeps
/// a sub-metric for each combination it sees, e.g. `http_req_duration{name:login}`.
struct metric_breakdown {
  metric_descriptor metric;
  std::vector<std::string> tag_keys;
};

/// One scenario's state at a tick.
struct scenario_progress {
  std::string name;
  std::int64_t active_vus = 0;
  std::int64_t max_vus = 0;
  std::uint64_t complete = 0;
  std::uint64_t interrupted = 0;
  std::chrono::nanoseconds elapsed{0};   ///< since the scenario started (0 before)
  std::chrono::nanoseconds duration{0};  ///< its scheduled length, without graceful stop
  bool started = false;
  bool done = false;
  /// Executor-specific text after the time: `050/100 shared iters`, `200.00 iters/s`. The
  /// runner leaves it empty; `format_progress_detail` (report/progress.hpp) writes k6's.
  std::string detail;
};

/// The whole test's state at a tick.
struct run_progress {
  std::chrono::nanoseconds elapsed{0};
  /// The test's longest possible duration (incl. graceful stops): it fixes the time format's
  /// width, as in k6 (`05.4s` under a minute, `00m05.4s` under an hour, `0h00m05.4s` beyond).
  std::chrono::nanoseconds max_duration{0};
  std::int64_t active_vus = 0;
  std::int64_t max_vus = 0;
  std::uint64_t complete = 0;
  std::uint64_t interrupted = 0;
  /// The last tick: every scenario has ended (and teardown has run).
  bool ended = false;
  std::vector<scenario_progress> scenarios;
};

/// Watches a run. Every call comes from the thread that called `sp::run`, in this order:
/// `on_start` once, before setup; `on_tick` once a tick (`run_options::tick`) while the
/// scenarios run and once more after teardown (with `progress.ended`), so the deltas of all
/// ticks together hold every sample of the run; `on_end` once, with the result. An observer
/// that `wants_samples` also gets each tick's samples one by one, in `on_samples` just before
/// that tick's `on_tick`.
///
/// Thread safety: called from one thread at a time. The shards wait while a tick's observers
/// run, so an observer must not block for long (a file output buffers; a slow one hands the
/// delta to its own thread).
/// Throws: an exception from an observer detaches it for the rest of the run and is reported
/// among the result's errors; the run goes on.
class run_observer {
 public:
  run_observer() = default;
  run_observer(const run_observer&) = default;
  run_observer& operator=(const run_observer&) = default;
  virtual ~run_observer() = default;

  /// Whether this observer streams every sample. Asked once, before `on_start`: the shards
  /// keep their samples only when an observer wants them, so that recording costs nothing
  /// more when none does.
  [[nodiscard]] virtual bool wants_samples() const { return false; }

  /// The metrics this observer needs split by tag (a report's table per endpoint), asked once
  /// before the run is set up; the run's snapshots then hold a sub-metric per combination of
  /// the tags' values. Each combination costs a sink per shard, so split only by tags of
  /// bounded cardinality (`name`, `scenario`).
  [[nodiscard]] virtual std::vector<metric_breakdown> breakdowns() const { return {}; }

  /// The test as it will run (validated, thresholds resolved), and the part of it this
  /// process carries out (`run_options::part`; the whole test unless it runs as parts).
  virtual void on_start(const load_test& test, const execution_tuple& part) {
    (void)test;
    (void)part;
  }
  /// `delta` holds every shard's samples of `[delta.start(), delta.end())`, merged.
  virtual void on_tick(const snapshot& delta, const run_progress& progress) {
    (void)delta;
    (void)progress;
  }
  /// Every sample recorded since the previous call (setup's and teardown's too), in blocks
  /// per recorder; only if `wants_samples`. Shared: an output may keep it for its own writer
  /// thread rather than copy it.
  virtual void on_samples(const std::shared_ptr<const tick_samples>& samples) { (void)samples; }
  virtual void on_end(const result& r) { (void)r; }
};

}  // namespace stampede
