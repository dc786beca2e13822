// Where one shard's samples land: no locks, no atomics. The ticker takes the recorder's
// delta every second and merges the shards' deltas into the run's snapshot.
#pragma once

#include <stampede/metrics/registry.hpp>
#include <stampede/metrics/samples.hpp>
#include <stampede/metrics/sink.hpp>
#include <stampede/metrics/snapshot.hpp>
#include <stampede/metrics/tags.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace stampede {

/// Records samples of one shard (one thread). Tag sets are interned once and referred to by
/// id, and each (metric, tag set) pair remembers which sinks it feeds — the metric's own,
/// those of its tracked sub-metrics whose filter the tags match, and for a metric with a
/// breakdown the sub-metric of the tags' values (created on the pair's first sample) — so
/// recording a sample is a lookup and a sink update, with no string work.
///
/// Thread safety: none by design: one recorder per shard thread; `take` hands the samples to
/// another thread as a snapshot, by value.
/// Throws: `usage_error` for a metric id the registry does not have; `std::bad_alloc`.
///
/// ```cpp
/// auto registry = std::make_shared<stampede::metric_registry>();
/// stampede::recorder rec{registry};
/// auto ok = rec.intern({{"expected_response", "true"}, {"status", "200"}});
/// rec.add(*registry->find("http_req_duration"), 12.5e6, ok, elapsed);  // 12.5 ms
/// auto delta = rec.take(elapsed);   // everything since the previous take
/// ```
class recorder {
 public:
  /// The registry must be complete: metrics and sub-metrics added later are not seen.
  explicit recorder(std::shared_ptr<const metric_registry> registry);
  // Moves keep interned tag sets where they are; a copy would point into the original.
  recorder(const recorder&) = delete;
  recorder& operator=(const recorder&) = delete;
  recorder(recorder&&) = default;
  recorder& operator=(recorder&&) = default;
  ~recorder() = default;

  /// The id of a tag set, the same for equal sets.
  tag_set_id intern(const tag_set& tags);
  /// The tag set behind an id. The reference stays valid as long as the recorder: a VU keeps
  /// it as its current tags.
  [[nodiscard]] const tag_set& tags(tag_set_id id) const { return *tag_sets_.at(id); }

  /// Records one sample of metric `id` with interned tags, at `at` from the run's start
  /// (gauges keep the latest). Rates count a non-zero value as a hit.
  void add(metric_id id, double value, tag_set_id tags, std::chrono::nanoseconds at);
  /// The same by metric and tag set: a registry lookup and an intern on every call, for
  /// code off the hot path. Throws `usage_error` for a metric not in the registry.
  template <metric_type Type>
  void add(const metric<Type>& m, double value, const tag_set& tags, std::chrono::nanoseconds at);

  /// Everything recorded since the previous take (or since construction), as a snapshot of
  /// `[previous take, now)` holding the (sub-)metrics that got samples; the recorder starts
  /// afresh, with empty sinks in their place (a trend's histogram allocates its pages again
  /// as values land in them).
  [[nodiscard]] snapshot take(std::chrono::nanoseconds now);

  /// Keeps every sample from now on, besides adding it to its sinks, for `take_samples` (an
  /// output that streams samples is watching). Off by default: then recording costs one
  /// branch more.
  void keep_samples(bool keep) noexcept { keep_samples_ = keep; }
  [[nodiscard]] bool keeps_samples() const noexcept { return keep_samples_; }
  /// The samples kept since the previous call, and the tag sets interned since then, as a
  /// block of source `source` (its `origin` is left for the caller to set). Independent of
  /// `take`: the sinks stay as they are.
  [[nodiscard]] sample_block take_samples(std::uint32_t source);

  /// Samples recorded since the previous take.
  [[nodiscard]] std::uint64_t pending_samples() const noexcept { return pending_; }
  [[nodiscard]] const metric_registry& registry() const noexcept { return *registry_; }

 private:
  struct tag_set_hash {
    std::size_t operator()(const tag_set& tags) const noexcept;
  };
  // Where the series indices of one (metric, tag set) pair sit in `route_series_`; `count`
  // 0 means the pair has not been seen yet (every route feeds at least the metric itself).
  struct route {
    std::uint32_t first = 0;
    std::uint32_t count = 0;
  };
  const route& route_of(metric_id id, tag_set_id tags);
  route make_route(metric_id id, tag_set_id tags);
  [[nodiscard]] const metric_descriptor& descriptor(std::size_t index) const;

  std::shared_ptr<const metric_registry> registry_;
  std::size_t metric_count_ = 0;
  // By id: the keys of tag_ids_, whose nodes never move, so tags(id) references stay valid.
  std::vector<const tag_set*> tag_sets_;
  std::unordered_map<tag_set, tag_set_id, tag_set_hash> tag_ids_;
  // The route table is dense: row `tags`, column `metric`, i.e. routes_[tags × metric_count_
  // + metric], filled on a pair's first sample: a multiply-add and one load, where a hash
  // map's modulo by a prime and pointer chase made every sample 1.4 to 3 ns slower
  // (docs/performance.md). It costs 8 bytes per metric per interned tag set.
  std::vector<route> routes_;
  std::vector<std::uint32_t> route_series_;  // series indices of every route, back to back
  std::vector<sink> sinks_;    // per series: the registry's, then this recorder's breakdowns
  std::vector<char> touched_;  // per series: got a sample since the last take
  std::vector<metric_descriptor> breakdowns_;  // series registry.series().size() + i
  std::unordered_map<std::string, std::uint32_t> breakdown_index_;  // by display name
  std::chrono::nanoseconds since_{0};
  std::uint64_t pending_ = 0;
  bool keep_samples_ = false;
  std::vector<sample_record> kept_;
  std::size_t tag_sets_handed_ = 0;  // tag sets already in an earlier sample block
};

}  // namespace stampede

#include <stampede/metrics/impl/recorder.hpp>
#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/metrics/impl/recorder.ipp>
#endif
