// The report module's non-template bodies, for a build with STAMPEDE_SEPARATE_COMPILATION:
// included once, by stampede/impl/src.hpp or one of the library's sources (src/).
#pragma once

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  error "stampede/report/impl/src.hpp is for builds that define STAMPEDE_SEPARATE_COMPILATION"
#endif

#include <stampede/report.hpp>

#include <stampede/report/impl/compare.ipp>
#include <stampede/report/impl/csv_output.ipp>
#include <stampede/report/impl/end_of_test.ipp>
#include <stampede/report/impl/html_report.ipp>
#include <stampede/report/impl/json_output.ipp>
#include <stampede/report/impl/junit_output.ipp>
#include <stampede/report/impl/kubernetes.ipp>
#include <stampede/report/impl/merge.ipp>
#include <stampede/report/impl/outputs.ipp>
#include <stampede/report/impl/progress.ipp>
#include <stampede/report/impl/prometheus_output.ipp>
#include <stampede/report/impl/result_file.ipp>
#include <stampede/report/impl/stream_output.ipp>
#include <stampede/report/impl/summary.ipp>
#include <stampede/report/impl/summary_compact.ipp>
#include <stampede/report/impl/summary_export.ipp>
#include <stampede/report/impl/svg.ipp>
