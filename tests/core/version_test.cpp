// Tests that the version macros and string agree (CMake and the recipes read the macros).
#include <stampede/version.hpp>

#include "support/catch_compat.hpp"

#include <string>

TEST_CASE("version_string spells the STAMPEDE_VERSION_* macros") {
  const auto expected = std::to_string(STAMPEDE_VERSION_MAJOR) + "." +
                        std::to_string(STAMPEDE_VERSION_MINOR) + "." +
                        std::to_string(STAMPEDE_VERSION_PATCH);
  CHECK(std::string{stampede::version_string} == expected);
  CHECK(STAMPEDE_VERSION ==
        STAMPEDE_VERSION_MAJOR * 10000 + STAMPEDE_VERSION_MINOR * 100 + STAMPEDE_VERSION_PATCH);
}
