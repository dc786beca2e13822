// The testbed server's request reader: llhttp in request mode, stopping after each message so
// that pipelined requests are answered one at a time, in order, with sizes bounded.
#pragma once

#include <llhttp.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace stampede::testbed::detail {

/// What the server needs of one request; the body is counted, not kept.
struct request_head {
  std::string method;
  std::string target;
  unsigned http_major = 1;
  unsigned http_minor = 1;
  bool keep_alive = true;
  std::uint64_t body_bytes = 0;
};

/// Feeds a connection's bytes to llhttp and reports each complete request. Memory is bounded
/// by the limits: the method and target are kept (and count against `max_header_bytes`),
/// header values and the body are only counted.
class request_parser {
 public:
  enum class state : unsigned char { need_more, complete, bad_request, headers_too_large, body_too_large };
  struct result {
    state status = state::need_more;
    std::size_t consumed = 0;  ///< bytes of the input used; the rest belongs to the next request
  };

  request_parser(std::size_t max_header_bytes, std::size_t max_body_bytes) noexcept
      : max_header_bytes_(max_header_bytes), max_body_bytes_(max_body_bytes) {
    llhttp_init(&parser_, HTTP_REQUEST, &settings());
    parser_.data = this;
  }
  // llhttp keeps a pointer to this object.
  request_parser(const request_parser&) = delete;
  request_parser& operator=(const request_parser&) = delete;

  /// Parses `data` up to the end of the first complete request in it. After `complete`, call
  /// `next()` before feeding the rest. Any state other than `need_more` and `complete` is final.
  result feed(std::string_view data) noexcept {
    if (data.empty()) return {state::need_more, 0};
    failure_ = state::bad_request;
    const auto err = llhttp_execute(&parser_, data.data(), data.size());
    if (err == HPE_OK) return {state::need_more, data.size()};
    if (err == HPE_PAUSED || (err == HPE_PAUSED_UPGRADE && complete_)) {
      const char* pos = llhttp_get_error_pos(&parser_);
      const auto consumed = pos == nullptr ? data.size() : static_cast<std::size_t>(pos - data.data());
      return {state::complete, consumed};
    }
    return {failure_, 0};
  }

  /// The request that `feed` reported complete.
  [[nodiscard]] const request_head& head() const noexcept { return head_; }
  /// True between the first byte of a request and its end.
  [[nodiscard]] bool in_message() const noexcept { return in_message_; }

  /// Moves past a complete request.
  void next() noexcept {
    complete_ = false;
    llhttp_resume(&parser_);
  }

 private:
  static request_parser& self(llhttp_t* p) noexcept { return *static_cast<request_parser*>(p->data); }

  int count_header_bytes(std::size_t n) noexcept {
    header_bytes_ += n;
    if (header_bytes_ > max_header_bytes_) {
      failure_ = state::headers_too_large;
      return -1;
    }
    return 0;
  }

  static const llhttp_settings_t& settings() noexcept {
    static const llhttp_settings_t s = [] {
      llhttp_settings_t t;
      llhttp_settings_init(&t);
      t.on_message_begin = [](llhttp_t* p) {
        auto& me = self(p);
        me.head_ = request_head{};
        me.header_bytes_ = 0;
        me.in_message_ = true;
        return 0;
      };
      t.on_method = [](llhttp_t* p, const char* at, std::size_t n) {
        auto& me = self(p);
        if (me.count_header_bytes(n) != 0) return -1;
        me.head_.method.append(at, n);
        return 0;
      };
      t.on_url = [](llhttp_t* p, const char* at, std::size_t n) {
        auto& me = self(p);
        if (me.count_header_bytes(n) != 0) return -1;
        me.head_.target.append(at, n);
        return 0;
      };
      // Names and values are counted, with two bytes for ": " and two for the line's end.
      t.on_version = [](llhttp_t* p, const char*, std::size_t n) { return self(p).count_header_bytes(n); };
      t.on_header_field = [](llhttp_t* p, const char*, std::size_t n) { return self(p).count_header_bytes(n); };
      t.on_header_value = [](llhttp_t* p, const char*, std::size_t n) { return self(p).count_header_bytes(n); };
      t.on_header_value_complete = [](llhttp_t* p) { return self(p).count_header_bytes(4); };
      t.on_headers_complete = [](llhttp_t* p) {
        auto& me = self(p);
        me.head_.http_major = llhttp_get_http_major(p);
        me.head_.http_minor = llhttp_get_http_minor(p);
        return 0;
      };
      t.on_body = [](llhttp_t* p, const char*, std::size_t n) {
        auto& me = self(p);
        me.head_.body_bytes += n;
        if (me.head_.body_bytes > me.max_body_bytes_) {
          me.failure_ = state::body_too_large;
          return -1;
        }
        return 0;
      };
      t.on_message_complete = [](llhttp_t* p) {
        auto& me = self(p);
        // An upgrade (or CONNECT) is answered as a plain request, then the connection closes.
        me.head_.keep_alive = llhttp_should_keep_alive(p) != 0 && llhttp_get_upgrade(p) == 0;
        me.in_message_ = false;
        me.complete_ = true;
        return static_cast<int>(HPE_PAUSED);  // one request at a time: pipelining stays in order
      };
      return t;
    }();
    return s;
  }

  llhttp_t parser_{};
  request_head head_;
  std::size_t max_header_bytes_;
  std::size_t max_body_bytes_;
  std::size_t header_bytes_ = 0;
  state failure_ = state::bad_request;
  bool complete_ = false;
  bool in_message_ = false;
};

}  // namespace stampede::testbed::detail
