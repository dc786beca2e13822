// Result files (--out result=): what a run writes is read back equal, its intervals add up to
// its metrics, a long run's intervals stay bounded, an interrupted run still writes one, and
// a file that is not a result file — truncated, edited, of another kind — is refused with
// the path of what is wrong: result files come from other machines.
#include <stampede/exec/runner.hpp>
#include <stampede/metrics/builtin.hpp>
#include <stampede/report/result_file.hpp>

#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"
#include "support/temp_file.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#if !defined(_WIN32)
#  include <unistd.h>
#endif

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

// A VU that sleeps 200 ms per iteration for `duration`, with a check and a threshold.
sp::load_test sleeping_test(std::chrono::nanoseconds duration) {
  return sp::load_test{
      .scenarios = {{.name = "sleepy",
                     .exec = [](sp::vu& u) -> sp::task<> {
                       co_await u.sleep(200ms);
                       u.check(u.iteration(), "even", [](auto i) { return i % 2 == 0; });
                     },
                     .executor = sp::constant_vus{.vus = 2, .duration = duration}}},
      .thresholds = {sp::iterations.count() > 5},
  };
}

sp::result simulate(const sp::load_test& test, std::vector<sp::run_observer*> observers, sp::run_control* control = nullptr) {
  sp::manual_time time;
  return sp::run(test, {.threads = 2, .seed = 7, .control = control, .observers = std::move(observers), .time = &time});
}

sp::snapshot merged(const std::vector<sp::snapshot>& parts) {
  sp::snapshot all{parts.front().start(), parts.front().start()};
  for (const auto& p : parts) all.merge(p);
  return all;
}

// Whether two snapshots hold the same samples: an entry one has and the other lacks must be
// empty (a run's total lists every metric; an interval only those that got samples).
bool same_samples(const sp::snapshot& a, const sp::snapshot& b) {
  const auto covered = [](const sp::snapshot& x, const sp::snapshot& y) {
    for (const auto& e : x.entries()) {
      const auto* other = y.find(e.metric);
      if (other != nullptr ? !(*other == e.data) : !(e.data == sp::make_sink(e.metric))) return false;
    }
    return true;
  };
  return a.start() == b.start() && a.end() == b.end() && covered(a, b) && covered(b, a);
}

// The text of a valid result file with one change, for the refusal table.
// `text` with the first number after `"key": ` replaced by `number`.
std::string with_number(std::string text, const std::string& key, const std::string& number) {
  const auto at = text.find("\"" + key + "\": ");
  REQUIRE(at != std::string::npos);
  const auto from = at + key.size() + 4;
  const auto end = text.find_first_not_of("-0123456789", from);
  return text.replace(from, end - from, number);
}

std::string edited(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("a result file is read back equal to what the run wrote, and its intervals add up to its metrics") {
  const stampede_test::temp_file file{"result.json"};
  sp::result_output output{file.path};
  const auto test = sleeping_test(3s);
  const auto r = simulate(test, {&output});
  REQUIRE(r.errors.empty());
  const auto text = stampede_test::read_text(file.path);
  const auto doc = sp::result_document_from_json(text);
  CHECK(sp::to_json(doc) == text);  // a fixed point
  CHECK(doc.test == sp::fingerprint(test));
  CHECK(doc.segment == "0:1");
  CHECK(doc.metrics == r.metrics);
  CHECK(doc.started_at == r.started_at);
  CHECK(doc.duration == r.duration);
  CHECK(doc.seed == 7);
  CHECK(doc.status == sp::run_status::finished);
  CHECK(doc.exit_code == r.exit_code());
  CHECK(doc.shards == 2);
  REQUIRE(doc.thresholds.size() == 1);
  CHECK(doc.thresholds[0].passed);
  REQUIRE(doc.scenarios.size() == 1);
  CHECK(doc.scenarios[0].complete == r.complete_iterations());
  REQUIRE(doc.intervals.size() == 3);  // ticks at 1 s and 2 s, and the last one at 3 s
  CHECK(same_samples(merged(doc.intervals), r.metrics));
  CHECK(doc == sp::make_result_document(test, r, doc.intervals));
  CHECK_FALSE(std::filesystem::exists(file.path + ".tmp"));
}

TEST_CASE("a long run's intervals merge in pairs so that the file stays bounded, and still add up") {
  const stampede_test::temp_file file{"long.json"};
  sp::result_output output{file.path, 4};
  const auto r = simulate(sleeping_test(10s), {&output});
  const auto doc = sp::result_document_from_json(stampede_test::read_text(file.path));
  CHECK(doc.intervals.size() <= 4);
  CHECK(doc.intervals.size() >= 2);
  CHECK(same_samples(merged(doc.intervals), r.metrics));
  for (std::size_t i = 1; i < doc.intervals.size(); ++i) CHECK(doc.intervals[i].start() == doc.intervals[i - 1].end());
}

TEST_CASE("a run stopped by a signal still writes its result file") {
  const stampede_test::temp_file file{"interrupted.json"};
  sp::result_output output{file.path};
  sp::run_control control;
  auto test = sleeping_test(1h);
  test.scenarios[0].exec = [&control](sp::vu& u) -> sp::task<> {
    co_await u.sleep(200ms);
    if (u.iteration() == 3) control.request_stop();
  };
  const auto r = simulate(test, {&output}, &control);
  CHECK(r.status == sp::run_status::interrupted);
  const auto doc = sp::result_document_from_json(stampede_test::read_text(file.path));
  CHECK(doc.status == sp::run_status::interrupted);
  CHECK(doc.exit_code == 105);
  CHECK(doc.metrics == r.metrics);
}

TEST_CASE("a test's fingerprint changes with its scenarios, thresholds and metrics, and only with them") {
  const auto base = sleeping_test(3s);
  CHECK(sp::fingerprint(base) == sp::fingerprint(sleeping_test(3s)));
  CHECK(sp::fingerprint(base).rfind("fnv1a64:", 0) == 0);
  auto longer = base;
  longer.scenarios[0].executor = sp::constant_vus{.vus = 2, .duration = 4s};
  auto stricter = base;
  stricter.thresholds = {sp::iterations.count() > 6};
  auto renamed = base;
  renamed.scenarios[0].name = "sleepier";
  auto more_metrics = base;
  more_metrics.metrics = {sp::trend{"login_time", sp::value_type::time}};
  for (const auto* other : {&longer, &stricter, &renamed, &more_metrics}) CHECK(sp::fingerprint(*other) != sp::fingerprint(base));
  auto other_env = base;
  other_env.env = {{"BASE_URL", "http://elsewhere"}};  // how it runs, not what it is
  CHECK(sp::fingerprint(other_env) == sp::fingerprint(base));
}

TEST_CASE("a result file that is not one, or was cut short or edited, is refused with the path of the fault") {
  const stampede_test::temp_file file{"valid.json"};
  {
    sp::result_output output{file.path};
    (void)simulate(sleeping_test(2s), {&output});
  }
  const auto valid = stampede_test::read_text(file.path);
  struct row {
    std::string text;
    std::string message;
  };
  const std::vector<row> rows{
      {R"({"format": "stampede-snapshot", "version": 1})", "not a stampede result file: expected \"stampede-result\""},
      {"[1, 2]", "expected an object (a stampede result), got an array"},
      {edited(valid, "\"version\": 1", "\"version\": 2"), "stampede-result version 2 is not supported"},
      {edited(valid, "\"duration_ns\": ", "\"duration_ns\": -"), "duration_ns: must not be negative"},
      {edited(valid, "\"status\": \"finished\"", "\"status\": \"done\""), "status: unknown run status \"done\""},
      {edited(valid, "\"exit_code\": 0", "\"exit_code\": 300"), "exit_code: an exit code is 0 to 255, got 300"},
      {edited(valid, "\"seed\": ", "\"seeds\": 1, \"seed\": "), "seeds"},
      {edited(valid, "\"count\": ", "\"count\": -"), "metrics.entries"},
      // Times a merge adds up: each at most 2^62 ns, so that no sum overflows.
      {with_number(valid, "duration_ns", "9223372036854775807"), "duration_ns: must be at most 2^62 (4611686018427387904)"},
      {with_number(valid, "start_skew_ns", "4611686018427387905"), "start_skew_ns: must be at most 2^62"},
      {with_number(valid, "started_at_unix_ns", "-9223372036854775808"), "started_at_unix_ns: must not be negative"},
      {with_number(valid, "end_ns", "9223372036854775807"), "metrics.end_ns: expected start_ns (0) to 2^62"},
  };
  for (const auto& r : rows) {
    INFO(r.message);
    CHECK_THROWS_WITH(sp::result_document_from_json(r.text), Catch::Contains(r.message));
  }
  CHECK_THROWS_AS(sp::result_document_from_json(valid.substr(0, valid.size() / 2)), sp::parse_error);
  CHECK_THROWS_AS(sp::result_document_from_json(""), sp::parse_error);
}

TEST_CASE("a result file in a folder that cannot be written is refused before the run") {
  CHECK_THROWS_WITH(sp::result_output{"/nonexistent-stampede-dir/result.json"},
                    Catch::Contains("cannot write \"/nonexistent-stampede-dir/result.json\""));
  CHECK_THROWS_WITH(sp::result_output{""}, Catch::Contains("needs a path"));
}
