// What every connection of the testbed server shares: options, routes, the replica model,
// counters, the open connections that a stop closes and the WebSocket sessions by path.
#pragma once

#include <stampede/testbed/detail/connection.hpp>
#include <stampede/testbed/detail/replica_pool.hpp>
#include <stampede/testbed/detail/ws_hub.hpp>
#include <stampede/testbed/route.hpp>
#include <stampede/testbed/server_options.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace stampede::testbed::detail {

/// What every connection shares: the options, routes, replica model, counters, the list of
/// open connections that `stop()` closes and the WebSocket sessions that messages reach.
struct server_state {
  explicit server_state(server_options o)
      : options(std::move(o)),
        routes(options.routes.empty() ? default_routes() : options.routes),
        publishes(std::any_of(routes.begin(), routes.end(), [](const route& r) { return !r.publish.empty(); })) {
    if (options.replicas) pool.emplace(*options.replicas);
  }

  /// Registers a new connection; false when stopping or at `max_connections`.
  bool admit(const std::shared_ptr<connection>& c) {
    const std::lock_guard lock{mutex};
    if (stopping || open.size() >= options.limits.max_connections) return false;
    open.emplace(c->number, c);
    return true;
  }
  void forget(std::uint64_t number) {
    const std::lock_guard lock{mutex};
    open.erase(number);
  }
  /// Refuses new connections from now on and returns the open ones.
  std::vector<std::shared_ptr<connection>> begin_stop() {
    const std::lock_guard lock{mutex};
    stopping = true;
    std::vector<std::shared_ptr<connection>> out;
    out.reserve(open.size());
    for (auto& [number, c] : open) out.push_back(c);
    return out;
  }
  bool is_stopping() {
    const std::lock_guard lock{mutex};
    return stopping;
  }

  const server_options options;
  const std::vector<route> routes;
  const bool publishes;  // some route publishes to a WebSocket path: keep those requests' bodies
  std::optional<replica_pool> pool;
  counters stats;
  ws_hub websockets;

  std::mutex mutex;
  bool stopping = false;
  std::unordered_map<std::uint64_t, std::shared_ptr<connection>> open;
  std::uint64_t next_number = 0;  // under `mutex`
};

}  // namespace stampede::testbed::detail
