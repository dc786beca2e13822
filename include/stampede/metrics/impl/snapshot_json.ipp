// Bodies of the snapshot JSON writer and reader (included by metrics/snapshot_json.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/charconv.hpp>
#include <stampede/core/error.hpp>
#include <stampede/core/json.hpp>
#include <stampede/core/json_string.hpp>
#include <stampede/core/json_writer.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>

namespace stampede {
namespace detail {

inline constexpr std::string_view snapshot_format = "stampede-snapshot";
inline constexpr std::uint64_t snapshot_version = 1;

/// A double in its shortest exact form, or a string for the values JSON has no number for.
STAMPEDE_DECL void write_snapshot_double(json_writer& w, double v) {
  if (std::isnan(v)) {
    w.string("NaN");
  } else if (std::isinf(v)) {
    w.string(v > 0 ? "Infinity" : "-Infinity");
  } else {
    w.number(v);
  }
}

STAMPEDE_DECL double read_snapshot_double(const json_ref& ref) {
  if (ref.type() == json_type::string) {
    const auto& text = ref.as_string();
    if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (text == "Infinity") return std::numeric_limits<double>::infinity();
    if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
    ref.fail("expected a number, \"NaN\", \"Infinity\" or \"-Infinity\", got " + json_quote(text));
  }
  return ref.as_double();
}

STAMPEDE_DECL std::string_view snapshot_string(std::string_view text, std::string_view what) {
  if (!is_valid_utf8(text)) {
    throw usage_error("to_json(snapshot): " + std::string{what} + " " + json_quote(text) +
                      " is not valid UTF-8, which JSON cannot carry");
  }
  return text;
}

STAMPEDE_DECL void write_snapshot_metric(json_writer& w, const metric_descriptor& d) {
  w.begin_object().key("name").string(snapshot_string(d.name, "a metric name"));
  w.key("type").string(to_string(d.type)).key("contains").string(to_string(d.contains)).key("tags").begin_object();
  for (const auto& t : d.filter.tags()) {
    w.key(snapshot_string(t.key, "the tag key")).string(snapshot_string(t.value, "the tag value"));
  }
  w.end_object().end_object();
}

STAMPEDE_DECL void write_snapshot_sink(json_writer& w, const metric_descriptor& d, const sink& data) {
  w.begin_object();
  if (const auto* c = std::get_if<counter_sink>(&data)) {
    write_snapshot_double(w.key("sum"), c->sum);
    w.key("samples").number(c->samples).end_object();
    return;
  }
  if (const auto* g = std::get_if<gauge_sink>(&data)) {
    write_snapshot_double(w.key("value"), g->value);
    write_snapshot_double(w.key("min"), g->min);
    write_snapshot_double(w.key("max"), g->max);
    w.key("at_ns").number(g->at.count()).key("samples").number(g->samples).end_object();
    return;
  }
  if (const auto* r = std::get_if<rate_sink>(&data)) {
    w.key("nonzero").number(r->nonzero).key("total").number(r->total).end_object();
    return;
  }
  const auto& t = std::get<trend_sink>(data);
  if (t.contains != d.contains) {
    // The reader takes a trend's unit from its metric; a sink that disagrees would come back
    // changed, so refuse it rather than write a file that does not round-trip.
    throw usage_error("to_json(snapshot): the trend sink of " + d.display_name() + " holds " +
                      std::string{to_string(t.contains)} + " values but the metric has " +
                      std::string{to_string(d.contains)} + " values");
  }
  const auto state = t.samples.state();
  w.key("rejected").number(t.rejected).key("lowest").number(state.config.lowest);
  w.key("highest").number(state.config.highest).key("significant_digits").number(state.config.significant_digits);
  w.key("min").number(state.min).key("max").number(state.max).key("sum").string(state.sum.to_string());
  w.key("clamped_count").number(state.clamped_count).key("buckets").begin_array();
  for (const auto& b : state.buckets) {
    w.begin_object().key("index").number(b.index).key("count").number(b.count).end_object();
  }
  w.end_array().end_object();
}

/// The decimal digits of a `uint128` (what `uint128::to_string` writes), exactly.
STAMPEDE_DECL uint128 read_uint128(const json_ref& ref) {
  const auto& text = ref.as_string();
  const auto bad = [&] { ref.fail("expected the decimal digits of an integer from 0 to 2^128 - 1, got " + json_quote(text)); };
  if (text.empty() || (text.size() > 1 && text[0] == '0')) bad();
  uint128 value;
  for (const char c : text) {
    if (c < '0' || c > '9') bad();
    // value = value × 10 + digit, failing on overflow past 2^128 - 1.
    if (value.high > UINT64_MAX / 10) bad();
    const uint128 low_times_ten = multiply(value.low, 10);
    uint128 next{.high = value.high * 10 + low_times_ten.high, .low = low_times_ten.low};
    if (next.high < low_times_ten.high) bad();
    add_to(next, uint128{.high = 0, .low = static_cast<std::uint64_t>(c - '0')});
    if (next < value) bad();
    value = next;
  }
  return value;
}

STAMPEDE_DECL metric_descriptor read_snapshot_metric(const json_ref& ref) {
  ref.expect_only({"name", "type", "contains", "tags"});
  metric_descriptor d;
  const auto name = ref["name"];
  d.name = name.as_string();
  try {
    validate_metric_name(d.name);
  } catch (const usage_error& e) {
    name.fail(e.what());
  }
  const auto type = ref["type"];
  const auto& type_text = type.as_string();
  bool known = false;
  for (const auto t : {metric_type::counter, metric_type::gauge, metric_type::rate, metric_type::trend}) {
    if (type_text == to_string(t)) {
      d.type = t;
      known = true;
    }
  }
  if (!known) type.fail("expected \"counter\", \"gauge\", \"rate\" or \"trend\", got " + json_quote(type_text));
  const auto contains = ref["contains"];
  const auto& contains_text = contains.as_string();
  known = false;
  for (const auto v : {value_type::plain, value_type::time, value_type::data}) {
    if (contains_text == to_string(v)) {
      d.contains = v;
      known = true;
    }
  }
  if (!known) contains.fail("expected \"default\", \"time\" or \"data\", got " + json_quote(contains_text));
  const auto tags_ref = ref["tags"];
  if (tags_ref.type() != json_type::object) tags_ref.fail("expected an object of tag keys and values");
  tag_set tags;
  const auto& tags_value = tags_ref.value();
  for (std::size_t i = 0; i < tags_value.size(); ++i) {
    tags.set(tags_value.key(i), (*tags_ref.find(tags_value.key(i))).as_string());
  }
  d.filter = tag_filter{std::move(tags)};
  return d;
}

STAMPEDE_DECL trend_sink read_snapshot_trend(const json_ref& ref, value_type contains) {
  ref.expect_only({"rejected", "lowest", "highest", "significant_digits", "min", "max", "sum",
                   "clamped_count", "buckets"});
  trend_sink t{contains};
  t.rejected = ref["rejected"].as_uint64();
  histogram_state state;
  state.config.lowest = ref["lowest"].as_uint64();
  state.config.highest = ref["highest"].as_uint64();
  const auto digits_ref = ref["significant_digits"];
  const auto digits = digits_ref.as_int64();
  if (digits < 1 || digits > 5) digits_ref.fail("expected an integer from 1 to 5, got " + std::to_string(digits));
  state.config.significant_digits = static_cast<int>(digits);
  // The settings come from the file: bound what they may cost before building anything.
  // memory_bytes computes the layout only, and refuses a config no histogram could have.
  std::size_t most = 0;
  try {
    most = histogram::memory_bytes(state.config);
  } catch (const std::invalid_argument& e) {
    ref.fail(e.what());
  }
  if (most > histogram::memory_bytes(histogram_config{})) {
    ref.fail("the histogram settings (lowest " + std::to_string(state.config.lowest) + ", highest " +
             std::to_string(state.config.highest) + ", " + std::to_string(digits) +
             " significant digits) would take up to " + std::to_string(most) +
             " bytes; a snapshot's trends may take no more than the default histogram's " +
             std::to_string(histogram::memory_bytes(histogram_config{})) +
             " (lowest 1, highest 3600000000000, 3 significant digits)");
  }
  state.min = ref["min"].as_uint64();
  state.max = ref["max"].as_uint64();
  state.sum = read_uint128(ref["sum"]);
  state.clamped_count = ref["clamped_count"].as_uint64();
  const auto buckets = ref["buckets"];
  const auto count = buckets.array_size();
  state.buckets.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto b = buckets[i];
    b.expect_only({"index", "count"});
    const auto index_ref = b["index"];
    const auto index = index_ref.as_uint64();
    if (i > 0 && index <= state.buckets.back().index) {
      index_ref.fail("bucket indices must ascend; " + std::to_string(index) + " follows " +
                     std::to_string(state.buckets.back().index));
    }
    const auto count_ref = b["count"];
    const auto n = count_ref.as_uint64();
    if (n == 0) count_ref.fail("only non-empty buckets are listed, got a count of 0");
    if (index > SIZE_MAX) index_ref.fail("is out of range");
    state.buckets.push_back({.index = static_cast<std::size_t>(index), .count = n});
  }
  try {
    t.samples = histogram::restore(state);
  } catch (const std::invalid_argument& e) {
    ref.fail(e.what());
  }
  return t;
}

STAMPEDE_DECL sink read_snapshot_sink(const json_ref& ref, const metric_descriptor& d) {
  switch (d.type) {
    case metric_type::counter: {
      ref.expect_only({"sum", "samples"});
      return counter_sink{.sum = read_snapshot_double(ref["sum"]), .samples = ref["samples"].as_uint64()};
    }
    case metric_type::gauge: {
      ref.expect_only({"value", "min", "max", "at_ns", "samples"});
      return gauge_sink{.value = read_snapshot_double(ref["value"]),
                        .min = read_snapshot_double(ref["min"]),
                        .max = read_snapshot_double(ref["max"]),
                        .at = std::chrono::nanoseconds{ref["at_ns"].as_int64()},
                        .samples = ref["samples"].as_uint64()};
    }
    case metric_type::rate: {
      ref.expect_only({"nonzero", "total"});
      rate_sink r{.nonzero = ref["nonzero"].as_uint64(), .total = ref["total"].as_uint64()};
      if (r.nonzero > r.total) {
        ref["nonzero"].fail("is " + std::to_string(r.nonzero) + ", above the total (" + std::to_string(r.total) + ")");
      }
      return r;
    }
    case metric_type::trend: return read_snapshot_trend(ref, d.contains);
  }
  ref.fail("unknown metric type");
}

}  // namespace detail

STAMPEDE_DECL void to_json(json_writer& w, const snapshot& s) {
  w.begin_object(json_wrap::lines).key("format").string(detail::snapshot_format);
  w.key("version").number(detail::snapshot_version).key("start_ns").number(s.start().count());
  w.key("end_ns").number(s.end().count()).key("entries").begin_array(json_wrap::lines);
  for (const auto& e : s.entries()) {
    w.begin_object();
    detail::write_snapshot_metric(w.key("metric"), e.metric);
    detail::write_snapshot_sink(w.key("data"), e.metric, e.data);
    w.end_object();
  }
  w.end_array().end_object();
}

STAMPEDE_DECL std::string to_json(const snapshot& s) {
  std::string out;
  json_writer w{out, json_spacing::spaced};
  to_json(w, s);
  return out + '\n';
}

STAMPEDE_DECL snapshot snapshot_from_json(std::string_view json) {
  const auto document = parse_json(json);
  return snapshot_from_json(json_ref{document});
}

STAMPEDE_DECL snapshot snapshot_from_json(const json_ref& root) {
  if (root.type() != json_type::object) {
    root.fail("expected an object (a stampede snapshot), got " + std::string{describe(root.type())});
  }
  // The header first, so a file of another kind is named as such rather than as a missing key.
  const auto format = root.find("format");
  if (!format) root.fail("not a stampede snapshot: there is no \"format\" key");
  if (format->type() != json_type::string || format->as_string() != detail::snapshot_format) {
    format->fail("not a stampede snapshot: expected \"stampede-snapshot\", got " +
                 (format->type() == json_type::string ? json_quote(format->as_string())
                                                      : std::string{describe(format->type())}));
  }
  const auto version_ref = root["version"];
  const auto version = version_ref.as_uint64();
  if (version != detail::snapshot_version) {
    version_ref.fail("stampede-snapshot version " + std::to_string(version) +
                     " is not supported; this build reads version " + std::to_string(detail::snapshot_version));
  }
  root.expect_only({"format", "version", "start_ns", "end_ns", "entries"});

  // The span must run forward from 0 and stay short enough that its length, and a reader's
  // sums of such times, fit in 64-bit nanoseconds.
  const auto start_ref = root["start_ns"];
  const auto end_ref = root["end_ns"];
  const auto start = start_ref.as_int64();
  const auto end = end_ref.as_int64();
  if (start < 0 || start > max_file_time.count()) {
    start_ref.fail("expected 0 to 2^62 (" + std::to_string(max_file_time.count()) + "), got " + std::to_string(start));
  }
  if (end < start || end > max_file_time.count()) {
    end_ref.fail("expected start_ns (" + std::to_string(start) + ") to 2^62 (" +
                 std::to_string(max_file_time.count()) + "), got " + std::to_string(end));
  }
  snapshot s{std::chrono::nanoseconds{start}, std::chrono::nanoseconds{end}};
  const auto entries = root["entries"];
  const auto count = entries.array_size();
  for (std::size_t i = 0; i < count; ++i) {
    const auto entry = entries[i];
    entry.expect_only({"metric", "data"});
    auto d = detail::read_snapshot_metric(entry["metric"]);
    // snapshot::add would merge a repeat into the first: lossy and surely a corrupt file.
    if (s.find(d) != nullptr) entry.fail("a second entry for " + d.display_name());
    auto data = detail::read_snapshot_sink(entry["data"], d);
    s.add(std::move(d), std::move(data));
  }
  return s;
}

}  // namespace stampede
