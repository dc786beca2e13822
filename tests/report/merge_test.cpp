// Merging the parts of a test: parts simulated on a manual time with run_options::part merge
// into exactly the metrics and verdict of one run that saw every sample; parts that do not
// tile the sequence are named; logs with documents between markers are read; result files
// from other machines are untrusted input.
#include <stampede/report/merge.hpp>

#include <stampede/cli/main.hpp>
#include <stampede/exec/runner.hpp>
#include <stampede/metrics/engine.hpp>
#include <stampede/report/result_file.hpp>

#include "support/catch_compat.hpp"
#include "support/cli_run.hpp"
#include "support/file_text.hpp"
#include "support/temp_file.hpp"

#include <chrono>
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

const sp::trend work_time{"work_time"};

// Each iteration records a value that depends only on its number in the test, so the whole
// run and the parts together record the same samples.
sp::task<> iterate(sp::vu& u) {
  u.record(work_time, 1.0 + static_cast<double>(u.iteration_in_test() % 97) * 2.5);
  u.check(u.iteration_in_test(), "below 500", [](std::uint64_t i) { return i < 500; });
  co_await u.sleep(200ms);
}

sp::load_test the_test() {
  return sp::load_test{
      .scenarios = {{.name = "shared", .exec = iterate,
                     .executor = sp::shared_iterations{.vus = 7, .iterations = 601, .max_duration = 1min}},
                    {.name = "arrivals", .exec = iterate,
                     .executor = sp::constant_arrival_rate{.rate = 40, .duration = 4s, .pre_allocated_vus = 30},
                     .start_time = 1s}},
      .thresholds = {{"work_time", "p(95)<230"}, {"checks", "rate>0.9"}, {"iterations", "count==761"}},
      .metrics = {work_time}};
}

// One run on a manual time, its result document as a result file would hold it.
sp::result_document simulate(const sp::load_test& test, const sp::execution_tuple& part, sp::result* out = nullptr,
                             std::size_t max_intervals = 1200) {
  sp::manual_time time;
  stampede_test::temp_file file{"merge-part.json"};
  sp::result_output output{file.path, max_intervals};
  auto r = sp::run(test, {.threads = 2, .seed = 3, .part = part, .observers = {&output}, .time = &time});
  if (out != nullptr) *out = r;
  return sp::result_document_from_json(stampede_test::read_text(file.path));
}

std::vector<sp::result_part> parts_of(const sp::load_test& test, const char* sequence) {
  const auto s = sp::execution_segment_sequence::parse(sequence);
  std::vector<sp::result_part> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    out.push_back({"part" + std::to_string(i) + ".json", simulate(test, sp::execution_tuple{s.segments()[i], s})});
  }
  return out;
}

std::string message_of(const std::vector<sp::result_part>& parts, const sp::load_test* test) {
  try {
    (void)sp::merge_parts(parts, test);
  } catch (const sp::incomplete_parts& e) {
    return e.what();
  }
  return "(merged)";
}

}  // namespace

TEST_CASE("parts merge into exactly what one run that saw every sample has") {
  const auto test = the_test();
  sp::result whole;
  (void)simulate(test, {}, &whole);
  REQUIRE(whole.complete_iterations() == 761);
  for (const auto* sequence : {"0,1/3,2/3,1", "0,1/2,3/4,1", "0,1/4,1/2,3/4,1"}) {
    INFO(sequence);
    const auto merged = sp::merge_parts(parts_of(test, sequence), &test);
    CHECK(merged.parts == sp::execution_segment_sequence::parse(sequence).size());
    CHECK(merged.sequence == sequence);
    CHECK(merged.largest_skew == 0ns);  // a manual time starts every part at the same wall time
    const auto& r = merged.run;
    CHECK(r.status == sp::run_status::finished);
    CHECK(r.complete_iterations() == whole.complete_iterations());
    // Counters, rates and histograms: entry by entry the same as the whole run's.
    for (const auto& e : whole.metrics.entries()) {
      INFO(e.metric.display_name());
      const auto* got = r.metrics.find(e.metric);
      REQUIRE(got != nullptr);
      if (std::holds_alternative<sp::gauge_sink>(e.data)) continue;
      CHECK(*got == e.data);
    }
    // The VUs the parts allocated add up to the whole run's.
    CHECK(std::get<sp::gauge_sink>(*r.metrics.find(sp::vus_max.descriptor())).max ==
          std::get<sp::gauge_sink>(*whole.metrics.find(sp::vus_max.descriptor())).max);
    // The verdict, judged once on the union, is the whole run's.
    REQUIRE(r.thresholds.size() == whole.thresholds.size());
    for (std::size_t i = 0; i < r.thresholds.size(); ++i) {
      CHECK(r.thresholds[i].passed == whole.thresholds[i].passed);
      CHECK(r.thresholds[i].description == whole.thresholds[i].description);
    }
    CHECK(r.exit_code() == whole.exit_code());
    CHECK(r.scenarios.at(0).description == whole.scenarios.at(0).description);
    CHECK(r.scenarios.at(1).max_vus == 30);
    // Per-interval metrics merge too: their iterations add up to the whole's.
    double iterations = 0;
    for (const auto& i : merged.intervals) {
      if (const auto* s = i.find(sp::iterations.descriptor())) iterations += std::get<sp::counter_sink>(*s).sum;
    }
    CHECK(iterations == 761);
  }
}

TEST_CASE("parts that are not the test exactly once are named") {
  const auto test = the_test();
  auto parts = parts_of(test, "0,1/3,2/3,1");

  auto missing = parts;
  missing.erase(missing.begin() + 1);
  CHECK(message_of(missing, &test) ==
        "merge: the parts do not make up the test exactly once (sequence 0,1/3,2/3,1):\n"
        "  - segment 1/3:2/3 (part 1 of 3) is missing");

  auto twice = parts;
  twice.push_back(parts[2]);
  twice.back().source = "copy.json";
  CHECK(message_of(twice, &test) ==
        "merge: the parts do not make up the test exactly once (sequence 0,1/3,2/3,1):\n"
        "  - segment 2/3:1 is there 2 times: part2.json, copy.json");

  auto other = the_test();
  other.thresholds.pop_back();
  auto foreign = parts;
  foreign[0].document.test = sp::fingerprint(other);
  foreign[0].source = "other.json";
  const auto foreign_message = message_of(foreign, &test);
  CHECK(foreign_message.find("  - other.json is a part of another test (fingerprint " + sp::fingerprint(other) +
                             ", expected " + sp::fingerprint(test) + ", this test's)") != std::string::npos);
  CHECK(foreign_message.find("  - segment 0:1/3 (part 0 of 3) is missing") != std::string::npos);

  auto mixed = parts;
  mixed.push_back({"half.json", parts_of(test, "0,1/2,1")[0].document});
  CHECK(message_of(mixed, &test).find("  - half.json ran segment 0:1/2 of another sequence (0,1/2,1, expected "
                                      "0,1/3,2/3,1)") != std::string::npos);

  // Without the test (the standalone tool) the first part's fingerprint is the reference.
  CHECK(message_of(missing, nullptr).find("segment 1/3:2/3 (part 1 of 3) is missing") != std::string::npos);
  CHECK_THROWS_WITH(sp::merge_parts({}, &test), "merge: no parts to merge");
}

TEST_CASE("a part that did not finish makes the merged run's status, named") {
  const auto test = the_test();
  auto parts = parts_of(test, "0,1/2,1");
  parts[1].document.status = sp::run_status::test_aborted;
  parts[1].document.message = "out of data";
  const auto merged = sp::merge_parts(parts, &test);
  CHECK(merged.run.status == sp::run_status::test_aborted);
  CHECK(merged.run.message == "part1.json (segment 1/2:1): out of data");
  CHECK(merged.run.exit_code() == sp::exit_code::aborted_by_test);
}

TEST_CASE("logs carry result documents between marker lines, prefixed or not") {
  const auto test = the_test();
  const auto parts = parts_of(test, "0,1/2,1");
  const auto framed = [](const sp::result_document& d, std::string_view prefix) {
    std::string out = std::string{prefix} + std::string{sp::result_begin_marker} + "\n";
    const auto json = sp::to_json(d);
    std::size_t at = 0;
    while (at < json.size()) {
      const auto end = json.find('\n', at);
      out += std::string{prefix} + json.substr(at, end - at) + "\n";
      at = end == std::string::npos ? json.size() : end + 1;
    }
    return out + std::string{prefix} + std::string{sp::result_end_marker} + "\n";
  };
  const std::string log = "the summary of part 0\n" + framed(parts[0].document, "") + "more output\r\n" +
                          framed(parts[1].document, "[pod/todos-1-x7/test] ");
  const auto read = sp::read_result_parts(log, "parts.log");
  REQUIRE(read.size() == 2);
  CHECK(read[0].source == "parts.log#1");
  CHECK(read[1].source == "parts.log#2");
  CHECK(read[0].document == parts[0].document);
  CHECK(read[1].document == parts[1].document);
  CHECK(sp::merge_parts(read, &test).run.complete_iterations() == 761);

  // A part cut off while writing, a hand-edited document, a log without any.
  const auto cut = framed(parts[0].document, "").substr(0, 300);
  CHECK_THROWS_WITH(sp::read_result_parts("x\n" + cut, "cut.log"),
                    Catch::Matchers::StartsWith("cut.log#1: the result document that begins on line 2 has no end marker"));
  auto edited = framed(parts[0].document, "");
  edited.replace(edited.find("\"segment\": \"0:1/2\""), 18, "\"segment\": \"0:1/3\"");
  CHECK_THROWS_WITH(sp::read_result_parts(edited, "edited.log"),
                    "edited.log#1: segment: couldn't find segment 0:1/3 in sequence 0,1/2,1");
  CHECK_THROWS_WITH(sp::read_result_parts("nothing here\n", "empty.log"),
                    Catch::Matchers::StartsWith("empty.log: no result document"));
  CHECK_THROWS_WITH(sp::read_result_parts("{\"format\": 1}", "bad.json"), Catch::Matchers::StartsWith("bad.json: "));
}

namespace {

sp::testing::cli_outcome run_main(const std::vector<std::string>& args, const sp::load_test& test) {
  return sp::testing::run_cli_captured(args, test);
}

sp::task<> quick(sp::vu& u) {
  u.record(work_time, static_cast<double>(u.iteration_in_test()));
  co_return;
}

sp::load_test quick_test(const char* bound) {
  return sp::load_test{.scenarios = {{.name = "quick", .exec = quick,
                                      .executor = sp::shared_iterations{.vus = 6, .iterations = 300}}},
                       .thresholds = {{"work_time", bound}},
                       .metrics = {work_time}};
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("the merge verb reads the parts' files and logs, prints one summary and exits with the test's code") {
  // The median of 0 … 299 is 149.5: "med<200" passes on the union, "med<100" fails, while the
  // parts' own medians differ (each has a third of the numbers, striped).
  stampede_test::temp_file a{"merge-a.json"}, b{"merge-b.json"}, c{"merge-c.log"}, merged{"merged.json"};
  const auto test = quick_test("med<200");
  for (const auto& [index, file] : std::vector<std::pair<int, const std::string*>>{{0, &a.path}, {1, &b.path}}) {
    const auto part = run_main({"-q", "--threads", "1", "--execution-segment-index", std::to_string(index),
                                "--execution-segment-count", "3", "--out", "result=" + *file},
                               test);
    CHECK(part.code == 0);
  }
  // The third part prints its document to stdout, as a pod does for kubectl logs.
  const auto third = run_main({"-q", "--threads", "1", "--execution-segment-index", "2", "--execution-segment-count", "3",
                               "--out", "result=-"},
                              test);
  CHECK(third.code == 0);
  CHECK(contains(third.out, std::string{sp::result_begin_marker}));
  {
    std::FILE* f = std::fopen(c.path.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fputs(third.out.c_str(), f);
    std::fclose(f);
  }

  const auto ok = run_main({"merge", a.path, b.path, c.path, "--out", "result=" + merged.path}, test);
  INFO(ok.err);
  CHECK(ok.code == 0);
  CHECK(contains(ok.err, "merged from 3 parts (sequence 0,1/3,2/3,1), largest start skew "));
  CHECK(contains(ok.out, "med<200"));
  const auto doc = sp::result_document_from_json(stampede_test::read_text(merged.path));
  CHECK(doc.segment == "0:1");
  CHECK(doc.test == sp::fingerprint(test));
  CHECK(std::get<sp::counter_sink>(*doc.metrics.find(sp::iterations.descriptor())).sum == 300);

  // The same parts judged by a stricter threshold: that is another test.
  const auto foreign = run_main({"merge", a.path, b.path, c.path}, quick_test("med<100"));
  CHECK(foreign.code == sp::exit_code::parts_incomplete);
  CHECK(contains(foreign.err, "is a part of another test"));

  const auto missing = run_main({"merge", a.path, c.path}, test);
  CHECK(missing.code == sp::exit_code::parts_incomplete);
  CHECK(contains(missing.err, "segment 1/3:2/3 (part 1 of 3) is missing"));

  const auto unreadable = run_main({"merge", a.path, "/nonexistent/part.json"}, test);
  CHECK(unreadable.code == sp::exit_code::invalid_config);
  CHECK(contains(unreadable.err, "cannot read \"/nonexistent/part.json\""));

  const auto bad_flag = run_main({"merge", a.path, "--vus", "3"}, test);
  CHECK(bad_flag.code == sp::exit_code::invalid_config);
  CHECK(contains(bad_flag.err, "merge does not take --vus"));

  const auto no_files = run_main({"merge"}, test);
  CHECK(no_files.code == sp::exit_code::invalid_config);
}

TEST_CASE("a threshold that fails on the merged data fails the merge with 99") {
  stampede_test::temp_file a{"merge-f0.json"}, b{"merge-f1.json"};
  const auto test = quick_test("med<100");
  for (const auto& [index, file] : std::vector<std::pair<int, const std::string*>>{{0, &a.path}, {1, &b.path}}) {
    CHECK(run_main({"-q", "--threads", "1", "--execution-segment-index", std::to_string(index),
                    "--execution-segment-count", "2", "--out", "result=" + *file},
                   test)
              .code == 0);
  }
  const auto r = run_main({"merge", a.path, b.path}, test);
  INFO(r.out << r.err);
  CHECK(r.code == sp::exit_code::thresholds_failed);
  CHECK(contains(r.out, "med<100"));
  // Without the thresholds, the same merge passes.
  CHECK(run_main({"merge", a.path, b.path, "--no-thresholds"}, test).code == 0);
}

TEST_CASE("without the test (the standalone tool), any test's parts merge and no threshold is judged") {
  stampede_test::temp_file a{"tool-0.json"}, b{"tool-1.json"};
  const auto test = quick_test("med<100");  // fails on the merged data
  for (const auto& [index, file] : std::vector<std::pair<int, const std::string*>>{{0, &a.path}, {1, &b.path}}) {
    CHECK(run_main({"-q", "--threads", "1", "--execution-segment-index", std::to_string(index),
                    "--execution-segment-count", "2", "--out", "result=" + *file},
                   test)
              .code == 0);
  }
  const std::vector<std::string_view> args{a.path, b.path};
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  REQUIRE(out != nullptr);
  REQUIRE(err != nullptr);
  const int code = sp::run_merge("stampede", args, nullptr, out, err);
  const auto text = sp::testing::file_text(out);
  const auto errors = sp::testing::file_text(err);
  std::fclose(out);
  std::fclose(err);
  INFO(errors);
  CHECK(code == 0);
  CHECK(contains(errors, "merged from 2 parts"));
  CHECK(contains(text, "work_time"));
  CHECK(!contains(text, "THRESHOLDS"));
  // Parts of two different tests do not merge even without the test.
  stampede_test::temp_file c{"tool-other.json"};
  CHECK(run_main({"-q", "--threads", "1", "--execution-segment-index", "1", "--execution-segment-count", "2", "--out",
                  "result=" + c.path},
                 quick_test("med<200"))
            .code == 0);
  const std::vector<std::string_view> mixed{a.path, c.path};
  std::FILE* sink = std::tmpfile();
  REQUIRE(sink != nullptr);
  CHECK(sp::run_merge("stampede", mixed, nullptr, sink, sink) == sp::exit_code::parts_incomplete);
  std::fclose(sink);
}

TEST_CASE("parts whose intervals have different lengths merge into aligned intervals of the longest") {
  const auto test = the_test();
  const auto sequence = sp::execution_segment_sequence::parse("0,1/3,2/3,1");
  sp::part_merger merger{&test};
  std::size_t i = 0;
  for (const auto& segment : sequence.segments()) {
    // The first part kept at most 4 intervals, so they were merged up to 4 s; the others 1 s.
    const auto doc = simulate(test, sp::execution_tuple{segment, sequence}, nullptr, i == 0 ? 4 : 1200);
    merger.add({"part" + std::to_string(i++), doc});
  }
  const auto merged = merger.finish();
  REQUIRE(merged.intervals.size() >= 2);
  double iterations = 0;
  for (std::size_t k = 0; k < merged.intervals.size(); ++k) {
    const auto& interval = merged.intervals[k];
    if (k + 1 < merged.intervals.size()) {
      CHECK(interval.duration() == merged.intervals[0].duration());  // the longest length
      CHECK(interval.end() <= merged.intervals[k + 1].start());
    }
    if (const auto* s = interval.find(sp::iterations.descriptor())) iterations += std::get<sp::counter_sink>(*s).sum;
  }
  CHECK(merged.intervals[0].duration() >= 4s);
  CHECK(iterations == 761);
  CHECK(merged.run.complete_iterations() == 761);
}

TEST_CASE("a part whose metrics conflict with the others' is named, as bad input") {
  const auto test = the_test();
  auto parts = parts_of(test, "0,1/2,1");
  // Hand-edited: `iterations` became a gauge in the second part.
  auto entries = sp::snapshot{parts[1].document.metrics}.release_entries();
  sp::snapshot edited{parts[1].document.metrics.start(), parts[1].document.metrics.end()};
  for (auto& e : entries) {
    if (e.metric.name == "iterations") e.data = sp::gauge_sink{};
    edited.add(std::move(e.metric), std::move(e.data));
  }
  parts[1].document.metrics = std::move(edited);
  CHECK_THROWS_WITH(sp::merge_parts(parts, &test),
                    Catch::Matchers::StartsWith("part1.json: its metrics cannot be merged with the other parts': "));
  // The built-in VU gauge given another type meets the other parts' gauges only at the end.
  auto vus_parts = parts_of(test, "0,1/2,1");
  auto vus_entries = sp::snapshot{vus_parts[0].document.metrics}.release_entries();
  sp::snapshot vus_edited{vus_parts[0].document.metrics.start(), vus_parts[0].document.metrics.end()};
  for (auto& e : vus_entries) {
    if (e.metric.name == "vus") e.data = sp::counter_sink{};
    vus_edited.add(std::move(e.metric), std::move(e.data));
  }
  vus_parts[0].document.metrics = std::move(vus_edited);
  CHECK_THROWS_WITH(sp::merge_parts(vus_parts, &test),
                    "merge: the parts' metrics cannot be merged: cannot merge sinks of different metric types");
}
