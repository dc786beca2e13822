// A file in the system's temporary folder for a test to write (an output's file, a result
// file), removed when the test ends, and reading a file back whole.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#if defined(_WIN32)
#  include <process.h>
#else
#  include <unistd.h>
#endif

namespace stampede_test {

/// `<temp>/stampede-<pid>-<name>`: unique per process, so parallel test binaries never share one.
class temp_file {
 public:
  explicit temp_file(const std::string& name)
      : path{(std::filesystem::temp_directory_path() / ("stampede-" + std::to_string(::getpid()) + "-" + name)).string()} {}
  ~temp_file() {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;

  const std::string path;
};

/// The whole content of the file at `path`; empty if it cannot be read.
inline std::string read_text(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

}  // namespace stampede_test
