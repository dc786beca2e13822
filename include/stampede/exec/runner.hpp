// sp::run: carries out a load_test — one shard (thread + io_context + recorder) per core, VUs
// spread over shards, a ticker that merges the shards' metrics every second and hands them to
// the run's observers — and returns the result as a value. Blocking, and safe to call from a
// unit test, where a manual time (run_options::time) simulates it exactly.
#pragma once

#include <stampede/exec/load_test.hpp>
#include <stampede/exec/observer.hpp>
#include <stampede/exec/result.hpp>

#include <string>

namespace stampede {

/// Throws `usage_error` naming the scenario and field if `test` cannot run: no scenarios,
/// duplicate or empty names, no `exec`, an executor's bad option (see `validate(executor)`),
/// a negative start time or graceful stop, a scenario that would end past `max_test_duration`
/// (start time + duration + graceful stop), a threshold on a metric the test does not have.
void validate(const load_test& test);

/// Runs `test` and returns what happened. Validates first (throws `usage_error` before any VU
/// starts); after that nothing the system under test does makes it throw: failures are
/// recorded, iteration exceptions counted, and a stop request (`run_options::control`) still
/// returns everything gathered so far.
///
/// Thread safety: blocking; runs on the calling thread (the ticker) and `options.threads`
/// shard threads of its own, or on the calling thread alone with a manual time. Runs on
/// different threads are independent.
/// Throws: `usage_error` (or `parse_error` for a k6 threshold string) before the run starts;
/// `std::bad_alloc`.
///
/// ```cpp
/// auto r = sp::run(test, {.threads = 2, .seed = 42});
/// fmt::print("{}", r.summary());
/// return r.exit_code();
/// ```
[[nodiscard]] result run(const load_test& test, const run_options& options = {});

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/exec/impl/runner.ipp>
#endif
