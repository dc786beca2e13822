// sp::prometheus_output: `--out prometheus=HOST:PORT` — the live run served at
// http://HOST:PORT/metrics in Prometheus' text exposition format, for a Prometheus server to
// scrape and Grafana to draw while the test runs.
#pragma once

#include <stampede/config.hpp>
#include <stampede/exec/load_test.hpp>
#include <stampede/exec/observer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace stampede {

namespace detail::prometheus {
class session;
}  // namespace detail::prometheus

/// Every sample of the run, aggregated per metric and tag set (a Prometheus series, its tags
/// as labels) since the run started, with k6's names for Prometheus — a `k6_` prefix and k6's
/// suffixes: counters `k6_http_reqs_total`, gauges `k6_vus`, rates `k6_checks_rate`, trends
/// histograms in base units (`k6_http_req_duration_seconds`, `k6_data_…_bytes`):
///
/// ```text
/// # TYPE k6_http_req_duration_seconds histogram
/// k6_http_req_duration_seconds_bucket{method="GET",scenario="default",status="200",le="0.001249279"} 0
/// k6_http_req_duration_seconds_bucket{method="GET",scenario="default",status="200",le="0.001269759"} 17
/// ```
///
/// A trend's buckets are ranges of its HDR histogram: its counters merged 16 at a time, so
/// each is at most 1/64 of its values wide (1.6%), and `histogram_quantile` in PromQL is
/// within that of the exact quantile. Only the ranges that hold values are listed, each with
/// its lower edge too, so interpolation never spans an empty range.
///
/// The endpoint listens from construction until destruction: a scrape after the run sees its
/// final values. `linger` keeps the caller waiting after the run so that the last scrape
/// comes (Prometheus scrapes every 15 s by default).
///
/// Thread safety: the runner's calls come from one thread; the endpoint runs on a thread of
/// its own, where samples are aggregated too, so the shards never wait for a scrape.
/// Throws: `usage_error` from the constructor when the address cannot be listened on (before
/// the run: k6's exit code 104).
class prometheus_output final : public run_observer {
 public:
  struct options {
    /// Loopback by default: a load generator's numbers are not for the whole network.
    std::string host = "127.0.0.1";
    /// 9464, the port of OpenTelemetry's Prometheus exporter; 0: any free port (`port()`).
    std::uint16_t port = 9464;
    /// How long `linger` waits after the run ends.
    std::chrono::nanoseconds linger{0};
    /// The most samples waiting to be aggregated before a tick's samples are dropped.
    std::size_t max_backlog = std::size_t{1} << 22;
  };

  explicit prometheus_output(options o);
  prometheus_output(const prometheus_output&) = delete;
  prometheus_output& operator=(const prometheus_output&) = delete;
  STAMPEDE_DECL ~prometheus_output() override;

  [[nodiscard]] bool wants_samples() const override { return true; }
  STAMPEDE_DECL void on_start(const load_test& test, const execution_tuple& part) override;
  STAMPEDE_DECL void on_samples(const std::shared_ptr<const tick_samples>& samples) override;
  STAMPEDE_DECL void on_end(const result& r) override;

  /// The port it listens on (the one chosen for port 0).
  [[nodiscard]] std::uint16_t port() const noexcept;
  /// `http://127.0.0.1:9464/metrics`.
  [[nodiscard]] std::string url() const;
  /// The exposition a scrape gets now, once every sample handed over so far is aggregated.
  [[nodiscard]] std::string exposition() const;
  /// Scrapes served so far.
  [[nodiscard]] std::uint64_t scrapes() const noexcept;
  /// Waits until `options::linger` has passed since the run ended, or `control` (if given)
  /// asks to stop; with `forever`, only the stop request ends the wait (k6's `--linger`).
  void linger(const run_control* control, bool forever = false) const;

 private:
  friend class detail::prometheus::session;
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/report/impl/prometheus_output.ipp>
#endif
