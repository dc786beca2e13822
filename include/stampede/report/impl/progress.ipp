// Bodies of the progress lines (included by report/progress.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/detail/text_width.hpp>
#include <stampede/core/units.hpp>
#include <stampede/exec/load_test.hpp>
#include <stampede/report/summary.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <variant>

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

STAMPEDE_DECL std::string format_progress_detail(const executor& e, const scenario_progress& s,
                                                 const execution_tuple& part) {
  if (const auto* si = std::get_if<shared_iterations>(&e)) {
    const auto total = static_cast<std::uint64_t>(part_iterations(*si, part));
    return fmt::format("{}/{} shared iters", std::min<std::uint64_t>(s.complete + s.interrupted, total), total);
  }
  if (const auto* pi = std::get_if<per_vu_iterations>(&e)) {
    return fmt::format("{}/{} iters, {} per VU", s.complete + s.interrupted, pi->iterations * part.scale(pi->vus),
                       pi->iterations);
  }
  if (const auto* car = std::get_if<constant_arrival_rate>(&e)) {
    // The part's arrivals follow its share of max_vus, as in describe().
    const auto whole_max = max_vus(e);
    const auto share = whole_max > 0 ? static_cast<double>(max_vus(e, part)) / static_cast<double>(whole_max) : 0.0;
    return fmt::format("{:.2f} iters/s", car->rate * share / std::chrono::duration<double>(car->time_unit).count());
  }
  return {};
}

STAMPEDE_DECL std::string format_scenarios_header(const load_test& test, const execution_tuple& part) {
  using namespace std::chrono;
  std::int64_t vu_total = 0;
  nanoseconds longest{0};
  for (const auto& s : test.scenarios) {
    vu_total += max_vus(s.executor, part);
    if (has_work(s.executor, part)) longest = std::max(longest, s.start_time + max_duration(s.executor, s.graceful_stop));
  }
  const auto n = test.scenarios.size();
  std::string out = fmt::format("     scenarios: ({:.2f}%) {} scenario{}, {} max VUs, {} max duration (incl. graceful stop):\n",
                                part.segment().length().to_double() * 100, n, n == 1 ? "" : "s", vu_total,
                                format_go_duration(longest));
  for (const auto& s : test.scenarios) {
    out += fmt::format("              * {}: {}\n", s.name, describe(s.executor, s.graceful_stop, s.start_time, part));
  }
  return out;
}

STAMPEDE_DECL void progress_printer::on_start(const load_test& test, const execution_tuple& part) {
  if (options_.stream == nullptr) return;
  terminal_ = options_.mode == progress_mode::terminal ||
              (options_.mode == progress_mode::automatic && is_terminal(options_.stream));
  executors_.clear();
  for (const auto& s : test.scenarios) executors_.push_back(s.executor);
  part_ = part;
  next_plain_ = options_.plain_interval;
  lines_ = 0;
  std::string header = "\n";
  if (!options_.outputs.empty()) {
    header += "        output: ";
    for (std::size_t i = 0; i < options_.outputs.size(); ++i) {
      if (i > 0) header += ", ";
      header += options_.outputs[i];
    }
    header += "\n\n";
  }
  std::fputs((header + format_scenarios_header(test, part) + "\n").c_str(), options_.stream);
  std::fflush(options_.stream);
}

STAMPEDE_DECL void progress_printer::on_tick(const snapshot&, const run_progress& progress) {
  if (options_.stream == nullptr || options_.mode == progress_mode::none) return;
  if (progress.ended || terminal_) {
    print(progress);
  } else if (progress.elapsed >= next_plain_) {
    print(progress);
    const auto interval = std::max(options_.plain_interval, std::chrono::nanoseconds{1});
    while (next_plain_ <= progress.elapsed) next_plain_ += interval;
  }
}

STAMPEDE_DECL void progress_printer::print(const run_progress& progress) {
  run_progress p = progress;
  for (std::size_t i = 0; i < p.scenarios.size() && i < executors_.size(); ++i) {
    p.scenarios[i].detail = format_progress_detail(executors_[i], p.scenarios[i], part_);
  }
  const auto text = format_progress(p);
  std::string frame;
  if (terminal_ && lines_ > 0) frame = fmt::format("\x1b[{}A\x1b[J", lines_);
  frame += text;
  if (!terminal_ || p.ended) frame += "\n";
  lines_ = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  std::fputs(frame.c_str(), options_.stream);
  std::fflush(options_.stream);
}

}  // namespace stampede
