// A page opened in a real headless browser (Chromium), for the tests of the HTML pages stampede
// writes: the DOM after the page's scripts ran, what the page printed to its console or threw,
// every network request it attempted (all of them refused), and screenshots with their
// colours counted. POSIX only; every run is bounded in time and leaves nothing behind.
//
// How each thing is found, on Debian 12's Chromium 156:
// - the DOM: `--dump-dom` prints it to stdout once the page has loaded and its timers have run
//   for `--virtual-time-budget` (virtual time: a 2 s setTimeout costs no real 2 s).
// - the console: `--enable-logging=stderr --v=0` logs each console message of a web page as
//     [pid:tid:MMDD/HHMMSS.micros:INFO:CONSOLE:LINE] "TEXT", source: URL (LINE)
//   (older versions: `INFO:CONSOLE(LINE)]`). Chromium logs every level of a web page's console
//   at INFO, so console.log, console.warn and console.error cannot be told apart: the harness
//   reports every message, and a page under test should print none. Uncaught exceptions and
//   unhandled rejections come as messages whose text begins "Uncaught".
// - network requests: `--log-net-log` writes Chromium's net log (JSON, one event a line); the
//   URL requests whose initiator is a page (not "not an origin", Chromium's own background
//   fetches) or whose network isolation key is a file:// page's are the page's. DNS fails for
//   every name (`--host-resolver-rules`), every request goes to a proxy on 127.0.0.1:9 that
//   refuses, loopback included (`--proxy-bypass-list=<-loopback>`), so nothing leaves.
// - bounds: coreutils' timeout runs Chromium in a process group of its own and SIGKILLs the
//   whole group after `browser_options::limit`; the profile, HOME and the net log live in a
//   fresh temporary folder removed afterwards.
#pragma once

#include <stampede/core/json.hpp>

#include "support/catch_compat.hpp"
#include "support/child_process.hpp"  // child
#include "support/process.hpp"        // find_program

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include <stdlib.h>  // mkdtemp
#include <unistd.h>

extern char** environ;  // NOLINT: POSIX declares it nowhere else

namespace stampede_test {

/// Why find_chromium() found none, for a skipped browser test to say.
inline std::string chromium_missing() {
  if (const char* own = std::getenv("STAMPEDE_CHROMIUM"); own != nullptr && *own != '\0') {
    return "STAMPEDE_CHROMIUM=" + std::string{own} + " is not an executable (unset, Debian's chromium is used: scripts/setup installs it)";
  }
  return "chromium is not installed (Debian's chromium; scripts/setup installs it), or set STAMPEDE_CHROMIUM to a Chromium or Chrome";
}

/// The browser to run: $STAMPEDE_CHROMIUM (a path, or a name on PATH), else `chromium`,
/// `chromium-browser` or `google-chrome` on PATH.
inline std::optional<std::string> find_chromium() {
  if (const char* own = std::getenv("STAMPEDE_CHROMIUM"); own != nullptr && *own != '\0') {
    const std::string name{own};
    if (name.find('/') == std::string::npos) return find_program(name);
    if (::access(name.c_str(), X_OK) == 0) return name;
    return std::nullopt;
  }
  for (const std::string_view name : {"chromium", "chromium-browser", "google-chrome"}) {
    // A snap's (Ubuntu's chromium) has a /tmp of its own, where the tests' pages are not.
    if (auto found = find_program(name); found && !found->starts_with("/snap/")) return found;
  }
  return std::nullopt;
}

struct browser_options {
  /// Chromium (its whole process group) is killed after this long.
  std::chrono::seconds limit{60};
  /// `--virtual-time-budget`: how far the page's timers run before the DOM is dumped or the
  /// screenshot taken.
  std::chrono::milliseconds virtual_time{5000};
  /// The window, which is the screenshot's size and the page's viewport.
  int width = 1280;
  int height = 800;
  /// More Chromium flags.
  std::vector<std::string> extra_args = {};
  /// The browser; none: find_chromium().
  std::optional<std::string> chromium = std::nullopt;
};

/// What one Chromium run gave.
struct page_load {
  /// Chromium exited 0 within the limit and dumped the DOM (load_page) or wrote the PNG (screenshot).
  bool ok = false;
  /// The serialised DOM after the scripts ran (load_page only).
  std::string dom;
  /// Every console message, whatever its level (see above), as Chromium logged it:
  /// `"TEXT", source: URL (LINE)`.
  std::vector<std::string> console_messages;
  /// The console messages that are uncaught exceptions or unhandled rejections.
  std::vector<std::string> uncaught_exceptions;
  /// The URLs of the network requests the page attempted (all refused), in order, once each.
  std::vector<std::string> network_requests;
  /// Chromium's exit code; 137 when killed at the limit, -1 when it could not be run.
  int exit_code = -1;
  std::chrono::milliseconds elapsed{0};
  /// For a failure message: the command, the exit, and Chromium's stderr without its D-Bus noise.
  std::string diagnostics;

  /// Loaded, with nothing on the console and no network request.
  [[nodiscard]] bool clean() const { return ok && console_messages.empty() && network_requests.empty(); }
};

namespace browser_detail {

/// A fresh folder under the system's temporary folder, removed with everything in it.
class temp_directory {
 public:
  explicit temp_directory(const std::string& name) {
    auto pattern =
        (std::filesystem::temp_directory_path() / ("stampede-" + std::to_string(::getpid()) + "-" + name + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) != nullptr) path = pattern;
  }
  ~temp_directory() {
    if (path.empty()) return;
    // A browser's last helper processes can still be writing in it for a moment after exit.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
    for (;;) {
      std::error_code failed;
      std::filesystem::remove_all(path, failed);
      if (!failed || std::chrono::steady_clock::now() > deadline) return;
      std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
  }
  temp_directory(const temp_directory&) = delete;
  temp_directory& operator=(const temp_directory&) = delete;

  std::string path;  // empty: it could not be made
};

/// `file://` and the absolute path, percent-encoded.
inline std::string file_url(const std::string& path) {
  const auto absolute = std::filesystem::absolute(path).lexically_normal().string();
  std::string url = "file://";
  constexpr std::string_view hex = "0123456789ABCDEF";
  for (const char c : absolute) {
    const auto byte = static_cast<unsigned char>(c);
    const bool plain = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9') ||
                       c == '/' || c == '-' || c == '.' || c == '_' || c == '~';
    if (plain) {
      url += c;
    } else {
      url += '%';
      url += hex[static_cast<std::size_t>(byte) >> 4U];
      url += hex[static_cast<std::size_t>(byte) & 0xFU];
    }
  }
  return url;
}

/// The first string member called `name` in `v` or in the objects and arrays under it
/// (depth first); none if there is none.
inline std::optional<std::string> string_member(const stampede::json_value& v, std::string_view name) {
  if (v.type() == stampede::json_type::object) {
    if (const auto* member = v.find(name); member != nullptr && member->type() == stampede::json_type::string) {
      return member->text();
    }
  }
  if (v.type() != stampede::json_type::object && v.type() != stampede::json_type::array) return std::nullopt;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (auto found = string_member(v[i], name)) return found;
  }
  return std::nullopt;
}

/// The URLs the page asked for, from Chromium's net log at `path` (one event a line).
inline std::vector<std::string> page_requests(const std::string& path) {
  std::vector<std::string> urls;
  std::ifstream in{path};
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("\"network_isolation_key\":") == std::string::npos) continue;
    // One event a line, each but the last followed by the array's comma; a truncated last
    // line (Chromium killed) does not parse and is skipped.
    std::string_view event{line};
    while (!event.empty() && (event.back() == ',' || event.back() == ' ' || event.back() == '\r')) event.remove_suffix(1);
    stampede::json_value parsed;
    try {
      parsed = stampede::parse_json(event);
    } catch (const std::exception&) {
      continue;
    }
    const auto url = string_member(parsed, "url");
    if (!url) continue;
    const auto initiator = string_member(parsed, "initiator");
    const auto isolation = string_member(parsed, "network_isolation_key");
    // Chromium's own fetches (updates, the time, dictionaries) have no initiating origin.
    const bool from_page = (initiator && *initiator != "not an origin") || (isolation && isolation->starts_with("file://"));
    if (!from_page || url->starts_with("file:") || url->starts_with("data:") || url->starts_with("blob:")) continue;
    if (std::find(urls.begin(), urls.end(), *url) == urls.end()) urls.push_back(*url);
  }
  return urls;
}

/// The console messages in Chromium's stderr, into `load`.
inline void console_messages(std::string_view err, page_load& load) {
  constexpr std::string_view source_marker = "\", source: ";
  std::size_t at = 0;
  while ((at = err.find(":CONSOLE", at)) != std::string_view::npos) {
    // The log line's prefix ends with `] "`, on the same line as `:CONSOLE`.
    const auto open = err.find("] \"", at);
    const auto line_end = err.find('\n', at);
    if (open == std::string_view::npos || (line_end != std::string_view::npos && open > line_end)) {
      at += 8;
      continue;
    }
    const auto text_begin = open + 3;
    // The text may span lines: it ends at `", source: `, and the source at the end of its line.
    const auto marker = err.find(source_marker, text_begin);
    if (marker == std::string_view::npos) break;
    auto end = err.find('\n', marker);
    if (end == std::string_view::npos) end = err.size();
    std::string message{err.substr(open + 2, end - (open + 2))};
    const bool uncaught = err.substr(text_begin, marker - text_begin).starts_with("Uncaught");
    if (uncaught) load.uncaught_exceptions.push_back(message);
    load.console_messages.push_back(std::move(message));
    at = end;
  }
}

/// Chromium's stderr without what it logs about D-Bus, the GPU and the like on a server, and
/// without the console lines (reported on their own); the last 6,000 characters.
inline std::string stderr_digest(std::string_view err) {
  std::string kept;
  while (!err.empty()) {
    const auto end = err.find('\n');
    const auto line = err.substr(0, end);
    err = end == std::string_view::npos ? std::string_view{} : err.substr(end + 1);
    constexpr std::string_view noise[] = {"dbus", "D-Bus", "bus.cc", "vaapi", "sandbox_linux", "unexpected operator", ":CONSOLE"};
    if (std::none_of(std::begin(noise), std::end(noise), [&](std::string_view n) { return line.find(n) != std::string_view::npos; })) {
      kept.append(line).append("\n");
    }
  }
  constexpr std::size_t keep = 6000;
  return kept.size() > keep ? "…" + kept.substr(kept.size() - keep) : kept;
}

/// This process's environment, with HOME and the XDG folders in `home` (Chromium writes to
/// them whatever --user-data-dir says).
inline std::vector<std::string> environment_in(const std::string& home) {
  std::vector<std::string> out;
  constexpr std::string_view replaced[] = {"HOME=", "XDG_CONFIG_HOME=", "XDG_CACHE_HOME=", "XDG_DATA_HOME="};
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry{*e};
    if (std::none_of(std::begin(replaced), std::end(replaced), [&](std::string_view r) { return entry.starts_with(r); })) {
      out.emplace_back(entry);
    }
  }
  out.push_back("HOME=" + home);
  out.push_back("XDG_CONFIG_HOME=" + home + "/.config");
  out.push_back("XDG_CACHE_HOME=" + home + "/.cache");
  out.push_back("XDG_DATA_HOME=" + home + "/.local/share");
  return out;
}

/// One bounded Chromium run on `html_path` with `mode` (--dump-dom, --screenshot=…).
inline page_load run(const std::string& html_path, const std::vector<std::string>& mode, const browser_options& options) {
  page_load load;
  const auto chromium = options.chromium ? options.chromium : find_chromium();
  const auto timeout = find_program("timeout");
  if (!chromium || !timeout) {
    load.diagnostics = !chromium ? chromium_missing() : "coreutils' timeout is not on PATH";
    return load;
  }
  std::error_code ignored;
  if (!std::filesystem::is_regular_file(html_path, ignored)) {
    load.diagnostics = "no such file: " + html_path;
    return load;
  }
  const temp_directory scratch{"chromium"};
  if (scratch.path.empty()) {
    load.diagnostics = "could not make a temporary folder";
    return load;
  }
  const auto home = scratch.path + "/home";
  std::filesystem::create_directories(home, ignored);
  const auto net_log = scratch.path + "/net-log.json";

  std::vector<std::string> args = {
      "--signal=KILL", std::to_string(options.limit.count()) + "s", *chromium,
      "--headless=new", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + scratch.path + "/profile",
      // Nothing of its own to do: no first-run, sync, updates, extensions or crash reports.
      "--no-first-run", "--no-default-browser-check", "--disable-default-apps", "--disable-extensions",
      "--disable-component-update", "--disable-sync", "--disable-background-networking",
      "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--disable-crash-reporter",
      "--disable-breakpad", "--mute-audio",
      // Every request refused: no name resolves, and everything (loopback too) goes to a proxy
      // on the discard port, which nothing listens on.
      "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
      "--log-net-log=" + net_log, "--net-log-capture-mode=Default",
      "--enable-logging=stderr", "--v=0",
      "--virtual-time-budget=" + std::to_string(options.virtual_time.count()),
      "--hide-scrollbars", "--window-size=" + std::to_string(options.width) + "," + std::to_string(options.height)};
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  args.insert(args.end(), mode.begin(), mode.end());
  args.push_back(file_url(html_path));

  std::string command = *timeout;
  for (const auto& a : args) command += " " + a;
  const auto started = std::chrono::steady_clock::now();
  {
    child browser{args, *timeout, environment_in(home)};
    // timeout(1) kills the group at the limit; the margin is for it and for the helpers'
    // exit, which closes the pipes.
    load.exit_code = browser.wait_for_exit(options.limit + std::chrono::seconds{15});
    load.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    load.dom = browser.out();
    console_messages(browser.err(), load);
    load.network_requests = page_requests(net_log);
    load.diagnostics = command + "\nexit code " + std::to_string(load.exit_code) +
                       (load.exit_code == 137 ? " (killed at the limit of " + std::to_string(options.limit.count()) + " s)" : "") +
                       " after " + std::to_string(load.elapsed.count()) + " ms\nchromium's stderr:\n" +
                       stderr_digest(browser.err());
  }
  load.ok = load.exit_code == 0;
  return load;
}

/// python3 for tests/support/png_colors.py: Debian's, else the first on PATH.
inline std::optional<std::string> find_python() {
  if (::access("/usr/bin/python3", X_OK) == 0) return "/usr/bin/python3";
  return find_program("python3");
}

inline std::string png_colors_script() {
#if defined(STAMPEDE_TESTS_DIR)
  return STAMPEDE_TESTS_DIR "/support/png_colors.py";
#else
  return (std::filesystem::path{__FILE__}.parent_path() / "png_colors.py").string();
#endif
}

}  // namespace browser_detail

/// Opens `html_path` (file://), runs its scripts for `options.virtual_time`, and returns the
/// DOM, the console messages and the network requests it attempted.
inline page_load load_page(const std::string& html_path, const browser_options& options = {}) {
  auto load = browser_detail::run(html_path, {"--dump-dom"}, options);
  load.ok = load.ok && load.dom.find("<html") != std::string::npos;
  return load;
}

/// A `width`×`height` PNG of `html_path` at `png_out` (the window's size; no scrollbars), once
/// its scripts ran for `options.virtual_time`; the console and network as load_page's.
inline page_load screenshot(const std::string& html_path, const std::string& png_out, int width, int height,
                            browser_options options = {}) {
  options.width = width;
  options.height = height;
  const auto out = std::filesystem::absolute(png_out).string();
  std::error_code ignored;
  std::filesystem::remove(out, ignored);
  auto load = browser_detail::run(html_path, {"--screenshot=" + out}, options);
  load.dom.clear();  // Chromium prints nothing else there
  const auto size = std::filesystem::file_size(out, ignored);
  load.ok = load.ok && !ignored && size > 0;
  if (!load.ok) load.diagnostics += "\nno PNG at " + out;
  return load;
}

/// How many times the element `name` opens in `html`: `<name` followed by a space, `>` or `/`.
inline std::size_t count_elements(std::string_view html, std::string_view name) {
  const auto open = "<" + std::string{name};
  std::size_t n = 0;
  for (auto at = html.find(open); at != std::string_view::npos; at = html.find(open, at + 1)) {
    const auto next = at + open.size();
    if (next < html.size() && (html[next] == ' ' || html[next] == '>' || html[next] == '/' || html[next] == '\n' || html[next] == '\t')) ++n;
  }
  return n;
}

/// A PNG's pixels counted by colour (tests/support/png_colors.py).
struct png_colour_count {
  bool ok = false;
  std::size_t total = 0;              // width × height
  std::string background;            // #rrggbb of the top-left pixel
  std::size_t background_pixels = 0;  // within the tolerance of it
  std::map<std::string, std::size_t> counts;  // per colour asked for, keyed as it was asked
  std::string diagnostics;

  /// The share of pixels that are not the background: 0 for a blank page.
  [[nodiscard]] double non_background_fraction() const {
    return total == 0 ? 0.0 : static_cast<double>(total - background_pixels) / static_cast<double>(total);
  }
};

/// Counts the pixels of the PNG at `png_path` whose red, green and blue are each within
/// `tolerance` (0-255) of each of `colours` (`#rrggbb`), and of the background.
inline png_colour_count count_png_colours(const std::string& png_path, const std::vector<std::string>& colours, int tolerance) {
  png_colour_count result;
  const auto python = browser_detail::find_python();
  if (!python) {
    result.diagnostics = "python3 is not installed (scripts/setup installs it)";
    return result;
  }
  std::vector<std::string> args = {browser_detail::png_colors_script(), png_path, std::to_string(tolerance)};
  args.insert(args.end(), colours.begin(), colours.end());
  child counter{args, *python};
  const int code = counter.wait_for_exit(std::chrono::seconds{60});
  result.diagnostics = "png_colors.py exit " + std::to_string(code) + "\n" + counter.out() + counter.err();
  if (code != 0) return result;
  std::size_t next_colour = 0;
  std::string_view rest = counter.out();
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    const auto line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    const auto space = line.find(' ');
    if (space == std::string_view::npos) continue;
    const auto key = line.substr(0, space);
    const std::string value{line.substr(space + 1)};
    if (key == "background") {
      result.background = value;
      continue;
    }
    const auto number = static_cast<std::size_t>(std::strtoull(value.c_str(), nullptr, 10));
    if (key == "total") {
      result.total = number;
    } else if (key == "background_pixels") {
      result.background_pixels = number;
    } else if (key.starts_with("#") && next_colour < colours.size()) {
      result.counts[colours[next_colour++]] = number;
    }
  }
  result.ok = result.total > 0 && next_colour == colours.size();
  return result;
}

/// Per colour asked for (`#rrggbb`, the key as given), the pixels within `tolerance` of it;
/// empty if the PNG could not be read.
inline std::map<std::string, std::size_t> count_colours(const std::string& png_path, const std::vector<std::string>& colours,
                                                        int tolerance) {
  auto counted = count_png_colours(png_path, colours, tolerance);
  return counted.ok ? counted.counts : std::map<std::string, std::size_t>{};
}

/// The share of the PNG's pixels that are not within `tolerance` of its top-left pixel's
/// colour; -1 if it could not be read.
inline double non_background_fraction(const std::string& png_path, int tolerance = 16) {
  const auto counted = count_png_colours(png_path, {}, tolerance);
  return counted.ok ? counted.non_background_fraction() : -1.0;
}

/// Whether the PNG is (nearly) one colour: under `threshold` of its pixels differ from the
/// background. False if it could not be read.
inline bool is_blank(const std::string& png_path, double threshold = 0.001, int tolerance = 16) {
  const auto fraction = non_background_fraction(png_path, tolerance);
  return fraction >= 0.0 && fraction < threshold;
}

}  // namespace stampede_test
