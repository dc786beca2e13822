// What a client records for each request: k6's HTTP metrics and their tags, with tag-set ids
// cached so that a steady stream of requests builds no tag strings.
#pragma once

#include <stampede/core/error.hpp>
#include <stampede/http/metrics_target.hpp>
#include <stampede/http/response.hpp>
#include <stampede/metrics/recorder.hpp>
#include <stampede/metrics/registry.hpp>
#include <stampede/metrics/tags.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stampede::http::detail {

/// One request on the wire (one hop of a redirect chain), as its metrics see it.
struct request_sample {
  std::string_view method{};
  std::string_view url{};
  const tag_set* tags = nullptr;  ///< the request's own tags
  std::string_view name{};        ///< the `name` tag: the request's, else the URL
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  std::chrono::steady_clock::time_point at{};  ///< when it ended; the epoch: now
};

/// The address of an `ip:port` or `[ipv6]:port`, as k6's `ip` tag has it.
inline std::string_view ip_of(std::string_view remote_address) noexcept {
  const auto colon = remote_address.rfind(':');
  auto ip = colon == std::string_view::npos ? remote_address : remote_address.substr(0, colon);
  if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  return ip;
}

/// Records k6's HTTP metrics (`http_reqs`, `http_req_*`, `data_sent`, `data_received`) for one
/// client into its `metrics_target`. Not thread-safe, like the client.
class request_metrics {
 public:
  explicit request_metrics(metrics_target target) { set_target(target); }

  /// Where metrics go from now on; see `client::set_metrics`.
  void set_target(metrics_target target);
  /// Records one request with its response; `expected` is whether its status was expected.
  void record(const request_sample& s, const response& res, bool expected);

 private:
  struct metric_ids {
    metric_id reqs, duration, blocked, connecting, tls_handshaking, sending, waiting, receiving, failed,
        sent, received;
  };
  // What a cached tag set id was made from: compared field by field, so a steady stream of
  // identical requests finds its id without building any string.
  struct tag_cache_entry {
    tag_set vu;
    tag_set request;
    std::string method, name, url;
    std::string_view proto;
    std::string_view tls_version;
    std::string ip;  // only with the `ip` system tag
    int status = 0;
    int error_code = 0;
    bool expected = false;
    tag_set_id id = 0;
  };

  tag_set_id tags_for(const request_sample& s, const response& res, bool expected);

  metrics_target target_;
  std::optional<metric_ids> ids_;
  std::vector<tag_cache_entry> tag_cache_;
  std::size_t tag_cache_last_ = 0;
  std::size_t tag_cache_next_ = 0;
  tag_set vu_tags_;  // the VU tags vu_tags_id_ was interned from
  std::optional<tag_set_id> vu_tags_id_;
};

inline void request_metrics::set_target(metrics_target target) {
  const bool same_recorder = ids_ && target.rec == target_.rec && target.system_tags == target_.system_tags;
  target_ = target;
  // Cached tag-set ids are checked against the VU's tags by value, so they stay right when only
  // the tags move (a VU entering or leaving a group calls this each time); only another
  // recorder, with ids of its own, needs them rebuilt.
  if (same_recorder) return;
  ids_.reset();
  tag_cache_.clear();
  vu_tags_id_.reset();
  if (!target_.rec) return;
  const auto& reg = target_.rec->registry();
  const auto id = [&](std::string_view name) {
    const auto found = reg.find(name);
    if (!found) throw usage_error("the recorder's registry lacks the built-in metric " + std::string{name});
    return *found;
  };
  ids_ = metric_ids{id("http_reqs"),         id("http_req_duration"), id("http_req_blocked"),
                    id("http_req_connecting"), id("http_req_tls_handshaking"), id("http_req_sending"),
                    id("http_req_waiting"),  id("http_req_receiving"), id("http_req_failed"),
                    id("data_sent"),         id("data_received")};
}

inline tag_set_id request_metrics::tags_for(const request_sample& s, const response& res, bool expected) {
  static const tag_set no_tags;
  const tag_set& vu = target_.tags ? *target_.tags : no_tags;
  const tag_set& own = s.tags ? *s.tags : no_tags;
  const auto& enabled = target_.system_tags;
  const bool with_ip = enabled.has(system_tag_set::ip);
  // k6's `ip` tag: the server's address without its port.
  const std::string_view ip = with_ip ? ip_of(res.remote_address()) : std::string_view{};
  const auto same = [&](const tag_cache_entry& e) {
    return e.status == res.status() && e.error_code == res.error_code() && e.expected == expected &&
           e.proto == res.protocol() && e.tls_version == res.tls_version() && e.method == s.method && e.url == s.url &&
           e.name == s.name && e.request == own && e.vu == vu && (!with_ip || e.ip == ip);
  };
  if (tag_cache_last_ < tag_cache_.size() && same(tag_cache_[tag_cache_last_])) return tag_cache_[tag_cache_last_].id;
  for (std::size_t i = 0; i < tag_cache_.size(); ++i) {
    if (same(tag_cache_[i])) {
      tag_cache_last_ = i;
      return tag_cache_[i].id;
    }
  }
  // k6's system tags on every HTTP sample, those the run keeps (k6's `systemTags`); a
  // request's own tags win over the VU's.
  using bit = system_tag_set::tag_bit;
  tag_set tags = vu.merged_with(own);
  const auto set = [&](bit b, std::string_view key, std::string value) {
    if (enabled.has(b)) tags.set(std::string{key}, std::move(value));
  };
  set(bit::method, system_tag::method, std::string{s.method});
  set(bit::url, system_tag::url, std::string{s.url});
  set(bit::name, system_tag::name, std::string{s.name});
  set(bit::status, system_tag::status, std::to_string(res.status()));
  set(bit::expected_response, system_tag::expected_response, expected ? "true" : "false");
  if (res.error_code() != 0) set(bit::error_code, system_tag::error_code, std::to_string(res.error_code()));
  if (!res.protocol().empty()) set(bit::proto, system_tag::proto, std::string{res.protocol()});
  if (!res.tls_version().empty()) set(bit::tls_version, system_tag::tls_version, std::string{res.tls_version()});
  if (!ip.empty()) set(bit::ip, system_tag::ip, std::string{ip});
  tag_cache_entry e{vu,           own,           std::string{s.method}, std::string{s.name},
                    std::string{s.url}, res.protocol(), res.tls_version(),   std::string{ip}, res.status(),
                    res.error_code(), expected,  target_.rec->intern(tags)};
  // Bounded: URLs with ids in them would otherwise grow the cache without end.
  constexpr std::size_t max_entries = 256;
  if (tag_cache_.size() < max_entries) {
    tag_cache_last_ = tag_cache_.size();
    tag_cache_.push_back(std::move(e));
  } else {
    tag_cache_last_ = tag_cache_next_;
    tag_cache_[tag_cache_next_] = std::move(e);
    tag_cache_next_ = (tag_cache_next_ + 1) % max_entries;
  }
  return tag_cache_[tag_cache_last_].id;
}

inline void request_metrics::record(const request_sample& s, const response& res, bool expected) {
  if (!target_.rec || !ids_) return;
  auto& rec = *target_.rec;
  const auto& ids = *ids_;
  const auto now = s.at != std::chrono::steady_clock::time_point{} ? s.at : std::chrono::steady_clock::now();
  const auto at = now > target_.run_start ? std::chrono::duration_cast<std::chrono::nanoseconds>(now - target_.run_start)
                                          : std::chrono::nanoseconds{0};
  const auto tags = tags_for(s, res, expected);
  const auto& t = res.timings();
  const auto ns = [](std::chrono::nanoseconds d) { return static_cast<double>(d.count()); };
  rec.add(ids.reqs, 1, tags, at);
  rec.add(ids.duration, ns(t.duration), tags, at);
  rec.add(ids.blocked, ns(t.blocked), tags, at);
  rec.add(ids.connecting, ns(t.connecting), tags, at);
  rec.add(ids.tls_handshaking, ns(t.tls_handshaking), tags, at);
  rec.add(ids.sending, ns(t.sending), tags, at);
  rec.add(ids.waiting, ns(t.waiting), tags, at);
  rec.add(ids.receiving, ns(t.receiving), tags, at);
  rec.add(ids.failed, expected ? 0 : 1, tags, at);
  // k6 tags data_sent and data_received with the VU's tags only; the request's would split
  // them by URL for no reader's benefit.
  static const tag_set no_tags;
  const tag_set& vu = target_.tags ? *target_.tags : no_tags;
  if (!vu_tags_id_ || vu_tags_ != vu) {
    vu_tags_ = vu;
    vu_tags_id_ = rec.intern(vu);
  }
  const auto vu_id = *vu_tags_id_;
  rec.add(ids.sent, static_cast<double>(s.bytes_sent), vu_id, at);
  rec.add(ids.received, static_cast<double>(s.bytes_received), vu_id, at);
}

}  // namespace stampede::http::detail
