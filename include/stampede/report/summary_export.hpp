// The end-of-test summary as JSON in the shape of k6's `--summary-export`, so tools that read
// k6 summaries read ours.
#pragma once

#include <stampede/core/json_string.hpp>
#include <stampede/eval/threshold.hpp>
#include <stampede/metrics/snapshot.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace stampede {

/// k6's `--summary-export` document of a run:
///
/// ```json
/// {"root_group": {"name": "", "path": "", "groups": {...}, "checks": {"status was 200":
///    {"name": "status was 200", "path": "::status was 200", "passes": 7821, "fails": 0}}},
///  "metrics": {
///    "http_req_duration": {"avg": 12.6, "min": 3.17, "med": 11.03, "max": 781.38,
///                          "p(90)": 15.75, "p(95)": 17.83, "thresholds": {"p(95)<200": false}},
///    "http_reqs": {"count": 7821, "rate": 781.54944},
///    "http_req_failed": {"passes": 0, "fails": 7821, "value": 0},
///    "vus": {"value": 10, "min": 10, "max": 10}, ...}}
/// ```
///
/// As in k6, times are in milliseconds, a threshold maps its expression to whether it
/// *failed*, sub-metrics are keyed `name{tag:value}`, and only metrics that got samples (or
/// that a threshold names) appear. `trend_stats` picks the trend statistics, as in the text
/// summary. Strings are escaped for JSON, tag text included.
[[nodiscard]] std::string format_summary_export(const snapshot& metrics,
                                                const std::vector<threshold_result>& thresholds,
                                                const std::vector<std::string>& trend_stats = {
                                                    "avg", "min", "med", "max", "p(90)", "p(95)"});

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/report/impl/summary_export.ipp>
#endif
