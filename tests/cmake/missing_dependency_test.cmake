# Configures stampede with one required dependency hidden at a time and checks that the
# configuration stops with a message naming the Debian package, the Conan reference and the
# vcpkg port; run as `cmake -P` by ctest.
cmake_minimum_required(VERSION 3.23)  # CMAKE_IGNORE_PREFIX_PATH

foreach(var SOURCE_DIR WORK_DIR GENERATOR CMAKE_CXX_COMPILER)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "missing_dependency_test.cmake: ${var} is not set")
  endif()
endforeach()

# name | cache variable hiding it = value (commas for semicolons) | Debian | Conan | vcpkg
set(cases
  "asio|CMAKE_IGNORE_PREFIX_PATH=/usr,/usr/local,/|libasio-dev|asio/|vcpkg install asio"
  "llhttp|CMAKE_IGNORE_PATH=/usr/share/llhttp,/usr/share/include/llhttp,/usr/local/share/llhttp|node-llhttp|llhttp/|vcpkg install llhttp"
  "fmt|CMAKE_DISABLE_FIND_PACKAGE_fmt=ON|libfmt-dev|fmt/|vcpkg install fmt"
  "range-v3|CMAKE_DISABLE_FIND_PACKAGE_range-v3=ON|librange-v3-dev|range-v3/|vcpkg install range-v3")

foreach(case IN LISTS cases)
  string(REPLACE "|" ";" fields "${case}")
  list(GET fields 0 name)
  list(GET fields 1 hide)
  list(GET fields 2 debian)
  list(GET fields 3 conan)
  list(GET fields 4 vcpkg)
  set(build "${WORK_DIR}/${name}")
  file(REMOVE_RECURSE "${build}")
  # An initial-cache file carries values with semicolons, which a -D argument here cannot.
  string(REGEX REPLACE "^([^=]+)=(.*)$" "\\1" hide_var "${hide}")
  string(REGEX REPLACE "^([^=]+)=(.*)$" "\\2" hide_value "${hide}")
  string(REPLACE "," ";" hide_value "${hide_value}")
  file(WRITE "${build}-init.cmake" "set(${hide_var} \"${hide_value}\" CACHE STRING \"\")\n")
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -C "${build}-init.cmake" -S "${SOURCE_DIR}" -B "${build}" -G "${GENERATOR}"
            "-DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}"
            -DSTAMPEDE_BUILD_TESTS=OFF -DSTAMPEDE_BUILD_EXAMPLES=OFF
            -DSTAMPEDE_BUILD_BENCHMARKS=OFF -DSTAMPEDE_INSTALL=OFF
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc EQUAL 0)
    message(FATAL_ERROR "configuring with ${name} hidden (${hide}) succeeded; it should fail")
  endif()
  foreach(needle "${name}" "apt-get install ${debian}" "${conan}" "${vcpkg}")
    string(FIND "${err}" "${needle}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "with ${name} hidden, the error does not say \"${needle}\":\n${err}")
    endif()
  endforeach()
  message(STATUS "${name} hidden: configuration stops and names ${debian}, ${conan}…, ${vcpkg}")
  file(REMOVE_RECURSE "${build}" "${build}-init.cmake")
endforeach()
