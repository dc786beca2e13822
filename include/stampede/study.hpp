// stampede's studies: runs of a load test that make a curve — sweeps over one parameter,
// matrices over several, peak searches — measuring a run's window, and a study's HTML report.
// The layer above the engine (exec) and the analysis (scaling). One include for the module;
// <stampede/stampede.hpp> includes every module.
#pragma once

#include <stampede/config.hpp>

#include <stampede/study/measure.hpp>
#include <stampede/study/sweep.hpp>
#include <stampede/study/peak.hpp>
#include <stampede/study/study_report.hpp>
