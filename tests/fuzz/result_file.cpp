// Fuzzes the readers of stampede's own files, which a merge takes from other machines:
// result_document_from_json (report/result_file.hpp) and snapshot_from_json
// (metrics/snapshot_json.hpp), each given the whole input. They read a document or throw
// usage_error (parse_error for text that is not JSON). Oracle: what reads is written, and the
// written text reads back equal and writes again the same: to_json is a fixed point.
#include "fuzz_support.hpp"

#include <stampede/core/error.hpp>
#include <stampede/metrics/snapshot_json.hpp>
#include <stampede/report/result_file.hpp>

#include <string>

namespace sp = stampede;

namespace {

template <class Read>
void check_fixed_point(std::string_view input, Read read) {
  decltype(read(input)) first;
  try {
    first = read(input);
  } catch (const sp::usage_error&) {
    return;
  }
  const std::string written = sp::to_json(first);
  try {
    const auto second = read(written);
    sp::fuzz::require(second == first, "what to_json wrote reads back equal", input, written);
    const std::string again = sp::to_json(second);
    sp::fuzz::require(again == written, "to_json(read(to_json(x))) is to_json(x)", written, again);
  } catch (const sp::usage_error& e) {
    sp::fuzz::require(false, "what to_json wrote reads back", written, e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = sp::fuzz::text(data, size);
  check_fixed_point(input, [](std::string_view json) { return sp::result_document_from_json(json); });
  check_fixed_point(input, [](std::string_view json) { return sp::snapshot_from_json(json); });
  return 0;
}
