// Log lines as k6 writes them (logrus's text format): the levels, the line format with Go's
// quoting, and a thread-safe sink that writes each line whole.
#pragma once

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace stampede {

/// A log line's level, as logrus names them (`level=warning`); k6's `console.debug`, `info`
/// (and `log`), `warn` and `error` log at these.
enum class log_level : unsigned char { debug, info, warning, error };

/// `debug`, `info`, `warning`, `error`: logrus's names.
[[nodiscard]] std::string_view to_string(log_level level) noexcept;
/// The level named `text` (logrus's names, and `warn`); nullopt for any other.
[[nodiscard]] std::optional<log_level> parse_log_level(std::string_view text) noexcept;

/// `text` as logrus's text format writes a value: as is when it holds only letters, digits and
/// `-._/@^+` (or is empty), else quoted with Go's `%q` (`"say \"hi\"\n"`).
[[nodiscard]] std::string logfmt_value(std::string_view text);

/// One log line in logrus's text format without colours, as k6 writes its log to a file or
/// pipe, with its newline:
///
/// ```text
/// time="2026-12-06T23:30:00Z" level=info msg="the message" source=console
/// ```
///
/// The time is RFC 3339 in whole seconds, in UTC; `source=...` only when `source` is not empty.
[[nodiscard]] std::string format_log_line(std::chrono::system_clock::time_point time, log_level level,
                                          std::string_view message, std::string_view source = {});

/// Where log lines go: standard error or output, a file, nowhere, or any function of a whole
/// line. Lines below the sink's level are dropped.
///
/// Thread safety: `write` and `log` may be called from any number of threads; each line is
/// handed to the destination whole, under a lock, so lines never interleave.
class log_sink {
 public:
  /// Receives one whole line, newline included.
  using writer = std::function<void(std::string_view line)>;

  /// Lines at `level` and above go to `write`.
  explicit log_sink(writer write, log_level level = log_level::info);

  /// A stdio stream, flushed after each line: standard error is k6's default `--log-output`.
  /// Not owned: `stream` must outlive the sink.
  [[nodiscard]] static std::shared_ptr<log_sink> to_stream(std::FILE* stream, log_level level = log_level::info);
  /// `to_stream(stderr, level)`.
  [[nodiscard]] static std::shared_ptr<log_sink> standard_error(log_level level = log_level::info);
  /// Nowhere (`--log-output none`).
  [[nodiscard]] static std::shared_ptr<log_sink> discard();
  /// Appends to the file at `path`, created if missing (k6's `--console-output` and
  /// `--log-output file=PATH`: `O_WRONLY|O_APPEND|O_CREATE`, mode 0644), one `write` per line.
  /// Throws `usage_error`: `cannot open "PATH": reason`.
  [[nodiscard]] static std::shared_ptr<log_sink> append_to_file(const std::string& path,
                                                                log_level level = log_level::info);

  /// Whether lines at `level` are written.
  [[nodiscard]] bool enabled(log_level level) const noexcept { return write_ && level >= level_; }
  /// Formats and writes one line (`format_log_line`) if `level` is enabled.
  void log(log_level level, std::string_view message, std::string_view source = {},
           std::chrono::system_clock::time_point time = std::chrono::system_clock::now());
  /// Writes `line` (newline included) as it is.
  void write(std::string_view line);

 private:
  writer write_;
  log_level level_;
  std::mutex mutex_;
};

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/core/impl/log.ipp>
#endif
