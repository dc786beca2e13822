// The bodies of every non-template stampede function, compiled once: include it in exactly one
// translation unit of a program whose translation units all define
// STAMPEDE_SEPARATE_COMPILATION, as Asio's asio/impl/src.hpp is used. The CMake target
// stampede::compiled builds the same bodies from src/, a few modules per source file.
#pragma once

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  error "stampede/impl/src.hpp is for builds that define STAMPEDE_SEPARATE_COMPILATION"
#endif

// In the order the headers include one another.
#include <stampede/core/impl/src.hpp>
#include <stampede/metrics/impl/src.hpp>
#include <stampede/eval/impl/src.hpp>
#include <stampede/report/impl/src.hpp>
#include <stampede/http/impl/src.hpp>
#include <stampede/ws/impl/src.hpp>
#include <stampede/exec/impl/src.hpp>
#include <stampede/testbed/impl/src.hpp>
#include <stampede/scaling/impl/src.hpp>
#include <stampede/study/impl/src.hpp>
#include <stampede/cli/impl/src.hpp>
