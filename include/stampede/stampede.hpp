// Everything stampede offers in one include (test-framework integrations excepted).
#pragma once

#include <stampede/version.hpp>
#include <stampede/config.hpp>

#include <stampede/core/asio.hpp>
#include <stampede/core/charconv.hpp>
#include <stampede/core/csv.hpp>
#include <stampede/core/error.hpp>
#include <stampede/core/json.hpp>
#include <stampede/core/json_string.hpp>
#include <stampede/core/rng.hpp>
#include <stampede/core/task.hpp>
#include <stampede/core/units.hpp>

#include <stampede/metrics/builtin.hpp>
#include <stampede/metrics/histogram.hpp>
#include <stampede/metrics/metric.hpp>
#include <stampede/metrics/recorder.hpp>
#include <stampede/metrics/registry.hpp>
#include <stampede/metrics/sink.hpp>
#include <stampede/metrics/snapshot.hpp>
#include <stampede/metrics/snapshot_json.hpp>
#include <stampede/metrics/time_series.hpp>
#include <stampede/metrics/tags.hpp>

#include <stampede/eval/check.hpp>
#include <stampede/eval/threshold.hpp>
#include <stampede/eval/window_tracker.hpp>

#include <stampede/report/progress.hpp>
#include <stampede/report/summary.hpp>
#include <stampede/report/summary_export.hpp>

#include <stampede/http/body.hpp>
#include <stampede/http/client.hpp>
#include <stampede/http/client_options.hpp>
#include <stampede/http/cookie_jar.hpp>
#include <stampede/http/error.hpp>
#include <stampede/http/expected_statuses.hpp>
#include <stampede/http/headers.hpp>
#include <stampede/http/metrics_target.hpp>
#include <stampede/http/predicates.hpp>
#include <stampede/http/request.hpp>
#include <stampede/http/response.hpp>
#include <stampede/http/timings.hpp>
#include <stampede/http/url.hpp>

#include <stampede/exec/executors.hpp>
#include <stampede/exec/load_test.hpp>
#include <stampede/exec/metrics.hpp>
#include <stampede/exec/plan.hpp>
#include <stampede/exec/result.hpp>
#include <stampede/exec/runner.hpp>
#include <stampede/exec/scenario.hpp>
#include <stampede/exec/stage.hpp>
#include <stampede/exec/vu.hpp>

#include <stampede/testbed/replica_model.hpp>
#include <stampede/testbed/route.hpp>
#include <stampede/testbed/server.hpp>
#include <stampede/testbed/server_options.hpp>
#include <stampede/testbed/server_stats.hpp>
#include <stampede/testbed/service_time.hpp>
#include <stampede/testbed/slot_scheduler.hpp>

#include <stampede/scaling/point.hpp>
#include <stampede/scaling/fit.hpp>
#include <stampede/scaling/knee.hpp>
#include <stampede/scaling/table.hpp>
#include <stampede/scaling/measurement.hpp>
#include <stampede/scaling/curve.hpp>
#include <stampede/scaling/sweep.hpp>
#include <stampede/scaling/expect.hpp>
#include <stampede/scaling/peak.hpp>
#include <stampede/cli/main.hpp>
#include <stampede/cli/options.hpp>
