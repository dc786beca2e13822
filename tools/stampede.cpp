// The standalone `stampede` tool: what needs no compiled test. `stampede merge FILE...` merges
// the result files (or logs) of the parts of any test that ran as execution segments and
// prints one summary; without the test it judges no thresholds (a test program's own `merge`
// verb does).
#include <stampede/cli/main.hpp>
#include <stampede/exec/result.hpp>

#include <cstdio>
#include <string_view>
#include <vector>

int main(int argc, char** argv) {
  std::vector<std::string_view> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  if (args.empty() || args.front() == "-h" || args.front() == "--help" || args.front() == "help") {
    std::fputs(
        "Usage: stampede merge FILE... [--summary-export FILE] [--out result=FILE|junit=FILE] [flags]\n\n"
        "Merges the result files (--out result=FILE) or logs (--out result=-) of the parts of a test\n"
        "that ran as execution segments and prints one k6 summary. Thresholds are judged by the test\n"
        "program's own 'merge' verb, which knows them.\n",
        args.empty() ? stderr : stdout);
    return args.empty() ? stampede::exit_code::invalid_config : stampede::exit_code::ok;
  }
  if (args.front() != "merge") {
    std::fprintf(stderr, "error: unknown command \"%.*s\"; stampede knows: merge\n", static_cast<int>(args.front().size()),
                 args.front().data());
    return stampede::exit_code::invalid_config;
  }
  return stampede::run_merge("stampede", std::span<const std::string_view>{args}.subspan(1), nullptr);
}
