// Snapshots as JSON, both ways and lossless: what one process of a distributed run writes and
// another reads back and merges.
#pragma once

#include <stampede/core/json.hpp>
#include <stampede/metrics/snapshot.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace stampede {

class json_writer;

/// The latest time a snapshot or result file may state, in nanoseconds (2^62, about 146
/// years): twice it still fits in `std::chrono::nanoseconds`, so a reader may add two.
inline constexpr std::chrono::nanoseconds max_file_time{std::int64_t{1} << 62};

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

/// The same document as one value of a larger one that `w` is writing (a result file's
/// metrics): an object whose members and entries each take a line.
void to_json(json_writer& w, const snapshot& s);
/// Reads what `to_json(const snapshot&)` wrote. Throws `parse_error` for text that is not
/// JSON (pointing at the character), and `usage_error` naming the JSON path for anything
/// else wrong: another format or version, a missing key, a value of the wrong type or out
/// of range, an unknown metric type, an invalid metric name, a repeated entry, or a
/// histogram state that `histogram::restore` refuses
/// (`entries[3].data: histogram::restore: min (9) is above max (5)`). The file is untrusted:
/// the span must run forward from 0 and end by `max_file_time` (`0 ≤ start_ns ≤ end_ns ≤
/// 2^62`), so that its length and sums of such times fit in 64-bit nanoseconds; and a trend's
/// histogram settings must need no more memory than the default's
/// (`histogram::memory_bytes(histogram_config{})`, which is what stampede writes), checked
/// before anything is allocated.
[[nodiscard]] snapshot snapshot_from_json(std::string_view json);
/// The same for a snapshot inside a larger document (a result file's), with errors named by
/// their path in it.
[[nodiscard]] snapshot snapshot_from_json(const json_ref& json);

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/metrics/impl/snapshot_json.ipp>
#endif
