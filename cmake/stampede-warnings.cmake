# Warning and sanitizer flags for stampede's own targets (tests, examples, benchmarks).
# They live on stampede_project_options, which is never exported: consumers of
# stampede::stampede compile with their own flags.

add_library(stampede_project_options INTERFACE)

if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(stampede_project_options INTERFACE
    -Wall -Wextra -Wpedantic
    -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast -Wcast-qual
    -Wnon-virtual-dtor -Woverloaded-virtual
    -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough -Wundef)
  # Not -Wnull-dereference: gcc 12 decides it after inlining and reports it inside Asio's
  # scheduler (system headers are not exempt from flow-based warnings), at -O2 only.
  if(STAMPEDE_WARNINGS_AS_ERRORS)
    target_compile_options(stampede_project_options INTERFACE -Werror)
  endif()
elseif(MSVC)
  target_compile_options(stampede_project_options INTERFACE /W4 /permissive- /utf-8)
  if(STAMPEDE_WARNINGS_AS_ERRORS)
    target_compile_options(stampede_project_options INTERFACE /WX)
  endif()
endif()

if(STAMPEDE_SANITIZE)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    message(FATAL_ERROR "STAMPEDE_SANITIZE needs gcc or clang, not ${CMAKE_CXX_COMPILER_ID}")
  endif()
  target_compile_options(stampede_project_options INTERFACE
    -fsanitize=${STAMPEDE_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(stampede_project_options INTERFACE -fsanitize=${STAMPEDE_SANITIZE})
  # clang 14's -fsanitize=function (part of "undefined") puts prologue data on the split
  # parts of a coroutine and the backend fails with "Cannot represent a difference across
  # sections". Every other UBSan check stays on.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 16
     AND STAMPEDE_SANITIZE MATCHES "undefined")
    target_compile_options(stampede_project_options INTERFACE -fno-sanitize=function)
  endif()
endif()

# The compiled library is stampede's own code too: same warnings and sanitizers (compile
# options only; stampede_project_options itself is not exported with it).
if(TARGET stampede_compiled)
  target_compile_options(stampede_compiled PRIVATE
    $<TARGET_PROPERTY:stampede_project_options,INTERFACE_COMPILE_OPTIONS>)
endif()
