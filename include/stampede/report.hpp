// stampede's report: k6's end-of-test summary, its JSON export and the progress lines.
// One include for the module; <stampede/stampede.hpp> includes every module.
#pragma once
#include <stampede/config.hpp>
#include <stampede/report/compare.hpp>
#include <stampede/report/csv_output.hpp>
#include <stampede/report/end_of_test.hpp>
#include <stampede/report/html_report.hpp>
#include <stampede/report/json_output.hpp>
#include <stampede/report/junit_output.hpp>
#include <stampede/report/kubernetes.hpp>
#include <stampede/report/merge.hpp>
#include <stampede/report/outputs.hpp>
#include <stampede/report/progress.hpp>
#include <stampede/report/prometheus_output.hpp>
#include <stampede/report/result_file.hpp>
#include <stampede/report/stream_output.hpp>
#include <stampede/report/summary.hpp>
#include <stampede/report/summary_export.hpp>
#include <stampede/report/svg.hpp>
