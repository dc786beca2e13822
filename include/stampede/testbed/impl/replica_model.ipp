// Bodies of replica_model (included by testbed/replica_model.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace stampede::testbed {

STAMPEDE_DECL std::chrono::nanoseconds replica_model::effective_service_time() const {
  const double n = replicas;
  const double factor = 1 + sigma * (n - 1) + kappa * n * (n - 1);
  return std::chrono::nanoseconds{
      static_cast<std::int64_t>(std::llround(static_cast<double>(service_time.count()) * factor))};
}

STAMPEDE_DECL double replica_model::throughput() const {
  const auto s_eff = std::chrono::duration<double>{effective_service_time()}.count();
  return s_eff > 0 ? replicas / s_eff : std::numeric_limits<double>::infinity();
}

STAMPEDE_DECL double replica_model::peak_replicas() const {
  return kappa > 0 ? std::sqrt((1 - sigma) / kappa) : std::numeric_limits<double>::infinity();
}

STAMPEDE_DECL void replica_model::validate() const {
  if (replicas < 1 || replicas > max_replicas) {
    throw usage_error("replica_model: replicas must be in [1, " + std::to_string(max_replicas) + "], got " +
                      std::to_string(replicas));
  }
  if (!(sigma >= 0 && sigma <= 1)) {
    throw usage_error("replica_model: sigma must be in [0, 1], got " + std::to_string(sigma));
  }
  if (!(kappa >= 0 && kappa <= 1)) {
    throw usage_error("replica_model: kappa must be in [0, 1], got " + std::to_string(kappa));
  }
  if (service_time.count() <= 0) {
    throw usage_error("replica_model: service_time must be positive, got " +
                      std::to_string(service_time.count()) + "ns");
  }
}

}  // namespace stampede::testbed
