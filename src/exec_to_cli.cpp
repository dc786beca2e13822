// Part of stampede::compiled: the bodies of the WebSocket client, the runner, the testbed
// server, the studies that run load and sp::main (the ws, exec, testbed, study and cli
// modules). src/core_to_http.cpp says why two sources; <stampede/impl/src.hpp> holds them all
// for a single translation unit.
#include <stampede/ws/impl/src.hpp>
#include <stampede/exec/impl/src.hpp>
#include <stampede/testbed/impl/src.hpp>
#include <stampede/study/impl/src.hpp>
#include <stampede/cli/impl/src.hpp>
