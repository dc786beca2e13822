// Golden-file comparison for report output: the expected text lives in tests/<path>; run
// the tests with STAMPEDE_UPDATE_GOLDEN=1 to write it from the current output (then review
// the diff before committing).
#pragma once

#include "support/catch_compat.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace stampede_test {

inline void check_golden(const std::string& relative_path, const std::string& actual) {
  const std::string path = std::string{STAMPEDE_TESTS_DIR} + "/" + relative_path;
  if (const char* update = std::getenv("STAMPEDE_UPDATE_GOLDEN"); update != nullptr && std::string{update} == "1") {
    std::ofstream{path, std::ios::binary} << actual;
  }
  std::ifstream in{path, std::ios::binary};
  INFO("golden file " << path << " (STAMPEDE_UPDATE_GOLDEN=1 rewrites it)");
  REQUIRE(in.good());
  const std::string expected{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  CHECK(actual == expected);
}

}  // namespace stampede_test
