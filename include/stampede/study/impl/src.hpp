// The study module's non-template bodies, for a build with STAMPEDE_SEPARATE_COMPILATION:
// included once, by stampede/impl/src.hpp or one of the library's sources (src/).
#pragma once

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  error "stampede/study/impl/src.hpp is for builds that define STAMPEDE_SEPARATE_COMPILATION"
#endif

#include <stampede/study.hpp>

#include <stampede/study/impl/measure.ipp>
#include <stampede/study/impl/sweep.ipp>
#include <stampede/study/impl/peak.ipp>
#include <stampede/study/impl/study_report.ipp>
