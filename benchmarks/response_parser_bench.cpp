// Costs of the llhttp response path: what the client does with each response it reads —
// llhttp through stampede's callbacks into a `headers` and a body string — for a small
// nginx-like response in one read, the same split over two reads, and a chunked body.
#include <stampede/http/detail/response_parser.hpp>
#include <stampede/http/headers.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace {

namespace http = stampede::http;

// What nginx 1.22 sends for a small static body (the benchmark server of benchmarks/run).
constexpr std::string_view small_response =
    "HTTP/1.1 200 OK\r\n"
    "Server: nginx/1.22.1\r\n"
    "Date: Mon, 06 Jan 2025 09:30:47 GMT\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 13\r\n"
    "Connection: keep-alive\r\n"
    "\r\n"
    "hello, world\n";

// A JSON API answer with the headers a framework adds and a chunked 1 KiB body.
const std::string& chunked_response() {
  static const std::string r = [] {
    std::string out =
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: application/json; charset=utf-8\r\n"
        "Transfer-Encoding: chunked\r\n"
        "Cache-Control: no-store\r\n"
        "X-Request-Id: 6f1c2a9e-3b7d-4f0a-9e51-2d8c4b7a1e03\r\n"
        "Set-Cookie: session=abc123; Path=/; HttpOnly\r\n"
        "Vary: Accept-Encoding\r\n"
        "\r\n";
    const std::string chunk(256, 'x');
    for (int i = 0; i < 4; ++i) out += "100\r\n" + chunk + "\r\n";
    out += "0\r\n\r\n";
    return out;
  }();
  return r;
}

void parse(benchmark::State& state, std::string_view bytes, std::size_t split) {
  http::detail::response_parser parser;
  http::headers headers;
  stampede::http::detail::recycled_string body;
  for (auto _ : state) {
    parser.start(false, true, {}, &headers, &body);
    if (split == 0 || split >= bytes.size()) {
      parser.feed(bytes);
    } else {
      parser.feed(bytes.substr(0, split));
      parser.feed(bytes.substr(split));
    }
    if (!parser.complete()) state.SkipWithError("the response did not parse");
    benchmark::DoNotOptimize(parser.status());
    benchmark::DoNotOptimize(body.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes.size()));
}

void response_parser_small(benchmark::State& state) { parse(state, small_response, 0); }
BENCHMARK(response_parser_small);

// The headers arrive in one read and the body in the next.
void response_parser_small_two_reads(benchmark::State& state) {
  parse(state, small_response, small_response.find("\r\n\r\n") + 4);
}
BENCHMARK(response_parser_small_two_reads);

void response_parser_chunked_1k(benchmark::State& state) { parse(state, chunked_response(), 0); }
BENCHMARK(response_parser_chunked_1k);

// The same small response with the body counted but not kept (`discard_body`).
void response_parser_small_discard_body(benchmark::State& state) {
  http::detail::response_parser parser;
  http::headers headers;
  stampede::http::detail::recycled_string body;
  for (auto _ : state) {
    parser.start(false, false, {}, &headers, &body);
    parser.feed(small_response);
    benchmark::DoNotOptimize(parser.body_bytes());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(response_parser_small_discard_body);

}  // namespace

BENCHMARK_MAIN();
