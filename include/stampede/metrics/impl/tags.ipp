// Bodies of tag_set, tag_filter and the brace-form writer (included by metrics/tags.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/json_string.hpp>

#include <algorithm>

namespace stampede {

namespace detail {

STAMPEDE_DECL auto find_tag(std::vector<tag>& tags, std::string_view key) {
  return std::lower_bound(tags.begin(), tags.end(), key,
                          [](const tag& t, std::string_view k) { return t.key < k; });
}

STAMPEDE_DECL auto find_tag(const std::vector<tag>& tags, std::string_view key) {
  return std::lower_bound(tags.begin(), tags.end(), key,
                          [](const tag& t, std::string_view k) { return t.key < k; });
}

// Characters that would end or confuse a bare key or value inside `{k:v,...}`.
STAMPEDE_DECL bool needs_quotes(std::string_view text) {
  // Bare text loses edge spaces and, as k6 reads it, edge quotes of either kind.
  if (text.empty() || text.front() == ' ' || text.back() == ' ' || text.front() == '\'' || text.back() == '\'') {
    return true;
  }
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f || c == '"' || c == '\\' || c == ',' || c == ':' || c == '{' ||
           c == '}';
  });
}

}  // namespace detail

STAMPEDE_DECL tag_set::tag_set(std::initializer_list<tag> tags) {
  for (const auto& t : tags) set(t.key, t.value);
}

STAMPEDE_DECL tag_set& tag_set::set(std::string key, std::string value) {
  auto it = detail::find_tag(tags_, key);
  if (it != tags_.end() && it->key == key) {
    it->value = std::move(value);
  } else {
    tags_.insert(it, tag{std::move(key), std::move(value)});
  }
  return *this;
}

STAMPEDE_DECL bool tag_set::erase(std::string_view key) {
  auto it = detail::find_tag(tags_, key);
  if (it == tags_.end() || it->key != key) return false;
  tags_.erase(it);
  return true;
}

STAMPEDE_DECL std::optional<std::string_view> tag_set::get(std::string_view key) const {
  auto it = detail::find_tag(tags_, key);
  if (it == tags_.end() || it->key != key) return std::nullopt;
  return std::string_view{it->value};
}

STAMPEDE_DECL tag_set tag_set::merged_with(const tag_set& other) const {
  tag_set out = *this;
  for (const auto& t : other) out.set(t.key, t.value);
  return out;
}

STAMPEDE_DECL bool tag_filter::matches(const tag_set& sample_tags) const {
  return std::all_of(tags_.begin(), tags_.end(), [&](const tag& wanted) {
    const auto have = sample_tags.get(wanted.key);
    return have && *have == wanted.value;
  });
}

STAMPEDE_DECL tag_filter tag_filter::and_where(std::string key, std::string value) const {
  tag_filter out = *this;
  out.tags_.set(std::move(key), std::move(value));
  return out;
}

STAMPEDE_DECL std::string quote_tag_text(std::string_view text) {
  if (!detail::needs_quotes(text)) return std::string{text};
  // JSON's escapes but \b and \f, which the threshold parser does not read: \u0008, \u000c.
  std::string out = "\"";
  for (const char c : text) {
    if (c == '\b') {
      out += "\\u0008";
    } else if (c == '\f') {
      out += "\\u000c";
    } else {
      const auto quoted = json_quote(std::string_view{&c, 1});
      out.append(quoted, 1, quoted.size() - 2);
    }
  }
  return out + '"';
}

STAMPEDE_DECL std::string to_string(const tag_set& tags) {
  std::string out = "{";
  bool first = true;
  for (const auto& t : tags) {
    if (!first) out += ',';
    first = false;
    out += quote_tag_text(t.key);
    out += ':';
    out += quote_tag_text(t.value);
  }
  out += '}';
  return out;
}

STAMPEDE_DECL std::string to_string(const tag_filter& filter) { return to_string(filter.tags()); }

}  // namespace stampede
