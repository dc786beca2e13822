// sp::peak_search: the highest arrival rate a system serves within its latency targets, found
// by binary search with confirmation runs, like MLPerf LoadGen's peak-performance mode.
#pragma once

#include <stampede/eval/threshold.hpp>
#include <stampede/study/sweep.hpp>
#include <stampede/core/table.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace stampede {

/// One run of a peak search.
struct peak_attempt {
  double rate = 0;
  bool passed = false;
  bool confirmation = false;  ///< a repeat run at a rate that had passed
  measurement figures{};
  std::vector<threshold_result> criteria{};  ///< each criterion on the measured window
  std::string why{};                         ///< why it failed: the failed criteria, a saturated generator

  friend bool operator==(const peak_attempt&, const peak_attempt&) = default;
};

/// What a peak search found.
struct peak_result {
  /// The highest rate that passed its run and every confirmation; empty when even `low` failed.
  std::optional<double> peak{};
  /// True when `high` itself passed: the peak lies at or above the searched range.
  bool at_upper_bound = false;
  /// Whether `peak` passed every confirmation run (false when `max_runs` ran out first).
  bool confirmed = false;
  std::vector<peak_attempt> attempts{};

  /// A row per attempt: Rate, Passed, RPS, Median, P95, P99 (ms), Failures (%), Why.
  [[nodiscard]] table to_table() const;
};

/// Searches `[low, high]` (iterations per second) for the highest rate at which `criteria`
/// hold on the measured window and the generator keeps up (no dropped iterations, no late
/// starts). `test(rate)` must build an open-model test at that rate, e.g. a
/// `constant_arrival_rate` with enough `max_vus`.
///
/// ```cpp
/// auto peak = sp::peak_search{.low = 100, .high = 5000,
///                             .test = [&](double rate) { return at_rate(rate); },
///                             .criteria = {sp::http_req_duration.p(99) < 50ms}}.run();
/// ```
///
/// It checks `low` (a failure there ends the search) and `high` (a pass ends it), then halves
/// the interval between the highest pass and the lowest failure until it is narrower than
/// `precision` of the pass. The highest pass then runs `confirmations` more times; if one
/// fails, that rate counts as a failure and the search goes on below it. At most `max_runs`
/// runs in all; when they run out, the highest pass is reported unconfirmed.
struct peak_search {
  double low = 0;
  double high = 0;
  std::function<load_test(double rate)> test{};
  std::vector<threshold> criteria{};
  double precision = 0.05;
  int confirmations = 2;
  int max_runs = 20;
  /// Warm-up, cool-down, run options and saturation limits of each run (`repetitions` is
  /// unused: confirmations play that part).
  study_options options{};

  /// Runs the search; blocking. Throws `usage_error` for a bad definition (low ≤ 0, high ≤
  /// low, no test, no criteria, precision not in (0, 1), confirmations < 0, max_runs < 2).
  [[nodiscard]] peak_result run() const;

  /// One attempt of a search: the outcome at `rate`, `confirmation` when it repeats a rate
  /// that had passed. `run` measures a run of `test(rate)` against `criteria`.
  using attempt_fn = std::function<peak_attempt(double rate, bool confirmation)>;
  /// The search alone — which rates it tries, in what order, what it reports — with
  /// `attempt` in place of the measured runs (`test` is not used), so that the bisection and
  /// confirmations can be checked from a table of outcomes. Throws as `run` does.
  [[nodiscard]] peak_result search(const attempt_fn& attempt) const;
};

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/study/impl/peak.ipp>
#endif
