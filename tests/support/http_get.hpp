// A blocking HTTP/1.1 GET on loopback for tests that read a real component's API (Prometheus)
// or an endpoint stampede serves: one request, `Connection: close`, bounded by a timeout.
#pragma once

#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include <cctype>
#include <chrono>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include <sys/socket.h>
#include <sys/time.h>

namespace stampede_test {

struct http_reply {
  int status = 0;
  std::string body;
};

/// GET `target` from 127.0.0.1:`port`; nothing when the connection fails or times out.
inline std::optional<http_reply> http_get(int port, const std::string& target,
                                          std::chrono::milliseconds timeout = std::chrono::milliseconds{5000}) {
  asio::io_context io;
  asio::ip::tcp::socket socket{io};
  std::error_code ec;
  socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, ec);
  if (ec) return std::nullopt;
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(timeout.count() / 1000);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>((timeout.count() % 1000) * 1000);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                              "\r\nConnection: close\r\n\r\n";
  asio::write(socket, asio::buffer(request), ec);
  if (ec) return std::nullopt;
  std::string response;
  char buffer[16384];
  for (;;) {
    const auto n = socket.read_some(asio::buffer(buffer), ec);
    response.append(buffer, n);
    if (ec) break;
  }
  if (ec != asio::error::eof) return std::nullopt;
  const auto head_end = response.find("\r\n\r\n");
  if (response.rfind("HTTP/1.1 ", 0) != 0 || head_end == std::string::npos) return std::nullopt;
  http_reply reply;
  reply.status = std::stoi(response.substr(9, 3));
  reply.body = response.substr(head_end + 4);
  std::string head = response.substr(0, head_end);
  for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (head.find("transfer-encoding: chunked") != std::string::npos) {
    std::string body;
    std::size_t at = 0;
    while (at < reply.body.size()) {
      const auto line_end = reply.body.find("\r\n", at);
      if (line_end == std::string::npos) return std::nullopt;
      const auto size = std::stoul(reply.body.substr(at, line_end - at), nullptr, 16);
      if (size == 0) break;
      body += reply.body.substr(line_end + 2, size);
      at = line_end + 2 + size + 2;
    }
    reply.body = std::move(body);
  }
  return reply;
}

/// `text` percent-encoded for a query string.
inline std::string url_encode(const std::string& text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace stampede_test
