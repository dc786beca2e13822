// What a run shares with its shards and VUs: the run's clock, seed and environment, each
// scenario's definition and counters, and each shard's recorder. Private to exec/.
#pragma once

#include <stampede/core/error.hpp>
#include <stampede/core/log.hpp>
#include <stampede/core/rng.hpp>
#include <stampede/exec/detail/engine_clock.hpp>
#include <stampede/exec/detail/lookup_cache.hpp>
#include <stampede/exec/detail/sleep_queue.hpp>
#include <stampede/exec/segment.hpp>
#include <stampede/core/task.hpp>
#include <stampede/http/client_options.hpp>
#include <stampede/http/detail/rate_limiter.hpp>
#include <stampede/http/dns_cache.hpp>
#include <stampede/ws/options.hpp>
#include <stampede/metrics/builtin.hpp>
#include <stampede/metrics/recorder.hpp>
#include <stampede/metrics/registry.hpp>
#include <stampede/metrics/tags.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/io_context.hpp>

#include <any>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace stampede {

struct scenario;

/// Environment variables of a test: `-e KEY=VALUE` flags and a scenario's `env`.
using env_map = std::map<std::string, std::string, std::less<>>;

namespace detail {

using clock = engine_clock;

/// Waits on an engine timer until `until` (the engine's clock: a manual time's when the run is
/// simulated). The run's request rate limiter waits with it.
task<> engine_wait_until(asio::any_io_executor ex, clock::time_point until);

/// Distinct iteration error messages kept per run; more are counted under one line.
inline constexpr std::size_t max_error_messages = 50;

/// Exceptions that escaped iterations, by message. Touched only when an iteration fails, so a
/// mutex is fine here.
class error_log {
 public:
  void add(const std::string& scenario, const std::string& message) {
    const std::lock_guard lock{mutex_};
    const auto key = std::make_pair(scenario, message);
    if (auto it = counts_.find(key); it != counts_.end()) {
      ++it->second;
    } else if (counts_.size() < max_error_messages) {
      counts_.emplace(key, 1);
      order_.push_back(key);
    } else {
      ++overflow_;
    }
  }
  /// (scenario, message, count) in order of first appearance, then the overflow count.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    const std::lock_guard lock{mutex_};
    for (const auto& key : order_) fn(key.first, key.second, counts_.at(key));
    if (overflow_ > 0) fn(std::string{}, std::string{"(other errors)"}, overflow_);
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> counts_;
  std::vector<std::pair<std::string, std::string>> order_;
  std::uint64_t overflow_ = 0;
};

/// Ways a run can be told to stop before its scenarios end.
enum class stop_kind : std::uint8_t {
  none,
  graceful,  ///< no new iterations; running ones get their scenario's graceful_stop
  abort,     ///< running iterations are interrupted now
};

/// Thrown inside an iteration when the test itself is wrong in a way no later iteration can
/// fix (a metric recorded but not registered): the run stops, with k6's exit code 104.
class invalid_test : public usage_error {
 public:
  using usage_error::usage_error;
};

/// Shared by every shard; fixed once the scenarios start, except the atomics.
struct run_context {
  clock::time_point start;  ///< time 0: when the scenarios start (after setup)
  std::uint64_t seed = 0;
  /// How long after time 0 the run actually began (a late `start_at`): arrivals due before
  /// then are dropped rather than started in a burst.
  std::chrono::nanoseconds late_by{0};
  env_map env;
  std::any setup_data;  ///< setup()'s result, read-only while VUs run
  /// Every VU's HTTP client shares these (never null).
  std::shared_ptr<const http::client_options> http_options = std::make_shared<const http::client_options>();
  ws::client_options ws_options;      ///< and every VU's WebSocket client with these
  /// Name resolutions shared by every VU's HTTP client, on every shard, for this run only.
  std::shared_ptr<http::dns_cache> dns = std::make_shared<http::dns_cache>();
  /// A VU waits this long at least from the start of an iteration to the start of its next
  /// (k6's `minIterationDuration`).
  std::chrono::nanoseconds min_iteration_duration{0};
  /// The system tags samples carry (k6's `systemTags`).
  system_tag_set system_tags = system_tag_set::k6_default();
  std::shared_ptr<const metric_registry> registry;
  error_log errors;
  /// Where `vu::log` writes (`run_options::console`, or standard error).
  std::shared_ptr<log_sink> console = log_sink::standard_error();
  /// The wall clock a VU's log lines are stamped with: a manual time's when the run is simulated.
  std::function<std::chrono::system_clock::time_point()> wall_now = [] { return std::chrono::system_clock::now(); };

  /// Set by abort_test(): the run stops and exits with k6's code 108, or 104 when the test
  /// itself is wrong (`invalid_test`).
  std::atomic<bool> aborted_by_test{false};
  mutable std::mutex reason_mutex;
  std::string abort_reason;
  bool abort_invalid = false;  // under reason_mutex

  void abort_test(std::string reason, bool invalid = false) {
    {
      const std::lock_guard lock{reason_mutex};
      if (!aborted_by_test.load()) {
        abort_reason = std::move(reason);
        abort_invalid = invalid;
      }
    }
    aborted_by_test.store(true);
  }
  /// The limiter every VU's HTTP client shares for `http_options.max_requests_per_second`
  /// (k6's `rps`), on the engine's clock; made at the first call (a VU's first request), null
  /// without a limit. Thread-safe; called once per VU.
  std::shared_ptr<http::detail::rate_limiter> request_limiter() {
    if (!(http_options->max_requests_per_second > 0)) return nullptr;
    const std::lock_guard lock{limiter_mutex_};
    if (!limiter_) {
      limiter_ = std::make_shared<http::detail::rate_limiter>(http_options->max_requests_per_second, &clock::now,
                                                              &engine_wait_until);
    }
    return limiter_;
  }
  [[nodiscard]] std::chrono::nanoseconds elapsed(clock::time_point at = clock::now()) const noexcept {
    return at < start ? std::chrono::nanoseconds{0} : std::chrono::duration_cast<std::chrono::nanoseconds>(at - start);
  }

 private:
  std::mutex limiter_mutex_;
  std::shared_ptr<http::detail::rate_limiter> limiter_;
};

/// One scenario, shared by the shards that run its VUs.
struct scenario_context {
  const scenario* definition = nullptr;
  std::size_t index = 0;
  std::string name;
  tag_set tags;  ///< the test's tags, the scenario's, and `scenario:<name>`
  env_map env;   ///< the scenario's env over the test's
  std::uint64_t first_vu_id = 0;  ///< this process's VU ids of this scenario are first_vu_id + 1 …
  /// The whole test's VU ids of this scenario are first_vu_id_in_test + 1 …
  std::uint64_t first_vu_id_in_test = 0;

  /// This process's share of the test; its VU `k` (from 0) is the test's `part.unscaled_index(k)`.
  execution_tuple part;
  /// How the scenario's iterations are numbered in the whole test: `part`, or for
  /// shared_iterations the part re-based on the VUs (k6 shares the iterations as the VUs).
  execution_tuple iteration_part;
  std::int64_t max_vus = 0;       ///< the part's
  std::int64_t shared_total = 0;  ///< shared_iterations: the part's iterations
  bool has_work = true;           ///< false: the part has none of the scenario's VUs or iterations

  /// Looping executors: iterations started so far on every shard, for `vu::iteration_in_test`.
  alignas(64) std::atomic<std::uint64_t> started_iterations{0};
  alignas(64) std::atomic<std::int64_t> shared_next{0};  ///< shared_iterations: the next one to hand out
  std::atomic<std::uint64_t> complete{0};
  std::atomic<std::uint64_t> interrupted{0};
  std::atomic<std::int64_t> active{0};       ///< VUs in an iteration or looping
  std::atomic<std::int64_t> peak_active{0};  ///< the most `active` has been
  std::atomic<std::int64_t> allocated{0};  ///< VUs that exist
  std::atomic<bool> started{false};
  /// Shards whose driver has begun ending the scenario (its regular end or a stop): from then
  /// on VUs only leave. Set before any VU leaves for that reason (see the runner's vus sample).
  std::atomic<int> shards_ending{0};
  std::atomic<int> shards_done{0};
};

/// Metric ids the engine records on every iteration, looked up once.
struct engine_ids {
  metric_id iterations = 0;
  metric_id iteration_duration = 0;
  metric_id dropped_iterations = 0;
  metric_id iteration_start_delay = 0;
  metric_id iteration_latency = 0;
  metric_id group_duration = 0;
  metric_id checks = 0;
};

/// One thread's share of the run: its io_context, its recorder, its VUs.
struct shard_context {
  shard_context(std::size_t index_, run_context& run_, asio::io_context& io_)
      : index{index_}, run{&run_}, io{&io_}, sleeps{&asio::use_service<sleep_queue>(io_)}, rec{run_.registry} {}

  std::size_t index = 0;
  run_context* run = nullptr;
  asio::io_context* io = nullptr;
  sleep_queue* sleeps = nullptr;  ///< the VUs' `sleep`s, on `io`
  recorder rec;
  engine_ids ids;
  lookup_cache lookups;  ///< the VUs' check, group and metric ids in `rec`
};

}  // namespace detail
}  // namespace stampede
