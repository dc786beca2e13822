// Bodies of recorder (included by metrics/recorder.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace stampede {

STAMPEDE_DECL recorder::recorder(std::shared_ptr<const metric_registry> registry)
    : registry_{std::move(registry)} {
  if (!registry_) throw usage_error("a recorder needs a metric registry");
  metric_count_ = registry_->metric_count();
  sinks_.reserve(registry_->series().size());
  for (const auto& d : registry_->series()) sinks_.push_back(make_sink(d));
  touched_.assign(sinks_.size(), 0);
}

STAMPEDE_DECL std::size_t recorder::tag_set_hash::operator()(const tag_set& tags) const noexcept {
  std::size_t h = 0;
  const std::hash<std::string_view> hash;
  for (const auto& t : tags) {
    // boost::hash_combine's mixing: cheap, and order-sensitive (tag sets are sorted).
    h ^= hash(t.key) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h ^= hash(t.value) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  }
  return h;
}

STAMPEDE_DECL tag_set_id recorder::intern(const tag_set& tags) {
  const auto [it, inserted] = tag_ids_.try_emplace(tags, static_cast<tag_set_id>(tag_sets_.size()));
  if (inserted) {
    tag_sets_.push_back(&it->first);
    routes_.resize(routes_.size() + metric_count_);  // the new tag set's row, all unseen
  }
  return it->second;
}

STAMPEDE_DECL const recorder::route& recorder::route_of(metric_id id, tag_set_id tags) {
  auto& r = routes_[std::size_t{tags} * metric_count_ + id];
  if (r.count == 0) [[unlikely]] {
    r = make_route(id, tags);
  }
  return r;
}

STAMPEDE_DECL recorder::route recorder::make_route(metric_id id, tag_set_id tags) {
  // First sample of this pair: decide once which sub-metrics it belongs to.
  const auto first = route_series_.size();
  route_series_.push_back(id);
  const auto& sample_tags = *tag_sets_[tags];
  for (const auto index : registry_->submetrics_of(id)) {
    if (registry_->descriptor(index).filter.matches(sample_tags)) {
      route_series_.push_back(static_cast<std::uint32_t>(index));
    }
  }
  if (const auto& keys = registry_->breakdown_keys(id); !keys.empty()) {
    tag_set projected;
    for (const auto& k : keys) {
      if (const auto v = sample_tags.get(k)) projected.set(k, std::string{*v});
    }
    metric_descriptor d = registry_->descriptor(id);
    d.filter = tag_filter{std::move(projected)};
    // A combination that is also a tracked sub-metric (a threshold's, the full summary's per
    // scenario) is routed there already: a second sink would count its samples twice.
    if (!d.filter.empty() && !registry_->find_series(d)) {
      auto name = d.display_name();
      if (!breakdown_index_.contains(name)) {
        // The metric's combinations so far, under a key no display name has (it cannot start
        // with a control character); past the limit, new ones share the `(other)` one.
        auto& combinations = breakdown_index_[std::string{"\x1f"} + d.name];
        if (combinations >= max_breakdown_combinations) {
          tag_set pooled;
          for (const auto& t : d.filter.tags()) pooled.set(t.key, std::string{other_breakdown_value});
          d.filter = tag_filter{std::move(pooled)};
          name = d.display_name();
        } else {
          ++combinations;
        }
      }
      const auto [slot, inserted] =
          breakdown_index_.try_emplace(std::move(name), static_cast<std::uint32_t>(sinks_.size()));
      if (inserted) {
        sinks_.push_back(make_sink(d));
        touched_.push_back(0);
        breakdowns_.push_back(std::move(d));
      }
      route_series_.push_back(slot->second);
    }
  }
  return route{.first = static_cast<std::uint32_t>(first),
               .count = static_cast<std::uint32_t>(route_series_.size() - first)};
}

STAMPEDE_DECL const metric_descriptor& recorder::descriptor(std::size_t index) const {
  const auto registered = registry_->series().size();
  return index < registered ? registry_->descriptor(index) : breakdowns_.at(index - registered);
}

STAMPEDE_DECL void recorder::add(metric_id id, double value, tag_set_id tags, std::chrono::nanoseconds at) {
  if (id >= metric_count_) {
    throw usage_error("metric id " + std::to_string(id) + " is not in this recorder's registry");
  }
  if (tags >= tag_sets_.size()) {
    throw usage_error("tag set id " + std::to_string(tags) + " was not interned by this recorder");
  }
  const auto r = route_of(id, tags);
  const std::uint32_t* index = route_series_.data() + r.first;
  const std::uint32_t* const end = index + r.count;
  for (; index != end; ++index) {
    std::visit(
        [&](auto& s) {
          using sink_type = std::decay_t<decltype(s)>;
          if constexpr (std::is_same_v<sink_type, counter_sink>) {
            s.add(value);
          } else if constexpr (std::is_same_v<sink_type, gauge_sink>) {
            s.set(value, at);
          } else if constexpr (std::is_same_v<sink_type, rate_sink>) {
            s.add(value != 0);
          } else {
            s.add(value);
          }
        },
        sinks_[*index]);
    touched_[*index] = 1;
  }
  ++pending_;
  if (keep_samples_) kept_.push_back({at, value, id, tags});
}

STAMPEDE_DECL sample_block recorder::take_samples(std::uint32_t source) {
  sample_block block;
  block.source = source;
  block.first_new_tags = static_cast<tag_set_id>(tag_sets_handed_);
  for (std::size_t i = tag_sets_handed_; i < tag_sets_.size(); ++i) block.new_tags.push_back(*tag_sets_[i]);
  tag_sets_handed_ = tag_sets_.size();
  block.samples.swap(kept_);
  // The next tick logs about as many: keep the capacity rather than grow it again.
  kept_.reserve(block.samples.size());
  return block;
}

STAMPEDE_DECL snapshot recorder::take(std::chrono::nanoseconds now) {
  snapshot delta{since_, now};
  for (std::size_t i = 0; i < sinks_.size(); ++i) {
    if (!touched_[i]) continue;
    const auto& d = descriptor(i);
    delta.add(d, std::exchange(sinks_[i], make_sink(d)));
    touched_[i] = 0;
  }
  since_ = now;
  pending_ = 0;
  return delta;
}

}  // namespace stampede
