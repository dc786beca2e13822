// Bodies of format_junit and junit_output (included by report/junit_output.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/timestamp.hpp>
#include <stampede/eval/check.hpp>
#include <stampede/exec/load_test.hpp>
#include <stampede/exec/result.hpp>

#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <utility>
#include <vector>

namespace stampede {

namespace detail::junit {

// Text in an XML attribute or element: k6's helper escapes & < > ' "; XML 1.0 has no way to
// write other control characters than tab and line breaks, so they become U+FFFD.
STAMPEDE_DECL std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\'': out += "&#39;"; break;
      case '"': out += "&quot;"; break;
      case '\t':
      case '\n':
      case '\r': out += c; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\xEF\xBF\xBD";
        } else {
          out += c;
        }
    }
  }
  return out;
}

struct test_case {
  std::string name;
  std::string classname;
  std::optional<std::string> failure;  // the message, if it failed
  std::string_view failure_type;
};

STAMPEDE_DECL void write_suite(std::string& out, std::string_view name, const std::vector<test_case>& cases,
                               std::string_view time, std::string_view timestamp) {
  std::size_t failures = 0;
  for (const auto& c : cases) failures += c.failure ? 1U : 0U;
  out += fmt::format(
      "<testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"{}\" timestamp=\"{}\">\n",
      escape(name), cases.size(), failures, time, timestamp);
  for (const auto& c : cases) {
    out += fmt::format("<testcase name=\"{}\" classname=\"{}\" time=\"0\"", escape(c.name), escape(c.classname));
    if (!c.failure) {
      out += " />\n";
      continue;
    }
    const auto message = escape(*c.failure);
    out += fmt::format("><failure type=\"{}\" message=\"{}\">{}</failure></testcase>\n", c.failure_type, message,
                       message);
  }
  out += "</testsuite>\n";
}

}  // namespace detail::junit

STAMPEDE_DECL std::string format_junit(const result& r, const summary_options& options, std::string_view suite) {
  namespace d = detail::junit;
  std::vector<d::test_case> thresholds;
  for (const auto& t : r.thresholds) {
    d::test_case c;
    c.classname = "thresholds";
    c.failure_type = "threshold";
    if (t.conditions.size() == 1) {
      const auto& condition = t.conditions.front().condition;
      c.name = condition.aggregate.metric.display_name() + " - " + condition.expression();
    } else {
      c.name = t.description;
    }
    if (!t.passed) {
      std::string observed;
      for (const auto& cr : t.conditions) {
        if (!observed.empty()) observed += ", ";
        observed += format_observed(cr, options);
      }
      c.failure = std::move(observed);
    }
    thresholds.push_back(std::move(c));
  }
  std::vector<d::test_case> check_cases;
  for (const auto& check : check_results(r.metrics)) {
    d::test_case c;
    c.name = check.group.empty() ? check.name : check.group + "::" + check.name;
    c.classname = "checks";
    c.failure_type = "check";
    if (check.fails > 0) {
      c.failure = fmt::format("{} of {} failed", check.fails, check.passes + check.fails);
    }
    check_cases.push_back(std::move(c));
  }
  std::size_t failures = 0;
  for (const auto* cases : {&thresholds, &check_cases}) {
    for (const auto& c : *cases) failures += c.failure ? 1U : 0U;
  }
  const auto time = fmt::format("{:.3f}", std::chrono::duration<double>{r.duration}.count());
  // JUnit's timestamp is ISO 8601 without a zone.
  auto timestamp = format_rfc3339(r.started_at, timestamp_precision::seconds);
  timestamp.pop_back();
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{}\">\n",
                     thresholds.size() + check_cases.size(), failures, time);
  d::write_suite(out, suite, thresholds, time, timestamp);
  d::write_suite(out, "checks", check_cases, time, timestamp);
  out += "</testsuites>\n";
  return out;
}

STAMPEDE_DECL junit_output::junit_output(std::string path, std::string suite)
    : file_{std::move(path)}, suite_{std::move(suite)} {}

STAMPEDE_DECL void junit_output::on_start(const load_test& test, const execution_tuple& /*part*/) { format_ = test.summary; }

STAMPEDE_DECL void junit_output::on_end(const result& r) {
  file_.write(format_junit(r, format_, suite_));
  file_.close();
}

}  // namespace stampede
