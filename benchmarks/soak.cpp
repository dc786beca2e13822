// The soak: VUs against an in-process testbed server for minutes, with churn (new connections,
// redirects, cookies, 404s and 500s, timeouts, tagged metrics, checks), while a sampler reads
// the process's RSS, peak RSS and open descriptors every second. Then a keep-alive-only phase
// counts the client's allocations per request. Exits 1 when a limit is broken:
//
//   - the RSS, and malloc's bytes in use: their least-squares slopes over the samples after
//     warm-up in KiB per minute, judged when at least 3 minutes of samples resolve them, and
//     their growth from the first to the last window after warm-up;
//   - the ceiling of open descriptors, from the first to the last window after warm-up;
//   - allocations per keep-alive request on a warm client (histogram pages apart);
//   - requests that ended otherwise than the soak expects them to.
//
//   stampede_soak [--duration 10m] [--warmup 60s] [--vus 50] [--think 200ms] [--csv FILE]
//                 [--max-slope 64] [--max-heap-growth 256]
//                 [--max-rss-growth 1024] [--max-fd-rise 4]
//                 [--max-unexpected 0.001] [--keepalive-requests 10000]
//
// A plain program, not a Google Benchmark, and not part of ctest: CI runs a 60 s variant
// (.ci/run); docs/performance.md has a ten-minute run and what each limit is for.
#include <stampede/stampede.hpp>

#include "support/counting_new.hpp"

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include <malloc.h>
#include <unistd.h>

// g++ 12 inlines Asio's allocation of a coroutine frame (::operator new) and its sized
// operator delete into this file's coroutines and takes them for a mismatched pair; they are
// Asio's own pair (benchmarks/CMakeLists.txt notes the same for the compile floor).
#if defined(__GNUC__) && !defined(__clang__)
#  pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace sp = stampede;
namespace http = stampede::http;
namespace tb = stampede::testbed;
using namespace std::chrono_literals;

namespace {

struct soak_options {
  std::chrono::nanoseconds duration = 10min;
  std::chrono::nanoseconds warmup = 60s;
  std::int64_t vus = 50;
  std::chrono::nanoseconds think = 200ms;  // each iteration then sleeps think/2 … 3·think/2
  std::string csv;
  double max_slope_kib_per_min = 64;
  double max_heap_growth_kib = 256;
  double max_rss_growth_kib = 1024;
  std::int64_t max_fd_rise = 4;
  double max_unexpected = 0.001;  // share of requests
  int keepalive_requests = 10'000;
};

soak_options parse(int argc, char** argv) {
  soak_options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "-h" || flag == "--help") {
      fmt::print("usage: stampede_soak [--duration 10m] [--warmup 60s] [--vus 50] [--think 200ms] [--csv FILE]\n"
                 "                     [--max-slope KiB/min] [--max-heap-growth KiB] [--max-rss-growth KiB]\n"
                 "                     [--max-fd-rise N]"
                 "                     [--max-unexpected SHARE] [--keepalive-requests N]\n");
      std::exit(0);
    }
    if (i + 1 >= argc) throw sp::usage_error(std::string{flag} + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--duration") o.duration = sp::parse_duration(value);
    else if (flag == "--warmup") o.warmup = sp::parse_duration(value);
    else if (flag == "--vus") o.vus = std::stoll(value);
    else if (flag == "--think") o.think = sp::parse_duration(value);
    else if (flag == "--csv") o.csv = value;
    else if (flag == "--max-slope") o.max_slope_kib_per_min = std::stod(value);
    else if (flag == "--max-heap-growth") o.max_heap_growth_kib = std::stod(value);
    else if (flag == "--max-rss-growth") o.max_rss_growth_kib = std::stod(value);
    else if (flag == "--max-fd-rise") o.max_fd_rise = std::stoll(value);
    else if (flag == "--max-unexpected") o.max_unexpected = std::stod(value);
    else if (flag == "--keepalive-requests") o.keepalive_requests = std::stoi(value);
    else throw sp::usage_error("unknown option " + std::string{flag} + " (try --help)");
  }
  if (o.vus < 1) throw sp::usage_error("--vus must be at least 1");
  if (o.keepalive_requests < 1) throw sp::usage_error("--keepalive-requests must be at least 1");
  // The verdict fits lines to the steady samples: it needs some of them.
  if (o.duration < o.warmup + 20s) throw sp::usage_error("--duration must be at least --warmup + 20s");
  return o;
}

// --- what the process holds ---------------------------------------------------------------

struct sample {
  double seconds = 0;  // since the scenarios started
  std::uint64_t rss_kib = 0;
  std::uint64_t peak_kib = 0;  // VmHWM
  std::uint64_t fds = 0;
  std::uint64_t requests = 0;  // so far
  std::uint64_t heap_kib = 0;  // malloc's bytes in use (mallinfo2), to tell live data from RSS
};

std::uint64_t rss_kib() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long long size = 0;
  unsigned long long resident = 0;
  const int read = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  return read == 2 ? resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)) / 1024 : 0;
}

std::uint64_t peak_rss_kib() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return 0;
  std::array<char, 256> line{};
  unsigned long long kib = 0;
  while (std::fgets(line.data(), static_cast<int>(line.size()), f) != nullptr) {
    if (std::sscanf(line.data(), "VmHWM: %llu kB", &kib) == 1) break;
  }
  std::fclose(f);
  return kib;
}

std::uint64_t heap_in_use_kib() {
  const auto m = ::mallinfo2();  // all arenas, and blocks malloc mapped on their own
  return (m.uordblks + m.hblkhd) / 1024;
}

std::uint64_t open_descriptors() {
  std::error_code ec;
  std::uint64_t n = 0;
  for (auto it = std::filesystem::directory_iterator{"/proc/self/fd", ec};
       !ec && it != std::filesystem::directory_iterator{}; it.increment(ec)) {
    ++n;
  }
  return n > 0 ? n - 1 : 0;  // the iterator's own descriptor of /proc/self/fd
}

// --- what the VUs did, by outcome -----------------------------------------------------------

enum class outcome : std::size_t { keep_alive, new_connection, redirect_chain, cookie, not_found, server_error,
                                   timeout, unexpected, count };
constexpr std::array<std::string_view, static_cast<std::size_t>(outcome::count)> outcome_names{
    "keep-alive 200", "new connection 200", "redirect chain 200", "cookie set and sent", "404 (expected)",
    "500 (expected)", "timeout (expected)", "unexpected"};

std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(outcome::count)> outcomes{};
std::atomic<std::uint64_t> requests_sent{0};  // HTTP requests, redirect hops included

// Unexpected outcomes by the response's error kind (`none`: an unexpected status).
std::array<std::atomic<std::uint64_t>, 16> unexpected_kinds{};

// The first unexpected outcomes, described (URL, status or error, duration), to print.
std::mutex unexpected_mutex;
std::vector<std::string> unexpected_examples;

// Counts one step that took `hops` requests and ended in `o`, judged by `r`.
void count(outcome o, const http::response& r, std::uint64_t hops = 1) {
  outcomes[static_cast<std::size_t>(o)].fetch_add(1, std::memory_order_relaxed);
  requests_sent.fetch_add(hops, std::memory_order_relaxed);
  if (o == outcome::unexpected) {
    const auto kind = static_cast<std::size_t>(r.error().kind);
    if (kind < unexpected_kinds.size()) unexpected_kinds[kind].fetch_add(1, std::memory_order_relaxed);
    const std::lock_guard lock{unexpected_mutex};
    if (unexpected_examples.size() < 10) {
      unexpected_examples.push_back(fmt::format(
          "{} → {} after {:.1f} ms (waiting {:.1f} ms)", r.url(),
          r.error() ? r.error().message : "status " + std::to_string(r.status()),
          std::chrono::duration<double, std::milli>(r.timings().duration).count(),
          std::chrono::duration<double, std::milli>(r.timings().waiting).count()));
    }
  }
}

// The server's routes and the URLs the iteration requests; every URL is fixed, so the `url`
// and `name` tags take a bounded set of values.
std::vector<tb::route> soak_routes() {
  return {{.path = "/items", .body_bytes = 1024},
          {.path = "/r1", .status = 302, .headers = {{"Location", "/r2"}}},
          {.path = "/r2", .status = 302, .headers = {{"Location", "/items"}}},
          {.path = "/login",
           .body = "welcome",
           .headers = {{"Set-Cookie", "session=soak; Path=/; HttpOnly"}, {"Set-Cookie", "visit=1; Max-Age=1"}}},
          {.path = "/account", .body = "account"},
          {.path = "/fail", .status = 500, .body = "failing on purpose"},
          {.path = "/slow", .body = "late", .latency = tb::service_time::fixed(100ms)},
          // For the keep-alive phase's warm-up: a response a first read never finds.
          {.path = "/late", .body_bytes = 1024, .latency = tb::service_time::fixed(2ms)}};
}

struct targets {
  std::string items, redirect, final_hop, login, account, missing, failing, slow;
  std::chrono::nanoseconds think;
};

const sp::counter soak_steps{"soak_steps"};
const sp::trend soak_login_duration{"soak_login_duration", sp::value_type::time};

// One visitor: keep-alive reads, one read on a connection of its own, a redirect chain, a
// login whose cookie the next request carries, a 404, a 500 and (every tenth iteration) a
// request that times out, then a think time.
sp::task<> visit(sp::vu& u, const targets* t) {
  static const sp::tag_set read_step{{"step", "read"}};
  static const sp::tag_set login_step{{"step", "login"}};
  static const sp::tag_set error_step{{"step", "errors"}};
  auto& client = u.http();

  for (int i = 0; i < 4; ++i) {
    http::request_params read{.tags = {{"name", "items"}}, .discard_body = true};
    auto res = co_await client.get(t->items, std::move(read));
    count(u.check(res, "items answered 200", [](const http::response& r) { return r.status() == 200; })
              ? outcome::keep_alive
              : outcome::unexpected,
          res);
  }
  u.record(soak_steps, 1, read_step);

  http::request_params closing{.headers = {{"Connection", "close"}}, .tags = {{"name", "items, new connection"}}};
  auto res = co_await client.get(t->items, std::move(closing));
  count(res.status() == 200 ? outcome::new_connection : outcome::unexpected, res);

  res = co_await client.get(t->redirect);
  const bool redirected = res.status() == 200 && res.url() == t->final_hop;
  count(u.check(redirected, "redirects followed to /items", [](bool b) { return b; }) ? outcome::redirect_chain
                                                                                      : outcome::unexpected,
        res, 3);

  const auto login_start = std::chrono::steady_clock::now();
  res = co_await client.get(t->login);
  auto after = co_await client.get(t->account);
  u.record(soak_login_duration,
           static_cast<double>((std::chrono::steady_clock::now() - login_start).count()), login_step);
  const auto session = client.cookies().get(http::url::parse(t->account), "session");
  const bool logged_in = res.status() == 200 && after.status() == 200 && session && *session == "soak";
  count(u.check(logged_in, "the session cookie is kept", [](bool b) { return b; }) ? outcome::cookie
                                                                                  : outcome::unexpected,
        res.status() != 200 ? res : after, 2);

  res = co_await client.get(t->missing);
  count(u.check(res, sp::status_is(404)) ? outcome::not_found : outcome::unexpected, res);
  res = co_await client.get(t->failing);
  count(u.check(res, sp::status_is(500)) ? outcome::server_error : outcome::unexpected, res);
  if (u.iteration() % 10 == 0) {
    http::request_params impatient{.timeout = 30ms, .tags = {{"name", "slow"}}};
    res = co_await client.get(t->slow, std::move(impatient));
    count(res.error().kind == http::error_kind::timeout ? outcome::timeout : outcome::unexpected, res);
  }
  u.record(soak_steps, 1, error_step);

  co_await u.sleep(t->think / 2, t->think * 3 / 2);
}

// --- the sampler --------------------------------------------------------------------------

class sampler {
 public:
  sampler(std::size_t expected, std::chrono::steady_clock::time_point start) : start_(start) {
    samples_.reserve(expected + 64);  // no growth while it runs
    thread_ = std::jthread([this](std::stop_token stop) { loop(stop); });
  }
  std::vector<sample> finish() {
    thread_.request_stop();
    wake_.notify_all();
    thread_.join();
    return std::move(samples_);
  }

 private:
  void loop(const std::stop_token& stop) {
    auto next = start_;
    std::unique_lock lock{mutex_};
    while (!stop.stop_requested()) {
      const sample s{std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(), rss_kib(),
                     peak_rss_kib(), open_descriptors(), requests_sent.load(std::memory_order_relaxed),
                     heap_in_use_kib()};
      if (samples_.size() < samples_.capacity()) samples_.push_back(s);
      next += 1s;
      wake_.wait_until(lock, stop, next, [] { return false; });
    }
  }

  std::chrono::steady_clock::time_point start_;
  std::vector<sample> samples_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::jthread thread_;
};

// --- a keep-alive request's allocations ---------------------------------------------------

struct allocation_count {
  std::uint64_t requests = 0;
  std::uint64_t allocations = 0;  // on the client's thread during the counted requests
  std::uint64_t pages = 0;        // of those, the trends' histogram pages
  std::uint64_t failures = 0;     // answers other than 200
  std::uint64_t connections = 0;  // the client opened (1: every request kept alive)
};

std::uint64_t histogram_pages(const sp::snapshot& delta) {
  std::uint64_t n = 0;
  for (const auto& e : delta.entries()) {
    if (const auto* t = std::get_if<sp::trend_sink>(&e.data)) n += t->samples.page_allocations();
  }
  return n;
}

// One client recording k6's metrics, as a VU's does, on a thread of its own: warmed up, then
// `requests` keep-alive GETs counted. The URLs are copied before counting (the caller's copy is
// not the client's), and the run is io.run(), as a shard's (see
// tests/integration/http_allocation_test.cpp for why a warm-up takes both read paths).
allocation_count count_keep_alive_allocations(const tb::server& server, int requests) {
  allocation_count out;
  auto registry = std::make_shared<sp::metric_registry>();
  sp::recorder rec{registry};
  const sp::tag_set tags{{"scenario", "keep-alive"}};
  std::thread worker([&] {
    asio::io_context io{1};
    http::client client{io.get_executor(), {}, {.rec = &rec, .tags = &tags, .run_start = std::chrono::steady_clock::now()}};
    const auto url = server.url("items");
    const auto late = server.url("late");
    auto body = [&]() -> sp::task<> {
      http::detail::this_thread_read_first = {};
      for (int i = 0; i < 200; ++i) {
        http::request_params warm{.discard_body = true};
        auto r = co_await client.get(i % 4 == 3 ? late : url, std::move(warm));
        if (r.status() != 200) ++out.failures;
      }
      std::vector<std::string> urls(static_cast<std::size_t>(requests), url);
      (void)rec.take(0ns);  // fresh sinks: their pages are counted below
      sp::testing::allocations = 0;
      sp::testing::counting = true;
      for (auto& u : urls) {
        http::request_params params{.discard_body = true};
        auto r = co_await client.get(std::move(u), std::move(params));
        if (r.status() != 200) ++out.failures;
      }
      sp::testing::counting = false;
      out.allocations = sp::testing::allocations;
      out.pages = histogram_pages(rec.take(1ns));
      out.connections = client.connections_opened();
      out.requests = static_cast<std::uint64_t>(requests);
    };
    asio::steady_timer limit{io, 120s};
    limit.async_wait([&io](const std::error_code& ec) {
      if (!ec) io.stop();
    });
    asio::co_spawn(io, body(), [&limit](const std::exception_ptr&) { limit.cancel(); });
    io.run();
  });
  worker.join();
  return out;
}

// --- the verdict --------------------------------------------------------------------------

// Least-squares slope of y over x.
double slope(const std::vector<double>& x, const std::vector<double>& y) {
  const auto n = static_cast<double>(x.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sx += x[i];
    sy += y[i];
    sxx += x[i] * x[i];
    sxy += x[i] * y[i];
  }
  const double d = n * sxx - sx * sx;
  return d == 0 ? 0 : (n * sxy - sx * sy) / d;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// The samples in rows of `step` seconds: RSS and peak at the row's end, descriptors' range,
// requests per second.
void print_table(const std::vector<sample>& samples, int step) {
  fmt::print("{:>7} {:>10} {:>10} {:>10} {:>9} {:>10}\n", "time", "RSS MiB", "peak MiB", "heap MiB", "fds", "req/s");
  std::size_t begin = 0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const bool row_end = i + 1 == samples.size() ||
                         static_cast<int>(samples[i + 1].seconds) / step != static_cast<int>(samples[begin].seconds) / step;
    if (!row_end) continue;
    std::uint64_t lo = samples[begin].fds, hi = lo;
    for (std::size_t j = begin; j <= i; ++j) {
      lo = std::min(lo, samples[j].fds);
      hi = std::max(hi, samples[j].fds);
    }
    const auto& first = samples[begin > 0 ? begin - 1 : 0];
    const double span = samples[i].seconds - first.seconds;
    const double rate = span > 0 ? static_cast<double>(samples[i].requests - first.requests) / span : 0;
    fmt::print("{:>6.0f}s {:>10.2f} {:>10.2f} {:>10.2f} {:>9} {:>10.0f}\n", samples[i].seconds,
               static_cast<double>(samples[i].rss_kib) / 1024, static_cast<double>(samples[i].peak_kib) / 1024,
               static_cast<double>(samples[i].heap_kib) / 1024,
               lo == hi ? fmt::format("{}", lo) : fmt::format("{}–{}", lo, hi), rate);
    begin = i + 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const auto o = parse(argc, argv);
    tb::server server{{.threads = 1, .routes = soak_routes()}};
    const targets t{.items = server.url("items"),
                    .redirect = server.url("r1"),
                    .final_hop = server.url("items"),
                    .login = server.url("login"),
                    .account = server.url("account"),
                    .missing = server.url("missing"),
                    .failing = server.url("fail"),
                    .slow = server.url("slow"),
                    .think = o.think};
    const sp::load_test test{
        .scenarios = {{.name = "soak",
                       .exec = [&t](sp::vu& u) { return visit(u, &t); },
                       .executor = sp::constant_vus{.vus = o.vus, .duration = o.duration}}},
        .metrics = {soak_steps, soak_login_duration},
        .http = {.timeout = 10s},
    };
    fmt::print("soak: {} VUs for {}, warm-up {}, testbed on {}\n", o.vus, sp::format_duration(o.duration),
               sp::format_duration(o.warmup), server.url());
    std::fflush(stdout);

    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(o.duration).count();
    sampler probe{static_cast<std::size_t>(seconds) + 120, std::chrono::steady_clock::now()};
    const auto result = sp::run(test, {.threads = 1, .seed = 1});
    const auto samples = probe.finish();

    if (!o.csv.empty()) {
      std::FILE* f = std::fopen(o.csv.c_str(), "w");
      if (f == nullptr) throw std::runtime_error("cannot write " + o.csv + ": " + std::strerror(errno));
      fmt::print(f, "seconds,rss_kib,peak_rss_kib,open_fds,requests,heap_kib\n");
      for (const auto& s : samples) {
        fmt::print(f, "{:.3f},{},{},{},{},{}\n", s.seconds, s.rss_kib, s.peak_kib, s.fds, s.requests, s.heap_kib);
      }
      std::fclose(f);
    }

    print_table(samples, seconds > 180 ? 60 : 10);

    // Requests and outcomes.
    const auto* reqs = result.metrics.find(sp::http_reqs.descriptor());
    const auto http_reqs = reqs != nullptr ? std::get<sp::counter_sink>(*reqs).sum : 0.0;
    const auto run_seconds = std::chrono::duration<double>(o.duration).count();
    fmt::print("\n{:.0f} HTTP requests ({:.0f}/s), {} iterations; outcomes:\n", http_reqs, http_reqs / run_seconds,
               result.complete_iterations());
    std::uint64_t logical = 0;
    for (const auto& n : outcomes) logical += n.load();
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      fmt::print("  {:<22} {:>10}\n", outcome_names[i], outcomes[i].load());
    }
    for (std::size_t k = 0; k < unexpected_kinds.size(); ++k) {
      if (const auto n = unexpected_kinds[k].load(); n > 0) {
        const auto kind = static_cast<http::error_kind>(k);
        fmt::print("    unexpected, {:<16} {:>8}\n", kind == http::error_kind::none ? "a status" : to_string(kind), n);
      }
    }
    for (const auto& e : unexpected_examples) fmt::print("    e.g. {}\n", e);
    for (const auto& c : result.checks()) fmt::print("  check {:<30} {:>10} ✓ {:>6} ✗\n", c.name, c.passes, c.fails);

    // The keep-alive phase, on a warm server after the churn.
    const auto alloc = count_keep_alive_allocations(server, o.keepalive_requests);
    const auto client_allocs = alloc.allocations - alloc.pages;
    fmt::print("\nkeep-alive phase: {} GETs on {} connection(s), {} failed; {} allocations, {} of them "
               "histogram pages: {:.4f} allocations per request besides pages\n",
               alloc.requests, alloc.connections, alloc.failures, alloc.allocations, alloc.pages,
               static_cast<double>(client_allocs) / static_cast<double>(std::max<std::uint64_t>(alloc.requests, 1)));

    // The verdict, over the samples after warm-up.
    const auto warm = std::find_if(samples.begin(), samples.end(), [&](const sample& s) {
      return s.seconds >= std::chrono::duration<double>(o.warmup).count();
    });
    std::vector<double> x, rss, heap, fds;  // minutes; KiB; KiB; count
    for (auto it = warm; it != samples.end(); ++it) {
      x.push_back(it->seconds / 60);
      rss.push_back(static_cast<double>(it->rss_kib));
      heap.push_back(static_cast<double>(it->heap_kib));
      fds.push_back(static_cast<double>(it->fds));
    }
    if (x.size() < 20) throw std::runtime_error("fewer than 20 samples after warm-up");
    // Windows of 30 s (a third of the steady samples at most) at the start and the end of the
    // steady state: medians of the heap and RSS there, and the descriptors' ceiling there.
    // The steady set is two descriptors per VU (its keep-alive connection's two ends) and the
    // process's fixed ones. Connections are replaced all the time, so a sample dips while one is
    // closed and its successor not yet open, and rises by those that timed out and linger on
    // the server for the rest of their route's latency (about two at a time, a few at peaks):
    // a window's ceiling moves by a few from one window to the next, and a leak raises it.
    const std::size_t w = std::min<std::size_t>(30, x.size() / 3);
    const auto first = [w](const std::vector<double>& v) { return std::vector<double>(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(w)); };
    const auto last = [w](const std::vector<double>& v) { return std::vector<double>(v.end() - static_cast<std::ptrdiff_t>(w), v.end()); };
    const auto ceiling = [](const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); };
    const double rss_slope = slope(x, rss);
    const double heap_slope = slope(x, heap);
    const double heap_growth = median(last(heap)) - median(first(heap));
    const double rss_growth = median(last(rss)) - median(first(rss));
    const auto fd_rise = static_cast<std::int64_t>(ceiling(last(fds)) - ceiling(first(fds)));
    const double steady_minutes = x.back() - x.front();
    const auto unexpected = outcomes[static_cast<std::size_t>(outcome::unexpected)].load();
    const double unexpected_share = static_cast<double>(unexpected) / static_cast<double>(std::max<std::uint64_t>(logical, 1));

    fmt::print("\nafter warm-up ({} samples): RSS {:.2f} → {:.2f} MiB, peak {:.2f} MiB, RSS slope {:.1f} KiB/min; "
               "descriptors {:.0f}–{:.0f}\n",
               x.size(), static_cast<double>(warm->rss_kib) / 1024, static_cast<double>(samples.back().rss_kib) / 1024,
               static_cast<double>(samples.back().peak_kib) / 1024, rss_slope, *std::min_element(fds.begin(), fds.end()),
               ceiling(fds));
    std::vector<std::string> broken;
    const auto verdict = [&broken](bool ok, const std::string& line) {
      fmt::print("  {} {}\n", ok ? "ok  " : "FAIL", line);
      if (!ok) broken.push_back(line);
    };
    // Over less than 3 minutes the heap's ±50 KiB of requests in flight swamp 64 KiB/min.
    for (const auto& [what, value] : {std::pair{"RSS", rss_slope}, std::pair{"heap", heap_slope}}) {
      if (steady_minutes >= 3) {
        verdict(value < o.max_slope_kib_per_min,
                fmt::format("{} slope {:.1f} KiB/min (limit < {:.0f})", what, value, o.max_slope_kib_per_min));
      } else {
        fmt::print("  --   {} slope {:.1f} KiB/min, not judged over {:.1f} min (needs 3)\n", what, value, steady_minutes);
      }
    }
    verdict(heap_growth <= o.max_heap_growth_kib,
            fmt::format("heap growth {:.0f} KiB, last {} s against first (limit ≤ {:.0f})", heap_growth, w,
                        o.max_heap_growth_kib));
    verdict(rss_growth <= o.max_rss_growth_kib,
            fmt::format("RSS growth {:.0f} KiB, last {} s against first (limit ≤ {:.0f})", rss_growth, w,
                        o.max_rss_growth_kib));
    verdict(fd_rise <= o.max_fd_rise,
            fmt::format("open descriptors' ceiling {:.0f} → {:.0f}, rise {} (limit ≤ {})", ceiling(first(fds)),
                        ceiling(last(fds)), fd_rise, o.max_fd_rise));
#if STAMPEDE_COUNT_ALLOCATIONS
    verdict(client_allocs == 0 && alloc.failures == 0 && alloc.connections == 1,
            fmt::format("a keep-alive request allocates {:.4f} times besides histogram pages (limit 0)",
                        static_cast<double>(client_allocs) / static_cast<double>(std::max<std::uint64_t>(alloc.requests, 1))));
#else
    fmt::print("  skip allocations: a sanitizer owns malloc in this build\n");
#endif
    verdict(unexpected_share <= o.max_unexpected,
            fmt::format("{} unexpected outcomes, {:.4f}% of requests (limit ≤ {:.4f}%)", unexpected,
                        100 * unexpected_share, 100 * o.max_unexpected));
    verdict(result.status == sp::run_status::finished, fmt::format("the run {}", sp::to_string(result.status)));

    if (!broken.empty()) {
      fmt::print(stderr, "soak: {} limit(s) broken: {}\n", broken.size(), fmt::join(broken, "; "));
      return 1;
    }
    fmt::print("soak: every limit held\n");
    return 0;
  } catch (const sp::usage_error& e) {
    fmt::print(stderr, "soak: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "soak: {}\n", e.what());
    return 1;
  }
}
