// Signals in every phase of a run and outputs that cannot be written, with sp::main as a real
// process (tests/cli_child/phases.cpp): SIGINT, SIGTERM and a second signal during setup,
// ramp-up, the steady state, teardown and while outputs are written each still end with the
// summary and the outputs gathered so far; a full disk is an error message, not a lost run.
#include "support/catch_compat.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#if defined(__unix__) && defined(STAMPEDE_CLI_PHASES)
#  define STAMPEDE_CLI_SIGNALS_TESTS 1
#  include "support/child_process.hpp"
#  include "support/temp_file.hpp"

#  include <csignal>
#  include <cstdio>
#  include <cstdlib>
#  include <fcntl.h>
#  include <sys/stat.h>
#  include <unistd.h>
#else
#  define STAMPEDE_CLI_SIGNALS_TESTS 0
#endif

using namespace std::chrono_literals;

#if STAMPEDE_CLI_SIGNALS_TESTS
namespace {

using clock_type = stampede_test::child::clock_type;
using stampede_test::read_text;
using stampede_test::temp_file;

// The phases child, lingering in `phase`, with this process's environment and PATH.
stampede_test::child phases_child(std::string_view phase, std::vector<std::string> args) {
  std::vector<std::string> environment{"STAMPEDE_PHASE=" + std::string{phase}};
  if (const char* path = std::getenv("PATH")) environment.push_back(std::string{"PATH="} + path);
  args.insert(args.begin(), {"--threads", "1"});
  return stampede_test::child{std::move(args), STAMPEDE_CLI_PHASES, std::move(environment)};
}

struct signal_case {
  std::string_view phase;
  std::string_view reached;  // what the child says on stderr when it is there
  std::vector<int> signals;
  std::string_view message;  // why the run stopped, as the summary says it
};

// The summary export is a whole document.
void check_export(const std::string& path) {
  const auto exported = read_text(path);
  INFO("summary export: " << exported);
  CHECK(exported.starts_with("{"));
  CHECK(exported.find("\"metrics\"") != std::string::npos);
  CHECK(exported.find_last_not_of('\n') == exported.rfind('}'));
}

// The JSON output holds whole lines only: no sample cut in half.
void check_json_output(const std::string& path) {
  const auto json = read_text(path);
  INFO("json output: " << json.substr(0, 400));
  CHECK((json.empty() || json.ends_with("}\n")));
}

}  // namespace

TEST_CASE("a signal in any phase of a run still ends with the summary, the outputs and exit code 105") {
  const signal_case cases[] = {
      {"setup", "phase: setup", {SIGINT}, "stopped on request during setup; the scenarios and teardown did not run"},
      {"setup", "phase: setup", {SIGTERM, SIGTERM}, "stopped on request during setup"},
      {"ramp-up", "phase: scenarios", {SIGTERM}, "stopped on request; running iterations were given their graceful stop"},
      {"ramp-up", "phase: scenarios", {SIGINT, SIGINT}, "run interrupted"},
      {"steady", "phase: scenarios", {SIGINT}, "stopped on request; running iterations were given their graceful stop"},
      {"steady", "phase: scenarios", {SIGTERM, SIGINT}, "run interrupted"},
      {"teardown", "phase: teardown", {SIGINT}, "stopped on request after the scenarios ended; teardown ran to its end"},
      {"teardown", "phase: teardown", {SIGTERM, SIGTERM}, "stopped at once on a second request, during teardown"},
  };
  for (const auto& c : cases) {
    INFO("phase " << c.phase << ", " << c.signals.size() << " signal(s)");
    const temp_file exported{"signals-export.json"};
    const temp_file json{"signals-samples.json"};
    auto child = phases_child(c.phase, {"--summary-export", exported.path, "--out", "json=" + json.path});
    REQUIRE(child.wait_for_stderr(c.reached, 20000ms));
    const auto signalled = clock_type::now();
    for (const int s : c.signals) {
      child.signal(s);
      if (c.signals.size() > 1) std::this_thread::sleep_for(50ms);  // two signals, not one coalesced
    }
    const int code = child.wait_for_exit(20000ms);
    INFO("stdout: " << child.out() << "\nstderr: " << child.err());
    if (c.signals.size() == 1 || c.phase == "teardown") {
      CHECK(code == 105);
    } else {
      // Outside teardown the first signal alone ends the run within moments, and sp::main gives
      // the signals back to their previous handlers as it returns: a second one that comes after
      // that takes its default action, once the summary and the outputs are written (checked
      // below). Either way the program stops with what it gathered.
      CHECK((code == 105 || code == 128 + c.signals.back()));
    }
    // A single signal in teardown lets it finish (2 s); everything else stops within moments.
    CHECK(clock_type::now() - signalled < 8s);
    CHECK(child.out().find("iteration_duration") != std::string::npos);  // the summary
    CHECK(child.out().find(c.message) != std::string::npos);
    CHECK((child.err().find("teardown finished") != std::string::npos) ==
          (c.phase == "teardown" && c.signals.size() == 1));
    check_export(exported.path);
    check_json_output(json.path);
  }
}

TEST_CASE("signals while the outputs are written change nothing: every output is whole") {
  // The summary export goes to a FIFO that nobody reads yet: the child blocks opening it, in
  // the middle of writing its outputs, and is signalled there three times.
  const temp_file fifo{"signals-export.fifo"};
  const temp_file json{"signals-late-samples.json"};
  REQUIRE(::mkfifo(fifo.path.c_str(), 0600) == 0);
  auto child = phases_child("short", {"--summary-export", fifo.path, "--out", "json=" + json.path});
  REQUIRE(child.wait_for_stdout("iteration_duration", 20000ms));  // the summary is printed; the export is next
  std::this_thread::sleep_for(100ms);
  child.signal(SIGINT);
  std::this_thread::sleep_for(50ms);
  child.signal(SIGTERM);
  std::this_thread::sleep_for(50ms);
  child.signal(SIGINT);
  const int fd = ::open(fifo.path.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  std::string exported;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) exported.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  const int code = child.wait_for_exit(20000ms);
  INFO("stdout: " << child.out() << "\nstderr: " << child.err());
  CHECK(code == 0);  // the run had ended before the signals
  INFO("summary export: " << exported);
  CHECK(exported.starts_with("{"));
  CHECK(exported.find("\"iteration counted\"") != std::string::npos);
  CHECK(read_text(json.path).ends_with("}\n"));
}

TEST_CASE("a full disk is an error message naming the output, not a lost run") {
  // /dev/full fails every write with ENOSPC, as a full disk does.
  const temp_file exported{"disk-export.json"};
  auto child = phases_child("short", {"--out", "json=/dev/full", "--summary-export", "/dev/full"});
  const int code = child.wait_for_exit(20000ms);
  INFO("stdout: " << child.out() << "\nstderr: " << child.err());
  CHECK(child.out().find("iteration_duration") != std::string::npos);  // the summary is still printed
  CHECK(child.out().find("output errors: 1") != std::string::npos);
  CHECK(child.err().find("error: an observer failed in ") != std::string::npos);  // on_samples or on_tick: when it wrote
  CHECK(child.err().find(" and was detached: json (/dev/full): writing \"/dev/full\" failed: No space left on device") !=
        std::string::npos);
  CHECK(child.err().find("error: could not write the summary export to \"/dev/full\": No space left on device") !=
        std::string::npos);
  CHECK(code == 0);  // as k6: an output's failure is an error message; the thresholds passed
}

TEST_CASE("a disk that fills up during the run: the outputs that fit are written, the summary is printed") {
  // A 64 KiB tmpfs mounted in a mount namespace of the child's own (unshare -m), so nothing
  // outside it sees the mount. Needs root and util-linux's unshare.
  if (::geteuid() != 0 || std::system("command -v unshare >/dev/null 2>&1 && unshare -m true 2>/dev/null") != 0) {
    WARN("skipped: mounting a tmpfs needs root and unshare -m");
    return;
  }
  const temp_file dir{"small-disk"};
  const temp_file exported{"small-disk-export.json"};
  std::filesystem::create_directory(dir.path);
  const std::string script = "mount -t tmpfs -o size=64k tmpfs '" + dir.path + "' && exec \"$0\" \"$@\"";
  std::vector<std::string> environment{"STAMPEDE_PHASE=steady"};
  if (const char* path = std::getenv("PATH")) environment.push_back(std::string{"PATH="} + path);
  // 2 VUs for 3 s: several hundred KiB of JSON samples, more than the tmpfs holds.
  stampede_test::child child{{"-m", "sh", "-c", script, STAMPEDE_CLI_PHASES, "--threads", "1", "-d", "3s", "--out",
                              "json=" + dir.path + "/samples.json", "--summary-export", exported.path},
                             "/usr/bin/unshare", std::move(environment)};
  const int code = child.wait_for_exit(30000ms);
  INFO("stdout: " << child.out() << "\nstderr: " << child.err());
  CHECK(child.out().find("iteration_duration") != std::string::npos);
  CHECK(child.out().find("output errors: 1") != std::string::npos);
  CHECK(child.err().find("writing \"" + dir.path + "/samples.json\" failed: No space left on device") != std::string::npos);
  CHECK(code == 0);
  check_export(exported.path);  // on a disk with room
  std::error_code ignored;
  std::filesystem::remove_all(dir.path, ignored);
}

#else

TEST_CASE("signal and disk tests need POSIX and the phases child") {
  SUCCEED("not built: the child program is POSIX only");
}

#endif
