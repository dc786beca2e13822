// Where an HTTP client records k6's HTTP metrics.
#pragma once

#include <stampede/metrics/recorder.hpp>
#include <stampede/metrics/tags.hpp>

#include <chrono>

namespace stampede::http {

/// Where a client records k6's HTTP metrics (`http_reqs`, `http_req_duration`, ...,
/// `data_sent`, `data_received`); the engine fills one per VU. The default records nothing.
struct metrics_target {
  /// The shard's recorder; null: no metrics.
  recorder* rec = nullptr;
  /// The VU's current tags (scenario, group, user tags), read at every request; null: none.
  const tag_set* tags = nullptr;
  /// Samples are recorded at `now - run_start`.
  std::chrono::steady_clock::time_point run_start{};
  /// The system tags the samples carry (k6's `systemTags`): of the HTTP ones, `proto`,
  /// `status`, `method`, `url`, `name`, `error_code`, `tls_version`, `expected_response` and `ip`.
  system_tag_set system_tags = system_tag_set::k6_default();
};

}  // namespace stampede::http
