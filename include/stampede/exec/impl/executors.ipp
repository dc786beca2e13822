// Bodies of the executor functions (included by exec/executors.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>
#include <stampede/core/units.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace stampede {

namespace detail {

template <class... Fs>
struct overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
overloaded(Fs...) -> overloaded<Fs...>;

/// The executor's type in stampede's spelling, for messages: `constant_vus`.
STAMPEDE_DECL std::string_view executor_field_prefix(const executor& e) noexcept {
  constexpr std::string_view names[] = {"constant_vus",          "ramping_vus",
                                        "shared_iterations",     "per_vu_iterations",
                                        "constant_arrival_rate", "ramping_arrival_rate"};
  return names[e.index()];
}

/// Collects the rules of one executor and throws at the first one broken.
class executor_checker {
 public:
  executor_checker(std::string_view scenario_name, std::string_view type)
      : scenario_(scenario_name), type_(type) {}

  void fail(std::string_view field, std::string_view expected, std::string_view got) const {
    throw usage_error(fmt::format("scenario \"{}\": {}.{} must {} (got {})", scenario_, type_,
                                  field, expected, got));
  }

  void at_least(std::string_view field, std::int64_t value, std::int64_t min) const {
    if (value < min) fail(field, fmt::format("be at least {}", min), std::to_string(value));
  }

  /// A number of VUs: at least `min`, and at most k6's sanity limit of 100,000,000
  /// (maxConcurrentVUs in k6's ramping_vus.go).
  void vus(std::string_view field, std::int64_t value, std::int64_t min) const {
    at_least(field, value, min);
    if (value > max_vus_limit) fail(field, fmt::format("be at most {}", max_vus_limit), std::to_string(value));
  }

  void positive(std::string_view field, std::chrono::nanoseconds d) const {
    if (d <= std::chrono::nanoseconds::zero()) {
      fail(field, "be greater than 0", format_go_duration(d));
    }
    not_too_long(field, d);
  }

  void not_negative(std::string_view field, std::chrono::nanoseconds d) const {
    if (d < std::chrono::nanoseconds::zero()) fail(field, "be at least 0", format_go_duration(d));
    not_too_long(field, d);
  }

  void not_too_long(std::string_view field, std::chrono::nanoseconds d) const {
    if (d > max_test_duration) {
      fail(field, "be at most " + format_go_duration(max_test_duration) + " (max_test_duration)", format_go_duration(d));
    }
  }

  /// A rate: finite, and greater than 0 (`strict`) or at least 0.
  void rate(std::string_view field, double value, bool strict) const {
    const auto got = fmt::format("{}", value);
    if (std::isnan(value) || (strict ? value <= 0 : value < 0)) {
      fail(field, strict ? "be greater than 0" : "be at least 0", got);
    }
    if (std::isinf(value)) fail(field, "be finite", got);
  }

  /// Stages with durations of at least 0 and targets of at least 0: VU counts (at most the
  /// VU limit) when `vu_targets`, rates otherwise.
  void stages(const stage_list& list, bool vu_targets) const {
    if (list.empty()) fail("stages", "have at least one stage", "none");
    std::chrono::nanoseconds total{0};
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto& s = list.stages()[i];
      const auto name = fmt::format("stages[{}]", i);
      not_negative(name + ".duration", s.duration);
      // Each term and each partial total is at most max_test_duration: the sum cannot overflow.
      total += s.duration;
      if (total > max_test_duration) {
        fail("stages", "last at most " + format_go_duration(max_test_duration) + " in all (max_test_duration)",
             fmt::format("{} by stages[{}]", format_go_duration(total), i));
      }
      if (!s.target) continue;
      if (vu_targets) {
        vus(name + ".target", *s.target, 0);
      } else {
        at_least(name + ".target", *s.target, 0);
      }
    }
  }

  void vu_pool(std::int64_t pre_allocated, std::int64_t max) const {
    vus("pre_allocated_vus", pre_allocated, 1);
    if (max != 0 && max < pre_allocated) {
      fail("max_vus",
           fmt::format("be 0 (as many as pre_allocated_vus) or at least pre_allocated_vus ({})",
                       pre_allocated),
           std::to_string(max));
    }
    vus("max_vus", max, 0);
  }

 private:
  static constexpr std::int64_t max_vus_limit = 100'000'000;

  std::string_view scenario_;
  std::string_view type_;
};

/// k6's getStagesUnscaledMaxTarget: the largest of the start value and the stage targets.
STAMPEDE_DECL std::int64_t max_target(std::int64_t start, const stage_list& stages) {
  std::int64_t out = start;
  for (const auto& s : stages) out = std::max(out, s.target.value_or(start));
  return out;
}

STAMPEDE_DECL std::int64_t effective_max_vus(std::int64_t pre_allocated, std::int64_t max) {
  return max == 0 ? pre_allocated : max;
}

/// k6's BaseConfig.getBaseInfo: the facts in parentheses, then startTime and gracefulStop,
/// each only if > 0.
STAMPEDE_DECL std::string base_info(std::vector<std::string> facts, std::chrono::nanoseconds graceful_stop,
                             std::chrono::nanoseconds start_time) {
  if (start_time > std::chrono::nanoseconds::zero()) {
    facts.push_back("startTime: " + format_go_duration(start_time));
  }
  if (graceful_stop > std::chrono::nanoseconds::zero()) {
    facts.push_back("gracefulStop: " + format_go_duration(graceful_stop));
  }
  if (facts.empty()) return {};
  std::string out = " (";
  for (std::size_t i = 0; i < facts.size(); ++i) out += (i == 0 ? "" : ", ") + facts[i];
  return out + ")";
}

/// k6's "maxVUs: 50-500" fact of the arrival-rate executors.
STAMPEDE_DECL std::string max_vus_range(std::int64_t pre_allocated, std::int64_t max) {
  auto out = fmt::format("maxVUs: {}", pre_allocated);
  if (max > pre_allocated) out += fmt::format("-{}", max);
  return out;
}

/// Iterations per second for `rate` iterations per `time_unit` (k6's getArrivalRatePerSec).
STAMPEDE_DECL double per_second(double rate, std::chrono::nanoseconds time_unit) {
  return static_cast<double>(static_cast<long double>(rate) * 1e9L /
                             static_cast<long double>(time_unit.count()));
}

}  // namespace detail

STAMPEDE_DECL std::string_view executor_name(const executor& e) noexcept {
  constexpr std::string_view names[] = {"constant-vus",          "ramping-vus",
                                        "shared-iterations",     "per-vu-iterations",
                                        "constant-arrival-rate", "ramping-arrival-rate"};
  return names[e.index()];
}

// The rules of k6's Validate methods (lib/executor/*.go, validateStages in helpers.go), in
// the order of the fields, with the deviations listed in executors.hpp.
STAMPEDE_DECL void validate(const executor& e, std::string_view scenario_name) {
  const detail::executor_checker check{scenario_name, detail::executor_field_prefix(e)};
  std::visit(detail::overloaded{
                 [&](const constant_vus& c) {
                   check.vus("vus", c.vus, 1);
                   check.positive("duration", c.duration);
                 },
                 [&](const ramping_vus& r) {
                   check.vus("start_vus", r.start_vus, 0);
                   check.stages(r.stages, true);
                   check.not_negative("graceful_ramp_down", r.graceful_ramp_down);
                   // k6's RampingVUsConfig.Validate: "either startVUs or one of the stages'
                   // target values must be greater than 0".
                   if (detail::max_target(r.start_vus, r.stages) <= 0) {
                     check.fail("stages", "reach at least 1 VU", "start_vus and every target 0");
                   }
                 },
                 [&](const shared_iterations& s) {
                   check.vus("vus", s.vus, 1);
                   check.at_least("iterations", s.iterations, 1);
                   // k6 rejects this too ("the number of iterations (3) can't be less than the
                   // number of VUs (5)"): a VU with no iteration to run is a mistake in the
                   // definition.
                   if (s.iterations < s.vus) {
                     check.fail("iterations", fmt::format("be at least vus ({})", s.vus),
                                std::to_string(s.iterations));
                   }
                   check.positive("max_duration", s.max_duration);
                 },
                 [&](const per_vu_iterations& p) {
                   check.vus("vus", p.vus, 1);
                   check.at_least("iterations", p.iterations, 1);
                   check.positive("max_duration", p.max_duration);
                 },
                 [&](const constant_arrival_rate& c) {
                   check.rate("rate", c.rate, true);
                   check.positive("time_unit", c.time_unit);
                   check.positive("duration", c.duration);
                   check.vu_pool(c.pre_allocated_vus, c.max_vus);
                 },
                 [&](const ramping_arrival_rate& r) {
                   check.rate("start_rate", r.start_rate, false);
                   check.positive("time_unit", r.time_unit);
                   check.stages(r.stages, false);
                   check.vu_pool(r.pre_allocated_vus, r.max_vus);
                 },
             },
             e);
}

STAMPEDE_DECL std::string describe(const executor& e, std::chrono::nanoseconds graceful_stop,
                                   std::chrono::nanoseconds start_time, const execution_tuple& part) {
  // Each mirrors the GetDescription(et) method of k6's config type (lib/executor/*.go).
  return std::visit(
      detail::overloaded{
          [&](const constant_vus& c) {
            return fmt::format("{} looping VUs for {}{}", part.scale(c.vus), format_go_duration(c.duration),
                               detail::base_info({}, graceful_stop, start_time));
          },
          [&](const ramping_vus& r) {
            return fmt::format(
                "Up to {} looping VUs for {} over {} stages{}",
                part.scale(detail::max_target(r.start_vus, r.stages)),
                format_go_duration(r.stages.total_duration()), r.stages.size(),
                detail::base_info({"gracefulRampDown: " + format_go_duration(r.graceful_ramp_down)},
                                  graceful_stop, start_time));
          },
          [&](const shared_iterations& s) {
            return fmt::format(
                "{} iterations shared among {} VUs{}", part_iterations(s, part), part.scale(s.vus),
                detail::base_info({"maxDuration: " + format_go_duration(s.max_duration)},
                                  graceful_stop, start_time));
          },
          [&](const per_vu_iterations& p) {
            return fmt::format(
                "{} iterations for each of {} VUs{}", p.iterations, part.scale(p.vus),
                detail::base_info({"maxDuration: " + format_go_duration(p.max_duration)},
                                  graceful_stop, start_time));
          },
          [&](const constant_arrival_rate& c) {
            // k6 scales the rate by the part's share of maxVUs, which is what the part's
            // arrivals follow.
            const auto max = detail::effective_max_vus(c.pre_allocated_vus, c.max_vus);
            const auto part_max = part.scale(max);
            const auto part_rate = c.rate * static_cast<double>(part_max) / static_cast<double>(max);
            return fmt::format("{:.2f} iterations/s for {}{}",
                               detail::per_second(part_rate, c.time_unit),
                               format_go_duration(c.duration),
                               detail::base_info({detail::max_vus_range(part.scale(c.pre_allocated_vus), part_max)},
                                                 graceful_stop, start_time));
          },
          [&](const ramping_arrival_rate& r) {
            // k6 scales the top rate by the segment's length here (getScaledArrivalRate).
            const auto max = detail::effective_max_vus(r.pre_allocated_vus, r.max_vus);
            double top = r.start_rate;
            for (const auto& s : r.stages) {
              if (s.target) top = std::max(top, static_cast<double>(*s.target));
            }
            top *= part.segment().length().to_double();
            auto range = fmt::format("maxVUs: {}", part.scale(r.pre_allocated_vus));
            if (max > r.pre_allocated_vus) range += fmt::format("-{}", part.scale(max));
            return fmt::format("Up to {:.2f} iterations/s for {} over {} stages{}",
                               detail::per_second(top, r.time_unit),
                               format_go_duration(r.stages.total_duration()), r.stages.size(),
                               detail::base_info({range}, graceful_stop, start_time));
          },
      },
      e);
}

STAMPEDE_DECL std::int64_t max_vus(const executor& e, const execution_tuple& part) {
  return part.scale(std::visit(
      detail::overloaded{
          [](const constant_vus& c) { return c.vus; },
          [](const ramping_vus& r) { return detail::max_target(r.start_vus, r.stages); },
          [](const shared_iterations& s) { return s.vus; },
          [](const per_vu_iterations& p) { return p.vus; },
          [](const constant_arrival_rate& c) {
            return detail::effective_max_vus(c.pre_allocated_vus, c.max_vus);
          },
          [](const ramping_arrival_rate& r) {
            return detail::effective_max_vus(r.pre_allocated_vus, r.max_vus);
          },
      },
      e));
}

STAMPEDE_DECL std::int64_t initial_vus(const executor& e, const execution_tuple& part) {
  return std::visit(detail::overloaded{
                        [&](const constant_arrival_rate& c) { return part.scale(c.pre_allocated_vus); },
                        [&](const ramping_arrival_rate& r) { return part.scale(r.pre_allocated_vus); },
                        [&](const auto&) { return max_vus(e, part); },
                    },
                    e);
}

STAMPEDE_DECL std::int64_t part_iterations(const shared_iterations& e, const execution_tuple& part) {
  if (part.is_whole()) return e.iterations;
  if (part.scale(e.vus) == 0) return 0;  // for_value would refuse a part with none of the VUs
  return part.for_value(e.vus).scale(e.iterations);
}

STAMPEDE_DECL bool has_work(const executor& e, const execution_tuple& part) {
  if (const auto* s = std::get_if<shared_iterations>(&e)) return part_iterations(*s, part) > 0;
  return max_vus(e, part) > 0;
}

STAMPEDE_DECL std::chrono::nanoseconds regular_duration(const executor& e) {
  return std::visit(detail::overloaded{
                        [](const constant_vus& c) { return c.duration; },
                        [](const ramping_vus& r) { return r.stages.total_duration(); },
                        [](const shared_iterations& s) { return s.max_duration; },
                        [](const per_vu_iterations& p) { return p.max_duration; },
                        [](const constant_arrival_rate& c) { return c.duration; },
                        [](const ramping_arrival_rate& r) { return r.stages.total_duration(); },
                    },
                    e);
}

STAMPEDE_DECL std::chrono::nanoseconds max_duration(const executor& e,
                                             std::chrono::nanoseconds graceful_stop) {
  // k6's GetExecutionRequirements ends every executor at its regular duration + gracefulStop;
  // for ramping-vus, gracefulRampDown never extends past that end.
  return regular_duration(e) + graceful_stop;
}

}  // namespace stampede
