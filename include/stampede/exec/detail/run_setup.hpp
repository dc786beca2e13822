// The steps that turn a load_test into what its shards run: the registry, each scenario's
// context and the engine's metric ids. Private to exec/; the runner and the tests' manual
// shard build runs with them.
#pragma once

#include <stampede/exec/detail/context.hpp>
#include <stampede/exec/load_test.hpp>
#include <stampede/exec/observer.hpp>
#include <stampede/metrics/registry.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace stampede::detail {

/// The run's metrics: the engine's, the test's own, the sub-metrics its thresholds name, and
/// the breakdowns its observers ask for.
std::shared_ptr<metric_registry> build_registry(const load_test& test,
                                                const std::vector<run_observer*>& observers = {});

/// The test's thresholds resolved against its metrics (k6's built-ins, the engine's and
/// `load_test::metrics`): k6 strings parsed, mistakes thrown as `usage_error`.
std::vector<threshold> resolve_thresholds(const load_test& test);

/// Scenario `index` of `test` (which must outlive it), as `part` of the test runs it. The
/// caller sets the first VU ids.
std::unique_ptr<scenario_context> make_scenario_context(const load_test& test, std::size_t index,
                                                        const execution_tuple& part = {});

/// The ids of the metrics the engine records itself, looked up once per run.
engine_ids find_engine_ids(const metric_registry& r);

}  // namespace stampede::detail
