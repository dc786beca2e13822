// The core module's non-template bodies, for a build with STAMPEDE_SEPARATE_COMPILATION:
// included once, by stampede/impl/src.hpp or one of the library's sources (src/).
#pragma once

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  error "stampede/core/impl/src.hpp is for builds that define STAMPEDE_SEPARATE_COMPILATION"
#endif

#include <stampede/core.hpp>

#include <stampede/core/impl/json.ipp>
#include <stampede/core/impl/json_writer.ipp>
#include <stampede/core/impl/table.ipp>
#include <stampede/core/impl/units.ipp>
#include <stampede/core/impl/timestamp.ipp>
#include <stampede/core/impl/log.ipp>
