// Bodies of the metric types (included by metrics/metric.hpp).
#pragma once

#include <stampede/core/error.hpp>

#include <cmath>
#include <cstdio>

namespace stampede {

constexpr std::string_view to_string(metric_type type) noexcept {
  switch (type) {
    case metric_type::counter: return "counter";
    case metric_type::gauge: return "gauge";
    case metric_type::rate: return "rate";
    case metric_type::trend: return "trend";
  }
  return "unknown";
}

constexpr std::string_view to_string(value_type type) noexcept {
  switch (type) {
    case value_type::plain: return "default";  // k6's word for plain numbers
    case value_type::time: return "time";
    case value_type::data: return "data";
  }
  return "unknown";
}

inline void validate_metric_name(std::string_view name) {
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

inline std::string metric_descriptor::display_name() const {
  return filter.empty() ? name : name + to_string(filter);
}

inline std::string metric_aggregate::aggregation_name() const {
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
      char text[32];
      std::snprintf(text, sizeof text, "p(%.15g)", percentile);
      return text;
    }
  }
  return "unknown";
}

inline metric_aggregate metric_aggregate::over(std::chrono::nanoseconds length) const {
  if (length <= std::chrono::nanoseconds::zero()) {
    throw usage_error(metric.name + " " + aggregation_name() + ".over(" +
                      std::to_string(length.count()) + "ns): a window must be longer than zero");
  }
  metric_aggregate out = *this;
  out.window = length;
  return out;
}

inline metric_aggregate metric_aggregate::after(std::chrono::nanoseconds length) const {
  if (length < std::chrono::nanoseconds::zero()) {
    throw usage_error(metric.name + " " + aggregation_name() + ".after(" +
                      std::to_string(length.count()) + "ns): a warm-up cannot be negative");
  }
  metric_aggregate out = *this;
  out.warm_up = length;
  return out;
}

template <metric_type Type>
metric<Type>::metric(std::string name, value_type contains) {
  validate_metric_name(name);
  descriptor_.name = std::move(name);
  descriptor_.type = Type;
  descriptor_.contains = contains;
}

template <metric_type Type>
metric<Type> metric<Type>::where(std::string key, std::string value) const {
  if (key.empty()) {
    throw usage_error("sub-metric of " + descriptor_.name + ": a tag key cannot be empty");
  }
  metric out = *this;
  out.descriptor_.filter = descriptor_.filter.and_where(std::move(key), std::move(value));
  return out;
}

template <metric_type Type>
metric_aggregate metric<Type>::p(double percentile) const
  requires(Type == metric_type::trend)
{
  if (!(percentile >= 0 && percentile <= 100)) {  // also rejects NaN
    char text[64];
    std::snprintf(text, sizeof text, "%g", percentile);
    throw usage_error(descriptor_.name + ".p(" + text +
                      "): a percentile is a number from 0 to 100");
  }
  return aggregate(aggregation_kind::percentile, percentile);
}

}  // namespace stampede
