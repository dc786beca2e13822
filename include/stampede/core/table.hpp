// sp::table: rows of results with named columns, written as aligned text, Markdown, CSV or
// JSON — the seed's "Complete Results" and "Throughput Scaling" tables as a value. In core/
// because scaling's curves and the reports both render tables.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stampede {

/// One cell: the text a reader sees and, for numbers, the value JSON and CSV keep exactly.
/// An empty cell (a percentile nobody measured) has neither.
struct table_cell {
  std::string text{};
  std::optional<double> number{};

  [[nodiscard]] static table_cell of(std::string text) { return {std::move(text), std::nullopt}; }
  /// A number shown with `decimals` decimals (JSON and CSV keep the exact value).
  [[nodiscard]] static table_cell of(double value, int decimals);
  [[nodiscard]] bool empty() const noexcept { return text.empty() && !number; }
  friend bool operator==(const table_cell&, const table_cell&) = default;
};

/// A table of results. Columns are named; numeric columns align right in text.
///
/// ```cpp
/// sp::table t{{"Replicas", "RPS"}};
/// t.add_row({sp::table_cell::of(1, 0), sp::table_cell::of(781.5, 1)});
/// fmt::print("{}", t.to_markdown());
/// // | Replicas | RPS |
/// // |----------|-----|
/// // | 1 | 781.5 |
/// ```
class table {
 public:
  table() = default;
  explicit table(std::vector<std::string> columns) : columns_{std::move(columns)} {}

  /// Appends a row; throws `usage_error` if it does not have one cell per column.
  void add_row(std::vector<table_cell> row);

  [[nodiscard]] const std::vector<std::string>& columns() const noexcept { return columns_; }
  [[nodiscard]] const std::vector<std::vector<table_cell>>& rows() const noexcept { return rows_; }
  /// The cell at `row` under the column named `column`; throws `usage_error` for an unknown
  /// column or a row out of range.
  [[nodiscard]] const table_cell& at(std::size_t row, std::string_view column) const;

  /// Columns padded to their widest cell, numbers right-aligned, for a terminal.
  [[nodiscard]] std::string to_text() const;
  /// A GitHub-flavoured Markdown table in the seed's layout (`| a | b |`, a dash rule as wide
  /// as each header).
  [[nodiscard]] std::string to_markdown() const;
  /// RFC 4180 CSV: a header line, numbers as their shortest exact text, empty cells empty.
  [[nodiscard]] std::string to_csv() const;
  /// `{"columns": [...], "rows": [[...], ...]}`: numbers as JSON numbers, text as strings,
  /// empty cells as `null`.
  [[nodiscard]] std::string to_json() const;

  friend bool operator==(const table&, const table&) = default;

 private:
  std::vector<std::string> columns_;
  std::vector<std::vector<table_cell>> rows_;
};

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/core/impl/table.ipp>
#endif
