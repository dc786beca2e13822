// Bodies of parse_output_spec and make_output (included by report/outputs.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>
#include <stampede/core/units.hpp>
#include <stampede/report/csv_output.hpp>
#include <stampede/report/json_output.hpp>
#include <stampede/report/html_report.hpp>
#include <stampede/report/junit_output.hpp>
#include <stampede/report/prometheus_output.hpp>
#include <stampede/report/result_file.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <system_error>

namespace stampede {

namespace detail::outputs {

inline constexpr std::array<std::string_view, 6> kinds{"json", "csv", "junit", "prometheus", "result", "html"};

STAMPEDE_DECL std::string kinds_text() {
  std::string out;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    if (i > 0) out += i + 1 == kinds.size() ? " or " : ", ";
    out += kinds[i];
  }
  return out;
}

struct csv_arguments {
  std::string file = "file.csv";  // k6's default
  csv_time_format time_format = csv_time_format::unix_seconds;
  stream_output::options options{};
};

// k6's CSV argument: a file name, or comma-separated key=value pairs (its ParseArg).
STAMPEDE_DECL csv_arguments parse_csv_arguments(std::string_view argument) {
  csv_arguments out;
  if (argument.find('=') == std::string_view::npos) {
    if (!argument.empty()) out.file = std::string{argument};
    return out;
  }
  std::size_t from = 0;
  while (from <= argument.size()) {
    const auto comma = std::min(argument.find(',', from), argument.size());
    const auto pair = argument.substr(from, comma - from);
    from = comma + 1;
    const auto eq = pair.find('=');
    const auto key = pair.substr(0, eq);
    const auto value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (value.empty()) throw usage_error(fmt::format("couldn't parse \"{}\": expected KEY=VALUE", pair));
    if (key == "fileName") {
      out.file = std::string{value};
    } else if (key == "timeFormat") {
      out.time_format = parse_csv_time_format(value);
    } else if (key == "saveInterval") {
      try {
        out.options.flush_interval = parse_duration(value);
      } catch (const parse_error& e) {
        throw usage_error(fmt::format("saveInterval \"{}\" is not a duration: {}", value, e.what()));
      }
      if (out.options.flush_interval <= std::chrono::nanoseconds{0}) {
        throw usage_error(fmt::format("saveInterval must be greater than 0, got \"{}\"", value));
      }
    } else {
      throw usage_error(fmt::format("unknown key \"{}\"; use fileName, timeFormat or saveInterval", key));
    }
  }
  return out;
}

// `[HOST:PORT][,linger=DURATION]`, or the same as key=value pairs (address=HOST:PORT).
STAMPEDE_DECL prometheus_output::options parse_prometheus_arguments(std::string_view argument) {
  prometheus_output::options out;
  const auto set_address = [&](std::string_view address) {
    const auto colon = address.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      throw usage_error(fmt::format("expected HOST:PORT, such as 127.0.0.1:9464, got \"{}\"", address));
    }
    auto host = address.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    const auto port_text = address.substr(colon + 1);
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) {
      throw usage_error(fmt::format("expected a port from 0 to 65535 in \"{}\"", address));
    }
    out.host = std::string{host};
    out.port = static_cast<std::uint16_t>(port);
  };
  std::size_t from = 0;
  while (from < argument.size()) {
    const auto comma = std::min(argument.find(',', from), argument.size());
    const auto part = argument.substr(from, comma - from);
    from = comma + 1;
    const auto eq = part.find('=');
    if (eq == std::string_view::npos) {
      set_address(part);
      continue;
    }
    const auto key = part.substr(0, eq);
    const auto value = part.substr(eq + 1);
    if (key == "address") {
      set_address(value);
    } else if (key == "linger") {
      try {
        out.linger = parse_duration(value);
      } catch (const parse_error& e) {
        throw usage_error(fmt::format("linger \"{}\" is not a duration: {}", value, e.what()));
      }
      if (out.linger < std::chrono::nanoseconds{0}) throw usage_error("linger must not be negative");
    } else {
      throw usage_error(fmt::format("unknown key \"{}\"; use address or linger", key));
    }
  }
  return out;
}

// Runs `fn`, naming the output in a usage_error it throws.
template <typename Fn>
auto naming(const output_spec& spec, Fn fn) {
  try {
    return fn();
  } catch (const usage_error& e) {
    throw usage_error(fmt::format("--out {}: {}", spec.kind, e.what()));
  }
}

}  // namespace detail::outputs

STAMPEDE_DECL std::span<const std::string_view> output_kinds() noexcept { return detail::outputs::kinds; }

STAMPEDE_DECL output_spec parse_output_spec(std::string_view text) {
  const auto eq = text.find('=');
  output_spec spec{std::string{text.substr(0, eq)},
                   eq == std::string_view::npos ? std::string{} : std::string{text.substr(eq + 1)}};
  const auto& kinds = detail::outputs::kinds;
  if (std::find(kinds.begin(), kinds.end(), spec.kind) == kinds.end()) {
    throw usage_error(fmt::format("--out: unknown output \"{}\"; use {}", spec.kind, detail::outputs::kinds_text()));
  }
  return spec;
}

STAMPEDE_DECL std::string describe(const output_spec& spec) {
  namespace d = detail::outputs;
  if (spec.kind == "csv") return fmt::format("csv ({})", d::naming(spec, [&] { return d::parse_csv_arguments(spec.argument); }).file);
  if (spec.kind == "json" && (spec.argument.empty() || spec.argument == "-")) return "json (stdout)";
  if (spec.kind == "result" && spec.argument == "-") return "result (stdout)";
  if (spec.kind == "prometheus") {
    const auto o = d::naming(spec, [&] { return d::parse_prometheus_arguments(spec.argument); });
    return fmt::format("prometheus (http://{}:{}/metrics)", o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host,
                       o.port);
  }
  return fmt::format("{} ({})", spec.kind, spec.argument);
}

STAMPEDE_DECL std::unique_ptr<run_observer> make_output(const output_spec& spec, std::FILE* standard_output) {
  namespace d = detail::outputs;
  return d::naming(spec, [&]() -> std::unique_ptr<run_observer> {
    if (spec.kind == "json") return std::make_unique<json_output>(spec.argument.empty() ? "-" : spec.argument);
    if (spec.kind == "csv") {
      auto args = d::parse_csv_arguments(spec.argument);
      return std::make_unique<csv_output>(std::move(args.file), args.time_format, args.options);
    }
    if (spec.kind == "junit") {
      if (spec.argument.empty()) throw usage_error("needs a file: junit=FILE");
      return std::make_unique<junit_output>(spec.argument);
    }
    if (spec.kind == "prometheus") return std::make_unique<prometheus_output>(d::parse_prometheus_arguments(spec.argument));
    if (spec.kind == "result") {
      if (spec.argument.empty()) throw usage_error("needs a file: result=FILE, or result=- for stdout");
      return std::make_unique<result_output>(spec.argument, 1200, standard_output);
    }
    if (spec.kind == "html") {
      if (spec.argument.empty() || spec.argument == "-") throw usage_error("needs a file: html=FILE");
      return std::make_unique<html_output>(spec.argument);
    }
    throw usage_error(fmt::format("unknown output; use {}", d::kinds_text()));
  });
}

}  // namespace stampede
