// Bodies of sp::peak_search and sp::peak_result (included by study/peak.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <thread>

namespace stampede {

STAMPEDE_DECL table peak_result::to_table() const {
  table t{{"Rate", "Passed", "RPS", "Median (ms)", "P95 (ms)", "P99 (ms)", "Failures (%)", "Why"}};
  for (const auto& a : attempts) {
    std::vector<table_cell> row{table_cell::of(a.rate, 1),
                                table_cell::of(std::string{a.passed ? "yes" : "no"} + (a.confirmation ? " (confirmation)" : ""))};
    for (const auto f : {figure::throughput, figure::median_latency, figure::p95_latency, figure::p99_latency,
                         figure::error_rate}) {
      row.push_back(figure_cell(a.figures, f));
    }
    row.push_back(table_cell::of(a.why));
    t.add_row(std::move(row));
  }
  return t;
}

STAMPEDE_DECL peak_result peak_search::run() const {
  if (!test) throw usage_error("peak_search: no test");
  int runs = 0;
  return search([&](double target, bool confirmation) {
    if (runs++ > 0 && options.cooldown > std::chrono::nanoseconds{0}) std::this_thread::sleep_for(options.cooldown);
    auto r = measure_run(test(target), options);
    if (options.on_result) options.on_result(configuration{{"rate", target}}, runs, r.run);
    peak_attempt a;
    a.rate = target;
    a.confirmation = confirmation;
    a.figures = r.figures;
    a.passed = true;
    std::vector<std::string> why;
    for (const auto& c : criteria) {
      auto verdict = c.evaluate([&](const metric_aggregate& agg) { return r.window.values(agg); });
      if (!verdict.passed) {
        a.passed = false;
        why.push_back("✗ " + verdict.description);
      }
      a.criteria.push_back(std::move(verdict));
    }
    if (a.figures.generator.saturated) {
      a.passed = false;
      why.push_back("the generator did not keep up: " + a.figures.generator.reason);
    }
    for (std::size_t i = 0; i < why.size(); ++i) a.why += (i > 0 ? "; " : "") + why[i];
    return a;
  });
}

STAMPEDE_DECL peak_result peak_search::search(const attempt_fn& attempt_at) const {
  if (!(low > 0) || !std::isfinite(low)) throw usage_error(fmt::format("peak_search: low must be a positive rate, not {}", low));
  if (!(high > low) || !std::isfinite(high)) {
    throw usage_error(fmt::format("peak_search: high ({}) must be above low ({})", high, low));
  }
  if (criteria.empty()) throw usage_error("peak_search: no criteria (e.g. http_req_duration.p(99) < 50ms)");
  if (!(precision > 0 && precision < 1)) {
    throw usage_error(fmt::format("peak_search: precision must be in (0, 1), not {}", precision));
  }
  if (confirmations < 0) throw usage_error(fmt::format("peak_search: confirmations must not be negative, not {}", confirmations));
  if (max_runs < 2) throw usage_error(fmt::format("peak_search: max_runs must be at least 2, not {}", max_runs));
  if (!attempt_at) throw usage_error("peak_search: no attempt function");

  peak_result out;
  const auto attempt = [&](double target, bool confirmation) {
    auto a = attempt_at(target, confirmation);
    a.rate = target;
    a.confirmation = confirmation;
    const bool passed = a.passed;
    out.attempts.push_back(std::move(a));
    return passed;
  };
  const auto runs_left = [&] { return static_cast<int>(out.attempts.size()) < max_runs; };

  if (!attempt(low, false)) return out;
  double pass = low;
  if (attempt(high, false)) {
    out.peak = high;
    out.at_upper_bound = true;
    return out;
  }
  double fail = high;
  std::vector<double> passes{low};  // every rate that passed, to fall back on
  while (runs_left()) {
    if ((fail - pass) / pass > precision) {
      const double mid = (pass + fail) / 2;
      if (attempt(mid, false)) {
        pass = mid;
        passes.push_back(mid);
      } else {
        fail = mid;
      }
      continue;
    }
    // Narrow enough: confirm the highest pass.
    bool held = true;
    int done = 0;
    for (; held && done < confirmations && runs_left(); ++done) held = attempt(pass, true);
    if (held) {
      out.peak = pass;
      out.confirmed = done == confirmations;
      return out;
    }
    // A confirmation failed: that rate is a failure, and the search goes on below it. The
    // passes are in increasing order (the pass bound only rises while bisecting).
    fail = pass;
    while (!passes.empty() && passes.back() >= fail) passes.pop_back();
    if (passes.empty()) return out;
    pass = passes.back();
  }
  out.peak = pass;  // out of runs: the highest pass, not confirmed
  return out;
}

}  // namespace stampede
