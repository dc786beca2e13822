// Fuzzes http::url: parse, try_parse, resolve and with_query. The input's lines are a URL, a
// reference to resolve against it (a Location header value) and query parameters
// (`name=value`). Oracles: parse and try_parse agree, and every URL made (parsed, resolved or
// given a query) parses again to the same text and parts.
#include "fuzz_support.hpp"

#include <stampede/core/error.hpp>
#include <stampede/http/url.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sp = stampede;
using sp::http::url;

namespace {

std::optional<url> parse(std::string_view text) {
  std::string copy{text};
  url tried;
  std::string problem;
  const bool ok = url::try_parse(std::move(copy), tried, problem);
  if (!ok) sp::fuzz::require(copy == text, "a failed try_parse leaves the text as it was", text, copy);
  try {
    auto parsed = url::parse(std::string{text});
    sp::fuzz::require(ok && parsed == tried, "parse and try_parse agree", text, problem);
    return parsed;
  } catch (const sp::usage_error& e) {
    sp::fuzz::require(!ok, "parse and try_parse agree", text, e.what());
    return std::nullopt;
  }
}

// A URL stampede made reads back as itself.
void reads_back(const url& u, std::string_view made_by) {
  const auto again = parse(u.str());
  sp::fuzz::require(again.has_value(), "a URL made reads back", made_by, u.str());
  sp::fuzz::require(*again == u && again->host() == u.host() && again->port() == u.port() &&
                        again->target() == u.target() && again->path() == u.path() &&
                        again->authority() == u.authority() && again->is_https() == u.is_https(),
                    "a URL made reads back with the same parts", made_by, u.str());
  (void)sp::http::same_origin(u, *again);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto lines = sp::fuzz::split(sp::fuzz::text(data, size), '\n');
  auto base = parse(lines[0]);
  if (base) {
    reads_back(*base, "parse");
  } else {
    base = url::parse("http://example.com:8080/a/b/c?x=1");
  }
  if (lines.size() > 1) {
    try {
      reads_back(base->resolve(lines[1]), "resolve");
    } catch (const sp::usage_error&) {
    }
  }
  if (lines.size() > 2) {
    std::vector<sp::http::query_param> params;
    for (std::size_t i = 2; i < lines.size(); ++i) {
      const auto eq = lines[i].find('=');
      params.push_back({std::string{lines[i].substr(0, eq)},
                        eq == std::string_view::npos ? std::string{} : std::string{lines[i].substr(eq + 1)}});
    }
    reads_back(base->with_query(params), "with_query");
  }
  return 0;
}
