# The components of `find_package(stampede CONFIG REQUIRED COMPONENTS compiled catch2 gtest)`:
# the separately compiled library stampede::compiled (its targets file is loaded by the package
# config; here it is only checked) and the test-framework integrations stampede::catch2 and
# stampede::gtest. Included by the package config once stampede::stampede exists.
#
# A component's framework is looked for only when the component is asked for, so a consumer
# that does not use them never needs Catch2 or GoogleTest, and one that does gets a clear
# error at configure time rather than a missing target later. The integrations are headers
# only, so their targets are made here instead of exported: they do not depend on whether the
# machine that installed stampede had the frameworks. OPTIONAL_COMPONENTS work as usual
# (check stampede_catch2_FOUND / stampede_gtest_FOUND).

include("${CMAKE_CURRENT_LIST_DIR}/stampede-test-frameworks.cmake")

foreach(_stampede_component IN LISTS stampede_FIND_COMPONENTS)
  set(stampede_${_stampede_component}_FOUND FALSE)
  if(_stampede_component STREQUAL "compiled")
    # Not a test framework: the static library, loaded by the package config if installed.
    if(TARGET stampede::compiled AND DEFINED CMAKE_SIZEOF_VOID_P
       AND NOT CMAKE_SIZEOF_VOID_P STREQUAL _stampede_compiled_sizeof_void_p)
      set(stampede_FOUND FALSE)
      string(APPEND stampede_NOT_FOUND_MESSAGE
             "stampede's component compiled was built for ${_stampede_compiled_sizeof_void_p}-byte pointers, "
             "not this project's ${CMAKE_SIZEOF_VOID_P}; use stampede::stampede (header-only) or rebuild it.\n")
    elseif(TARGET stampede::compiled)
      set(stampede_compiled_FOUND TRUE)
    elseif(stampede_FIND_REQUIRED_compiled)
      set(stampede_FOUND FALSE)
      string(APPEND stampede_NOT_FOUND_MESSAGE
             "stampede's component compiled (the library stampede::compiled) is not in this install; "
             "it is built with STAMPEDE_COMPILED=ON, the default.\n")
    endif()
    continue()
  elseif(_stampede_component STREQUAL "catch2")
    _stampede_find_catch2()
    set(_stampede_framework_target Catch2::Catch2)
    set(_stampede_framework "Catch2 (v2 or v3; Debian: catch2, Conan: catch2/3.5.2, vcpkg: catch2)")
  elseif(_stampede_component STREQUAL "gtest")
    _stampede_find_gmock()
    set(_stampede_framework_target GTest::gmock)
    set(_stampede_framework "GoogleTest with GoogleMock (Debian: libgmock-dev, Conan: gtest/1.14.0, vcpkg: gtest)")
  else()
    set(stampede_FOUND FALSE)
    string(APPEND stampede_NOT_FOUND_MESSAGE
           "stampede has no component \"${_stampede_component}\"; its components are compiled, catch2 and gtest.\n")
    continue()
  endif()

  if(TARGET ${_stampede_framework_target})
    if(NOT TARGET stampede::${_stampede_component})
      add_library(stampede::${_stampede_component} INTERFACE IMPORTED)
      set_target_properties(stampede::${_stampede_component} PROPERTIES
        INTERFACE_LINK_LIBRARIES "stampede::stampede;${_stampede_framework_target}")
    endif()
    set(stampede_${_stampede_component}_FOUND TRUE)
  elseif(stampede_FIND_REQUIRED_${_stampede_component})
    set(stampede_FOUND FALSE)
    string(APPEND stampede_NOT_FOUND_MESSAGE
           "stampede's component ${_stampede_component} needs ${_stampede_framework}, which was not found.\n")
  endif()
endforeach()
unset(_stampede_component)
unset(_stampede_framework)
unset(_stampede_framework_target)
