// Bodies of server_options (included by testbed/server_options.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>

#include <algorithm>
#include <string>

namespace stampede::testbed {

STAMPEDE_DECL void server_options::validate() const {
  if (host.empty()) throw usage_error("server_options: host must not be empty");
  if (threads < 1 || threads > 64) {
    throw usage_error("server_options: threads must be in [1, 64], got " + std::to_string(threads));
  }
  for (const auto& r : routes) r.validate();
  for (const auto& r : routes) {
    if (r.publish.empty()) continue;
    const auto websocket = [&r](const route& w) { return w.path == r.publish && w.websocket != websocket_mode::none; };
    if (std::none_of(routes.begin(), routes.end(), websocket)) {
      throw usage_error("route " + r.method + " " + r.path + ": publish \"" + r.publish +
                        "\" is not the path of a WebSocket route (one with websocket set) of server_options::routes");
    }
  }
  if (replicas) replicas->validate();
  if (limits.max_header_bytes == 0) throw usage_error("server_options: limits.max_header_bytes must be positive");
  if (limits.idle_timeout.count() <= 0) throw usage_error("server_options: limits.idle_timeout must be positive");
  if (limits.max_connections == 0) throw usage_error("server_options: limits.max_connections must be positive");
  if (limits.max_websocket_message_bytes == 0) {
    throw usage_error("server_options: limits.max_websocket_message_bytes must be positive");
  }
  if (limits.max_websocket_queued_bytes < limits.max_websocket_message_bytes) {
    // An echo of the largest message must fit, or its session would be closed for it.
    throw usage_error("server_options: limits.max_websocket_queued_bytes (" +
                      std::to_string(limits.max_websocket_queued_bytes) +
                      ") must be at least limits.max_websocket_message_bytes (" +
                      std::to_string(limits.max_websocket_message_bytes) + ")");
  }
}

}  // namespace stampede::testbed
