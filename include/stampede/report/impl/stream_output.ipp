// Bodies of output_file and stream_output (included by report/stream_output.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>
#include <stampede/core/units.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <algorithm>
#include <cstdint>

#if defined(_WIN32)
#  include <fcntl.h>
#  include <io.h>
#  include <sys/stat.h>
#else
#  include <csignal>
#  include <fcntl.h>
#  include <poll.h>
#  include <pthread.h>
#  include <sys/stat.h>
#  include <unistd.h>
#  include <climits>
#endif

namespace stampede {

namespace detail::stream {

// Bytes an output gathers before it hands them to the system.
inline constexpr std::size_t write_buffer = std::size_t{64} << 10;

STAMPEDE_DECL std::string reason(int error) {
  return error != 0 ? std::generic_category().message(error) : std::string{"an unknown error"};
}

STAMPEDE_DECL int close_fd(int fd) {
#if defined(_WIN32)
  return ::_close(fd);
#else
  return ::close(fd);
#endif
}

// A tick's blocks without their samples: what an output that drops a tick still needs, the
// tag sets that later blocks of the same sources refer to.
STAMPEDE_DECL std::shared_ptr<const tick_samples> tags_only(const tick_samples& samples) {
  auto out = std::make_shared<tick_samples>();
  out->registry = samples.registry;
  for (const auto& b : samples.blocks) {
    if (b.new_tags.empty()) continue;
    out->blocks.push_back({b.source, b.origin, b.first_new_tags, b.new_tags, {}});
  }
  return out;
}

}  // namespace detail::stream

STAMPEDE_DECL output_file::output_file(std::string path, std::chrono::nanoseconds write_timeout)
    : path_{std::move(path)}, write_timeout_{write_timeout} {
  if (path_.empty()) throw usage_error("an output file needs a path (or - for standard output)");
  if (path_ == "-") {
    std::fflush(stdout);  // what was printed through stdio comes first
#if defined(_WIN32)
    fd_ = ::_fileno(stdout);
#else
    fd_ = ::fileno(stdout);
#endif
  } else {
    errno = 0;
#if defined(_WIN32)
    fd_ = ::_open(path_.c_str(), _O_WRONLY | _O_CREAT | _O_TRUNC | _O_BINARY, _S_IREAD | _S_IWRITE);
#else
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
#endif
    if (fd_ < 0) {
      throw usage_error(fmt::format("cannot open \"{}\" for writing: {}", path_, detail::stream::reason(errno)));
    }
    owned_ = true;
  }
#if !defined(_WIN32)
  struct stat info {};
  waits_for_reader_ = ::fstat(fd_, &info) == 0 && (S_ISFIFO(info.st_mode) || S_ISSOCK(info.st_mode));
#endif
  buffer_.reserve(detail::stream::write_buffer);
}

STAMPEDE_DECL output_file::~output_file() {
  if (owned_ && fd_ >= 0) detail::stream::close_fd(fd_);
}

STAMPEDE_DECL void output_file::fail(std::string_view what, int error) const {
  throw std::runtime_error(fmt::format("{} \"{}\" failed: {}", what, path_, detail::stream::reason(error)));
}

STAMPEDE_DECL void output_file::write_out(const char* data, std::size_t size) {
  const auto deadline = std::chrono::steady_clock::now() + write_timeout_;
  while (size > 0) {
    std::size_t chunk = size;
#if !defined(_WIN32)
    if (waits_for_reader_) {
      // Room for a pipe's atomic write, or the reader has gone quiet for too long.
      pollfd ready{fd_, POLLOUT, 0};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      const int polled = left.count() > 0 ? ::poll(&ready, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 1000))) : 0;
      if (polled < 0 && errno == EINTR) continue;
      if (polled == 0) {
        if (std::chrono::steady_clock::now() < deadline) continue;
        throw std::runtime_error(fmt::format("writing \"{}\" failed: its reader has read nothing for {}", path_,
                                             format_go_duration(write_timeout_)));
      }
      if ((ready.revents & (POLLERR | POLLHUP)) != 0 && (ready.revents & POLLOUT) == 0) fail("writing", EPIPE);
      chunk = std::min<std::size_t>(size, PIPE_BUF);
    }
#endif
    errno = 0;
#if defined(_WIN32)
    const auto written = ::_write(fd_, data, static_cast<unsigned>(std::min<std::size_t>(chunk, 1U << 30)));
#else
    const auto written = ::write(fd_, data, chunk);
#endif
    if (written < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      fail("writing", errno);
    }
    data += written;
    size -= static_cast<std::size_t>(written);
  }
}

STAMPEDE_DECL void output_file::write(std::string_view text) {
  if (fd_ < 0) throw std::runtime_error(fmt::format("writing \"{}\" after it was closed", path_));
  buffer_.append(text);
  if (buffer_.size() >= detail::stream::write_buffer) flush();
}

STAMPEDE_DECL void output_file::flush() {
  if (fd_ < 0 || buffer_.empty()) return;
  std::string pending;
  pending.swap(buffer_);
  buffer_.reserve(detail::stream::write_buffer);
  write_out(pending.data(), pending.size());
}

STAMPEDE_DECL void output_file::close() {
  if (fd_ < 0) return;
  std::optional<std::runtime_error> error;
  try {
    flush();
  } catch (const std::runtime_error& e) {
    error = e;
  }
  const int fd = std::exchange(fd_, -1);
  if (owned_) {
    errno = 0;
    const int closed = detail::stream::close_fd(fd);
    const int close_error = errno;
    if (!error && closed != 0) fail("closing", close_error);
  }
  if (error) throw *error;
}

STAMPEDE_DECL stream_output::stream_output(std::string name, std::string path, options o)
    : name_{std::move(name)}, options_{o}, file_{std::move(path), o.write_timeout} {}

STAMPEDE_DECL stream_output::~stream_output() {
  {
    const std::lock_guard lock{mutex_};
    closing_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
}

STAMPEDE_DECL std::string stream_output::description() const {
  return fmt::format("{} ({})", name_, file_.path() == "-" ? "stdout" : file_.path());
}

STAMPEDE_DECL std::uint64_t stream_output::samples_written() const {
  const std::lock_guard lock{mutex_};
  return written_samples_;
}

STAMPEDE_DECL void stream_output::on_start(const load_test& test, const execution_tuple& /*part*/) {
  prepare(test);
  writer_ = std::thread{[this] { writer_loop(); }};
}

STAMPEDE_DECL void stream_output::on_samples(const std::shared_ptr<const tick_samples>& samples) {
  throw_if_failed();
  const auto count = samples->size();
  {
    const std::lock_guard lock{mutex_};
    if (queued_samples_ + count > options_.max_backlog) {
      // The writer is this far behind: hold no more of the run's memory. Later samples still
      // name the tag sets these blocks bring.
      dropped_samples_ += count;
      queue_.push_back(detail::stream::tags_only(*samples));
    } else {
      queued_samples_ += count;
      queue_.push_back(samples);
    }
  }
  wake_.notify_one();
}

STAMPEDE_DECL void stream_output::on_tick(const snapshot& delta, const run_progress& progress) {
  (void)delta;
  if (progress.ended) finish();
  throw_if_failed();
}

STAMPEDE_DECL void stream_output::on_end(const result& r) {
  (void)r;
  finish();  // a run whose last tick never came (an observer before this one threw)
  throw_if_failed();
}

STAMPEDE_DECL void stream_output::finish() {
  if (finished_) return;
  finished_ = true;
  {
    const std::lock_guard lock{mutex_};
    closing_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
  const std::lock_guard lock{mutex_};
  if (!failure_ && dropped_samples_ > 0) {
    failure_ = fmt::format("{} samples were not written: the output fell {} samples behind the run",
                           dropped_samples_, options_.max_backlog);
  }
}

STAMPEDE_DECL void stream_output::throw_if_failed() {
  std::string message;
  {
    const std::lock_guard lock{mutex_};
    if (!failure_ || reported_) return;
    reported_ = true;
    message = fmt::format("{}: {}", description(), *failure_);
  }
  throw std::runtime_error(message);
}

STAMPEDE_DECL void stream_output::writer_loop() {
#if !defined(_WIN32)
  // A closed pipe then fails the write with EPIPE instead of killing the process.
  sigset_t pipe_signal;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
#endif
  sample_tag_tables tags;
  bool failed = false;
  const auto fail = [&](std::string message) {
    failed = true;
    const std::lock_guard lock{mutex_};
    failure_ = std::move(message);
    queue_.clear();
    queued_samples_ = 0;
  };
  try {
    write_header(file_);
    file_.flush();
  } catch (const std::exception& e) {
    fail(e.what());
  }
  auto last_flush = std::chrono::steady_clock::now();
  for (;;) {
    std::shared_ptr<const tick_samples> next;
    {
      std::unique_lock lock{mutex_};
      wake_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) break;  // closing, and everything is written
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    const auto count = next->size();
    if (!failed) {
      try {
        for (const auto& block : next->blocks) tags.learn(block);
        write_samples(*next, tags, file_);
        const auto now = std::chrono::steady_clock::now();
        if (now - last_flush >= options_.flush_interval) {
          file_.flush();
          last_flush = now;
        }
      } catch (const std::exception& e) {
        fail(e.what());
      }
    }
    const std::lock_guard lock{mutex_};
    if (queued_samples_ >= count) queued_samples_ -= count;
    if (!failed) written_samples_ += count;
  }
  try {
    file_.close();
  } catch (const std::exception& e) {
    if (!failed) fail(e.what());
  }
}

}  // namespace stampede
