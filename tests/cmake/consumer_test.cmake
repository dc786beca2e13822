# Builds and runs a consumer project against stampede; run as `cmake -P` by ctest.
#   MODE=find_package      install into a scratch prefix, find_package(stampede CONFIG REQUIRED)
#   MODE=build_tree        find_package with stampede_DIR set to the build folder (no install)
#   MODE=add_subdirectory  add_subdirectory(<stampede source>) from a consumer project
#   MODE=components        install, then find_package(stampede OPTIONAL_COMPONENTS catch2 gtest)
cmake_minimum_required(VERSION 3.21)

foreach(var MODE STAMPEDE_SOURCE_DIR STAMPEDE_BINARY_DIR WORK_DIR GENERATOR CMAKE_CXX_COMPILER)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "consumer_test.cmake: ${var} is not set")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " line "${ARGN}")
    message(FATAL_ERROR "failed (${rc}): ${line}")
  endif()
endfunction()

# Debug (-O0): every body a translation unit uses is emitted, which the check at the end reads.
set(configure_args -G "${GENERATOR}" "-DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}" -DCMAKE_BUILD_TYPE=Debug)
if(DEFINED CMAKE_C_COMPILER AND NOT CMAKE_C_COMPILER STREQUAL "")
  list(APPEND configure_args "-DCMAKE_C_COMPILER=${CMAKE_C_COMPILER}")
endif()
set(tests_dir "${STAMPEDE_SOURCE_DIR}/tests/cmake")
set(build "${WORK_DIR}/build")

if(MODE STREQUAL "find_package")
  set(prefix "${WORK_DIR}/prefix")
  file(REMOVE_RECURSE "${prefix}")  # no headers left over from an earlier install
  run("${CMAKE_COMMAND}" --install "${STAMPEDE_BINARY_DIR}" --prefix "${prefix}")
  foreach(f include/stampede/stampede.hpp include/stampede/version.hpp
            share/cmake/stampede/stampede-config.cmake share/cmake/stampede/stampede-config-version.cmake
            share/cmake/stampede/stampede-targets.cmake share/cmake/stampede/stampede-dependencies.cmake
            share/cmake/stampede/llhttp/CMakeLists.txt)
    if(NOT EXISTS "${prefix}/${f}")
      message(FATAL_ERROR "the install is missing ${f}")
    endif()
  endforeach()
  # The component `tool`: the standalone stampede program, which runs from the prefix.
  if(NOT EXISTS "${prefix}/bin/stampede")
    message(FATAL_ERROR "the install is missing bin/stampede (the component tool)")
  endif()
  run("${prefix}/bin/stampede" --help)
  run("${CMAKE_COMMAND}" -S "${tests_dir}/find_package" -B "${build}" ${configure_args}
      "-DCMAKE_PREFIX_PATH=${prefix}")

  # SameMinorVersion: a consumer asking for the next minor version must be refused.
  file(READ "${STAMPEDE_SOURCE_DIR}/include/stampede/version.hpp" version_hpp)
  string(REGEX MATCH "STAMPEDE_VERSION_MINOR ([0-9]+)" _ "${version_hpp}")
  math(EXPR next_minor "${CMAKE_MATCH_1} + 1")
  string(REGEX MATCH "STAMPEDE_VERSION_MAJOR ([0-9]+)" _ "${version_hpp}")
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -S "${tests_dir}/find_package" -B "${WORK_DIR}/build-wrong-version"
            ${configure_args} "-DCMAKE_PREFIX_PATH=${prefix}"
            "-DSTAMPEDE_REQUIRED_VERSION=${CMAKE_MATCH_1}.${next_minor}"
    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(rc EQUAL 0 OR NOT err MATCHES "stampede")
    message(FATAL_ERROR "find_package(stampede ${CMAKE_MATCH_1}.${next_minor}) was not refused:\n${err}")
  endif()
elseif(MODE STREQUAL "components")
  # The test-framework components, from a fresh install: each found framework's consumer
  # builds and runs; an unknown component is refused with a message naming the real ones.
  set(prefix "${WORK_DIR}/prefix")
  file(REMOVE_RECURSE "${prefix}")
  run("${CMAKE_COMMAND}" --install "${STAMPEDE_BINARY_DIR}" --prefix "${prefix}")
  run("${CMAKE_COMMAND}" -S "${tests_dir}/components" -B "${build}" ${configure_args}
      "-DCMAKE_PREFIX_PATH=${prefix}")
  run("${CMAKE_COMMAND}" --build "${build}" --config Debug)
  foreach(program consumer_catch2 consumer_gtest)
    if(EXISTS "${build}/${program}")
      run("${build}/${program}")
    else()
      message(STATUS "${program} not built: its framework was not found")
    endif()
  endforeach()
  file(WRITE "${WORK_DIR}/unknown/CMakeLists.txt"
       "cmake_minimum_required(VERSION 3.21)\nproject(unknown_component LANGUAGES CXX)\n"
       "find_package(stampede CONFIG REQUIRED COMPONENTS catch3)\n")
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -S "${WORK_DIR}/unknown" -B "${WORK_DIR}/build-unknown" ${configure_args}
            "-DCMAKE_PREFIX_PATH=${prefix}"
    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(rc EQUAL 0 OR NOT err MATCHES "no component \"catch3\"")
    message(FATAL_ERROR "find_package(stampede COMPONENTS catch3) was not refused as expected:\n${err}")
  endif()
  return()
elseif(MODE STREQUAL "build_tree")
  run("${CMAKE_COMMAND}" -S "${tests_dir}/find_package" -B "${build}" ${configure_args}
      "-Dstampede_DIR=${STAMPEDE_BINARY_DIR}")
elseif(MODE STREQUAL "add_subdirectory")
  run("${CMAKE_COMMAND}" -S "${tests_dir}/add_subdirectory" -B "${build}" ${configure_args}
      "-DSTAMPEDE_SOURCE_DIR=${STAMPEDE_SOURCE_DIR}")
else()
  message(FATAL_ERROR "unknown MODE ${MODE}")
endif()

run("${CMAKE_COMMAND}" --build "${build}" --config Debug)
run("${build}/consumer")
run("${build}/consumer_compiled")

# Header-only, the consumer's object file defines the library's bodies; against
# stampede::compiled it must define none of them (they come from the library). Checked on a few
# non-template functions from different modules, where nm is available.
find_program(NM nm)
if(NM)
  # A name, then "(" or an ABI tag such as "[abi:cxx11](" (no square brackets here: they
  # would stop CMake from splitting the list).
  set(bodies "stampede::run(\\(|.abi:)" "stampede::format_summary(\\(|.abi:)"
             "stampede::http::url::parse(\\(|.abi:)" "stampede::histogram::record(\\(|.abi:)")
  foreach(target consumer consumer_compiled)
    file(GLOB_RECURSE objects "${build}/CMakeFiles/${target}.dir/*.o")
    if(NOT objects)
      message(FATAL_ERROR "no object file of ${target} under ${build}/CMakeFiles")
    endif()
    execute_process(COMMAND "${NM}" -C --defined-only ${objects} OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "nm failed on ${objects}")
    endif()
    foreach(body IN LISTS bodies)
      string(REGEX MATCH " [TtWw] ${body}" defined "${symbols}")
      if(target STREQUAL "consumer" AND NOT defined)
        message(FATAL_ERROR "the header-only consumer does not define ${body}: is the check looking at the right symbols?")
      elseif(target STREQUAL "consumer_compiled" AND defined)
        message(FATAL_ERROR "the consumer of stampede::compiled compiled the body of ${body} itself")
      endif()
    endforeach()
  endforeach()
else()
  message(STATUS "nm not found: not checking which bodies the consumers compiled")
endif()
