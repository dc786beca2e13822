// stampede's testbed: the in-process HTTP and WebSocket server with service times, errors and
// replicas, and the impairing proxy that puts a bad network in front of it.
// One include for the module; <stampede/stampede.hpp> includes every module.
#pragma once

#include <stampede/config.hpp>

#include <stampede/testbed/proxy.hpp>
#include <stampede/testbed/replica_model.hpp>
#include <stampede/testbed/route.hpp>
#include <stampede/testbed/server.hpp>
#include <stampede/testbed/server_options.hpp>
#include <stampede/testbed/server_stats.hpp>
#include <stampede/testbed/service_time.hpp>
#include <stampede/testbed/slot_scheduler.hpp>
