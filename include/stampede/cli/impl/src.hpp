// The cli module's non-template bodies, for a build with STAMPEDE_SEPARATE_COMPILATION:
// included once, by stampede/impl/src.hpp or one of the library's sources (src/).
#pragma once

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  error "stampede/cli/impl/src.hpp is for builds that define STAMPEDE_SEPARATE_COMPILATION"
#endif

#include <stampede/cli.hpp>

#include <stampede/cli/impl/config_file.ipp>
#include <stampede/cli/impl/options.ipp>
#include <stampede/cli/impl/segment_flags.ipp>
#include <stampede/cli/impl/main.ipp>
