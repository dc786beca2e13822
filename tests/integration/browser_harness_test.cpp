// The headless-browser harness (tests/support/browser.hpp) on hand-written pages, before any
// page of stampede's own is tested with it: the DOM after the scripts ran, console messages
// and uncaught exceptions, every attempted network request (refused, loopback included),
// screenshots and their colours, a blank page, and a page that never finishes loading. Also
// tests/support/png_colors.py on PNGs written here with every filter type. Skipped with a
// message naming scripts/setup when Chromium (or python3) is not installed.
#include "support/catch_compat.hpp"

#if defined(__unix__)

#include "support/browser.hpp"
#include "support/temp_file.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::chrono_literals;
using stampede_test::temp_file;

// A page written to a temporary file, removed when the test ends.
struct fixture_page {
  fixture_page(const std::string& name, std::string_view html) : file{name} {
    std::ofstream out{file.path, std::ios::binary};
    out << html;
  }
  temp_file file;
  [[nodiscard]] const std::string& path() const { return file.path; }
};

// Whether the browser tests can run; if not, says why (a skip, as ws_interop_test does).
bool have_chromium() {
  if (stampede_test::find_chromium()) return true;
  WARN("skipped: " << stampede_test::chromium_missing());
  return false;
}

bool have_python() {
  if (stampede_test::browser_detail::find_python()) return true;
  WARN("skipped: python3 is not installed (scripts/setup installs it)");
  return false;
}

bool contains(const std::vector<std::string>& lines, std::string_view text) {
  for (const auto& line : lines) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

// An SVG chart of three coloured polylines and a table of five rows, three of them added by a
// script, the last after a 500 ms timer: what a report does.
constexpr std::string_view chart_page = R"(<!doctype html>
<html><head><meta charset="utf-8"><title>chart</title>
<style>body { margin: 0; background: #ffffff; font-family: sans-serif; } td { padding: 2px 8px; }</style></head>
<body>
<svg width="600" height="300" viewBox="0 0 600 300">
  <polyline points="0,20 150,80 300,40 600,140" fill="none" stroke="#d62728" stroke-width="10"/>
  <polyline points="0,120 150,180 300,140 600,240" fill="none" stroke="#1f77b4" stroke-width="10"/>
  <polyline points="0,200 150,260 300,220 600,290" fill="none" stroke="#2ca02c" stroke-width="10"/>
</svg>
<table id="t"><tr><td>GET /</td><td>12 ms</td></tr><tr><td>GET /a</td><td>15 ms</td></tr></table>
<script>
  const table = document.getElementById('t');
  function row(a, b) { const r = table.insertRow(); r.insertCell().textContent = a; r.insertCell().textContent = b; }
  row('GET /b', '9 ms');
  row('GET /c', '30 ms');
  setTimeout(() => row('GET /d', '41 ms'), 500);
</script>
</body></html>
)";

constexpr std::array<const char*, 3> chart_colours = {"#d62728", "#1f77b4", "#2ca02c"};

}  // namespace

TEST_CASE("browser harness: a chart page's DOM after its scripts, no console or network, and each colour on screen", "[browser]") {
  if (!have_chromium()) return;
  const fixture_page page{"browser-chart.html", chart_page};

  const auto load = stampede_test::load_page(page.path());
  INFO(load.diagnostics);
  REQUIRE(load.ok);
  CHECK(stampede_test::count_elements(load.dom, "polyline") == 3);
  CHECK(stampede_test::count_elements(load.dom, "tr") == 5);  // the 500 ms timer ran too
  CHECK(load.dom.find("GET /d") != std::string::npos);
  CHECK(load.console_messages.empty());
  CHECK(load.uncaught_exceptions.empty());
  CHECK(load.network_requests.empty());
  CHECK(load.clean());
  CHECK(load.elapsed < 60s);

  const temp_file png{"browser-chart.png"};
  const auto shot = stampede_test::screenshot(page.path(), png.path, 800, 600);
  INFO(shot.diagnostics);
  REQUIRE(shot.ok);
  CHECK(shot.clean());
  const auto counted = stampede_test::count_png_colours(png.path, {chart_colours.begin(), chart_colours.end()}, 24);
  INFO(counted.diagnostics);
  REQUIRE(counted.ok);
  CHECK(counted.total == 800U * 600U);
  CHECK(counted.background == "#ffffff");
  for (const char* colour : chart_colours) {
    INFO(colour);
    CHECK(counted.counts.at(colour) > 1000U);  // a 10 px line about 700 px long
  }
  CHECK(counted.non_background_fraction() > 0.01);
  CHECK_FALSE(stampede_test::is_blank(png.path));
  // The convenience form gives the same counts.
  CHECK(stampede_test::count_colours(png.path, {chart_colours.begin(), chart_colours.end()}, 24) == counted.counts);
}

TEST_CASE("browser harness: console.error, an uncaught exception and an unhandled rejection are all reported", "[browser]") {
  if (!have_chromium()) return;
  const fixture_page page{"browser-errors.html", R"(<!doctype html>
<html><body><p id="p">before</p>
<script>console.error("boom: an error", 42);</script>
<script>throw new Error("thrown on purpose");</script>
<script>Promise.reject(new Error("rejected on purpose"));
  setTimeout(() => { console.error("late\nand on two lines"); document.getElementById("p").textContent = "after"; }, 200);</script>
</body></html>
)"};
  const auto load = stampede_test::load_page(page.path());
  INFO(load.diagnostics);
  REQUIRE(load.ok);
  CHECK_FALSE(load.clean());
  CHECK(load.dom.find(">after<") != std::string::npos);  // scripts after the throw still ran
  CHECK(load.console_messages.size() == 4);
  CHECK(contains(load.console_messages, "boom: an error 42"));
  CHECK(contains(load.console_messages, "late\nand on two lines"));
  CHECK(load.uncaught_exceptions.size() == 2);
  CHECK(contains(load.uncaught_exceptions, "Uncaught Error: thrown on purpose"));
  CHECK(contains(load.uncaught_exceptions, "Uncaught (in promise) Error: rejected on purpose"));
  // Each message names where it came from.
  CHECK(contains(load.console_messages, "source: file://"));
  CHECK(load.network_requests.empty());
}

TEST_CASE("browser harness: every network request a page attempts is reported and none gets out, loopback included", "[browser]") {
  if (!have_chromium()) return;
  // A real listener on loopback: the page's request to it must not arrive.
  asio::io_context io;
  asio::ip::tcp::acceptor listener{io, {asio::ip::make_address("127.0.0.1"), 0}};
  listener.non_blocking(true);
  const auto port = std::to_string(listener.local_endpoint().port());
  const auto loopback_url = "http://127.0.0.1:" + port + "/c.png";

  const fixture_page page{"browser-network.html", R"(<!doctype html>
<html><body data-fetch="pending"><p>offline</p>
<img src="http://example.invalid/a.png">
<img src=")" + loopback_url + R"(">
<script>
  fetch('https://example.com/').then(() => { document.body.dataset.fetch = 'answered'; },
                                     () => { document.body.dataset.fetch = 'refused'; });
</script>
</body></html>
)"};
  const auto load = stampede_test::load_page(page.path());
  INFO(load.diagnostics);
  REQUIRE(load.ok);
  CHECK_FALSE(load.clean());
  CHECK(load.network_requests.size() == 3);
  CHECK(contains(load.network_requests, "https://example.com/"));
  CHECK(contains(load.network_requests, "http://example.invalid/a.png"));
  CHECK(contains(load.network_requests, loopback_url));
  CHECK(load.dom.find("data-fetch=\"refused\"") != std::string::npos);
  asio::error_code no_connection;
  asio::ip::tcp::socket accepted{io};
  listener.accept(accepted, no_connection);
  CHECK(no_connection == asio::error::would_block);
}

TEST_CASE("browser harness: a blank page's screenshot is blank", "[browser]") {
  if (!have_chromium()) return;
  const fixture_page page{"browser-blank.html", "<!doctype html>\n<html><head><title>blank</title></head><body></body></html>\n"};
  const temp_file png{"browser-blank.png"};
  const auto shot = stampede_test::screenshot(page.path(), png.path, 640, 480);
  INFO(shot.diagnostics);
  REQUIRE(shot.ok);
  CHECK(shot.clean());
  const auto counted = stampede_test::count_png_colours(png.path, {"#ffffff"}, 0);
  INFO(counted.diagnostics);
  REQUIRE(counted.ok);
  CHECK(counted.total == 640U * 480U);
  CHECK(counted.counts.at("#ffffff") == counted.total);
  CHECK(counted.non_background_fraction() == 0.0);
  CHECK(stampede_test::is_blank(png.path));
}

TEST_CASE("browser harness: a page that never finishes loading is killed at the limit", "[browser]") {
  if (!have_chromium()) return;
  const fixture_page page{"browser-hang.html", "<!doctype html>\n<html><body><script>for (;;) {}</script></body></html>\n"};
  stampede_test::browser_options options;
  options.limit = 5s;
  const auto started = std::chrono::steady_clock::now();
  const auto load = stampede_test::load_page(page.path(), options);
  const auto took = std::chrono::steady_clock::now() - started;
  INFO(load.diagnostics);
  CHECK_FALSE(load.ok);
  CHECK(load.exit_code == 137);  // timeout(1)'s SIGKILL
  CHECK(load.diagnostics.find("killed at the limit") != std::string::npos);
  CHECK(took >= 5s);
  CHECK(took < 20s);
}

// --- png_colors.py on PNGs written here: every filter type, RGB and RGBA --------------------

namespace {

std::uint32_t crc32(std::string_view bytes) {
  std::uint32_t c = 0xFFFFFFFFU;
  for (const char ch : bytes) {
    c ^= static_cast<std::uint32_t>(static_cast<unsigned char>(ch));
    for (int k = 0; k < 8; ++k) c = (c >> 1U) ^ (0xEDB88320U & (0U - (c & 1U)));
  }
  return c ^ 0xFFFFFFFFU;
}

void put_u32(std::string& out, std::uint32_t v) {
  for (const unsigned shift : {24U, 16U, 8U, 0U}) out += static_cast<char>((v >> shift) & 0xFFU);
}

void put_chunk(std::string& png, std::string_view kind, std::string_view body) {
  put_u32(png, static_cast<std::uint32_t>(body.size()));
  const auto start = png.size();
  png.append(kind).append(body);
  put_u32(png, crc32(std::string_view{png}.substr(start)));
}

int paeth(int a, int b, int c) {
  const int p = a + b - c;
  const int pa = p > a ? p - a : a - p;
  const int pb = p > b ? p - b : b - p;
  const int pc = p > c ? p - c : c - p;
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

using rgb = std::array<int, 3>;

// A PNG of `pixels` (rows of colours), 8-bit RGB or RGBA, row y filtered with type y % 5, its
// deflate stream in stored blocks (no zlib needed).
std::string encode_png(const std::vector<std::vector<rgb>>& pixels, bool alpha) {
  const auto height = pixels.size();
  const auto width = pixels.front().size();
  const std::size_t bpp = alpha ? 4 : 3;
  std::string raw;
  std::vector<int> previous(width * bpp, 0);
  for (std::size_t y = 0; y < height; ++y) {
    std::vector<int> row;
    for (std::size_t x = 0; x < width; ++x) {
      for (const int v : pixels[y][x]) row.push_back(v);
      if (alpha) row.push_back(static_cast<int>((x * 40 + y * 9) % 256));  // ignored by the counter
    }
    const int filter = static_cast<int>(y % 5);
    raw += static_cast<char>(filter);
    for (std::size_t i = 0; i < row.size(); ++i) {
      const int a = i >= bpp ? row[i - bpp] : 0;
      const int b = previous[i];
      const int c = i >= bpp ? previous[i - bpp] : 0;
      const int predicted = filter == 0 ? 0 : filter == 1 ? a : filter == 2 ? b : filter == 3 ? (a + b) / 2 : paeth(a, b, c);
      raw += static_cast<char>((row[i] - predicted + 256) % 256);
    }
    previous = row;
  }
  // zlib: header, stored blocks of at most 65535 bytes, Adler-32.
  std::string z = "\x78\x01";
  std::size_t at = 0;
  do {
    const auto n = std::min<std::size_t>(65535, raw.size() - at);
    z += static_cast<char>(at + n == raw.size() ? 1 : 0);  // BFINAL, BTYPE 00: stored
    const auto len = static_cast<std::uint32_t>(n);
    const auto nlen = ~len & 0xFFFFU;
    for (const std::uint32_t v : {len & 0xFFU, len >> 8U, nlen & 0xFFU, nlen >> 8U}) z += static_cast<char>(v);
    z.append(raw, at, n);
    at += n;
  } while (at < raw.size());
  std::uint32_t s1 = 1;
  std::uint32_t s2 = 0;
  for (const char ch : raw) {
    s1 = (s1 + static_cast<unsigned char>(ch)) % 65521U;
    s2 = (s2 + s1) % 65521U;
  }
  put_u32(z, (s2 << 16U) | s1);

  std::string png = "\x89PNG\r\n\x1a\n";
  std::string header;
  put_u32(header, static_cast<std::uint32_t>(width));
  put_u32(header, static_cast<std::uint32_t>(height));
  header += std::string{'\x08', alpha ? '\x06' : '\x02', '\0', '\0', '\0'};
  put_chunk(png, "IHDR", header);
  put_chunk(png, "IDAT", z);
  put_chunk(png, "IEND", "");
  return png;
}

}  // namespace

TEST_CASE("browser harness: png_colors.py counts each colour through all five filter types, RGB and RGBA", "[browser][png]") {
  if (!have_python()) return;
  // Four colours in a pattern whose neighbours differ, so every filter's predictor matters.
  const std::array<rgb, 4> palette = {rgb{255, 255, 255}, rgb{214, 39, 40}, rgb{31, 119, 180}, rgb{44, 160, 44}};
  const std::size_t width = 23;
  const std::size_t height = 17;
  std::vector<std::vector<rgb>> pixels(height, std::vector<rgb>(width));
  std::array<std::size_t, 4> expected{};
  for (std::size_t y = 0; y < height; ++y) {
    for (std::size_t x = 0; x < width; ++x) {
      const auto index = x == 0 && y == 0 ? std::size_t{0} : (x * 7 + y * 3 + x * y) % 4;
      pixels[y][x] = palette[index];
      ++expected[index];
    }
  }
  for (const bool alpha : {false, true}) {
    INFO((alpha ? "RGBA" : "RGB"));
    const temp_file png{alpha ? "png-colors-rgba.png" : "png-colors-rgb.png"};
    {
      std::ofstream out{png.path, std::ios::binary};
      out << encode_png(pixels, alpha);
    }
    const auto counted = stampede_test::count_png_colours(png.path, {"#D62728", "#1f77b4", "#2ca02c", "#d52829"}, 0);
    INFO(counted.diagnostics);
    REQUIRE(counted.ok);
    CHECK(counted.total == width * height);
    CHECK(counted.background == "#ffffff");
    CHECK(counted.background_pixels == expected[0]);
    CHECK(counted.counts.at("#D62728") == expected[1]);  // keyed as asked
    CHECK(counted.counts.at("#1f77b4") == expected[2]);
    CHECK(counted.counts.at("#2ca02c") == expected[3]);
    CHECK(counted.counts.at("#d52829") == 0);  // one off in each channel: outside a tolerance of 0
    CHECK(stampede_test::count_colours(png.path, {"#d52829"}, 1).at("#d52829") == expected[1]);
    CHECK_FALSE(stampede_test::is_blank(png.path));
  }
  const temp_file junk{"png-colors-junk.png"};
  {
    std::ofstream out{junk.path, std::ios::binary};
    out << "not a png";
  }
  CHECK_FALSE(stampede_test::count_png_colours(junk.path, {"#000000"}, 0).ok);
  CHECK(stampede_test::count_colours(junk.path, {"#000000"}, 0).empty());
  CHECK(stampede_test::non_background_fraction(junk.path) < 0.0);
  CHECK_FALSE(stampede_test::is_blank(junk.path));
}

#else

TEST_CASE("browser harness (POSIX)", "[browser]") {
  WARN("skipped: the browser harness runs Chromium as a child process (POSIX)");
}

#endif
