// sp::summary_printer: the run observer that ends a test as k6 does — the summary on standard
// output (or, with --no-summary or --summary-mode=disabled, only a line on standard error when
// the run stopped early or a threshold failed) and the summary export (--summary-export).
#pragma once

#include <stampede/config.hpp>
#include <stampede/exec/observer.hpp>
#include <stampede/report/summary.hpp>

#include <cstdio>
#include <optional>
#include <string>

namespace stampede {

/// Writes the end of a run when it ends.
///
/// ```cpp
/// sp::summary_printer summary{{.export_path = "summary.json"}};
/// auto r = sp::run(test, {.observers = {&summary}});
/// ```
/// Thread safety: one run at a time.
/// Throws: nothing for a file that cannot be written; that is said on `err`.
class summary_printer final : public run_observer {
 public:
  struct options {
    std::FILE* out = stdout;
    std::FILE* err = stderr;
    /// ANSI colours in the summary (see `summary_colors_for_terminal`).
    bool colors = false;
    /// false: k6's `--no-summary` — neither the summary nor its export; why a run stopped
    /// early, or which metrics' thresholds were crossed, still reaches `err`. A test whose
    /// `summary.mode` is `summary_mode::disabled` (`--summary-mode=disabled`) is printed so too.
    bool summary = true;
    /// Where to write k6's `--summary-export` JSON, if anywhere.
    std::optional<std::string> export_path{};
  };

  explicit summary_printer(options o) : options_{std::move(o)} {}

  /// Keeps the test's summary format (mode, trend statistics, time unit).
  STAMPEDE_DECL void on_start(const load_test& test, const execution_tuple& part) override;
  STAMPEDE_DECL void on_end(const result& r) override;

 private:
  options options_;
  summary_options format_;
};

/// Writes `text` to the file at `path`, replacing it; the reason on failure.
[[nodiscard]] std::optional<std::string> write_text_file(const std::string& path, const std::string& text);

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/report/impl/end_of_test.ipp>
#endif
