// Bodies of sp::table (included by core/table.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/charconv.hpp>
#include <stampede/core/csv.hpp>
#include <stampede/core/detail/text_width.hpp>
#include <stampede/core/error.hpp>
#include <stampede/core/json_writer.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace stampede {

STAMPEDE_DECL table_cell table_cell::of(double value, int decimals) {
  if (!std::isfinite(value)) return {fmt::format("{}", value), std::nullopt};
  return {fmt::format("{:.{}f}", value, std::max(decimals, 0)), value};
}

STAMPEDE_DECL void table::add_row(std::vector<table_cell> row) {
  if (row.size() != columns_.size()) {
    throw usage_error(fmt::format("a table row has {} cells but the table has {} columns", row.size(), columns_.size()));
  }
  rows_.push_back(std::move(row));
}

STAMPEDE_DECL const table_cell& table::at(std::size_t row, std::string_view column) const {
  const auto it = std::find(columns_.begin(), columns_.end(), column);
  if (it == columns_.end()) throw usage_error(fmt::format("the table has no column \"{}\"", column));
  if (row >= rows_.size()) throw usage_error(fmt::format("the table has {} rows, not {}", rows_.size(), row + 1));
  return rows_[row][static_cast<std::size_t>(it - columns_.begin())];
}

STAMPEDE_DECL std::string table::to_text() const {
  std::vector<std::size_t> widths(columns_.size());
  std::vector<bool> numeric(columns_.size(), true);
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    widths[c] = detail::text_width(columns_[c]);
    bool any = false;
    for (const auto& row : rows_) {
      widths[c] = std::max(widths[c], detail::text_width(row[c].text));
      if (!row[c].empty()) any = true;
      if (!row[c].empty() && !row[c].number) numeric[c] = false;
    }
    numeric[c] = numeric[c] && any;
  }
  std::string out;
  const auto line = [&](const auto& cell_text) {
    std::string text;
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      const std::string_view cell = cell_text(c);
      const auto pad = std::string(widths[c] - detail::text_width(cell), ' ');
      if (c > 0) text += "  ";
      text += numeric[c] ? pad + std::string{cell} : std::string{cell} + (c + 1 < columns_.size() ? pad : "");
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + '\n';
  };
  line([&](std::size_t c) -> std::string_view { return columns_[c]; });
  for (const auto& row : rows_) line([&](std::size_t c) -> std::string_view { return row[c].text; });
  return out;
}

STAMPEDE_DECL std::string table::to_markdown() const {
  std::string out = "|";
  for (const auto& c : columns_) out += " " + c + " |";
  out += "\n|";
  for (const auto& c : columns_) out += std::string(detail::text_width(c) + 2, '-') + "|";
  out += '\n';
  for (const auto& row : rows_) {
    out += "|";
    for (const auto& cell : row) out += cell.text.empty() ? "  |" : " " + cell.text + " |";
    out += '\n';
  }
  return out;
}

STAMPEDE_DECL std::string table::to_csv() const {
  std::string out;
  csv_writer w{out, "\r\n"};
  for (const auto& c : columns_) w.field(c);
  w.end_row();
  for (const auto& row : rows_) {
    for (const auto& cell : row) {
      if (cell.number) {
        w.number(*cell.number);
      } else {
        w.field(cell.text);
      }
    }
    w.end_row();
  }
  return out;
}

STAMPEDE_DECL std::string table::to_json() const {
  std::string out;
  json_writer w{out};
  w.begin_object().key("columns").begin_array();
  for (const auto& c : columns_) w.string(c);
  w.end_array().key("rows").begin_array();
  for (const auto& row : rows_) {
    w.begin_array();
    for (const auto& cell : row) {
      if (cell.number) {
        w.number(*cell.number);
      } else if (cell.text.empty()) {
        w.null();
      } else {
        w.string(cell.text);
      }
    }
    w.end_array();
  }
  w.end_array().end_object();
  return out;
}

}  // namespace stampede
