// Fuzzes threshold::parse, k6's string form: the metric (with any tag filter) on the input's
// first line, the expression on the rest. Oracle: a threshold that parses prints conditions
// that parse back equal, both as written and in the form a condition built in C++ prints.
#include "fuzz_support.hpp"

#include <stampede/core/error.hpp>
#include <stampede/eval/threshold.hpp>
#include <stampede/metrics/metric.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sp = stampede;

namespace {

// k6's built-in metrics and one custom metric of each type, as k6's parser tests name them.
const std::vector<sp::metric_descriptor>& known() {
  static const auto metrics = [] {
    auto out = sp::builtin_metrics();
    out.push_back(sp::counter{"test_counter"}.descriptor());
    out.push_back(sp::rate{"test_rate"}.descriptor());
    out.push_back(sp::gauge{"test_gauge", sp::value_type::data}.descriptor());
    out.push_back(sp::trend{"test_trend", sp::value_type::time}.descriptor());
    return out;
  }();
  return metrics;
}

sp::threshold_condition parse_one(std::string_view metric, std::string_view expression) {
  const auto conditions = sp::threshold::parse(metric, expression, known()).conditions();
  sp::fuzz::require(conditions.size() == 1, "a parsed k6 threshold has one condition", metric, expression);
  return conditions.front();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = sp::fuzz::text(data, size);
  const auto newline = input.find('\n');
  const auto metric = input.substr(0, newline);
  const auto expression = newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);

  sp::threshold_condition parsed;
  try {
    parsed = parse_one(metric, expression);
  } catch (const sp::usage_error&) {
    return 0;  // parse_error, or a metric that is not known: the documented refusals
  }
  const auto name = parsed.aggregate.metric.display_name();

  // As written: the metric's display name and the expression read back the same condition.
  try {
    const auto again = parse_one(name, parsed.expression());
    sp::fuzz::require(again == parsed, "the written form reads back the same condition", name, parsed.expression());
  } catch (const sp::usage_error& e) {
    sp::fuzz::require(false, "the written form reads back", name, e.what());
  }

  // As a condition built in C++ prints it: every digit of the bound, a time bound with `ms`,
  // which k6's grammar does not take (its time bounds are milliseconds already).
  auto built = parsed;
  built.written.clear();
  auto printed = built.expression();
  if (printed.ends_with("ms")) printed.resize(printed.size() - 2);
  try {
    const auto again = parse_one(name, printed);
    sp::fuzz::require(again == parsed, "the printed form reads back the same condition", name, printed);
  } catch (const sp::usage_error& e) {
    sp::fuzz::require(false, "the printed form reads back", printed, e.what());
  }
  return 0;
}
