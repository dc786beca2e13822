// A run shaped like the seed's first k6 run, for the report tests.
#pragma once

#include <stampede/metrics/builtin.hpp>
#include <stampede/metrics/recorder.hpp>
#include <stampede/metrics/snapshot.hpp>

#include <chrono>
#include <memory>

namespace stampede_test {

namespace sp = stampede;
using namespace std::chrono_literals;

// A run shaped like the seed's first k6 run: 10 VUs, 7821 requests in 10.007 s, none failed.
inline sp::snapshot seed_like_run(std::shared_ptr<sp::metric_registry> registry) {
  registry->track(sp::http_req_duration.where("expected_response", "true"));
  sp::recorder rec{registry};
  const sp::tag_set ok{{"expected_response", "true"}, {"status", "200"}, {"group", ""}};
  const auto duration_of = [](int i) { return 3.17e6 + 9.0e6 * static_cast<double>((i * 7919) % 7821) / 7821.0; };
  for (int i = 0; i < 7821; ++i) {
    const auto at = std::chrono::nanoseconds{i} * 1'279'000;
    const double d = duration_of(i);
    rec.add(sp::http_req_duration, d, ok, at);
    rec.add(sp::http_req_waiting, d - 90e3, ok, at);
    rec.add(sp::http_req_receiving, 87e3, ok, at);
    rec.add(sp::http_req_sending, 30e3, ok, at);
    rec.add(sp::http_req_blocked, 4.4e3, ok, at);
    rec.add(sp::http_req_connecting, 0, ok, at);
    rec.add(sp::http_req_tls_handshaking, 0, ok, at);
    rec.add(sp::http_req_failed, 0, ok, at);
    rec.add(sp::http_reqs, 1, ok, at);
    rec.add(sp::iterations, 1, ok, at);
    rec.add(sp::iteration_duration, d + 160e3, ok, at);
  }
  rec.add(sp::data_received, 4'849'500, ok, 1s);
  rec.add(sp::data_sent, 1'271'000, ok, 1s);
  rec.add(sp::vus, 10, {}, 0s);
  rec.add(sp::vus, 10, {}, 10s);
  rec.add(sp::vus_max, 10, {}, 0s);
  auto s = sp::snapshot::empty_for(*registry, 0ns, 10'007'044'468ns);
  s.merge(rec.take(10'007'044'468ns));
  return s;
}

}  // namespace stampede_test
