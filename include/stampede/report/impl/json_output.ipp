// Bodies of json_output (included by report/json_output.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/charconv.hpp>
#include <stampede/core/json_string.hpp>
#include <stampede/core/json_writer.hpp>
#include <stampede/core/timestamp.hpp>
#include <stampede/core/units.hpp>
#include <stampede/exec/load_test.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>

namespace stampede {

namespace detail::json_output {

// A tag set as Go writes a map: keys sorted (tag sets already are).
STAMPEDE_DECL void write_tags(json_writer& w, const tag_set& tags) {
  w.begin_object();
  for (const auto& t : tags) w.key(t.key).string(t.value);
  w.end_object();
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
    std::string json;
    json_writer w{json};
    if (t.aborts_on_fail()) {
      w.begin_object().key("threshold").string(c.expression()).key("abortOnFail").boolean(true).key("delayAbortEval");
      if (t.abort_delay() > std::chrono::nanoseconds{0}) {
        w.string(format_go_duration(t.abort_delay()));
      } else {
        w.null();
      }
      w.end_object();
    } else {
      w.string(c.expression());
    }
    thresholds_[c.aggregate.metric.name].push_back(std::move(json));
  }
}

STAMPEDE_DECL void json_output::write_metric(const metric_registry& registry, metric_id id, std::string& out) const {
  const auto& m = registry.descriptor(id);
  json_writer w{out};
  w.begin_object().key("type").string("Metric").key("data").begin_object().key("name").string(m.name);
  w.key("type").string(to_string(m.type)).key("contains").string(to_string(m.contains)).key("thresholds").begin_array();
  if (const auto it = thresholds_.find(m.name); it != thresholds_.end()) {
    for (const auto& threshold : it->second) w.raw(threshold);
  }
  w.end_array().key("submetrics");
  const auto& subs = registry.submetrics_of(id);
  if (subs.empty()) {
    w.null();
  } else {
    w.begin_array();
    for (const auto index : subs) {
      const auto& sub = registry.descriptor(index);
      auto suffix = to_string(sub.filter);  // `{a:1,b:2}`: k6's suffix is what the braces hold
      suffix = suffix.substr(1, suffix.size() - 2);
      w.begin_object().key("name").string(sub.display_name()).key("suffix").string(suffix).key("tags");
      detail::json_output::write_tags(w, sub.filter.tags());
      w.end_object();
    }
    w.end_array();
  }
  w.end_object().key("metric").string(m.name).end_object();
  out += '\n';
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
        // A Point line is written from pieces cached per metric and per tag set (its start up
        // to the time, and its tags to the end), which a writer of whole values cannot hold.
        point_start_[s.metric] = "{\"metric\":" + json_quote(m.name) + ",\"type\":\"Point\",\"data\":{\"time\":\"";
      }
      if (tag_texts.size() <= s.tags) tag_texts.resize(std::size_t{s.tags} + 1);
      auto& tag_text = tag_texts[s.tags];
      if (tag_text.empty()) {
        tag_text = "\"tags\":";
        json_writer w{tag_text};
        detail::json_output::write_tags(w, tags.get(block.source, s.tags));
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
