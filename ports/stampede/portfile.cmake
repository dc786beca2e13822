# vcpkg overlay port: `vcpkg install stampede --overlay-ports=<checkout>/ports`.
# It installs from the checkout it sits in, with stampede's own `cmake --install`: the same
# install that the find_package packaging test builds a consumer against.
set(VCPKG_BUILD_TYPE release)  # header-only: one configuration is all there is

get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)

vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS
  FEATURES
    tls STAMPEDE_WITH_TLS)

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

file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/lib" "${CURRENT_PACKAGES_DIR}/debug")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
