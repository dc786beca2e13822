# vcpkg overlay port: `vcpkg install stampede --overlay-ports=<checkout>/ports`.
# It installs from the checkout it sits in, with stampede's own `cmake --install`: the same
# install that the find_package packaging test builds a consumer against.
# One configuration: the headers are the same for every build type, and stampede::compiled (the
# `compiled` feature) is an optimised static library that debug builds link too.
set(VCPKG_BUILD_TYPE release)

get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)

vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS
  FEATURES
    tls STAMPEDE_WITH_TLS
    compiled STAMPEDE_COMPILED)

vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    -DSTAMPEDE_BUILD_TESTS=OFF
    -DSTAMPEDE_BUILD_EXAMPLES=OFF
    -DSTAMPEDE_BUILD_BENCHMARKS=OFF
    -DSTAMPEDE_INSTALL=ON
    ${FEATURE_OPTIONS})
vcpkg_cmake_install()
# share/cmake/stampede -> share/stampede, where vcpkg's find_package looks.
vcpkg_cmake_config_fixup(CONFIG_PATH share/cmake/stampede)

file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/debug")
if(NOT "compiled" IN_LIST FEATURES)
  file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/lib")
endif()
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
