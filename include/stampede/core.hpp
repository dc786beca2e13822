// stampede's core: units and durations, errors, JSON (read and written), CSV, tables, the random
// source, tasks, log lines and Asio tokens.
// One include for the module; <stampede/stampede.hpp> includes every module.
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/asio.hpp>
#include <stampede/core/charconv.hpp>
#include <stampede/core/csv.hpp>
#include <stampede/core/error.hpp>
#include <stampede/core/json.hpp>
#include <stampede/core/json_string.hpp>
#include <stampede/core/json_writer.hpp>
#include <stampede/core/log.hpp>
#include <stampede/core/rng.hpp>
#include <stampede/core/table.hpp>
#include <stampede/core/task.hpp>
#include <stampede/core/timestamp.hpp>
#include <stampede/core/units.hpp>
