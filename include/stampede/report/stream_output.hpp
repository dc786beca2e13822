// What k6's streaming outputs (`--out json=`, `--out csv=`) have in common: a file opened
// before the run starts, every sample written by a thread of the output's own, and a failure
// to write (a full disk, a closed pipe) that ends the output with a clear error while the run
// and its summary go on.
#pragma once

#include <stampede/config.hpp>
#include <stampede/exec/observer.hpp>
#include <stampede/metrics/samples.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace stampede {

/// A file an output writes, buffered; `-` is standard output. A pipe or socket (standard
/// output into `| jq`, a FIFO) whose reader stops reading fails the write after
/// `write_timeout` instead of blocking the writer for ever.
///
/// Thread safety: one thread at a time.
/// Throws: `usage_error` from the constructor when the file cannot be opened for writing
/// (before any run starts: k6's exit code 104); `std::runtime_error` naming the file and the
/// system's reason when a write, flush or close fails.
class output_file {
 public:
  explicit output_file(std::string path, std::chrono::nanoseconds write_timeout = std::chrono::seconds{10});
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;
  ~output_file();

  void write(std::string_view text);
  void flush();
  /// Flushes and closes (standard output is flushed only). Idempotent.
  void close();
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  [[noreturn]] void fail(std::string_view what, int error) const;
  void write_out(const char* data, std::size_t size);

  std::string path_;
  std::chrono::nanoseconds write_timeout_;
  int fd_ = -1;
  bool owned_ = false;
  bool waits_for_reader_ = false;  // a pipe or socket: wait for room with a timeout
  std::string buffer_;
};

/// A run observer that streams every sample to a writer thread of its own. The shards never
/// wait for it: each tick's samples are queued (the runner hands them over once a tick), and
/// an output that falls more than `max_backlog` samples behind drops ticks rather than hold
/// the run's memory, and says how many samples it lost. Subclasses write the format.
///
/// The output finishes at the run's last tick: the writer writes what is queued, flushes and
/// closes, so the file is complete before the summary is shown. A failure (from the writer
/// or a lost backlog) is thrown from the next call the runner makes, which detaches the output
/// and reports the error among the result's errors; the run goes on.
///
/// Thread safety: the runner's calls come from one thread; `write_samples` and the other
/// hooks run on the writer thread.
class stream_output : public run_observer {
 public:
  struct options {
    /// How often the file is flushed while the run goes on (k6's CSV `saveInterval`); the
    /// output also flushes at its end.
    std::chrono::nanoseconds flush_interval = std::chrono::seconds{1};
    /// The most samples waiting for the writer before a tick's samples are dropped.
    std::size_t max_backlog = std::size_t{1} << 22;
    /// How long a pipe's reader may leave it full before the output fails.
    std::chrono::nanoseconds write_timeout = std::chrono::seconds{10};
  };

  stream_output(std::string name, std::string path, options o);
  stream_output(const stream_output&) = delete;
  stream_output& operator=(const stream_output&) = delete;
  STAMPEDE_DECL ~stream_output() override;

  [[nodiscard]] bool wants_samples() const final { return true; }
  STAMPEDE_DECL void on_start(const load_test& test, const execution_tuple& part) final;
  STAMPEDE_DECL void on_samples(const std::shared_ptr<const tick_samples>& samples) final;
  STAMPEDE_DECL void on_tick(const snapshot& delta, const run_progress& progress) final;
  STAMPEDE_DECL void on_end(const result& r) final;

  /// `json (out.json)`: the kind and where it writes.
  [[nodiscard]] std::string description() const;
  /// Samples written so far (after the run: all of them, unless the output failed).
  [[nodiscard]] std::uint64_t samples_written() const;

 protected:
  /// Called on the runner's thread before the writer starts: what the format needs to know
  /// of the test (k6's JSON lists thresholds in its metric lines).
  virtual void prepare(const load_test& test) { (void)test; }
  /// Writer thread: the file's first lines (a CSV header).
  virtual void write_header(output_file& file) { (void)file; }
  /// Writer thread: one tick's samples, their tags resolved through `tags`. Throws to fail.
  virtual void write_samples(const tick_samples& samples, const sample_tag_tables& tags, output_file& file) = 0;

 private:
  void writer_loop();
  void finish();
  void throw_if_failed();

  std::string name_;
  options options_;
  output_file file_;
  std::thread writer_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<const tick_samples>> queue_;
  std::size_t queued_samples_ = 0;
  std::uint64_t dropped_samples_ = 0;
  std::uint64_t written_samples_ = 0;
  bool closing_ = false;
  bool finished_ = false;
  bool reported_ = false;
  std::optional<std::string> failure_;
};

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/report/impl/stream_output.ipp>
#endif
