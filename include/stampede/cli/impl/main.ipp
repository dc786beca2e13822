// Bodies of main and run_cli (included by cli/main.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/cli/config_file.hpp>

#include <stampede/core/charconv.hpp>
#include <stampede/core/error.hpp>
#include <stampede/core/log.hpp>
#include <stampede/core/timestamp.hpp>
#include <stampede/exec/result.hpp>
#include <stampede/exec/runner.hpp>
#include <stampede/report/compare.hpp>
#include <stampede/report/end_of_test.hpp>
#include <stampede/report/html_report.hpp>
#include <stampede/report/kubernetes.hpp>
#include <stampede/report/merge.hpp>
#include <stampede/report/outputs.hpp>
#include <stampede/report/prometheus_output.hpp>
#include <stampede/report/progress.hpp>
#include <stampede/report/result_file.hpp>
#include <stampede/report/summary.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace stampede {

namespace detail::cli {

// The run a signal stops. A lock-free atomic pointer is one of the few things a signal
// handler may read.
STAMPEDE_DECL std::atomic<run_control*> signal_target{nullptr};
static_assert(std::atomic<run_control*>::is_always_lock_free, "the signal handler reads signal_target");

STAMPEDE_DECL void on_stop_signal(int signal_number) {
#if defined(_WIN32)
  // Windows resets a handler to SIG_DFL before calling it; the second Ctrl+C must reach us too.
  std::signal(signal_number, on_stop_signal);
#else
  (void)signal_number;
#endif
  if (auto* control = signal_target.load(std::memory_order_relaxed)) control->request_stop();
}

// Connects SIGINT and SIGTERM to a run_control for its lifetime and restores the previous
// handlers afterwards. As Go's signal.Notify (and so k6), it takes the signals even if they
// were ignored when the program started.
class stop_signals {
 public:
  explicit stop_signals(run_control& control) {
    signal_target.store(&control);
#if defined(_WIN32)
    previous_int_ = std::signal(SIGINT, on_stop_signal);
    previous_term_ = std::signal(SIGTERM, on_stop_signal);
#else
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, &previous_int_);
    sigaction(SIGTERM, &action, &previous_term_);
#endif
  }
  ~stop_signals() {
#if defined(_WIN32)
    std::signal(SIGINT, previous_int_);
    std::signal(SIGTERM, previous_term_);
#else
    sigaction(SIGINT, &previous_int_, nullptr);
    sigaction(SIGTERM, &previous_term_, nullptr);
#endif
    signal_target.store(nullptr);
  }
  stop_signals(const stop_signals&) = delete;
  stop_signals& operator=(const stop_signals&) = delete;

 private:
#if defined(_WIN32)
  void (*previous_int_)(int) = nullptr;
  void (*previous_term_)(int) = nullptr;
#else
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
#endif
};

STAMPEDE_DECL void print(std::FILE* stream, const std::string& text) {
  std::fputs(text.c_str(), stream);
  std::fflush(stream);
}

// The seed that repeats the run's random choices (VU generators, Poisson arrivals), said
// when the run ends unless the user chose it.
class seed_note final : public run_observer {
 public:
  seed_note(std::FILE* stream, bool enabled) : stream_{stream}, enabled_{enabled} {}
  void on_end(const result& r) override {
    if (!enabled_) return;
    print(stream_, fmt::format("\n     seed: {} (--seed {} draws the same random numbers again)\n", r.seed, r.seed));
  }

 private:
  std::FILE* stream_;
  bool enabled_;
};

STAMPEDE_DECL int usage_failure(std::FILE* err, std::string_view program, const usage_error& e) {
  print(err, fmt::format("error: {}\nrun '{} --help' for the flags\n", e.what(), program));
  return exit_code::invalid_config;
}

// The parts in `files` (result files or logs; `-` is standard input), one file at a time into
// the merger: result files come from other machines and are checked field by field; only the
// running sums stay in memory. Throws as `part_merger` does, and `usage_error` for a file that
// cannot be read. `fingerprint`, when given, receives the first part's (`compare` warns when
// runs are of different tests).
STAMPEDE_DECL merged_result merge_files(const std::vector<std::string>& files, const load_test* test,
                                        std::string* fingerprint = nullptr) {
  part_merger merger{test};
  for (const auto& file : files) {
    std::string text;
    std::FILE* f = file == "-" ? stdin : std::fopen(file.c_str(), "rb");
    if (f == nullptr) throw usage_error(fmt::format("cannot read \"{}\": {}", file, std::generic_category().message(errno)));
    char buffer[65536];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) text.append(buffer, n);
    const bool failed = std::ferror(f) != 0;
    if (f != stdin) std::fclose(f);
    if (failed) throw usage_error(fmt::format("cannot read \"{}\"", file));
    for (const auto& p : read_result_parts(text, file)) {
      if (fingerprint != nullptr && fingerprint->empty()) *fingerprint = p.document.test;
      merger.add(p);
    }
  }
  return merger.finish();
}

// What an HTML report among `outputs` says of its run: the program's name, and for a merge the
// parts.
STAMPEDE_DECL void name_reports(const std::vector<std::unique_ptr<run_observer>>& outputs, std::string_view program,
                                const merged_result* merged = nullptr) {
  for (const auto& o : outputs) {
    auto* report = dynamic_cast<html_output*>(o.get());
    if (report == nullptr) continue;
    html_report_options options{.title = std::string{program}};
    if (merged != nullptr) {
      options.parts = merged->parts;
      options.sequence = merged->sequence;
      options.largest_skew = merged->largest_skew;
    }
    report->set_options(std::move(options));
  }
}

STAMPEDE_DECL std::string program_name(int argc, char** argv) {
  if (argc < 1 || argv == nullptr || argv[0] == nullptr || *argv[0] == '\0') return "test";
  const std::string_view path = argv[0];
  const auto slash = path.find_last_of("/\\");
  return std::string{slash == std::string_view::npos ? path : path.substr(slash + 1)};
}

}  // namespace detail::cli

STAMPEDE_DECL int run_cli(std::string_view program, std::span<const std::string_view> args, load_test test,
                   std::FILE* out, std::FILE* err) {
  namespace d = detail::cli;
  if (!args.empty() && args.front() == "merge") {
    try {
      for (const auto& stat : test.summary.trend_stats) validate_trend_stat(stat);
      validate(test);
    } catch (const usage_error& e) {
      d::print(err, fmt::format("error: {}\n", e.what()));
      return exit_code::invalid_config;
    }
    return run_merge(program, args.subspan(1), &test, out, err);
  }
  if (!args.empty() && args.front() == "manifest") return run_manifest(program, args.subspan(1), out, err);
  if (!args.empty() && args.front() == "report") {
    try {
      validate(test);
    } catch (const usage_error& e) {
      d::print(err, fmt::format("error: {}\n", e.what()));
      return exit_code::invalid_config;
    }
    return run_report(program, args.subspan(1), &test, out, err);
  }
  if (!args.empty() && args.front() == "compare") return run_compare(program, args.subspan(1), &test, out, err);
  try {
    cli_options options;
    // k6's log (--log-output: the CLI's warnings, and vu::log's lines unless --console-output
    // takes them). Errors that end the program stay on `err` whatever it says.
    std::shared_ptr<log_sink> log;
    std::shared_ptr<log_sink> console;
    try {
      options = parse_cli(args, process_environment());
      if (options.help) {
        d::print(out, format_help(program, test));
        return exit_code::ok;
      }
      // A log file that cannot be opened stops the program before the run, as an output does.
      const char* opening = "log-output";
      try {
        log = open_log(options.log_output.value_or(log_destination{}), out, err);
        opening = "console-output";
        console = options.console_output ? log_sink::append_to_file(*options.console_output) : log;
      } catch (const usage_error& e) {
        d::print(err, fmt::format("error: --{}: {}\n", opening, e.what()));
        return exit_code::invalid_config;
      }
      // k6's order: the options file under the test's own options, the environment and the
      // flags over both (apply_cli, after).
      if (options.config) {
        const auto file = read_k6_options(*options.config);
        for (const auto& warning : apply_k6_options(file, test)) log->log(log_level::warning, warning);
        if (options.outputs.empty() && file.out) {
          for (const auto& spec : *file.out) options.outputs.push_back(parse_output_spec(spec));
        }
        if (file.linger && !options.linger) options.linger = *file.linger;
      }
      apply_cli(options, test);
    } catch (const usage_error& e) {
      return d::usage_failure(err, program, e);
    }
    try {
      for (const auto& stat : test.summary.trend_stats) validate_trend_stat(stat);
      validate(test);
    } catch (const usage_error& e) {
      d::print(err, fmt::format("error: {}\n", e.what()));
      return exit_code::invalid_config;
    }

    // The outputs first: a mistake in one, or a file that cannot be written, stops the
    // program before the run, as a bad flag does.
    std::vector<std::unique_ptr<run_observer>> outputs;
    std::vector<std::string> output_names;
    try {
      for (const auto& spec : options.outputs) {
        outputs.push_back(make_output(spec, out));
        output_names.push_back(describe(spec));
      }
      d::name_reports(outputs, program);
    } catch (const usage_error& e) {
      d::print(err, fmt::format("error: {}\n", e.what()));
      return exit_code::invalid_config;
    }

    // What the run shows, in order: k6's header and live progress on stderr, the seed, the
    // outputs (which finish at the last tick, so their files are complete and any failure
    // is in the result before the summary), then the summary and its export.
    progress_printer progress{{.stream = err,
                               .mode = options.quiet ? progress_mode::none : progress_mode::automatic,
                               .outputs = std::move(output_names)}};
    d::seed_note seed{err, !options.seed && !options.quiet};
    summary_printer summary{{.out = out,
                             .err = err,
                             .colors = !options.no_color && out == stdout && summary_colors_for_terminal(),
                             .summary = test.summary.mode != summary_mode::disabled,
                             .export_path = options.summary_export}};
    run_options run_opts;
    try {
      run_opts = run_options_for(options);
    } catch (const usage_error& e) {
      return d::usage_failure(err, program, e);
    }
    const auto& part = run_opts.part;
    const bool no_work = std::none_of(test.scenarios.begin(), test.scenarios.end(),
                                      [&](const scenario& s) { return has_work(s.executor, part); });
    if (no_work) {
      // A part can be too small for a test: k6 leaves it idle too. It still runs (setup,
      // teardown, outputs), so that its result file completes the sequence for a merge.
      d::print(err, fmt::format("execution segment {}: no work for this part (every scenario's VUs and iterations "
                                "fall on other parts)\n",
                                part.to_string()));
    }
    if (run_opts.start_at && !options.quiet) {
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(*run_opts.start_at - std::chrono::system_clock::now());
      d::print(err, fmt::format("      start at: {} ({})\n", format_rfc3339(*run_opts.start_at, timestamp_precision::nanoseconds),
                                wait.count() >= 0 ? "in " + format_go_duration(wait) : format_go_duration(-wait) + " ago: joining late"));
    }
    run_opts.console = console;
    run_opts.observers = {&progress, &seed};
    for (const auto& o : outputs) run_opts.observers.push_back(o.get());
    run_opts.observers.push_back(&summary);

    run_control control;
    run_opts.control = &control;
    std::optional<result> outcome;
    {
      const d::stop_signals connected{control};
      outcome.emplace(run(test, run_opts));
      // The endpoints stay up for their linger (and with --linger until Ctrl+C), so that the
      // last scrape sees the final values.
      for (const auto& o : outputs) {
        if (const auto* p = dynamic_cast<const prometheus_output*>(o.get())) {
          if (options.linger) d::print(err, fmt::format("\nlinger: serving {} until Ctrl+C\n", p->url()));
          p->linger(&control, options.linger);
        }
      }
      if (options.linger && std::none_of(outputs.begin(), outputs.end(), [](const auto& o) {
            return dynamic_cast<const prometheus_output*>(o.get()) != nullptr;
          })) {
        d::print(err, "\nlinger: waiting for Ctrl+C\n");
        const int before = control.stop_requests();
        while (control.stop_requests() == before) std::this_thread::sleep_for(std::chrono::milliseconds{100});
      }
    }
    // The summary says why the run stopped; a mistake in the test is also an error, as a bad
    // flag is. An output that failed (a full disk) is said on stderr too, for runs without a
    // summary, as k6 logs it; like k6, it leaves the exit code alone.
    if (outcome->status == run_status::invalid_test) d::print(err, fmt::format("error: {}\n", outcome->message));
    for (const auto& failure : outcome->output_errors) d::print(err, fmt::format("error: {}\n", failure));
    // A part of a test that wrote its result file has done its job: the verdict is the
    // merge's, over every part (a launcher must not retry a part for a failed threshold).
    const auto code = outcome->exit_code();
    // A part with nothing to do has done it: thresholds judged on no samples say nothing.
    if (no_work && code == exit_code::thresholds_failed) return exit_code::ok;
    if (!part.is_whole() && code != exit_code::ok && code != exit_code::invalid_config &&
        std::any_of(outputs.begin(), outputs.end(), [](const auto& o) {
          const auto* r = dynamic_cast<const result_output*>(o.get());
          return r != nullptr && r->written();
        })) {
      d::print(err, fmt::format("\nexecution segment {}: exit code {} reported in the result file; this part exits 0, "
                                "and merging the parts gives the test's verdict\n",
                                part.segment().to_string(), code));
      return exit_code::ok;
    }
    return code;
  } catch (const usage_error& e) {
    d::print(err, fmt::format("error: {}\n", e.what()));
    return exit_code::invalid_config;
  } catch (const std::exception& e) {
    std::fprintf(err, "error: %s\n", e.what());
    return exit_code::generic_error;
  } catch (...) {
    std::fputs("error: an unknown exception\n", err);
    return exit_code::generic_error;
  }
}

STAMPEDE_DECL int run_merge(std::string_view program, std::span<const std::string_view> args, const load_test* test,
                             std::FILE* out, std::FILE* err) {
  namespace d = detail::cli;
  const std::string usage = fmt::format("{} merge FILE... [--summary-export FILE] [--out result=FILE|junit=FILE] [flags]", program);
  try {
    // Files are the arguments that are not flags or a flag's value.
    std::vector<std::string_view> flag_args;
    std::vector<std::string> files;
    constexpr std::string_view allowed[] = {"out",        "summary-export", "summary-trend-stats", "summary-time-unit",
                                            "no-color",   "no-summary",     "no-thresholds",       "quiet",
                                            "summary-mode", "help"};
    for (std::size_t i = 0; i < args.size(); ++i) {
      const auto a = args[i];
      if (a.size() < 2 || a.front() != '-') {
        files.emplace_back(a);
        continue;
      }
      std::string_view name = a.substr(a.starts_with("--") ? 2 : 1);
      const bool inline_value = name.find('=') != std::string_view::npos;
      name = name.substr(0, name.find('='));
      const cli_flag* flag = nullptr;
      for (const auto& f : cli_flags()) {
        if (f.name == name || (name.size() == 1 && f.shorthand == name.front())) flag = &f;
      }
      if (flag == nullptr || std::find(std::begin(allowed), std::end(allowed), flag->name) == std::end(allowed)) {
        throw usage_error(fmt::format("merge does not take {}: {}", a, usage));
      }
      flag_args.push_back(a);
      if (!flag->value_name.empty() && !inline_value && i + 1 < args.size()) flag_args.push_back(args[++i]);
    }
    const auto options = parse_cli(flag_args);
    if (options.help) {
      d::print(out, fmt::format("Usage: {}\n\nMerges the result files (--out result=FILE) or logs (--out result=-) of the parts of a\n"
                                "test that ran as execution segments, and prints one summary.\n",
                                usage));
      return exit_code::ok;
    }
    if (files.empty()) throw usage_error("merge needs the parts' result files: " + usage);
    for (const auto& spec : options.outputs) {
      if (spec.kind != "result" && spec.kind != "junit" && spec.kind != "html") {
        throw usage_error(fmt::format("merge writes --out result=FILE, junit=FILE and html=FILE; {} needs the samples of a run",
                                      spec.kind));
      }
    }

    merged_result merged;
    try {
      merged = d::merge_files(files, test);
    } catch (const incomplete_parts& e) {
      d::print(err, fmt::format("error: {}\n", e.what()));
      return exit_code::parts_incomplete;
    }
    auto& r = merged.run;
    load_test shown = test != nullptr ? *test : load_test{};
    if (options.summary_trend_stats) shown.summary.trend_stats = *options.summary_trend_stats;
    if (options.summary_time_unit) shown.summary.fixed_time_unit = options.summary_time_unit;
    if (options.summary_mode) shown.summary.mode = *options.summary_mode;
    if (options.no_summary) shown.summary.mode = summary_mode::disabled;
    if (test == nullptr || options.no_thresholds) r.thresholds.clear();
    r.summary_format = shown.summary;

    if (!options.quiet) {
      d::print(err, fmt::format("\n     merged from {} parts (sequence {}), largest start skew {}\n", merged.parts,
                                merged.sequence, format_go_duration(std::chrono::duration_cast<std::chrono::milliseconds>(merged.largest_skew))));
    }
    // The outputs and the summary see the merged run as they see a run's end.
    std::vector<std::unique_ptr<run_observer>> outputs;
    for (const auto& spec : options.outputs) outputs.push_back(make_output(spec, out));
    d::name_reports(outputs, program, &merged);
    summary_printer summary{{.out = out,
                             .err = err,
                             .colors = !options.no_color && out == stdout && summary_colors_for_terminal(),
                             .summary = shown.summary.mode != summary_mode::disabled,
                             .export_path = options.summary_export}};
    std::vector<run_observer*> observers;
    for (const auto& o : outputs) observers.push_back(o.get());
    observers.push_back(&summary);
    run_progress progress;
    progress.elapsed = r.duration;
    progress.ended = true;
    for (auto* o : observers) o->on_start(shown, execution_tuple{});
    for (const auto& interval : merged.intervals) {
      for (auto* o : observers) o->on_tick(interval, progress);
    }
    for (auto* o : observers) o->on_end(r);
    return r.exit_code();
  } catch (const usage_error& e) {
    return d::usage_failure(err, program, e);
  } catch (const std::exception& e) {
    std::fprintf(err, "error: %s\n", e.what());
    return exit_code::generic_error;
  }
}

STAMPEDE_DECL int run_report(std::string_view program, std::span<const std::string_view> args, const load_test* test,
                              std::FILE* out, std::FILE* err) {
  namespace d = detail::cli;
  const std::string usage = fmt::format("{} report RESULT.json... -o REPORT.html [--title TITLE]", program);
  try {
    std::vector<std::string> files;
    std::optional<std::string> output;
    std::string title{program};
    for (std::size_t i = 0; i < args.size(); ++i) {
      const auto a = args[i];
      if (a == "-h" || a == "--help") {
        d::print(out, fmt::format("Usage: {}\n\nWrites the HTML report of a run from its result file (--out result=FILE), or of a\n"
                                  "test that ran as parts from their result files or logs, merged as 'merge' merges them.\n",
                                  usage));
        return exit_code::ok;
      }
      const auto value = [&](std::string_view flag) {
        if (i + 1 >= args.size()) throw usage_error(fmt::format("{} needs a value: {}", flag, usage));
        return std::string{args[++i]};
      };
      if (a == "-o" || a == "--output") {
        output = value(a);
      } else if (a.starts_with("--output=")) {
        output = std::string{a.substr(9)};
      } else if (a == "--title") {
        title = value(a);
      } else if (a.starts_with("--title=")) {
        title = std::string{a.substr(8)};
      } else if (a.size() > 1 && a.front() == '-') {
        throw usage_error(fmt::format("report does not take {}: {}", a, usage));
      } else {
        files.emplace_back(a);
      }
    }
    if (files.empty()) throw usage_error("report needs a result file: " + usage);
    if (!output || output->empty()) throw usage_error("report needs the file to write: -o REPORT.html (" + usage + ")");
    html_output report{*output};
    merged_result merged;
    try {
      merged = d::merge_files(files, test);
    } catch (const incomplete_parts& e) {
      d::print(err, fmt::format("error: {}\n", e.what()));
      return exit_code::parts_incomplete;
    }
    if (test != nullptr) merged.run.summary_format = test->summary;
    report.set_options({.title = std::move(title),
                        .parts = merged.parts,
                        .sequence = merged.sequence,
                        .largest_skew = merged.largest_skew});
    run_progress progress;
    progress.elapsed = merged.run.duration;
    progress.ended = true;
    report.on_start(test != nullptr ? *test : load_test{}, execution_tuple{});
    for (const auto& interval : merged.intervals) report.on_tick(interval, progress);
    report.on_end(merged.run);
    d::print(err, fmt::format("report: {}\n", *output));
    return exit_code::ok;
  } catch (const usage_error& e) {
    return d::usage_failure(err, program, e);
  } catch (const std::exception& e) {
    std::fprintf(err, "error: %s\n", e.what());
    return exit_code::generic_error;
  }
}

STAMPEDE_DECL int run_compare(std::string_view program, std::span<const std::string_view> args, const load_test* test,
                               std::FILE* out, std::FILE* err) {
  namespace d = detail::cli;
  const std::string usage = fmt::format(
      "{} compare BASE.json NEW.json [MORE.json...] [--by name|scenario|none] [--format text|markdown|html] [-o FILE] "
      "[--tolerance PCT]",
      program);
  try {
    std::vector<std::string> files;
    compare_by by = compare_by::name;
    std::string format = "text";
    std::optional<std::string> output;
    std::optional<double> tolerance;
    for (std::size_t i = 0; i < args.size(); ++i) {
      const auto a = args[i];
      if (a == "-h" || a == "--help") {
        d::print(out, fmt::format(
                          "Usage: {}\n\n"
                          "Compares runs, each a result file (--out result=FILE) or the parts of one run merged as 'merge'\n"
                          "merges them, with the first: requests, their rate and failures, http_req_duration's med, p(95)\n"
                          "and p(99) per endpoint (--by name), per scenario (--by scenario) or for the whole run only\n"
                          "(--by none). A change is marked ▲ or ▼ when it is beyond both runs' sampling noise (their 95%\n"
                          "intervals do not overlap), ≈ when within it.\n\n"
                          "  --by name|scenario|none         what the rows split the requests by (name)\n"
                          "  --format text|markdown|html     the output (text)\n"
                          "  -o, --output FILE               write it to FILE instead of standard output\n"
                          "  --tolerance PCT                 exit 99 when a real change makes a duration or failure rate\n"
                          "                                  higher, or a rate lower, by more than PCT (10 or 10%)\n",
                          usage));
        return exit_code::ok;
      }
      std::string_view name = a;
      std::optional<std::string_view> inline_value;
      if (const auto eq = a.find('='); a.starts_with("--") && eq != std::string_view::npos) {
        name = a.substr(0, eq);
        inline_value = a.substr(eq + 1);
      }
      const auto value = [&]() -> std::string {
        if (inline_value) return std::string{*inline_value};
        if (i + 1 >= args.size()) throw usage_error(fmt::format("{} needs a value: {}", name, usage));
        return std::string{args[++i]};
      };
      if (name == "--by") {
        by = parse_compare_by(value());
      } else if (name == "--format") {
        format = value();
        if (format != "text" && format != "markdown" && format != "html") {
          throw usage_error(fmt::format("--format: expected text, markdown or html, got \"{}\"", format));
        }
      } else if (name == "-o" || name == "--output") {
        output = value();
        if (output->empty()) throw usage_error(fmt::format("{} needs a file name: {}", name, usage));
      } else if (name == "--tolerance") {
        auto text = value();
        const auto number = parse_double(text.ends_with('%') ? std::string_view{text}.substr(0, text.size() - 1) : text);
        if (!number || !std::isfinite(*number) || *number < 0) {
          throw usage_error(fmt::format("--tolerance: expected a percentage such as 10 or 10%, got \"{}\"", text));
        }
        tolerance = *number / 100.0;
      } else if (a.size() > 1 && a.front() == '-') {
        throw usage_error(fmt::format("compare does not take {}: {}", a, usage));
      } else {
        files.emplace_back(a);
      }
    }
    if (files.size() < 2) throw usage_error("compare needs two runs or more, the base first: " + usage);
    if (output) check_writable(*output);

    // Each file is one run, merged from its parts if it holds several. Without the test, so
    // that runs of another version of it (another threshold, a scenario more) still compare.
    std::vector<run_to_compare> runs;
    std::vector<std::string> fingerprints;
    for (const auto& file : files) {
      std::string test_fingerprint;
      try {
        runs.push_back({file, d::merge_files({file}, nullptr, &test_fingerprint).run});
      } catch (const incomplete_parts& e) {
        d::print(err, fmt::format("error: {}: {}\n", file, e.what()));
        return exit_code::parts_incomplete;
      }
      fingerprints.push_back(std::move(test_fingerprint));
    }
    const auto reference = test != nullptr ? fingerprint(*test) : fingerprints.front();
    for (std::size_t i = 0; i < files.size(); ++i) {
      if (fingerprints[i] == reference) continue;
      d::print(err, fmt::format("warning: {} is a run of another test (fingerprint {}, {} {}); compared all the same\n",
                                files[i], fingerprints[i], test != nullptr ? "this test's" : files.front() + "'s",
                                reference));
    }

    const auto compared = compare_runs(runs, by);
    const auto text = format == "markdown" ? format_comparison_markdown(compared)
                      : format == "html"   ? format_comparison_html(compared, fmt::format("{} compare", program))
                                           : format_comparison_text(compared);
    if (output) {
      write_file_atomically(*output, text, "compare");
      d::print(err, fmt::format("compare: {}\n", *output));
    } else {
      d::print(out, text);
    }
    if (tolerance) {
      const auto found = regressions(compared, *tolerance);
      if (!found.empty()) {
        std::string message = fmt::format("\nregressions beyond --tolerance {}%:\n", format_number(*tolerance * 100.0));
        for (const auto& r : found) {
          message += fmt::format("  {}{}: {} {} → {} in {} ({})\n",
                                 r.group.empty() ? "whole run" : (by == compare_by::scenario ? "scenario " : "endpoint "),
                                 r.group, to_string(r.metric), format_compared_value(r.metric, r.base),
                                 format_compared_value(r.metric, r.value), files[r.run], format_relative_change(r.relative));
        }
        d::print(err, message);
        return exit_code::thresholds_failed;
      }
    }
    return exit_code::ok;
  } catch (const usage_error& e) {
    return d::usage_failure(err, program, e);
  } catch (const std::exception& e) {
    std::fprintf(err, "error: %s\n", e.what());
    return exit_code::generic_error;
  }
}

STAMPEDE_DECL int run_manifest(std::string_view program, std::span<const std::string_view> args, std::FILE* out,
                                std::FILE* err) {
  namespace d = detail::cli;
  const std::string usage = fmt::format(
      "{} manifest kubernetes --parallelism N --image IMAGE [--start-delay 60s] [--name NAME] [--program PATH] "
      "[--cpu C] [--memory M] [--no-spread] [-- TEST FLAGS...]",
      program);
  try {
    if (args.empty() || args.front() != "kubernetes") {
      if (!args.empty() && (args.front() == "-h" || args.front() == "--help")) {
        d::print(out, "Usage: " + usage + "\n");
        return exit_code::ok;
      }
      throw usage_error("manifest knows one platform, kubernetes: " + usage);
    }
    kubernetes_manifest_options o;
    // The name: the program's, as a DNS label (lowercase; '_' and '.' become '-').
    for (const char c : program) {
      if (c >= 'A' && c <= 'Z') {
        o.name += static_cast<char>(c - 'A' + 'a');
      } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
        o.name += c;
      } else {
        o.name += '-';
      }
    }
    o.program = "/app/" + std::string{program};
    std::chrono::nanoseconds start_delay = std::chrono::seconds{60};
    bool have_parallelism = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
      const auto a = args[i];
      if (a == "--") {
        for (++i; i < args.size(); ++i) o.extra_args.emplace_back(args[i]);
        break;
      }
      std::string_view name = a;
      std::optional<std::string_view> value;
      if (const auto eq = a.find('='); eq != std::string_view::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
      }
      if (name == "--no-spread") {
        o.spread = false;
        continue;
      }
      if (!value) {
        if (i + 1 >= args.size()) throw usage_error(fmt::format("{} needs a value: {}", name, usage));
        value = args[++i];
      }
      const std::string v{*value};
      if (name == "--parallelism") {
        const auto n = d::parse_int<std::int64_t>(v);
        if (!n || *n < 1) throw usage_error(fmt::format("--parallelism: expected a whole number of parts, at least 1, got \"{}\"", v));
        o.parallelism = *n;
        have_parallelism = true;
      } else if (name == "--image") {
        o.image = v;
      } else if (name == "--name") {
        o.name = v;
      } else if (name == "--program") {
        o.program = v;
      } else if (name == "--cpu") {
        o.cpu = v;
      } else if (name == "--memory") {
        o.memory = v;
      } else if (name == "--start-delay") {
        try {
          start_delay = parse_duration(v);
        } catch (const usage_error& e) {
          throw usage_error(fmt::format("--start-delay: {}", e.what()));
        }
        if (start_delay < std::chrono::nanoseconds{0}) throw usage_error("--start-delay must not be negative");
      } else {
        throw usage_error(fmt::format("manifest kubernetes does not take {}: {}", name, usage));
      }
    }
    if (!have_parallelism) throw usage_error("manifest kubernetes needs --parallelism N: " + usage);
    if (o.image.empty()) throw usage_error("manifest kubernetes needs --image IMAGE: " + usage);
    if (start_delay > std::chrono::nanoseconds{0}) {
      const auto at = std::chrono::ceil<std::chrono::seconds>(std::chrono::system_clock::now() +
                                                               std::chrono::duration_cast<std::chrono::system_clock::duration>(start_delay));
      o.start_at = std::chrono::system_clock::time_point{std::chrono::duration_cast<std::chrono::system_clock::duration>(at.time_since_epoch())};
    }
    d::print(out, kubernetes_manifest(o));
    return exit_code::ok;
  } catch (const usage_error& e) {
    return d::usage_failure(err, program, e);
  }
}

STAMPEDE_DECL int main(int argc, char** argv, const std::function<load_test()>& make_test) {
  load_test test;
  try {
    test = make_test();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: the test could not be built: %s\n", e.what());
    return exit_code::invalid_config;
  } catch (...) {
    std::fputs("error: the test could not be built: an exception that is not a std::exception\n", stderr);
    return exit_code::invalid_config;
  }
  return main(argc, argv, std::move(test));
}

STAMPEDE_DECL int main(int argc, char** argv, load_test test) {
  try {
    std::vector<std::string_view> args;
    for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
    return run_cli(detail::cli::program_name(argc, argv), args, std::move(test), stdout, stderr);
  } catch (...) {
    std::fputs("error: out of memory reading the command line\n", stderr);
    return exit_code::generic_error;
  }
}

}  // namespace stampede
