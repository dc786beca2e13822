// Bodies of report/result_file.hpp.
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>
#include <stampede/core/json.hpp>
#include <stampede/core/json_string.hpp>
#include <stampede/core/json_writer.hpp>
#include <stampede/core/timestamp.hpp>
#include <stampede/exec/executors.hpp>
#include <stampede/metrics/snapshot_json.hpp>

#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <utility>

namespace stampede {

namespace detail::result_file {

inline constexpr std::string_view format = "stampede-result";
inline constexpr std::uint64_t version = 1;

inline constexpr std::array<run_status, 7> statuses{
    run_status::finished,    run_status::threshold_aborted, run_status::test_aborted, run_status::invalid_test,
    run_status::interrupted, run_status::setup_failed,      run_status::teardown_failed};

// Text JSON can carry: an error message may hold any bytes; those that are not UTF-8 become '?'.
STAMPEDE_DECL std::string utf8_text(std::string_view text) {
  std::string clean{text};
  if (detail::is_valid_utf8(text)) return clean;
  for (auto& c : clean) {
    if (static_cast<unsigned char>(c) >= 0x80) c = '?';
  }
  return clean;
}

STAMPEDE_DECL std::uint64_t fnv1a(std::uint64_t hash, std::string_view text) {
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  // A separator, so that ("ab", "c") and ("a", "bc") differ.
  hash ^= 0xffU;
  hash *= 0x100000001b3ULL;
  return hash;
}

}  // namespace detail::result_file

STAMPEDE_DECL bool operator==(const result_document& a, const result_document& b) {
  const auto same_errors = [&] {
    if (a.errors.size() != b.errors.size()) return false;
    for (std::size_t i = 0; i < a.errors.size(); ++i) {
      if (!(a.errors[i] == b.errors[i])) return false;
    }
    return true;
  };
  const auto same_scenarios = [&] {
    if (a.scenarios.size() != b.scenarios.size()) return false;
    for (std::size_t i = 0; i < a.scenarios.size(); ++i) {
      const auto& x = a.scenarios[i];
      const auto& y = b.scenarios[i];
      if (x.name != y.name || x.description != y.description || x.complete != y.complete ||
          x.interrupted != y.interrupted || x.max_vus != y.max_vus) {
        return false;
      }
    }
    return true;
  };
  return a.test == b.test && a.segment == b.segment && a.sequence == b.sequence && a.started_at == b.started_at &&
         a.duration == b.duration && a.start_skew == b.start_skew && a.seed == b.seed && a.status == b.status && a.exit_code == b.exit_code &&
         a.message == b.message && a.shards == b.shards && a.generator_cpu == b.generator_cpu &&
         a.metrics == b.metrics && a.intervals == b.intervals && a.thresholds == b.thresholds &&
         same_scenarios() && same_errors();
}

STAMPEDE_DECL std::string fingerprint(const load_test& test) {
  namespace d = detail::result_file;
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const auto& s : test.scenarios) {
    hash = d::fnv1a(hash, s.name);
    hash = d::fnv1a(hash, describe(s.executor, s.graceful_stop, s.start_time));
  }
  for (const auto& t : test.thresholds) hash = d::fnv1a(hash, t.describe());
  for (const auto& m : test.metrics) {
    hash = d::fnv1a(hash, m.descriptor.name);
    hash = d::fnv1a(hash, to_string(m.descriptor.type));
    hash = d::fnv1a(hash, to_string(m.descriptor.contains));
  }
  return fmt::format("fnv1a64:{:016x}", hash);
}

STAMPEDE_DECL result_document make_result_document(const load_test& test, const result& r,
                                                   std::vector<snapshot> intervals) {
  result_document d{.test = fingerprint(test), .metrics = r.metrics};
  d.started_at = r.started_at;
  d.duration = r.duration;
  d.start_skew = r.start_skew;
  d.seed = r.seed;
  d.segment = r.part.segment().to_string();
  d.sequence = r.part.sequence().to_string();
  d.status = r.status;
  d.exit_code = r.exit_code();
  d.message = r.message;
  d.shards = r.shards;
  d.generator_cpu = r.generator_cpu;
  d.intervals = std::move(intervals);
  for (const auto& t : r.thresholds) d.thresholds.push_back({t.description, t.passed});
  d.scenarios = r.scenarios;
  d.errors = r.errors;
  return d;
}

STAMPEDE_DECL std::string to_json(const result_document& document) {
  namespace d = detail::result_file;
  const auto started_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(document.started_at.time_since_epoch());
  std::string out;
  json_writer w{out, json_spacing::spaced};
  w.begin_object(json_wrap::lines).key("format").string(d::format).key("version").number(d::version);
  w.key("test").string(d::utf8_text(document.test)).key("segment").string(d::utf8_text(document.segment));
  w.key("sequence").string(d::utf8_text(document.sequence));
  w.key("started_at").string(format_rfc3339(document.started_at));
  w.key("started_at_unix_ns").number(started_ns.count()).key("duration_ns").number(document.duration.count());
  w.key("start_skew_ns").number(document.start_skew.count()).key("seed").number(document.seed);
  w.key("status").string(to_string(document.status)).key("exit_code").number(document.exit_code);
  w.key("message").string(d::utf8_text(document.message)).key("shards").number(document.shards);
  w.key("generator_cpu_ns");
  if (document.generator_cpu) {
    w.number(document.generator_cpu->count());
  } else {
    w.null();
  }
  w.key("thresholds").begin_array(json_wrap::lines);
  for (const auto& t : document.thresholds) {
    w.begin_object().key("threshold").string(d::utf8_text(t.description)).key("passed").boolean(t.passed).end_object();
  }
  w.end_array().key("scenarios").begin_array(json_wrap::lines);
  for (const auto& s : document.scenarios) {
    w.begin_object().key("name").string(d::utf8_text(s.name)).key("description").string(d::utf8_text(s.description));
    w.key("complete").number(s.complete).key("interrupted").number(s.interrupted).key("max_vus").number(s.max_vus);
    w.end_object();
  }
  w.end_array().key("errors").begin_array(json_wrap::lines);
  for (const auto& e : document.errors) {
    w.begin_object().key("scenario").string(d::utf8_text(e.scenario)).key("message").string(d::utf8_text(e.message));
    w.key("count").number(e.count).end_object();
  }
  w.end_array();
  to_json(w.key("metrics"), document.metrics);
  w.key("intervals").begin_array(json_wrap::lines);
  for (const auto& interval : document.intervals) to_json(w, interval);
  w.end_array().end_object();
  return out + '\n';
}

STAMPEDE_DECL result_document result_document_from_json(std::string_view json) {
  namespace d = detail::result_file;
  const auto parsed = parse_json(json);
  const json_ref root{parsed};
  if (root.type() != json_type::object) {
    root.fail("expected an object (a stampede result), got " + std::string{describe(root.type())});
  }
  const auto format_ref = root.find("format");
  if (!format_ref) root.fail("not a stampede result file: there is no \"format\" key");
  if (format_ref->type() != json_type::string || format_ref->as_string() != d::format) {
    format_ref->fail("not a stampede result file: expected \"stampede-result\", got " +
                     (format_ref->type() == json_type::string ? json_quote(format_ref->as_string())
                                                              : std::string{describe(format_ref->type())}));
  }
  const auto version_ref = root["version"];
  if (version_ref.as_uint64() != d::version) {
    version_ref.fail("stampede-result version " + std::to_string(version_ref.as_uint64()) +
                     " is not supported; this build reads version " + std::to_string(d::version));
  }
  root.expect_only({"format", "version", "test", "segment", "sequence", "started_at", "started_at_unix_ns",
                    "duration_ns", "start_skew_ns", "seed", "status", "exit_code", "message", "shards", "generator_cpu_ns",
                    "thresholds", "scenarios", "errors", "metrics", "intervals"});
  // Times and lengths: a merge adds and subtracts them, which must not overflow.
  const auto non_negative = [](const json_ref& ref) {
    const auto v = ref.as_int64();
    if (v < 0) ref.fail("must not be negative, got " + std::to_string(v));
    if (v > max_file_time.count()) {
      ref.fail("must be at most 2^62 (" + std::to_string(max_file_time.count()) + "), got " + std::to_string(v));
    }
    return std::chrono::nanoseconds{v};
  };

  result_document doc;
  doc.test = root["test"].as_string();
  // The segment must be one of its sequence's, which must run from 0 to 1: what a merge
  // tiles the parts by.
  const auto segment_ref = root["segment"];
  const auto sequence_ref = root["sequence"];
  doc.segment = segment_ref.as_string();
  doc.sequence = sequence_ref.as_string();
  execution_segment_sequence sequence;
  try {
    sequence = execution_segment_sequence::parse(doc.sequence);
  } catch (const usage_error& e) {
    sequence_ref.fail(e.what());
  }
  if (!sequence.is_full()) sequence_ref.fail("must run from 0 to 1, got " + json_quote(doc.sequence));
  try {
    (void)sequence.find(execution_segment::parse(doc.segment));
  } catch (const usage_error& e) {
    segment_ref.fail(e.what());
  }
  (void)root["started_at"].as_string();  // for people; the nanoseconds are what is read
  doc.started_at = std::chrono::system_clock::time_point{
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          non_negative(root["started_at_unix_ns"]))};
  doc.duration = non_negative(root["duration_ns"]);
  doc.start_skew = non_negative(root["start_skew_ns"]);
  doc.seed = root["seed"].as_uint64();
  const auto status_ref = root["status"];
  const auto& status_text = status_ref.as_string();
  bool known = false;
  for (const auto s : d::statuses) {
    if (to_string(s) == status_text) {
      doc.status = s;
      known = true;
    }
  }
  if (!known) status_ref.fail("unknown run status " + json_quote(status_text));
  const auto exit_ref = root["exit_code"];
  const auto exit = exit_ref.as_int64();
  if (exit < 0 || exit > 255) exit_ref.fail("an exit code is 0 to 255, got " + std::to_string(exit));
  doc.exit_code = static_cast<int>(exit);
  doc.message = root["message"].as_string();
  const auto shards_ref = root["shards"];
  const auto shards = shards_ref.as_uint64();
  if (shards > 1'000'000) shards_ref.fail("implausibly many shards: " + std::to_string(shards));
  doc.shards = static_cast<unsigned>(shards);
  if (const auto cpu = root["generator_cpu_ns"]; !cpu.is_null()) doc.generator_cpu = non_negative(cpu);

  const auto thresholds = root["thresholds"];
  for (std::size_t i = 0; i < thresholds.array_size(); ++i) {
    const auto t = thresholds[i];
    t.expect_only({"threshold", "passed"});
    doc.thresholds.push_back({t["threshold"].as_string(), t["passed"].as_bool()});
  }
  const auto scenarios = root["scenarios"];
  for (std::size_t i = 0; i < scenarios.array_size(); ++i) {
    const auto s = scenarios[i];
    s.expect_only({"name", "description", "complete", "interrupted", "max_vus"});
    const auto max_vus_ref = s["max_vus"];
    const auto max_vus = max_vus_ref.as_int64();
    if (max_vus < 0) max_vus_ref.fail("must not be negative, got " + std::to_string(max_vus));
    doc.scenarios.push_back(
        {s["name"].as_string(), s["description"].as_string(), s["complete"].as_uint64(), s["interrupted"].as_uint64(), max_vus});
  }
  const auto errors = root["errors"];
  for (std::size_t i = 0; i < errors.array_size(); ++i) {
    const auto e = errors[i];
    e.expect_only({"scenario", "message", "count"});
    doc.errors.push_back({e["scenario"].as_string(), e["message"].as_string(), e["count"].as_uint64()});
  }
  doc.metrics = snapshot_from_json(root["metrics"]);
  const auto intervals = root["intervals"];
  for (std::size_t i = 0; i < intervals.array_size(); ++i) {
    doc.intervals.push_back(snapshot_from_json(intervals[i]));
    if (i > 0 && doc.intervals[i].start() < doc.intervals[i - 1].end()) {
      intervals[i].fail("starts before the previous interval ends");
    }
  }
  return doc;
}

STAMPEDE_DECL std::vector<metric_breakdown> report_breakdowns() {
  const std::string name{system_tag::name};
  const std::string scenario{system_tag::scenario};
  return {{http_reqs.descriptor(), {name, scenario}},
          {http_req_failed.descriptor(), {name, scenario}},
          {http_req_duration.descriptor(), {name, scenario}},
          {iterations.descriptor(), {scenario}},
          {iteration_duration.descriptor(), {scenario}},
          {dropped_iterations.descriptor(), {scenario}}};
}

STAMPEDE_DECL interval_log::interval_log(std::size_t max_intervals) : max_intervals_{std::max<std::size_t>(2, max_intervals)} {}

STAMPEDE_DECL void interval_log::clear() noexcept {
  intervals_.clear();
  interval_ = std::chrono::nanoseconds{0};
}

STAMPEDE_DECL void interval_log::add(const snapshot& delta) {
  if (!intervals_.empty() && delta.end() - intervals_.back().start() <= interval_) {
    intervals_.back().merge(delta);  // the last interval is not full yet
    return;
  }
  intervals_.push_back(delta);
  if (intervals_.size() <= max_intervals_) return;
  // Too many: neighbours merge in pairs, and from now on intervals are twice as long.
  std::vector<snapshot> merged;
  merged.reserve(intervals_.size() / 2 + 1);
  for (std::size_t i = 0; i < intervals_.size(); i += 2) {
    merged.push_back(std::move(intervals_[i]));
    if (i + 1 < intervals_.size()) merged.back().merge(std::move(intervals_[i + 1]));
  }
  intervals_ = std::move(merged);
  interval_ = intervals_.front().end() - intervals_.front().start();
}

STAMPEDE_DECL std::vector<snapshot> interval_log::take() noexcept {
  auto out = std::move(intervals_);
  clear();
  return out;
}

STAMPEDE_DECL void check_writable(const std::string& path) {
  const auto probe = path + ".probe";
  std::FILE* f = std::fopen(probe.c_str(), "wb");
  if (f == nullptr) {
    throw usage_error(fmt::format("cannot write \"{}\": {}", path, std::generic_category().message(errno)));
  }
  std::fclose(f);
  std::remove(probe.c_str());
}

STAMPEDE_DECL void write_file_atomically(const std::string& path, std::string_view text, std::string_view what) {
  const auto temporary = path + ".tmp";
  {
    std::ofstream file{temporary, std::ios::binary | std::ios::trunc};
    file.write(text.data(), static_cast<std::streamsize>(text.size()));
    file.close();
    if (!file) {
      const int error = errno;
      std::remove(temporary.c_str());
      throw std::runtime_error(fmt::format("{} ({}): writing \"{}\" failed: {}", what, path, temporary,
                                           std::generic_category().message(error)));
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::remove(temporary.c_str());
    throw std::runtime_error(fmt::format("{} ({}): renaming \"{}\" failed: {}", what, path, temporary, ec.message()));
  }
}

STAMPEDE_DECL result_output::result_output(std::string path, std::size_t max_intervals, std::FILE* stream)
    : path_{std::move(path)}, stream_{stream}, intervals_{max_intervals} {
  if (path_.empty()) throw usage_error("a result file needs a path");
  // Refuse now what would fail at the end: a folder that does not exist or cannot be written.
  if (path_ != "-") check_writable(path_);
}

STAMPEDE_DECL std::vector<metric_breakdown> result_output::breakdowns() const { return report_breakdowns(); }

STAMPEDE_DECL void result_output::on_start(const load_test& test, const execution_tuple& /*part*/) {
  test_ = test;
  written_ = false;
  intervals_.clear();
}

STAMPEDE_DECL void result_output::on_tick(const snapshot& delta, const run_progress& /*progress*/) { intervals_.add(delta); }

STAMPEDE_DECL void result_output::on_end(const result& r) {
  if (!test_) return;
  const auto text = to_json(make_result_document(*test_, r, intervals_.take()));
  if (path_ == "-") {
    const auto framed = fmt::format("\n{}\n{}{}{}\n", result_begin_marker, text, text.ends_with('\n') ? "" : "\n",
                                    result_end_marker);
    if (std::fwrite(framed.data(), 1, framed.size(), stream_) != framed.size() || std::fflush(stream_) != 0) {
      throw std::runtime_error("result (-): writing the document to the output failed");
    }
    written_ = true;
    return;
  }
  write_file_atomically(path_, text, "result");
  written_ = true;
}

}  // namespace stampede
