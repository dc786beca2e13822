// The testbed server's request reader: llhttp in request mode, stopping after each message so
// that pipelined requests are answered one at a time, in order, with sizes bounded; it keeps
// the fields of a WebSocket upgrade, and a body when asked to.
#pragma once

#include <llhttp.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace stampede::testbed::detail {

/// The header fields of a WebSocket upgrade (RFC 6455 4.2.1), as sent, leading blanks
/// dropped; several fields of one name are joined with ", " (RFC 9110 5.3). Empty when absent.
struct upgrade_fields {
  std::string upgrade{};     ///< `Upgrade`
  std::string connection{};  ///< `Connection`
  std::string key{};         ///< `Sec-WebSocket-Key`
  std::string version{};     ///< `Sec-WebSocket-Version`
  std::string protocol{};    ///< `Sec-WebSocket-Protocol`: the subprotocols offered
};

/// What the server needs of one request; the body is counted, and kept only when the
/// parser's `keep_bodies_if` asked for it.
struct request_head {
  std::string method;
  std::string target;
  unsigned http_major = 1;
  unsigned http_minor = 1;
  bool keep_alive = true;
  bool upgrade = false;  ///< llhttp saw an upgrade: an `Upgrade` field and `Connection: upgrade`
  std::uint64_t body_bytes = 0;
  std::string body;      ///< empty unless kept
  upgrade_fields fields;
};

/// Feeds a connection's bytes to llhttp and reports each complete request. Memory is bounded
/// by the limits: the method, target and upgrade fields are kept (and count against
/// `max_header_bytes`), other header values are only counted, and a body kept on request
/// counts against `max_body_bytes`.
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

  /// Keeps the bodies of the requests for which `wanted(head)` is true, asked once per request
  /// when its headers are complete (the body is empty until then).
  void keep_bodies_if(std::function<bool(const request_head&)> wanted) { keep_body_if_ = std::move(wanted); }

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

  // The upgrade field that the header named `field_` fills, if it is one.
  std::string* captured_field() noexcept {
    const auto is = [this](std::string_view name) {
      return field_.size() == name.size() && std::equal(field_.begin(), field_.end(), name.begin(), [](char a, char b) {
               return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
             });
    };
    auto& f = head_.fields;
    if (is("upgrade")) return &f.upgrade;
    if (is("connection")) return &f.connection;
    if (is("sec-websocket-key")) return &f.key;
    if (is("sec-websocket-version")) return &f.version;
    if (is("sec-websocket-protocol")) return &f.protocol;
    return nullptr;
  }

  static const llhttp_settings_t& settings() noexcept {
    static const llhttp_settings_t s = [] {
      llhttp_settings_t t;
      llhttp_settings_init(&t);
      t.on_message_begin = [](llhttp_t* p) {
        auto& me = self(p);
        me.head_ = request_head{};
        me.header_bytes_ = 0;
        me.field_.clear();
        me.capture_ = nullptr;
        me.keep_body_ = false;
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
      // Names and values are counted, with two bytes for ": " and two for the line's end. A
      // name arrives in pieces, and is kept until its value begins (the count bounds it).
      t.on_version = [](llhttp_t* p, const char*, std::size_t n) { return self(p).count_header_bytes(n); };
      t.on_header_field = [](llhttp_t* p, const char* at, std::size_t n) {
        auto& me = self(p);
        if (me.count_header_bytes(n) != 0) return -1;
        me.field_.append(at, n);
        return 0;
      };
      t.on_header_field_complete = [](llhttp_t* p) {
        auto& me = self(p);
        me.capture_ = me.captured_field();
        if (me.capture_ != nullptr && !me.capture_->empty()) me.capture_->append(", ");
        me.field_.clear();
        return 0;
      };
      t.on_header_value = [](llhttp_t* p, const char* at, std::size_t n) {
        auto& me = self(p);
        if (me.count_header_bytes(n) != 0) return -1;
        if (me.capture_ != nullptr) me.capture_->append(at, n);
        return 0;
      };
      t.on_header_value_complete = [](llhttp_t* p) {
        auto& me = self(p);
        me.capture_ = nullptr;
        return me.count_header_bytes(4);
      };
      t.on_headers_complete = [](llhttp_t* p) {
        auto& me = self(p);
        me.head_.http_major = llhttp_get_http_major(p);
        me.head_.http_minor = llhttp_get_http_minor(p);
        me.keep_body_ = me.keep_body_if_ && me.keep_body_if_(me.head_);
        return 0;
      };
      t.on_body = [](llhttp_t* p, const char* at, std::size_t n) {
        auto& me = self(p);
        me.head_.body_bytes += n;
        if (me.head_.body_bytes > me.max_body_bytes_) {
          me.failure_ = state::body_too_large;
          return -1;
        }
        if (me.keep_body_) me.head_.body.append(at, n);
        return 0;
      };
      t.on_message_complete = [](llhttp_t* p) {
        auto& me = self(p);
        // An upgrade (or CONNECT) is answered as a plain request, then the connection closes,
        // unless the server hands it to a WebSocket session.
        me.head_.upgrade = llhttp_get_upgrade(p) != 0;
        me.head_.keep_alive = llhttp_should_keep_alive(p) != 0 && !me.head_.upgrade;
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
  std::string field_;                 // the header name being read
  std::string* capture_ = nullptr;    // the upgrade field its value goes to, if any
  std::function<bool(const request_head&)> keep_body_if_;
  bool keep_body_ = false;            // for the request being read
  state failure_ = state::bad_request;
  bool complete_ = false;
  bool in_message_ = false;
};

}  // namespace stampede::testbed::detail
