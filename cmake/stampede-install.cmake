# Install rules and package files: headers, the exported target, a config that finds the
# dependencies the same way the build did, a version file, and a build-tree export.

include(CMakePackageConfigHelpers)

set(STAMPEDE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/cmake/stampede"
    CACHE STRING "Where stampede-config.cmake is installed, relative to the prefix")

install(TARGETS stampede EXPORT stampede-targets)
# stampede_catch2 and stampede_gtest are not exported: the config makes stampede::catch2 and
# stampede::gtest as components (cmake/stampede-components.cmake), whether or not this build
# found the frameworks.
install(DIRECTORY include/stampede DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
        FILES_MATCHING PATTERN "*.hpp" PATTERN "*.ipp")

# The component `compiled`: the static library and its own export file, which the package
# config loads when present (find_package(stampede CONFIG REQUIRED COMPONENTS compiled)).
if(TARGET stampede_compiled)
  install(TARGETS stampede_compiled EXPORT stampede-compiled-targets
          ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT compiled)
  install(EXPORT stampede-compiled-targets NAMESPACE stampede:: FILE stampede-compiled-targets.cmake
          DESTINATION "${STAMPEDE_INSTALL_CMAKEDIR}" COMPONENT compiled)
  export(EXPORT stampede-compiled-targets NAMESPACE stampede::
         FILE "${PROJECT_BINARY_DIR}/stampede-compiled-targets.cmake")
endif()

# The component `tool`: the standalone `stampede` program (stampede merge).
if(TARGET stampede_tool)
  install(TARGETS stampede_tool RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT tool)
endif()

configure_package_config_file(cmake/stampede-config.cmake.in
  "${PROJECT_BINARY_DIR}/package/stampede-config.cmake"
  INSTALL_DESTINATION "${STAMPEDE_INSTALL_CMAKEDIR}"
  NO_SET_AND_CHECK_MACRO NO_CHECK_REQUIRED_COMPONENTS_MACRO)
# While stampede is 0.x a minor version may break the API, so 0.1 does not satisfy 0.2.
# The headers serve 32- and 64-bit consumers alike; the compiled component checks the pointer
# size it was built for (cmake/stampede-components.cmake).
write_basic_package_version_file("${PROJECT_BINARY_DIR}/package/stampede-config-version.cmake"
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)

install(EXPORT stampede-targets NAMESPACE stampede:: FILE stampede-targets.cmake
        DESTINATION "${STAMPEDE_INSTALL_CMAKEDIR}")
install(FILES
  "${PROJECT_BINARY_DIR}/package/stampede-config.cmake"
  "${PROJECT_BINARY_DIR}/package/stampede-config-version.cmake"
  cmake/stampede-dependencies.cmake
  cmake/stampede-components.cmake
  cmake/stampede-precompile-headers.cmake
  cmake/stampede-test-frameworks.cmake
  DESTINATION "${STAMPEDE_INSTALL_CMAKEDIR}")
install(FILES cmake/llhttp/CMakeLists.txt DESTINATION "${STAMPEDE_INSTALL_CMAKEDIR}/llhttp")

# Build-tree export: find_package(stampede) with stampede_DIR=<this build folder> works
# without installing.
export(EXPORT stampede-targets NAMESPACE stampede:: FILE "${PROJECT_BINARY_DIR}/stampede-targets.cmake")
configure_file("${PROJECT_BINARY_DIR}/package/stampede-config-version.cmake"
               "${PROJECT_BINARY_DIR}/stampede-config-version.cmake" COPYONLY)
file(WRITE "${PROJECT_BINARY_DIR}/stampede-config.cmake"
  "# Build-tree config of stampede (generated).\n"
  "include(\"${PROJECT_SOURCE_DIR}/cmake/stampede-dependencies.cmake\")\n"
  "include(\"\${CMAKE_CURRENT_LIST_DIR}/stampede-targets.cmake\")\n"
  "include(\"\${CMAKE_CURRENT_LIST_DIR}/stampede-compiled-targets.cmake\" OPTIONAL)\n"
  "set(_stampede_compiled_sizeof_void_p ${CMAKE_SIZEOF_VOID_P})\n"
  "include(\"${PROJECT_SOURCE_DIR}/cmake/stampede-components.cmake\")\n"
  "include(\"${PROJECT_SOURCE_DIR}/cmake/stampede-precompile-headers.cmake\")\n")
