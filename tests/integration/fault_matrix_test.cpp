// The fault matrix: each way a server, TLS, DNS or the network can fail a request, asserting
// k6's error_code (on the response and as the `error_code` tag of `http_reqs`), the
// `http_req_failed` accounting, a bounded time, the next request working, and no descriptor
// left open. docs/reliability.md lists the cases.
#include <stampede/http/client.hpp>
#include <stampede/metrics/builtin.hpp>
#include <stampede/metrics/recorder.hpp>
#include <stampede/metrics/registry.hpp>
#include <stampede/testbed/proxy.hpp>
#include <stampede/testbed/server.hpp>

#include "support/catch_compat.hpp"
#include "support/hostile_server.hpp"
#include "support/run_coroutine.hpp"
#if STAMPEDE_WITH_TLS
#  include "support/tls_server.hpp"
#endif

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <exception>
#include <memory>
#include <utility>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace http = stampede::http;
using stampede::testing::hostile_server;
using stampede::testing::misbehaviour;
using clock_type = std::chrono::steady_clock;

// Descriptors the process has open (Linux: /proc/self/fd); -1 where that cannot be read.
int open_descriptors() {
  std::error_code ec;
  std::filesystem::directory_iterator it{"/proc/self/fd", ec};
  if (ec) return -1;
  int n = 0;
  for (; it != std::filesystem::directory_iterator{}; it.increment(ec)) {
    if (ec) return -1;
    ++n;
  }
  return n;
}

// One faulty request and then a good one, on one client recording k6's metrics.
struct fault {
  std::string_view name;
  std::string url;
  std::string good_url;
  http::error_kind kind;
  std::vector<int> k6_codes;  // the code k6 gives; two where the machine's resolver decides
  http::client_options options{};
  std::size_t post_bytes = 0;  // > 0: the faulty request is a POST with a body this large
  clock_type::duration at_least{};
};

struct observed {
  http::response first;
  http::response next;
  clock_type::duration took{};
  double failed_nonzero = 0;
  double failed_total = 0;
  double reqs_with_code = 0;
};

observed exchange(const fault& f) {
  auto registry = std::make_shared<stampede::metric_registry>();
  std::vector<stampede::counter> by_code;
  for (const int code : f.k6_codes) {
    by_code.push_back(stampede::http_reqs.where("error_code", std::to_string(code)));
    registry->track(by_code.back());
  }
  stampede::recorder rec{registry};
  const stampede::tag_set vu_tags{{"scenario", "faults"}};
  observed out;
  auto body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
    http::client c{ex, f.options, {.rec = &rec, .tags = &vu_tags, .run_start = clock_type::now()}};
    const auto start = clock_type::now();
    if (f.post_bytes > 0) {
      out.first = co_await c.post(f.url, http::body::text(std::string(f.post_bytes, 'p')));
    } else {
      out.first = co_await c.get(f.url);
    }
    out.took = clock_type::now() - start;
    out.next = co_await c.get(f.good_url);
  };
  stampede::testing::run_coroutine(body, 20s);
  const auto snap = rec.take(1s);
  const auto& failed = std::get<stampede::rate_sink>(*snap.find(stampede::http_req_failed.descriptor()));
  out.failed_nonzero = static_cast<double>(failed.nonzero);
  out.failed_total = static_cast<double>(failed.total);
  for (const auto& m : by_code) {
    if (const auto* sink = snap.find(m.descriptor())) out.reqs_with_code += std::get<stampede::counter_sink>(*sink).sum;
  }
  return out;
}

bool one_of(int code, const std::vector<int>& codes) {
  for (const int c : codes) {
    if (c == code) return true;
  }
  return false;
}

// Runs the case twice on a fresh server each time: the first may open what a library keeps
// for the process (OpenSSL's random device, the resolver's files); the second must leave
// every descriptor as it found it.
template <typename MakeServer, typename MakeFault>
void check_fault(MakeServer make_server, MakeFault make_fault) {
  for (int pass = 1; pass <= 2; ++pass) {
    const int descriptors_before = open_descriptors();
    {
      auto server = make_server();
      const fault f = make_fault(*server);
      INFO(f.name << " (pass " << pass << ")");
      const auto o = exchange(f);
      INFO(o.first.error().message);
      CHECK(o.first.error().kind == f.kind);
      CHECK(one_of(o.first.error_code(), f.k6_codes));
      CHECK(o.first.status() == 0);
      CHECK_FALSE(o.first.error().message.empty());
      CHECK(o.took >= f.at_least);
      CHECK(o.took < f.at_least + 3s);
      CHECK(o.next.status() == 200);
      CHECK(o.reqs_with_code == 1);      // http_reqs{error_code:...}
      CHECK(o.failed_nonzero == 1);      // http_req_failed: the faulty request only
      CHECK(o.failed_total == 2);
    }
    const int descriptors_after = open_descriptors();
    if (pass == 2 && descriptors_before >= 0) CHECK(descriptors_after == descriptors_before);
  }
}

auto hostile(misbehaviour m) {
  return [m] { return std::make_unique<hostile_server>(m); };
}

constexpr auto timeout = 500ms;

}  // namespace

TEST_CASE("fault matrix: a server that fails the exchange") {
  struct server_fault {
    std::string_view name;
    misbehaviour behaviour;
    http::error_kind kind;
    int k6_code;
    std::size_t post_bytes = 0;
  };
  using k = http::error_kind;
  const server_fault cases[] = {
      {"reset before the response", misbehaviour::reset, k::reset, 1220},
      {"reset after the headers", misbehaviour::reset_after_headers, k::reset, 1220},
      {"close in the middle of the body", misbehaviour::close_mid_response, k::closed, 1000},
      {"oversized headers", misbehaviour::oversized_header, k::too_large, 1000},
      {"oversized body", misbehaviour::oversized_body, k::too_large, 1000},
      {"bad chunking", misbehaviour::invalid_chunk_size, k::protocol, 1000},
      {"a storm of 1xx responses", misbehaviour::informational_storm, k::protocol, 1000},
      {"bytes that are not HTTP", misbehaviour::binary_junk, k::protocol, 1000},
  };
  for (const auto& c : cases) {
    check_fault(hostile(c.behaviour), [&](hostile_server& s) {
      return fault{.name = c.name,
                   .url = s.url("/ok"),
                   .good_url = s.url("/ok"),
                   .kind = c.kind,
                   .k6_codes = {c.k6_code},
                   .options = {.timeout = 2s, .max_response_body_bytes = 256 * 1024}};
    });
  }
}

TEST_CASE("fault matrix: a server that stalls past the timeout") {
  struct stall {
    std::string_view name;
    misbehaviour behaviour;
    std::size_t post_bytes = 0;
  };
  const stall cases[] = {
      {"no answer", misbehaviour::never_answer},
      {"a response a byte a second", misbehaviour::one_byte_per_second},
      // The server never reads: the 32 MiB body fills both sockets' buffers, and the request's
      // write must end at the timeout, not wait for a reader.
      {"a server that stops reading", misbehaviour::never_read, std::size_t{32} << 20},
  };
  for (const auto& c : cases) {
    check_fault(hostile(c.behaviour), [&c](hostile_server& s) {
      return fault{.name = c.name,
                   .url = s.url(c.post_bytes > 0 ? "/echo" : "/ok"),
                   .good_url = s.url("/ok"),
                   .kind = http::error_kind::timeout,
                   .k6_codes = {1050},
                   .options = {.timeout = timeout},
                   .post_bytes = c.post_bytes,
                   .at_least = timeout};
    });
  }
}

TEST_CASE("fault matrix: a bad network between the client and the testbed (testbed::proxy)") {
  namespace tb = stampede::testbed;
  struct network_fault {
    std::string_view name;
    tb::impairment upstream;
    tb::impairment downstream;
    http::error_kind kind;
    int k6_code;
    clock_type::duration at_least{};
  };
  using k = http::error_kind;
  const network_fault cases[] = {
      {"a link that stops forwarding responses", {}, {.stall = true}, k::timeout, 1050, timeout},
      {"a link that stops forwarding requests", {.stall = true}, {}, k::timeout, 1050, timeout},
      {"latency past the timeout", {}, {.latency = 2 * timeout}, k::timeout, 1050, timeout},
      {"a reset while the response is delayed", {}, {.latency = 300ms, .reset_after = 50ms}, k::reset, 1220},
      {"a link that closes after 20 bytes of the response", {}, {.limit_bytes = 20}, k::closed, 1000},
  };
  for (const auto& c : cases) {
    const auto make = [&c] {
      struct network {
        tb::server server;
        tb::proxy proxy;
        explicit network(const network_fault& f)
            : proxy{{.upstream_port = server.port(), .upstream = f.upstream, .downstream = f.downstream}} {}
      };
      return std::make_unique<network>(c);
    };
    check_fault(make, [&c](auto& n) {
      return fault{.name = c.name,
                   .url = n.proxy.url("/"),
                   .good_url = n.server.url("/"),
                   .kind = c.kind,
                   .k6_codes = {c.k6_code},
                   .options = {.timeout = timeout},
                   .at_least = c.at_least};
    });
  }
}

TEST_CASE("fault matrix: a name that does not resolve") {
  // `.invalid` never resolves (RFC 6761). The machine's resolver says so (1101) or cannot be
  // asked (1100); either way a classified failure well within the timeout.
  check_fault([] { return std::make_unique<hostile_server>(); }, [](hostile_server& s) {
    return fault{.name = "no such host",
                 .url = "http://no-such-host.invalid/",
                 .good_url = s.url("/ok"),
                 .kind = http::error_kind::dns,
                 .k6_codes = {1101, 1100},
                 .options = {.timeout = 5s}};
  });
}

#if STAMPEDE_WITH_TLS
TEST_CASE("fault matrix: TLS that fails") {
  using stampede::testing::tls_server;
  check_fault(hostile(misbehaviour::unsolicited_response), [](hostile_server& s) {
    return fault{.name = "a handshake answered with plain HTTP",
                 .url = "https://127.0.0.1:" + std::to_string(s.port()) + "/ok",
                 .good_url = s.url("/ok"),
                 .kind = http::error_kind::tls,
                 .k6_codes = {1300},
                 .options = {.timeout = 2s, .insecure_skip_tls_verify = true}};
  });
  const auto with_good = [] {
    struct both {
      tls_server tls;
      hostile_server plain;
    };
    return std::make_unique<both>();
  };
  check_fault(with_good, [](auto& s) {
    return fault{.name = "a certificate from an unknown authority",
                 .url = s.tls.url(),
                 .good_url = s.plain.url("/ok"),
                 .kind = http::error_kind::tls,
                 .k6_codes = {1310},
                 .options = {.timeout = 2s}};
  });
  check_fault(with_good, [](auto& s) {
    return fault{.name = "a certificate for another name",
                 .url = s.tls.url("wrong.test"),
                 .good_url = s.plain.url("/ok"),
                 .kind = http::error_kind::tls,
                 .k6_codes = {1311},
                 .options = {.timeout = 2s,
                             .hosts = {{"wrong.test", "127.0.0.1"}},
                             .tls_root_certificates = std::string{stampede::testing::certificate}}};
  });
}
#endif

TEST_CASE("fault matrix: many connections refused at once") {
  // 256 clients dial a closed port together: each request fails with k6's 1212 at once, all
  // are counted, and every socket is closed.
  constexpr int clients = 256;
  const auto url = "http://127.0.0.1:" + std::to_string(hostile_server::closed_port()) + "/";
  for (int pass = 1; pass <= 2; ++pass) {
    const int descriptors_before = open_descriptors();
    {
      auto registry = std::make_shared<stampede::metric_registry>();
      const auto refused = stampede::http_reqs.where("error_code", "1212");
      registry->track(refused);
      stampede::recorder rec{registry};
      asio::io_context io{1};
      int finished = 0;
      int classified = 0;
      std::vector<std::unique_ptr<http::client>> pool;
      for (int i = 0; i < clients; ++i) {
        pool.push_back(std::make_unique<http::client>(io.get_executor(), http::client_options{.timeout = 2s},
                                                      http::metrics_target{.rec = &rec, .run_start = clock_type::now()}));
      }
      const auto start = clock_type::now();
      for (auto& c : pool) {
        auto request = [&client = *c, &url]() -> asio::awaitable<http::response> { co_return co_await client.get(url); };
        asio::co_spawn(io, std::move(request), [&](std::exception_ptr e, http::response r) {
          ++finished;
          if (!e && r.error().kind == http::error_kind::refused && r.error_code() == 1212) ++classified;
        });
      }
      io.run_for(10s);
      const auto took = clock_type::now() - start;
      CHECK(finished == clients);
      CHECK(classified == clients);
      CHECK(took < 3s);
      const auto snap = rec.take(1s);
      CHECK(std::get<stampede::counter_sink>(*snap.find(refused.descriptor())).sum == clients);
      const auto& failed = std::get<stampede::rate_sink>(*snap.find(stampede::http_req_failed.descriptor()));
      CHECK(failed.nonzero == clients);
      CHECK(failed.total == clients);
    }
    if (pass == 2 && descriptors_before >= 0) CHECK(open_descriptors() == descriptors_before);
  }
}
