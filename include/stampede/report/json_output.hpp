// sp::json_output: k6's `--out json=FILE` — every sample of a run as newline-delimited JSON,
// line for line as k6 writes it, for jq, pandas or any tool that reads k6's files.
#pragma once

#include <stampede/config.hpp>
#include <stampede/core/timestamp.hpp>
#include <stampede/report/stream_output.hpp>

#include <map>
#include <string>
#include <vector>

namespace stampede {

/// Writes a `Metric` line before each metric's first sample — its name, type, what it
/// contains, the thresholds on it and its sub-metrics — then a `Point` line per sample with
/// its time (RFC 3339 in UTC, to the nanosecond), value (time in milliseconds, as k6 records
/// it) and tags:
///
/// ```text
/// {"type":"Metric","data":{"name":"http_reqs","type":"counter","contains":"default","thresholds":[],"submetrics":null},"metric":"http_reqs"}
/// {"metric":"http_reqs","type":"Point","data":{"time":"2026-01-01T00:00:00.0125Z","value":1,"tags":{"method":"GET","status":"200"}}}
/// ```
///
/// A value JSON has no number for (NaN, an infinity) is left out, as k6's encoder refuses
/// it; `samples_written` still counts it.
///
/// Thread safety and throws: as `stream_output`.
class json_output final : public stream_output {
 public:
  explicit json_output(std::string path, options o = {});

 private:
  STAMPEDE_DECL void prepare(const load_test& test) override;
  STAMPEDE_DECL void write_samples(const tick_samples& samples, const sample_tag_tables& tags, output_file& file) override;
  void write_metric(const metric_registry& registry, metric_id id, std::string& out) const;

  std::map<std::string, std::vector<std::string>, std::less<>> thresholds_;  // by metric name, as JSON
  std::vector<char> seen_;  // by metric id: its Metric line is written
  // What repeats from line to line, written once: a Point line's start by metric id, its
  // tags' JSON by source and tag set id, the time's seconds by second.
  std::vector<std::string> point_start_;
  std::vector<std::vector<std::string>> tags_json_;
  timestamp_cache times_;
  std::string text_;
};

/// A sample's value as k6's outputs write it: time in milliseconds (stampede records
/// nanoseconds), everything else as recorded.
[[nodiscard]] inline double k6_sample_value(const metric_descriptor& metric, double recorded) noexcept {
  return metric.contains == value_type::time ? recorded / 1e6 : recorded;
}

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/report/impl/json_output.ipp>
#endif
