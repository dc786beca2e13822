// stampede's exec: VUs, executors and stages, scenarios, load tests, the runner and its result.
// One include for the module; <stampede/stampede.hpp> includes every module.
#pragma once

#include <stampede/config.hpp>

#include <stampede/exec/executors.hpp>
#include <stampede/exec/clock.hpp>
#include <stampede/exec/load_test.hpp>
#include <stampede/exec/observer.hpp>
#include <stampede/exec/plan.hpp>
#include <stampede/exec/result.hpp>
#include <stampede/exec/runner.hpp>
#include <stampede/exec/scenario.hpp>
#include <stampede/exec/segment.hpp>
#include <stampede/exec/stage.hpp>
#include <stampede/exec/vu.hpp>
#include <stampede/metrics/engine.hpp>  // the engine's metrics, which runs record
