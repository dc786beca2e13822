// run_cli in process with stdout and stderr captured in temporary files: what a shell would see
// of a compiled test's command line, for tests of its flags and verbs.
#pragma once

#include <stampede/cli/main.hpp>

#include "support/catch_compat.hpp"
#include "support/file_text.hpp"

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace stampede::testing {

struct cli_outcome {
  int code = -1;
  std::string out;
  std::string err;
};

/// `run_cli("todos", args, test)` with its streams captured.
inline cli_outcome run_cli_captured(const std::vector<std::string_view>& args, load_test test) {
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  REQUIRE(out != nullptr);
  REQUIRE(err != nullptr);
  const int code = run_cli("todos", args, std::move(test), out, err);
  cli_outcome o{code, file_text(out), file_text(err)};
  std::fclose(out);
  std::fclose(err);
  return o;
}

inline cli_outcome run_cli_captured(const std::vector<std::string>& args, load_test test) {
  return run_cli_captured(std::vector<std::string_view>(args.begin(), args.end()), std::move(test));
}

}  // namespace stampede::testing
