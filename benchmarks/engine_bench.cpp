// The engine's own figures (issue targets in docs/performance.md): memory per idle VU, empty
// iterations per second on one shard, a constant arrival rate held against its schedule, and
// a ramp simulated on a manual time against the wall-clock time it stands for. A plain
// program, not a Google Benchmark: each figure is one run of the real runner.
//
//   stampede_engine_bench [idle_vus=100000] [rate=50000] [rate_seconds=10]
//   stampede_engine_bench --idle N     only the idle-VU figure, for N VUs (benchmarks/run)
//   stampede_engine_bench --simulated  only the simulated ramp
#include <stampede/metrics/engine.hpp>
#include <stampede/exec/runner.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

// Resident set size in bytes, from /proc (Linux); 0 elsewhere.
std::size_t rss_bytes() {
  std::ifstream statm{"/proc/self/statm"};
  std::size_t pages = 0;
  std::size_t resident = 0;
  if (!(statm >> pages >> resident)) return 0;
  return resident * 4096;
}

sp::task<> idle(sp::vu& u) { co_await u.sleep(1h); }
sp::task<> empty(sp::vu&) { co_return; }

const sp::trend_sink& trend_of(const sp::result& r, const sp::trend& t) {
  return std::get<sp::trend_sink>(*r.metrics.find(t.descriptor()));
}

void memory_per_idle_vu(std::int64_t vus) {
  sp::run_control control;
  sp::load_test test{.scenarios = {{.name = "idle", .exec = idle,
                                    .executor = sp::constant_vus{.vus = vus, .duration = 1h},
                                    .graceful_stop = 0s}}};
  const auto before = rss_bytes();
  std::size_t during = 0;
  std::thread probe([&] {
    // Let every VU start and park in its sleep, then read the RSS and stop the run. Starting
    // 10^6 VUs takes seconds on a loaded machine, so wait until the RSS stops growing (less
    // than 0.5% in half a second, after at least 3 s), for at most a minute.
    std::this_thread::sleep_for(3s);
    during = rss_bytes();
    for (int i = 0; i < 114; ++i) {
      std::this_thread::sleep_for(500ms);
      const auto now = rss_bytes();
      const bool stable = static_cast<double>(now) < 1.005 * static_cast<double>(during);
      during = now;
      if (stable) break;
    }
    control.request_stop();
    control.request_stop();
  });
  const auto r = sp::run(test, {.threads = 1, .seed = 1, .control = &control});
  probe.join();
  const auto per_vu = static_cast<double>(during - before) / static_cast<double>(vus);
  fmt::print("idle VUs:            {} VUs on one shard: RSS +{:.1f} MiB, {:.0f} bytes per VU (target <= {})\n", vus,
             static_cast<double>(during - before) / (1024.0 * 1024.0), per_vu, vus >= 1'000'000 ? 1024 : 2048);
  (void)r;
}

void empty_iterations_per_second() {
  const auto seconds = 3s;
  sp::load_test test{.scenarios = {{.name = "empty", .exec = empty,
                                    .executor = sp::constant_vus{.vus = 100, .duration = seconds}}}};
  const auto r = sp::run(test, {.threads = 1, .seed = 1});
  const auto per_second = static_cast<double>(r.complete_iterations()) / std::chrono::duration<double>(seconds).count();
  fmt::print("empty iterations:    {:.3g} per second on one shard (100 VUs, {}; target >= 1e6), iteration_duration p(99)={}\n",
             per_second, sp::format_go_duration(seconds),
             sp::format_duration(static_cast<double>(trend_of(r, sp::iteration_duration).samples.value_at_percentile(99))));
}

void constant_arrival_rate(double rate, std::chrono::seconds duration) {
  sp::load_test test{.scenarios = {{.name = "open", .exec = empty,
                                    .executor = sp::constant_arrival_rate{.rate = rate, .time_unit = 1s,
                                                                          .duration = duration,
                                                                          .pre_allocated_vus = 100, .max_vus = 1000}}}};
  const auto r = sp::run(test, {.threads = 2, .seed = 1});
  const double expected = rate * static_cast<double>(duration.count());
  const double achieved = static_cast<double>(r.complete_iterations());
  const auto& delay = trend_of(r, sp::iteration_start_delay).samples;
  const auto* dropped = r.metrics.find(sp::dropped_iterations.descriptor());
  fmt::print("constant rate:       {:.0f}/s for {}s on 2 shards: {:.0f} of {:.0f} iterations ({:+.3f}%, target within 0.5%), "
             "{:.0f} dropped; start delay p(50)={} p(99)={} max={}\n",
             rate, duration.count(), achieved, expected, 100.0 * (achieved - expected) / expected,
             dropped ? std::get<sp::counter_sink>(*dropped).sum : 0.0,
             sp::format_duration(static_cast<double>(delay.value_at_percentile(50))),
             sp::format_duration(static_cast<double>(delay.value_at_percentile(99))),
             sp::format_duration(static_cast<double>(delay.max())));
}

sp::task<> think(sp::vu& u) { co_await u.sleep(1s); }

// The same ramp on the steady clock would take its 10 minutes: the simulation's speed-up is
// that over the time it took.
void simulated_ramp() {
  sp::load_test test{.scenarios = {{.name = "ramp", .exec = think,
                                    .executor = sp::ramping_vus{.start_vus = 0, .stages = {{5min, 100}, {5min, 0}}}}}};
  sp::manual_time time;
  const auto start = std::chrono::steady_clock::now();
  const auto r = sp::run(test, {.threads = 2, .seed = 1, .time = &time});
  const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto simulated = std::chrono::duration<double>(r.duration).count();
  fmt::print("simulated ramp:      0 -> 100 -> 0 VUs over 10m, 1s iterations, 2 shards on a manual time: {} iterations, "
             "{:.0f}s simulated in {:.3f}s ({:.0f}x the wall clock)\n",
             r.complete_iterations(), simulated, took, simulated / took);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string{argv[1]} == "--idle") {
    memory_per_idle_vu(std::atoll(argv[2]));
    return 0;
  }
  if (argc == 2 && std::string{argv[1]} == "--simulated") {
    simulated_ramp();
    return 0;
  }
  const std::int64_t idle_vus = argc > 1 ? std::atoll(argv[1]) : 100'000;
  const double rate = argc > 2 ? std::atof(argv[2]) : 50'000;
  const auto rate_seconds = std::chrono::seconds{argc > 3 ? std::atoll(argv[3]) : 10};
  memory_per_idle_vu(idle_vus);
  empty_iterations_per_second();
  constant_arrival_rate(rate, rate_seconds);
  simulated_ramp();
}
