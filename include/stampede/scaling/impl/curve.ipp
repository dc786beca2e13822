// Bodies of sp::configuration, sp::study_point and sp::curve (included by scaling/curve.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/charconv.hpp>
#include <stampede/core/error.hpp>
#include <stampede/scaling/knee.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join (in fmt/format.h before fmt 11)

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

namespace stampede {

STAMPEDE_DECL std::string format_level(double level) {
  if (std::isfinite(level) && std::abs(level) < 1e15 && level == std::round(level)) {
    return fmt::format("{}", static_cast<long long>(level));
  }
  return format_double(level);
}

// --- configuration --------------------------------------------------------------------------

STAMPEDE_DECL configuration::configuration(std::initializer_list<std::pair<std::string, double>> values) {
  for (const auto& [name, value] : values) set(name, value);
}

STAMPEDE_DECL void configuration::set(std::string_view name, double value) {
  for (auto& [n, v] : values_) {
    if (n == name) {
      v = value;
      return;
    }
  }
  values_.emplace_back(std::string{name}, value);
}

STAMPEDE_DECL bool configuration::has(std::string_view name) const noexcept {
  return std::any_of(values_.begin(), values_.end(), [&](const auto& p) { return p.first == name; });
}

STAMPEDE_DECL double configuration::operator[](std::string_view name) const {
  for (const auto& [n, v] : values_) {
    if (n == name) return v;
  }
  std::string known;
  for (const auto& [n, v] : values_) known += (known.empty() ? "" : ", ") + n;
  throw usage_error(fmt::format("the configuration has no parameter \"{}\" (it has: {})", name,
                                known.empty() ? "none" : known));
}

STAMPEDE_DECL std::string configuration::describe() const {
  std::string out;
  for (const auto& [n, v] : values_) out += (out.empty() ? "" : " ") + n + "=" + format_level(v);
  return out;
}

// --- study_point ----------------------------------------------------------------------------

STAMPEDE_DECL double study_point::throughput_min() const noexcept {
  if (runs.empty()) return median.throughput();
  double m = std::numeric_limits<double>::infinity();
  for (const auto& r : runs) m = std::min(m, r.throughput());
  return m;
}

STAMPEDE_DECL double study_point::throughput_max() const noexcept {
  if (runs.empty()) return median.throughput();
  double m = 0;
  for (const auto& r : runs) m = std::max(m, r.throughput());
  return m;
}

STAMPEDE_DECL double study_point::spread() const noexcept {
  const double med = median.throughput();
  return med > 0 ? (throughput_max() - throughput_min()) / med : 0;
}

STAMPEDE_DECL std::string_view to_string(figure f) noexcept {
  switch (f) {
    case figure::throughput: return "RPS";
    case figure::median_latency: return "Median (ms)";
    case figure::p95_latency: return "P95 (ms)";
    case figure::p99_latency: return "P99 (ms)";
    case figure::error_rate: return "Failures (%)";
    case figure::total_requests: return "Total Requests";
  }
  return "?";
}

STAMPEDE_DECL std::optional<double> value_of(const measurement& m, figure f) {
  const auto ms = [](const std::optional<std::chrono::nanoseconds>& d) -> std::optional<double> {
    if (!d) return std::nullopt;
    return std::chrono::duration<double, std::milli>(*d).count();
  };
  switch (f) {
    case figure::throughput: return m.throughput();
    case figure::median_latency: return ms(m.p50);
    case figure::p95_latency: return ms(m.p95);
    case figure::p99_latency: return ms(m.p99);
    case figure::error_rate: return m.error_rate * 100;
    case figure::total_requests: return static_cast<double>(m.requests > 0 ? m.requests : m.iterations);
  }
  return std::nullopt;
}

// --- curve ----------------------------------------------------------------------------------

STAMPEDE_DECL curve::curve(std::vector<std::string> parameters, std::vector<study_point> points)
    : parameters_{std::move(parameters)}, points_{std::move(points)} {
  for (const auto& p : points_) {
    bool ok = p.config.values().size() == parameters_.size();
    for (std::size_t i = 0; ok && i < parameters_.size(); ++i) ok = p.config.values()[i].first == parameters_[i];
    if (!ok) {
      throw usage_error(fmt::format("a point's configuration ({}) does not match the curve's parameters ({})",
                                    p.config.describe(), fmt::join(parameters_, ", ")));
    }
  }
}

STAMPEDE_DECL std::size_t curve::parameter_index(std::string_view name) const {
  const auto it = std::find(parameters_.begin(), parameters_.end(), name);
  if (it == parameters_.end()) {
    throw usage_error(fmt::format("the study has no parameter \"{}\" (it has: {})", name, fmt::join(parameters_, ", ")));
  }
  return static_cast<std::size_t>(it - parameters_.begin());
}

STAMPEDE_DECL void curve::require_single(std::string_view what) const {
  if (parameters_.size() != 1) {
    throw usage_error(fmt::format("{} needs a curve over one parameter, and this one has {} ({}); slice it first",
                                  what, parameters_.size(), fmt::join(parameters_, ", ")));
  }
}

STAMPEDE_DECL std::vector<scaling_point> curve::points() const {
  require_single("curve::points");
  std::vector<scaling_point> out;
  out.reserve(points_.size());
  for (const auto& p : points_) out.push_back({p.config.values().front().second, p.median.throughput()});
  return out;
}

STAMPEDE_DECL curve curve::slice(const configuration& fixed) const {
  std::vector<std::string> remaining;
  for (const auto& name : parameters_) {
    if (!fixed.has(name)) remaining.push_back(name);
  }
  for (const auto& [name, value] : fixed.values()) (void)parameter_index(name);
  std::vector<study_point> kept;
  for (const auto& p : points_) {
    bool match = true;
    for (const auto& [name, value] : fixed.values()) match = match && p.config[name] == value;
    if (!match) continue;
    study_point q = p;
    q.config = configuration{};
    for (const auto& [name, value] : p.config.values()) {
      if (!fixed.has(name)) q.config.set(name, value);
    }
    kept.push_back(std::move(q));
  }
  if (kept.empty()) throw usage_error(fmt::format("no point of the study has {}", fixed.describe()));
  return curve{std::move(remaining), std::move(kept)};
}

STAMPEDE_DECL const study_point& curve::at(double level) const {
  require_single("curve::at(level)");
  for (const auto& p : points_) {
    if (p.config.values().front().second == level) return p;
  }
  std::string levels;
  for (const auto& p : points_) levels += (levels.empty() ? "" : ", ") + format_level(p.config.values().front().second);
  throw usage_error(fmt::format("the study has no point at {}={} (its levels: {})", parameters_.front(),
                                format_level(level), levels));
}

STAMPEDE_DECL const study_point& curve::at(const configuration& config) const {
  for (const auto& p : points_) {
    if (p.config == config) return p;
  }
  throw usage_error(fmt::format("the study has no point at {}", config.describe()));
}

STAMPEDE_DECL double curve::throughput_at(double level) const { return at(level).median.throughput(); }

STAMPEDE_DECL double curve::efficiency_at(double level) const {
  require_single("curve::efficiency_at");
  const auto lowest = std::min_element(points_.begin(), points_.end(), [](const auto& a, const auto& b) {
    return a.config.values().front().second < b.config.values().front().second;
  });
  const double n0 = lowest->config.values().front().second;
  const double x0 = lowest->median.throughput();
  if (n0 <= 0 || x0 <= 0) {
    throw usage_error(fmt::format("efficiency needs a positive lowest level and throughput there ({}={}: {})",
                                  parameters_.front(), format_level(n0), x0));
  }
  return (throughput_at(level) / x0) / (level / n0);
}

STAMPEDE_DECL double curve::best_level() const {
  require_single("curve::best_level");
  if (points_.empty()) throw usage_error("curve::best_level: the curve has no points");
  const auto best = std::max_element(points_.begin(), points_.end(), [](const auto& a, const auto& b) {
    return a.median.throughput() < b.median.throughput();
  });
  return best->config.values().front().second;
}

STAMPEDE_DECL std::optional<double> curve::knee(double tolerance, figure latency) const {
  require_single("curve::knee");
  std::vector<latency_point> pts;
  for (const auto& p : points_) {
    if (const auto v = value_of(p, latency)) pts.push_back({p.config.values().front().second, *v});
  }
  if (pts.empty()) return std::nullopt;
  return find_knee(pts, tolerance);
}

STAMPEDE_DECL bool curve::generator_saturated() const noexcept {
  return std::any_of(points_.begin(), points_.end(), [](const auto& p) { return p.median.generator.saturated; });
}

namespace detail {

// "replicas" → "Replicas", as the seed's tables title their parameter columns.
STAMPEDE_DECL std::string column_title(std::string_view parameter) {
  std::string t{parameter};
  if (!t.empty()) t[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(t[0])));
  return t;
}

}  // namespace detail

STAMPEDE_DECL table_cell figure_cell(const measurement& m, figure f) {
  const auto v = value_of(m, f);
  if (!v) return {};
  switch (f) {
    case figure::throughput: return table_cell::of(*v, 1);
    case figure::error_rate: return table_cell::of(*v, 2);
    case figure::total_requests: return table_cell::of(*v, 0);
    default: return table_cell::of(*v, 2);
  }
}

STAMPEDE_DECL table curve::to_table() const {
  const bool repeated = std::any_of(points_.begin(), points_.end(), [](const auto& p) { return p.runs.size() > 1; });
  const bool http = std::any_of(points_.begin(), points_.end(), [](const auto& p) { return p.median.requests > 0; });
  std::vector<std::string> columns;
  for (const auto& name : parameters_) columns.push_back(detail::column_title(name));
  const std::vector<figure> figures{figure::throughput,  figure::median_latency, figure::p95_latency,
                                    figure::p99_latency, figure::error_rate,     figure::total_requests};
  for (const auto f : figures) {
    if (f == figure::throughput && !http) {
      columns.emplace_back("Iterations/s");
    } else if (f == figure::total_requests && !http) {
      columns.emplace_back("Total Iterations");
    } else {
      columns.emplace_back(to_string(f));
    }
  }
  if (repeated) columns.emplace_back("RPS spread (%)");
  const bool saturated = generator_saturated();
  if (saturated) columns.emplace_back("Generator");
  table t{std::move(columns)};
  for (const auto& p : points_) {
    std::vector<table_cell> row;
    for (const auto& [name, value] : p.config.values()) row.push_back({format_level(value), value});
    for (const auto f : figures) row.push_back(figure_cell(p.median, f));
    if (repeated) row.push_back(table_cell::of(p.spread() * 100, 1));
    if (saturated) row.push_back(table_cell::of(p.median.generator.saturated ? "saturated: " + p.median.generator.reason : "ok"));
    t.add_row(std::move(row));
  }
  return t;
}

STAMPEDE_DECL table curve::pivot(std::string_view rows, std::string_view columns, figure value) const {
  const auto ri = parameter_index(rows);
  const auto ci = parameter_index(columns);
  if (ri == ci) throw usage_error(fmt::format("a pivot needs two different parameters, not \"{}\" twice", rows));
  const auto levels_of = [&](std::size_t index) {
    std::vector<double> levels;
    for (const auto& p : points_) {
      const double v = p.config.values()[index].second;
      if (std::find(levels.begin(), levels.end(), v) == levels.end()) levels.push_back(v);
    }
    return levels;
  };
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    if (i != ri && i != ci && levels_of(i).size() > 1) {
      throw usage_error(fmt::format("the pivot of {} by {} has several levels of \"{}\": slice the curve first", rows,
                                    columns, parameters_[i]));
    }
  }
  const auto row_levels = levels_of(ri);
  const auto column_levels = levels_of(ci);
  std::vector<std::string> titles{detail::column_title(rows)};
  for (const double c : column_levels) {
    titles.push_back(fmt::format("{} {} {}", format_level(c), detail::column_title(columns), to_string(value)));
  }
  table t{std::move(titles)};
  for (const double r : row_levels) {
    std::vector<table_cell> row{{format_level(r), r}};
    for (const double c : column_levels) {
      const auto it = std::find_if(points_.begin(), points_.end(), [&](const study_point& p) {
        return p.config.values()[ri].second == r && p.config.values()[ci].second == c;
      });
      row.push_back(it == points_.end() ? table_cell{} : figure_cell(it->median, value));
    }
    t.add_row(std::move(row));
  }
  return t;
}

}  // namespace stampede
