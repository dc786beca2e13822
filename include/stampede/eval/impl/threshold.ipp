// Bodies of thresholds: the expression tree, k6's string form, evaluation (included by
// eval/threshold.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/charconv.hpp>
#include <stampede/core/error.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <system_error>

namespace stampede {

constexpr std::string_view to_string(comparison op) noexcept {
  switch (op) {
    case comparison::less: return "<";
    case comparison::less_equal: return "<=";
    case comparison::greater: return ">";
    case comparison::greater_equal: return ">=";
    case comparison::equal: return "==";
    case comparison::not_equal: return "!=";
  }
  return "?";
}

namespace detail {

// A time bound in nanoseconds as the milliseconds k6 writes: of the doubles nearest
// bound / 1e6, one that the parser's `ms × 1e6` takes back to the bound where there is one.
STAMPEDE_DECL std::string milliseconds_number(double nanoseconds) {
  const double ms = nanoseconds / 1e6;
  for (const double candidate : {ms, std::nextafter(ms, -HUGE_VAL), std::nextafter(ms, HUGE_VAL)}) {
    if (candidate * 1e6 == nanoseconds) return format_plain_float(candidate);
  }
  return format_plain_float(ms);
}

// Time bounds and values are recorded in nanoseconds; k6 writes them in milliseconds.
STAMPEDE_DECL bool in_milliseconds(const metric_aggregate& a) {
  return a.metric.contains == value_type::time && a.kind != aggregation_kind::count &&
         !(a.metric.type == metric_type::counter && a.kind == aggregation_kind::rate);
}

STAMPEDE_DECL std::string seconds_text(std::chrono::nanoseconds d) {
  return format_plain_float(std::chrono::duration<double>{d}.count()) + "s";
}

}  // namespace detail

STAMPEDE_DECL bool threshold_condition::holds_for(double observed) const noexcept {
  switch (op) {
    case comparison::less: return observed < bound;
    case comparison::less_equal: return observed <= bound;
    case comparison::greater: return observed > bound;
    case comparison::greater_equal: return observed >= bound;
    case comparison::equal: return observed == bound;
    case comparison::not_equal: return observed != bound;
  }
  return false;
}

STAMPEDE_DECL std::string threshold_condition::expression() const {
  if (!written.empty()) return written;
  const bool ms = detail::in_milliseconds(aggregate);
  std::string out = aggregate.aggregation_name();
  out += to_string(op);
  out += ms ? detail::milliseconds_number(bound) : format_plain_float(bound);
  if (ms) out += "ms";
  if (aggregate.window.count() != 0) out += " over " + detail::seconds_text(aggregate.window);
  if (aggregate.warm_up.count() != 0) out += " after " + detail::seconds_text(aggregate.warm_up);
  return out;
}

// The expression tree: a leaf condition, an operator over shared immutable subtrees, or what
// resolve() turns into a leaf — k6's string form not parsed yet, or a mistake to report.
struct threshold::node {
  enum class kind : std::uint8_t { leaf, all, any, negation, k6_text, mistake };
  kind type = kind::leaf;
  threshold_condition condition{};  // leaf only
  std::shared_ptr<const node> left{}, right{};
  std::string text{};     // k6_text: the metric; mistake: the comparison as written
  std::string detail{};   // k6_text: the expression; mistake: what is wrong with it
  bool resolved = true;   // no k6_text or mistake below

  static std::shared_ptr<const node> leaf(threshold_condition c) {
    return std::make_shared<const node>(node{kind::leaf, std::move(c), {}, {}, {}, {}, true});
  }
  static std::shared_ptr<const node> op(kind k, std::shared_ptr<const node> l, std::shared_ptr<const node> r) {
    const bool resolved = l->resolved && (!r || r->resolved);
    return std::make_shared<const node>(node{k, {}, std::move(l), std::move(r), {}, {}, resolved});
  }
  static std::shared_ptr<const node> pending(kind k, std::string text, std::string detail) {
    return std::make_shared<const node>(node{k, {}, {}, {}, std::move(text), std::move(detail), false});
  }
};

STAMPEDE_DECL threshold::threshold(std::shared_ptr<const node> root) : root_{std::move(root)}, resolved_{root_->resolved} {}

STAMPEDE_DECL threshold::threshold(threshold_condition condition) : threshold{node::leaf(std::move(condition))} {}

STAMPEDE_DECL threshold::threshold(std::string metric, std::string expression)
    : threshold{node::pending(node::kind::k6_text, std::move(metric), std::move(expression))} {}

STAMPEDE_DECL threshold detail::make_threshold(const metric_aggregate& a, comparison op, bool is_duration, double value) {
  using node = threshold::node;
  const bool wants_duration = in_milliseconds(a);
  std::string_view problem;
  if (std::isnan(value)) {
    problem = "the bound is NaN";
  } else if (is_duration && !wants_duration) {
    problem = "compared with a duration, but it is not a time value; compare it with a number";
  } else if (!is_duration && wants_duration) {
    problem = "it is a time value; compare it with a duration such as 200ms";
  }
  if (problem.empty()) return threshold{threshold_condition{a, op, value}};
  auto written = a.metric.display_name() + " " + a.aggregation_name() + std::string{to_string(op)} +
                 (is_duration ? milliseconds_number(value) + "ms" : format_plain_float(value));
  auto message = "threshold on " + a.metric.display_name() + " " + a.aggregation_name() + ": " + std::string{problem};
  return threshold{node::pending(node::kind::mistake, std::move(written), std::move(message))};
}

STAMPEDE_DECL threshold threshold::abort_on_fail(std::chrono::nanoseconds delay) const {
  if (delay < std::chrono::nanoseconds::zero()) {
    throw usage_error("abort_on_fail(" + detail::seconds_text(delay) + ") on " + describe() +
                      ": the delay cannot be negative");
  }
  threshold out = *this;
  out.abort_on_fail_ = true;
  out.abort_delay_ = delay;
  return out;
}

STAMPEDE_DECL threshold operator&&(const threshold& a, const threshold& b) {
  using node = threshold::node;
  return threshold{node::op(node::kind::all, a.root_, b.root_)};
}

STAMPEDE_DECL threshold operator||(const threshold& a, const threshold& b) {
  using node = threshold::node;
  return threshold{node::op(node::kind::any, a.root_, b.root_)};
}

STAMPEDE_DECL threshold operator!(const threshold& a) {
  using node = threshold::node;
  return threshold{node::op(node::kind::negation, a.root_, nullptr)};
}

STAMPEDE_DECL std::string threshold::describe_node(const node& n, bool nested) {
  using kind = node::kind;
  switch (n.type) {
    case kind::leaf:
      return n.condition.aggregate.metric.display_name() + " " + n.condition.expression();
    case kind::k6_text:
      return n.text + " " + n.detail;
    case kind::mistake:
      return n.text;
    case kind::negation:
      return "!(" + describe_node(*n.left, false) + ")";
    case kind::all:
    case kind::any: {
      const auto text = describe_node(*n.left, n.left->type != n.type) +
                        (n.type == kind::all ? " && " : " || ") +
                        describe_node(*n.right, n.right->type != n.type);
      return nested ? "(" + text + ")" : text;
    }
  }
  return {};
}

STAMPEDE_DECL std::string threshold::describe() const { return describe_node(*root_, false); }

STAMPEDE_DECL std::shared_ptr<const threshold::node> threshold::resolve_node(const std::shared_ptr<const node>& n,
                                                                           const std::vector<metric_descriptor>& known) {
  switch (n->type) {
    case node::kind::leaf: return n;
    case node::kind::k6_text: return parse(n->text, n->detail, known).root_;
    case node::kind::mistake: throw usage_error(n->detail);
    case node::kind::all:
    case node::kind::any:
    case node::kind::negation:
      if (n->resolved) return n;
      return node::op(n->type, resolve_node(n->left, known), n->right ? resolve_node(n->right, known) : nullptr);
  }
  return n;
}

STAMPEDE_DECL threshold threshold::resolve(const std::vector<metric_descriptor>& known) const {
  if (resolved_) return *this;
  threshold out{resolve_node(root_, known)};
  out.abort_on_fail_ = abort_on_fail_;
  out.abort_delay_ = abort_delay_;
  return out;
}

STAMPEDE_DECL void threshold::require_resolved() const {
  if (resolved_) return;
  // The first mistake, left to right, is the message; k6 strings alone ask for resolve().
  std::vector<const node*> stack{root_.get()};
  while (!stack.empty()) {
    const node* n = stack.back();
    stack.pop_back();
    if (n->type == node::kind::mistake) throw usage_error(n->detail);
    if (n->right) stack.push_back(n->right.get());
    if (n->left) stack.push_back(n->left.get());
  }
  throw usage_error("threshold " + describe() +
                    ": k6's string form is parsed when the run starts; call resolve() to read or evaluate it before");
}

STAMPEDE_DECL std::vector<threshold_condition> threshold::conditions() const {
  require_resolved();
  std::vector<threshold_condition> out;
  // Depth-first, left to right: the order they were written in.
  std::vector<const node*> stack{root_.get()};
  while (!stack.empty()) {
    const node* n = stack.back();
    stack.pop_back();
    if (n->type == node::kind::leaf) {
      out.push_back(n->condition);
    } else {
      if (n->right) stack.push_back(n->right.get());
      stack.push_back(n->left.get());
    }
  }
  return out;
}

STAMPEDE_DECL threshold_result threshold::evaluate(const aggregate_source& source, no_samples empty) const {
  require_resolved();
  threshold_result result;
  result.description = describe();
  // Evaluate every leaf (even where && or || could stop early) so the summary can show
  // each observed value.
  // Three-valued: a condition skipped for want of samples (no_samples::pass) is unknown, and
  // an unknown outcome passes at the top — so `!` over a metric without samples does not fail
  // the threshold either, as k6 skips such a metric's thresholds altogether.
  using outcome = std::optional<bool>;
  const std::function<outcome(const node&)> eval = [&](const node& n) -> outcome {
    switch (n.type) {
      case node::kind::leaf: {
        condition_result r{n.condition, std::nullopt, true};
        auto values = source(n.condition.aggregate);
        if (values.empty() && empty == no_samples::zero) values.push_back(0);
        if (values.empty()) {
          result.conditions.push_back(r);
          return std::nullopt;
        }
        const auto failing = std::find_if(values.begin(), values.end(),
                                          [&](double v) { return !n.condition.holds_for(v); });
        if (failing != values.end()) {
          r.passed = false;
          r.observed = *failing;
        } else if (n.condition.op == comparison::less || n.condition.op == comparison::less_equal) {
          r.observed = *std::max_element(values.begin(), values.end());
        } else if (n.condition.op == comparison::greater || n.condition.op == comparison::greater_equal) {
          r.observed = *std::min_element(values.begin(), values.end());
        } else {
          r.observed = values.front();
        }
        result.conditions.push_back(r);
        return r.passed;
      }
      case node::kind::all: {
        const auto left = eval(*n.left);
        const auto right = eval(*n.right);
        if (left == false || right == false) return false;
        if (!left || !right) return std::nullopt;
        return true;
      }
      case node::kind::any: {
        const auto left = eval(*n.left);
        const auto right = eval(*n.right);
        if (left == true || right == true) return true;
        if (!left || !right) return std::nullopt;
        return false;
      }
      case node::kind::negation: {
        const auto inner = eval(*n.left);
        return inner ? outcome{!*inner} : std::nullopt;
      }
      case node::kind::k6_text:
      case node::kind::mistake:
        break;  // require_resolved() let none through
    }
    return false;
  };
  result.passed = eval(*root_).value_or(true);
  return result;
}

// ---- k6's string form ------------------------------------------------------------------

namespace detail {

// A cursor over one of the two strings parse() reads, producing parse_errors that point
// into that string.
class threshold_scanner {
 public:
  threshold_scanner(std::string_view what, std::string_view text) : what_{what}, text_{text}, end_{text.size()} {}

  [[nodiscard]] bool done() const noexcept { return pos_ >= end_; }
  // Reading stops at `end` (within the text), which errors still point into the whole of.
  void stop_at(std::size_t end) noexcept { end_ = std::min(end, text_.size()); }
  [[nodiscard]] char peek() const noexcept { return done() ? '\0' : text_[pos_]; }
  [[nodiscard]] std::size_t pos() const noexcept { return pos_; }
  void skip_spaces() {
    while (!done() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  bool eat(std::string_view token) {
    if (text_.substr(pos_).starts_with(token)) {
      pos_ += token.size();
      return true;
    }
    return false;
  }
  [[noreturn]] void fail(std::string_view problem, std::size_t at) const {
    throw parse_error(what_, text_, at, problem);
  }
  [[noreturn]] void fail(std::string_view problem) const { fail(problem, pos_); }

  // A name: ASCII letters, digits and underscores.
  std::string_view word() {
    const auto start = pos_;
    while (!done() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  // k6's float: digit+ ("." digit+)?, and a leading minus for gauges that can go negative.
  double number(std::string_view expected) {
    const auto start = pos_;
    if (peek() == '-') ++pos_;
    const auto digits = [&] {
      const auto from = pos_;
      while (!done() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      return pos_ - from;
    };
    if (digits() == 0) fail(expected, start);
    if (peek() == '.') {
      ++pos_;
      if (digits() == 0) fail("a digit must follow the decimal point");
    }
    const auto value = parse_double(text_.substr(start, pos_ - start));
    if (!value || !std::isfinite(*value)) fail("the number is out of range", start);
    return *value;
  }

  // A tag key or value: a double-quoted string with JSON escapes (what quote_tag_text
  // writes), or bare text up to one of `stops`, its edge spaces trimmed and, as k6 does, the
  // quote characters (" and ') at its ends stripped. `bare_empty` tells whether the bare text
  // was empty before stripping (k6 refuses `{key:}` but takes `{key:""}`).
  std::string tag_text(std::string_view stops, bool* bare_empty = nullptr) {
    if (bare_empty != nullptr) *bare_empty = false;
    skip_spaces();
    std::string out;
    if (peek() == '"') {
      const auto open = pos_++;
      for (;;) {
        if (done()) fail("the quoted text is not closed", open);
        const char c = text_[pos_++];
        if (c == '"') break;
        if (c != '\\') {
          out += c;
          continue;
        }
        if (done()) fail("the escape is not finished");
        switch (const char e = text_[pos_++]) {
          case '"': case '\\': case '/': out += e; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            unsigned code = 0;
            const auto [end, ec] = std::from_chars(text_.data() + pos_, text_.data() + std::min(pos_ + 4, text_.size()), code, 16);
            if (ec != std::errc{} || end != text_.data() + pos_ + 4 || code > 0x7f) {
              fail("\\u takes four hex digits of an ASCII character", pos_ - 2);
            }
            out += static_cast<char>(code);
            pos_ += 4;
            break;
          }
          default: fail("unknown escape", pos_ - 2);
        }
      }
      skip_spaces();
      return out;
    }
    const auto start = pos_;
    while (!done() && stops.find(text_[pos_]) == std::string_view::npos) ++pos_;
    auto bare = text_.substr(start, pos_ - start);
    while (!bare.empty() && (bare.back() == ' ' || bare.back() == '\t')) bare.remove_suffix(1);
    if (bare_empty != nullptr) *bare_empty = bare.empty();
    while (!bare.empty() && (bare.front() == '"' || bare.front() == '\'')) bare.remove_prefix(1);
    while (!bare.empty() && (bare.back() == '"' || bare.back() == '\'')) bare.remove_suffix(1);
    return std::string{bare};
  }

 private:
  std::string_view what_;
  std::string_view text_;
  std::size_t end_;
  std::size_t pos_ = 0;
};

STAMPEDE_DECL std::string_view aggregations_of(metric_type type) {
  switch (type) {
    case metric_type::counter: return "count or rate";
    case metric_type::gauge: return "value";
    case metric_type::rate: return "rate";
    case metric_type::trend: return "avg, min, max, med or p(N)";
  }
  return "";
}

STAMPEDE_DECL bool aggregation_fits(aggregation_kind kind, metric_type type) {
  switch (kind) {
    case aggregation_kind::count: return type == metric_type::counter;
    case aggregation_kind::rate: return type == metric_type::counter || type == metric_type::rate;
    case aggregation_kind::value: return type == metric_type::gauge;
    default: return type == metric_type::trend;
  }
}

}  // namespace detail

STAMPEDE_DECL threshold threshold::parse(std::string_view metric_text, std::string_view expression,
                                  const std::vector<metric_descriptor>& known) {
  // The metric: name{key:value,...}
  detail::threshold_scanner m{"threshold metric", metric_text};
  m.skip_spaces();
  const auto name_at = m.pos();
  const auto name = m.word();
  if (name.empty()) m.fail("a metric name was expected");
  const auto found = std::find_if(known.begin(), known.end(),
                                  [&](const metric_descriptor& d) { return d.name == name; });
  if (found == known.end()) {
    m.fail("unknown metric \"" + std::string{name} +
               "\"; list a custom metric in load_test::metrics (or pass it to threshold::parse or resolve "
               "with the built-ins)",
           name_at);
  }
  metric_descriptor descriptor = *found;
  m.skip_spaces();
  if (m.eat("{")) {
    // As k6 reads it: the filter ends at the last "}", so a bare value may hold braces and
    // colons (`{url:http://${}.com:8080}`); only a comma ends a bare value.
    const auto close = metric_text.find_last_of('}');
    if (close == std::string_view::npos || close < m.pos()) {
      m.fail("the tag filter is not closed with \"}\"", metric_text.size());
    }
    m.stop_at(close);
    tag_set filter;
    m.skip_spaces();
    if (m.done()) m.fail("the tag filter is empty; write metric{key:value} or leave out the braces");
    for (;;) {
      const auto key_at = m.pos();
      auto key = m.tag_text(":,");
      if (key.empty()) m.fail("a tag key was expected", key_at);
      if (!m.eat(":")) m.fail("\":\" was expected between the tag key and its value");
      const auto value_at = m.pos();
      bool empty = false;
      auto value = m.tag_text(",", &empty);
      if (empty) m.fail("a tag value was expected (for an empty value, write \"\")", value_at);
      filter.set(std::move(key), std::move(value));
      if (m.done()) break;
      if (!m.eat(",")) m.fail("\",\" or \"}\" was expected");
      m.skip_spaces();
    }
    m.stop_at(metric_text.size());
    (void)m.eat("}");
    descriptor.filter = tag_filter{std::move(filter)};
    m.skip_spaces();
  }
  if (!m.done()) m.fail("unexpected text after the metric");

  // The expression: aggregation operator number
  detail::threshold_scanner e{"threshold", expression};
  e.skip_spaces();
  const auto agg_at = e.pos();
  const auto agg_name = e.word();
  metric_aggregate aggregate{descriptor, aggregation_kind::count, 0};
  if (agg_name == "count") {
    aggregate.kind = aggregation_kind::count;
  } else if (agg_name == "rate") {
    aggregate.kind = aggregation_kind::rate;
  } else if (agg_name == "value") {
    aggregate.kind = aggregation_kind::value;
  } else if (agg_name == "avg") {
    aggregate.kind = aggregation_kind::avg;
  } else if (agg_name == "min") {
    aggregate.kind = aggregation_kind::min;
  } else if (agg_name == "max") {
    aggregate.kind = aggregation_kind::max;
  } else if (agg_name == "med") {
    aggregate.kind = aggregation_kind::med;
  } else if (agg_name == "p") {
    aggregate.kind = aggregation_kind::percentile;
    if (!e.eat("(")) e.fail("\"(\" was expected after p, as in p(95)");
    if (e.peek() == ')') e.fail("p() needs a percentile between the parentheses, as in p(95)");
    const auto number_at = e.pos();
    aggregate.percentile = e.number("a percentile was expected, as in p(95)");
    if (aggregate.percentile < 0 || aggregate.percentile > 100) {
      e.fail("a percentile is a number from 0 to 100", number_at);
    }
    if (!e.eat(")")) e.fail("\")\" was expected after the percentile");
  } else {
    e.fail(agg_name.empty() ? "an aggregation was expected (count, rate, value, avg, min, max, med or p(N))"
                            : "unknown aggregation \"" + std::string{agg_name} +
                                  "\" (count, rate, value, avg, min, max, med or p(N))",
           agg_at);
  }
  if (!detail::aggregation_fits(aggregate.kind, descriptor.type)) {
    e.fail(aggregate.aggregation_name() + " does not apply to " + descriptor.name + ", a " +
               std::string{to_string(descriptor.type)} + " (it takes " +
               std::string{detail::aggregations_of(descriptor.type)} + ")",
           agg_at);
  }

  e.skip_spaces();
  const auto op_at = e.pos();
  comparison op{};
  // Longest tokens first; k6 also accepts JavaScript's ===.
  if (e.eat("===") || e.eat("==")) {
    op = comparison::equal;
  } else if (e.eat("!=")) {
    op = comparison::not_equal;
  } else if (e.eat("<=")) {
    op = comparison::less_equal;
  } else if (e.eat(">=")) {
    op = comparison::greater_equal;
  } else if (e.eat("<")) {
    op = comparison::less;
  } else if (e.eat(">")) {
    op = comparison::greater;
  } else {
    e.fail("an operator was expected (<, <=, >, >=, == or !=)", op_at);
  }
  e.skip_spaces();
  const double value = e.number("a number was expected after " + std::string{to_string(op)});
  e.skip_spaces();
  if (!e.done()) {
    e.fail(detail::in_milliseconds(aggregate)
               ? "unexpected text after the number (k6 thresholds take a bare number: milliseconds for time metrics)"
               : "unexpected text after the number");
  }
  const double bound = detail::in_milliseconds(aggregate) ? value * 1e6 : value;
  return threshold{threshold_condition{aggregate, op, bound, std::string{expression}}};
}

}  // namespace stampede
