// Bodies of time_series and its writers (included by metrics/time_series.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/csv.hpp>
#include <stampede/core/charconv.hpp>
#include <stampede/core/error.hpp>
#include <stampede/core/json_writer.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

namespace stampede {
namespace detail {

/// A delta's sink as a row, or nothing if it got no samples.
STAMPEDE_DECL std::optional<series_point> to_point(const sink& data) {
  if (const auto* c = std::get_if<counter_sink>(&data)) {
    if (c->samples == 0) return std::nullopt;
    return counter_point{.count = c->sum, .samples = c->samples};
  }
  if (const auto* g = std::get_if<gauge_sink>(&data)) {
    if (g->samples == 0) return std::nullopt;
    return gauge_point{.value = g->value, .min = g->min, .max = g->max, .samples = g->samples};
  }
  if (const auto* r = std::get_if<rate_sink>(&data)) {
    if (r->total == 0) return std::nullopt;
    return rate_point{.hits = r->nonzero, .total = r->total};
  }
  const auto& t = std::get<trend_sink>(data);
  const auto& h = t.samples;
  if (h.count() == 0) return std::nullopt;
  const double scale = t.scale();
  const auto at = [&](double p) { return h.interpolated_percentile(p) / scale; };  // as trend_sink::value
  return trend_point{.count = h.count(),
                     .sum = h.sum().to_double() / scale,
                     .min = static_cast<double>(h.min()) / scale,
                     .max = static_cast<double>(h.max()) / scale,
                     .med = at(50),
                     .p90 = at(90),
                     .p95 = at(95),
                     .p99 = at(99)};
}

/// Folds `later` (the same metric in a later span) into `into`.
STAMPEDE_DECL void merge_point(series_point& into, const series_point& later) {
  std::visit(
      [&](auto& a) {
        using point = std::decay_t<decltype(a)>;
        const auto& b = std::get<point>(later);  // the caller checked that the types agree
        if constexpr (std::is_same_v<point, counter_point>) {
          a.count += b.count;
          a.samples += b.samples;
        } else if constexpr (std::is_same_v<point, gauge_point>) {
          a.value = b.value;
          a.min = std::min(a.min, b.min);
          a.max = std::max(a.max, b.max);
          a.samples += b.samples;
        } else if constexpr (std::is_same_v<point, rate_point>) {
          a.hits += b.hits;
          a.total += b.total;
        } else {
          // Without histograms, percentiles are estimated by a count-weighted mean (see the
          // class's documentation for its bound).
          const double wa = static_cast<double>(a.count);
          const double wb = static_cast<double>(b.count);
          const auto weighted = [&](double x, double y) { return (x * wa + y * wb) / (wa + wb); };
          a.med = weighted(a.med, b.med);
          a.p90 = weighted(a.p90, b.p90);
          a.p95 = weighted(a.p95, b.p95);
          a.p99 = weighted(a.p99, b.p99);
          a.count += b.count;
          a.sum += b.sum;
          a.min = std::min(a.min, b.min);
          a.max = std::max(a.max, b.max);
        }
      },
      into);
}

STAMPEDE_DECL double in_seconds(std::chrono::nanoseconds t) { return std::chrono::duration<double>{t}.count(); }

/// One row's fields, by column, in the writers' units; empty where the type has none.
enum class series_column : std::uint8_t { count, rate, hits, total, value, min, max, avg, med, p90, p95, p99 };
inline constexpr std::array<std::string_view, 12> series_column_names = {
    "count", "rate", "hits", "total", "value", "min", "max", "avg", "med", "p(90)", "p(95)", "p(99)"};

STAMPEDE_DECL std::array<std::optional<double>, 12> series_fields(const metric_descriptor& metric, const series_point& point,
                                                           const series_interval& interval) {
  std::array<std::optional<double>, 12> out{};
  const auto set = [&out](series_column c, double v) { out[static_cast<std::size_t>(c)] = v; };
  // Times are recorded in nanoseconds and written in milliseconds, as k6's outputs do.
  const double unit = metric.contains == value_type::time ? 1e6 : 1.0;
  if (const auto* c = std::get_if<counter_point>(&point)) {
    const double seconds = std::chrono::duration<double>{interval.end - interval.start}.count();
    set(series_column::count, c->count / unit);
    set(series_column::rate, seconds > 0 ? c->count / unit / seconds : 0.0);
  } else if (const auto* g = std::get_if<gauge_point>(&point)) {
    set(series_column::value, g->value / unit);
    set(series_column::min, g->min / unit);
    set(series_column::max, g->max / unit);
  } else if (const auto* r = std::get_if<rate_point>(&point)) {
    set(series_column::hits, static_cast<double>(r->hits));
    set(series_column::total, static_cast<double>(r->total));
    set(series_column::rate, static_cast<double>(r->hits) / static_cast<double>(r->total));
  } else {
    const auto& t = std::get<trend_point>(point);
    set(series_column::count, static_cast<double>(t.count));
    set(series_column::min, t.min / unit);
    set(series_column::max, t.max / unit);
    set(series_column::avg, t.avg() / unit);
    set(series_column::med, t.med / unit);
    set(series_column::p90, t.p90 / unit);
    set(series_column::p95, t.p95 / unit);
    set(series_column::p99, t.p99 / unit);
  }
  return out;
}

/// Calls `fn(series, row)` for every row, in time order (by interval, then by series).
template <class Fn>
void for_each_row_in_time_order(const time_series& ts, Fn&& fn) {
  std::vector<std::size_t> next(ts.series().size(), 0);
  for (std::size_t interval = 0; interval < ts.intervals().size(); ++interval) {
    for (std::size_t s = 0; s < ts.series().size(); ++s) {
      const auto& rows = ts.series()[s].rows;
      if (next[s] < rows.size() && rows[next[s]].interval == interval) fn(ts.series()[s], rows[next[s]++]);
    }
  }
}

}  // namespace detail

STAMPEDE_DECL time_series::time_series(std::size_t capacity) : capacity_{capacity} {
  if (capacity < 2) {
    throw usage_error("time_series: the capacity must be at least 2 intervals, got " + std::to_string(capacity));
  }
}

STAMPEDE_DECL const metric_series* time_series::find(const metric_descriptor& metric) const {
  const auto it = index_.find(metric.display_name());
  return it == index_.end() ? nullptr : &series_[it->second];
}

STAMPEDE_DECL void time_series::add(const snapshot& delta) {
  if (!intervals_.empty() && delta.start() < intervals_.back().end) {
    throw usage_error("time_series::add: deltas must come in time order; this one starts at " +
                      std::to_string(delta.start().count()) + "ns, before the previous one ended (" +
                      std::to_string(intervals_.back().end.count()) + "ns)");
  }
  // Check every entry before changing anything, so a refused delta leaves the series as it was.
  std::vector<std::pair<std::size_t, series_point>> rows;  // series position (or new), point
  std::vector<const metric_descriptor*> fresh;             // series this delta creates
  for (const auto& e : delta.entries()) {
    auto point = detail::to_point(e.data);
    if (!point) continue;
    const auto name = e.metric.display_name();
    if (point->index() != static_cast<std::size_t>(e.metric.type)) {
      throw usage_error("time_series::add: the entry for " + name + ", a " +
                        std::string{to_string(e.metric.type)} + ", holds another type's sink");
    }
    const auto it = index_.find(name);
    if (it == index_.end()) {
      const auto repeat = std::find_if(fresh.begin(), fresh.end(), [&](const metric_descriptor* d) {
        return d->name == e.metric.name && d->filter == e.metric.filter;
      });
      if (repeat != fresh.end()) {
        throw usage_error("time_series::add: the delta has two entries for " + name);
      }
      rows.emplace_back(series_.size() + fresh.size(), std::move(*point));
      fresh.push_back(&e.metric);
      continue;
    }
    const auto& known = series_[it->second].metric;
    if (known.type != e.metric.type) {
      throw usage_error("time_series::add: " + name + " was a " + std::string{to_string(known.type)} +
                        " and is now a " + std::string{to_string(e.metric.type)});
    }
    rows.emplace_back(it->second, std::move(*point));
  }

  if (intervals_.empty() || intervals_.back().deltas >= deltas_per_interval_) {
    intervals_.push_back({.start = delta.start(), .end = delta.end(), .deltas = 0});
  }
  auto& interval = intervals_.back();
  interval.end = delta.end();
  ++interval.deltas;
  const auto position = intervals_.size() - 1;
  for (const auto* d : fresh) {
    index_.emplace(d->display_name(), series_.size());
    series_.push_back({*d, {}});
  }
  for (auto& [s, point] : rows) {
    auto& series_rows = series_[s].rows;
    if (!series_rows.empty() && series_rows.back().interval == position) {
      detail::merge_point(series_rows.back().data, point);
    } else {
      series_rows.push_back({position, std::move(point)});
    }
  }
  if (intervals_.size() > capacity_) compact();
}

STAMPEDE_DECL void time_series::compact() {
  // Intervals 2i and 2i + 1 become interval i. All but the last held deltas_per_interval_
  // deltas, so all but the new last hold twice as many: the resolution halves evenly.
  const auto n = intervals_.size();
  for (std::size_t i = 0; i < n; i += 2) {
    auto merged = intervals_[i];
    if (i + 1 < n) {
      merged.end = intervals_[i + 1].end;
      merged.deltas += intervals_[i + 1].deltas;
    }
    intervals_[i / 2] = merged;
  }
  intervals_.resize((n + 1) / 2);
  for (auto& s : series_) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < s.rows.size(); ++i) {
      auto& row = s.rows[i];
      row.interval /= 2;
      if (kept > 0 && s.rows[kept - 1].interval == row.interval) {
        detail::merge_point(s.rows[kept - 1].data, row.data);
      } else {
        if (kept != i) s.rows[kept] = std::move(row);
        ++kept;
      }
    }
    s.rows.resize(kept);
  }
  deltas_per_interval_ *= 2;
}

STAMPEDE_DECL std::string to_csv(const time_series& ts) {
  std::string out;
  csv_writer w{out};
  w.field("metric").field("type").field("tags").field("start").field("end");
  for (const auto name : detail::series_column_names) w.field(name);
  w.end_row();
  detail::for_each_row_in_time_order(ts, [&](const metric_series& s, const series_row& row) {
    const auto& interval = ts.intervals()[row.interval];
    w.field(s.metric.name).field(to_string(s.metric.type));
    if (s.metric.filter.empty()) {
      w.empty();
    } else {
      w.field(to_string(s.metric.filter));
    }
    w.number(detail::in_seconds(interval.start)).number(detail::in_seconds(interval.end));
    for (const auto& field : detail::series_fields(s.metric, row.data, interval)) {
      if (field) {
        w.number(*field);
      } else {
        w.empty();
      }
    }
    w.end_row();
  });
  return out;
}

STAMPEDE_DECL std::string to_json(const time_series& ts) {
  std::string out;
  json_writer w{out, json_spacing::spaced};
  w.begin_object().key("format").string("stampede-time-series").key("version").number(1);
  w.key("deltas_per_interval").number(ts.deltas_per_interval()).key("series").begin_array(json_wrap::lines);
  for (const auto& s : ts.series()) {
    w.begin_object().key("metric").string(s.metric.name).key("type").string(to_string(s.metric.type));
    w.key("contains").string(to_string(s.metric.contains)).key("tags").begin_object();
    for (const auto& t : s.metric.filter.tags()) w.key(t.key).string(t.value);
    w.end_object().key("rows").begin_array(json_wrap::lines);
    for (const auto& row : s.rows) {
      const auto& interval = ts.intervals()[row.interval];
      w.begin_object();
      w.key("start").number(detail::in_seconds(interval.start)).key("end").number(detail::in_seconds(interval.end));
      const auto fields = detail::series_fields(s.metric, row.data, interval);
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (!fields[i]) continue;
        w.key(detail::series_column_names[i]);
        if (std::isfinite(*fields[i])) {
          w.number(*fields[i]);
        } else {
          w.null();
        }
      }
      w.end_object();
    }
    w.end_array().end_object();
  }
  w.end_array().end_object();
  return out + '\n';
}

}  // namespace stampede
