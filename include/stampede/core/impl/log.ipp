// Bodies of core/log.hpp.
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>
#include <stampede/core/timestamp.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstdint>
#include <system_error>
#include <utility>

#if defined(_WIN32)
#  include <fcntl.h>
#  include <io.h>
#  include <sys/stat.h>
#else
#  include <fcntl.h>
#  include <unistd.h>
#endif

namespace stampede {

namespace detail::log {

// Go's utf8.DecodeRune: the code point at `text[at]` and its length, or nullopt (length 1)
// for a byte that does not start a valid sequence.
STAMPEDE_DECL std::optional<char32_t> decode_utf8(std::string_view text, std::size_t at, std::size_t& length) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  length = 1;
  std::size_t n = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2, cp = lead & 0x1FU, min = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3, cp = lead & 0x0FU, min = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4, cp = lead & 0x07U, min = 0x10000;
  } else {
    return std::nullopt;
  }
  if (at + n > text.size()) return std::nullopt;
  for (std::size_t i = 1; i < n; ++i) {
    if ((byte(at + i) & 0xC0U) != 0x80U) return std::nullopt;
    cp = (cp << 6U) | (byte(at + i) & 0x3FU);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  length = n;
  return cp;
}

// Go's strconv.IsPrint for the code points above ASCII that a log message is likely to hold:
// the C1 controls, no-break and soft hyphen, the line and paragraph separators and the byte
// order mark are not printable (Go writes them as \u escapes); other letters and symbols are.
STAMPEDE_DECL bool printable(char32_t cp) {
  return !(cp < 0xA1 || cp == 0xAD || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF);
}

STAMPEDE_DECL void write_all(int fd, std::string_view line) {
  while (!line.empty()) {
#if defined(_WIN32)
    const auto written = ::_write(fd, line.data(), static_cast<unsigned>(line.size()));
#else
    const auto written = ::write(fd, line.data(), line.size());
#endif
    if (written < 0) {
      if (errno == EINTR) continue;
      return;  // a log that cannot be written is dropped, as logrus drops it, not the run
    }
    line.remove_prefix(static_cast<std::size_t>(written));
  }
}

// Owns the descriptor of a file sink.
class log_file {
 public:
  explicit log_file(int fd) : fd_{fd} {}
  log_file(const log_file&) = delete;
  log_file& operator=(const log_file&) = delete;
  ~log_file() {
#if defined(_WIN32)
    ::_close(fd_);
#else
    ::close(fd_);
#endif
  }
  void write(std::string_view line) const { write_all(fd_, line); }

 private:
  int fd_;
};

}  // namespace detail::log

STAMPEDE_DECL std::string_view to_string(log_level level) noexcept {
  switch (level) {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warning: return "warning";
    case log_level::error: return "error";
  }
  return "info";
}

STAMPEDE_DECL std::optional<log_level> parse_log_level(std::string_view text) noexcept {
  if (text == "debug") return log_level::debug;
  if (text == "info") return log_level::info;
  if (text == "warning" || text == "warn") return log_level::warning;
  if (text == "error") return log_level::error;
  return std::nullopt;
}

STAMPEDE_DECL std::string logfmt_value(std::string_view text) {
  const auto plain = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '/' || c == '@' || c == '^' || c == '+';
  };
  bool needs_quotes = false;
  for (const char c : text) needs_quotes = needs_quotes || !plain(c);
  if (!needs_quotes) return std::string{text};  // logrus leaves an empty value empty too

  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\a': out += "\\a"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\v': out += "\\v"; break;
        default:
          if (c < 0x20 || c == 0x7F) {
            out += fmt::format("\\x{:02x}", c);
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    std::size_t length = 1;
    const auto cp = detail::log::decode_utf8(text, i, length);
    if (!cp) {
      out += fmt::format("\\x{:02x}", c);  // Go's %q writes a byte of invalid UTF-8 as \x
    } else if (!detail::log::printable(*cp)) {
      out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(*cp));
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  out += '"';
  return out;
}

STAMPEDE_DECL std::string format_log_line(std::chrono::system_clock::time_point time, log_level level,
                                          std::string_view message, std::string_view source) {
  std::string line = fmt::format("time=\"{}\" level={} msg={}", format_rfc3339(time, timestamp_precision::seconds),
                                 to_string(level), logfmt_value(message));
  if (!source.empty()) {
    line += " source=";
    line += logfmt_value(source);
  }
  line += '\n';
  return line;
}

STAMPEDE_DECL log_sink::log_sink(writer write, log_level level) : write_{std::move(write)}, level_{level} {}

STAMPEDE_DECL std::shared_ptr<log_sink> log_sink::to_stream(std::FILE* stream, log_level level) {
  return std::make_shared<log_sink>(
      [stream](std::string_view line) {
        // One fwrite: stdio locks the stream for it, so a line is not split by others' output.
        std::fwrite(line.data(), 1, line.size(), stream);
        std::fflush(stream);
      },
      level);
}

STAMPEDE_DECL std::shared_ptr<log_sink> log_sink::standard_error(log_level level) { return to_stream(stderr, level); }

STAMPEDE_DECL std::shared_ptr<log_sink> log_sink::discard() {
  return std::make_shared<log_sink>(writer{}, log_level::error);
}

STAMPEDE_DECL std::shared_ptr<log_sink> log_sink::append_to_file(const std::string& path, log_level level) {
  errno = 0;
#if defined(_WIN32)
  const int fd = ::_open(path.c_str(), _O_WRONLY | _O_APPEND | _O_CREAT | _O_BINARY, _S_IREAD | _S_IWRITE);
#else
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
#endif
  if (fd < 0) {
    const int error = errno;
    throw usage_error(fmt::format("cannot open \"{}\": {}", path,
                                  error != 0 ? std::generic_category().message(error) : std::string{"an unknown error"}));
  }
  auto file = std::make_shared<detail::log::log_file>(fd);
  return std::make_shared<log_sink>([file](std::string_view line) { file->write(line); }, level);
}

STAMPEDE_DECL void log_sink::log(log_level level, std::string_view message, std::string_view source,
                                 std::chrono::system_clock::time_point time) {
  if (!enabled(level) || !write_) return;
  write(format_log_line(time, level, message, source));
}

STAMPEDE_DECL void log_sink::write(std::string_view line) {
  if (!write_) return;
  const std::lock_guard lock{mutex_};
  write_(line);
}

}  // namespace stampede
