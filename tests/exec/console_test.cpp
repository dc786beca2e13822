// vu::log and the log lines under it: k6's (logrus's) text format with Go's %q quoting, the
// sink's level, a run's console, and whole lines when several threads log at once.
#include <stampede/core/log.hpp>
#include <stampede/exec/runner.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

// A sink that keeps its lines.
struct captured_lines {
  std::mutex mutex;
  std::vector<std::string> lines;

  std::shared_ptr<sp::log_sink> sink(sp::log_level level = sp::log_level::info) {
    return std::make_shared<sp::log_sink>(
        [this](std::string_view line) {
          const std::lock_guard lock{mutex};
          lines.emplace_back(line);
        },
        level);
  }
};

// 2026-12-06T23:30:00Z
const std::chrono::system_clock::time_point december{std::chrono::seconds{1796599800}};

}  // namespace

TEST_CASE("a log line is logrus's text format, time in whole seconds of UTC") {
  CHECK(sp::format_log_line(december, sp::log_level::info, "the message", "console") ==
        "time=\"2026-12-06T23:30:00Z\" level=info msg=\"the message\" source=console\n");
  CHECK(sp::format_log_line(december + 750ms, sp::log_level::warning, "slow") ==
        "time=\"2026-12-06T23:30:00Z\" level=warning msg=slow\n");
  CHECK(sp::format_log_line(december, sp::log_level::error, "") == "time=\"2026-12-06T23:30:00Z\" level=error msg=\n");
  CHECK(sp::format_log_line(december, sp::log_level::debug, "x", "console") ==
        "time=\"2026-12-06T23:30:00Z\" level=debug msg=x source=console\n");
}

TEST_CASE("values are quoted with Go's %q when they hold more than plain characters") {
  CHECK(sp::logfmt_value("plain-text_1.2/3@4^5+6") == "plain-text_1.2/3@4^5+6");
  CHECK(sp::logfmt_value("two words") == "\"two words\"");
  CHECK(sp::logfmt_value("say \"hi\"") == "\"say \\\"hi\\\"\"");
  CHECK(sp::logfmt_value("a\\b") == "\"a\\\\b\"");
  CHECK(sp::logfmt_value("line\nnext\ttab\r") == "\"line\\nnext\\ttab\\r\"");
  CHECK(sp::logfmt_value(std::string_view{"\x01\x7f", 2}) == "\"\\x01\\x7f\"");
  CHECK(sp::logfmt_value("caf\xc3\xa9") == "\"caf\xc3\xa9\"");  // printable UTF-8 stays
  CHECK(sp::logfmt_value("bad\xff") == "\"bad\\xff\"");        // invalid UTF-8: a byte escape
  CHECK(sp::logfmt_value("nb\xc2\xa0sp") == "\"nb\\u00a0sp\"");
  CHECK(sp::logfmt_value("key=value") == "\"key=value\"");
}

TEST_CASE("log levels by name") {
  CHECK(sp::to_string(sp::log_level::warning) == "warning");
  CHECK(sp::parse_log_level("warn") == sp::log_level::warning);
  CHECK(sp::parse_log_level("debug") == sp::log_level::debug);
  CHECK(!sp::parse_log_level("trace"));
}

TEST_CASE("a sink drops lines below its level") {
  captured_lines got;
  auto sink = got.sink(sp::log_level::warning);
  sink->log(sp::log_level::debug, "d", {}, december);
  sink->log(sp::log_level::info, "i", {}, december);
  sink->log(sp::log_level::warning, "w", {}, december);
  sink->log(sp::log_level::error, "e", {}, december);
  REQUIRE(got.lines.size() == 2);
  CHECK(got.lines[0] == "time=\"2026-12-06T23:30:00Z\" level=warning msg=w\n");
  CHECK(got.lines[1] == "time=\"2026-12-06T23:30:00Z\" level=error msg=e\n");
  CHECK(!sp::log_sink::discard()->enabled(sp::log_level::error));
}

TEST_CASE("VUs log to the run's console, stamped with the run's wall clock") {
  captured_lines got;
  sp::load_test test{.scenarios = {{.name = "logs",
                                    .exec = [](sp::vu& u) -> sp::task<> {
                                      co_await u.sleep(2s);
                                      u.log("debug " + std::to_string(u.id()), sp::log_level::debug);
                                      u.log("info " + std::to_string(u.id()));
                                      u.log("say \"hi\"\nbye", sp::log_level::warning);
                                      u.log("failed", sp::log_level::error);
                                    },
                                    .executor = sp::per_vu_iterations{.vus = 1, .iterations = 1}}}};
  sp::manual_time time;  // wall clock from 2026-01-01T00:00:00Z
  const auto r = sp::run(test, {.threads = 1, .seed = 1, .console = got.sink(), .time = &time});
  CHECK(r.complete_iterations() == 1);
  REQUIRE(got.lines.size() == 3);
  CHECK(got.lines[0] == "time=\"2026-01-01T00:00:02Z\" level=info msg=\"info 1\" source=console\n");
  CHECK(got.lines[1] ==
        "time=\"2026-01-01T00:00:02Z\" level=warning msg=\"say \\\"hi\\\"\\nbye\" source=console\n");
  CHECK(got.lines[2] == "time=\"2026-01-01T00:00:02Z\" level=error msg=failed source=console\n");

  got.lines.clear();
  sp::manual_time again;
  (void)sp::run(test, {.threads = 1, .seed = 1, .console = got.sink(sp::log_level::debug), .time = &again});
  REQUIRE(got.lines.size() == 4);
  CHECK(got.lines[0] == "time=\"2026-01-01T00:00:02Z\" level=debug msg=\"debug 1\" source=console\n");
}

TEST_CASE("lines of VUs on several shards arrive whole") {
  captured_lines got;
  const std::string long_text(300, 'x');
  sp::load_test test{.scenarios = {{.name = "many",
                                    .exec = [&long_text](sp::vu& u) -> sp::task<> {
                                      for (int i = 0; i < 20; ++i) u.log(long_text + " " + std::to_string(u.id()));
                                      co_return;
                                    },
                                    .executor = sp::per_vu_iterations{.vus = 8, .iterations = 5}}}};
  (void)sp::run(test, {.threads = 4, .seed = 1, .console = got.sink()});
  REQUIRE(got.lines.size() == 8 * 5 * 20);
  for (const auto& line : got.lines) {
    CHECK(line.starts_with("time=\""));
    CHECK(line.find(" level=info msg=\"" + long_text + " ") != std::string::npos);
    CHECK(line.ends_with("\" source=console\n"));
    CHECK(line.find('\n') == line.size() - 1);
  }
}

TEST_CASE("threads writing to one stream sink never interleave within a line") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  auto sink = sp::log_sink::to_stream(file);
  constexpr int threads = 8;
  constexpr int per_thread = 200;
  {
    std::vector<std::jthread> writers;
    for (int t = 0; t < threads; ++t) {
      writers.emplace_back([&sink, t] {
        // A space, so that the message is quoted and its end is the closing quote.
        const std::string text = std::string(static_cast<std::size_t>(100 + t * 37), static_cast<char>('a' + t)) + " ";
        for (int i = 0; i < per_thread; ++i) sink->log(sp::log_level::info, text, "console", december);
      });
    }
  }
  std::fflush(file);
  std::rewind(file);
  std::string all;
  char buffer[4096];
  for (std::size_t n = 0; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;) all.append(buffer, n);
  std::fclose(file);
  std::size_t lines = 0;
  for (std::size_t at = 0; at < all.size();) {
    const auto end = all.find('\n', at);
    REQUIRE(end != std::string::npos);
    const std::string_view line{all.data() + at, end - at};
    const auto open = line.find("msg=\"");
    REQUIRE(open != std::string_view::npos);
    const auto body = line.substr(open + 5, line.find('"', open + 5) - open - 5);
    REQUIRE(!body.empty());
    CHECK(body.size() == 101 + static_cast<std::size_t>(body.front() - 'a') * 37);
    CHECK(body.find_first_not_of(body.front()) == body.size() - 1);
    ++lines;
    at = end + 1;
  }
  CHECK(lines == threads * per_thread);
}
