// Bodies of the end-of-test printer (included by report/end_of_test.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/exec/load_test.hpp>
#include <stampede/exec/result.hpp>
#include <stampede/report/summary_export.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <fstream>
#include <set>
#include <system_error>
#include <utility>

namespace stampede {

STAMPEDE_DECL std::optional<std::string> write_text_file(const std::string& path, const std::string& text) {
  errno = 0;
  std::ofstream file{path, std::ios::binary | std::ios::trunc};
  if (file) file.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (file) file.close();
  if (file) return std::nullopt;
  const int error = errno;
  return error != 0 ? std::generic_category().message(error) : std::string{"the write failed"};
}

STAMPEDE_DECL void summary_printer::on_start(const load_test& test, const execution_tuple& /*part*/) { format_ = test.summary; }

STAMPEDE_DECL void summary_printer::on_end(const result& r) {
  const auto print = [](std::FILE* stream, const std::string& text) {
    if (stream == nullptr) return;
    std::fputs(text.c_str(), stream);
    std::fflush(stream);
  };
  if (!options_.summary || format_.mode == summary_mode::disabled) {
    // As k6 with --no-summary (k6 1.x: --summary-mode=disabled): what the summary would have
    // said about an early stop still reaches the user.
    if (r.status != run_status::finished && r.status != run_status::invalid_test) {
      print(options_.err, fmt::format("the run {}{}\n", to_string(r.status), r.message.empty() ? "" : ": " + r.message));
    } else if (!r.thresholds_passed()) {
      // k6's words, with the metrics whose thresholds failed, sorted.
      std::set<std::string> metrics;
      for (const auto& t : r.thresholds) {
        if (t.passed) continue;
        for (const auto& c : t.conditions) metrics.insert(c.condition.aggregate.metric.display_name());
      }
      std::string names;
      for (const auto& m : metrics) names += (names.empty() ? "" : ", ") + m;
      print(options_.err, fmt::format("thresholds on metrics '{}' have been crossed\n", names));
    }
    return;
  }
  auto format = format_;
  format.colors = options_.colors;
  print(options_.out, "\n" + r.summary(format) + "\n");
  if (options_.export_path) {
    const auto json = format_summary_export(r.metrics, r.thresholds, format_.trend_stats);
    if (const auto failure = write_text_file(*options_.export_path, json)) {
      print(options_.err, fmt::format("error: could not write the summary export to \"{}\": {}\n",
                                      *options_.export_path, *failure));
    }
  }
}

}  // namespace stampede
