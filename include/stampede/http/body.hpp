// The body of a request: bytes and, optionally, the Content-Type that describes them.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <stampede/http/url.hpp>

namespace stampede::http {

/// What a request sends after its headers. A plain string is sent as is, with no
/// Content-Type (k6 does the same); the factories set one.
///
/// ```cpp
/// client.post(url, R"({"title":"milk"})");                      // no Content-Type
/// client.post(url, http::body::json(R"({"title":"milk"})"));    // application/json
/// client.post(url, http::body::form({{"user", "ann"}, {"pass", "a&b"}}));
/// ```
class body {
 public:
  body() = default;
  body(std::string data) : data_{std::move(data)} {}  // NOLINT: implicit, like k6's string bodies
  body(const char* data) : data_{data} {}              // NOLINT
  body(std::string_view data) : data_{data} {}         // NOLINT

  /// Text with `content_type` (default `text/plain; charset=utf-8`).
  [[nodiscard]] static body text(std::string text, std::string content_type = "text/plain; charset=utf-8") {
    return body{std::move(text), std::move(content_type)};
  }
  /// JSON text, sent as `application/json` (the text is not checked).
  [[nodiscard]] static body json(std::string json_text) { return body{std::move(json_text), "application/json"}; }
  /// Raw bytes, sent as `application/octet-stream`.
  [[nodiscard]] static body bytes(std::span<const std::byte> data) {
    return body{std::string(reinterpret_cast<const char*>(data.data()), data.size()), "application/octet-stream"};
  }
  /// Form fields, percent-encoded as `application/x-www-form-urlencoded`.
  [[nodiscard]] static body form(const std::vector<query_param>& fields) {
    std::string text;
    for (const auto& f : fields) {
      if (!text.empty()) text += '&';
      append_percent_encoded(text, f.name);
      text += '=';
      append_percent_encoded(text, f.value);
    }
    return body{std::move(text), "application/x-www-form-urlencoded"};
  }

  [[nodiscard]] std::string_view data() const noexcept { return data_; }
  /// The Content-Type to send, empty for none (a `Content-Type` header in the request wins).
  [[nodiscard]] std::string_view content_type() const noexcept { return content_type_; }
  [[nodiscard]] std::size_t size() const noexcept { return data_.size(); }
  [[nodiscard]] bool empty() const noexcept { return data_.empty(); }

  friend bool operator==(const body&, const body&) = default;

 private:
  body(std::string data, std::string content_type)
      : data_{std::move(data)}, content_type_{std::move(content_type)} {}
  std::string data_;
  std::string content_type_;
};

}  // namespace stampede::http
