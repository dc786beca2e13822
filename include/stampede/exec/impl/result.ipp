// Bodies of result (included by exec/result.hpp).
#pragma once

#include <stampede/config.hpp>

#include <fmt/format.h>

namespace stampede {

STAMPEDE_DECL std::string result::summary(const summary_options& options) const {
  std::string out = format_summary(metrics, thresholds, options);
  if (!errors.empty()) {
    std::uint64_t total = 0;
    for (const auto& e : errors) total += e.count;
    out += fmt::format("\n     iteration errors: {}\n", total);
    for (const auto& e : errors) {
      if (e.scenario.empty()) {
        out += fmt::format("       {} × {}\n", e.count, e.message);
      } else {
        out += fmt::format("       {} × [{}] {}\n", e.count, e.scenario, e.message);
      }
    }
  }
  if (!output_errors.empty()) {
    out += fmt::format("\n     output errors: {}\n", output_errors.size());
    for (const auto& e : output_errors) out += fmt::format("       {}\n", e);
  }
  if (status != run_status::finished) {
    out += fmt::format("\n     run {}{}{}\n", to_string(status), message.empty() ? "" : ": ", message);
  }
  return out;
}

}  // namespace stampede
