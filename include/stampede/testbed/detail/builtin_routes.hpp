// The testbed server's built-in endpoints, httpbin style: /status/{code}, /bytes/{n}, /delay/{ms}.
#pragma once

#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

namespace stampede::testbed::detail {

/// A request for one of the built-in endpoints, after parsing its path.
struct builtin_request {
  enum class kind : unsigned char { status, bytes, delay };
  kind what = kind::status;
  std::uint64_t value = 0;  // the status code, the byte count, the delay in milliseconds
  friend bool operator==(const builtin_request&, const builtin_request&) = default;
};

/// `/status/404` → {status, 404}; `/bytes/1024` → {bytes, 1024}; `/delay/250` → {delay, 250}.
/// The number must be decimal digits only and fit; anything else is not a built-in.
[[nodiscard]] inline std::optional<builtin_request> parse_builtin(std::string_view path) noexcept {
  struct prefix {
    std::string_view text;
    builtin_request::kind what;
  };
  static constexpr prefix prefixes[] = {{"/status/", builtin_request::kind::status},
                                        {"/bytes/", builtin_request::kind::bytes},
                                        {"/delay/", builtin_request::kind::delay}};
  for (const auto& p : prefixes) {
    if (!path.starts_with(p.text)) continue;
    const auto digits = path.substr(p.text.size());
    if (digits.empty() || digits.size() > 19) return std::nullopt;
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
    return builtin_request{p.what, value};
  }
  return std::nullopt;
}

}  // namespace stampede::testbed::detail
