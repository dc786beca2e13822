// sp::curve: what a scaling study measured — one point per configuration of its parameters,
// each with its repetitions and their medians — read as a curve, a table or a pivot table.
#pragma once

#include <stampede/scaling/measurement.hpp>
#include <stampede/scaling/point.hpp>
#include <stampede/core/table.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stampede {

/// The value of each parameter at one point of a study, in the study's parameter order:
/// `{{"replicas", 4}, {"users", 200}}`.
class configuration {
 public:
  configuration() = default;
  configuration(std::initializer_list<std::pair<std::string, double>> values);

  /// Sets a parameter's value, adding the parameter if it is new.
  void set(std::string_view name, double value);
  /// The value of `name`; throws `usage_error` naming it and the parameters there are.
  [[nodiscard]] double operator[](std::string_view name) const;
  [[nodiscard]] bool has(std::string_view name) const noexcept;
  [[nodiscard]] const std::vector<std::pair<std::string, double>>& values() const noexcept { return values_; }
  /// `replicas=4 users=200`.
  [[nodiscard]] std::string describe() const;

  friend bool operator==(const configuration&, const configuration&) = default;

 private:
  std::vector<std::pair<std::string, double>> values_;
};

/// One configuration's measurements: one per repetition, and their median.
struct study_point {
  configuration config{};
  std::vector<measurement> runs{};
  measurement median{};

  /// The lowest and highest throughput over the repetitions.
  [[nodiscard]] double throughput_min() const noexcept;
  [[nodiscard]] double throughput_max() const noexcept;
  /// (max − min) / median of the throughput: the noise between repetitions (0 for one run).
  [[nodiscard]] double spread() const noexcept;

  friend bool operator==(const study_point&, const study_point&) = default;
};

/// A figure of a point, for pivot tables and knees.
enum class figure : std::uint8_t {
  throughput,      ///< requests/s (iterations/s for a test without HTTP requests)
  median_latency,  ///< p(50), in milliseconds
  p95_latency,     ///< p(95), in milliseconds
  p99_latency,     ///< p(99), in milliseconds
  error_rate,      ///< failures, in percent
  total_requests,  ///< requests (iterations) in the measured window
};

/// The column title of a figure in tables: `RPS`, `Median (ms)`, `P95 (ms)`, ….
[[nodiscard]] std::string_view to_string(figure f) noexcept;

/// A study's outcome: its parameters and a point per configuration, in the order they ran.
///
/// ```cpp
/// sp::curve c = sweep.run();
/// fmt::print("{}", c.to_table().to_text());
/// auto model = sp::fit_usl(c.points());          // concurrency = level, throughput = median RPS
/// double e = c.efficiency_at(4);                 // X(4) / (4 · X(1))
/// ```
///
/// Thread safety: a value; const members may be called from several threads at once.
/// Throws: `usage_error` for a level that was not measured, and for single-parameter views
/// (`points`, `efficiency_at`) of a curve over several parameters.
class curve {
 public:
  curve() = default;
  /// Throws `usage_error` if a point's configuration does not have exactly `parameters`.
  curve(std::vector<std::string> parameters, std::vector<study_point> points);

  [[nodiscard]] const std::vector<std::string>& parameters() const noexcept { return parameters_; }
  [[nodiscard]] const std::vector<study_point>& measured() const noexcept { return points_; }
  [[nodiscard]] bool empty() const noexcept { return points_.empty(); }

  /// (level, median throughput) of each point, for the fits. Needs a single-parameter curve;
  /// `slice` a matrix first.
  [[nodiscard]] std::vector<scaling_point> points() const;
  /// The points whose configuration has the values of `fixed`, as a curve over the remaining
  /// parameters: `matrix_curve.slice({{"users", 200}})` is throughput against replicas.
  [[nodiscard]] curve slice(const configuration& fixed) const;

  /// The point at `level` of a single-parameter curve; throws `usage_error` naming the level
  /// and the levels there are.
  [[nodiscard]] const study_point& at(double level) const;
  [[nodiscard]] const study_point& at(const configuration& config) const;
  /// Median throughput at `level`.
  [[nodiscard]] double throughput_at(double level) const;
  /// Throughput at `level` as a share of linear scaling from the lowest level n₀:
  /// (X(n) / X(n₀)) / (n / n₀). 1 is perfect scaling; below 1/(n/n₀), adding was a loss.
  [[nodiscard]] double efficiency_at(double level) const;
  /// The level with the highest median throughput.
  [[nodiscard]] double best_level() const;
  /// The level at which `latency` departs from its low-load value by more than `tolerance`
  /// (0.5: 50% above), interpolated between levels; empty if it never does. Meaningful when
  /// the parameter is the load (VUs, arrival rate).
  [[nodiscard]] std::optional<double> knee(double tolerance = 0.5, figure latency = figure::median_latency) const;
  /// Whether any point's load generator was saturated (see `generator_health`).
  [[nodiscard]] bool generator_saturated() const noexcept;

  /// The seed's "Complete Results": a row per point with its parameters, RPS, Median, P95,
  /// P99 (ms), Failures (%) and Total Requests; an `RPS spread` column when points were
  /// repeated and a `Generator` column when one was saturated.
  [[nodiscard]] table to_table() const;
  /// `value` with one row per level of `rows` and a column per level of `columns` (the
  /// seed's "Throughput Scaling by Replica Count"). Other parameters must have one level, or
  /// be fixed with `slice` first.
  [[nodiscard]] table pivot(std::string_view rows, std::string_view columns, figure value = figure::throughput) const;

  friend bool operator==(const curve&, const curve&) = default;

 private:
  [[nodiscard]] std::size_t parameter_index(std::string_view name) const;
  void require_single(std::string_view what) const;

  std::vector<std::string> parameters_;
  std::vector<study_point> points_;
};

/// The value of `f` in a measurement (throughput in its unit, latencies in ms, errors in %);
/// empty when not measured.
[[nodiscard]] std::optional<double> value_of(const measurement& m, figure f);
/// The value of `f` in a point's median.
[[nodiscard]] inline std::optional<double> value_of(const study_point& point, figure f) { return value_of(point.median, f); }
/// `f` in a measurement as a table cell, with the decimals the seed's tables use.
[[nodiscard]] table_cell figure_cell(const measurement& m, figure f);

/// A level as tables show it: `4`, `0.5`, `1500`.
[[nodiscard]] std::string format_level(double level);

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/scaling/impl/curve.ipp>
#endif
