// k6's `systemTags` option read into the mask the engine and the HTTP clients test: which
// system tags samples carry. Private to exec/.
#pragma once

#include <stampede/core/error.hpp>
#include <stampede/metrics/tags.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stampede::detail {

/// The tags `load_test::system_tags` names, k6's default set when it is empty. Throws
/// `usage_error` for a name k6 does not have (listing those it has) and for the tags stampede
/// cannot attach: `iter` (a tag set per iteration would grow the run's memory without bound; k6
/// keeps it as metadata, which stampede has not) and `ocsp_status` (stampede does not ask for
/// OCSP staples).
inline system_tag_set resolve_system_tags(const std::optional<std::vector<std::string>>& names) {
  if (!names) return system_tag_set::k6_default();
  constexpr auto refused = [](system_tag_set::tag_bit b) {
    return b == system_tag_set::iter || b == system_tag_set::ocsp_status;
  };
  system_tag_set out;
  std::string unknown;
  std::string unsupported;
  const auto append = [](std::string& list, std::string_view name) {
    if (!list.empty()) list += ", ";
    list += name;
  };
  for (const auto& n : *names) {
    const auto bit = system_tag_set::find(n);
    if (!bit) {
      append(unknown, "\"" + n + "\"");
    } else if (refused(*bit)) {
      append(unsupported, *bit == system_tag_set::iter
                              ? "iter (a tag set per iteration would grow without bound)"
                              : "ocsp_status (stampede does not check OCSP)");
    } else {
      out.add(*bit);
    }
  }
  if (!unknown.empty()) {
    std::string valid;
    for (const auto& [name, bit] : system_tag_set::names()) {
      if (!refused(bit)) append(valid, name);
    }
    throw usage_error("load_test::system_tags: unknown system tag " + unknown + "; the system tags are " + valid);
  }
  if (!unsupported.empty()) {
    throw usage_error("load_test::system_tags: stampede cannot tag samples with " + unsupported);
  }
  return out;
}

}  // namespace stampede::detail
