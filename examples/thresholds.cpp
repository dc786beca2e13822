// The metrics layer end to end, without a network: declare a custom metric and the thresholds
// of a test (in C++ and in k6's string form, alone and in a load_test), record samples as two shards would, merge their
// deltas, and evaluate. The engine does the recording part for real tests.
#include <stampede/stampede.hpp>

#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <random>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

int main() {
  // [define]
  // A custom metric, as k6's `new Rate('requests_under_500ms')`.
  const sp::rate under_500ms{"requests_under_500ms"};

  // Thresholds in C++: time metrics compare with durations, others with numbers.
  const auto fast = sp::http_req_duration.where("expected_response", "true").p(95) < 200ms;
  const auto reliable = (sp::http_req_failed.rate() < 0.01).abort_on_fail(10s);
  const auto mostly_quick = under_500ms.rate() > 0.95;

  // The same kind of threshold in k6's string form, e.g. read from a k6 options file. In a
  // load_test it is parsed when the run starts (below); outside a run, resolve() parses it.
  const auto from_k6 = sp::threshold{"http_req_duration", "p(99)<1500"}.resolve();
  // [define]

  // [load_test]
  // A test's thresholds, in either form. A k6 string may name the test's custom metrics; they
  // are listed once, in .metrics. Mistakes are reported when the run starts (sp::main: exit
  // code 104), not where the threshold is written.
  const sp::load_test test{
      .scenarios = {{.exec = [](sp::vu&) -> sp::task<> { co_return; }}},
      .thresholds = {fast, reliable, {"requests_under_500ms", "rate>0.95"}, {"http_reqs{status:200}", "count>100"}},
      .metrics = {under_500ms},
  };
  sp::validate(test);  // what sp::run does first: throws usage_error or parse_error for a mistake
  // [load_test]

  // [record]
  // The registry lists the test's metrics and the sub-metrics thresholds name; each shard
  // records into its own recorder without locks.
  auto registry = std::make_shared<sp::metric_registry>();
  registry->add(under_500ms);
  for (const auto& t : {fast, reliable, mostly_quick, from_k6}) {
    for (const auto& c : t.conditions()) {
      if (c.aggregate.metric.is_submetric()) registry->track(c.aggregate.metric);
    }
  }
  std::vector<sp::recorder> shards;
  shards.emplace_back(registry);
  shards.emplace_back(registry);

  std::mt19937_64 rng{42};
  std::lognormal_distribution<double> latency_ms{3.0, 0.6};  // median ≈ 20 ms
  for (int i = 0; i < 20'000; ++i) {
    auto& shard = shards[static_cast<std::size_t>(i % 2)];
    const bool failed = i % 250 == 0;  // 0.4% of requests fail
    const double ms = failed ? 900.0 : latency_ms(rng);
    const sp::tag_set tags{{"expected_response", failed ? "false" : "true"},
                           {"status", failed ? "503" : "200"}};
    const auto at = std::chrono::milliseconds{i / 2};  // 10 s of traffic
    shard.add(sp::http_req_duration, ms * 1e6, tags, at);
    shard.add(sp::http_req_failed, failed ? 1 : 0, tags, at);
    shard.add(sp::http_reqs, 1, tags, at);
    shard.add(under_500ms, ms < 500 ? 1 : 0, tags, at);
  }

  // The ticker merges the shards' deltas into the run's snapshot.
  auto run = sp::snapshot::empty_for(*registry, 0s, 10s);
  for (auto& shard : shards) run.merge(shard.take(10s));
  // [record]

  // [evaluate]
  const auto source = [&](const sp::metric_aggregate& a) { return run.values(a); };
  bool all_passed = true;
  for (const auto& t : {fast, reliable, mostly_quick, from_k6}) {
    const auto result = t.evaluate(source);
    all_passed = all_passed && result.passed;
    for (const auto& c : result.conditions) {
      const bool time = c.condition.aggregate.metric.contains == sp::value_type::time;
      fmt::print("{} {:<45} {:<16} observed {}\n", c.passed ? "✓" : "✗",
                 c.condition.aggregate.metric.display_name(), c.condition.expression(),
                 !c.observed ? std::string{"nothing"}
                 : time      ? fmt::format("{:.2f}ms", *c.observed / 1e6)
                             : fmt::format("{:.4g}", *c.observed));
    }
  }
  // [evaluate]
  return all_passed ? 0 : 1;
}
