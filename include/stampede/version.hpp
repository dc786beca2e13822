// stampede's version: the single source that CMake, Conan and vcpkg read it from.
#pragma once

#define STAMPEDE_VERSION_MAJOR 0
#define STAMPEDE_VERSION_MINOR 1
#define STAMPEDE_VERSION_PATCH 0

/// The version as one number, MMmmpp: 0.1.0 is 100, 1.2.3 is 10203.
#define STAMPEDE_VERSION \
  (STAMPEDE_VERSION_MAJOR * 10000 + STAMPEDE_VERSION_MINOR * 100 + STAMPEDE_VERSION_PATCH)

namespace stampede {

/// The library's version, e.g. "0.1.0".
inline constexpr const char* version_string = "0.1.0";

}  // namespace stampede
