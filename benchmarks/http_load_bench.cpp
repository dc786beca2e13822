// The HTTP load generator benchmarks/run compares with wrk, ab, hey and Locust: a k6-style
// test as a compiled program, every k6 metric on, driven entirely by k6's flags.
// A plain program, not a Google Benchmark: each figure is one whole run.
//
//   closed model (generator efficiency, connected VUs):
//     stampede_http_load_bench -u 50 -d 10s -e URL=http://127.0.0.1:8080/ --threads 1 -q
//       --summary-export out.json            [-e THINK=1s: sleep after each request]
//   open model (coordinated omission): -e RATE sets a constant_arrival_rate instead
//     stampede_http_load_bench -e URL=... -e RATE=500 -e DURATION=20s -e MAX_VUS=1500
//       --threads 1 -q --summary-trend-stats 'p(50),p(99),p(99.9),max' --summary-export out.json
#include <stampede/stampede.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

// One request, as a k6 script's default function would do it; the URL is read per iteration,
// like `__ENV.URL` in k6 (one string copy, under 1% of a loopback request), and moved into
// the request.
sp::task<> get_url(sp::vu& u) {
  auto url = u.env("URL", "http://127.0.0.1:8080/");
  auto res = co_await u.http().get(std::move(url));
  (void)res;
}

// The same with a think time: what a connected but mostly idle user costs.
sp::task<> get_url_then_think(sp::vu& u) {
  auto url = u.env("URL", "http://127.0.0.1:8080/");
  auto res = co_await u.http().get(std::move(url));
  (void)res;
  const auto think = sp::parse_duration(u.env("THINK", "1s"));
  co_await u.sleep(think);
}

// The -e values the program itself needs before the run (the executor depends on them).
// Errors are left for sp::main, which reports them with k6's exit code.
sp::env_map pre_parsed_env(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  try {
    return sp::parse_cli(args).env;
  } catch (const std::exception&) {
    return {};
  }
}

std::string lookup(const sp::env_map& env, const std::string& key) {
  const auto it = env.find(key);
  return it == env.end() ? std::string{} : it->second;
}

}  // namespace

int main(int argc, char** argv) {
  const auto env = pre_parsed_env(argc, argv);
  sp::scenario s{.name = "load", .exec = lookup(env, "THINK").empty() ? get_url : get_url_then_think,
                 .executor = sp::constant_vus{.vus = 1, .duration = 10s}};
  if (const auto per_second = lookup(env, "RATE"); !per_second.empty()) {
    // Open model: enough VUs for every arrival of a stalled second, allocated up front so no
    // VU is created on the hot path.
    const auto most = std::stoll(lookup(env, "MAX_VUS").empty() ? "1000" : lookup(env, "MAX_VUS"));
    const auto length = lookup(env, "DURATION");
    s.executor = sp::constant_arrival_rate{.rate = std::stod(per_second), .time_unit = 1s,
                                           .duration = sp::parse_duration(length.empty() ? "20s" : length),
                                           .pre_allocated_vus = most, .max_vus = most};
  }
  return sp::main(argc, argv, sp::load_test{.scenarios = {s}});
}
