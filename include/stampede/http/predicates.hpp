// Checks on responses that compose with && || ! and describe themselves, for `check` and tests.
#pragma once

#include <stampede/http/response.hpp>

#include <chrono>
#include <concepts>
#include <string>
#include <string_view>
#include <utility>

namespace stampede {

/// A test of a response that can say what it tests: `p(res)` and `p.describe()`. Models
/// compose with `&&`, `||` and `!`, owning their operands by value (unlike Catch2's matcher
/// combinators, which hold references and dangle when built from temporaries).
///
/// ```cpp
/// auto ok = sp::status_is(200) && sp::header_is("content-type", "application/json");
/// ok.describe();   // "status is 200 && header content-type is \"application/json\""
/// ok(res);         // true or false
/// ```
template <typename P>
concept response_predicate = requires(const P& p, const http::response& r) {
  { p(r) } -> std::convertible_to<bool>;
  { p.describe() } -> std::convertible_to<std::string>;
};

/// The status equals `status`. "status is 200"
[[nodiscard]] inline auto status_is(int status);
/// The status is in `[min, max]`. "status in 200-299"
[[nodiscard]] inline auto status_in(int min, int max);
/// The body holds `text`. "body contains \"todo\""
[[nodiscard]] inline auto body_contains(std::string text);
/// Header `name` (case-insensitive) exists and equals `value`.
/// "header content-type is \"application/json\""
[[nodiscard]] inline auto header_is(std::string name, std::string value);
/// A response arrived (status not 0) and its duration (`timings().duration`) is under `limit`.
/// "duration below 200ms"
[[nodiscard]] inline auto duration_below(std::chrono::nanoseconds limit);

namespace predicates {

// Precedence decides parentheses in descriptions: an operand binding more loosely than its
// operator is wrapped, so `(a || b) && c` reads back as written.
inline constexpr int or_precedence = 0;
inline constexpr int and_precedence = 1;
inline constexpr int not_precedence = 2;
inline constexpr int atom_precedence = 3;

/// A predicate's precedence: its `precedence` member, or an atom's for those without one.
template <response_predicate P>
constexpr int precedence_of() {
  if constexpr (requires { P::precedence; }) {
    return P::precedence;
  } else {
    return atom_precedence;
  }
}

template <response_predicate P>
std::string operand(const P& p, int at_least) {
  return precedence_of<P>() < at_least ? "(" + std::string{p.describe()} + ")" : std::string{p.describe()};
}

/// A leaf: a test function with its description.
template <typename Test>
class atom {
 public:
  static constexpr int precedence = atom_precedence;
  atom(Test test, std::string description) : test_{std::move(test)}, description_{std::move(description)} {}
  bool operator()(const http::response& r) const { return test_(r); }
  [[nodiscard]] std::string describe() const { return description_; }

 private:
  Test test_;
  std::string description_;
};

template <response_predicate L, response_predicate R>
class all_of {
 public:
  static constexpr int precedence = and_precedence;
  all_of(L l, R r) : l_{std::move(l)}, r_{std::move(r)} {}
  bool operator()(const http::response& res) const { return l_(res) && r_(res); }
  [[nodiscard]] std::string describe() const {
    return operand(l_, and_precedence) + " && " + operand(r_, and_precedence);
  }

 private:
  L l_;
  R r_;
};

template <response_predicate L, response_predicate R>
class any_of {
 public:
  static constexpr int precedence = or_precedence;
  any_of(L l, R r) : l_{std::move(l)}, r_{std::move(r)} {}
  bool operator()(const http::response& res) const { return l_(res) || r_(res); }
  [[nodiscard]] std::string describe() const {
    return operand(l_, or_precedence) + " || " + operand(r_, or_precedence);
  }

 private:
  L l_;
  R r_;
};

template <response_predicate P>
class negation {
 public:
  static constexpr int precedence = not_precedence;
  explicit negation(P p) : p_{std::move(p)} {}
  bool operator()(const http::response& res) const { return !p_(res); }
  // Always parenthesised: "!(status is 200)" reads unambiguously, "!status is 200" does not.
  [[nodiscard]] std::string describe() const { return "!(" + p_.describe() + ")"; }

 private:
  P p_;
};

template <response_predicate L, response_predicate R>
[[nodiscard]] all_of<L, R> operator&&(L l, R r) {
  return {std::move(l), std::move(r)};
}
template <response_predicate L, response_predicate R>
[[nodiscard]] any_of<L, R> operator||(L l, R r) {
  return {std::move(l), std::move(r)};
}
template <response_predicate P>
[[nodiscard]] negation<P> operator!(P p) {
  return negation<P>{std::move(p)};
}

std::string quoted(std::string_view text);

}  // namespace predicates

}  // namespace stampede

#include <stampede/http/impl/predicates.hpp>
