// sp::sweep and sp::matrix: run a test at each level of one parameter, or at each
// combination of several, with a hook that changes the system under test between points, a
// warm-up left out of the measurement, repetitions and a cool-down; the outcome is a curve.
#pragma once

#include <stampede/exec/load_test.hpp>
#include <stampede/exec/result.hpp>
#include <stampede/scaling/curve.hpp>
#include <stampede/study/measure.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace stampede {

/// How each point of a study is measured (the part `sweep` and `matrix` share).
struct study_options {
  /// The first part of every run, left out of the measurement: connections open, caches and
  /// JITs warm, queues fill. Measurement starts at the first tick (`run.tick`, 1 s) at or
  /// after it; the rest of the run is the measured window.
  std::chrono::nanoseconds warmup{0};
  /// Runs per configuration; the point keeps each and their median (odd counts read best).
  int repetitions = 1;
  /// A pause after each run, for the system under test to settle.
  std::chrono::nanoseconds cooldown{0};
  /// How each run is carried out (threads, seed, observers); the study adds its own observer.
  run_options run{};
  /// When a point's load generator counts as saturated.
  saturation_limits saturation{};
  /// Called after each run, e.g. to print its k6 summary: `(configuration, repetition from
  /// 1, result)`.
  std::function<void(const configuration&, int, const result&)> on_result{};
};

/// A study over one parameter:
///
/// ```cpp
/// sp::curve c = sp::sweep{.parameter = "replicas", .levels = {1, 2, 4, 8},
///                         .prepare = [&](double n) { server.set_replicas(int(n)); },
///                         .test = [&](double) { return make_test(); },
///                         .options = {.warmup = 1s, .repetitions = 3}}.run();
/// ```
struct sweep {
  std::string parameter{};
  std::vector<double> levels{};
  /// Changes the system under test for a level (resize a pool, set replicas); may be empty.
  std::function<void(double level)> prepare{};
  /// The test to run at a level (its executor sets the load and the run's length).
  std::function<load_test(double level)> test{};
  study_options options{};

  /// Runs every level in order; blocking. Throws `usage_error` before running anything for
  /// a bad definition (no levels, a repeated level, no `test`, repetitions < 1, a warm-up
  /// as long as a level's test); a test that fails at a level is measured, not thrown.
  [[nodiscard]] curve run() const;
};

/// One parameter of a matrix and its levels.
struct study_parameter {
  std::string name{};
  std::vector<double> levels{};
};

/// A study over every combination of several parameters' levels, the first parameter
/// varying slowest (the seed's Locust matrix: replicas × workers × users):
///
/// ```cpp
/// sp::curve c = sp::matrix{.parameters = {{"replicas", {1, 2, 4, 8}}, {"users", {200, 400, 800}}},
///                          .prepare = [&](const sp::configuration& c) { server.set_replicas(int(c["replicas"])); },
///                          .test = [&](const sp::configuration& c) { return make_test(int(c["users"])); }}.run();
/// fmt::print("{}", c.pivot("replicas", "users").to_markdown());
/// ```
struct matrix {
  std::vector<study_parameter> parameters{};
  std::function<void(const configuration&)> prepare{};
  std::function<load_test(const configuration&)> test{};
  study_options options{};

  /// Every configuration, in order; blocking. Throws `usage_error` before running anything
  /// for a bad definition, as `sweep::run` does.
  [[nodiscard]] curve run() const;
  /// The configurations `run` visits, in order.
  [[nodiscard]] std::vector<configuration> configurations() const;
};

/// One run of a study: the figures of its measured window, and the whole result.
struct measured_run {
  measurement figures{};
  snapshot window{};  ///< the metrics of the measured window
  result run{};
};

/// Runs `test` once as a study point does — the warm-up left out of the figures — without
/// the repetitions, cool-down or `on_result`. The building block of sweeps, matrices and
/// peak searches. Throws `usage_error` if the warm-up is not shorter than the test.
[[nodiscard]] measured_run measure_run(const load_test& test, const study_options& options);

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/study/impl/sweep.ipp>
#endif
