// What tests read from a run's result: a counter's sum, a trend's count, a rate's sink, and
// every sample's tags as an output streaming samples sees them.
#pragma once

#include <stampede/exec/runner.hpp>

#include "support/catch_compat.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace stampede::testing {

/// The sum of counter `m` in the run's result (which must hold it).
inline double counter_sum(const result& r, const metric_descriptor& m) {
  const auto* s = r.metrics.find(m);
  REQUIRE(s != nullptr);
  return std::get<counter_sink>(*s).sum;
}

/// The samples trend `m` got in the run.
inline std::uint64_t trend_count(const result& r, const metric_descriptor& m) {
  const auto* s = r.metrics.find(m);
  REQUIRE(s != nullptr);
  return std::get<trend_sink>(*s).samples.count();
}

/// Rate `m`'s sink.
inline const rate_sink& rate_of(const result& r, const metric_descriptor& m) {
  const auto* s = r.metrics.find(m);
  REQUIRE(s != nullptr);
  return std::get<rate_sink>(*s);
}

/// Every sample's metric name and tags, as an output streaming samples sees them.
class sample_log : public run_observer {
 public:
  [[nodiscard]] bool wants_samples() const override { return true; }
  void on_samples(const std::shared_ptr<const tick_samples>& samples) override {
    for (const auto& block : samples->blocks) {
      tables_.learn(block);
      for (const auto& s : block.samples) {
        seen.emplace_back(samples->registry->descriptor(s.metric).name, tables_.get(block.source, s.tags));
      }
    }
  }
  /// The distinct tag sets the samples of `metric` carried, in the order first seen.
  [[nodiscard]] std::vector<tag_set> distinct_tags(const std::string& metric) const {
    std::vector<tag_set> found;
    for (const auto& [name, tags] : seen) {
      if (name == metric && std::find(found.begin(), found.end(), tags) == found.end()) found.push_back(tags);
    }
    return found;
  }
  /// The tags of the samples of `metric`, which must all carry the same ones.
  [[nodiscard]] tag_set tags_of(const std::string& metric) const {
    const auto found = distinct_tags(metric);
    REQUIRE(found.size() == 1);
    return found.front();
  }

  std::vector<std::pair<std::string, tag_set>> seen;

 private:
  sample_tag_tables tables_;
};

}  // namespace stampede::testing
