// The HTML report of a scaling study (`sweep`, `matrix`): one offline file, as a run's report
// (report/html_report.hpp), with throughput against the level — every repetition's point and
// the median, the fitted Universal Scalability Law curve, the linear λN line and N* marked, σ,
// κ, λ and R² with their 95% intervals in the legend — efficiency and p(50)/p(95)/p(99)
// against the level, the points whose load generator was saturated flagged, the seed-style
// table and the study's expectations.
#pragma once

#include <stampede/config.hpp>
#include <stampede/scaling/curve.hpp>
#include <stampede/scaling/expect.hpp>

#include <string>
#include <vector>

namespace stampede {

/// What a study's report says beyond the curve.
struct html_study_options {
  std::string title = "scaling study";
  /// What each point measured, under the title: `10 VUs, 2s measured per run after a 500ms
  /// warm-up`.
  std::string description{};
  /// The study's expectations as `verify` judged them, listed with ✓ or ✗ and what was
  /// observed; the report's verdict is theirs.
  std::vector<expectation_result> expectations{};
};

/// The study's report as one HTML document. A curve over one parameter gets the fitted model
/// (from three points) and its charts; a matrix gets throughput against its first parameter,
/// a line per combination of the others, and its table. The same curve always gives the same
/// bytes.
[[nodiscard]] std::string format_html_study_report(const curve& c, const html_study_options& options = {});

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/study/impl/study_report.ipp>
#endif
