// What merging the parts of a distributed test costs: `merge_bench write DIR N` simulates one
// part of a realistic test (a minute of ramping VUs recording HTTP-like trends under five
// endpoint names, a counter and checks, on a manual time) and writes it as the N result files
// of an N-part sequence; `merge_bench merge DIR N` reads and merges them as the `merge` verb
// does (one file at a time, keeping only the running sums) and prints one line of figures:
// reading is parsing and checking the documents, merging the rest. benchmarks/run runs each N
// in its own process, so that the peak RSS is the merge's own, beside Python's json module
// reading the same files.
#include <stampede/exec/runner.hpp>
#include <stampede/metrics/engine.hpp>
#include <stampede/report/merge.hpp>
#include <stampede/report/result_file.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <sys/resource.h>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

const sp::trend request_time{"request_time", sp::value_type::time};
const sp::counter orders{"orders"};

sp::task<> shop(sp::vu& u) {
  static constexpr std::string_view endpoints[] = {"home", "search", "item", "cart", "checkout"};
  for (const auto name : endpoints) {
    // Service times from 1 to ~400 ms, spread over the histogram's buckets.
    const auto ms = 1.0 + static_cast<double>(u.random()() % 400'000) / 1000.0;
    u.record(request_time, ms * 1e6, {{"name", std::string{name}}, {"status", "200"}});
  }
  u.record(orders, 1);
  u.check(u.iteration(), "cart not empty", [](std::uint64_t i) { return i % 50 != 0; });
  co_await u.sleep(1s);
}

std::string part_document() {
  sp::load_test test{
      .scenarios = {{.name = "shop",
                     .exec = shop,
                     .executor = sp::ramping_vus{.start_vus = 0, .stages = {{20s, 50}, {30s, 50}, {10s, 0}}}}},
      .thresholds = {{"request_time", "p(95)<300"}},
      .metrics = {request_time, orders}};
  sp::manual_time time;
  const std::string path = "/tmp/stampede-merge-bench-part.json";
  sp::result_output output{path};
  (void)sp::run(test, {.threads = 1, .seed = 1, .observers = {&output}, .time = &time});
  std::ifstream in{path, std::ios::binary};
  std::string text{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  std::remove(path.c_str());
  return text;
}

std::string part_path(const std::string& dir, long i) { return fmt::format("{}/part-{:04}.json", dir, i); }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fputs("usage: merge_bench write|merge DIR N\n", stderr);
    return 2;
  }
  const std::string_view mode = argv[1];
  const std::string dir = argv[2];
  const long n = std::strtol(argv[3], nullptr, 10);
  if (n < 1) return 2;
  if (mode == "write") {
    const auto text = part_document();
    std::string sequence = "0";
    for (long i = 1; i <= n; ++i) sequence += i == n ? ",1" : fmt::format(",{}/{}", i, n);
    for (long i = 0; i < n; ++i) {
      auto doc = text;
      const auto segment = sp::execution_segment{sp::fraction{i, n}, sp::fraction{i + 1, n}}.to_string();
      const auto replace = [&doc](std::string_view field, const std::string& value) {
        const auto was = fmt::format("\"{}\": \"{}\"", field, field == "segment" ? "0:1" : "0,1");
        doc.replace(doc.find(was), was.size(), fmt::format("\"{}\": \"{}\"", field, value));
      };
      replace("segment", segment);
      replace("sequence", sp::execution_segment_sequence::parse(sequence).to_string());
      std::ofstream{part_path(dir, i), std::ios::binary} << doc;
    }
    std::printf("bytes_per_part=%zu\n", text.size());
    return 0;
  }
  // As the merge verb does: one file at a time into the merger.
  const auto start = std::chrono::steady_clock::now();
  sp::part_merger merger;
  std::chrono::steady_clock::duration reading{0};
  for (long i = 0; i < n; ++i) {
    const auto before = std::chrono::steady_clock::now();
    std::ifstream in{part_path(dir, i), std::ios::binary};
    const std::string text{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
    const auto parts = sp::read_result_parts(text, part_path(dir, i));
    reading += std::chrono::steady_clock::now() - before;
    for (const auto& p : parts) merger.add(p);
  }
  const auto merged = merger.finish();
  const auto done = std::chrono::steady_clock::now();
  const auto read = start + reading;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto* orders_sink = merged.run.metrics.find(orders.descriptor());
  std::printf("parts=%ld read_s=%.3f merge_s=%.3f max_rss_kib=%ld orders=%.0f\n", n,
              std::chrono::duration<double>(read - start).count(), std::chrono::duration<double>(done - read).count(),
              usage.ru_maxrss, orders_sink != nullptr ? std::get<sp::counter_sink>(*orders_sink).sum : -1.0);
  return 0;
}
