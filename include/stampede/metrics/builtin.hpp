// k6's built-in metrics, with k6's names, types and units, so k6 users read our output
// without a glossary.
#pragma once

#include <stampede/metrics/metric.hpp>

#include <vector>

namespace stampede {

// HTTP, recorded by the client for every request (see docs/metrics.md for each phase).
/// Requests made. Counter.
inline const counter http_reqs{"http_reqs"};
/// Time from the start of sending to the end of receiving: sending + waiting + receiving.
inline const trend http_req_duration{"http_req_duration", value_type::time};
/// Time spent waiting for a free connection before the request could start.
inline const trend http_req_blocked{"http_req_blocked", value_type::time};
/// Time spent establishing the TCP connection (0 on a reused connection).
inline const trend http_req_connecting{"http_req_connecting", value_type::time};
/// Time spent in the TLS handshake (0 for plain HTTP and reused connections).
inline const trend http_req_tls_handshaking{"http_req_tls_handshaking", value_type::time};
/// Time spent writing the request.
inline const trend http_req_sending{"http_req_sending", value_type::time};
/// Time from the end of sending to the first byte of the response ("time to first byte").
inline const trend http_req_waiting{"http_req_waiting", value_type::time};
/// Time from the first to the last byte of the response.
inline const trend http_req_receiving{"http_req_receiving", value_type::time};
/// Share of requests whose status was not expected (by default, not 200–399) or that failed.
inline const rate http_req_failed{"http_req_failed"};

// Network.
/// Bytes written to the network.
inline const counter data_sent{"data_sent", value_type::data};
/// Bytes read from the network.
inline const counter data_received{"data_received", value_type::data};

// Execution.
/// Iterations completed by VUs.
inline const counter iterations{"iterations"};
/// Time one iteration of the scenario function took.
inline const trend iteration_duration{"iteration_duration", value_type::time};
/// Iterations an arrival-rate executor could not start because no VU was free.
inline const counter dropped_iterations{"dropped_iterations"};
/// VUs active now.
inline const gauge vus{"vus"};
/// VUs allocated (the most that can be active).
inline const gauge vus_max{"vus_max"};
/// Share of checks that passed.
inline const rate checks{"checks"};
/// Time one run of a group took (tagged with the group).
inline const trend group_duration{"group_duration", value_type::time};

// WebSocket, recorded by `ws::client` and its sessions (k6's k6/ws metrics).
/// WebSocket sessions started (each connect, whether its handshake succeeded or not). Counter.
inline const counter ws_sessions{"ws_sessions"};
/// Time from the start of a connect to the end of the opening handshake (DNS, TCP, TLS, upgrade).
inline const trend ws_connecting{"ws_connecting", value_type::time};
/// Time from the start of a connect to the session's end.
inline const trend ws_session_duration{"ws_session_duration", value_type::time};
/// Messages sent. Counter.
inline const counter ws_msgs_sent{"ws_msgs_sent"};
/// Messages received. Counter.
inline const counter ws_msgs_received{"ws_msgs_received"};
/// Time from a ping to its pong.
inline const trend ws_ping{"ws_ping", value_type::time};

/// Every built-in metric, for registries, docs and outputs that list them.
[[nodiscard]] inline std::vector<metric_descriptor> builtin_metrics() {
  return {http_reqs.descriptor(),           http_req_duration.descriptor(),
          http_req_blocked.descriptor(),    http_req_connecting.descriptor(),
          http_req_tls_handshaking.descriptor(), http_req_sending.descriptor(),
          http_req_waiting.descriptor(),    http_req_receiving.descriptor(),
          http_req_failed.descriptor(),     data_sent.descriptor(),
          data_received.descriptor(),       iterations.descriptor(),
          iteration_duration.descriptor(),  dropped_iterations.descriptor(),
          vus.descriptor(),                 vus_max.descriptor(),
          checks.descriptor(),              group_duration.descriptor(),
          ws_sessions.descriptor(),         ws_connecting.descriptor(),
          ws_session_duration.descriptor(), ws_msgs_sent.descriptor(),
          ws_msgs_received.descriptor(),    ws_ping.descriptor()};
}

}  // namespace stampede
