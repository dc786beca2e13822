// Checks: assertions on a value that record their outcome into k6's `checks` rate and never
// stop the iteration; and the per-group pass/fail counts the summary lists.
#pragma once

#include <stampede/metrics/recorder.hpp>
#include <stampede/metrics/snapshot.hpp>
#include <stampede/metrics/tags.hpp>

#include <chrono>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stampede {

/// Evaluates `predicate(value)` and records the outcome as a `checks` sample tagged
/// `check:<name>` on top of `tags` (the VU's scenario and group), at `at` from the run's
/// start. Returns the outcome; a failed check is counted, not thrown. An exception from the
/// predicate propagates and records nothing (the iteration fails, as in k6). Throws
/// `usage_error` for an empty name.
///
/// ```cpp
/// bool ok = stampede::check(rec, res, "status was 200", [](auto& r) { return r.status() == 200; },
///                           {{"group", "::login"}}, elapsed);
/// ```
template <typename T, std::predicate<const T&> Predicate>
bool check(recorder& rec, const T& value, std::string_view name, Predicate&& predicate,
           const tag_set& tags, std::chrono::nanoseconds at);

/// One check's outcome over a run: how often it passed and failed.
struct check_result {
  std::string group;  ///< k6's group path: "" for the root, "::login::form" nested
  std::string name;
  std::uint64_t passes = 0;
  std::uint64_t fails = 0;

  friend bool operator==(const check_result&, const check_result&) = default;
};

/// The names along a k6 group path: `"::login::token"` is `{"login", "token"}`, `""` (the
/// root) is `{}`.
[[nodiscard]] std::vector<std::string> group_path(std::string_view group);

/// Every check in a snapshot, groups in order of first appearance and checks in order of
/// first appearance within their group (k6's summary order).
[[nodiscard]] std::vector<check_result> check_results(const snapshot& s);

}  // namespace stampede

#include <stampede/eval/impl/check.hpp>
#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/eval/impl/check.ipp>
#endif
