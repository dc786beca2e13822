// sp::measure over a run's result: the scaling analysis' measurement of a window, with what
// it needs of the whole run (its metrics, errors, CPU) taken from the result.
#pragma once

#include <stampede/exec/result.hpp>
#include <stampede/metrics/snapshot.hpp>
#include <stampede/scaling/measurement.hpp>

namespace stampede {

/// The whole-run facts a measurement uses, from `run` (which must outlive them).
[[nodiscard]] run_facts facts_of(const result& run);

/// The figures of `window` (a snapshot of part of `run`, or its whole `metrics`), with the
/// generator's health judged against `limits` over the whole run.
[[nodiscard]] measurement measure(const snapshot& window, const result& run, const saturation_limits& limits = {});

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/study/impl/measure.ipp>
#endif
