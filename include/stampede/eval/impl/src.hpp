// The eval module's non-template bodies, for a build with STAMPEDE_SEPARATE_COMPILATION:
// included once, by stampede/impl/src.hpp or one of the library's sources (src/).
#pragma once

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  error "stampede/eval/impl/src.hpp is for builds that define STAMPEDE_SEPARATE_COMPILATION"
#endif

#include <stampede/eval.hpp>

#include <stampede/eval/impl/check.ipp>
#include <stampede/eval/impl/threshold.ipp>
#include <stampede/eval/impl/window_tracker.ipp>
