// Bodies of exec/vu.hpp that every build mode needs: templates and other inline code.
#pragma once

#include <stampede/core/error.hpp>
#include <stampede/eval/check.hpp>

#include <any>
#include <functional>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>

namespace stampede {

namespace detail {

/// The engine's side door into a VU: what the driver changes of the VU's own state, without
/// making it public. The driver's bookkeeping about a VU lives in its `vu_slot`.
struct vu_access {
  static void next_iteration(vu& u) noexcept { ++u.iteration_; }
  static void set_iteration_in_test(vu& u, std::uint64_t n) noexcept { u.iteration_in_test_ = n; }
  static tag_set_id tags_id(const vu& u) noexcept { return u.tags_id_; }
  /// Closes the VU's connections: they belong to the shard's io_context, which goes first.
  static void drop_http(vu& u) noexcept { u.http_.reset(); }
  /// Closes the VU's idle connections and keeps its client (k6's `noVUConnectionReuse`,
  /// between iterations).
  static void close_connections(vu& u) noexcept {
    if (u.http_) u.http_->close();
  }
};

// The Asio operations a group body may be: a callable giving task<>, with or without the VU.
template <typename Body>
task<> call_group_body(Body& body, vu& u) {
  if constexpr (std::is_invocable_v<Body&, vu&>) {
    co_await body(u);
  } else {
    co_await body();
  }
}

}  // namespace detail
// Same behaviour as stampede::check (eval/check.hpp): the name is checked before the predicate
// runs, and an exception from the predicate records nothing.
template <typename T, std::predicate<const T&> Predicate>
bool vu::check(const T& value, std::string_view name, Predicate&& predicate) {
  if (name.empty()) throw usage_error("a check needs a name");
  const bool passed = std::invoke(std::forward<Predicate>(predicate), value);
  record_check(name, passed);
  return passed;
}

template <typename T, describing_predicate<T> Predicate>
bool vu::check(const T& value, const Predicate& predicate) {
  const std::string name = predicate.describe();
  return check(value, name, predicate);
}

template <typename Body>
task<> vu::group(std::string name, Body body) {
  if (name.empty()) throw usage_error("vu::group: a group needs a name");
  if (name.find("::") != std::string::npos) {
    throw usage_error("vu::group: group name \"" + name + "\" holds \"::\", which separates nested groups");
  }
  // Enter: the group path and the tags change together; leave restores both, also when the
  // body throws (an interrupted iteration unwinds through here). Tags set inside the group
  // are dropped on leaving it. The path shrinks back in place and the tag ids come from the
  // shard's cache, so a group entered again allocates nothing here.
  struct scope {
    vu& u;
    std::size_t outer_length;
    tag_set_id outer_tags;
    ~scope() {
      u.group_.resize(outer_length);
      u.set_tags(outer_tags);
    }
  };
  scope restore{*this, group_.size(), tags_id_};
  group_ += "::";
  group_ += name;
  if (shard_->run->system_tags.has(system_tag_set::group)) {
    set_tags(shard_->lookups.with_tag(shard_->rec, tags_id_, system_tag::group, group_));
  }
  const auto start = now();
  co_await detail::call_group_body(body, *this);
  shard_->rec.add(shard_->ids.group_duration, static_cast<double>((now() - start).count()), tags_id_, now());
}

template <metric_type Type>
void vu::record(const metric<Type>& m, double value, const tag_set& extra) {
  const auto id = registered(m.name(), Type);
  const auto sample_tags = extra.empty() ? tags_id_ : shard_->rec.intern(tags().merged_with(extra));
  shard_->rec.add(id, value, sample_tags, now());
}

template <typename T>
task<T> vu::timed(const trend& t, task<T> op, tag_set extra) {
  const auto start = now();
  struct recording {
    vu& u;
    const trend& metric;
    const tag_set& extra;
    std::chrono::nanoseconds start;
    ~recording() {
      try {
        u.record(metric, static_cast<double>((u.now() - start).count()), extra);
      } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw; unregistered metrics fail loudly below
      }
    }
  };
  // Fail before the operation for an unregistered metric, not silently after it.
  (void)registered(t.name(), metric_type::trend);
  recording rec{*this, t, extra, start};
  co_return co_await std::move(op);
}

template <typename T>
const T& vu::setup_data() const {
  const auto& data = shard_->run->setup_data;
  if (!data.has_value()) throw usage_error("vu::setup_data: the test has no setup, or it returned nothing");
  const T* value = std::any_cast<T>(&data);
  if (value == nullptr) {
    throw usage_error(std::string{"vu::setup_data: setup returned a "} + data.type().name() +
                      ", not the type asked for (" + typeid(T).name() + ")");
  }
  return *value;
}

template <typename State>
State& vu::state() {
  if (!state_.has_value()) {
    if constexpr (std::is_constructible_v<State, vu&>) {
      state_.emplace<State>(*this);
    } else {
      state_.emplace<State>();
    }
  }
  auto* s = std::any_cast<State>(&state_);
  if (s == nullptr) {
    throw usage_error(std::string{"vu::state: this VU holds a state of another type ("} + state_.type().name() + ")");
  }
  return *s;
}

}  // namespace stampede
