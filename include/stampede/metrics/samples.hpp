// Every sample one at a time, for outputs that stream them (k6's JSON and CSV): a recorder
// asked to keep its samples logs each one as it records it, and hands the log over in blocks,
// with the tag sets it interned since the previous block, so a writer on another thread can
// name every sample's tags without touching the recorder.
#pragma once

#include <stampede/metrics/registry.hpp>
#include <stampede/metrics/tags.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace stampede {

/// A tag set's index in one recorder: what the hot path records with.
using tag_set_id = std::uint32_t;

/// One sample as it was recorded: what k6 calls a Sample. `value` is in the metric's unit as
/// recorded (time trends in nanoseconds).
struct sample_record {
  std::chrono::nanoseconds at{0};  ///< from the run's start
  double value = 0;
  metric_id metric = 0;
  tag_set_id tags = 0;  ///< in the tag table of the block's source
};

/// The samples one recorder logged since its previous block, in the order it recorded them.
struct sample_block {
  /// Which recorder: tag set ids are numbered per source.
  std::uint32_t source = 0;
  /// The wall-clock time of `at` zero.
  std::chrono::system_clock::time_point origin{};
  /// The tag sets the source interned since its previous block; their ids follow on from
  /// those of earlier blocks, starting at `first_new_tags`.
  tag_set_id first_new_tags = 0;
  std::vector<tag_set> new_tags;
  std::vector<sample_record> samples;
};

/// What one tick of a run hands to the observers that stream samples: a block per recorder
/// that logged something (every shard's, and the engine's own vus and vus_max), and the
/// registry that names the metrics. Shared, so that several outputs can keep it while their
/// writers catch up.
struct tick_samples {
  std::shared_ptr<const metric_registry> registry;
  std::vector<sample_block> blocks;

  [[nodiscard]] std::size_t size() const noexcept {
    std::size_t n = 0;
    for (const auto& b : blocks) n += b.samples.size();
    return n;
  }
};

/// The tag tables of every source, learnt block by block, for a writer that reads blocks in
/// the order a source produced them.
///
/// Throws: `usage_error` from `learn` for a block whose new tag sets do not follow on from
/// the ones learnt, and from `get` for an id not learnt.
class sample_tag_tables {
 public:
  void learn(const sample_block& block);
  [[nodiscard]] const tag_set& get(std::uint32_t source, tag_set_id id) const;

 private:
  std::vector<std::vector<tag_set>> tables_;  // by source
};

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/metrics/impl/samples.ipp>
#endif
