// stampede's scaling analysis: points and curves, USL/Amdahl fits, knees and expectations, on
// metrics only. The studies that run load to make curves are in <stampede/study.hpp>.
// One include for the module; <stampede/stampede.hpp> includes every module.
#pragma once

#include <stampede/config.hpp>

#include <stampede/scaling/point.hpp>
#include <stampede/scaling/fit.hpp>
#include <stampede/scaling/knee.hpp>
#include <stampede/core/table.hpp>
#include <stampede/scaling/measurement.hpp>
#include <stampede/scaling/curve.hpp>
#include <stampede/scaling/expect.hpp>
