// Bodies of sample_tag_tables (included by metrics/samples.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>

#include <string>

namespace stampede {

STAMPEDE_DECL void sample_tag_tables::learn(const sample_block& block) {
  if (block.source >= tables_.size()) tables_.resize(std::size_t{block.source} + 1);
  auto& table = tables_[block.source];
  if (block.new_tags.empty()) return;
  if (block.first_new_tags != table.size()) {
    throw usage_error("sample block of source " + std::to_string(block.source) + " starts its tag sets at " +
                      std::to_string(block.first_new_tags) + ", but " + std::to_string(table.size()) +
                      " are known: a block was skipped");
  }
  table.insert(table.end(), block.new_tags.begin(), block.new_tags.end());
}

STAMPEDE_DECL const tag_set& sample_tag_tables::get(std::uint32_t source, tag_set_id id) const {
  if (source >= tables_.size() || id >= tables_[source].size()) {
    throw usage_error("tag set " + std::to_string(id) + " of sample source " + std::to_string(source) +
                      " is not known");
  }
  return tables_[source][id];
}

}  // namespace stampede
