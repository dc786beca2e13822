// One include for Catch2 v2 (Debian's single header) and v3 (Conan, vcpkg, upstream).
#pragma once

// CMake defines STAMPEDE_CATCH2_MAJOR from the Catch2 package it found; the fallback lets
// a test be compiled by hand against whichever Catch2 is on the include path.
#if !defined(STAMPEDE_CATCH2_MAJOR)
#  if __has_include(<catch2/catch_all.hpp>)
#    define STAMPEDE_CATCH2_MAJOR 3
#  else
#    define STAMPEDE_CATCH2_MAJOR 2
#  endif
#endif

#if STAMPEDE_CATCH2_MAJOR >= 3
#  include <catch2/catch_all.hpp>
// v2 has Approx at global scope; v3 moved it into Catch.
using Catch::Approx;
#else
#  include <catch2/catch.hpp>
#endif
