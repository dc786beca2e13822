// The scaling module's non-template bodies, for a build with STAMPEDE_SEPARATE_COMPILATION:
// included once, by stampede/impl/src.hpp or one of the library's sources (src/).
#pragma once

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  error "stampede/scaling/impl/src.hpp is for builds that define STAMPEDE_SEPARATE_COMPILATION"
#endif

#include <stampede/scaling.hpp>

#include <stampede/scaling/impl/fit.ipp>
#include <stampede/scaling/impl/knee.ipp>
#include <stampede/scaling/impl/measurement.ipp>
#include <stampede/scaling/impl/curve.ipp>
#include <stampede/scaling/impl/expect.ipp>
