// Part of stampede::compiled: the bodies of the core, metrics, eval, report and http modules.
// The library's bodies are split over a few sources so that a parallel build spreads them over
// the cores; <stampede/impl/src.hpp> holds them all for a single translation unit.
#include <stampede/core/impl/src.hpp>
#include <stampede/metrics/impl/src.hpp>
#include <stampede/eval/impl/src.hpp>
#include <stampede/report/impl/src.hpp>
#include <stampede/http/impl/src.hpp>
