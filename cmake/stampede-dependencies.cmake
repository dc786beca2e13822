# Finds stampede's dependencies and gathers them behind one target, stampede::dependencies.
#
# Included by the project's CMakeLists.txt and by the installed stampede-config.cmake, so a
# consumer resolves dependencies exactly as our own build does. Each package is looked for as
# Conan and vcpkg export it first, then as Debian ships it. stampede::stampede links only
# stampede::dependencies: whatever the providers call their targets, the exported stampede
# target names one thing that this file always (re)creates.
#
# Inputs (cache or normal variables, all optional):
#   STAMPEDE_WITH_TLS          ON/OFF to require or refuse OpenSSL; unset: use it when found.
#   STAMPEDE_LLHTTP_SOURCE_DIR where llhttp's C sources are when no llhttp package exists
#                              (default: Debian's node-llhttp, /usr/share/llhttp).
# Outputs:
#   stampede::dependencies     INTERFACE IMPORTED target.
#   STAMPEDE_WITH_TLS          ON when OpenSSL was found and wanted.
#   STAMPEDE_ASIO_VERSION      e.g. 1.22.1

# Safe to include more than once: every target is created only if it does not exist yet.

set(_stampede_deps_dir "${CMAKE_CURRENT_LIST_DIR}")

# One message format for every missing package: what it is and how each packager names it.
function(_stampede_missing what debian conan vcpkg)
  message(FATAL_ERROR
    "stampede: ${what} was not found.\n"
    "  Debian/Ubuntu: sudo apt-get install ${debian}   (or run scripts/setup)\n"
    "  Conan:         add \"${conan}\" to your requires\n"
    "  vcpkg:         vcpkg install ${vcpkg}\n"
    "  or point CMAKE_PREFIX_PATH at an install that provides it.")
endfunction()

# Reads a numeric #define from a header; sets out_var to its value or leaves it empty.
function(_stampede_read_define header name out_var)
  set(value "")
  if(EXISTS "${header}")
    file(STRINGS "${header}" line REGEX "^#[ \t]*define[ \t]+${name}[ \t]+[0-9]+")
    string(REGEX REPLACE "^#[ \t]*define[ \t]+${name}[ \t]+([0-9]+).*" "\\1" value "${line}")
  endif()
  set(${out_var} "${value}" PARENT_SCOPE)
endfunction()

# --- Threads -----------------------------------------------------------------------------
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)

# --- Asio (standalone) -------------------------------------------------------------------
# Conan and vcpkg export asio::asio. Debian's libasio-dev ships headers only, so we make the
# same target by hand; ASIO_STANDALONE keeps it from looking for Boost.
if(NOT TARGET asio::asio)
  find_package(asio CONFIG QUIET)
endif()
if(TARGET asio::asio)
  get_target_property(_stampede_asio_inc asio::asio INTERFACE_INCLUDE_DIRECTORIES)
  find_path(STAMPEDE_ASIO_INCLUDE_DIR asio/version.hpp HINTS ${_stampede_asio_inc} NO_DEFAULT_PATH)
  if(NOT STAMPEDE_ASIO_INCLUDE_DIR)
    find_path(STAMPEDE_ASIO_INCLUDE_DIR asio/version.hpp)
  endif()
else()
  find_path(STAMPEDE_ASIO_INCLUDE_DIR asio.hpp)
  if(NOT STAMPEDE_ASIO_INCLUDE_DIR)
    _stampede_missing("standalone Asio (asio.hpp)" "libasio-dev" "asio/1.28.1" "asio")
  endif()
  add_library(asio::asio INTERFACE IMPORTED)
  set_target_properties(asio::asio PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${STAMPEDE_ASIO_INCLUDE_DIR}"
    INTERFACE_COMPILE_DEFINITIONS "ASIO_STANDALONE"
    INTERFACE_LINK_LIBRARIES "Threads::Threads")
endif()
_stampede_read_define("${STAMPEDE_ASIO_INCLUDE_DIR}/asio/version.hpp" ASIO_VERSION _stampede_asio_num)
if(_stampede_asio_num STREQUAL "")
  message(FATAL_ERROR "stampede: cannot read ASIO_VERSION from ${STAMPEDE_ASIO_INCLUDE_DIR}/asio/version.hpp")
endif()
math(EXPR _stampede_asio_major "${_stampede_asio_num} / 100000")
math(EXPR _stampede_asio_minor "${_stampede_asio_num} / 100 % 1000")
math(EXPR _stampede_asio_patch "${_stampede_asio_num} % 100")
set(STAMPEDE_ASIO_VERSION "${_stampede_asio_major}.${_stampede_asio_minor}.${_stampede_asio_patch}")
if(STAMPEDE_ASIO_VERSION VERSION_LESS 1.22)
  message(FATAL_ERROR "stampede: Asio ${STAMPEDE_ASIO_VERSION} is too old; 1.22 or newer is needed "
                      "(C++20 coroutines and experimental::as_tuple).")
endif()

# --- llhttp ------------------------------------------------------------------------------
# Conan: llhttp::llhttp. vcpkg and upstream: llhttp::llhttp_static or llhttp::llhttp_shared.
# Debian's node-llhttp ships only the C sources; we compile them once, at configure time, into
# a static library in this build tree and wrap it in an IMPORTED target. (An ALIAS of a real
# target here would have to be exported with stampede, which install(EXPORT) refuses.)
if(NOT TARGET llhttp::llhttp AND NOT TARGET llhttp::llhttp_static AND NOT TARGET llhttp::llhttp_shared)
  find_package(llhttp CONFIG QUIET)
endif()
if(TARGET llhttp::llhttp)
  set(_stampede_llhttp llhttp::llhttp)
elseif(TARGET llhttp::llhttp_static)
  set(_stampede_llhttp llhttp::llhttp_static)
elseif(TARGET llhttp::llhttp_shared)
  set(_stampede_llhttp llhttp::llhttp_shared)
else()
  find_path(STAMPEDE_LLHTTP_SOURCE_DIR llhttp.c api.c http.c
    HINTS /usr/share/llhttp /usr/local/share/llhttp
    DOC "Directory with llhttp's C sources (Debian's node-llhttp)")
  find_path(STAMPEDE_LLHTTP_INCLUDE_DIR llhttp.h
    HINTS "${STAMPEDE_LLHTTP_SOURCE_DIR}" /usr/share/include/llhttp /usr/local/share/include/llhttp
    DOC "Directory with llhttp.h")
  if(NOT STAMPEDE_LLHTTP_SOURCE_DIR OR NOT STAMPEDE_LLHTTP_INCLUDE_DIR)
    _stampede_missing("llhttp (a CMake package, or its C sources)" "node-llhttp" "llhttp/9.1.3" "llhttp")
  endif()

  # Built once per build tree, outside the consumer's own targets, with the same C compiler
  # when the consumer has one. Rebuilt only if the archive or its sources change.
  set(_stampede_llhttp_bin "${CMAKE_BINARY_DIR}/_stampede/llhttp")
  set(_stampede_llhttp_lib "${_stampede_llhttp_bin}/lib/${CMAKE_STATIC_LIBRARY_PREFIX}stampede_llhttp${CMAKE_STATIC_LIBRARY_SUFFIX}")
  if(NOT CMAKE_STATIC_LIBRARY_SUFFIX)
    set(_stampede_llhttp_lib "${_stampede_llhttp_bin}/lib/libstampede_llhttp.a")
  endif()
  set(_stampede_llhttp_args
    -S "${_stampede_deps_dir}/llhttp" -B "${_stampede_llhttp_bin}/build"
    -G "${CMAKE_GENERATOR}"
    "-DCMAKE_BUILD_TYPE=Release"
    "-DLLHTTP_SOURCE_DIR=${STAMPEDE_LLHTTP_SOURCE_DIR}"
    "-DLLHTTP_INCLUDE_DIR=${STAMPEDE_LLHTTP_INCLUDE_DIR}"
    "-DOUTPUT_DIR=${_stampede_llhttp_bin}/lib")
  if(CMAKE_C_COMPILER)
    list(APPEND _stampede_llhttp_args "-DCMAKE_C_COMPILER=${CMAKE_C_COMPILER}")
  endif()
  if(NOT EXISTS "${_stampede_llhttp_lib}")
    message(STATUS "stampede: building llhttp from ${STAMPEDE_LLHTTP_SOURCE_DIR}")
    execute_process(COMMAND "${CMAKE_COMMAND}" ${_stampede_llhttp_args}
      RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
    if(_rc EQUAL 0)
      execute_process(COMMAND "${CMAKE_COMMAND}" --build "${_stampede_llhttp_bin}/build" --config Release
        RESULT_VARIABLE _rc OUTPUT_VARIABLE _out2 ERROR_VARIABLE _out2)
      string(APPEND _out "${_out2}")
    endif()
    if(NOT _rc EQUAL 0 OR NOT EXISTS "${_stampede_llhttp_lib}")
      message(FATAL_ERROR "stampede: building llhttp from ${STAMPEDE_LLHTTP_SOURCE_DIR} failed:\n${_out}")
    endif()
  endif()
  if(NOT TARGET stampede::llhttp_from_sources)
    add_library(stampede::llhttp_from_sources STATIC IMPORTED)
    set_target_properties(stampede::llhttp_from_sources PROPERTIES
      IMPORTED_LOCATION "${_stampede_llhttp_lib}"
      IMPORTED_LINK_INTERFACE_LANGUAGES C
      INTERFACE_INCLUDE_DIRECTORIES "${STAMPEDE_LLHTTP_INCLUDE_DIR}")
  endif()
  set(_stampede_llhttp stampede::llhttp_from_sources)
endif()

# --- fmt ---------------------------------------------------------------------------------
if(NOT TARGET fmt::fmt AND NOT TARGET fmt::fmt-header-only)
  find_package(fmt CONFIG QUIET)
endif()
if(TARGET fmt::fmt)
  set(_stampede_fmt fmt::fmt)
elseif(TARGET fmt::fmt-header-only)
  set(_stampede_fmt fmt::fmt-header-only)
else()
  _stampede_missing("fmt (8 or newer)" "libfmt-dev" "fmt/10.2.1" "fmt")
endif()

# --- range-v3 ----------------------------------------------------------------------------
if(NOT TARGET range-v3::range-v3)
  find_package(range-v3 CONFIG QUIET)
endif()
if(TARGET range-v3::range-v3)
  set(_stampede_range_v3 range-v3::range-v3)
elseif(TARGET range-v3)
  set(_stampede_range_v3 range-v3)
else()
  _stampede_missing("range-v3" "librange-v3-dev" "range-v3/0.12.0" "range-v3")
endif()

# --- OpenSSL (optional: https:// URLs) --------------------------------------------------
if(NOT DEFINED STAMPEDE_WITH_TLS OR STAMPEDE_WITH_TLS)
  find_package(OpenSSL QUIET)
  if(OPENSSL_FOUND)
    set(STAMPEDE_WITH_TLS ON)
  elseif(STAMPEDE_WITH_TLS)
    _stampede_missing("OpenSSL (asked for by STAMPEDE_WITH_TLS=ON)" "libssl-dev" "openssl/3.2.1" "openssl")
  else()
    set(STAMPEDE_WITH_TLS OFF)
  endif()
endif()

# --- The one target stampede::stampede links -------------------------------------------
if(NOT TARGET stampede::dependencies)
  add_library(stampede::dependencies INTERFACE IMPORTED)
  set(_stampede_libs asio::asio ${_stampede_llhttp} ${_stampede_fmt} ${_stampede_range_v3} Threads::Threads)
  set(_stampede_defs ASIO_STANDALONE)
  if(STAMPEDE_WITH_TLS)
    list(APPEND _stampede_libs OpenSSL::SSL OpenSSL::Crypto)
    list(APPEND _stampede_defs STAMPEDE_WITH_TLS=1)
  else()
    list(APPEND _stampede_defs STAMPEDE_WITH_TLS=0)
  endif()
  # clang with libstdc++ has coroutines, but Asio before 1.26 only enables them for gcc and
  # MSVC; tell it explicitly. Newer Asio detects clang itself.
  if(STAMPEDE_ASIO_VERSION VERSION_LESS 1.26)
    list(APPEND _stampede_defs "$<$<CXX_COMPILER_ID:Clang>:ASIO_HAS_CO_AWAIT=1>")
  endif()
  # Asio frees its recycled memory with std::free or operator delete depending on
  # _GLIBCXX_HAVE_ALIGNED_ALLOC, which clang sees only once a standard header has been included:
  # a translation unit that includes Asio first decides otherwise than one that includes
  # <cstddef> first, and memory from one's inline aligned_new reaches the other's
  # aligned_delete (AddressSanitizer: alloc-dealloc-mismatch, once stampede::compiled and a
  # test decided differently). One choice for every translation unit: operator new/delete,
  # which is also what g++ 12 picks with Asio 1.22.
  list(APPEND _stampede_defs ASIO_DISABLE_STD_ALIGNED_ALLOC)
  set_target_properties(stampede::dependencies PROPERTIES
    INTERFACE_LINK_LIBRARIES "${_stampede_libs}"
    INTERFACE_COMPILE_DEFINITIONS "${_stampede_defs}")
endif()
