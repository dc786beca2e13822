// Bodies of json_output (included by report/json_output.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/charconv.hpp>
#include <stampede/core/json_string.hpp>
#include <stampede/core/timestamp.hpp>
#include <stampede/core/units.hpp>
#include <stampede/exec/load_test.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>

namespace stampede {

namespace detail::json_output {

// A tag set as Go writes a map: keys sorted (tag sets already are).
STAMPEDE_DECL void write_tags(const tag_set& tags, std::string& out) {
  out += '{';
  bool first = true;
  for (const auto& t : tags) {
    if (!first) out += ',';
    first = false;
    out += json_quote(t.key);
    out += ':';
    out += json_quote(t.value);
  }
  out += '}';
}

// A value as Go's encoding/json writes it: whole numbers (counts, bytes, 0 and 1 of a rate)
// without the general formatter.
STAMPEDE_DECL void append_number(double value, std::string& out) {
  if (value >= 0 && value < 9007199254740992.0 && value == std::floor(value) && !std::signbit(value)) {
    char digits[24];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, static_cast<std::uint64_t>(value));
    out.append(digits, end);
    return;
  }
  out += format_go_float(value);
}

}  // namespace detail::json_output

STAMPEDE_DECL json_output::json_output(std::string path, options o) : stream_output{"json", std::move(path), o} {}

STAMPEDE_DECL void json_output::prepare(const load_test& test) {
  // As k6's: each metric's thresholds by their source text; with abortOnFail, the object
  // form. A threshold of several conditions (stampede's && and ||) has no k6 form and is
  // listed under none.
  for (const auto& t : test.thresholds) {
    if (!t.resolved()) continue;
    const auto conditions = t.conditions();
    if (conditions.size() != 1 || conditions.front().aggregate.metric.is_submetric()) continue;
    const auto& c = conditions.front();
    std::string json = json_quote(c.expression());
    if (t.aborts_on_fail()) {
      json = fmt::format("{{\"threshold\":{},\"abortOnFail\":true,\"delayAbortEval\":{}}}", json,
                         t.abort_delay() > std::chrono::nanoseconds{0}
                             ? json_quote(format_go_duration(t.abort_delay()))
                             : std::string{"null"});
    }
    thresholds_[c.aggregate.metric.name].push_back(std::move(json));
  }
}

STAMPEDE_DECL void json_output::write_metric(const metric_registry& registry, metric_id id, std::string& out) const {
  const auto& m = registry.descriptor(id);
  out += "{\"type\":\"Metric\",\"data\":{\"name\":";
  out += json_quote(m.name);
  out += ",\"type\":";
  out += json_quote(to_string(m.type));
  out += ",\"contains\":";
  out += json_quote(to_string(m.contains));
  out += ",\"thresholds\":[";
  if (const auto it = thresholds_.find(m.name); it != thresholds_.end()) {
    for (std::size_t i = 0; i < it->second.size(); ++i) {
      if (i > 0) out += ',';
      out += it->second[i];
    }
  }
  out += "],\"submetrics\":";
  const auto& subs = registry.submetrics_of(id);
  if (subs.empty()) {
    out += "null";
  } else {
    out += '[';
    bool first = true;
    for (const auto index : subs) {
      const auto& sub = registry.descriptor(index);
      if (!first) out += ',';
      first = false;
      auto suffix = to_string(sub.filter);  // `{a:1,b:2}`: k6's suffix is what the braces hold
      suffix = suffix.substr(1, suffix.size() - 2);
      out += "{\"name\":";
      out += json_quote(sub.display_name());
      out += ",\"suffix\":";
      out += json_quote(suffix);
      out += ",\"tags\":";
      detail::json_output::write_tags(sub.filter.tags(), out);
      out += '}';
    }
    out += ']';
  }
  out += "},\"metric\":";
  out += json_quote(m.name);
  out += "}\n";
}

STAMPEDE_DECL void json_output::write_samples(const tick_samples& samples, const sample_tag_tables& tags,
                                              output_file& file) {
  const auto& registry = *samples.registry;
  if (seen_.size() < registry.metric_count()) {
    seen_.resize(registry.metric_count(), 0);
    point_start_.resize(registry.metric_count());
  }
  for (const auto& block : samples.blocks) {
    if (tags_json_.size() <= block.source) tags_json_.resize(std::size_t{block.source} + 1);
    auto& tag_texts = tags_json_[block.source];
    text_.clear();
    for (const auto& s : block.samples) {
      const auto& m = registry.descriptor(s.metric);
      const double value = k6_sample_value(m, s.value);
      if (!std::isfinite(value)) continue;
      if (seen_.at(s.metric) == 0) {
        write_metric(registry, s.metric, text_);
        seen_[s.metric] = 1;
        point_start_[s.metric] = "{\"metric\":" + json_quote(m.name) + ",\"type\":\"Point\",\"data\":{\"time\":\"";
      }
      if (tag_texts.size() <= s.tags) tag_texts.resize(std::size_t{s.tags} + 1);
      auto& tag_text = tag_texts[s.tags];
      if (tag_text.empty()) {
        tag_text = "\"tags\":";
        detail::json_output::write_tags(tags.get(block.source, s.tags), tag_text);
        tag_text += "}}\n";
      }
      text_ += point_start_[s.metric];
      times_.append(block.origin + std::chrono::duration_cast<std::chrono::system_clock::duration>(s.at),
                    timestamp_precision::nanoseconds, text_);
      text_ += "\",\"value\":";
      detail::json_output::append_number(value, text_);
      text_ += ',';
      text_ += tag_text;
      if (text_.size() >= 16384) {
        file.write(text_);
        text_.clear();
      }
    }
    file.write(text_);
  }
}

}  // namespace stampede
