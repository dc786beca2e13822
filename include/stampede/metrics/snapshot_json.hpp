// Snapshots as JSON, both ways and lossless: what one process of a distributed run writes and
// another reads back and merges.
#pragma once

#include <stampede/core/json.hpp>
#include <stampede/metrics/snapshot.hpp>

#include <string>
#include <string_view>

namespace stampede {

/// The snapshot as a JSON document that `snapshot_from_json` reads back equal (`==`):
/// histograms as their sparse state (config, non-empty buckets, exact min, max and clamped
/// count, the 128-bit sum as a decimal string), gauges with their time, trends' rejected
/// counts, every descriptor with its tag filter, and the span. Doubles are written in their
/// shortest exact form; the non-finite ones, which JSON has no number for, as the strings
/// `"NaN"`, `"Infinity"` and `"-Infinity"`. The document starts with
/// `"format": "stampede-snapshot", "version": 1`.
///
/// Throws `usage_error` if a string (a tag's key or value) is not valid UTF-8, since JSON
/// could not carry it and the reader would refuse the document.
///
/// ```cpp
/// auto merged = stampede::snapshot_from_json(read_file("a.json"));
/// merged.merge(stampede::snapshot_from_json(read_file("b.json")));  // as if one process ran both
/// ```
[[nodiscard]] std::string to_json(const snapshot& s);

/// Reads what `to_json(const snapshot&)` wrote. Throws `parse_error` for text that is not
/// JSON (pointing at the character), and `usage_error` naming the JSON path for anything
/// else wrong: another format or version, a missing key, a value of the wrong type or out
/// of range, an unknown metric type, an invalid metric name, a repeated entry, or a
/// histogram state that `histogram::restore` refuses
/// (`entries[3].data: histogram::restore: min (9) is above max (5)`).
[[nodiscard]] snapshot snapshot_from_json(std::string_view json);
/// The same for a snapshot inside a larger document (a result file's), with errors named by
/// their path in it.
[[nodiscard]] snapshot snapshot_from_json(const json_ref& json);

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/metrics/impl/snapshot_json.ipp>
#endif
