// stampede's eval: checks and thresholds (C++ expressions and k6 strings).
// One include for the module; <stampede/stampede.hpp> includes every module.
#pragma once

#include <stampede/config.hpp>

#include <stampede/eval/check.hpp>
#include <stampede/eval/threshold.hpp>
#include <stampede/eval/window_tracker.hpp>
