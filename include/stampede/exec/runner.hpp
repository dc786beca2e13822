// sp::run: carries out a load_test — one shard (thread + io_context + recorder) per core, VUs
// spread over shards, a ticker that merges the shards' metrics every second — and returns
// the result as a value. Blocking, and safe to call from a unit test.
#pragma once

#include <stampede/exec/load_test.hpp>
#include <stampede/exec/result.hpp>

#include <string>

namespace stampede {

/// Throws `usage_error` naming the scenario and field if `test` cannot run: no scenarios,
/// duplicate or empty names, no `exec`, an executor's bad option (see `validate(executor)`),
/// a negative start time or graceful stop, a threshold on a metric the test does not have.
void validate(const load_test& test);

/// Runs `test` and returns what happened. Validates first (throws `usage_error` before any VU
/// starts); after that nothing the system under test does makes it throw: failures are
/// recorded, iteration exceptions counted, and a stop request (`run_options::control`) still
/// returns everything gathered so far.
///
/// ```cpp
/// auto r = sp::run(test, {.threads = 2, .seed = 42});
/// fmt::print("{}", r.summary());
/// return r.exit_code();
/// ```
[[nodiscard]] result run(const load_test& test, const run_options& options = {});

/// k6's header before a run:
/// ```text
///      scenarios: (100.00%) 1 scenario, 10 max VUs, 40s max duration (incl. graceful stop):
///               * default: 10 looping VUs for 10s (gracefulStop: 30s)
/// ```
[[nodiscard]] std::string format_scenarios_header(const load_test& test);

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/exec/impl/runner.ipp>
#endif
