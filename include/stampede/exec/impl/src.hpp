// The exec module's non-template bodies, for a build with STAMPEDE_SEPARATE_COMPILATION:
// included once, by stampede/impl/src.hpp or one of the library's sources (src/).
#pragma once

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  error "stampede/exec/impl/src.hpp is for builds that define STAMPEDE_SEPARATE_COMPILATION"
#endif

#include <stampede/exec.hpp>
#include <stampede/exec/detail/shard_pool.hpp>
#include <stampede/exec/detail/ticker.hpp>

#include <stampede/exec/impl/segment.ipp>
#include <stampede/exec/impl/stage.ipp>
#include <stampede/exec/impl/executors.ipp>
#include <stampede/exec/impl/vu.ipp>
#include <stampede/exec/impl/plan.ipp>
#include <stampede/exec/impl/result.ipp>
#include <stampede/exec/impl/scenario_driver.ipp>
#include <stampede/exec/impl/shard_pool.ipp>
#include <stampede/exec/impl/sleep_queue.ipp>
#include <stampede/exec/impl/ticker.ipp>
#include <stampede/exec/impl/runner.ipp>
