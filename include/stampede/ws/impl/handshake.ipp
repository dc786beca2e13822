// Bodies of the opening handshake's request fields and response checks (included by
// ws/detail/handshake.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>
#include <stampede/http/request.hpp>  // validate_header

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join (in fmt/format.h before fmt 11)

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>
#include <vector>

#if STAMPEDE_WITH_TLS
#  include <openssl/evp.h>
#endif

namespace stampede::ws::detail {

// RFC 6455 1.3: what the server appends to the key before hashing it.
inline constexpr std::string_view websocket_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// RFC 9110 5.6.2: a token is one or more tchars.
constexpr bool is_token(std::string_view text) noexcept {
  constexpr std::string_view punctuation = "!#$%&'*+-.^_`|~";
  return !text.empty() && std::ranges::all_of(text, [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           punctuation.find(c) != std::string_view::npos;
  });
}

// The elements of the comma-separated lists in every field called `name` (RFC 9110 5.6.1),
// trimmed, without the empty ones.
inline std::vector<std::string_view> list_elements(const http::headers& fields, std::string_view name) {
  std::vector<std::string_view> out;
  for (auto list : fields.get_all(name)) {
    while (!list.empty()) {
      const auto comma = list.find(',');
      const auto element = list.substr(0, comma);
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
      const auto first = element.find_first_not_of(" \t");
      if (first != std::string_view::npos) out.push_back(element.substr(first, element.find_last_not_of(" \t") - first + 1));
    }
  }
  return out;
}

STAMPEDE_DECL std::string accept_value(std::string_view key) {
#if STAMPEDE_WITH_TLS
  std::string input;
  input.reserve(key.size() + websocket_guid.size());
  input.append(key).append(websocket_guid);
  std::array<std::uint8_t, 20> digest{};
  unsigned int size = 0;
  // EVP rather than SHA1(), which OpenSSL 3 deprecates.
  if (EVP_Digest(input.data(), input.size(), digest.data(), &size, EVP_sha1(), nullptr) != 1 || size != digest.size()) {
    throw std::runtime_error("OpenSSL could not compute SHA-1 for the WebSocket handshake");
  }
  std::string out(base64_size(digest.size()), '\0');
  base64_encode(digest, out.data());
  return out;
#else
  (void)key;
  throw usage_error("WebSocket needs OpenSSL's libcrypto for the handshake (SHA-1 of Sec-WebSocket-Accept), and this "
                    "build of stampede has no OpenSSL (STAMPEDE_WITH_TLS=0; build it with OpenSSL)");
#endif
}

STAMPEDE_DECL http::headers upgrade_request_headers(std::string_view host, const handshake_key& key,
                                                   const std::vector<std::string>& subprotocols,
                                                   const http::headers& user) {
  constexpr std::array<std::string_view, 9> handshake_fields = {
      "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Accept",
      "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol", "Content-Length", "Transfer-Encoding"};
  for (const auto field : user) {
    http::validate_header(field.name, field.value);
    for (const auto own : handshake_fields) {
      if (!http::detail::iequals_ascii(field.name, own)) continue;
      throw usage_error(fmt::format("header \"{}\" cannot be set on a WebSocket connection: {}", field.name,
                                    own == "Sec-WebSocket-Protocol" ? "offer subprotocols instead"
                                                                    : "the handshake sets it or must not have it"));
    }
  }
  std::string protocols;
  for (auto p = subprotocols.begin(); p != subprotocols.end(); ++p) {
    if (!is_token(*p)) {
      throw usage_error(fmt::format("WebSocket subprotocol \"{}\" is not a token (letters, digits and !#$%&'*+-.^_`|~)", *p));
    }
    if (std::find(subprotocols.begin(), p, *p) != p) throw usage_error(fmt::format("WebSocket subprotocol \"{}\" is offered twice", *p));
    if (!protocols.empty()) protocols += ", ";
    protocols += *p;
  }
  http::headers out;
  out.add("Host", user.get("host").value_or(host));
  out.add("Upgrade", "websocket");
  out.add("Connection", "Upgrade");
  out.add("Sec-WebSocket-Key", key.view());
  out.add("Sec-WebSocket-Version", websocket_version);
  if (!protocols.empty()) out.add("Sec-WebSocket-Protocol", protocols);
  for (const auto field : user) {
    if (!http::detail::iequals_ascii(field.name, "Host")) out.add(field.name, field.value);
  }
  return out;
}

STAMPEDE_DECL upgrade_result check_upgrade_response(int status, const http::headers& response, const handshake_key& key,
                                                    const std::vector<std::string>& subprotocols) {
  upgrade_result out;
  const auto failure = [&](std::string problem) {
    out.problem = std::move(problem);
    return out;
  };
  if (status != 101) return failure(fmt::format("the server answered {}, not 101 Switching Protocols", status));
  const auto upgrade = response.get("upgrade");
  if (!upgrade || !http::detail::iequals_ascii(*upgrade, "websocket")) {
    return failure(fmt::format("the server's Upgrade is \"{}\", not websocket", upgrade.value_or("")));
  }
  const auto connection = list_elements(response, "connection");
  if (std::ranges::none_of(connection, [](std::string_view t) { return http::detail::iequals_ascii(t, "upgrade"); })) {
    return failure(fmt::format("the server's Connection is \"{}\", without upgrade", fmt::join(connection, ", ")));
  }
  const auto accept = response.get_all("sec-websocket-accept");
  const auto expected = accept_value(key.view());
  if (accept.size() != 1 || accept.front() != expected) {
    return failure(fmt::format("the server's Sec-WebSocket-Accept is \"{}\", not \"{}\"", fmt::join(accept, ", "), expected));
  }
  if (const auto extensions = list_elements(response, "sec-websocket-extensions"); !extensions.empty()) {
    return failure(fmt::format("the server uses extensions the client did not offer: {}", fmt::join(extensions, ", ")));
  }
  const auto protocol = list_elements(response, "sec-websocket-protocol");
  if (protocol.size() > 1) return failure(fmt::format("the server chose several subprotocols: {}", fmt::join(protocol, ", ")));
  if (protocol.size() == 1) {
    if (std::ranges::find(subprotocols, protocol.front()) == subprotocols.end()) {
      return failure(fmt::format("the server chose subprotocol \"{}\", which the client did not offer", protocol.front()));
    }
    out.subprotocol = protocol.front();
  }
  return out;
}

}  // namespace stampede::ws::detail
