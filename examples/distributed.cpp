// A test run as three parts and merged, in one program (docs/distributed.md's example): each
// part runs its share of the test (run_options::part, as --execution-segment does), its
// iterations take their own rows of a data set by their number in the whole test, its result
// goes through a result file, and merge_parts checks the parts and merges them into one result
// with one verdict. On a manual time, so it runs in a moment; exits 0 when every row was used
// exactly once and the merged thresholds hold.
#include <stampede/exec/runner.hpp>
#include <stampede/metrics/engine.hpp>
#include <stampede/report/merge.hpp>
#include <stampede/report/result_file.hpp>

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

const sp::counter rows_used{"rows_used"};
std::vector<std::atomic<int>> uses(120);  // how often each row was used, over all parts

// [iteration]
// 120 users to log in, each exactly once over all parts: the iteration's number in the whole
// test picks the row, whichever part runs it.
sp::task<> log_in(sp::vu& u) {
  const auto row = u.iteration_in_test();
  uses.at(row).fetch_add(1);
  u.record(rows_used, 1);
  co_await u.sleep(100ms);  // stands for the request
}

sp::load_test the_test() {
  return sp::load_test{
      .scenarios = {{.name = "logins", .exec = log_in,
                     .executor = sp::shared_iterations{.vus = 10, .iterations = 120}}},
      .thresholds = {{"rows_used", "count==120"}},
      .metrics = {rows_used}};
}
// [iteration]

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

}  // namespace

int main() {
  const auto test = the_test();
  // [parts]
  const auto sequence = sp::execution_segment_sequence::parse("0,1/3,2/3,1");
  std::vector<sp::result_part> parts;
  for (const auto& segment : sequence.segments()) {
    // What `./my_test --execution-segment S --execution-segment-sequence Q --out result=F` does.
    const std::string file = "/tmp/stampede-example-part-" + std::to_string(parts.size()) + ".json";
    sp::result_output output{file};
    sp::manual_time time;
    const auto r = sp::run(test, {.seed = 1, .part = sp::execution_tuple{segment, sequence}, .observers = {&output},
                                  .time = &time});
    fmt::print("part {}: {} iterations on {} VUs\n", segment.to_string(), r.complete_iterations(),
               r.scenarios.at(0).max_vus);
    // What `./my_test merge parts/*.json` does with the files.
    for (auto& p : sp::read_result_parts(read_file(file), file)) parts.push_back(std::move(p));
    std::remove(file.c_str());
  }
  const auto merged = sp::merge_parts(parts, &test);
  fmt::print("merged from {} parts: {} iterations, thresholds {}\n", merged.parts, merged.run.complete_iterations(),
             merged.run.thresholds_passed() ? "passed" : "failed");
  // [parts]
  for (const auto& n : uses) {
    if (n.load() != 1) return 1;
  }
  return merged.run.exit_code();
}
