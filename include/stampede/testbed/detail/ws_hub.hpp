// The WebSocket sessions open on each path of the testbed server, which broadcasts and an HTTP
// route's `publish` reach.
#pragma once

#include <stampede/testbed/detail/ws_outbox.hpp>

#include <asio/post.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace stampede::testbed::detail {

/// The open sessions by route path, shared by the server's threads behind a mutex. A message
/// for a path is posted to each session's strand, so sessions on other threads get it in the
/// order it was published.
class ws_hub {
 public:
  void join(const std::string& path, std::uint64_t id, std::shared_ptr<ws_outbox> session) {
    const std::lock_guard lock{mutex_};
    paths_[path].emplace(id, std::move(session));
  }

  void leave(const std::string& path, std::uint64_t id) {
    const std::lock_guard lock{mutex_};
    const auto it = paths_.find(path);
    if (it == paths_.end()) return;
    it->second.erase(id);
    if (it->second.empty()) paths_.erase(it);
  }

  /// Sends the message `frame` to every session open on `path`; returns how many there were.
  std::size_t publish(const std::string& path, const ws_outbox::frame& frame) {
    const std::lock_guard lock{mutex_};
    const auto it = paths_.find(path);
    if (it == paths_.end()) return 0;
    // post never runs the handler here, so nothing re-enters the lock.
    for (const auto& entry : it->second) {
      asio::post(entry.second->conn().strand, [session = entry.second, frame] { session->send_message(frame); });
    }
    return it->second.size();
  }

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::unordered_map<std::uint64_t, std::shared_ptr<ws_outbox>>> paths_;
};

}  // namespace stampede::testbed::detail
