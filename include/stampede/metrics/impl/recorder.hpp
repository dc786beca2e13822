// Bodies of metrics/recorder.hpp that every build mode needs: templates and other inline code.
#pragma once

#include <stampede/core/error.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace stampede {

template <metric_type Type>
void recorder::add(const metric<Type>& m, double value, const tag_set& tags, std::chrono::nanoseconds at) {
  const auto id = registry_->find(m.name());
  if (!id) throw usage_error("metric " + m.name() + " is not registered with this test");
  if (registry_->descriptor(*id).type != Type) {
    throw usage_error("metric " + m.name() + " is registered as a " +
                      std::string{to_string(registry_->descriptor(*id).type)} + ", not a " +
                      std::string{to_string(Type)});
  }
  add(*id, value, intern(tags), at);
}

}  // namespace stampede
