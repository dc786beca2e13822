// stampede's metrics: k6's metric types and built-ins, tags, histograms, recorders, snapshots and time series.
// One include for the module; <stampede/stampede.hpp> includes every module.
#pragma once

#include <stampede/config.hpp>

#include <stampede/metrics/builtin.hpp>
#include <stampede/metrics/engine.hpp>
#include <stampede/metrics/histogram.hpp>
#include <stampede/metrics/metric.hpp>
#include <stampede/metrics/recorder.hpp>
#include <stampede/metrics/samples.hpp>
#include <stampede/metrics/registry.hpp>
#include <stampede/metrics/sink.hpp>
#include <stampede/metrics/snapshot.hpp>
#include <stampede/metrics/snapshot_json.hpp>
#include <stampede/metrics/time_series.hpp>
#include <stampede/metrics/tags.hpp>
