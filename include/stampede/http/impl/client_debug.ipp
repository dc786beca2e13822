// Bodies of client's debug dumps (k6's `httpDebug`; included by http/impl/client_hop.ipp).
#pragma once

#include <stampede/config.hpp>

#include <cstdio>
#include <string>
#include <string_view>

namespace stampede::http {

namespace detail {

// The reason phrase Go's http.StatusText gives (k6 prints Go's dump); empty for others.
STAMPEDE_DECL std::string_view status_text(int status) noexcept {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Request Entity Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return {};
  }
}

// `text` with its CRLFs as LFs, as k6 prints its dumps.
STAMPEDE_DECL void append_with_lf(std::string& out, std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += text[i];
  }
}

// One write per dump: stdio locks the stream for an fwrite, so dumps from VUs on other
// threads never interleave.
STAMPEDE_DECL void write_debug(const client_options& options, std::string_view dump) {
  if (options.debug_output) {
    options.debug_output(dump);
    return;
  }
  std::fwrite(dump.data(), 1, dump.size(), stderr);
}

}  // namespace detail

// k6's "Request:\n%s\n" of Go's httputil.DumpRequestOut, CRLFs as LFs; here the head is the
// one sent, byte for byte.
STAMPEDE_DECL void client::debug_request() const {
  const auto& s = current_;
  std::string out = "Request:\n";
  detail::append_with_lf(out, request_buf_);
  if (options_->debug == client_options::debug_level::full) out.append(s.req.body.data());
  out += '\n';
  detail::write_debug(*options_, out);
}

// k6's "Response:\n%s\n" of Go's httputil.DumpResponse: the status line, the header fields as
// received and, with `full`, the body (after de-chunking, as Go dumps it).
STAMPEDE_DECL void client::debug_response() const {
  const auto& res = current_.res;
  std::string out = "Response:\n";
  out.append(res.protocol()).append(" ");
  detail::append_number(out, static_cast<std::uint64_t>(res.status()));
  if (const auto text = detail::status_text(res.status()); !text.empty()) out.append(" ").append(text);
  out += '\n';
  for (const auto f : res.headers()) out.append(f.name).append(": ").append(f.value).append("\n");
  out += '\n';
  if (options_->debug == client_options::debug_level::full) out.append(res.body());
  out += '\n';
  detail::write_debug(*options_, out);
}

}  // namespace stampede::http
