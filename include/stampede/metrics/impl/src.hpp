// The metrics module's non-template bodies, for a build with STAMPEDE_SEPARATE_COMPILATION:
// included once, by stampede/impl/src.hpp or one of the library's sources (src/).
#pragma once

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  error "stampede/metrics/impl/src.hpp is for builds that define STAMPEDE_SEPARATE_COMPILATION"
#endif

#include <stampede/metrics.hpp>

#include <stampede/metrics/impl/tags.ipp>
#include <stampede/metrics/impl/metric.ipp>
#include <stampede/metrics/impl/histogram.ipp>
#include <stampede/metrics/impl/registry.ipp>
#include <stampede/metrics/impl/sink.ipp>
#include <stampede/metrics/impl/snapshot.ipp>
#include <stampede/metrics/impl/samples.ipp>
#include <stampede/metrics/impl/recorder.ipp>
#include <stampede/metrics/impl/snapshot_json.ipp>
#include <stampede/metrics/impl/time_series.ipp>
