// Bodies of csv_output (included by report/csv_output.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/csv.hpp>
#include <stampede/core/error.hpp>
#include <stampede/core/timestamp.hpp>
#include <stampede/report/json_output.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>

namespace stampede {

namespace detail::csv_output {

// k6's system tags that get a column of their own: those it enables by default, less the ones
// it never indexes (vu, iter), sorted as k6 sorts them.
inline constexpr std::array<std::string_view, 14> columns{
    "check", "error",    "error_code", "expected_response", "group",  "method",      "name",
    "proto", "scenario", "service",    "status",            "subproto", "tls_version", "url"};

inline constexpr std::array<std::pair<csv_time_format, std::string_view>, 6> time_formats{{
    {csv_time_format::unix_seconds, "unix"},
    {csv_time_format::unix_milli, "unix_milli"},
    {csv_time_format::unix_micro, "unix_micro"},
    {csv_time_format::unix_nano, "unix_nano"},
    {csv_time_format::rfc3339, "rfc3339"},
    {csv_time_format::rfc3339_nano, "rfc3339_nano"},
}};

// Go's fmt "%f": six decimals; NaN and the infinities spelled as Go spells them.
STAMPEDE_DECL void append_go_percent_f(double value, std::string& out) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    // fmt::format, not format_to: fmt 9's format_to compiles fmt's whole formatting engine
    // into the caller's translation unit; fmt::format calls the one in libfmt.
    out += fmt::format("{:.6f}", value);
  }
}

// The `timestamp` column; RFC 3339 through `times`, which formats each second once.
STAMPEDE_DECL void append_timestamp(std::chrono::system_clock::time_point t, csv_time_format format,
                                    timestamp_cache& times, std::string& out) {
  using namespace std::chrono;
  const auto since_epoch = duration_cast<nanoseconds>(t.time_since_epoch());
  switch (format) {
    case csv_time_format::unix_seconds: out += std::to_string(floor<seconds>(since_epoch).count()); return;
    case csv_time_format::unix_milli: out += std::to_string(floor<milliseconds>(since_epoch).count()); return;
    case csv_time_format::unix_micro: out += std::to_string(floor<microseconds>(since_epoch).count()); return;
    case csv_time_format::unix_nano: out += std::to_string(since_epoch.count()); return;
    case csv_time_format::rfc3339: times.append(t, timestamp_precision::seconds, out); return;
    case csv_time_format::rfc3339_nano: times.append(t, timestamp_precision::nanoseconds, out); return;
  }
}

}  // namespace detail::csv_output

STAMPEDE_DECL std::string_view to_string(csv_time_format format) noexcept {
  for (const auto& [f, name] : detail::csv_output::time_formats) {
    if (f == format) return name;
  }
  return "unix";
}

STAMPEDE_DECL csv_time_format parse_csv_time_format(std::string_view text) {
  for (const auto& [f, name] : detail::csv_output::time_formats) {
    if (name == text) return f;
  }
  throw usage_error(fmt::format(
      "unknown CSV time format \"{}\"; use unix, unix_milli, unix_micro, unix_nano, rfc3339 or rfc3339_nano", text));
}

STAMPEDE_DECL csv_output::csv_output(std::string path, csv_time_format time_format, options o)
    : stream_output{"csv", std::move(path), o}, time_format_{time_format} {}

STAMPEDE_DECL std::string csv_output::header() {
  std::string out;
  csv_writer w{out};
  w.field("metric_name").field("timestamp").field("metric_value");
  for (const auto column : detail::csv_output::columns) w.field(column);
  w.field("extra_tags").field("metadata");
  return out;
}

STAMPEDE_DECL void csv_output::write_header(output_file& file) { file.write(header() + '\n'); }

STAMPEDE_DECL void csv_output::write_samples(const tick_samples& samples, const sample_tag_tables& tags,
                                             output_file& file) {
  namespace d = detail::csv_output;
  const auto& registry = *samples.registry;
  if (names_.size() < registry.metric_count()) names_.resize(registry.metric_count());
  for (const auto& block : samples.blocks) {
    if (tag_columns_.size() <= block.source) tag_columns_.resize(std::size_t{block.source} + 1);
    auto& columns = tag_columns_[block.source];
    rows_.clear();
    for (const auto& s : block.samples) {
      const auto& m = registry.descriptor(s.metric);
      auto& name = names_.at(s.metric);
      if (name.empty()) name = csv_field(m.name) + ',';
      if (columns.size() <= s.tags) columns.resize(std::size_t{s.tags} + 1);
      // A row is written from pieces cached per metric (its name) and per tag set (every
      // field after the value), escaped as csv_writer's fields are.
      auto& tail = columns[s.tags];
      if (tail.empty()) {
        const auto& sample_tags = tags.get(block.source, s.tags);
        for (const auto column : d::columns) {
          tail += ',';
          if (const auto v = sample_tags.get(column)) tail += csv_field(*v);
        }
        std::string extra;
        for (const auto& t : sample_tags) {
          if (std::find(d::columns.begin(), d::columns.end(), t.key) != d::columns.end()) continue;
          if (!extra.empty()) extra += '&';
          extra += t.key;
          extra += '=';
          extra += t.value;
        }
        tail += ',';
        tail += csv_field(extra);
        tail += ",\n";  // metadata: stampede's samples carry none
      }
      rows_ += name;
      d::append_timestamp(block.origin + std::chrono::duration_cast<std::chrono::system_clock::duration>(s.at),
                          time_format_, times_, rows_);
      rows_ += ',';
      d::append_go_percent_f(k6_sample_value(m, s.value), rows_);
      rows_ += tail;
      if (rows_.size() >= 16384) {
        file.write(rows_);
        rows_.clear();
      }
    }
    file.write(rows_);
  }
}

}  // namespace stampede
