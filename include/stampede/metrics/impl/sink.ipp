// Bodies of the metric sinks (included by metrics/sink.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace stampede {

STAMPEDE_DECL void gauge_sink::set(double v, std::chrono::nanoseconds when) noexcept {
  if (samples == 0) {
    min = max = v;
  } else {
    min = std::min(min, v);
    max = std::max(max, v);
  }
  // Ties go to the newer call, so one shard's sequence of sets keeps its last value.
  if (samples == 0 || when >= at) {
    value = v;
    at = when;
  }
  ++samples;
}

STAMPEDE_DECL void gauge_sink::merge(const gauge_sink& other) noexcept {
  if (other.samples == 0) return;
  if (samples == 0) {
    *this = other;
    return;
  }
  min = std::min(min, other.min);
  max = std::max(max, other.max);
  // The later value wins; on a tie the larger, so that a ⊕ b == b ⊕ a.
  if (other.at > at || (other.at == at && other.value > value)) {
    value = other.value;
    at = other.at;
  }
  samples += other.samples;
}

STAMPEDE_DECL void trend_sink::add(double value) noexcept {
  if (!std::isfinite(value) || value < 0) {
    ++rejected;
    return;
  }
  const double scaled = std::round(value * scale());
  // Past 2^64 the histogram clamps anyway; saturate rather than overflow the conversion.
  const auto units = scaled >= 18446744073709551615.0 ? ~std::uint64_t{0} : static_cast<std::uint64_t>(scaled);
  samples.record(units);
}

STAMPEDE_DECL void trend_sink::merge(const trend_sink& other) {
  if (contains != other.contains) {
    throw std::invalid_argument("cannot merge a " + std::string{to_string(other.contains)} +
                                " trend into a " + std::string{to_string(contains)} + " trend");
  }
  samples.merge(other.samples);
  rejected += other.rejected;
}

STAMPEDE_DECL sink make_sink(const metric_descriptor& metric) {
  switch (metric.type) {
    case metric_type::counter: return counter_sink{};
    case metric_type::gauge: return gauge_sink{};
    case metric_type::rate: return rate_sink{};
    case metric_type::trend: return trend_sink{metric.contains};
  }
  return counter_sink{};
}

STAMPEDE_DECL void merge(sink& into, const sink& from) {
  if (into.index() != from.index()) {
    throw std::invalid_argument("cannot merge sinks of different metric types");
  }
  std::visit(
      [&](auto& target) {
        using sink_type = std::decay_t<decltype(target)>;
        target.merge(std::get<sink_type>(from));
      },
      into);
}

namespace detail {

[[noreturn]] STAMPEDE_DECL void aggregation_misfit(aggregation_kind kind, std::string_view type) {
  const metric_aggregate shown{{}, kind, 0};
  throw usage_error("the " + shown.aggregation_name() + " aggregation does not apply to a " +
                    std::string{type} + " metric");
}

}  // namespace detail

STAMPEDE_DECL std::optional<double> aggregate(const sink& s, aggregation_kind kind, double percentile,
                                       std::chrono::nanoseconds duration) {
  if (const auto* c = std::get_if<counter_sink>(&s)) {
    if (kind == aggregation_kind::count) return c->sum;
    if (kind == aggregation_kind::rate) {
      const double seconds = std::chrono::duration<double>{duration}.count();
      return seconds > 0 ? c->sum / seconds : 0.0;
    }
    detail::aggregation_misfit(kind, "counter");
  }
  if (const auto* g = std::get_if<gauge_sink>(&s)) {
    if (kind != aggregation_kind::value) detail::aggregation_misfit(kind, "gauge");
    if (g->samples == 0) return std::nullopt;
    return g->value;
  }
  if (const auto* r = std::get_if<rate_sink>(&s)) {
    if (kind != aggregation_kind::rate) detail::aggregation_misfit(kind, "rate");
    return r->rate();
  }
  return std::get<trend_sink>(s).value(kind, percentile);
}

STAMPEDE_DECL std::optional<double> trend_sink::value(aggregation_kind kind, double percentile) const {
  const auto& h = samples;
  if (kind == aggregation_kind::count || kind == aggregation_kind::rate || kind == aggregation_kind::value) {
    detail::aggregation_misfit(kind, "trend");
  }
  if (h.count() == 0) return std::nullopt;
  switch (kind) {
    case aggregation_kind::avg: return h.mean() / scale();
    case aggregation_kind::min: return static_cast<double>(h.min()) / scale();
    case aggregation_kind::max: return static_cast<double>(h.max()) / scale();
    // k6's interpolation between the two closest ranks (TrendSink.P), not the nearest rank.
    case aggregation_kind::med: return h.interpolated_percentile(50) / scale();
    default: return h.interpolated_percentile(percentile) / scale();
  }
}

}  // namespace stampede
