# stampede_precompile_headers(<target> [HEADERS <header>...])
#
# Precompiles stampede's headers for <target>'s C++ sources, so that each translation unit
# loads them instead of parsing them: <stampede/stampede.hpp> by default, or the given headers
# (e.g. <stampede/exec.hpp> <stampede/cli.hpp>). Works in both build modes; with
# stampede::compiled the header holds declarations only and is cheap to load. Link the target
# with stampede::stampede or stampede::compiled first, so the header is built with the same
# definitions. Equivalent to target_precompile_headers(<target> PRIVATE <stampede/stampede.hpp>).
function(stampede_precompile_headers target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "HEADERS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "stampede_precompile_headers: unexpected arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "stampede_precompile_headers: ${target} is not a target")
  endif()
  if(NOT arg_HEADERS)
    set(arg_HEADERS <stampede/stampede.hpp>)
  endif()
  target_precompile_headers(${target} PRIVATE ${arg_HEADERS})
endfunction()
