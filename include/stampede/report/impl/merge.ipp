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
#include <memory>
#include <optional>
#include <stdexcept>
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

// The built-in gauges that add up across parts (a hand-edited file may give them another type:
// then they merge as what they are, and a conflict is reported as one).
STAMPEDE_DECL bool adds_up(const snapshot_entry& e) {
  return !e.metric.is_submetric() && (e.metric.name == vus.name() || e.metric.name == vus_max.name()) &&
         std::holds_alternative<gauge_sink>(e.data);
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
      if (adds_up(e)) {
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
  // The sum over the union of the parts' spans.
  [[nodiscard]] snapshot take() {
    return rest_ ? take(rest_->start(), rest_->end()) : take(std::chrono::nanoseconds{0}, std::chrono::nanoseconds{0});
  }

 private:
  std::optional<snapshot> rest_;
  std::map<std::string, std::pair<metric_descriptor, std::optional<gauge_sink>>> gauges_;
};

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

// What a merger keeps between parts: small facts per part, and the running sums.
struct part_merger::state {
  struct part_facts {
    std::string source;
    std::string segment;
    std::chrono::system_clock::time_point started_at;
    std::chrono::nanoseconds duration;
    std::chrono::nanoseconds start_skew;
  };
  struct bucket {
    detail::merge::part_sum sum;
    std::chrono::nanoseconds end{0};
  };
  std::optional<std::string> fingerprint;
  std::optional<std::string> sequence;
  std::vector<std::string> problems;
  std::vector<part_facts> parts;
  std::uint64_t seed = 0;
  unsigned shards = 0;
  std::optional<std::chrono::nanoseconds> generator_cpu;
  run_status status = run_status::finished;
  std::string message;
  std::vector<scenario_outcome> scenarios;
  std::vector<iteration_error> errors;
  detail::merge::part_sum total;
  /// Interval length (ns) → bucket → the parts' intervals there, summed.
  std::map<std::int64_t, std::map<std::int64_t, bucket>> levels;
};

STAMPEDE_DECL part_merger::part_merger(const load_test* test) : test_{test}, state_{std::make_unique<state>()} {
  if (test_ != nullptr) state_->fingerprint = fingerprint(*test_);
}

STAMPEDE_DECL part_merger::~part_merger() = default;
STAMPEDE_DECL part_merger::part_merger(part_merger&&) noexcept = default;
STAMPEDE_DECL part_merger& part_merger::operator=(part_merger&&) noexcept = default;

STAMPEDE_DECL void part_merger::add(const result_part& part) {
  namespace d = detail::merge;
  auto& st = *state_;
  using std::chrono::nanoseconds;
  const auto& doc = part.document;
  if (!st.fingerprint) st.fingerprint = doc.test;  // without the test, the first part's
  if (doc.test != *st.fingerprint) {
    st.problems.push_back(fmt::format("{} is a part of another test (fingerprint {}, expected {}{})", part.source, doc.test,
                                    *st.fingerprint, test_ != nullptr ? ", this test's" : ", the first part's"));
    return;
  }
  if (!st.sequence) st.sequence = doc.sequence;
  if (doc.sequence != *st.sequence) {
    st.problems.push_back(fmt::format("{} ran segment {} of another sequence ({}, expected {})", part.source, doc.segment,
                                    doc.sequence, *st.sequence));
    return;
  }
  st.parts.push_back({part.source, doc.segment, doc.started_at, doc.duration, doc.start_skew});
  if (st.parts.size() == 1) st.seed = doc.seed;
  st.shards += doc.shards;
  if (doc.generator_cpu) st.generator_cpu = st.generator_cpu.value_or(nanoseconds{0}) + *doc.generator_cpu;
  if (doc.status != run_status::finished && st.status == run_status::finished) {
    st.status = doc.status;
    st.message = fmt::format("{} (segment {}): {}", part.source, doc.segment, doc.message);
  }
  for (const auto& s : doc.scenarios) {
    auto it = std::find_if(st.scenarios.begin(), st.scenarios.end(), [&](const auto& m) { return m.name == s.name; });
    if (it == st.scenarios.end()) {
      st.scenarios.push_back({s.name, s.description, 0, 0, 0});
      it = std::prev(st.scenarios.end());
    }
    it->complete += s.complete;
    it->interrupted += s.interrupted;
    it->max_vus += s.max_vus;
  }
  for (const auto& e : doc.errors) {
    auto it = std::find_if(st.errors.begin(), st.errors.end(),
                           [&](const auto& m) { return m.scenario == e.scenario && m.message == e.message; });
    if (it == st.errors.end()) {
      st.errors.push_back(e);
    } else {
      it->count += e.count;
    }
  }
  // A file from another machine may hold an entry of another type or histogram setting than
  // the same metric's in the other parts: named as this part's problem, not the reader's.
  try {
    st.total.add(doc.metrics);
    // The part's intervals, each in its own bucket of the part's interval length: interval k
    // starts a little after k times that length (ticks, or ticks merged in pairs in a long run).
    const auto& intervals = doc.intervals;
    if (intervals.empty()) return;
    const auto length = intervals.size() >= 2 ? intervals.back().start() / static_cast<std::int64_t>(intervals.size() - 1)
                                              : intervals.front().duration();
    if (length <= nanoseconds{0}) return;
    auto& level = st.levels[length.count()];
    std::map<std::int64_t, snapshot> mine;  // one part's intervals per bucket: a gauge's later value wins
    for (const auto& i : intervals) {
      const auto b = (i.start() + length / 2).count() / length.count();
      auto [it, fresh] = mine.try_emplace(b, i);
      if (!fresh) it->second.merge(i);
    }
    for (const auto& [b, s] : mine) {
      auto& bucket = level[b];
      bucket.sum.add(s);
      bucket.end = std::max(bucket.end, s.end());
    }
  } catch (const std::invalid_argument& e) {
    throw usage_error(fmt::format("{}: its metrics cannot be merged with the other parts': {}", part.source, e.what()));
  }
}

STAMPEDE_DECL merged_result part_merger::finish() {
  namespace d = detail::merge;
  auto& st = *state_;
  using std::chrono::nanoseconds;
  if (st.parts.empty() && st.problems.empty()) throw usage_error("merge: no parts to merge");
  if (st.parts.empty()) throw incomplete_parts(fmt::format("merge: {}", st.problems.front()));

  // --- one test, one sequence, every segment once --------------------------------------------
  auto problems = st.problems;
  const auto sequence = execution_segment_sequence::parse(*st.sequence);
  std::vector<std::vector<const state::part_facts*>> by_segment(sequence.size());
  for (const auto& p : st.parts) by_segment[sequence.find(execution_segment::parse(p.segment))].push_back(&p);
  for (std::size_t i = 0; i < by_segment.size(); ++i) {
    const auto segment = sequence.segments()[i].to_string();
    if (by_segment[i].empty()) {
      problems.push_back(fmt::format("segment {} (part {} of {}) is missing", segment, i, sequence.size()));
    } else if (by_segment[i].size() > 1) {
      std::string sources;
      for (const auto* p : by_segment[i]) sources += (sources.empty() ? "" : ", ") + p->source;
      problems.push_back(fmt::format("segment {} is there {} times: {}", segment, by_segment[i].size(), sources));
    }
  }
  if (!problems.empty()) {
    std::string message = fmt::format("merge: the parts do not make up the test exactly once (sequence {}):", *st.sequence);
    for (const auto& p : problems) message += "\n  - " + p;
    throw incomplete_parts(message);
  }

  // --- the merged run -------------------------------------------------------------------------
  merged_result out;
  out.parts = st.parts.size();
  out.sequence = *st.sequence;
  auto& run = out.run;
  run.started_at = std::min_element(st.parts.begin(), st.parts.end(), [](const auto& a, const auto& b) {
                     return a.started_at < b.started_at;
                   })->started_at;
  for (const auto& p : st.parts) {
    const auto offset = std::chrono::duration_cast<nanoseconds>(p.started_at - run.started_at);
    out.largest_skew = std::max({out.largest_skew, offset, p.start_skew});
    run.duration = std::max(run.duration, offset + p.duration);
  }
  run.seed = st.seed;
  run.shards = st.shards;
  run.generator_cpu = st.generator_cpu;
  run.status = st.status;
  run.message = st.message;
  run.scenarios = st.scenarios;
  run.errors = st.errors;
  if (test_ != nullptr) {
    run.summary_format = test_->summary;
    for (auto& s : run.scenarios) {
      for (const auto& def : test_->scenarios) {
        if (def.name == s.name) s.description = describe(def.executor, def.graceful_stop, def.start_time);
      }
    }
  }

  // A gauge of the whole run (vus) that a hand-edited part gave another type meets the others'
  // only here.
  try {
    // Intervals: each level's buckets fold into buckets of the longest length any part has (by
    // their middle, so ticks' jitter never moves one to a neighbour) — the same parts at
    // successive times, so a gauge's later value wins — and then the levels, which hold
    // different parts, add up. Buckets span their nominal time and follow one another.
    const auto longest = st.levels.empty() ? std::int64_t{0} : st.levels.rbegin()->first;
    std::map<std::int64_t, std::pair<d::part_sum, nanoseconds>> buckets;  // bucket → sum over levels, latest end
    for (auto& [length, level] : st.levels) {
      std::map<std::int64_t, snapshot> folded;
      std::map<std::int64_t, nanoseconds> ends;
      for (auto& [b, bucket] : level) {
        auto s = bucket.sum.take(nanoseconds{b * length}, nanoseconds{(b + 1) * length});
        const auto c = (b * length + length / 2) / longest;
        auto [it, fresh] = folded.try_emplace(c, std::move(s));
        if (!fresh) it->second.merge(s);
        ends[c] = std::max(ends[c], bucket.end);
      }
      for (const auto& [c, s] : folded) {
        auto& [sum, end] = buckets[c];
        sum.add(s);
        end = std::max(end, ends[c]);
      }
    }
    st.levels.clear();
    auto& intervals = out.intervals;
    intervals.reserve(buckets.size());
    for (auto it = buckets.begin(); it != buckets.end(); ++it) {
      const auto start = nanoseconds{longest * it->first};
      const auto end = std::next(it) == buckets.end()
                           ? std::max(it->second.second, start + nanoseconds{1})
                           : nanoseconds{longest * std::min(it->first + 1, std::next(it)->first)};
      intervals.push_back(it->second.first.take(start, end));
    }
    if (!intervals.empty()) run.duration = std::max(run.duration, intervals.back().end());

    // The whole run: every entry merged, the VU gauges from the parts' last values and the
    // summed intervals' extremes.
    run.metrics = st.total.take();
    {
      std::vector<snapshot_entry> entries = snapshot{run.metrics}.release_entries();
      snapshot fixed{run.metrics.start(), run.metrics.end()};
      for (auto& e : entries) {
        if (d::adds_up(e) && !intervals.empty()) {
          auto& g = std::get<gauge_sink>(e.data);
          bool first = true;
          for (const auto& i : intervals) {
            const auto* s = i.find(e.metric);
            const auto* ig = s != nullptr ? std::get_if<gauge_sink>(s) : nullptr;
            if (ig == nullptr || ig->samples == 0) continue;
            g.min = first ? ig->min : std::min(g.min, ig->min);
            g.max = first ? ig->max : std::max(g.max, ig->max);
            first = false;
          }
        }
        fixed.add(std::move(e.metric), std::move(e.data));
      }
      run.metrics = std::move(fixed);
    }
    for (const auto& i : intervals) run.series.add(i);
  } catch (const std::invalid_argument& e) {
    throw usage_error(fmt::format("merge: the parts' metrics cannot be merged: {}", e.what()));
  }

  // The verdict, once, on everything.
  if (test_ != nullptr) {
    const auto thresholds = detail::resolve_thresholds(*test_);
    window_tracker windows{thresholds};
    for (const auto& i : out.intervals) windows.add(i);
    windows.finish(run.duration);
    const auto source = windows.source(run.metrics);
    for (const auto& t : thresholds) run.thresholds.push_back(t.evaluate(source));
  }
  return out;
}

STAMPEDE_DECL merged_result merge_parts(const std::vector<result_part>& parts, const load_test* test) {
  part_merger merger{test};
  for (const auto& p : parts) merger.add(p);
  return merger.finish();
}

}  // namespace stampede
