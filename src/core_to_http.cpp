// Part of stampede::compiled: the bodies of the core, metrics, eval, report and http
// modules and the scaling analysis (which needs only metrics). The library's bodies are split over two
// sources: a 2-core build compiles them side by side, and the modules are grouped so that the
// two take about as long (fewer sources would leave a core idle; more would parse Asio, fmt and
// the standard library once more each). <stampede/impl/src.hpp> holds them all for a single
// translation unit.
#include <stampede/core/impl/src.hpp>
#include <stampede/metrics/impl/src.hpp>
#include <stampede/eval/impl/src.hpp>
#include <stampede/report/impl/src.hpp>
#include <stampede/http/impl/src.hpp>
#include <stampede/scaling/impl/src.hpp>
