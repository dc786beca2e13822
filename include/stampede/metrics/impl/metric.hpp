// Bodies of metrics/metric.hpp that every build mode needs: templates and other inline code.
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
