// The bodies of every non-template stampede function, compiled once: what src/stampede.cpp
// (the `stampede::compiled` library) builds. Include it in exactly one translation unit of a
// program whose other translation units define STAMPEDE_SEPARATE_COMPILATION, as Asio's
// asio/impl/src.hpp is used.
#pragma once

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  error "stampede/impl/src.hpp is for builds that define STAMPEDE_SEPARATE_COMPILATION"
#endif

#include <stampede/stampede.hpp>

// In the order the headers include them, so that each body sees what it saw header-only.
#include <stampede/core/impl/json.ipp>
#include <stampede/core/impl/units.ipp>
#include <stampede/metrics/impl/tags.ipp>
#include <stampede/metrics/impl/metric.ipp>
#include <stampede/metrics/impl/histogram.ipp>
#include <stampede/metrics/impl/registry.ipp>
#include <stampede/metrics/impl/sink.ipp>
#include <stampede/metrics/impl/snapshot.ipp>
#include <stampede/metrics/impl/recorder.ipp>
#include <stampede/metrics/impl/snapshot_json.ipp>
#include <stampede/metrics/impl/time_series.ipp>
#include <stampede/eval/impl/check.ipp>
#include <stampede/eval/impl/threshold.ipp>
#include <stampede/eval/impl/window_tracker.ipp>
#include <stampede/report/impl/progress.ipp>
#include <stampede/report/impl/summary.ipp>
#include <stampede/report/impl/summary_export.ipp>
#include <stampede/http/impl/url.ipp>
#include <stampede/http/impl/cookie_jar.ipp>
#include <stampede/http/impl/headers.ipp>
#include <stampede/http/impl/request.ipp>
#include <stampede/http/impl/dns_cache.ipp>
#include <stampede/http/impl/client.ipp>
#include <stampede/exec/impl/stage.ipp>
#include <stampede/exec/impl/executors.ipp>
#include <stampede/exec/impl/vu.ipp>
#include <stampede/exec/impl/plan.ipp>
#include <stampede/exec/impl/result.ipp>
#include <stampede/exec/impl/runner.ipp>
#include <stampede/testbed/impl/replica_model.ipp>
#include <stampede/testbed/impl/service_time.ipp>
#include <stampede/testbed/impl/route.ipp>
#include <stampede/testbed/impl/server_options.ipp>
#include <stampede/testbed/impl/server.ipp>
#include <stampede/testbed/impl/slot_scheduler.ipp>
#include <stampede/scaling/impl/fit.ipp>
#include <stampede/scaling/impl/knee.ipp>
#include <stampede/scaling/impl/table.ipp>
#include <stampede/scaling/impl/measurement.ipp>
#include <stampede/scaling/impl/curve.ipp>
#include <stampede/scaling/impl/sweep.ipp>
#include <stampede/scaling/impl/expect.ipp>
#include <stampede/scaling/impl/peak.ipp>
#include <stampede/cli/impl/options.ipp>
#include <stampede/cli/impl/main.ipp>
