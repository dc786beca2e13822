// The engine, the HTTP client and the testbed together on 127.0.0.1: VUs speak HTTP through
// vu::http(), and k6's HTTP metrics, checks and thresholds come out of sp::run.
#include <stampede/exec/runner.hpp>
#include <stampede/http/predicates.hpp>
#include <stampede/testbed/server.hpp>

#include "support/catch_compat.hpp"
#include "support/result_metrics.hpp"
#include "support/hostile_server.hpp"

#include <any>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>

namespace sp = stampede;
namespace tb = stampede::testbed;
using namespace std::chrono_literals;

using sp::testing::counter_sum;

TEST_CASE("VUs request the testbed through vu::http and every k6 HTTP metric is recorded") {
  tb::server server{{.routes = {{.path = "/api/v1/todos", .body = "[{\"todo\":1}]",
                                 .content_type = "application/json"}}}};
  const auto base = server.url("/api/v1/todos");
  sp::load_test test{
      .scenarios = {{.name = "todos",
                     .exec = [base](sp::vu& u) -> sp::task<> {
                       auto res = co_await u.http().get(base);
                       u.check(res, sp::status_is(200) && sp::body_contains("todo"));
                     },
                     .executor = sp::per_vu_iterations{.vus = 4, .iterations = 25}}},
      .thresholds = {sp::http_req_failed.rate() < 0.01, sp::http_req_duration.p(95) < 1s},
  };
  const auto r = sp::run(test, {.threads = 2, .seed = 1});
  CHECK(r.complete_iterations() == 100);
  CHECK(counter_sum(r, sp::http_reqs.descriptor()) == 100);
  CHECK(counter_sum(r, sp::data_received.descriptor()) > 100 * 10);
  CHECK(counter_sum(r, sp::data_sent.descriptor()) > 100 * 10);
  const auto* failed = r.metrics.find(sp::http_req_failed.descriptor());
  REQUIRE(failed != nullptr);
  CHECK(std::get<sp::rate_sink>(*failed).total == 100);
  CHECK(std::get<sp::rate_sink>(*failed).nonzero == 0);
  const auto ok = sp::http_req_duration.where("expected_response", "true");
  REQUIRE(r.metrics.find(ok.descriptor()) != nullptr);
  CHECK(std::get<sp::trend_sink>(*r.metrics.find(ok.descriptor())).samples.count() == 100);
  const auto checks = r.checks();
  REQUIRE(checks.size() == 1);
  CHECK(checks[0].passes == 100);
  CHECK(r.thresholds_passed());
  // Keep-alive: four VUs, four connections.
  CHECK(server.stats().connections_accepted == 4);
  // k6 1.x's compact summary: the HTTP section without the request's phases.
  const auto summary = r.summary();
  CHECK(summary.find("    HTTP\n    http_req_duration") != std::string::npos);
  CHECK(summary.find("{ expected_response:true }") != std::string::npos);
  CHECK(summary.find("http_req_waiting") == std::string::npos);
  auto legacy = r.summary_format;
  legacy.mode = sp::summary_mode::legacy;  // k6 0.x's list has every phase
  CHECK(r.summary(legacy).find("http_req_waiting") != std::string::npos);
}

TEST_CASE("a refused connection is a recorded failure, not an exception, and the run goes on") {
  std::string dead;
  {
    tb::server server;
    dead = server.url("/");
  }  // the port is closed now
  sp::load_test test{.scenarios = {{.exec = [dead](sp::vu& u) -> sp::task<> {
                                      auto res = co_await u.http().get(dead);
                                      u.check(res, sp::status_is(200));
                                    },
                                    .executor = sp::per_vu_iterations{.vus = 2, .iterations = 3}}},
                     .thresholds = {sp::http_req_failed.rate() < 0.5}};
  const auto r = sp::run(test, {.threads = 1, .seed = 1});
  CHECK(r.complete_iterations() == 6);
  CHECK(r.errors.empty());
  const auto* failed = r.metrics.find(sp::http_req_failed.descriptor());
  REQUIRE(failed != nullptr);
  CHECK(std::get<sp::rate_sink>(*failed).nonzero == 6);
  CHECK_FALSE(r.thresholds_passed());
  CHECK(r.exit_code() == 99);
}

TEST_CASE("a VU's requests time out at their own deadlines, and setup's request does not hold the run") {
  // VUs keep their client's deadline armed across requests: a silent server's request still
  // ends at its 300 ms timeout, the next request goes through, and neither setup's request
  // (60 s timeout) nor the VUs' keep the run from ending on time.
  stampede::testing::hostile_server silent{stampede::testing::misbehaviour::never_answer, 1000};
  stampede::testing::hostile_server good{};
  const auto slow = silent.url("/x");
  const auto ok = good.url("/ok");
  std::atomic<int> timed_out{0}, answered{0};
  sp::load_test test{.scenarios = {{.exec = [&, slow, ok](sp::vu& u) -> sp::task<> {
                                      sp::http::request_params impatient;
                                      impatient.timeout = 300ms;
                                      auto res = co_await u.http().get(slow, std::move(impatient));
                                      if (res.error().kind == sp::http::error_kind::timeout &&
                                          res.timings().duration >= 250ms) {
                                        ++timed_out;
                                      }
                                      res = co_await u.http().get(ok);
                                      if (res.status() == 200) ++answered;
                                    },
                                    .executor = sp::per_vu_iterations{.vus = 2, .iterations = 2}}},
                     .setup = [ok](sp::vu& u) -> sp::task<std::any> {
                       auto res = co_await u.http().get(ok);
                       co_return res.status();
                     }};
  const auto start = std::chrono::steady_clock::now();
  const auto r = sp::run(test, {.threads = 1, .seed = 1});
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(r.errors.empty());
  CHECK(r.complete_iterations() == 4);
  CHECK(timed_out.load() == 4);
  CHECK(answered.load() == 4);
  CHECK(took < 10s);  // two 300 ms timeouts per VU, not a 60 s deadline left armed
}

TEST_CASE("requests inside a group carry the group tag, and those after it do not") {
  tb::server server;
  const auto url = server.url("/");
  const auto in_group = sp::http_reqs.where("group", "::api");
  sp::load_test test{.scenarios = {{.exec = [url](sp::vu& u) -> sp::task<> {
                                      co_await u.group("api", [&]() -> sp::task<> {
                                        co_await u.http().get(url);
                                        co_await u.http().get(url);
                                      });
                                      co_await u.http().get(url);
                                    },
                                    .executor = sp::per_vu_iterations{.vus = 2, .iterations = 5}}},
                     .thresholds = {in_group.count() > 0}};
  const auto r = sp::run(test, {.threads = 1, .seed = 1});
  CHECK(counter_sum(r, sp::http_reqs.descriptor()) == 30);
  CHECK(counter_sum(r, in_group.descriptor()) == 20);
}

TEST_CASE("every VU's HTTP client in a run shares one DNS cache, on every shard") {
  tb::server server;
  const auto url = "http://localhost:" + std::to_string(server.port()) + "/";
  std::mutex mutex;
  std::set<const sp::http::dns_cache*> caches;
  std::set<std::size_t> cached_names;
  sp::load_test test{.scenarios = {{.exec = [&, url](sp::vu& u) -> sp::task<> {
                                      auto res = co_await u.http().get(url);
                                      u.check(res, sp::status_is(200));
                                      const std::lock_guard lock{mutex};
                                      caches.insert(&u.http().dns());
                                      cached_names.insert(u.http().dns().size());
                                    },
                                    .executor = sp::per_vu_iterations{.vus = 4, .iterations = 2}}}};
  const auto r = sp::run(test, {.threads = 2, .seed = 1});
  CHECK(r.complete_iterations() == 8);
  REQUIRE(r.checks().size() == 1);
  CHECK(r.checks()[0].passes == 8);
  CHECK(caches.size() == 1);                          // one cache for the run ...
  CHECK(cached_names == std::set<std::size_t>{1});    // ... holding localhost's answer
}
