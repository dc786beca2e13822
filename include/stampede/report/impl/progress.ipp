// Bodies of the progress lines (included by report/progress.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/detail/text_width.hpp>
#include <stampede/core/units.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace stampede {

namespace detail::progress {

STAMPEDE_DECL std::size_t digits(std::int64_t n) { return fmt::format("{}", std::max<std::int64_t>(n, 0)).size(); }

}  // namespace detail::progress

STAMPEDE_DECL std::string format_progress_time(std::chrono::nanoseconds d, std::chrono::nanoseconds max) {
  using namespace std::chrono;
  if (d < nanoseconds{0}) d = nanoseconds{0};
  // Tenths of a second, truncated as k6 does, so the clock never runs ahead.
  const auto tenths = duration_cast<milliseconds>(d).count() / 100;
  const auto h = tenths / 36'000;
  const auto m = tenths / 600 % 60;
  const auto s = tenths / 10 % 60;
  const auto t = tenths % 10;
  if (max >= hours{1}) return fmt::format("{}h{:02}m{:02}.{}s", h, m, s, t);
  if (max >= minutes{1}) return fmt::format("{:02}m{:02}.{}s", h * 60 + m, s, t);
  return fmt::format("{:02}.{}s", (h * 60 + m) * 60 + s, t);
}

STAMPEDE_DECL std::string format_progress_status(const run_progress& p) {
  const auto width = detail::progress::digits(p.max_vus);
  return fmt::format("running ({}), {:0{}}/{:0{}} VUs, {} complete and {} interrupted iterations",
                     format_progress_time(p.elapsed, p.max_duration), std::max<std::int64_t>(p.active_vus, 0), width,
                     p.max_vus, width, p.complete, p.interrupted);
}

STAMPEDE_DECL std::vector<std::string> format_progress_bars(const run_progress& p) {
  constexpr std::size_t cells = 38;
  std::size_t name_width = 0;
  for (const auto& s : p.scenarios) name_width = std::max(name_width, detail::text_width(s.name));
  std::vector<std::string> lines;
  for (const auto& s : p.scenarios) {
    double share = 0;
    if (s.done) {
      share = 1;
    } else if (s.started && s.duration.count() > 0) {
      share = std::clamp(static_cast<double>(s.elapsed.count()) / static_cast<double>(s.duration.count()), 0.0, 1.0);
    }
    const auto filled = static_cast<std::size_t>(std::floor(share * static_cast<double>(cells)));
    std::string bar(filled, '=');
    if (filled < cells) {
      if (filled > 0) bar.back() = '>';
      bar.append(cells - filled, '-');
    }
    std::string vu_text;
    if (s.done) {
      vu_text = fmt::format("{} VUs", s.max_vus);
    } else {
      const auto w = detail::progress::digits(s.max_vus);
      vu_text = fmt::format("{:0{}}/{:0{}} VUs", std::max<std::int64_t>(s.active_vus, 0), w, s.max_vus, w);
    }
    const auto time = s.done ? format_go_duration(s.duration)
                             : fmt::format("{}/{}", format_progress_time(s.elapsed, s.duration),
                                           format_progress_time(s.duration, s.duration));
    std::string name = s.name;
    name.append(name_width - detail::text_width(s.name), ' ');
    auto line = fmt::format("{} {} [{}] {}  {}", name, s.done ? "✓" : " ", bar, vu_text, time);
    if (!s.detail.empty()) line += "  " + s.detail;
    lines.push_back(std::move(line));
  }
  return lines;
}

STAMPEDE_DECL std::string format_progress(const run_progress& p) {
  std::string out = format_progress_status(p) + "\n";
  for (const auto& line : format_progress_bars(p)) out += line + "\n";
  return out;
}

}  // namespace stampede
