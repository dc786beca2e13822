// Bodies of the metric types (included by metrics/metric.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/charconv.hpp>
#include <stampede/core/error.hpp>

#include <cmath>
#include <cstdio>

namespace stampede {

STAMPEDE_DECL void validate_metric_name(std::string_view name) {
  constexpr std::size_t max_length = 128;
  const auto quoted = "\"" + std::string{name} + "\"";
  if (name.empty()) throw usage_error("invalid metric name \"\": a metric needs a name");
  if (name.size() > max_length) {
    throw usage_error("invalid metric name " + quoted + ": longer than 128 characters");
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (i == 0 && digit) {
      throw usage_error("invalid metric name " + quoted + ": it starts with a digit");
    }
    if (!letter && !digit) {
      throw usage_error("invalid metric name " + quoted + ": character " + std::to_string(i + 1) +
                        " ('" + std::string(1, c) +
                        "') is not an ASCII letter, digit or underscore");
    }
  }
}

STAMPEDE_DECL std::string metric_descriptor::display_name() const {
  return filter.empty() ? name : name + to_string(filter);
}

STAMPEDE_DECL std::string metric_aggregate::aggregation_name() const {
  switch (kind) {
    case aggregation_kind::count: return "count";
    case aggregation_kind::rate: return "rate";
    case aggregation_kind::value: return "value";
    case aggregation_kind::avg: return "avg";
    case aggregation_kind::min: return "min";
    case aggregation_kind::max: return "max";
    case aggregation_kind::med: return "med";
    case aggregation_kind::percentile: {
      // Shortest form that reads back the same: p(95), p(99.9), p(99.99).
      return "p(" + format_double(percentile) + ")";
    }
  }
  return "unknown";
}

STAMPEDE_DECL metric_aggregate metric_aggregate::over(std::chrono::nanoseconds length) const {
  if (length <= std::chrono::nanoseconds::zero()) {
    throw usage_error(metric.name + " " + aggregation_name() + ".over(" +
                      std::to_string(length.count()) + "ns): a window must be longer than zero");
  }
  metric_aggregate out = *this;
  out.window = length;
  return out;
}

STAMPEDE_DECL metric_aggregate metric_aggregate::after(std::chrono::nanoseconds length) const {
  if (length < std::chrono::nanoseconds::zero()) {
    throw usage_error(metric.name + " " + aggregation_name() + ".after(" +
                      std::to_string(length.count()) + "ns): a warm-up cannot be negative");
  }
  metric_aggregate out = *this;
  out.warm_up = length;
  return out;
}

}  // namespace stampede
