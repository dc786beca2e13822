// Fuzzes what a user types or writes for sp::main: parse_cli over arguments (the input split
// at NULs, or at newlines when it has none), with an environment of the arguments that look
// like `K6_NAME=value`; and parse_k6_options (cli/config_file.hpp) over the whole input as an
// options file. Oracle: each returns options or throws usage_error (parse_error included),
// the documented refusals — never another exception, which libFuzzer reports as a crash.
#include "fuzz_support.hpp"

#include <stampede/cli/config_file.hpp>
#include <stampede/cli/options.hpp>
#include <stampede/core/error.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sp = stampede;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = sp::fuzz::text(data, size);
  const auto args = sp::fuzz::split(input, input.find('\0') != std::string_view::npos ? '\0' : '\n');

  std::map<std::string, std::string, std::less<>> environment;
  for (const auto arg : args) {
    const auto eq = arg.find('=');
    if ((arg.starts_with("K6_") || arg.starts_with("NO_COLOR")) && eq != std::string_view::npos) {
      environment.emplace(arg.substr(0, eq), arg.substr(eq + 1));
    }
  }
  const sp::environment_lookup lookup = [&](std::string_view name) -> std::optional<std::string> {
    const auto found = environment.find(name);
    if (found == environment.end()) return std::nullopt;
    return found->second;
  };

  try {
    (void)sp::parse_cli(args);
  } catch (const sp::usage_error&) {
  }
  try {
    (void)sp::parse_cli(args, lookup);
  } catch (const sp::usage_error&) {
  }
  try {
    (void)sp::parse_k6_options(input, "fuzz.json");
  } catch (const sp::usage_error&) {
  }
  return 0;
}
