// TLS for the client over asio::ssl (OpenSSL): the context, per-connection setup (SNI, host
// verification), k6's TLS version names and error codes. Only with STAMPEDE_WITH_TLS.
#pragma once

#include <stampede/config.hpp>

#if STAMPEDE_WITH_TLS

#include <stampede/core/error.hpp>
#include <stampede/http/error.hpp>

#include <asio/buffer.hpp>
#include <asio/ip/address.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace stampede::http::detail {

/// A client context: the system's trust store plus `extra_roots` (PEM), TLS 1.2 at least
/// (k6's default minimum).
inline std::unique_ptr<asio::ssl::context> make_tls_context(std::string_view extra_roots) {
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  std::error_code ec;
  ctx->set_default_verify_paths(ec);  // without a system store, only extra_roots are trusted
  if (!extra_roots.empty()) {
    ctx->add_certificate_authority(asio::buffer(extra_roots.data(), extra_roots.size()), ec);
    if (ec) throw usage_error("client_options::tls_root_certificates holds no usable PEM certificate: " + ec.message());
  }
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  return ctx;
}

/// Sets SNI (for names, not IP addresses) and, unless `insecure`, peer and host verification
/// by OpenSSL itself, so a mismatch is reported as X509_V_ERR_HOSTNAME_MISMATCH.
inline void configure_tls(asio::ssl::stream<asio::ip::tcp::socket&>& tls, std::string_view host, bool insecure) {
  SSL* ssl = tls.native_handle();
  const std::string name{host};
  std::error_code ec;
  (void)asio::ip::make_address(name, ec);
  const bool is_ip = !ec;
  if (!is_ip) {
    // SSL_set_tlsext_host_name, spelled without the macro's C-style cast.
    std::string sni = name;
    SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, static_cast<void*>(sni.data()));
  }
  if (insecure) {
    tls.set_verify_mode(asio::ssl::verify_none);
    return;
  }
  tls.set_verify_mode(asio::ssl::verify_peer);
  if (is_ip) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name.c_str());
  } else {
    SSL_set1_host(ssl, name.c_str());
  }
}

/// k6's `tls_version` tag value for the connection's protocol.
inline std::string_view tls_version_name(const SSL* ssl) noexcept {
  switch (SSL_version(ssl)) {
    case TLS1_3_VERSION: return "tls1.3";
    case TLS1_2_VERSION: return "tls1.2";
    case TLS1_1_VERSION: return "tls1.1";
    case TLS1_VERSION: return "tls1.0";
    default: return "tls";
  }
}

/// k6's code and message for a failed handshake (1310 unknown authority, 1311 host mismatch,
/// 1300 otherwise).
inline http::error tls_error(const SSL* ssl, const std::error_code& ec) {
  switch (SSL_get_verify_result(ssl)) {
    case X509_V_OK: break;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return {error_kind::tls, k6_error::tls_hostname, "x509: certificate doesn't match hostname"};
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return {error_kind::tls, k6_error::tls_unknown_authority, "x509: unknown authority"};
    default:
      return {error_kind::tls, k6_error::tls,
              std::string{"tls: certificate verify failed: "} +
                  X509_verify_cert_error_string(SSL_get_verify_result(ssl))};
  }
  return {error_kind::tls, k6_error::tls, "tls: handshake failed: " + ec.message()};
}

}  // namespace stampede::http::detail

#endif  // STAMPEDE_WITH_TLS
