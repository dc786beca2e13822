// Tests of snapshots as JSON: lossless round trips, the merge of several processes' files,
// and the documents the reader refuses.
#include <stampede/metrics/snapshot_json.hpp>

#include <stampede/core/error.hpp>
#include <stampede/metrics/recorder.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

// Tag text that trips naive writers: quotes, commas, colons, braces, a newline, a backslash,
// a tab and non-ASCII text.
const sp::tag_set awkward_tags{{"url", "http://h/?a=1,b=\"2\""},
                               {"name", "{braces}:\nnew line\\ and\ttab"},
                               {"\xD0\xBA\xD0\xBB\xD1\x8E\xD1\x87", "\xE5\x80\xA4 \xE2\x9C\x93 \xF0\x9F\x98\x80"}};

// A snapshot with every kind of sink and the values that are hard to keep.
sp::snapshot every_kind() {
  sp::snapshot s{1500ms, 11s};
  s.add(sp::http_reqs.descriptor(), sp::counter_sink{.sum = 0.1 + 0.2, .samples = 2});
  s.add(sp::data_sent.descriptor(), sp::counter_sink{.sum = std::numeric_limits<double>::infinity(), .samples = 1});
  s.add(sp::vus.descriptor(), sp::gauge_sink{.value = -3.25, .min = -1.7976931348623157e308, .max = 5e-324,
                                             .at = -7ns, .samples = 3});
  s.add(sp::http_req_failed.descriptor(), sp::rate_sink{.nonzero = 3, .total = 7});

  // A time trend whose sum passes 2^64 and that clamped some values.
  sp::trend_sink duration{sp::value_type::time};
  duration.samples.record(1);
  duration.samples.record(1'250'000, 1000);
  duration.samples.record(7'200'000'000'000, 100'000'000);  // two hours: clamped to one
  duration.rejected = 4;
  REQUIRE(duration.samples.sum().high != 0);
  s.add(sp::http_req_duration.descriptor(), duration);

  // A sub-metric with awkward tag text and a plain trend with another histogram config.
  auto sub = sp::http_req_duration.descriptor();
  sub.filter = sp::tag_filter{awkward_tags};
  sp::trend_sink sub_sink{sp::value_type::time};
  sub_sink.samples.record(42);
  s.add(sub, sub_sink);
  sp::trend_sink plain{sp::value_type::plain};
  plain.samples = sp::histogram{{.lowest = 10, .highest = 1'000'000'000, .significant_digits = 2}};
  plain.samples.record(123'456);
  plain.samples.record(999'999'999, 3);
  s.add({.name = "cart_size", .type = sp::metric_type::trend, .contains = sp::value_type::plain, .filter = {}},
        plain);
  // An empty trend and an empty gauge keep their emptiness.
  s.add(sp::iteration_duration.descriptor(), sp::trend_sink{sp::value_type::time});
  s.add(sp::vus_max.descriptor(), sp::gauge_sink{});
  return s;
}

std::string usage_message(const std::string& json) {
  try {
    (void)sp::snapshot_from_json(json);
  } catch (const sp::usage_error& e) {
    return e.what();
  }
  FAIL("read without an error: " << json);
  return {};
}

// One trend entry's document, with the histogram fields given as JSON text.
std::string trend_document(const std::string& fields) {
  return R"({"format": "stampede-snapshot", "version": 1, "start_ns": 0, "end_ns": 1,
             "entries": [{"metric": {"name": "t", "type": "trend", "contains": "time", "tags": {}},
                          "data": {"rejected": 0, "lowest": 1, "highest": 3600000000000,
                                   "significant_digits": 3, )" +
         fields + "}}]}";
}

// A synthetic run's samples (time-ordered), split by `owner` over the recorders given.
void record_run(const std::vector<sp::recorder*>& recorders, const std::vector<int>& owner) {
  std::mt19937_64 rng{7};
  std::lognormal_distribution<double> latency_ms{3.0, 0.8};
  const sp::metric<sp::metric_type::trend> cart{"cart_size"};
  for (std::size_t i = 0; i < owner.size(); ++i) {
    auto& rec = *recorders[static_cast<std::size_t>(owner[i])];
    const bool failed = i % 50 == 0;
    const auto at = std::chrono::microseconds{static_cast<std::int64_t>(i) * 700};
    const double ms = latency_ms(rng);
    const auto tags = failed ? awkward_tags : sp::tag_set{{"expected_response", "true"}, {"status", "200"}};
    rec.add(sp::http_req_duration, ms * 1e6, tags, at);
    rec.add(sp::http_reqs, 1, tags, at);
    rec.add(sp::data_sent, static_cast<double>(100 + i % 17), tags, at);
    rec.add(sp::http_req_failed, failed ? 1 : 0, tags, at);
    rec.add(sp::vus, static_cast<double>(i % 13), {}, at);
    rec.add(cart, i % 97 == 0 ? -1.0 : ms / 3, {}, at);  // some rejected samples
    rec.add(sp::checks, failed ? 0 : 1,
            {{"check", failed ? "body has \"ok\", {x}\n\xE2\x9C\x93" : "status is 200"}, {"group", "::login"}}, at);
  }
}

}  // namespace

TEST_CASE("a snapshot written as JSON reads back equal, every kind of sink included") {
  const auto s = every_kind();
  const auto json = sp::to_json(s);
  const auto back = sp::snapshot_from_json(json);
  CHECK(back == s);
  CHECK(back.entries().size() == 9);
  CHECK(back.start() == 1500ms);
  CHECK(back.end() == 11s);
  CHECK(sp::to_json(back) == json);  // and writes the same text again
  CHECK_THAT(json, Catch::Matchers::StartsWith("{\n  \"format\": \"stampede-snapshot\",\n  \"version\": 1,"));
}

TEST_CASE("a histogram comes back with its exact sum, extremes, clamped count and config") {
  const auto back = sp::snapshot_from_json(sp::to_json(every_kind()));
  const auto& d = std::get<sp::trend_sink>(*back.find(sp::http_req_duration.descriptor()));
  CHECK(d.samples.count() == 100'001'001);
  CHECK(d.samples.min() == 1);
  CHECK(d.samples.max() == 3'600'000'000'000);
  CHECK(d.samples.clamped_count() == 100'000'000);
  CHECK(d.samples.sum().to_string() == "360000000001250000001");
  CHECK(d.rejected == 4);
  const auto& plain = std::get<sp::trend_sink>(
      *back.find({.name = "cart_size", .type = sp::metric_type::trend, .contains = sp::value_type::plain, .filter = {}}));
  CHECK(plain.samples.config() == sp::histogram_config{.lowest = 10, .highest = 1'000'000'000, .significant_digits = 2});
  CHECK(plain.samples.value_at_percentile(50) == 999'999'999);
}

TEST_CASE("doubles and gauge times round-trip exactly, infinities and negative zero included") {
  const std::vector<double> values = {0.1,  1.0 / 3,   781.5494399979516, 2.2250738585072014e-308,
                                      1e21, -0.0,      123456789.125,     std::numeric_limits<double>::max(),
                                      -std::numeric_limits<double>::infinity()};
  for (const double v : values) {
    INFO(v);
    sp::snapshot s{0s, 1s};
    s.add(sp::vus.descriptor(), sp::gauge_sink{.value = v, .min = v, .max = v, .at = 123'456'789'012ns, .samples = 1});
    const auto back = sp::snapshot_from_json(sp::to_json(s));
    const auto& g = std::get<sp::gauge_sink>(*back.find(sp::vus.descriptor()));
    CHECK(g.value == v);
    CHECK(std::signbit(g.value) == std::signbit(v));
    CHECK(g.at == 123'456'789'012ns);
  }
  sp::snapshot nan{0s, 1s};
  nan.add(sp::http_reqs.descriptor(), sp::counter_sink{.sum = std::numeric_limits<double>::quiet_NaN(), .samples = 1});
  const auto back = sp::snapshot_from_json(sp::to_json(nan));
  CHECK(std::isnan(std::get<sp::counter_sink>(*back.find(sp::http_reqs.descriptor())).sum));
}

TEST_CASE("awkward tag text in a filter survives the round trip byte for byte") {
  const auto back = sp::snapshot_from_json(sp::to_json(every_kind()));
  auto sub = sp::http_req_duration.descriptor();
  sub.filter = sp::tag_filter{awkward_tags};
  const auto* found = back.find(sub);
  REQUIRE(found != nullptr);
  CHECK(std::get<sp::trend_sink>(*found).samples.max() == 42);
  const auto& entry = back.entries()[5];
  CHECK(entry.metric.filter.tags() == awkward_tags);
}

TEST_CASE("merging two processes' snapshots read from JSON equals one process that saw every sample") {
  auto registry = std::make_shared<sp::metric_registry>();
  registry->add(sp::trend{"cart_size"});
  registry->track(sp::http_req_duration.where("expected_response", "true"));
  registry->track(sp::http_req_duration.where("url", "http://h/?a=1,b=\"2\""));
  sp::recorder whole{registry}, a{registry}, b{registry};

  std::mt19937_64 rng{11};
  std::vector<int> owner(20'000);
  for (auto& o : owner) o = static_cast<int>(rng() % 2);
  std::vector<int> all_to_one(owner.size(), 0);
  record_run({&whole}, all_to_one);
  record_run({&a, &b}, owner);
  const auto expected = whole.take(14s);
  const auto snap_a = a.take(14s);
  const auto snap_b = b.take(14s);
  const auto json_a = sp::to_json(snap_a);
  const auto json_b = sp::to_json(snap_b);

  auto merged = sp::snapshot_from_json(json_a);
  merged.merge(sp::snapshot_from_json(json_b));
  auto direct = snap_a;
  direct.merge(snap_b);
  CHECK(merged == direct);  // merge(read(a), read(b)) == merge(a, b)

  // The processes created their breakdown series in different orders, so compare by series.
  REQUIRE(merged.entries().size() == expected.entries().size());
  for (const auto& e : expected.entries()) {
    INFO(e.metric.display_name());
    const auto* m = merged.find(e.metric);
    REQUIRE(m != nullptr);
    CHECK(*m == e.data);
  }
  CHECK(merged.start() == expected.start());
  CHECK(merged.end() == expected.end());
  CHECK(merged.values(sp::http_req_duration.p(99)) == expected.values(sp::http_req_duration.p(99)));
  CHECK(std::get<sp::trend_sink>(*merged.find(sp::trend{"cart_size"}.descriptor())).rejected ==
        (20'000 + 96) / 97);
}

TEST_CASE("another format or version is refused by name") {
  CHECK_THAT(usage_message(R"({"format": "k6-summary", "version": 1})"),
             Catch::Matchers::Equals("format: not a stampede snapshot: expected \"stampede-snapshot\", got \"k6-summary\""));
  CHECK_THAT(usage_message(R"({"metrics": {}})"),
             Catch::Matchers::Equals("JSON document: not a stampede snapshot: there is no \"format\" key"));
  CHECK_THAT(usage_message(R"({"format": "stampede-snapshot", "version": 2, "future": []})"),
             Catch::Matchers::Equals("version: stampede-snapshot version 2 is not supported; this build reads version 1"));
  CHECK_THAT(usage_message("[]"), Catch::Matchers::Contains("expected an object (a stampede snapshot), got an array"));
  CHECK_THROWS_AS(sp::snapshot_from_json("{\"format\": "), sp::parse_error);
}

TEST_CASE("a value of the wrong type is reported at its JSON path") {
  const auto doc = trend_document(R"("min": 5, "max": 9, "sum": "14", "clamped_count": 0,
                                     "buckets": [{"index": 5, "count": 1}, {"index": 9, "count": -1}])");
  CHECK_THAT(usage_message(doc), Catch::Matchers::StartsWith("entries[0].data.buckets[1].count: expected an unsigned integer"));
  const auto good = trend_document(R"("min": 5, "max": 9, "sum": "14", "clamped_count": 0,
                                      "buckets": [{"index": 5, "count": 1}, {"index": 9, "count": 1}])");
  const auto s = sp::snapshot_from_json(good);
  CHECK(std::get<sp::trend_sink>(s.entries().at(0).data).samples.count() == 2);
}

TEST_CASE("corrupt histogram states and inconsistent entries are refused") {
  struct row {
    const char* why;
    std::string json;
    std::string message;
  };
  const std::string ok_buckets = R"("buckets": [{"index": 5, "count": 1}, {"index": 9, "count": 1}])";
  const std::vector<row> rows = {
      {"min above max", trend_document(R"("min": 9, "max": 5, "sum": "14", "clamped_count": 0, )" + ok_buckets),
       "entries[0].data: histogram::restore: min (9) is above max (5)"},
      {"sum outside min × count … max × count",
       trend_document(R"("min": 5, "max": 9, "sum": "100", "clamped_count": 0, )" + ok_buckets),
       "is outside [min × count, max × count]"},
      {"bucket out of range",
       trend_document(R"("min": 5, "max": 9, "sum": "14", "clamped_count": 0, "buckets": [{"index": 5, "count": 1}, {"index": 99999999, "count": 1}])"),
       "out of range"},
      {"buckets not ascending",
       trend_document(R"("min": 5, "max": 9, "sum": "14", "clamped_count": 0, "buckets": [{"index": 9, "count": 1}, {"index": 5, "count": 1}])"),
       "entries[0].data.buckets[1].index: bucket indices must ascend; 5 follows 9"},
      {"an empty bucket listed",
       trend_document(R"("min": 5, "max": 9, "sum": "14", "clamped_count": 0, "buckets": [{"index": 5, "count": 0}])"),
       "entries[0].data.buckets[0].count: only non-empty buckets are listed"},
      {"a sum of 2^128",
       trend_document(R"("min": 5, "max": 9, "sum": "340282366920938463463374607431768211456", "clamped_count": 0, )" + ok_buckets),
       "entries[0].data.sum: expected the decimal digits of an integer from 0 to 2^128 - 1"},
      {"a sum that is not digits",
       trend_document(R"("min": 5, "max": 9, "sum": "1e3", "clamped_count": 0, )" + ok_buckets), "data.sum: expected the decimal digits"},
      {"a sum written as a number", trend_document(R"("min": 5, "max": 9, "sum": 14, "clamped_count": 0, )" + ok_buckets),
       "entries[0].data.sum: expected a string, got 14"},
      {"an unknown key", trend_document(R"("min": 5, "max": 9, "sum": "14", "clamped_count": 0, "p99": 1, )" + ok_buckets),
       "entries[0].data: unknown key \"p99\""},
      {"a missing key", trend_document(R"("min": 5, "max": 9, "sum": "14", )" + ok_buckets),
       "entries[0].data: missing the key \"clamped_count\""},
  };
  for (const auto& r : rows) {
    INFO(r.why);
    CHECK_THAT(usage_message(r.json), Catch::Matchers::Contains(r.message));
  }

  const std::string head = R"({"format": "stampede-snapshot", "version": 1, "start_ns": 0, "end_ns": 1, "entries": [)";
  const std::string counter = R"({"metric": {"name": "c", "type": "counter", "contains": "default", "tags": {}}, "data": {"sum": 1, "samples": 1}})";
  CHECK(usage_message(head + counter + ", " + counter + "]}") == "entries[1]: a second entry for c");
  CHECK(usage_message(head + R"({"metric": {"name": "r", "type": "rate", "contains": "default", "tags": {}}, "data": {"nonzero": 3, "total": 2}}]})") ==
        "entries[0].data.nonzero: is 3, above the total (2)");
  CHECK(usage_message(head + R"({"metric": {"name": "c", "type": "histogram", "contains": "default", "tags": {}}, "data": {}}]})") ==
        "entries[0].metric.type: expected \"counter\", \"gauge\", \"rate\" or \"trend\", got \"histogram\"");
  CHECK_THAT(usage_message(head + R"({"metric": {"name": "1c", "type": "counter", "contains": "default", "tags": {}}, "data": {"sum": 1, "samples": 1}}]})"),
             Catch::Matchers::StartsWith("entries[0].metric.name: invalid metric name \"1c\""));
  CHECK(usage_message(head + R"({"metric": {"name": "c", "type": "counter", "contains": "default", "tags": {"k": 1}}, "data": {"sum": 1, "samples": 1}}]})") ==
        "entries[0].metric.tags.k: expected a string, got 1");
  CHECK(usage_message(head + R"({"metric": {"name": "c", "type": "counter", "contains": "default", "tags": {}}, "data": {"sum": "many", "samples": 1}}]})") ==
        "entries[0].data.sum: expected a number, \"NaN\", \"Infinity\" or \"-Infinity\", got \"many\"");
}

TEST_CASE("to_json refuses tag text that is not UTF-8, which JSON cannot carry") {
  sp::snapshot s{0s, 1s};
  auto d = sp::http_reqs.descriptor();
  d.filter = sp::tag_filter{{"url", "http://h/\xFF"}};
  s.add(d, sp::counter_sink{.sum = 1, .samples = 1});
  CHECK_THROWS_WITH(sp::to_json(s), Catch::Matchers::Contains("is not valid UTF-8"));
}

TEST_CASE("an empty snapshot round-trips") {
  const sp::snapshot empty;
  CHECK(sp::snapshot_from_json(sp::to_json(empty)) == empty);
  const sp::snapshot span{3s, 4s};
  CHECK(sp::snapshot_from_json(sp::to_json(span)) == span);
}

TEST_CASE("a span that does not run forward from 0 within 2^62 ns is refused, so its length cannot overflow") {
  const auto document = [](const std::string& start, const std::string& end) {
    return R"({"format": "stampede-snapshot", "version": 1, "start_ns": )" + start + R"(, "end_ns": )" + end +
           R"(, "entries": []})";
  };
  struct row {
    std::string start, end, message;
  };
  const std::vector<row> rows{
      {"-9223372036854775808", "9223372036854775807", "start_ns: expected 0 to 2^62 (4611686018427387904), got -9223372036854775808"},
      {"0", "9223372036854775807", "end_ns: expected start_ns (0) to 2^62 (4611686018427387904), got 9223372036854775807"},
      {"5", "4", "end_ns: expected start_ns (5) to 2^62 (4611686018427387904), got 4"},
      {"4611686018427387905", "4611686018427387906", "start_ns: expected 0 to 2^62"},
  };
  for (const auto& r : rows) {
    INFO(r.start << " … " << r.end);
    CHECK_THAT(usage_message(document(r.start, r.end)), Catch::Matchers::StartsWith(r.message));
  }
  const auto longest = sp::snapshot_from_json(document("0", "4611686018427387904"));
  CHECK(longest.duration() == sp::max_file_time);
}

TEST_CASE("a trend's histogram settings from a file are bounded by the default histogram's size before anything is allocated") {
  const auto entry = [](const std::string& settings) {
    return R"({"format": "stampede-snapshot", "version": 1, "start_ns": 0, "end_ns": 1,
               "entries": [{"metric": {"name": "t", "type": "trend", "contains": "time", "tags": {}},
                            "data": {"rejected": 0, )" +
           settings + R"(, "min": 0, "max": 0, "sum": "0", "clamped_count": 0, "buckets": []}}]})";
  };
  // Up to 49 MB of counts for 210 bytes of JSON, were it accepted.
  CHECK_THAT(usage_message(entry(R"("lowest": 1, "highest": 9223372036854775807, "significant_digits": 5)")),
             Catch::Matchers::StartsWith("entries[0].data: the histogram settings (lowest 1, highest 9223372036854775807, "
                                         "5 significant digits) would take up to "));
  CHECK_THAT(usage_message(entry(R"("lowest": 1, "highest": 3600000000000, "significant_digits": 4)")),
             Catch::Matchers::Contains("may take no more than the default histogram's"));
  CHECK_THAT(usage_message(entry(R"("lowest": 0, "highest": 3600000000000, "significant_digits": 3)")),
             Catch::Matchers::Equals("entries[0].data: histogram_config: lowest must be at least 1, got 0"));
  // What stampede writes, and smaller histograms, still read.
  const auto s = sp::snapshot_from_json(entry(R"("lowest": 1, "highest": 3600000000000, "significant_digits": 3)"));
  CHECK(std::get<sp::trend_sink>(s.entries().at(0).data).samples.config() == sp::histogram_config{});
  CHECK_NOTHROW(sp::snapshot_from_json(entry(R"("lowest": 1000, "highest": 60000000000, "significant_digits": 2)")));
}
