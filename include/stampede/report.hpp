// stampede's report: k6's end-of-test summary, its JSON export and the progress lines.
// One include for the module; <stampede/stampede.hpp> includes every module.
#pragma once

#include <stampede/config.hpp>

#include <stampede/report/end_of_test.hpp>
#include <stampede/report/progress.hpp>
#include <stampede/report/summary.hpp>
#include <stampede/report/summary_export.hpp>
