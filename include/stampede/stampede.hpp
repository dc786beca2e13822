// Everything stampede offers in one include (test-framework integrations excepted). Each
// module also has its own umbrella (<stampede/http.hpp>, <stampede/exec.hpp>, ...): a test that
// runs a scenario needs <stampede/exec.hpp> and <stampede/cli.hpp>, not the testbed or scaling
// studies, and compiles faster without them.
#pragma once

#include <stampede/version.hpp>
#include <stampede/config.hpp>

#include <stampede/core.hpp>
#include <stampede/metrics.hpp>
#include <stampede/eval.hpp>
#include <stampede/report.hpp>
#include <stampede/http.hpp>
#include <stampede/ws.hpp>
#include <stampede/exec.hpp>
#include <stampede/testbed.hpp>
#include <stampede/scaling.hpp>
#include <stampede/study.hpp>
#include <stampede/cli.hpp>
