# Finds the test frameworks stampede integrates with, quietly. Used by stampede's own build
# (for the targets stampede::catch2 and stampede::gtest) and by the installed package config
# (for the components catch2 and gtest). Neither framework is a dependency of stampede::stampede.
#
# Macros, not functions: find_package's result variables must reach the caller.

# Catch2 v3 (Conan, vcpkg, upstream) or v2 (Debian 12's single header): Catch2::Catch2.
macro(_stampede_find_catch2)
  if(NOT TARGET Catch2::Catch2)
    find_package(Catch2 3 CONFIG QUIET)
    if(NOT Catch2_FOUND)
      find_package(Catch2 2 CONFIG QUIET)
    endif()
  endif()
endmacro()

# GoogleTest with GoogleMock: GTest::gmock. Its own config first (Debian, Conan, vcpkg and
# upstream install one), then CMake's FindGTest, which defines GTest::gmock since CMake 3.23.
macro(_stampede_find_gmock)
  if(NOT TARGET GTest::gmock)
    find_package(GTest CONFIG QUIET)
    if(NOT TARGET GTest::gmock)
      find_package(GTest QUIET)
    endif()
  endif()
endmacro()
