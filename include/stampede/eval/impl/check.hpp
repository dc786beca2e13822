// Bodies of eval/check.hpp that every build mode needs: templates and other inline code.
#pragma once

#include <stampede/core/error.hpp>
#include <stampede/metrics/builtin.hpp>

#include <algorithm>
#include <functional>
#include <variant>

namespace stampede {

template <typename T, std::predicate<const T&> Predicate>
bool check(recorder& rec, const T& value, std::string_view name, Predicate&& predicate,
           const tag_set& tags, std::chrono::nanoseconds at) {
  if (name.empty()) throw usage_error("a check needs a name");
  const bool passed = std::invoke(std::forward<Predicate>(predicate), value);
  tag_set sample_tags = tags;
  sample_tags.set(std::string{system_tag::check}, std::string{name});
  rec.add(checks, passed ? 1.0 : 0.0, sample_tags, at);
  return passed;
}

}  // namespace stampede
