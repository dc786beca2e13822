// What the testbed server has done so far: requests, statuses, bytes, connections, WebSocket
// sessions and messages.
#pragma once

#include <cstdint>
#include <map>

namespace stampede::testbed {

/// A copy of the server's counters at one moment (see `server::stats()`). Each counter is
/// read on its own, so under load the figures may be a few requests apart.
struct server_stats {
  std::uint64_t requests = 0;              ///< responses sent, any status (counted as each is handed to the socket)
  std::map<int, std::uint64_t> statuses{};  ///< responses sent per status (only those seen)
  std::uint64_t bytes_received = 0;        ///< bytes read from clients, WebSocket frames included
  std::uint64_t bytes_sent = 0;            ///< bytes of the responses and WebSocket frames sent
  std::uint64_t connections_accepted = 0;  ///< including those closed at once for `max_connections`
  std::uint64_t connections_open = 0;      ///< open now
  std::uint64_t replica_waiting = 0;       ///< requests (and WebSocket messages) holding or waiting for a replica slot now
  std::uint64_t websocket_sessions = 0;       ///< upgrades answered 101 so far
  std::uint64_t websocket_sessions_open = 0;  ///< WebSocket sessions open now
  std::uint64_t websocket_messages_received = 0;  ///< whole text and binary messages read (not control frames)
  std::uint64_t websocket_messages_sent = 0;  ///< text and binary messages handed to the socket (echoes, broadcasts, publications)

  /// Responses written with `status`.
  [[nodiscard]] std::uint64_t count(int status) const {
    const auto it = statuses.find(status);
    return it == statuses.end() ? 0 : it->second;
  }
};

}  // namespace stampede::testbed
