// Bodies of checks (included by eval/check.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>
#include <stampede/metrics/builtin.hpp>

#include <algorithm>
#include <functional>
#include <variant>

namespace stampede {

STAMPEDE_DECL std::vector<std::string> group_path(std::string_view group) {
  std::vector<std::string> names;
  while (group.starts_with("::")) {
    group.remove_prefix(2);
    const auto end = group.find("::");
    names.emplace_back(group.substr(0, end));
    group = end == std::string_view::npos ? std::string_view{} : group.substr(end);
  }
  return names;
}

STAMPEDE_DECL std::vector<check_result> check_results(const snapshot& s) {
  std::vector<check_result> out;
  for (const auto& e : s.entries()) {
    if (e.metric.name != checks.name()) continue;
    const auto name = e.metric.filter.tags().get(system_tag::check);
    const auto* counts = std::get_if<rate_sink>(&e.data);
    if (!name || counts == nullptr) continue;
    const auto group = e.metric.filter.tags().get(system_tag::group).value_or("");
    out.push_back({std::string{group}, std::string{*name}, counts->nonzero, counts->total - counts->nonzero});
  }
  // Stable: keeps first-appearance order within each group; groups by their first check.
  std::vector<std::string> group_order;
  for (const auto& r : out) {
    if (std::find(group_order.begin(), group_order.end(), r.group) == group_order.end()) {
      group_order.push_back(r.group);
    }
  }
  std::stable_sort(out.begin(), out.end(), [&](const check_result& a, const check_result& b) {
    return std::find(group_order.begin(), group_order.end(), a.group) <
           std::find(group_order.begin(), group_order.end(), b.group);
  });
  return out;
}

}  // namespace stampede
