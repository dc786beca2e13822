// The testbed's replica model: N service slots whose throughput follows the Universal
// Scalability Law with a known contention σ and coherency κ.
#pragma once

#include <chrono>

namespace stampede::testbed {

/// N replicas of a service as N slots, with contention σ and coherency κ. Each request holds
/// one slot for the effective service time
///
///     S_eff(N) = S · (1 + σ(N−1) + κN(N−1))
///
/// and waits in one FIFO queue while every slot is busy. When the offered load saturates the
/// slots (more requests in flight than slots), throughput is N / S_eff, which is the
/// Universal Scalability Law X(N) = λN / (1 + σ(N−1) + κN(N−1)) with λ = 1/S. With κ > 0 it
/// peaks at N* = √((1−σ)/κ) and falls beyond: more replicas, less throughput.
///
/// ```cpp
/// replica_model m{.replicas = 8, .sigma = 0.05, .kappa = 0.01, .service_time = 2ms};
/// m.effective_service_time();  // 3.82 ms
/// m.throughput();              // 2094.2 requests/s
/// ```
struct replica_model {
  int replicas = 1;      ///< N, at least 1
  double sigma = 0;      ///< contention σ, in [0, 1]
  double kappa = 0;      ///< coherency κ, in [0, 1]
  std::chrono::nanoseconds service_time = std::chrono::milliseconds{2};  ///< S, positive

  /// S · (1 + σ(N−1) + κN(N−1)), rounded to whole nanoseconds.
  [[nodiscard]] std::chrono::nanoseconds effective_service_time() const;
  /// The saturated throughput N / S_eff, in requests per second.
  [[nodiscard]] double throughput() const;
  /// The replica count that maximises throughput, √((1−σ)/κ) (infinite when κ = 0).
  [[nodiscard]] double peak_replicas() const;

  /// Throws `usage_error` naming the field that is out of range.
  void validate() const;

  friend bool operator==(const replica_model&, const replica_model&) = default;
};

/// The most replicas a model may have: slots are searched linearly per request.
inline constexpr int max_replicas = 4096;

}  // namespace stampede::testbed

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/testbed/impl/replica_model.ipp>
#endif
