// stampede's scaling: sweeps, matrices, peak searches, USL/Amdahl fits, knees and expectations.
// One include for the module; <stampede/stampede.hpp> includes every module.
#pragma once

#include <stampede/config.hpp>

#include <stampede/scaling/point.hpp>
#include <stampede/scaling/fit.hpp>
#include <stampede/scaling/knee.hpp>
#include <stampede/scaling/table.hpp>
#include <stampede/scaling/measurement.hpp>
#include <stampede/scaling/curve.hpp>
#include <stampede/scaling/sweep.hpp>
#include <stampede/scaling/expect.hpp>
#include <stampede/scaling/peak.hpp>
