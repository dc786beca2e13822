// Fuzzes parse_json on any bytes: it returns a document or throws parse_error, whatever the
// nesting, escapes or encoding. No other oracle: the unit tests check what it reads.
#include "fuzz_support.hpp"

#include <stampede/core/error.hpp>
#include <stampede/core/json.hpp>

namespace sp = stampede;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    (void)sp::parse_json(sp::fuzz::text(data, size));
  } catch (const sp::parse_error&) {
  }
  return 0;
}
