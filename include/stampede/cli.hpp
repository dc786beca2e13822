// stampede's cli: sp::main, k6's command-line flags over a load_test.
// One include for the module; <stampede/stampede.hpp> includes every module.
#pragma once

#include <stampede/config.hpp>

#include <stampede/cli/config_file.hpp>
#include <stampede/cli/main.hpp>
#include <stampede/cli/options.hpp>
