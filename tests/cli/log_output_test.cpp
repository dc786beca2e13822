// --console-output and --log-output (k6's): their parsing from flags and K6_ variables, their
// errors, and where run_cli sends a VU's log lines and the options file's warnings.
#include <stampede/cli/main.hpp>
#include <stampede/cli/options.hpp>

#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"
#include "support/cli_run.hpp"
#include "support/temp_file.hpp"

#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sp = stampede;

namespace {

using environment = std::map<std::string, std::string, std::less<>>;

sp::cli_options parse(const std::vector<std::string_view>& args, const environment& env = {}) {
  return sp::parse_cli(args, [&env](std::string_view name) -> std::optional<std::string> {
    const auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

std::string error_of(const std::vector<std::string_view>& args, const environment& env = {}) {
  try {
    (void)parse(args, env);
  } catch (const sp::usage_error& e) {
    return e.what();
  }
  return "(no error)";
}

// One VU logs once, at info and at debug.
sp::load_test logging_test() {
  return {.scenarios = {{.name = "logs",
                         .exec = [](sp::vu& u) -> sp::task<> {
                           u.log("hello from the VU");
                           u.log("a debug line", sp::log_level::debug);
                           co_return;
                         },
                         .executor = sp::per_vu_iterations{.vus = 1, .iterations = 1}}}};
}

const std::vector<std::string> quiet_run{"--quiet", "--summary-mode=disabled", "--seed", "1"};

std::vector<std::string> with(std::vector<std::string> args) {
  args.insert(args.end(), quiet_run.begin(), quiet_run.end());
  return args;
}

constexpr std::string_view vu_line_tail = " level=info msg=\"hello from the VU\" source=console\n";

}  // namespace

TEST_CASE("log output: --log-output takes stderr, stdout, none and file=PATH with a level") {
  using kind = sp::log_destination::kind;
  CHECK(!parse({}).log_output);
  CHECK(parse({"--log-output", "stderr"}).log_output == sp::log_destination{});
  CHECK(parse({"--log-output=stdout"}).log_output == sp::log_destination{.to = kind::standard_output});
  CHECK(parse({"--log-output", "none"}).log_output == sp::log_destination{.to = kind::none});
  CHECK(parse({"--log-output", "file=k6.log"}).log_output == sp::log_destination{.to = kind::file, .path = "k6.log"});
  CHECK(parse({"--log-output", "file=k6.log,level=debug"}).log_output ==
        sp::log_destination{.to = kind::file, .path = "k6.log", .level = sp::log_level::debug});
  CHECK(parse({"--log-output", "file=k6.log,level=warning"}).log_output->level == sp::log_level::warning);
  CHECK(parse({"--console-output", "console.log"}).console_output == "console.log");
}

TEST_CASE("K6_LOG_OUTPUT and K6_CONSOLE_OUTPUT stand for the flags, which win") {
  const environment env{{"K6_LOG_OUTPUT", "none"}, {"K6_CONSOLE_OUTPUT", "from-env.log"}};
  const auto o = parse({}, env);
  CHECK(o.log_output == sp::log_destination{.to = sp::log_destination::kind::none});
  CHECK(o.console_output == "from-env.log");
  const auto flags = parse({"--log-output", "stdout", "--console-output", "flag.log"}, env);
  CHECK(flags.log_output->to == sp::log_destination::kind::standard_output);
  CHECK(flags.console_output == "flag.log");
  CHECK(error_of({}, {{"K6_LOG_OUTPUT", "bogus"}}).starts_with("K6_LOG_OUTPUT=bogus: expected stderr, stdout, none"));
}

TEST_CASE("log output: --log-output refuses loki and what it does not know") {
  CHECK(error_of({"--log-output", "loki=http://localhost:3100"}) ==
        "--log-output: \"loki=http://localhost:3100\": loki is not supported by stampede; use stderr, stdout, none or "
        "file=PATH");
  CHECK(error_of({"--log-output", "bogus"}) ==
        "--log-output: expected stderr, stdout, none, file=PATH or file=PATH,level=debug|info|warning|error, got "
        "\"bogus\"");
  CHECK(error_of({"--log-output", "file="}).starts_with("--log-output: expected file=PATH with a path"));
  CHECK(error_of({"--log-output", "file=a.log,level=trace"}) ==
        "--log-output: expected a level of debug, info, warning or error, got \"trace\"");
  CHECK(error_of({"--console-output="}).starts_with("--console-output: expected a file name"));
}

TEST_CASE("run_cli: flags it cannot use stop the program with 104") {
  const auto bad_flag = sp::testing::run_cli_captured(with({"--log-output", "loki=x"}), logging_test());
  CHECK(bad_flag.code == 104);
  CHECK(bad_flag.err.find("loki is not supported") != std::string::npos);

  const std::string missing = "/nonexistent-stampede-dir/console.log";
  const auto console = sp::testing::run_cli_captured(with({"--console-output", missing}), logging_test());
  CHECK(console.code == 104);
  CHECK(console.err.starts_with("error: --console-output: cannot open \"" + missing + "\": "));

  const auto log = sp::testing::run_cli_captured(with({"--log-output", "file=" + missing}), logging_test());
  CHECK(log.code == 104);
  CHECK(log.err.starts_with("error: --log-output: cannot open \"" + missing + "\": "));
}

TEST_CASE("run_cli: a VU's log line goes to stderr by default") {
  const auto o = sp::testing::run_cli_captured(with({}), logging_test());
  CHECK(o.code == 0);
  CHECK(o.err.find("time=\"") != std::string::npos);
  CHECK(o.err.find(vu_line_tail) != std::string::npos);
  CHECK(o.err.find("a debug line") == std::string::npos);  // k6's default level is info
  CHECK(o.out.find("hello from the VU") == std::string::npos);
}

TEST_CASE("run_cli: --console-output appends the lines to a file, and only there") {
  const stampede_test::temp_file file{"console-output.log"};
  {
    std::ofstream existing{file.path};
    existing << "earlier line\n";
  }
  const auto o = sp::testing::run_cli_captured(with({"--console-output", file.path}), logging_test());
  CHECK(o.code == 0);
  const auto text = stampede_test::read_text(file.path);
  CHECK(text.starts_with("earlier line\ntime=\""));
  CHECK(text.ends_with(vu_line_tail));
  CHECK(o.err.find("hello from the VU") == std::string::npos);
  CHECK(o.out.find("hello from the VU") == std::string::npos);
}

TEST_CASE("run_cli: --log-output none discards, stdout moves the lines to standard output") {
  const auto none = sp::testing::run_cli_captured(with({"--log-output", "none"}), logging_test());
  CHECK(none.code == 0);
  CHECK(none.err.find("hello from the VU") == std::string::npos);
  CHECK(none.out.find("hello from the VU") == std::string::npos);

  const auto out = sp::testing::run_cli_captured(with({"--log-output", "stdout"}), logging_test());
  CHECK(out.code == 0);
  CHECK(out.out.find(vu_line_tail) != std::string::npos);
  CHECK(out.err.find("hello from the VU") == std::string::npos);
}

TEST_CASE("run_cli: --log-output file=PATH,level=debug shows debug lines, and the options file's warnings") {
  const stampede_test::temp_file log{"log-output.log"};
  const stampede_test::temp_file options{"log-output-options.json"};
  {
    std::ofstream json{options.path};
    json << R"({"cloud": {"name": "x"}})";
  }
  const auto o = sp::testing::run_cli_captured(
      with({"--log-output", "file=" + log.path + ",level=debug", "--config", options.path}), logging_test());
  CHECK(o.code == 0);
  const auto text = stampede_test::read_text(log.path);
  CHECK(text.find(" level=warning msg=") != std::string::npos);
  CHECK(text.find("ignoring cloud") != std::string::npos);
  CHECK(text.find(vu_line_tail) != std::string::npos);
  CHECK(text.find(" level=debug msg=\"a debug line\" source=console\n") != std::string::npos);
  CHECK(o.err.find("warning") == std::string::npos);
  CHECK(o.err.find("hello from the VU") == std::string::npos);
}
