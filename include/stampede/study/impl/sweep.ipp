// Bodies of sp::sweep, sp::matrix and sp::measure_run (included by study/sweep.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>
#include <stampede/core/units.hpp>
#include <stampede/exec/executors.hpp>
#include <stampede/exec/runner.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <thread>

namespace stampede {
namespace detail {

// When the test's last scenario is due to end (graceful stops aside).
STAMPEDE_DECL std::chrono::nanoseconds planned_length(const load_test& test) {
  std::chrono::nanoseconds longest{0};
  for (const auto& s : test.scenarios) longest = std::max(longest, s.start_time + regular_duration(s.executor));
  return longest;
}

STAMPEDE_DECL void validate_study(const study_options& o) {
  if (o.repetitions < 1) throw usage_error(fmt::format("a study's repetitions must be at least 1, not {}", o.repetitions));
  if (o.warmup < std::chrono::nanoseconds{0}) {
    throw usage_error(fmt::format("a study's warmup must not be negative ({})", format_duration(o.warmup)));
  }
  if (o.cooldown < std::chrono::nanoseconds{0}) {
    throw usage_error(fmt::format("a study's cooldown must not be negative ({})", format_duration(o.cooldown)));
  }
}

STAMPEDE_DECL void validate_levels(std::string_view parameter, const std::vector<double>& levels) {
  if (parameter.empty()) throw usage_error("a study parameter needs a name");
  if (levels.empty()) throw usage_error(fmt::format("the study parameter \"{}\" has no levels", parameter));
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (!std::isfinite(levels[i])) throw usage_error(fmt::format("the study parameter \"{}\" has a level that is not finite", parameter));
    for (std::size_t j = 0; j < i; ++j) {
      if (levels[j] == levels[i]) {
        throw usage_error(fmt::format("the study parameter \"{}\" lists the level {} twice", parameter, format_level(levels[i])));
      }
    }
  }
}

// The run's ticks from the end of the warm-up on, merged: what a study measures.
class measured_window final : public run_observer {
 public:
  explicit measured_window(std::chrono::nanoseconds warmup) : warmup_{warmup} {}
  void on_tick(const snapshot& delta, const run_progress&) override {
    if (delta.start() < warmup_) return;
    if (measuring_) {
      window_.merge(delta);
    } else {
      window_ = delta;  // a default snapshot spans [0, 0), which a merge would stretch back to 0
      measuring_ = true;
    }
  }
  // The window; empty at the run's end if no tick began after the warm-up.
  [[nodiscard]] snapshot take(std::chrono::nanoseconds run_end) {
    return measuring_ ? std::move(window_) : snapshot{run_end, run_end};
  }

 private:
  std::chrono::nanoseconds warmup_;
  snapshot window_;
  bool measuring_ = false;
};

// Runs one configuration's repetitions and makes its point.
STAMPEDE_DECL study_point run_point(const configuration& config, const std::function<load_test()>& make_test,
                             const study_options& o, bool last_point) {
  study_point point{config, {}, {}};
  for (int rep = 1; rep <= o.repetitions; ++rep) {
    auto run = measure_run(make_test(), o);
    point.runs.push_back(std::move(run.figures));
    if (o.on_result) o.on_result(config, rep, run.run);
    if (o.cooldown > std::chrono::nanoseconds{0} && !(last_point && rep == o.repetitions)) {
      std::this_thread::sleep_for(o.cooldown);
    }
  }
  point.median = median_of(point.runs);
  return point;
}

}  // namespace detail

STAMPEDE_DECL measured_run measure_run(const load_test& test, const study_options& options) {
  detail::validate_study(options);
  const auto length = detail::planned_length(test);
  if (options.warmup >= length) {
    throw usage_error(fmt::format("the warm-up ({}) leaves nothing to measure of a test that runs for {}",
                                  format_duration(options.warmup), format_duration(length)));
  }
  detail::measured_window window{options.warmup};
  auto run_opts = options.run;
  run_opts.observers.push_back(&window);
  measured_run out;
  out.run = run(test, run_opts);
  out.window = window.take(out.run.duration);
  out.figures = measure(out.window, out.run, options.saturation);
  return out;
}

STAMPEDE_DECL curve sweep::run() const {
  detail::validate_levels(parameter, levels);
  if (!test) throw usage_error(fmt::format("the sweep over \"{}\" has no test", parameter));
  detail::validate_study(options);
  std::vector<study_point> points;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const double level = levels[i];
    if (prepare) prepare(level);
    const auto make = [this, level] { return test(level); };
    points.push_back(detail::run_point(configuration{{parameter, level}}, make, options, i + 1 == levels.size()));
  }
  return curve{{parameter}, std::move(points)};
}

STAMPEDE_DECL std::vector<configuration> matrix::configurations() const {
  if (parameters.empty()) throw usage_error("the matrix has no parameters");
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    detail::validate_levels(parameters[i].name, parameters[i].levels);
    for (std::size_t j = 0; j < i; ++j) {
      if (parameters[j].name == parameters[i].name) {
        throw usage_error(fmt::format("the matrix lists the parameter \"{}\" twice", parameters[i].name));
      }
    }
  }
  std::vector<configuration> out{configuration{}};
  for (const auto& p : parameters) {
    std::vector<configuration> next;
    for (const auto& c : out) {
      for (const double level : p.levels) {
        auto d = c;
        d.set(p.name, level);
        next.push_back(std::move(d));
      }
    }
    out = std::move(next);
  }
  return out;
}

STAMPEDE_DECL curve matrix::run() const {
  const auto configs = configurations();
  if (!test) throw usage_error("the matrix has no test");
  detail::validate_study(options);
  std::vector<std::string> names;
  for (const auto& p : parameters) names.push_back(p.name);
  std::vector<study_point> points;
  for (std::size_t i = 0; i < configs.size(); ++i) {
    const auto& config = configs[i];
    if (prepare) prepare(config);
    const auto make = [this, &config] { return test(config); };
    points.push_back(detail::run_point(config, make, options, i + 1 == configs.size()));
  }
  return curve{std::move(names), std::move(points)};
}

}  // namespace stampede
