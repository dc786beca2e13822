// sp::csv_output: k6's `--out csv=FILE` — every sample of a run as a CSV row, in k6's
// columns and time formats, for spreadsheets and tools that read k6's CSV.
#pragma once

#include <stampede/config.hpp>
#include <stampede/core/timestamp.hpp>
#include <stampede/report/stream_output.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace stampede {

/// How the `timestamp` column is written (k6's `timeFormat`).
enum class csv_time_format : unsigned char {
  unix_seconds,  ///< `unix`: whole seconds since 1970 (k6's default)
  unix_milli,
  unix_micro,
  unix_nano,
  rfc3339,       ///< `2026-01-01T00:00:05Z`
  rfc3339_nano,  ///< `2026-01-01T00:00:05.0125Z`
};

/// k6's name of a time format, and back. `parse_csv_time_format` throws `usage_error` naming
/// the formats for any other text.
[[nodiscard]] std::string_view to_string(csv_time_format format) noexcept;
[[nodiscard]] csv_time_format parse_csv_time_format(std::string_view text);

/// Writes k6's header, then a row per sample: the metric, its time, its value with six
/// decimals (time in milliseconds), one column per k6 system tag, the other tags as
/// `key=value&…` in `extra_tags`, and an empty `metadata`:
///
/// ```text
/// metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata
/// http_reqs,1767225600,1.000000,,,,true,,GET,http://127.0.0.1/,HTTP/1.1,default,,200,,,http://127.0.0.1/,,
/// ```
///
/// The file is flushed every `options::flush_interval` (k6's `saveInterval`, one second).
/// Thread safety and throws: as `stream_output`.
class csv_output final : public stream_output {
 public:
  csv_output(std::string path, csv_time_format time_format = csv_time_format::unix_seconds, options o = {});

  /// k6's columns, in order.
  [[nodiscard]] static std::string header();

 private:
  STAMPEDE_DECL void write_header(output_file& file) override;
  STAMPEDE_DECL void write_samples(const tick_samples& samples, const sample_tag_tables& tags, output_file& file) override;

  csv_time_format time_format_;
  // What repeats from row to row, written once: a metric's name field by id; a tag set's
  // columns from `check` to the end of the row, by source and tag set id.
  std::vector<std::string> names_;
  std::vector<std::vector<std::string>> tag_columns_;
  timestamp_cache times_;
  std::string rows_;
};

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/report/impl/csv_output.ipp>
#endif
