// What a VU is made of: the heap blocks that stay alive per VU once N VUs are parked, counted by
// size with a replacement of the global operator new and delete (glibc's malloc_usable_size
// gives a block's size on both sides, so blocks that Asio's recycler reuses for a smaller
// object are counted at the size they really hold). Prints each block size that at least half
// of the VUs hold, and their sum per VU. docs/performance.md's breakdown of the idle and the
// connected VU comes from this program.
//
//   stampede_vu_blocks idle [N=20000]        VUs sleeping for an hour
//   stampede_vu_blocks connected URL [N=2000] VUs that GET URL (keep-alive) and think 1 s
//
// A plain program, not a Google Benchmark: run by hand, not by benchmarks/run.
#include <stampede/stampede.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <thread>

#include <malloc.h>

#if defined(__GNUC__) && !defined(__clang__)
#  pragma GCC diagnostic ignored "-Wmismatched-new-delete"  // Asio's frame allocator: see soak.cpp
#endif

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t largest_counted = 4096;
std::array<std::atomic<long>, largest_counted + 1> live_blocks{};  // by usable size

void counted(void* p, long change) noexcept {
  const std::size_t size = malloc_usable_size(p);
  live_blocks[std::min(size, largest_counted)].fetch_add(change, std::memory_order_relaxed);
}

std::string url;  // for the connected VUs

sp::task<> idle(sp::vu& u) { co_await u.sleep(1h); }

sp::task<> connected(sp::vu& u) {
  auto res = co_await u.http().get(url);
  if (res.status() != 200) u.log("GET " + url + ": " + std::to_string(res.status()), sp::log_level::warning);
  co_await u.sleep(1s);
}

}  // namespace

void* operator new(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc{};
  counted(p, 1);
  return p;
}
void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  counted(p, -1);
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  const bool is_connected = mode == "connected";
  if (!(mode == "idle" && argc <= 3) && !(is_connected && argc >= 3 && argc <= 4)) {
    std::fprintf(stderr, "usage: stampede_vu_blocks idle [N] | connected URL [N]\n");
    return 2;
  }
  if (is_connected) url = argv[2];
  const char* count = is_connected ? (argc == 4 ? argv[3] : "2000") : (argc == 3 ? argv[2] : "20000");
  const long vus = std::atol(count);
  if (vus < 1) {
    std::fprintf(stderr, "stampede_vu_blocks: N must be a positive number of VUs, not '%s'\n", count);
    return 2;
  }

  sp::run_control control;
  sp::load_test test{.scenarios = {{.name = mode,
                                    .exec = is_connected ? connected : idle,
                                    .executor = sp::constant_vus{.vus = vus, .duration = 1h},
                                    .graceful_stop = 0s}}};
  std::thread probe([&] {
    // Every VU has started and parked (the connected ones have made requests) by then.
    std::this_thread::sleep_for(is_connected ? 5s : 3s);
    fmt::print("{} VUs ({}): heap blocks alive for at least half of them\n\n| block size | blocks | per VU |\n"
               "| --- | --- | --- |\n", vus, mode);
    double bytes = 0;
    for (std::size_t size = 0; size < largest_counted; ++size) {
      const long n = live_blocks[size].load(std::memory_order_relaxed);
      if (2 * n < vus) continue;
      const double per_vu = static_cast<double>(n) / static_cast<double>(vus);
      bytes += per_vu * static_cast<double>(size + sizeof(std::size_t));  // malloc's header
      fmt::print("| {} B | {} | {:.2f} |\n", size, n, per_vu);
    }
    fmt::print("\n{:.0f} bytes per VU in those blocks, malloc's headers included\n", bytes);
    control.request_stop();
    control.request_stop();
  });
  const auto r = sp::run(test, {.threads = 1, .seed = 1, .control = &control});
  probe.join();
  (void)r;
}
