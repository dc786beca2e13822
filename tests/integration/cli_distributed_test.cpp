// A test run as parts in separate processes on loopback (tests/cli_child/distributed.cpp against
// a testbed in this process), then merged with the test program's own `merge`: with
// --start-at, under mpirun (Debian's openmpi-bin), and as the pods of a generated Kubernetes
// manifest emulated as local processes; and the faults: a part killed with SIGKILL, a part that
// starts late. Totals of the merge are exact; its percentiles are within the histogram's bound
// of the exact percentiles of every sample the parts wrote with --out json.
#include "support/catch_compat.hpp"
#include "support/process.hpp"
#include "support/temp_file.hpp"

#include <stampede/core/json.hpp>
#include <stampede/core/timestamp.hpp>
#include <stampede/metrics/builtin.hpp>
#include <stampede/report/result_file.hpp>
#include <stampede/testbed/server.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#if defined(__unix__) && defined(STAMPEDE_CLI_DISTRIBUTED)
#  define STAMPEDE_DISTRIBUTED_TESTS 1
#  include <csignal>
#  include <fcntl.h>
#  include <spawn.h>
#  include <sys/wait.h>
#  include <unistd.h>
extern char** environ;  // NOLINT: POSIX declares it nowhere else
#else
#  define STAMPEDE_DISTRIBUTED_TESTS 0
#endif

namespace sp = stampede;
using namespace std::chrono_literals;

#if STAMPEDE_DISTRIBUTED_TESTS
namespace {

using stampede_test::read_text;
using stampede_test::temp_file;

// A process with stdout and stderr to files; every wait is bounded, and the destructor kills a
// process a failed test left running.
class process {
 public:
  process(const std::string& program, const std::vector<std::string>& args, const std::string& out_path,
          const std::string& err_path) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    std::vector<std::string> owned{program};
    owned.insert(owned.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : owned) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int spawned = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(spawned == 0);
  }
  ~process() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  process(const process&) = delete;
  process& operator=(const process&) = delete;

  // The exit code (128 + signal for a signal), or nullopt if it did not end within `limit`.
  std::optional<int> wait(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (pid_ > 0) {
      int status = 0;
      const auto done = waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        pid_ = -1;
        code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        break;
      }
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(20ms);
    }
    return code_;
  }
  void kill_now() {
    if (pid_ > 0) kill(pid_, SIGKILL);
  }

 private:
  pid_t pid_ = -1;
  int code_ = -1;
};

const std::string child = STAMPEDE_CLI_DISTRIBUTED;

// The testbed every part sends its requests to.
sp::testbed::server& target() {
  static sp::testbed::server server{{.routes = {{.path = "/items", .body = "[]"}}}};
  return server;
}

std::string start_in(std::chrono::milliseconds delay) {
  return sp::format_rfc3339(std::chrono::system_clock::now() + delay);
}

struct run_output {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs `args` to the end (at most a minute) and returns what it printed.
run_output run_to_end(const std::string& program, const std::vector<std::string>& args, const std::string& name) {
  temp_file out{name + ".out"}, err{name + ".err"};
  process p{program, args, out.path, err.path};
  const auto code = p.wait(60s);
  REQUIRE(code.has_value());
  return {*code, read_text(out.path), read_text(err.path)};
}

// The `merge` of `parts`, writing the merged result to a file, and that result.
struct merged_output {
  run_output run;
  sp::result_document result;
};
merged_output merge(const std::vector<std::string>& parts) {
  temp_file merged{"distributed-merged.json"};
  std::vector<std::string> args{"merge"};
  args.insert(args.end(), parts.begin(), parts.end());
  args.insert(args.end(), {"--out", "result=" + merged.path});
  auto r = run_to_end(child, args, "distributed-merge");
  INFO(r.err);
  REQUIRE(r.code == 0);
  return {std::move(r), sp::result_document_from_json(read_text(merged.path))};
}

double counter(const sp::snapshot& s, const sp::metric_descriptor& m) {
  const auto* sink = s.find(m);
  REQUIRE(sink != nullptr);
  return std::get<sp::counter_sink>(*sink).sum;
}

// Every http_req_duration sample (in nanoseconds) of k6 JSON output files.
std::vector<double> durations_in(const std::vector<std::string>& json_files) {
  std::vector<double> out;
  for (const auto& file : json_files) {
    const auto text = read_text(file);
    std::size_t at = 0;
    while (at < text.size()) {
      const auto end = text.find('\n', at);
      const auto line = std::string_view{text}.substr(at, end - at);
      at = end == std::string::npos ? text.size() : end + 1;
      if (line.find("\"metric\":\"http_req_duration\",\"type\":\"Point\"") == std::string_view::npos) continue;
      const auto doc = sp::parse_json(line);
      out.push_back(sp::json_ref{doc}["data"]["value"].as_double() * 1e6);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("parts in separate processes with --start-at merge into exact totals and bounded percentiles", "[distributed]") {
  const auto base = target().url("/");
  const auto at = start_in(3000ms);
  std::vector<std::unique_ptr<temp_file>> files;
  std::vector<std::unique_ptr<process>> parts;
  std::vector<std::string> results, samples;
  for (int i = 0; i < 3; ++i) {
    const auto n = std::to_string(i);
    for (const auto* kind : {"result", "samples", "out", "err"}) {
      files.push_back(std::make_unique<temp_file>("distributed-" + n + "-" + kind));
    }
    const auto& result = files[files.size() - 4]->path;
    const auto& json = files[files.size() - 3]->path;
    results.push_back(result);
    samples.push_back(json);
    parts.push_back(std::make_unique<process>(
        child,
        std::vector<std::string>{"--execution-segment-index", n, "--execution-segment-count", "3", "--start-at", at, "-q",
                                 "--threads", "1", "-e", "BASE_URL=" + base, "--out", "result=" + result, "--out",
                                 "json=" + json},
        files[files.size() - 2]->path, files.back()->path));
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    INFO(read_text(files[i * 4 + 3]->path));
    CHECK(parts[i]->wait(60s) == 0);
  }
  const auto merged = merge(results);
  CHECK(merged.run.err.find("merged from 3 parts (sequence 0,1/3,2/3,1)") != std::string::npos);
  const auto& m = merged.result.metrics;
  CHECK(counter(m, sp::iterations.descriptor()) == 240 + 60);  // shared iterations and every arrival
  CHECK(counter(m, sp::http_reqs.descriptor()) == 300);
  CHECK(m.find(sp::dropped_iterations.descriptor()) != nullptr);
  CHECK(counter(m, sp::dropped_iterations.descriptor()) == 0);
  // Started together: each part was ready before the start it was given.
  for (const auto& r : results) CHECK(sp::result_document_from_json(read_text(r)).start_skew == 0ns);

  // Percentiles of the merge against the exact ones of every sample.
  const auto all = durations_in(samples);
  REQUIRE(all.size() == 300);
  const auto* trend = m.find(sp::http_req_duration.descriptor());
  REQUIRE(trend != nullptr);
  const auto& histogram = std::get<sp::trend_sink>(*trend).samples;
  const double bound = histogram.max_relative_error();
  for (const double p : {50.0, 90.0, 95.0, 99.0}) {
    INFO("p(" << p << ")");
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(all.size())));
    const double exact = all[std::max<std::size_t>(rank, 1) - 1];
    const auto merged_value = static_cast<double>(histogram.value_at_percentile(p));
    // The JSON output rounds values to Go's float form of milliseconds: a nanosecond of slack.
    CHECK(merged_value >= exact * (1 - bound) - 1);
    CHECK(merged_value <= exact * (1 + bound) + 1);
  }
}

TEST_CASE("parts under mpirun take their segment from Open MPI's environment", "[distributed]") {
  const auto mpirun = stampede_test::find_program("mpirun");
  if (!mpirun) {
    WARN("mpirun not found (Debian's openmpi-bin; scripts/setup installs it): skipped");
    return;
  }
  const temp_file dir_marker{"mpi-parts"};  // names the parts' files; they are removed below
  const auto prefix = dir_marker.path;
  std::vector<std::string> results;
  for (int i = 0; i < 3; ++i) results.push_back(prefix + "-" + std::to_string(i) + ".json");
  const auto command = "exec '" + child + "' --execution-segment-from-env -q --threads 1 -e BASE_URL=" +
                       target().url("/") + " --out result=" + prefix + "-$OMPI_COMM_WORLD_RANK.json";
  const auto r = run_to_end(*mpirun,
                            {"--oversubscribe", "--allow-run-as-root", "-n", "3", "/bin/sh", "-c", command},
                            "mpirun");
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  const auto merged = merge(results);
  for (const auto& f : results) std::remove(f.c_str());
  CHECK(counter(merged.result.metrics, sp::iterations.descriptor()) == 300);
  CHECK(merged.run.err.find("merged from 3 parts (sequence 0,1/3,2/3,1)") != std::string::npos);
}

TEST_CASE("a generated Kubernetes manifest, its pods emulated as local processes, merges from their logs", "[distributed]") {
  const auto manifest = run_to_end(child,
                                   {"manifest", "kubernetes", "--parallelism", "3", "--image", "shop/load:1", "--start-delay",
                                    "2s", "--program", "/app/distributed", "--", "-e", "BASE_URL=" + target().url("/")},
                                   "manifest");
  REQUIRE(manifest.code == 0);
  // The container's args, as Kubernetes reads them: the list after `args:`, one JSON string each.
  std::vector<std::string> args;
  bool in_args = false;
  std::size_t at = 0;
  const auto& yaml = manifest.out;
  while (at < yaml.size()) {
    const auto end = yaml.find('\n', at);
    const auto line = yaml.substr(at, end - at);
    at = end == std::string::npos ? yaml.size() : end + 1;
    if (line.find("args:") != std::string::npos) {
      in_args = true;
      continue;
    }
    const auto dash = line.find("- \"");
    if (in_args && dash != std::string::npos) {
      args.push_back(sp::json_ref{sp::parse_json(line.substr(dash + 2))}.as_string());
    } else if (in_args) {
      in_args = false;
    }
  }
  REQUIRE(args.size() >= 6);
  CHECK(args[0] == "--execution-segment-index=$(JOB_COMPLETION_INDEX)");
  // Each pod: $(JOB_COMPLETION_INDEX) expanded as Kubernetes does, stdout as its log.
  std::vector<std::unique_ptr<temp_file>> logs;
  std::vector<std::unique_ptr<process>> pods;
  temp_file errors{"pods.err"};
  for (int index = 0; index < 3; ++index) {
    std::vector<std::string> pod_args;
    for (auto a : args) {
      const std::string var = "$(JOB_COMPLETION_INDEX)";
      if (const auto p = a.find(var); p != std::string::npos) a.replace(p, var.size(), std::to_string(index));
      pod_args.push_back(a);
    }
    pod_args.insert(pod_args.end(), {"--threads", "1"});
    logs.push_back(std::make_unique<temp_file>("pod-" + std::to_string(index) + ".log"));
    pods.push_back(std::make_unique<process>(child, pod_args, logs.back()->path, errors.path));
  }
  std::string all_logs;  // kubectl logs -l job-name=... --tail=-1: one pod after the other
  for (std::size_t i = 0; i < pods.size(); ++i) {
    CHECK(pods[i]->wait(60s) == 0);
    all_logs += read_text(logs[i]->path);
  }
  temp_file combined{"parts.log"};
  {
    std::FILE* f = std::fopen(combined.path.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fwrite(all_logs.data(), 1, all_logs.size(), f);
    std::fclose(f);
  }
  const auto merged = merge({combined.path});
  CHECK(counter(merged.result.metrics, sp::iterations.descriptor()) == 300);
}

TEST_CASE("faults: a part killed mid-run is named as missing, a late part reports its skew", "[distributed]") {
  const auto base = target().url("/");
  temp_file a{"fault-a.json"}, b{"fault-b.json"}, out{"fault.out"}, err{"fault.err"};
  const auto at = start_in(300ms);
  {
    process killed{child,
                   {"--execution-segment-index", "1", "--execution-segment-count", "2", "--start-at", at, "-q", "--threads",
                    "1", "-e", "BASE_URL=" + base, "--out", "result=" + b.path},
                   out.path, err.path};
    std::this_thread::sleep_for(800ms);
    killed.kill_now();
    CHECK(killed.wait(10s) == 128 + SIGKILL);
  }
  // The other part starts 1 s after the agreed instant: it joins late and says by how much.
  std::this_thread::sleep_for(1s);
  const auto late = run_to_end(child,
                               {"--execution-segment-index", "0", "--execution-segment-count", "2", "--start-at", at,
                                "--threads", "1", "-e", "BASE_URL=" + base, "--out", "result=" + a.path},
                               "late");
  CHECK(late.code == 0);
  CHECK(late.err.find("ago: joining late") != std::string::npos);
  const auto doc = sp::result_document_from_json(read_text(a.path));
  CHECK(doc.start_skew >= 1s);
  CHECK(counter(doc.metrics, sp::dropped_iterations.descriptor()) > 0);  // arrivals due before it joined

  // The killed part wrote nothing: `merge parts/*.json` finds only the other.
  CHECK(read_text(b.path).empty());
  const auto missing = run_to_end(child, {"merge", a.path}, "fault-merge");
  CHECK(missing.code == 111);
  CHECK(missing.err.find("segment 1/2:1 (part 1 of 2) is missing") != std::string::npos);
}

#else
TEST_CASE("distributed runs need POSIX processes", "[distributed]") { WARN("not POSIX: the distributed tests are skipped"); }
#endif
