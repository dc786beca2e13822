// Bodies of stage_list and the stage builders (included by exec/stage.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>

#include <cmath>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace stampede {

STAMPEDE_DECL stage_list::stage_list(std::initializer_list<stage> stages) : stages_(stages) {
  resolve_holds();
}

STAMPEDE_DECL stage_list::stage_list(std::vector<stage> stages) : stages_(std::move(stages)) {
  resolve_holds();
}

STAMPEDE_DECL void stage_list::resolve_holds() {
  std::optional<std::int64_t> last;
  for (auto& s : stages_) {
    if (!s.target) {
      s.target = last;  // stays empty for leading holds
    } else {
      last = s.target;
    }
  }
}

STAMPEDE_DECL std::chrono::nanoseconds stage_list::total_duration() const {
  std::chrono::nanoseconds total{0};
  for (const auto& s : stages_) total += s.duration;
  return total;
}

namespace detail {

STAMPEDE_DECL void check_stage_factor(const char* what, double factor) {
  if (!(factor >= 0) || !std::isfinite(factor)) {
    throw usage_error(
        fmt::format("stage_list::{}({}): the factor must be a finite number >= 0", what, factor));
  }
}

}  // namespace detail

STAMPEDE_DECL stage_list stage_list::scaled(double factor) const {
  detail::check_stage_factor("scaled", factor);
  stage_list out = *this;
  for (auto& s : out.stages_) {
    if (s.target) {
      s.target = static_cast<std::int64_t>(
          std::llround(static_cast<long double>(*s.target) * static_cast<long double>(factor)));
    }
  }
  return out;
}

STAMPEDE_DECL stage_list stage_list::stretched(double factor) const {
  detail::check_stage_factor("stretched", factor);
  stage_list out = *this;
  for (auto& s : out.stages_) {
    s.duration = std::chrono::nanoseconds{static_cast<std::int64_t>(std::llround(
        static_cast<long double>(s.duration.count()) * static_cast<long double>(factor)))};
  }
  return out;
}

STAMPEDE_DECL std::vector<stage> stage_list::resolved(std::int64_t start) const {
  std::vector<stage> out = stages_;
  std::int64_t last = start;
  for (auto& s : out) {
    if (!s.target) s.target = last;
    last = *s.target;
  }
  return out;
}

STAMPEDE_DECL stage_list operator>>(stage_list a, const stage_list& b) {
  a.stages_.insert(a.stages_.end(), b.stages_.begin(), b.stages_.end());
  a.resolve_holds();
  return a;
}

STAMPEDE_DECL stage_list operator*(const stage_list& pattern, int times) {
  if (times < 1) {
    throw usage_error("stage_list * " + std::to_string(times) +
                      ": a pattern is repeated at least once");
  }
  stage_list out = pattern;
  for (int i = 1; i < times; ++i) out = std::move(out) >> pattern;
  return out;
}

STAMPEDE_DECL stage_list ramp_to(std::int64_t target, std::chrono::nanoseconds over) {
  return stage_list{stage{over, target}};
}

STAMPEDE_DECL stage_list hold(std::chrono::nanoseconds d) {
  return stage_list{stage{d, std::nullopt}};
}

STAMPEDE_DECL stage_list jump_to(std::int64_t target) {
  return stage_list{stage{std::chrono::nanoseconds{0}, target}};
}

}  // namespace stampede
