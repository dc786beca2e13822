// Bodies of recorder (included by metrics/recorder.hpp).
#pragma once

#include <stampede/core/error.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace stampede {

inline recorder::recorder(std::shared_ptr<const metric_registry> registry)
    : registry_{std::move(registry)} {
  if (!registry_) throw usage_error("a recorder needs a metric registry");
  sinks_.reserve(registry_->series().size());
  for (const auto& d : registry_->series()) sinks_.push_back(make_sink(d));
  touched_.assign(sinks_.size(), 0);
}

inline std::size_t recorder::tag_set_hash::operator()(const tag_set& tags) const noexcept {
  std::size_t h = 0;
  const std::hash<std::string_view> hash;
  for (const auto& t : tags) {
    // boost::hash_combine's mixing: cheap, and order-sensitive (tag sets are sorted).
    h ^= hash(t.key) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h ^= hash(t.value) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  }
  return h;
}

inline tag_set_id recorder::intern(const tag_set& tags) {
  const auto [it, inserted] = tag_ids_.try_emplace(tags, static_cast<tag_set_id>(tag_sets_.size()));
  if (inserted) tag_sets_.push_back(tags);
  return it->second;
}

inline const std::vector<std::uint32_t>& recorder::route(metric_id id, tag_set_id tags) {
  const auto key = (std::uint64_t{id} << 32) | tags;
  auto it = routes_.find(key);
  if (it != routes_.end()) return it->second;
  // First sample of this pair: decide once which sub-metrics it belongs to.
  std::vector<std::uint32_t> series{id};
  const auto& sample_tags = tag_sets_.at(tags);
  for (const auto index : registry_->submetrics_of(id)) {
    if (registry_->descriptor(index).filter.matches(sample_tags)) {
      series.push_back(static_cast<std::uint32_t>(index));
    }
  }
  if (const auto& keys = registry_->breakdown_keys(id); !keys.empty()) {
    tag_set projected;
    for (const auto& k : keys) {
      if (const auto v = sample_tags.get(k)) projected.set(k, std::string{*v});
    }
    if (!projected.empty()) {
      metric_descriptor d = registry_->descriptor(id);
      d.filter = tag_filter{std::move(projected)};
      auto name = d.display_name();
      const auto [slot, inserted] = breakdown_index_.try_emplace(
          std::move(name), static_cast<std::uint32_t>(sinks_.size()));
      if (inserted) {
        sinks_.push_back(make_sink(d));
        touched_.push_back(0);
        breakdowns_.push_back(std::move(d));
      }
      series.push_back(slot->second);
    }
  }
  return routes_.emplace(key, std::move(series)).first->second;
}

inline const metric_descriptor& recorder::descriptor(std::size_t index) const {
  const auto registered = registry_->series().size();
  return index < registered ? registry_->descriptor(index) : breakdowns_.at(index - registered);
}

inline void recorder::add(metric_id id, double value, tag_set_id tags, std::chrono::nanoseconds at) {
  if (id >= registry_->metric_count()) {
    throw usage_error("metric id " + std::to_string(id) + " is not in this recorder's registry");
  }
  for (const auto index : route(id, tags)) {
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
        sinks_[index]);
    touched_[index] = 1;
  }
  ++pending_;
}

template <metric_type Type>
void recorder::add(const metric<Type>& m, double value, const tag_set& tags, std::chrono::nanoseconds at) {
  const auto id = registry_->find(m.name());
  if (!id) throw usage_error("metric " + m.name() + " is not registered with this test");
  if (registry_->descriptor(*id).type != Type) {
    throw usage_error("metric " + m.name() + " is registered as a " +
                      std::string{to_string(registry_->descriptor(*id).type)} + ", not a " +
                      std::string{to_string(Type)});
  }
  add(*id, value, intern(tags), at);
}

inline snapshot recorder::take(std::chrono::nanoseconds now) {
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
