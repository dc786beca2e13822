// Bodies of the scaling expectations (included by scaling/expect.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>
#include <stampede/scaling/fit.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <exception>

namespace stampede {
namespace detail {

STAMPEDE_DECL std::string format_quantity(double v) {
  if (std::isinf(v)) return v > 0 ? "infinite" : "-infinite";
  return fmt::format("{:.4g}", v);
}

// The lowest level of a single-parameter curve; throws usage_error for an empty curve.
STAMPEDE_DECL double lowest_level(const curve& c) {
  const auto pts = c.points();
  if (pts.empty()) throw usage_error("the curve has no points");
  return std::min_element(pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a.concurrency < b.concurrency; })
      ->concurrency;
}

STAMPEDE_DECL std::string parameter_of(const curve& c) { return c.parameters().empty() ? "level" : c.parameters().front(); }

}  // namespace detail

// --- expectation ----------------------------------------------------------------------------

STAMPEDE_DECL expectation::expectation(std::string description, check_fn check)
    : description_{std::move(description)}, check_{std::make_shared<const check_fn>(std::move(check))} {}

STAMPEDE_DECL expectation_result expectation::evaluate(const curve& c) const {
  expectation_result r;
  try {
    r = (*check_)(c);
  } catch (const std::exception& e) {
    r = {{}, false, std::string{"could not be read off the curve: "} + e.what()};
  }
  r.description = description_;
  return r;
}

// A failure that is not merely inconclusive.
STAMPEDE_DECL bool definitely_failed(const expectation_result& r) noexcept { return !r.passed && !r.inconclusive; }

STAMPEDE_DECL expectation operator&&(const expectation& a, const expectation& b) {
  return expectation{a.describe() + " && " + b.describe(), [a, b](const curve& c) {
                       const auto ra = a.evaluate(c);
                       const auto rb = b.evaluate(c);
                       expectation_result r{{}, ra.passed && rb.passed, ra.observed + "; " + rb.observed};
                       r.inconclusive = !r.passed && !definitely_failed(ra) && !definitely_failed(rb);
                       return r;
                     }};
}

STAMPEDE_DECL expectation operator||(const expectation& a, const expectation& b) {
  return expectation{"(" + a.describe() + " || " + b.describe() + ")", [a, b](const curve& c) {
                       const auto ra = a.evaluate(c);
                       const auto rb = b.evaluate(c);
                       expectation_result r{{}, ra.passed || rb.passed, ra.observed + "; " + rb.observed};
                       r.inconclusive = !r.passed && (ra.inconclusive || rb.inconclusive);
                       return r;
                     }};
}

STAMPEDE_DECL expectation operator!(const expectation& e) {
  return expectation{"!(" + e.describe() + ")", [e](const curve& c) {
                       const auto r = e.evaluate(c);
                       // Not knowing is not the opposite of knowing: an inconclusive result stays so.
                       expectation_result out{{}, !r.passed && !r.inconclusive, r.observed};
                       out.inconclusive = r.inconclusive;
                       return out;
                     }};
}

// --- quantities -----------------------------------------------------------------------------

STAMPEDE_DECL curve_quantity::curve_quantity(std::string name, std::function<double(const curve&)> read)
    : name_{std::move(name)}, read_{std::move(read)} {}

STAMPEDE_DECL curve_quantity::curve_quantity(std::string name, std::function<double(const curve&)> read,
                                             interval_fn interval)
    : name_{std::move(name)}, read_{std::move(read)}, interval_{std::move(interval)} {}

STAMPEDE_DECL expectation curve_quantity::compare(std::string_view op, double bound) const {
  auto self = *this;
  const std::string o{op};
  return expectation{fmt::format("{} {} {}", name_, op, detail::format_quantity(bound)), [self, o, bound](const curve& c) {
                       const auto holds = [&](double x) {
                         return o == "<" ? x < bound : o == "<=" ? x <= bound : o == ">" ? x > bound : x >= bound;
                       };
                       const double v = self.read(c);
                       expectation_result r{{}, holds(v), fmt::format("{} was {}", self.name(), detail::format_quantity(v))};
                       if (!self.interval_) return r;
                       const auto ci = self.interval_(c);
                       if (!ci) {
                         r.observed += " (no interval: too few points to estimate the noise; judged on the estimate)";
                         return r;
                       }
                       r.observed += fmt::format(" (95% interval {} to {})", detail::format_quantity(ci->low),
                                                 detail::format_quantity(ci->high));
                       const bool low = holds(ci->low);
                       const bool high = holds(ci->high);
                       r.passed = low && high;
                       if (low != high) {
                         r.inconclusive = true;
                         r.observed += fmt::format(": the interval straddles {}, so the curve neither meets nor misses "
                                                   "it; more levels or repetitions narrow it",
                                                   detail::format_quantity(bound));
                       }
                       return r;
                     }};
}

STAMPEDE_DECL curve_quantity efficiency_at(double level) {
  return {fmt::format("efficiency_at({})", format_level(level)), [level](const curve& c) { return c.efficiency_at(level); }};
}

STAMPEDE_DECL curve_quantity throughput_at(double level) {
  return {fmt::format("throughput_at({})", format_level(level)), [level](const curve& c) { return c.throughput_at(level); }};
}

namespace detail {

// The 95% interval of one of a fitted USL's parameters, if the fit has them.
template <auto Member>
std::optional<confidence_interval> usl_interval(const curve& c) {
  const auto m = fit_usl(c.points());
  if (!m.uncertainty) return std::nullopt;
  return (*m.uncertainty).*Member;
}

}  // namespace detail

STAMPEDE_DECL curve_quantity sigma() {
  return {"sigma", [](const curve& c) { return fit_usl(c.points()).sigma; },
          detail::usl_interval<&usl_uncertainty::sigma>};
}

STAMPEDE_DECL curve_quantity kappa() {
  return {"kappa", [](const curve& c) { return fit_usl(c.points()).kappa; },
          detail::usl_interval<&usl_uncertainty::kappa>};
}

STAMPEDE_DECL curve_quantity peak_concurrency() {
  return {"peak_concurrency", [](const curve& c) { return fit_usl(c.points()).peak_concurrency(); },
          detail::usl_interval<&usl_uncertainty::peak_concurrency>};
}

STAMPEDE_DECL curve_quantity usl_r_squared() {
  return {"usl_r_squared", [](const curve& c) { return fit_usl(c.points()).r_squared; }};
}

STAMPEDE_DECL curve_quantity latency_growth(double level, figure latency) {
  return {fmt::format("latency_growth({}, {})", format_level(level), to_string(latency)), [level, latency](const curve& c) {
            const double low = detail::lowest_level(c);
            const auto base = value_of(c.at(low), latency);
            const auto at = value_of(c.at(level), latency);
            if (!base || !at || *base <= 0) {
              throw usage_error(fmt::format("{} was not measured at both {} and {}", to_string(latency), format_level(low),
                                            format_level(level)));
            }
            return *at / *base;
          }};
}

// --- expectations on the whole curve ----------------------------------------------------------

STAMPEDE_DECL expectation scales_linearly(double up_to, double tolerance) {
  return expectation{
      fmt::format("scales_linearly(up to {}, tolerance {:g}%)", format_level(up_to), tolerance * 100),
      [up_to, tolerance](const curve& c) {
        const auto pts = c.points();
        double worst = std::numeric_limits<double>::infinity();
        double worst_level = 0;
        for (const auto& p : pts) {
          if (p.concurrency > up_to) continue;
          const double e = c.efficiency_at(p.concurrency);
          if (e < worst) {
            worst = e;
            worst_level = p.concurrency;
          }
        }
        if (std::isinf(worst)) throw usage_error(fmt::format("no level at or below {}", format_level(up_to)));
        return expectation_result{{}, worst >= 1 - tolerance,
                                  fmt::format("lowest efficiency {} at {}={}", detail::format_quantity(worst),
                                              detail::parameter_of(c), format_level(worst_level))};
      }};
}

STAMPEDE_DECL expectation no_retrograde(double up_to, double noise) {
  const auto bound = std::isinf(up_to) ? std::string{} : fmt::format("up to {}, ", format_level(up_to));
  return expectation{
      fmt::format("no_retrograde({}noise {:g}%)", bound, noise * 100), [up_to, noise](const curve& c) {
        auto pts = c.measured();
        std::sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) {
          return a.config.values().front().second < b.config.values().front().second;
        });
        (void)c.points();  // a single-parameter curve, or a usage_error saying so
        double best = 0;
        double best_level = 0;
        double worst_drop = 0;
        std::string where = "throughput never fell";
        for (const auto& p : pts) {
          const double level = p.config.values().front().second;
          if (level > up_to) break;
          const double x = p.median.throughput();
          if (best > 0) {
            const double drop = (best - x) / best;
            const double allowed = std::max(noise, p.spread());
            if (drop > allowed && drop - allowed > worst_drop) {
              worst_drop = drop - allowed;
              where = fmt::format("throughput fell {:.1f}% from {}={} ({:.1f}/s) to {}={} ({:.1f}/s)", drop * 100,
                                  detail::parameter_of(c), format_level(best_level), best, detail::parameter_of(c),
                                  format_level(level), x);
            }
          }
          if (x > best) {
            best = x;
            best_level = level;
          }
        }
        return expectation_result{{}, worst_drop == 0, where};
      }};
}

STAMPEDE_DECL expectation generator_not_saturated() {
  return expectation{"generator_not_saturated", [](const curve& c) {
                       for (const auto& p : c.measured()) {
                         if (p.median.generator.saturated) {
                           return expectation_result{{}, false,
                                                     fmt::format("at {}: {}", p.config.describe(), p.median.generator.reason)};
                         }
                       }
                       return expectation_result{{}, true, "every point's generator kept up"};
                     }};
}

// --- report ---------------------------------------------------------------------------------

STAMPEDE_DECL bool expectations_report::passed() const noexcept {
  return std::all_of(results.begin(), results.end(), [](const auto& r) { return r.passed; });
}

STAMPEDE_DECL std::string expectations_report::to_text() const {
  std::string out;
  for (const auto& r : results) out += fmt::format("{} {}: {}\n", r.passed ? "✓" : "✗", r.description, r.observed);
  return out;
}

STAMPEDE_DECL std::string expectations_report::failure_message() const {
  std::string out;
  std::size_t failed = 0;
  for (const auto& r : results) failed += r.passed ? 0 : 1;
  out += fmt::format("{} of {} scaling expectations failed:\n", failed, results.size());
  for (const auto& r : results) {
    if (!r.passed) out += fmt::format("  ✗ {}: {}\n", r.description, r.observed);
  }
  out += "\n" + table + "\n" + model + "\n";
  return out;
}

STAMPEDE_DECL expectations_report verify(const curve& c, const std::vector<expectation>& expectations) {
  expectations_report report;
  for (const auto& e : expectations) report.results.push_back(e.evaluate(c));
  report.table = c.to_table().to_text();
  try {
    report.model = fit_usl(c.points()).describe();
  } catch (const std::exception& e) {
    report.model = std::string{"no USL fit: "} + e.what();
  }
  return report;
}

}  // namespace stampede
