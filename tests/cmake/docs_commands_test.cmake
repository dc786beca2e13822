# Checks the programs the docs tell people to run: every build/examples/<name> or
# build/benchmarks/<name> in README.md and docs/ is a target of that folder, and the README,
# whose commands people copy first, says how to build each one it names (`--target <name>`);
# scripts/demo builds only the demo it runs. Run as `cmake -P` by ctest.
cmake_minimum_required(VERSION 3.21)

file(GLOB docs "${SOURCE_DIR}/docs/*.md")
set(problems "")
foreach(doc "${SOURCE_DIR}/README.md" ${docs})
  file(READ "${doc}" text)
  file(RELATIVE_PATH name "${SOURCE_DIR}" "${doc}")
  string(REGEX MATCHALL "build/(examples|benchmarks)/[a-z0-9_]+" programs "${text}")
  list(REMOVE_DUPLICATES programs)
  foreach(program IN LISTS programs)
    string(REGEX REPLACE "^build/([a-z]+)/.*" "\\1" folder "${program}")
    string(REGEX REPLACE "^build/[a-z]+/" "" target "${program}")
    file(READ "${SOURCE_DIR}/${folder}/CMakeLists.txt" cmake)
    # add_executable(<name> ...), or a foreach over *_bench.cpp that makes stampede_<stem>.
    string(REGEX REPLACE "^stampede_" "" stem "${target}")
    if(NOT cmake MATCHES "add_executable\\(${target}[ )]" AND NOT EXISTS "${SOURCE_DIR}/${folder}/${stem}.cpp")
      list(APPEND problems "${name} runs ${program}, which ${folder}/CMakeLists.txt does not build")
    endif()
    if(name STREQUAL "README.md" AND NOT text MATCHES "--target ${target}")
      list(APPEND problems "README.md runs ${program} without saying how to build it (--target ${target})")
    endif()
  endforeach()
endforeach()
if(problems)
  list(JOIN problems "\n  " problems)
  message(FATAL_ERROR "programs named in the docs:\n  ${problems}")
endif()
message(STATUS "every program the docs run is built, and the README says how")
