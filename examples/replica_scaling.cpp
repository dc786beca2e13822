// The main demo: the seeds' replica-scaling study as one compiled program. The seed's team
// ran k6 by hand against 1, 2 and 10 replicas and noted, puzzled, that 10 got slower
// (../shared/seeds/k6-summaries-replica-scaling.txt). Here the in-process testbed plays their
// service — its Universal Scalability Law coefficients were fitted to those k6 runs — and a
// sweep runs the seed's test (10 VUs getting assignments) at 1, 2, 4, 8 and 10 replicas,
// prints a k6 summary per run, the seed-style table, the USL fit and the best replica count,
// and checks its expectations. Exit code: 0 when they hold, 99 (as k6's thresholds) when not.
//
//   scripts/demo                                  # about 20 s (after the first build)
//   scripts/demo --replicas 1,2,3,4 --repetitions 3 --format markdown
#include <stampede/stampede.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

namespace sp = stampede;
namespace tb = stampede::testbed;
using namespace std::chrono_literals;

namespace {

struct options {
  std::vector<double> replicas{1, 2, 4, 8, 10};
  int vus = 10;
  std::chrono::nanoseconds duration = 2500ms;  // each run, warm-up included
  std::chrono::nanoseconds warmup = 500ms;
  int repetitions = 1;
  std::string format = "text";
  std::string report{};  // the HTML report's file; empty: none
  bool quiet = false;
};

constexpr std::string_view usage = R"(usage: stampede_replica_scaling [flags]

Sweeps the testbed's replica count with the seed's k6 test and fits the Universal
Scalability Law to the throughput.

  --replicas LIST     replica counts to measure (default 1,2,4,8,10)
  --vus N             virtual users in every run (default 10, as the seed)
  --duration D        length of each run, warm-up included (default 2.5s)
  --warmup D          first part of each run left out of the measurement (default 500ms)
  --repetitions N     runs per replica count; the table shows their median (default 1)
  --format F          table format: text, markdown, csv or json (default text)
  --report FILE       also write the study's HTML report (charts, the fit, the table) to FILE
  -q, --quiet         no k6 summary per run
  -h, --help          this text
)";

std::vector<double> parse_levels(std::string_view text) {
  std::vector<double> levels;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto item = text.substr(0, comma);
    const auto value = sp::parse_double(item);
    if (!value || *value < 1 || *value != static_cast<double>(static_cast<int>(*value))) {
      throw sp::usage_error(fmt::format("--replicas: \"{}\" is not a replica count (a whole number from 1)", item));
    }
    levels.push_back(*value);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  if (levels.empty()) throw sp::usage_error("--replicas: no replica counts given");
  return levels;
}

int parse_count(std::string_view flag, std::string_view text) {
  const auto value = sp::parse_double(text);
  if (!value || *value < 1 || *value > 100000 || *value != static_cast<double>(static_cast<int>(*value))) {
    throw sp::usage_error(fmt::format("{}: \"{}\" is not a whole number from 1", flag, text));
  }
  return static_cast<int>(*value);
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    const auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) throw sp::usage_error(fmt::format("{} needs a value", flag));
      return argv[++i];
    };
    if (flag == "-h" || flag == "--help") {
      std::fputs(usage.data(), stdout);
      std::exit(0);
    } else if (flag == "--replicas") {
      o.replicas = parse_levels(value());
    } else if (flag == "--vus") {
      o.vus = parse_count(flag, value());
    } else if (flag == "--duration") {
      o.duration = sp::parse_duration(value());
    } else if (flag == "--warmup") {
      o.warmup = sp::parse_duration(value());
    } else if (flag == "--repetitions") {
      o.repetitions = parse_count(flag, value());
    } else if (flag == "--format") {
      o.format = value();
      if (o.format != "text" && o.format != "markdown" && o.format != "csv" && o.format != "json") {
        throw sp::usage_error(fmt::format("--format: \"{}\" is not one of text, markdown, csv, json", o.format));
      }
    } else if (flag == "--report") {
      o.report = value();
    } else if (flag == "-q" || flag == "--quiet") {
      o.quiet = true;
    } else {
      throw sp::usage_error(fmt::format("unknown flag \"{}\" (see --help)", flag));
    }
  }
  return o;
}

int study(const options& o) {
  // [server]
  // The seed's service: 1.28 ms of work per request, contention σ = 0.618 and coherency
  // κ = 0.1848 between replicas (fitted to the seed's k6 runs: 781, 787 and 337 requests/s at
  // 1, 2 and 10 replicas).
  tb::server server{{.routes = {{.path = "/api/assignments",
                                 .body = R"([{"id":1,"title":"Hello world","handout":"Print it"}])",
                                 .content_type = "application/json"}},
                     .replicas = tb::replica_model{.replicas = 1, .sigma = 0.618, .kappa = 0.1848,
                                                   .service_time = 1280us}}};
  // [server]

  // [sweep]
  const auto url = server.url("/api/assignments");
  const auto seed_test = [&url, &o](double) {
    return sp::load_test{
        .scenarios = {{.name = "default",
                       .exec = [url](sp::vu& u) -> sp::task<> {
                         auto res = co_await u.http().get(url);
                         u.check(res, sp::status_is(200));
                       },
                       .executor = sp::constant_vus{.vus = o.vus, .duration = o.duration}}}};
  };
  const auto print_summary = [&o, &seed_test](const sp::configuration& c, int repetition, const sp::result& r) {
    if (o.quiet) return;
    const int n = static_cast<int>(c["replicas"]);
    fmt::print("\n### Getting assignments with {} replica{}{}:\n", n, n == 1 ? "" : "s",
               o.repetitions > 1 ? fmt::format(" (run {} of {})", repetition, o.repetitions) : "");
    fmt::print("\n{}\n{}", sp::format_scenarios_header(seed_test(c["replicas"])), r.summary());
  };
  const sp::curve curve = sp::sweep{.parameter = "replicas",
                                    .levels = o.replicas,
                                    .prepare = [&server](double n) { server.set_replicas(static_cast<int>(n)); },
                                    .test = seed_test,
                                    .options = {.warmup = o.warmup,
                                                .repetitions = o.repetitions,
                                                .cooldown = 200ms,
                                                .run = {.threads = 1, .seed = 42, .tick = 250ms},
                                                .on_result = print_summary}}
                              .run();
  // [sweep]

  // [report]
  fmt::print("\n## Throughput by replica count ({} VUs, {} measured per run after a {} warm-up)\n\n", o.vus,
             sp::format_duration(o.duration - o.warmup), sp::format_duration(o.warmup));
  const auto table = curve.to_table();
  if (o.format == "markdown") {
    fmt::print("{}", table.to_markdown());
  } else if (o.format == "csv") {
    fmt::print("{}", table.to_csv());
  } else if (o.format == "json") {
    fmt::print("{}\n", table.to_json());
  } else {
    fmt::print("{}", table.to_text());
  }

  const double best = curve.best_level();
  fmt::print("\nBest replica count: {} ({:.1f} requests/s)\n", sp::format_level(best), curve.throughput_at(best));
  if (curve.measured().size() >= 3) {
    const auto model = sp::fit_usl(curve.points());
    fmt::print("{}\n", model.describe());
    fmt::print("Throughput peaks at N* = √((1−σ)/κ) = {:.2f} replicas. Beyond it each replica adds more coherency\n"
               "cost (κ·N·(N−1): replicas keeping each other in step) than capacity, so throughput falls:\n"
               "the model predicts {:.0f} requests/s at {} replicas, {:.0f}% of linear scaling.\n",
               model.peak_concurrency(), model.throughput_at(curve.points().back().concurrency),
               sp::format_level(curve.points().back().concurrency),
               model.efficiency_at(curve.points().back().concurrency) * 100);
  }

  const auto report = sp::verify(curve, {
                                            sp::generator_not_saturated(),
                                            sp::usl_r_squared() >= 0.9,
                                            sp::peak_concurrency() <= 2,
                                            sp::efficiency_at(2) >= 0.45,
                                        });
  fmt::print("\n{}", report.to_text());
  if (!o.report.empty()) {
    // [html]
    const auto html = sp::format_html_study_report(
        curve, {.title = "Replica scaling",
                .description = fmt::format("{} VUs getting assignments, {} measured per run after a {} warm-up", o.vus,
                                           sp::format_duration(o.duration - o.warmup), sp::format_duration(o.warmup)),
                .expectations = report.results});
    // [html]
    if (const auto failure = sp::write_text_file(o.report, html)) {
      throw std::runtime_error(fmt::format("--report: cannot write \"{}\": {}", o.report, *failure));
    }
    fmt::print("\nReport: {}\n", o.report);
  }
  return report.passed() ? 0 : sp::exit_code::thresholds_failed;
  // [report]
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return study(parse(argc, argv));
  } catch (const sp::usage_error& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return sp::exit_code::invalid_config;
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return sp::exit_code::generic_error;
  }
}
