// A compiled test program run as a child process with its stdout and stderr on pipes, for
// tests of sp::main as a shell sees it: signals, exit codes, what it prints. POSIX only.
#pragma once

#include "support/catch_compat.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <optional>
#include <poll.h>
#include <spawn.h>
#include <string>
#include <string_view>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;  // NOLINT: POSIX declares it nowhere else

namespace stampede_test {

// The child program with its stdout and stderr on pipes. Every wait is bounded; the
// destructor kills and reaps a child a failed test left running.
class child {
 public:
  using clock_type = std::chrono::steady_clock;

  /// `environment`: the child's whole environment as NAME=VALUE; empty: this process's.
  explicit child(std::vector<std::string> args, std::string program, std::vector<std::string> environment = {}) {
    int out_pipe[2] = {-1, -1};
    int err_pipe[2] = {-1, -1};
    REQUIRE(pipe(out_pipe) == 0);
    REQUIRE(pipe(err_pipe) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
    for (const int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
      posix_spawn_file_actions_addclose(&actions, fd);
    }
    // Default signal dispositions and an empty mask, whatever the test runner inherited.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t none;
    sigset_t defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::vector<char*> argv;
    argv.push_back(program.data());
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& e : environment) envp.push_back(e.data());
    envp.push_back(nullptr);
    const int spawned =
        posix_spawn(&pid_, program.c_str(), &actions, &attributes, argv.data(), environment.empty() ? environ : envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    close(out_pipe[1]);
    close(err_pipe[1]);
    out_fd_ = out_pipe[0];
    err_fd_ = err_pipe[0];
    INFO("posix_spawn " << program);
    REQUIRE(spawned == 0);
  }
  ~child() {
    if (pid_ > 0 && !exit_code_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) close(out_fd_);
    if (err_fd_ >= 0) close(err_fd_);
  }
  child(const child&) = delete;
  child& operator=(const child&) = delete;

  // Reads both pipes until stderr holds `text`, the pipes close, or `limit` passes.
  bool wait_for_stderr(std::string_view text, std::chrono::milliseconds limit) {
    const auto deadline = clock_type::now() + limit;
    while (err_.find(text) == std::string::npos) {
      if (!read_some(deadline)) return false;
    }
    return true;
  }

  // The same for stdout.
  bool wait_for_stdout(std::string_view text, std::chrono::milliseconds limit) {
    const auto deadline = clock_type::now() + limit;
    while (out_.find(text) == std::string::npos) {
      if (!read_some(deadline)) return false;
    }
    return true;
  }

  void signal(int number) const { REQUIRE(kill(pid_, number) == 0); }

  // Reads until both pipes close and the child exits; its exit code, or -1 after `limit`.
  int wait_for_exit(std::chrono::milliseconds limit) {
    const auto deadline = clock_type::now() + limit;
    while (read_some(deadline)) {
    }
    while (clock_type::now() < deadline) {
      int status = 0;
      const pid_t done = waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return *exit_code_;
      }
      poll(nullptr, 0, 10);  // the pipes are closed: nothing left to wait on but the exit
    }
    return -1;
  }

  [[nodiscard]] const std::string& out() const { return out_; }
  [[nodiscard]] const std::string& err() const { return err_; }

 private:
  // One poll over the open pipes; false once both closed or the deadline passed.
  bool read_some(clock_type::time_point deadline) {
    std::vector<pollfd> fds;
    if (out_fd_ >= 0) fds.push_back({out_fd_, POLLIN, 0});
    if (err_fd_ >= 0) fds.push_back({err_fd_, POLLIN, 0});
    if (fds.empty()) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
    if (left <= 0) return false;
    const int ready = poll(fds.data(), static_cast<nfds_t>(fds.size()), static_cast<int>(left));
    if (ready < 0 && errno != EINTR) return false;
    for (const auto& p : fds) {
      if ((p.revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const bool is_out = p.fd == out_fd_;
      int& fd = is_out ? out_fd_ : err_fd_;
      std::string& into = is_out ? out_ : err_;
      char buffer[4096];
      const auto n = read(fd, buffer, sizeof buffer);
      if (n > 0) {
        into.append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fd);
        fd = -1;
      }
    }
    return true;
  }

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_;
  std::string err_;
  std::optional<int> exit_code_;
};

}  // namespace stampede_test
