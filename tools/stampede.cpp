// The standalone `stampede` tool: what needs no compiled test. `stampede merge FILE...` merges
// the result files (or logs) of the parts of any test that ran as execution segments and
// prints one summary; `stampede report FILE... -o REPORT.html` writes their HTML report;
// `stampede compare BASE.json NEW.json...` sets runs side by side.
// Without the test it judges no thresholds (a test program's own `merge` and `report` verbs
// do).
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
        "Usage: stampede merge FILE... [--summary-export FILE] [--out result=FILE|junit=FILE|html=FILE] [flags]\n"
        "       stampede report FILE... -o REPORT.html [--title TITLE]\n"
        "       stampede compare BASE.json NEW.json [MORE.json...] [--by name|scenario|none]\n"
        "                        [--format text|markdown|html] [-o FILE] [--tolerance PCT]\n\n"
        "merge: merges the result files (--out result=FILE) or logs (--out result=-) of the parts of a\n"
        "test that ran as execution segments and prints one k6 summary.\n"
        "report: writes the HTML report of a result file, or of such parts merged.\n"
        "compare: compares runs with the first, endpoint by endpoint, marking the changes beyond\n"
        "sampling noise; --tolerance PCT exits 99 on a regression larger than PCT.\n"
        "Thresholds are judged by the test program's own 'merge' and 'report' verbs, which know them.\n",
        args.empty() ? stderr : stdout);
    return args.empty() ? stampede::exit_code::invalid_config : stampede::exit_code::ok;
  }
  const auto rest = std::span<const std::string_view>{args}.subspan(1);
  if (args.front() == "merge") return stampede::run_merge("stampede", rest, nullptr);
  if (args.front() == "report") return stampede::run_report("stampede", rest, nullptr);
  if (args.front() == "compare") return stampede::run_compare("stampede", rest, nullptr);
  std::fprintf(stderr, "error: unknown command \"%.*s\"; stampede knows: merge, report, compare\n",
               static_cast<int>(args.front().size()), args.front().data());
  return stampede::exit_code::invalid_config;
}
