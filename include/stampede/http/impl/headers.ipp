// Bodies of headers (included by http/headers.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/http/url.hpp>  // detail::iequals_ascii's body, in url.ipp

#include <algorithm>
#include <cstring>

namespace stampede::http {

STAMPEDE_DECL headers::headers(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  for (const auto& [name, value] : fields) add(name, value);
}

STAMPEDE_DECL void headers::add(std::string_view name, std::string_view value) {
  begin_field();
  append_name(name);
  append_value(value);
  end_field();
}

STAMPEDE_DECL void headers::set(std::string_view name, std::string_view value) {
  // Copy first: name or value may point into text_, which erase() rewrites.
  const std::string n{name}, v{value};
  erase(n);
  add(n, v);
}

STAMPEDE_DECL std::size_t headers::erase(std::string_view name) {
  const auto before = fields_.size();
  const std::string_view text{text_.data(), text_.size()};
  std::erase_if(fields_, [&](const field& f) { return detail::iequals_ascii(text.substr(f.name_begin, f.name_size), name); });
  return before - fields_.size();
}

STAMPEDE_DECL std::optional<std::string_view> headers::get(std::string_view name) const noexcept {
  for (const auto& f : fields_) {
    if (detail::iequals_ascii(std::string_view{text_.data(), text_.size()}.substr(f.name_begin, f.name_size), name)) {
      return std::string_view{text_.data(), text_.size()}.substr(f.value_begin, f.value_size);
    }
  }
  return std::nullopt;
}

STAMPEDE_DECL std::vector<std::string_view> headers::get_all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto h : *this) {
    if (detail::iequals_ascii(h.name, name)) out.push_back(h.value);
  }
  return out;
}

STAMPEDE_DECL header_view headers::operator[](std::size_t i) const noexcept {
  const auto& f = fields_[i];
  const std::string_view t{text_.data(), text_.size()};
  return {t.substr(f.name_begin, f.name_size), t.substr(f.value_begin, f.value_size)};
}

STAMPEDE_DECL void headers::clear() noexcept {
  text_.clear();
  fields_.clear();
}

STAMPEDE_DECL bool operator==(const headers& a, const headers& b) noexcept {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](header_view x, header_view y) {
    return x.name == y.name && x.value == y.value;
  });
}

STAMPEDE_DECL void headers::begin_field() {
  // Room for a typical response's fields at once (nginx sends 5 to 8 in 150 to 250 bytes),
  // so parsing one grows neither buffer.
  if (fields_.capacity() == 0) {
    fields_.reserve(16);
    text_.reserve(512);
  }
  const auto at = static_cast<std::uint32_t>(text_.size());
  fields_.push_back({at, 0, at, 0});
}

// Appends with resize and memcpy: vector::insert of a range costs several times as much for
// the few bytes a piece of a field is.
STAMPEDE_DECL void headers::append_text(std::string_view piece) {
  const auto at = text_.size();
  text_.resize(at + piece.size());
  if (!piece.empty()) std::memcpy(text_.data() + at, piece.data(), piece.size());
}

STAMPEDE_DECL void headers::append_name(std::string_view piece) {
  append_text(piece);
  auto& f = fields_.back();
  f.name_size += static_cast<std::uint32_t>(piece.size());
  f.value_begin = f.name_begin + f.name_size;
}

STAMPEDE_DECL void headers::append_value(std::string_view piece) {
  append_text(piece);
  fields_.back().value_size += static_cast<std::uint32_t>(piece.size());
}

STAMPEDE_DECL void headers::end_field() noexcept {
  auto& f = fields_.back();
  const auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  while (f.value_size > 0 && is_space(text_[f.value_begin])) {
    ++f.value_begin;
    --f.value_size;
  }
  while (f.value_size > 0 && is_space(text_[f.value_begin + f.value_size - 1])) --f.value_size;
}

}  // namespace stampede::http
