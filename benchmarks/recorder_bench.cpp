// Costs of the recorder, the path every sample takes on a shard: route lookup by (metric,
// tag set) and the sink update, for a trend (histogram), a counter and a rate; and the
// once-a-second take() of a shard's delta.
#include <stampede/metrics/recorder.hpp>

#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <vector>

namespace {

namespace sp = stampede;

struct fixture {
  std::shared_ptr<sp::metric_registry> registry = [] {
    auto r = std::make_shared<sp::metric_registry>();
    r->track(sp::http_req_duration.where("expected_response", "true"));
    return r;
  }();
  sp::recorder rec{registry};
  sp::tag_set_id ok = rec.intern({{"expected_response", "true"}, {"method", "GET"}, {"status", "200"}});
  sp::metric_id duration = *registry->find("http_req_duration");
  sp::metric_id reqs = *registry->find("http_reqs");
  sp::metric_id failed = *registry->find("http_req_failed");
  sp::metric_id iteration = *registry->find("iteration_duration");
};

// A trend sample with a matching tracked sub-metric: two histogram records per call.
void recorder_add_trend_with_submetric(benchmark::State& state) {
  fixture f;
  double value = 1e6;
  for (auto _ : state) {
    f.rec.add(f.duration, value, f.ok, std::chrono::nanoseconds{0});
    value = value < 9e8 ? value * 1.01 : 1e6;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(recorder_add_trend_with_submetric);

// A trend sample that feeds only its metric: one route lookup and one histogram record.
void recorder_add_trend(benchmark::State& state) {
  fixture f;
  double value = 1e6;
  for (auto _ : state) {
    f.rec.add(f.iteration, value, f.ok, std::chrono::nanoseconds{0});
    value = value < 9e8 ? value * 1.01 : 1e6;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(recorder_add_trend);

void recorder_add_counter(benchmark::State& state) {
  fixture f;
  for (auto _ : state) {
    f.rec.add(f.reqs, 1, f.ok, std::chrono::nanoseconds{0});
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(recorder_add_counter);

// What one HTTP request records in the three metrics above; k6 records ~12 per request.
void recorder_add_request(benchmark::State& state) {
  fixture f;
  double value = 1e6;
  for (auto _ : state) {
    f.rec.add(f.duration, value, f.ok, std::chrono::nanoseconds{0});
    f.rec.add(f.reqs, 1, f.ok, std::chrono::nanoseconds{0});
    f.rec.add(f.failed, 0, f.ok, std::chrono::nanoseconds{0});
    value = value < 9e8 ? value * 1.01 : 1e6;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(recorder_add_request);

// The ticker's per-second take of a shard that recorded 10^4 requests.
void recorder_take(benchmark::State& state) {
  fixture f;
  for (auto _ : state) {
    state.PauseTiming();
    for (int i = 0; i < 10'000; ++i) {
      f.rec.add(f.duration, 1e6 + i * 1e3, f.ok, std::chrono::nanoseconds{0});
      f.rec.add(f.reqs, 1, f.ok, std::chrono::nanoseconds{0});
    }
    state.ResumeTiming();
    auto delta = f.rec.take(std::chrono::seconds{1});
    benchmark::DoNotOptimize(delta);
  }
}
BENCHMARK(recorder_take);

// A shard's second as the runner has it: 1,000 HTTP requests, each feeding the nine trends
// k6 records per request (http_req_duration and its expected_response sub-metric, the six
// phases, iteration_duration), recorded into the sinks the previous take left, then the take.
// Timed together, because the histograms' pages are allocated by the records that first land
// in them after a take: the cost the recycling of dense histograms used to hide.
void recorder_tick_http_shard(benchmark::State& state) {
  fixture f;
  std::vector<sp::metric_id> trends;
  for (const auto* name : {"http_req_duration", "http_req_blocked", "http_req_connecting", "http_req_tls_handshaking",
                           "http_req_sending", "http_req_waiting", "http_req_receiving", "iteration_duration"}) {
    trends.push_back(*f.registry->find(name));
  }
  std::int64_t second = 0;
  sp::snapshot previous;  // destroyed untimed: the runner's ticker does that on its thread
  for (auto _ : state) {
    state.PauseTiming();
    previous = sp::snapshot{};
    state.ResumeTiming();
    for (int i = 0; i < 1'000; ++i) {
      for (const auto id : trends) f.rec.add(id, 1e6 + i * 1e3, f.ok, std::chrono::nanoseconds{0});
      f.rec.add(f.reqs, 1, f.ok, std::chrono::nanoseconds{0});
    }
    auto delta = f.rec.take(std::chrono::seconds{++second});
    benchmark::DoNotOptimize(delta);
    previous = std::move(delta);
  }
}
BENCHMARK(recorder_tick_http_shard);

}  // namespace

BENCHMARK_MAIN();
