// The opening handshake's header fields (RFC 6455 4.1): the upgrade request a client sends and
// the checks on the server's 101 answer.
#pragma once

#include <stampede/config.hpp>

#include <stampede/http/headers.hpp>
#include <stampede/ws/detail/base64.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stampede::ws::detail {

/// The value of `Sec-WebSocket-Version` this client speaks.
inline constexpr std::string_view websocket_version = "13";

/// A `Sec-WebSocket-Key`: 16 random bytes in base64, 24 characters, fresh for each connection.
class handshake_key {
 public:
  /// The key of `nonce` (RFC 6455 4.1 asks for 16 bytes chosen at random).
  explicit constexpr handshake_key(const std::array<std::uint8_t, 16>& nonce) noexcept {
    base64_encode(nonce, text_.data());
  }
  /// A key from a UniformRandomBitGenerator (`stampede::rng`, a `std::mt19937_64`, …).
  template <class Generator>
  [[nodiscard]] static handshake_key random(Generator& generator) {
    std::array<std::uint8_t, 16> nonce{};
    for (auto& byte : nonce) byte = static_cast<std::uint8_t>(generator());
    return handshake_key{nonce};
  }
  [[nodiscard]] constexpr std::string_view view() const noexcept { return {text_.data(), text_.size()}; }

 private:
  std::array<char, base64_size(16)> text_{};
};

/// Whether this build can check a handshake: the accept value needs SHA-1 from OpenSSL's
/// libcrypto, which a build without TLS (`STAMPEDE_WITH_TLS=0`) does not link.
inline constexpr bool handshake_supported = STAMPEDE_WITH_TLS != 0;

/// The `Sec-WebSocket-Accept` a server must answer `key` with: base64(SHA-1(key + the RFC's
/// GUID)). Throws `usage_error` in a build without OpenSSL (`handshake_supported` is false).
[[nodiscard]] std::string accept_value(std::string_view key);

/// The header fields of the upgrade request, in this order: `Host` (`host`, e.g.
/// `url::authority()`, unless `user` has one), `Upgrade: websocket`, `Connection: Upgrade`,
/// `Sec-WebSocket-Key`, `Sec-WebSocket-Version: 13`, `Sec-WebSocket-Protocol` with the
/// `subprotocols` if there are any, then the `user` fields.
///
/// Throws `usage_error` for a subprotocol that is not a token or is offered twice, a user
/// field that `http::validate_header` refuses, and a user field that would break the
/// handshake: `Upgrade`, `Connection`, `Sec-WebSocket-Key`, `-Version`, `-Accept`,
/// `-Extensions` (the client speaks no extension), `-Protocol` (give `subprotocols`), and
/// `Content-Length` or `Transfer-Encoding` (a body would be read as frames).
[[nodiscard]] http::headers upgrade_request_headers(std::string_view host, const handshake_key& key,
                                                   const std::vector<std::string>& subprotocols,
                                                   const http::headers& user);

/// What the server's answer to the upgrade request means.
struct upgrade_result {
  /// Empty when the connection is a WebSocket; otherwise what is wrong, for people
  /// (`"the server answered 200, not 101 Switching Protocols"`).
  std::string problem{};
  /// The subprotocol the server chose among those offered, or empty.
  std::string subprotocol{};

  [[nodiscard]] bool ok() const noexcept { return problem.empty(); }
};

/// Checks the response to an upgrade request that sent `key` and offered `subprotocols`:
/// status 101, `Upgrade: websocket` (any case), a `Connection` holding the `upgrade` token,
/// `Sec-WebSocket-Accept` equal to `accept_value(key)`, no `Sec-WebSocket-Extensions` (none
/// was offered), and a `Sec-WebSocket-Protocol`, if any, that is one of `subprotocols`.
/// Throws `usage_error` in a build without OpenSSL.
[[nodiscard]] upgrade_result check_upgrade_response(int status, const http::headers& response,
                                                    const handshake_key& key,
                                                    const std::vector<std::string>& subprotocols);

}  // namespace stampede::ws::detail

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/ws/impl/handshake.ipp>
#endif
