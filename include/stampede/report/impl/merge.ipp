// Bodies of read_result_parts and merge_parts (included by report/merge.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/eval/window_tracker.hpp>
#include <stampede/exec/detail/run_setup.hpp>
#include <stampede/exec/runner.hpp>
#include <stampede/metrics/builtin.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <utility>
#include <variant>

namespace stampede {

namespace detail::merge {

// The next line of `text` from `at` (without its end), moving `at` past it.
STAMPEDE_DECL std::string_view next_line(std::string_view text, std::size_t& at) {
  const auto end = text.find('\n', at);
  auto line = text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
  at = end == std::string_view::npos ? text.size() : end + 1;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// Whether `line` is `marker`, allowing what a log collector puts before it (`kubectl logs
// --prefix`'s `[pod/name/container] `, a timestamp) and spaces after.
STAMPEDE_DECL bool is_marker(std::string_view line, std::string_view marker) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  return line.size() >= marker.size() && line.substr(line.size() - marker.size()) == marker;
}

// What a log collector put before the begin marker, to strip from the document's lines.
STAMPEDE_DECL std::string_view prefix_of(std::string_view line, std::string_view marker) {
  return line.substr(0, line.rfind(marker));
}

// The built-in gauges that add up across parts.
STAMPEDE_DECL bool adds_up(const metric_descriptor& m) {
  return !m.is_submetric() && (m.name == vus.name() || m.name == vus_max.name());
}

// `to` and `from` summed: what several parts' VUs at the same moment come to.
STAMPEDE_DECL void add_gauge(std::optional<gauge_sink>& to, const gauge_sink& from) {
  if (from.samples == 0) return;
  if (!to) {
    to = from;
    return;
  }
  to->value += from.value;
  to->min += from.min;
  to->max += from.max;
  to->at = std::max(to->at, from.at);
  to->samples += from.samples;
}

// Snapshots of different parts over the same span: entries merge, the VU gauges add up.
class part_sum {
 public:
  void add(const snapshot& part) {
    if (!rest_) {
      rest_.emplace(part.start(), part.end());
    } else {
      rest_->merge(snapshot{part.start(), part.end()});  // the span becomes the union
    }
    for (const auto& e : part.entries()) {
      if (adds_up(e.metric)) {
        auto& sum = gauges_[e.metric.name];
        sum.first = e.metric;
        add_gauge(sum.second, std::get<gauge_sink>(e.data));
      } else {
        rest_->add(e.metric, e.data);
      }
    }
  }
  // The sum over [start, end), whatever the parts' own spans were.
  [[nodiscard]] snapshot take(std::chrono::nanoseconds start, std::chrono::nanoseconds end) {
    snapshot out{start, end};
    if (rest_) {
      for (auto& e : std::move(*rest_).release_entries()) out.add(std::move(e.metric), std::move(e.data));
    }
    rest_.reset();
    for (auto& [name, gauge] : gauges_) out.add(gauge.first, gauge.second ? sink{*gauge.second} : sink{gauge_sink{}});
    gauges_.clear();
    return out;
  }
  [[nodiscard]] snapshot take() {
    snapshot out = rest_ ? std::move(*rest_) : snapshot{};
    rest_.reset();
    for (auto& [name, gauge] : gauges_) out.add(gauge.first, gauge.second ? sink{*gauge.second} : sink{gauge_sink{}});
    gauges_.clear();
    return out;
  }

 private:
  std::optional<snapshot> rest_;
  std::map<std::string, std::pair<metric_descriptor, std::optional<gauge_sink>>> gauges_;
};

STAMPEDE_DECL std::string describe_sources(const std::vector<const result_part*>& parts) {
  std::string out;
  for (const auto* p : parts) out += (out.empty() ? "" : ", ") + p->source;
  return out;
}

}  // namespace detail::merge

STAMPEDE_DECL std::vector<result_part> read_result_parts(std::string_view text, const std::string& source) {
  namespace d = detail::merge;
  std::vector<result_part> out;
  const auto read = [&](std::string_view json, const std::string& name) {
    try {
      out.push_back({name, result_document_from_json(json)});
    } catch (const usage_error& e) {
      throw usage_error(fmt::format("{}: {}", name, e.what()));
    }
  };
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') {
    read(text, source);  // a result file
    return out;
  }
  std::size_t at = 0;
  std::size_t line_number = 0;
  while (at < text.size()) {
    const auto line = d::next_line(text, at);
    ++line_number;
    if (!d::is_marker(line, result_begin_marker)) continue;
    const auto prefix = d::prefix_of(line, result_begin_marker);
    const auto begin_line = line_number;
    std::string json;
    bool closed = false;
    while (at < text.size()) {
      auto body = d::next_line(text, at);
      ++line_number;
      if (d::is_marker(body, result_end_marker)) {
        closed = true;
        break;
      }
      if (!prefix.empty() && body.substr(0, prefix.size()) == prefix) body.remove_prefix(prefix.size());
      json.append(body);
      json.push_back('\n');
    }
    const auto name = fmt::format("{}#{}", source, out.size() + 1);
    if (!closed) {
      throw usage_error(fmt::format("{}: the result document that begins on line {} has no end marker (\"{}\"): "
                                    "the part was cut off before it finished writing",
                                    name, begin_line, result_end_marker));
    }
    read(json, name);
  }
  if (out.empty()) {
    throw usage_error(fmt::format("{}: no result document: expected a result file (--out result=FILE) or a log "
                                  "with documents between \"{}\" lines (--out result=-)",
                                  source, result_begin_marker));
  }
  return out;
}

STAMPEDE_DECL merged_result merge_parts(const std::vector<result_part>& parts, const load_test* test) {
  namespace d = detail::merge;
  using std::chrono::nanoseconds;
  if (parts.empty()) throw usage_error("merge: no parts to merge");

  // --- one test, one sequence, every segment once --------------------------------------------
  std::vector<std::string> problems;
  const auto expected_test = test != nullptr ? fingerprint(*test) : parts.front().document.test;
  std::vector<const result_part*> ours;
  for (const auto& p : parts) {
    if (p.document.test != expected_test) {
      problems.push_back(fmt::format("{} is a part of another test (fingerprint {}, expected {}{})", p.source,
                                     p.document.test, expected_test, test != nullptr ? ", this test's" : ", the first part's"));
    } else {
      ours.push_back(&p);
    }
  }
  if (ours.empty()) throw incomplete_parts(fmt::format("merge: {}", problems.front()));
  const auto& sequence_text = ours.front()->document.sequence;
  const auto sequence = execution_segment_sequence::parse(sequence_text);
  std::vector<std::vector<const result_part*>> by_segment(sequence.size());
  for (const auto* p : ours) {
    if (p->document.sequence != sequence_text) {
      problems.push_back(fmt::format("{} ran segment {} of another sequence ({}, expected {})", p->source,
                                     p->document.segment, p->document.sequence, sequence_text));
      continue;
    }
    by_segment[sequence.find(execution_segment::parse(p->document.segment))].push_back(p);
  }
  for (std::size_t i = 0; i < by_segment.size(); ++i) {
    const auto segment = sequence.segments()[i].to_string();
    if (by_segment[i].empty()) {
      problems.push_back(fmt::format("segment {} (part {} of {}) is missing", segment, i, sequence.size()));
    } else if (by_segment[i].size() > 1) {
      problems.push_back(fmt::format("segment {} is there {} times: {}", segment, by_segment[i].size(),
                                     d::describe_sources(by_segment[i])));
    }
  }
  if (!problems.empty()) {
    std::string message = fmt::format("merge: the parts do not make up the test exactly once (sequence {}):", sequence_text);
    for (const auto& p : problems) message += "\n  - " + p;
    throw incomplete_parts(message);
  }

  // --- the merge ------------------------------------------------------------------------------
  merged_result out;
  out.parts = ours.size();
  out.sequence = sequence_text;
  auto& run = out.run;
  const auto earliest = std::min_element(ours.begin(), ours.end(), [](const auto* a, const auto* b) {
                          return a->document.started_at < b->document.started_at;
                        });
  run.started_at = (*earliest)->document.started_at;
  run.seed = ours.front()->document.seed;
  for (const auto* p : ours) {
    const auto& doc = p->document;
    const auto offset = std::chrono::duration_cast<nanoseconds>(doc.started_at - run.started_at);
    out.largest_skew = std::max({out.largest_skew, offset, doc.start_skew});
    run.duration = std::max(run.duration, offset + doc.duration);
    run.shards += doc.shards;
    if (doc.generator_cpu) run.generator_cpu = run.generator_cpu.value_or(nanoseconds{0}) + *doc.generator_cpu;
    if (doc.status != run_status::finished && run.status == run_status::finished) {
      run.status = doc.status;
      run.message = fmt::format("{} (segment {}): {}", p->source, doc.segment, doc.message);
    }
    for (const auto& s : doc.scenarios) {
      auto it = std::find_if(run.scenarios.begin(), run.scenarios.end(), [&](const auto& m) { return m.name == s.name; });
      if (it == run.scenarios.end()) {
        run.scenarios.push_back({s.name, s.description, 0, 0, 0});
        it = std::prev(run.scenarios.end());
      }
      it->complete += s.complete;
      it->interrupted += s.interrupted;
      it->max_vus += s.max_vus;
    }
    for (const auto& e : doc.errors) {
      auto it = std::find_if(run.errors.begin(), run.errors.end(),
                             [&](const auto& m) { return m.scenario == e.scenario && m.message == e.message; });
      if (it == run.errors.end()) {
        run.errors.push_back(e);
      } else {
        it->count += e.count;
      }
    }
  }
  if (test != nullptr) {
    run.summary_format = test->summary;
    for (auto& s : run.scenarios) {
      for (const auto& def : test->scenarios) {
        if (def.name == s.name) s.description = describe(def.executor, def.graceful_stop, def.start_time);
      }
    }
  }

  // Intervals, aligned on the time since each part's start. A part's intervals are its ticks
  // (or, for a long run, ticks merged in pairs, twice as long): interval k starts a little
  // after k times its length. Each goes to the bucket of the longest length any part has,
  // by its middle, so a part's shorter intervals fall wholly into the longer ones and the
  // ticks' jitter never moves an interval to a neighbour's bucket. Buckets span their nominal
  // time, so they follow one another without overlap.
  const auto nominal = [](const std::vector<snapshot>& intervals) {
    if (intervals.size() >= 2) return intervals.back().start() / static_cast<std::int64_t>(intervals.size() - 1);
    return intervals.empty() ? nanoseconds{0} : intervals.front().duration();
  };
  nanoseconds bucket{0};
  for (const auto* p : ours) bucket = std::max(bucket, nominal(p->document.intervals));
  std::map<std::int64_t, std::pair<d::part_sum, nanoseconds>> buckets;  // bucket → sum, latest end
  for (const auto* p : ours) {
    const auto own = nominal(p->document.intervals);
    std::map<std::int64_t, snapshot> mine;  // one part's intervals per bucket: a gauge's later value wins
    for (const auto& i : p->document.intervals) {
      const auto b = bucket.count() > 0 ? (i.start() + own / 2).count() / bucket.count() : 0;
      auto [it, fresh] = mine.try_emplace(b, i);
      if (!fresh) it->second.merge(i);
    }
    for (const auto& [b, s] : mine) {
      auto& [sum, end] = buckets[b];
      sum.add(s);
      end = std::max(end, s.end());
    }
  }
  auto& intervals = out.intervals;
  intervals.reserve(buckets.size());
  for (auto it = buckets.begin(); it != buckets.end(); ++it) {
    const auto start = bucket * it->first;
    const auto end = std::next(it) == buckets.end() ? std::max(it->second.second, start + nanoseconds{1})
                                                   : std::min(bucket * (it->first + 1), bucket * std::next(it)->first);
    intervals.push_back(it->second.first.take(start, end));
  }
  if (!intervals.empty()) run.duration = std::max(run.duration, intervals.back().end());

  // The whole run: every entry merged, the VU gauges from the parts' last values and the
  // summed intervals' extremes.
  d::part_sum total_sum;
  for (const auto* p : ours) total_sum.add(p->document.metrics);
  run.metrics = total_sum.take();
  {
    std::vector<snapshot_entry> entries = snapshot{run.metrics}.release_entries();
    snapshot fixed{run.metrics.start(), run.metrics.end()};
    for (auto& e : entries) {
      if (d::adds_up(e.metric) && !intervals.empty()) {
        auto& g = std::get<gauge_sink>(e.data);
        bool first = true;
        for (const auto& i : intervals) {
          const auto* s = i.find(e.metric);
          if (s == nullptr) continue;
          const auto& ig = std::get<gauge_sink>(*s);
          if (ig.samples == 0) continue;
          g.min = first ? ig.min : std::min(g.min, ig.min);
          g.max = first ? ig.max : std::max(g.max, ig.max);
          first = false;
        }
      }
      fixed.add(std::move(e.metric), std::move(e.data));
    }
    run.metrics = std::move(fixed);
  }
  for (const auto& i : intervals) run.series.add(i);

  // The verdict, once, on everything.
  if (test != nullptr) {
    const auto thresholds = detail::resolve_thresholds(*test);
    window_tracker windows{thresholds};
    for (const auto& i : intervals) windows.add(i);
    windows.finish(run.duration);
    const auto source = windows.source(run.metrics);
    for (const auto& t : thresholds) run.thresholds.push_back(t.evaluate(source));
  }
  return out;
}

}  // namespace stampede
