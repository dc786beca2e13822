// llhttp wrapped for responses: fed bytes as they arrive, stops at the end of one response,
// skips 1xx, knows HEAD, enforces header and body limits, classifies what it rejects.
#pragma once

#include <stampede/http/detail/recycling_allocator.hpp>
#include <stampede/http/error.hpp>
#include <stampede/http/headers.hpp>

#include <llhttp.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace stampede::http::detail {

/// Parses one HTTP/1.x response at a time into a `headers` and a body string owned by the
/// caller. Bytes after the end of the response are left unconsumed (`feed` returns how many
/// it took), which is how the connection tells a clean response from a server that sent more
/// than it announced. Not movable: llhttp keeps a pointer back to it.
class response_parser {
 public:
  enum class state { idle, in_progress, complete, failed };
  /// Interim (1xx) responses accepted before one final response.
  static constexpr int max_interim_responses = 100;
  struct limits {
    std::size_t max_header_bytes = std::size_t{1} << 20;  ///< status line + header names and values
    std::size_t max_body_bytes = std::size_t{64} << 20;
  };

  response_parser() { start(false, false, limits{}, nullptr, nullptr); }
  response_parser(const response_parser&) = delete;
  response_parser& operator=(const response_parser&) = delete;

  /// Gets ready for the response to a new request. `head` says the request was HEAD (the
  /// response has no body whatever its headers say). With `keep_body` false the body is
  /// counted but not stored. `headers` and `body` are cleared and receive the response.
  void start(bool head, bool keep_body, limits lim, http::headers* headers, recycled_string* body) noexcept;

  /// Parses `bytes` and returns how many it used: all of them unless the response ended (or
  /// the parser failed) before their end.
  std::size_t feed(std::string_view bytes) noexcept;
  /// The server closed the connection: ends a body delimited by the close, or fails.
  void finish() noexcept;

  [[nodiscard]] state current() const noexcept { return state_; }
  [[nodiscard]] bool complete() const noexcept { return state_ == state::complete; }
  [[nodiscard]] bool failed() const noexcept { return state_ == state::failed; }
  /// Whether any byte of a response has been parsed since `start`.
  [[nodiscard]] bool started() const noexcept { return state_ != state::idle; }
  [[nodiscard]] error_kind failure() const noexcept { return failure_; }
  [[nodiscard]] const std::string& failure_message() const noexcept { return message_; }

  [[nodiscard]] int status() const noexcept { return status_; }
  /// After completion: whether the connection may carry another request.
  [[nodiscard]] bool keep_alive() const noexcept { return keep_alive_; }
  /// `"HTTP/1.1"` or `"HTTP/1.0"` (static text).
  [[nodiscard]] std::string_view protocol() const noexcept;
  [[nodiscard]] std::size_t body_bytes() const noexcept { return body_bytes_; }

 private:
  static const llhttp_settings_t& settings() noexcept;
  static response_parser& self(llhttp_t* p) noexcept { return *static_cast<response_parser*>(p->data); }
  int count_header_bytes(std::size_t n) noexcept;
  void fail(error_kind kind, std::string message) noexcept;

  llhttp_t parser_{};
  http::headers* headers_ = nullptr;
  recycled_string* body_ = nullptr;
  limits limits_{};
  std::size_t header_bytes_ = 0;
  std::size_t body_bytes_ = 0;
  std::string message_;
  state state_ = state::idle;
  error_kind failure_ = error_kind::none;
  int status_ = 0;
  int interim_count_ = 0;
  bool head_ = false;
  bool keep_body_ = false;
  bool keep_alive_ = false;
  bool too_large_ = false;
  bool bad_status_ = false;     // the status line has no three-digit code
  bool too_many_interim_ = false;
  bool interim_ = false;        // llhttp paused at the end of a 1xx
  bool interim_close_ = false;  // a 1xx said Connection: close
  bool in_field_ = false;
};

inline const llhttp_settings_t& response_parser::settings() noexcept {
  static const llhttp_settings_t s = [] {
    llhttp_settings_t out;
    llhttp_settings_init(&out);
    out.on_message_begin = [](llhttp_t* p) -> int {
      auto& me = self(p);
      me.state_ = state::in_progress;
      // header_bytes_ is not reset: as Go's transport (k6's), the limit holds for the final
      // response and the 1xx before it together, so a server cannot send them forever.
      if (me.headers_) me.headers_->clear();  // also drops a skipped 1xx's fields
      return 0;
    };
    out.on_status = [](llhttp_t* p, const char*, std::size_t n) -> int { return self(p).count_header_bytes(n); };
    out.on_status_complete = [](llhttp_t* p) -> int {
      // A status code is three digits (RFC 9112 4). llhttp reads up to three and takes none as
      // 0 ("HTTP/1.1 \r\n"), and 1 or 2 digits as that number; all of them are malformed.
      if (llhttp_get_status_code(p) >= 100) return 0;
      self(p).bad_status_ = true;
      return -1;
    };
    out.on_header_field = [](llhttp_t* p, const char* at, std::size_t n) -> int {
      auto& me = self(p);
      if (me.count_header_bytes(n) != 0) return -1;
      if (me.headers_) {
        if (!me.in_field_) me.headers_->begin_field();
        me.headers_->append_name({at, n});
      }
      me.in_field_ = true;
      return 0;
    };
    out.on_header_value = [](llhttp_t* p, const char* at, std::size_t n) -> int {
      auto& me = self(p);
      if (me.count_header_bytes(n) != 0) return -1;
      if (me.headers_) me.headers_->append_value({at, n});
      return 0;
    };
    out.on_header_value_complete = [](llhttp_t* p) -> int {
      auto& me = self(p);
      if (me.headers_ && me.in_field_) me.headers_->end_field();
      me.in_field_ = false;
      return 0;
    };
    out.on_headers_complete = [](llhttp_t* p) -> int {
      auto& me = self(p);
      me.status_ = llhttp_get_status_code(p);
      // 1 tells llhttp the message has no body. Responses to HEAD, 1xx, 204 and 304 never have
      // one (RFC 9110 6.3), whatever Content-Length says; llhttp alone would read it.
      const int st = me.status_;
      const bool no_body = me.head_ || st < 200 || st == 204 || st == 304;
      // A body of announced length is stored with one allocation (up to 1 MiB ahead: a
      // Content-Length alone, which a server may not keep, does not reserve more).
      if (!no_body && me.keep_body_ && me.body_ && (p->flags & F_CONTENT_LENGTH) != 0) {
        constexpr std::uint64_t most_ahead = std::uint64_t{1} << 20;
        const auto ahead = std::min({p->content_length, most_ahead, std::uint64_t{me.limits_.max_body_bytes}});
        me.body_->reserve(static_cast<std::size_t>(ahead));
      }
      return no_body ? 1 : 0;
    };
    out.on_body = [](llhttp_t* p, const char* at, std::size_t n) -> int {
      auto& me = self(p);
      me.body_bytes_ += n;
      if (me.body_bytes_ > me.limits_.max_body_bytes) {
        me.too_large_ = true;
        return -1;
      }
      if (me.keep_body_ && me.body_) me.body_->append(at, n);
      return 0;
    };
    out.on_message_complete = [](llhttp_t* p) -> int {
      auto& me = self(p);
      const int status = llhttp_get_status_code(p);
      if (status >= 100 && status < 200 && status != 101) {
        // An interim response (100 Continue, 103 Early Hints): the real one follows. llhttp
        // would take an interim response that is not keep-alive (HTTP/1.0, Connection: close)
        // as the connection's last and discard the rest, so `feed` pauses here and starts
        // llhttp afresh. A close in it still ends the connection after the final response: a
        // client that receives "close" must stop sending requests (RFC 9112 9.6).
        if ((p->flags & F_CONNECTION_CLOSE) != 0) me.interim_close_ = true;
        // A 1xx may have no reason and no fields, which the byte limit does not count:
        // more than max_interim_responses of them fail the request (as Python's and Ruby's
        // clients, which allow 100).
        if (++me.interim_count_ > max_interim_responses) {
          me.too_many_interim_ = true;
          return -1;
        }
        me.interim_ = true;
        me.state_ = state::idle;
        me.status_ = 0;
        return HPE_PAUSED;
      }
      me.keep_alive_ = llhttp_should_keep_alive(p) != 0 && !me.interim_close_;
      me.state_ = state::complete;
      return HPE_PAUSED;  // stop right after this response; what follows is not ours
    };
    return out;
  }();
  return s;
}

inline void response_parser::start(bool head, bool keep_body, limits lim, http::headers* headers,
                                   recycled_string* body) noexcept {
  llhttp_init(&parser_, HTTP_RESPONSE, &settings());
  parser_.data = this;
  head_ = head;
  keep_body_ = keep_body;
  limits_ = lim;
  headers_ = headers;
  body_ = body;
  if (headers_) headers_->clear();
  if (body_) body_->clear();
  header_bytes_ = body_bytes_ = 0;
  message_.clear();
  state_ = state::idle;
  failure_ = error_kind::none;
  status_ = interim_count_ = 0;
  keep_alive_ = too_large_ = bad_status_ = too_many_interim_ = interim_ = interim_close_ = in_field_ = false;
}

inline int response_parser::count_header_bytes(std::size_t n) noexcept {
  header_bytes_ += n;
  if (header_bytes_ > limits_.max_header_bytes) {
    too_large_ = true;
    return -1;
  }
  return 0;
}

inline void response_parser::fail(error_kind kind, std::string message) noexcept {
  state_ = state::failed;
  failure_ = kind;
  message_ = std::move(message);
}

inline std::size_t response_parser::feed(std::string_view bytes) noexcept {
  if (state_ == state::complete || state_ == state::failed) return 0;
  if (bytes.empty()) return 0;
  if (state_ == state::idle) state_ = state::in_progress;  // even a byte llhttp rejects counts
  const char* at = bytes.data();
  const char* const end = at + bytes.size();
  auto err = llhttp_execute(&parser_, at, bytes.size());
  while (err == HPE_PAUSED && interim_) {
    // After a 1xx: the final response is parsed as a new message, whatever llhttp concluded
    // about the connection from the 1xx.
    interim_ = false;
    at = llhttp_get_error_pos(&parser_);
    llhttp_reset(&parser_);
    if (at == end) return bytes.size();
    state_ = state::in_progress;  // bytes after the 1xx count as the final response's start,
                                  // as they would in a piece of their own
    err = llhttp_execute(&parser_, at, static_cast<std::size_t>(end - at));
  }
  if (err == HPE_OK) return bytes.size();
  if (err == HPE_PAUSED && state_ == state::complete) {
    return static_cast<std::size_t>(llhttp_get_error_pos(&parser_) - bytes.data());
  }
  if (too_large_) {
    fail(error_kind::too_large, header_bytes_ > limits_.max_header_bytes
                                    ? "response headers over " + std::to_string(limits_.max_header_bytes) + " bytes"
                                    : "response body over " + std::to_string(limits_.max_body_bytes) + " bytes");
  } else if (too_many_interim_) {
    fail(error_kind::protocol, "invalid HTTP response: more than " + std::to_string(max_interim_responses) +
                                   " interim (1xx) responses");
  } else if (bad_status_) {
    fail(error_kind::protocol, "invalid HTTP response: HPE_INVALID_STATUS (no three-digit status code)");
  } else {
    std::string why = "invalid HTTP response: ";
    why += llhttp_errno_name(err);
    if (const char* reason = llhttp_get_error_reason(&parser_)) why.append(" (").append(reason).append(")");
    fail(error_kind::protocol, std::move(why));
  }
  const char* pos = llhttp_get_error_pos(&parser_);
  return pos ? static_cast<std::size_t>(pos - bytes.data()) : bytes.size();
}

inline void response_parser::finish() noexcept {
  if (state_ == state::complete || state_ == state::failed) return;
  if (state_ == state::idle && status_ == 0) {
    fail(error_kind::closed, "the server closed the connection before responding");
    return;
  }
  const auto err = llhttp_finish(&parser_);
  if ((err == HPE_OK || err == HPE_PAUSED) && state_ == state::complete) return;
  fail(error_kind::closed, status_ == 0 ? "the server closed the connection in the middle of the response headers"
                                        : "the server closed the connection in the middle of the response body");
}

inline std::string_view response_parser::protocol() const noexcept {
  if (parser_.http_major == 1 && parser_.http_minor == 0) return "HTTP/1.0";
  if (parser_.http_major == 1 && parser_.http_minor == 1) return "HTTP/1.1";
  return parser_.http_major == 0 ? std::string_view{} : "HTTP/1.x";
}

}  // namespace stampede::http::detail
