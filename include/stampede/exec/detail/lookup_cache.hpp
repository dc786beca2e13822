// Memos of what vu::check, vu::group and vu::record would otherwise work out on every call:
// the id of "these tags and one more" and a metric's id by name. One per shard, shared by its
// VUs: the ids belong to the shard's recorder, and 10^5 VUs need not hold 10^5 copies.
#pragma once

#include <stampede/metrics/recorder.hpp>
#include <stampede/metrics/registry.hpp>
#include <stampede/metrics/tags.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace stampede::detail {

class lookup_cache {
 public:
  /// The id in `rec` of tag set `base` with `key` set to `value` (a check's name, a group's
  /// path): copied and interned on first use, a hash lookup without allocation after that.
  tag_set_id with_tag(recorder& rec, tag_set_id base, std::string_view key, std::string_view value) {
    const derived_view wanted{base, key, value};
    if (const auto it = derived_.find(wanted); it != derived_.end()) return it->second;
    tag_set tags = rec.tags(base);
    tags.set(std::string{key}, std::string{value});
    const auto id = rec.intern(tags);
    derived_.emplace(derived_key{base, std::string{key}, std::string{value}}, id);
    return id;
  }

  /// The id of metric `name` in `registry` (the recorder's), or nullopt if it has none. Only
  /// found ids are kept: the registry is fixed for the run, so a miss stays a miss.
  std::optional<metric_id> metric(const metric_registry& registry, std::string_view name) {
    if (const auto it = metrics_.find(name); it != metrics_.end()) return it->second;
    const auto id = registry.find(name);
    if (id) metrics_.emplace(std::string{name}, *id);
    return id;
  }

 private:
  struct derived_view {
    tag_set_id base = 0;
    std::string_view key;
    std::string_view value;
  };
  struct derived_key {
    tag_set_id base = 0;
    std::string key;
    std::string value;
    operator derived_view() const noexcept { return {base, key, value}; }  // NOLINT(google-explicit-constructor)
  };
  // Transparent hash and equality, so a lookup by views builds no strings.
  struct derived_hash {
    using is_transparent = void;
    std::size_t operator()(const derived_view& v) const noexcept {
      const std::hash<std::string_view> h;
      std::size_t seed = v.base;
      seed ^= h(v.key) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
      seed ^= h(v.value) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
      return seed;
    }
  };
  struct derived_equal {
    using is_transparent = void;
    bool operator()(const derived_view& a, const derived_view& b) const noexcept {
      return a.base == b.base && a.key == b.key && a.value == b.value;
    }
  };
  struct name_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };

  std::unordered_map<derived_key, tag_set_id, derived_hash, derived_equal> derived_;
  std::unordered_map<std::string, metric_id, name_hash, std::equal_to<>> metrics_;
};

}  // namespace stampede::detail
