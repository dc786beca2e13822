// Body of execution_part: the execution-segment flags and the launchers' environment (included
// by cli/options.hpp after options.ipp, whose detail::cli::parse_int it uses, or compiled once
// into stampede::compiled).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>

#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>

namespace stampede {

STAMPEDE_DECL execution_tuple execution_part(
    const cli_options& o, const std::function<std::optional<std::string>(std::string_view)>& environment) {
  const bool by_index = o.segment_index || o.segment_count || o.segment_from_env;
  if (o.segment && by_index) {
    throw usage_error(
        "--execution-segment names the part itself: it cannot be combined with --execution-segment-index, "
        "--execution-segment-count or --execution-segment-from-env");
  }
  if (!by_index) {
    if (o.segment_sequence && !o.segment) {
      // k6: "the execution segment sequence can't be used without a segment"
      throw usage_error("--execution-segment-sequence needs --execution-segment or --execution-segment-index to say "
                        "which of its parts to run");
    }
    return o.segment ? execution_tuple{*o.segment, o.segment_sequence.value_or(execution_segment_sequence{})}
                     : execution_tuple{};
  }
  std::optional<std::int64_t> index = o.segment_index;
  std::optional<std::int64_t> count = o.segment_count;
  std::string source = "--execution-segment-index";
  if (o.segment_from_env) {
    if (o.segment_index) {
      throw usage_error("--execution-segment-from-env takes the index from the environment: drop --execution-segment-index");
    }
    // The launchers' variables: the first pair set wins.
    struct launcher {
      std::string_view rank;
      std::string_view size;  // empty: the count comes from --execution-segment-count
    };
    constexpr launcher launchers[] = {{"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"},
                                      {"PMI_RANK", "PMI_SIZE"},
                                      {"SLURM_PROCID", "SLURM_NTASKS"},
                                      {"JOB_COMPLETION_INDEX", ""}};
    const auto read = [&](std::string_view name, std::int64_t least) {
      const auto text = environment(name);
      const auto value = text ? detail::cli::parse_int<std::int64_t>(*text) : std::nullopt;
      if (!value || *value < least) {
        throw usage_error(fmt::format("--execution-segment-from-env: {} must be a whole number, at least {}, got \"{}\"",
                                      name, least, text.value_or("")));
      }
      return *value;
    };
    for (const auto& l : launchers) {
      if (!environment(l.rank)) continue;
      index = read(l.rank, 0);
      source = std::string{l.rank};
      if (!l.size.empty()) {
        const auto size = read(l.size, 1);
        if (count && *count != size) {
          throw usage_error(fmt::format("--execution-segment-count {} disagrees with {}={}", *count, l.size, size));
        }
        count = size;
      }
      break;
    }
    if (!index) {
      throw usage_error(
          "--execution-segment-from-env: none of OMPI_COMM_WORLD_RANK, PMI_RANK, SLURM_PROCID or "
          "JOB_COMPLETION_INDEX is set (run under mpirun, srun or a Kubernetes Indexed Job)");
    }
  }
  if (!index) throw usage_error("--execution-segment-count needs --execution-segment-index (or --execution-segment-from-env)");
  execution_segment_sequence sequence;
  if (o.segment_sequence) {
    sequence = execution_segment_sequence::filled(*o.segment_sequence, execution_segment{});
    if (count && *count != static_cast<std::int64_t>(sequence.size())) {
      throw usage_error(fmt::format("--execution-segment-count {} disagrees with --execution-segment-sequence {} ({} parts)",
                                    *count, sequence.to_string(), sequence.size()));
    }
  } else {
    if (!count) {
      throw usage_error(fmt::format("{} needs --execution-segment-count (or --execution-segment-sequence) to say how many parts there are",
                                    source));
    }
    sequence = execution_segment_sequence{execution_segment{}.split(*count)};
  }
  if (*index >= static_cast<std::int64_t>(sequence.size())) {
    throw usage_error(fmt::format("{} is {}, but the test runs as {} parts (indexes 0 to {})", source, *index,
                                  sequence.size(), sequence.size() - 1));
  }
  return execution_tuple{sequence.segments()[static_cast<std::size_t>(*index)], sequence};
}

}  // namespace stampede
