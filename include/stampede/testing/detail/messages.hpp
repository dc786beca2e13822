// The text both test-framework integrations show: a result as one line, a run's failed
// thresholds with their observed values, and what a curve's expectations are.
#pragma once

#include <stampede/core/units.hpp>
#include <stampede/eval/threshold.hpp>
#include <stampede/exec/result.hpp>
#include <stampede/report/summary.hpp>
#include <stampede/scaling/curve.hpp>
#include <stampede/scaling/expect.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

// Not `stampede::detail::testing`: inside namespace stampede that name would hide GoogleTest's
// `::testing` from code that spells it without the leading `::`.
namespace stampede::detail::test_messages {

inline std::size_t failed_thresholds(const result& r) {
  std::size_t n = 0;
  for (const auto& t : r.thresholds) n += t.passed ? 0 : 1;
  return n;
}

/// What `meets_thresholds()` accepts: a run that ran to its end with every threshold passed —
/// exactly when `exit_code()` is 0, so a test agrees with `sp::main`'s exit status.
inline bool meets_thresholds(const result& r) { return r.status == run_status::finished && r.thresholds_passed(); }

/// `result: finished in 30s, 1200 complete and 0 interrupted iterations, thresholds: 1 of 2 failed`.
inline std::string result_line(const result& r) {
  std::string out = "result: ";
  out += to_string(r.status);
  if (r.duration.count() > 0) out += " after " + format_duration(r.duration);
  if (r.status != run_status::finished && !r.message.empty()) out += " (" + r.message + ")";
  out += ", " + std::to_string(r.complete_iterations()) + " complete and " +
         std::to_string(r.interrupted_iterations()) + " interrupted iterations";
  if (!r.errors.empty()) {
    std::uint64_t errors = 0;
    for (const auto& e : r.errors) errors += e.count;
    out += ", " + std::to_string(errors) + (errors == 1 ? " iteration error" : " iteration errors");
  }
  const auto failed = failed_thresholds(r);
  if (r.thresholds.empty()) {
    out += ", no thresholds";
  } else if (failed == 0) {
    out += ", thresholds: all " + std::to_string(r.thresholds.size()) + " passed";
  } else {
    out += ", thresholds: " + std::to_string(failed) + " of " + std::to_string(r.thresholds.size()) + " failed";
  }
  return out;
}

/// `http_req_duration p(95)<200ms, observed p(95)=312.4ms`: one condition as k6 writes it, with
/// the value it was compared with in the metric's unit.
inline std::string condition_line(const condition_result& c, const summary_options& options) {
  return c.condition.aggregate.metric.display_name() + " " + c.condition.expression() + ", observed " +
         format_observed(c, options);
}

/// Why a result does not meet its thresholds, one line per failed threshold (and per condition
/// of a compound one); empty when it does. Every line after the first is indented by `indent`.
inline std::string threshold_failures(const result& r, const std::string& indent = "") {
  std::string out;
  summary_options options = r.summary_format;
  options.colors = false;  // test output goes to logs and IDEs, not a terminal we know
  if (r.status != run_status::finished) {
    out += "the run stopped early: " + std::string{to_string(r.status)};
    if (!r.message.empty()) out += " (" + r.message + ")";
  }
  const auto failed = failed_thresholds(r);
  if (failed == 0) return out;
  if (!out.empty()) out += "\n" + indent;
  out += std::to_string(failed) + " of " + std::to_string(r.thresholds.size()) +
         (r.thresholds.size() == 1 ? " threshold failed:" : " thresholds failed:");
  for (const auto& t : r.thresholds) {
    if (t.passed) continue;
    if (t.conditions.size() == 1) {
      out += "\n" + indent + "  ✗ " + condition_line(t.conditions.front(), options);
      continue;
    }
    // A compound threshold: its expression, then each condition marked, so the one that
    // broke it (or, under `!` and `||`, the ones that did not save it) can be read off.
    out += "\n" + indent + "  ✗ " + t.description;
    for (const auto& c : t.conditions) {
      out += "\n" + indent + "      " + (c.passed ? "✓ " : "✗ ") + condition_line(c, options);
    }
  }
  return out;
}

/// `meets 2 scaling expectations: no_retrograde(up to 8), efficiency_at(4) >= 0.8`.
inline std::string expectations_line(const std::vector<expectation>& expectations) {
  std::string out = "meets " + std::to_string(expectations.size()) +
                    (expectations.size() == 1 ? " scaling expectation" : " scaling expectations");
  for (std::size_t i = 0; i < expectations.size(); ++i) out += (i == 0 ? ": " : ", ") + expectations[i].describe();
  return out;
}

/// Text without its trailing newlines: the frameworks add their own line breaks.
inline std::string trimmed(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

/// `report.failure_message()` without the curve's table. Both frameworks print the value
/// under test before the matcher's words (Catch2: `<curve> <description>`, gMock: `Actual:
/// <curve>, <explanation>`) and a curve prints as its table, so keeping it here would show
/// the table twice. If the table is not found verbatim, the message is left whole.
inline std::string failure_without_table(const expectations_report& report) {
  auto text = report.failure_message();
  if (const auto at = report.table.empty() ? std::string::npos : text.find(report.table); at != std::string::npos) {
    text.erase(at, report.table.size());
    // The blank lines that framed the table collapse to one line break.
    for (auto blank = text.find("\n\n"); blank != std::string::npos; blank = text.find("\n\n", blank)) {
      text.erase(blank, 1);
    }
  }
  return trimmed(std::move(text));
}

}  // namespace stampede::detail::test_messages
