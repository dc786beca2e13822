// Bodies of sp::measure and sp::median_of (included by scaling/measurement.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>
#include <stampede/core/units.hpp>
#include <stampede/metrics/engine.hpp>
#include <stampede/metrics/builtin.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace stampede {
namespace detail {

template <class Sink>
const Sink* find_sink(const snapshot& s, const metric_descriptor& m) {
  const auto* entry = s.find(m);
  return entry != nullptr ? std::get_if<Sink>(entry) : nullptr;
}

STAMPEDE_DECL std::optional<std::chrono::nanoseconds> percentile_of(const snapshot& s, const metric_descriptor& m, double p) {
  const auto v = s.values(metric_aggregate{m, aggregation_kind::percentile, p});
  if (v.empty()) return std::nullopt;
  return std::chrono::nanoseconds{static_cast<std::int64_t>(std::llround(v.front()))};
}

STAMPEDE_DECL std::uint64_t counter_of(const snapshot& s, const metric_descriptor& m) {
  const auto v = s.values(metric_aggregate{m, aggregation_kind::count});
  return v.empty() ? 0 : static_cast<std::uint64_t>(std::llround(v.front()));
}

template <class T>
T median_value(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  const auto n = v.size();
  if (n % 2 == 1) return v[n / 2];
  return v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1]) / 2;
}

}  // namespace detail

STAMPEDE_DECL measurement measure(const snapshot& window, const run_facts& run, const saturation_limits& limits) {
  using std::chrono::nanoseconds;
  measurement m;
  m.window = window.duration();
  m.iterations = detail::counter_of(window, iterations.descriptor());
  m.requests = detail::counter_of(window, http_reqs.descriptor());
  if (const auto* failed = detail::find_sink<rate_sink>(window, http_req_failed.descriptor())) {
    m.failed_requests = failed->nonzero;
  }
  const double seconds = std::chrono::duration<double>(m.window).count();
  if (seconds > 0) {
    m.iterations_per_second = static_cast<double>(m.iterations) / seconds;
    m.requests_per_second = static_cast<double>(m.requests) / seconds;
  }
  const auto& latency = m.requests > 0 ? http_req_duration.descriptor() : iteration_duration.descriptor();
  m.p50 = detail::percentile_of(window, latency, 50);
  m.p95 = detail::percentile_of(window, latency, 95);
  m.p99 = detail::percentile_of(window, latency, 99);
  if (m.requests > 0) {
    m.error_rate = static_cast<double>(m.failed_requests) / static_cast<double>(m.requests);
  } else {
    m.error_rate = run.iterations > 0 ? static_cast<double>(run.iteration_errors) / static_cast<double>(run.iterations) : 0;
  }
  if (const auto* v = detail::find_sink<gauge_sink>(window, vus.descriptor()); v != nullptr && v->samples > 0) {
    m.vus = static_cast<std::int64_t>(std::llround(v->max));
  }

  // The generator's health is judged over the whole run: its CPU is only known per run.
  auto& g = m.generator;
  if (run.generator_cpu && run.shards > 0 && run.duration > nanoseconds{0}) {
    g.cpu_utilisation = std::chrono::duration<double>(*run.generator_cpu).count() /
                        (std::chrono::duration<double>(run.duration).count() * run.shards);
  }
  if (run.metrics != nullptr) {
    g.start_delay_p99 = detail::percentile_of(*run.metrics, iteration_start_delay.descriptor(), 99);
    g.dropped_iterations = detail::counter_of(*run.metrics, dropped_iterations.descriptor());
  }
  std::vector<std::string> reasons;
  if (g.cpu_utilisation && *g.cpu_utilisation >= limits.cpu_utilisation) {
    reasons.push_back(fmt::format("its shards used {:.0f}% of their CPU", *g.cpu_utilisation * 100));
  }
  if (g.start_delay_p99 && *g.start_delay_p99 > limits.start_delay_p99) {
    reasons.push_back(fmt::format("iterations started late (iteration_start_delay p(99) = {})",
                                  format_duration(*g.start_delay_p99)));
  }
  if (limits.dropped_iterations && g.dropped_iterations > 0) {
    reasons.push_back(fmt::format("{} iterations were dropped for want of a free VU", g.dropped_iterations));
  }
  g.saturated = !reasons.empty();
  for (std::size_t i = 0; i < reasons.size(); ++i) g.reason += (i > 0 ? "; " : "") + reasons[i];
  return m;
}

STAMPEDE_DECL measurement median_of(const std::vector<measurement>& runs) {
  if (runs.empty()) throw usage_error("median_of: no measurements");
  if (runs.size() == 1) return runs.front();
  const auto med = [&](auto field) {
    std::vector<std::decay_t<decltype(field(runs.front()))>> v;
    for (const auto& r : runs) v.push_back(field(r));
    return detail::median_value(std::move(v));
  };
  const auto med_opt = [&](auto field) -> std::optional<std::chrono::nanoseconds> {
    std::vector<std::chrono::nanoseconds> v;
    for (const auto& r : runs) {
      if (const auto x = field(r)) v.push_back(*x);
    }
    if (v.empty()) return std::nullopt;
    return detail::median_value(std::move(v));
  };
  measurement m;
  m.window = med([](const measurement& r) { return r.window; });
  m.iterations = med([](const measurement& r) { return r.iterations; });
  m.requests = med([](const measurement& r) { return r.requests; });
  m.failed_requests = med([](const measurement& r) { return r.failed_requests; });
  m.iterations_per_second = med([](const measurement& r) { return r.iterations_per_second; });
  m.requests_per_second = med([](const measurement& r) { return r.requests_per_second; });
  m.p50 = med_opt([](const measurement& r) { return r.p50; });
  m.p95 = med_opt([](const measurement& r) { return r.p95; });
  m.p99 = med_opt([](const measurement& r) { return r.p99; });
  m.error_rate = med([](const measurement& r) { return r.error_rate; });
  m.vus = med([](const measurement& r) { return r.vus; });
  auto& g = m.generator;
  std::vector<double> cpu;
  for (const auto& r : runs) {
    if (r.generator.cpu_utilisation) cpu.push_back(*r.generator.cpu_utilisation);
    g.dropped_iterations = std::max(g.dropped_iterations, r.generator.dropped_iterations);
    if (r.generator.saturated && !g.saturated) {
      g.saturated = true;
      g.reason = r.generator.reason;
    }
  }
  if (!cpu.empty()) g.cpu_utilisation = detail::median_value(std::move(cpu));
  g.start_delay_p99 = med_opt([](const measurement& r) { return r.generator.start_delay_p99; });
  return m;
}

}  // namespace stampede
