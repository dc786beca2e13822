// A program built by the packaging tests against stampede::stampede and stampede::compiled: it
// must compile with the umbrella header, link every dependency the targets promise (Asio,
// llhttp, fmt, range-v3), and run a load test through bodies from several modules (the
// runner, the summary, URLs, histograms), which consumer_test.cmake looks for in its object.
#include <stampede/stampede.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <fmt/format.h>
#include <llhttp.h>
#include <range/v3/numeric/accumulate.hpp>
#include <range/v3/view/iota.hpp>
#include <range/v3/view/transform.hpp>

#include <chrono>
#include <cstring>

namespace {

asio::awaitable<void> wait_once(bool& done) {
  asio::steady_timer timer{co_await asio::this_coro::executor, std::chrono::milliseconds{1}};
  auto [ec] = co_await timer.async_wait(stampede::net::use_nothrow);
  done = !ec;
}

int parsed_status(const char* response) {
  llhttp_settings_t settings;
  llhttp_settings_init(&settings);
  llhttp_t parser;
  llhttp_init(&parser, HTTP_RESPONSE, &settings);
  if (llhttp_execute(&parser, response, std::strlen(response)) != HPE_OK) return -1;
  return static_cast<int>(llhttp_get_status_code(&parser));
}

}  // namespace

int main() {
  asio::io_context io{1};
  bool timer_fired = false;
  asio::co_spawn(io, wait_once(timer_fired), asio::detached);
  io.run();

  const int status = parsed_status("HTTP/1.1 204 No Content\r\n\r\n");
  const int sum = ranges::accumulate(
      ranges::views::iota(1, 5) | ranges::views::transform([](int i) { return i * i; }), 0);

  namespace sp = stampede;
  const auto result = sp::run(sp::load_test{
      .scenarios = {{.name = "consumer",
                     .exec = [](sp::vu&) -> sp::task<> { co_return; },
                     .executor = sp::shared_iterations{.vus = 1, .iterations = 3}}}});
  const bool summarised = sp::format_summary(result.metrics, result.thresholds).find("iterations") != std::string::npos;
  const auto url = sp::http::url::parse("http://127.0.0.1:8080/consumer");
  sp::histogram latencies;
  latencies.record(1000);

  const bool ok = timer_fired && status == 204 && sum == 30 && result.complete_iterations() == 3 && summarised &&
                  url.port() == 8080 && latencies.count() == 1;
  fmt::print("consumer of stampede {}: asio timer {}, llhttp status {}, range-v3 sum {}, {} iterations run -> {}\n",
             stampede::version_string, timer_fired ? "fired" : "did not fire", status, sum,
             result.complete_iterations(), ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
