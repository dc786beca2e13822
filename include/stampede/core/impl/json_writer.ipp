// Bodies of sp::json_writer (included by core/json_writer.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/charconv.hpp>
#include <stampede/core/error.hpp>

#include <cmath>
#include <string>

namespace stampede {

STAMPEDE_DECL json_writer& json_writer::begin_object(json_wrap wrap) {
  begin(true, wrap);
  return *this;
}

STAMPEDE_DECL json_writer& json_writer::end_object() {
  end(true);
  return *this;
}

STAMPEDE_DECL json_writer& json_writer::begin_array(json_wrap wrap) {
  begin(false, wrap);
  return *this;
}

STAMPEDE_DECL json_writer& json_writer::end_array() {
  end(false);
  return *this;
}

STAMPEDE_DECL json_writer& json_writer::key(std::string_view name) {
  if (depth_ == 0 || !stack_[depth_ - 1].object) throw usage_error("json_writer: a key outside an object");
  auto& top = stack_[depth_ - 1];
  if (top.keyed) throw usage_error("json_writer: a key where the previous key's value belongs");
  if (!top.empty) *out_ += ',';
  if (top.lines) {
    new_line(wrapped_);
  } else if (!top.empty && spacing_ == json_spacing::spaced) {
    *out_ += ' ';
  }
  *out_ += json_quote(name);
  *out_ += spacing_ == json_spacing::spaced ? ": " : ":";
  top.empty = false;
  top.keyed = true;
  return *this;
}

STAMPEDE_DECL json_writer& json_writer::string(std::string_view text) {
  before_value();
  *out_ += json_quote(text);
  return *this;
}

STAMPEDE_DECL json_writer& json_writer::boolean(bool value) {
  before_value();
  *out_ += value ? "true" : "false";
  return *this;
}

STAMPEDE_DECL json_writer& json_writer::null() {
  before_value();
  *out_ += "null";
  return *this;
}

STAMPEDE_DECL json_writer& json_writer::number(double value) {
  if (!std::isfinite(value)) throw usage_error("json_writer: JSON has no number for " + format_double(value));
  before_value();
  *out_ += format_double(value);
  return *this;
}

STAMPEDE_DECL json_writer& json_writer::integer(std::int64_t bits, bool is_unsigned) {
  before_value();
  *out_ += is_unsigned ? std::to_string(static_cast<std::uint64_t>(bits)) : std::to_string(bits);
  return *this;
}

STAMPEDE_DECL json_writer& json_writer::raw(std::string_view json) {
  before_value();
  *out_ += json;
  return *this;
}

STAMPEDE_DECL void json_writer::begin(bool object, json_wrap wrap) {
  if (depth_ == max_depth) {
    throw usage_error("json_writer: containers nested deeper than " + std::to_string(max_depth));
  }
  before_value();
  *out_ += object ? '{' : '[';
  const bool lines = wrap == json_wrap::lines;
  stack_[depth_++] = level{object, lines, true, false};
  if (lines) ++wrapped_;
}

STAMPEDE_DECL void json_writer::end(bool object) {
  const char* const what = object ? "object" : "array";
  if (depth_ == 0 || stack_[depth_ - 1].object != object) {
    throw usage_error(std::string{"json_writer: the end of an "} + what + " that is not open");
  }
  const auto top = stack_[depth_ - 1];
  if (top.keyed) throw usage_error("json_writer: an object ended after a key without its value");
  --depth_;
  if (top.lines) {
    --wrapped_;
    if (!top.empty) new_line(wrapped_);
  }
  *out_ += object ? '}' : ']';
}

STAMPEDE_DECL void json_writer::before_value() {
  if (depth_ == 0) {
    if (wrote_root_) throw usage_error("json_writer: a second value after the document's end");
    wrote_root_ = true;
    return;
  }
  auto& top = stack_[depth_ - 1];
  if (top.object) {
    if (!top.keyed) throw usage_error("json_writer: a value in an object without its key");
    top.keyed = false;
    return;
  }
  if (!top.empty) *out_ += ',';
  if (top.lines) {
    new_line(wrapped_);
  } else if (!top.empty && spacing_ == json_spacing::spaced) {
    *out_ += ' ';
  }
  top.empty = false;
}

STAMPEDE_DECL void json_writer::new_line(std::size_t indent_levels) {
  *out_ += '\n';
  out_->append(2 * indent_levels, ' ');
}

}  // namespace stampede
