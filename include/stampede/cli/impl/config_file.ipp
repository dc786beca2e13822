// Bodies of parse_k6_options, read_k6_options and apply_k6_options (included by
// cli/config_file.hpp). k6's sources are cited by path: lib/options.go (the keys and
// Options.Apply), lib/executor/*.go (each executor's fields, defaults and Validate),
// lib/executor/execution_config_shortcuts.go (DeriveScenariosFromShortcuts), internal/cmd/config.go
// (Config, readDiskConfig's messages), metrics/thresholds.go (thresholdConfig), lib/types/dns.go.
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/charconv.hpp>
#include <stampede/core/detail/edit_distance.hpp>
#include <stampede/core/error.hpp>
#include <stampede/core/json.hpp>
#include <stampede/core/json_string.hpp>
#include <stampede/http/dns_cache.hpp>
#include <stampede/metrics/builtin.hpp>
#include <stampede/metrics/engine.hpp>
#include <stampede/metrics/registry.hpp>
#include <stampede/metrics/tags.hpp>
#include <stampede/report/summary.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace stampede {

namespace detail::config_file {

// k6's sanity limit on VU counts (maxConcurrentVUs in lib/executor/ramping_vus.go), which
// stampede's validate applies to every VU count.
inline constexpr std::int64_t vu_limit = 100'000'000;
// Rates are doubles in stampede (k6: whole numbers); past 2^53 a double no longer counts
// iterations one by one, so a larger rate is a mistake, not a load.
inline constexpr double rate_limit = 9007199254740992.0;

// What stampede does with each key k6 has but stampede cannot honour. The same table, with the
// supported keys, is in docs/config.md.
//
// | key                       | decision | why                                                       |
// | ------------------------- | -------- | --------------------------------------------------------- |
// | ext, cloud                | ignored  | Grafana Cloud metadata (project, name): nothing to run    |
// | noArchiveUpload           | ignored  | cloud runs only                                           |
// | batch, batchPerHost       | ignored  | limits on k6's http.batch(); stampede has no batch call   |
// | metricSamplesBufferSize   | ignored  | k6's sample channel buffer; recorders are per shard       |
// | handleSummaryTimeout      | ignored  | stampede runs no handleSummary() callback                 |
// | noUsageReport             | ignored  | stampede sends no usage report                            |
// | webDashboard              | ignored  | display only; stampede has no web dashboard               |
// | noCookiesReset            | ignored  | a VU's cookie jar already lives as long as its client     |
// | collectors                | ignored  | k6's old output settings; outputs are --out flags         |
// | features                  | ignored  | k6's feature flags; stampede's behaviour has none         |
// | paused: true              | refused  | resumed only through k6's REST API: it would never start  |
// | tlsAuth                   | refused  | no client certificates: the server would refuse the test  |
// | tlsCipherSuites, tlsVersion | refused | OpenSSL's defaults would test another TLS setup         |
// | blacklistIPs, blockHostnames | refused | safety rails: ignoring them could load the wrong host  |
// | localIPs                  | refused  | stampede binds no source addresses (k6: flag/env only)    |
// | executionSegment(+Sequence) | refused | a part of a run is run_options, given by the flags      |
//
// An ignored key's value is still type-checked; a refused key is accepted when it asks for
// nothing (null, false, "", [] or {}).
struct unsupported_key {
  std::string_view key;
  bool refused;
  std::string_view why;
};
inline constexpr std::array<unsupported_key, 20> unsupported{{
    {"ext", false, "Grafana Cloud metadata, nothing to run"},
    {"cloud", false, "Grafana Cloud metadata, nothing to run"},
    {"noArchiveUpload", false, "for cloud runs only"},
    {"batch", false, "it limits k6's http.batch(), which stampede does not have"},
    {"batchPerHost", false, "it limits k6's http.batch(), which stampede does not have"},
    {"metricSamplesBufferSize", false, "stampede's recorders have no sample buffer to size"},
    {"handleSummaryTimeout", false, "stampede runs no handleSummary() callback"},
    {"noUsageReport", false, "stampede sends no usage report"},
    {"webDashboard", false, "stampede has no web dashboard"},
    {"noCookiesReset", false, "a VU's cookie jar already lives as long as its HTTP client"},
    {"collectors", false, "k6's old output settings; stampede's outputs are --out flags"},
    {"features", false, "k6's feature flags; stampede has none"},
    {"paused", true, "k6 resumes a paused test through its REST API, which stampede does not have, "
                     "so the test would never start"},
    {"tlsAuth", true, "stampede's HTTP client sends no client certificates, so the server would refuse the test"},
    {"tlsCipherSuites", true, "stampede's HTTP client uses OpenSSL's default cipher suites, so the test would "
                              "run with another TLS setup than the one asked for"},
    {"tlsVersion", true, "stampede's HTTP client uses OpenSSL's default TLS versions, so the test would run "
                         "with another TLS setup than the one asked for"},
    {"blacklistIPs", true, "stampede's HTTP client blocks no addresses; ignoring the list could send load "
                           "where it was meant not to go"},
    {"blockHostnames", true, "stampede's HTTP client blocks no host names; ignoring the list could send load "
                             "where it was meant not to go"},
    {"localIPs", true, "stampede binds no source addresses"},
    {"executionSegment", true, "a part of a test is given by the --execution-segment flags, not by the test's options"},
}};
// k6's executionSegmentSequence goes with executionSegment.
inline constexpr unsupported_key segment_sequence{
    "executionSegmentSequence", true,
    "a part of a test is given by the --execution-segment flags, not by the test's options"};

// Every top-level key, for "did you mean": k6's Options and Config (lib/options.go,
// internal/cmd/config.go) that stampede reads.
inline constexpr std::array<std::string_view, 28> supported_keys{
    "vus", "duration", "iterations", "stages", "scenarios", "thresholds", "tags", "summaryTrendStats",
    "summaryTimeUnit", "noSetup", "noTeardown", "setupTimeout", "teardownTimeout", "minIterationDuration",
    "systemTags", "noConnectionReuse", "noVUConnectionReuse", "userAgent", "insecureSkipTLSVerify",
    "maxRedirects", "discardResponseBodies", "hosts", "httpDebug", "throw", "rps", "dns", "out", "linger"};

inline constexpr std::array<std::string_view, 6> executor_names{
    "constant-vus", "ramping-vus", "shared-iterations", "per-vu-iterations", "constant-arrival-rate",
    "ramping-arrival-rate"};

// The nearest of `known` to `key` if it is close enough to be a typo, else empty. Case is
// ignored for the distance ("VUs" for "vus"), as it is the usual slip in k6's camelCase keys.
STAMPEDE_DECL std::string nearest(std::string_view key, const std::vector<std::string_view>& known) {
  const auto lower = [](std::string_view s) {
    std::string out{s};
    for (auto& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    return out;
  };
  const auto k = lower(key);
  std::string_view best;
  std::size_t best_distance = std::max<std::size_t>(1, std::min<std::size_t>(3, key.size() / 3)) + 1;
  for (const auto candidate : known) {
    const auto d = edit_distance(k, lower(candidate));
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return std::string{best};
}

STAMPEDE_DECL std::string join(const std::vector<std::string_view>& items) {
  std::string out;
  for (const auto item : items) out.append(out.empty() ? "" : ", ").append(item);
  return out;
}

// A value as messages quote it.
STAMPEDE_DECL std::string shown(const json_value& v) {
  switch (v.type()) {
    case json_type::number: return v.text().size() <= 40 ? v.text() : v.text().substr(0, 40) + "…";
    case json_type::string: return json_quote(v.text().size() <= 40 ? v.text() : v.text().substr(0, 40) + "…");
    case json_type::boolean: return v.boolean() ? "true" : "false";
    // Spelt here rather than with describe(json_type), a constexpr function whose body the
    // separately compiled library does not see in this translation unit.
    case json_type::array: return "an array";
    case json_type::object: return "an object";
    case json_type::null: break;
  }
  return "null";
}

[[noreturn]] STAMPEDE_DECL void expected(const json_ref& v, std::string_view what) {
  v.fail(fmt::format("expected {}, got {}", what, shown(v.value())));
}

// The path json_ref gives a member: `a.b`, or `a["odd key"]` for a key that is no identifier.
STAMPEDE_DECL std::string member_path(std::string_view parent, std::string_view key) {
  const bool identifier = !key.empty() && !(key[0] >= '0' && key[0] <= '9') &&
                          std::all_of(key.begin(), key.end(), [](char c) {
                            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                                   c == '_';
                          });
  if (!identifier) return fmt::format("{}[{}]", parent, json_quote(key));
  return parent.empty() ? std::string{key} : fmt::format("{}.{}", parent, key);
}

// A member, with null read as absent: k6's null.Int, null.Bool and NullDuration take null as
// "not set".
STAMPEDE_DECL std::optional<json_ref> member(const json_ref& object, std::string_view key) {
  auto m = object.find(key);
  if (m && m->is_null()) return std::nullopt;
  return m;
}

STAMPEDE_DECL bool read_bool(const json_ref& v) {
  if (v.type() != json_type::boolean) expected(v, "true or false");
  return v.value().boolean();
}

STAMPEDE_DECL const std::string& read_string(const json_ref& v) {
  if (v.type() != json_type::string) expected(v, "a string");
  return v.value().text();
}

// A whole number in [min, max], written without a fraction or exponent (Go's json refuses
// `1.0` and `1e3` for k6's null.Int too).
STAMPEDE_DECL std::int64_t whole(const json_ref& v, std::int64_t min, std::int64_t max, std::string_view what) {
  const auto range = max == std::numeric_limits<std::int64_t>::max() ? fmt::format("at least {}", min)
                                                                     : fmt::format("from {} to {}", min, max);
  if (v.type() != json_type::number) expected(v, fmt::format("{}, a whole number {}", what, range));
  const auto& text = v.value().text();
  std::int64_t out = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  const bool integral = text.find_first_of(".eE") == std::string::npos && end == text.data() + text.size();
  if (!integral || ec != std::errc{} || out < min || out > max) {
    expected(v, fmt::format("{}, a whole number {}", what, range));
  }
  return out;
}

STAMPEDE_DECL std::int64_t vu_count(const json_ref& v) { return whole(v, 0, vu_limit, "a number of VUs"); }

// A rate of iterations (k6: whole numbers; stampede's rates are doubles, so fractions are fine).
STAMPEDE_DECL double read_rate(const json_ref& v) {
  if (v.type() != json_type::number) expected(v, "a rate, a number of at least 0");
  const auto parsed = parse_double(v.value().text());
  if (!parsed || !std::isfinite(*parsed) || *parsed < 0 || *parsed > rate_limit) {
    expected(v, "a rate, a number from 0 to 2^53");
  }
  return *parsed;
}

// Milliseconds as a duration, as k6's types.Duration reads a number: `time.Duration(ms * 1e6)`.
STAMPEDE_DECL std::chrono::nanoseconds from_milliseconds(const json_ref& v, double ms) {
  if (!std::isfinite(ms)) v.fail(fmt::format("invalid duration {}", shown(v.value())));
  if (ms < 0) v.fail(fmt::format("a duration cannot be negative, got {}", shown(v.value())));
  const double ns = ms * 1e6;
  // The largest double below 2^63.
  if (ns >= 9223372036854774784.0) v.fail(fmt::format("the duration {} ms is too long", shown(v.value())));
  return std::chrono::nanoseconds{static_cast<std::int64_t>(ns)};
}

// A duration string as k6's types.ParseExtendedDuration reads it: a number of milliseconds,
// days before Go's syntax (`1d12h`), or Go's syntax.
STAMPEDE_DECL std::chrono::nanoseconds duration_text(const json_ref& v, std::string_view text) {
  // Go's ParseFloat reads inf, infinity and nan (any case, signed) as numbers, and so does
  // from_chars, but not every fallback parser: say the same whichever this build has.
  std::string lowered;
  for (const char c : text.substr(!text.empty() && (text.front() == '+' || text.front() == '-') ? 1 : 0)) {
    lowered += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  if (lowered == "inf" || lowered == "infinity" || lowered == "nan") {
    v.fail(fmt::format("invalid duration {}", json_quote(text)));
  }
  if (auto ms = parse_double(text)) return from_milliseconds(v, *ms);
  const auto go = [&](std::string_view part) {
    try {
      return parse_duration(part);
    } catch (const parse_error& e) {
      const std::string what = e.what();
      v.fail(what.substr(0, what.find('\n')));
    }
  };
  const auto d = text.find('d');
  if (d == std::string_view::npos) return go(text);
  std::int64_t days = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + d, days);
  if (ec != std::errc{} || end != text.data() + d || d == 0) {
    v.fail(fmt::format("invalid duration {}: expected whole days before \"d\", as in \"1d12h\"", json_quote(text)));
  }
  if (days < 0) v.fail(fmt::format("invalid duration {}: a duration cannot be negative", json_quote(text)));
  const auto rest = d + 1 < text.size() ? go(text.substr(d + 1)) : std::chrono::nanoseconds{0};
  constexpr std::int64_t ns_per_day = 86'400'000'000'000;
  if (days > (std::numeric_limits<std::int64_t>::max() - rest.count()) / ns_per_day) {
    v.fail(fmt::format("invalid duration {}: the duration is too long", json_quote(text)));
  }
  return std::chrono::nanoseconds{days * ns_per_day} + rest;
}

// A duration in k6's JSON forms (types.NullDuration): a string, or a number of milliseconds.
STAMPEDE_DECL std::chrono::nanoseconds read_duration(const json_ref& v) {
  if (v.type() == json_type::number) {
    const auto ms = parse_double(v.value().text());
    if (!ms) v.fail(fmt::format("the duration {} ms is too long", shown(v.value())));
    return from_milliseconds(v, *ms);
  }
  if (v.type() != json_type::string) expected(v, "a duration (a string such as \"30s\" or a number of milliseconds)");
  return duration_text(v, v.value().text());
}

STAMPEDE_DECL std::chrono::nanoseconds positive_duration(const json_ref& v) {
  const auto d = read_duration(v);
  if (d <= std::chrono::nanoseconds::zero()) v.fail("must be more than 0");
  return d;
}

STAMPEDE_DECL std::vector<std::string> read_strings(const json_ref& v) {
  if (v.type() != json_type::array) expected(v, "an array of strings");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.array_size(); ++i) out.push_back(read_string(v[i]));
  return out;
}

STAMPEDE_DECL std::map<std::string, std::string, std::less<>> read_string_map(const json_ref& v) {
  if (v.type() != json_type::object) expected(v, "an object of strings");
  std::map<std::string, std::string, std::less<>> out;
  for (std::size_t i = 0; i < v.value().size(); ++i) {
    const auto& key = v.value().key(i);
    out[key] = read_string(*v.find(key));
  }
  return out;
}

STAMPEDE_DECL tag_set read_tags(const json_ref& v) {
  tag_set out;
  for (auto& [key, value] : read_string_map(v)) out.set(key, value);
  return out;
}

// Throws naming the first key of `object` that is not in `known`, with the nearest one.
STAMPEDE_DECL void only(const json_ref& object, const std::vector<std::string_view>& known, std::string_view what) {
  for (std::size_t i = 0; i < object.value().size(); ++i) {
    const auto& key = object.value().key(i);
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    const auto hint = nearest(key, known);
    if (!hint.empty()) object.fail(fmt::format("unknown option {}{}; did you mean {}?", json_quote(key), what, json_quote(hint)));
    object.fail(fmt::format("unknown option {}{}; expected one of {}", json_quote(key), what, join(known)));
  }
}

// k6's stages: [{duration, target}], both required (lib/executor/helpers.go validateStages).
STAMPEDE_DECL stage_list read_stages(const json_ref& v, std::int64_t max_target) {
  if (v.type() != json_type::array) expected(v, "an array of stages ({\"duration\": \"30s\", \"target\": 10})");
  std::vector<stage> out;
  for (std::size_t i = 0; i < v.array_size(); ++i) {
    const auto s = v[i];
    if (s.type() != json_type::object) expected(s, "a stage ({\"duration\": \"30s\", \"target\": 10})");
    only(s, {"duration", "target"}, " for a stage");
    const auto d = member(s, "duration");
    if (!d) s.fail(fmt::format("stage {} doesn't have a duration", i + 1));
    const auto t = member(s, "target");
    if (!t) s.fail(fmt::format("stage {} doesn't have a target", i + 1));
    out.emplace_back(read_duration(*d), whole(*t, 0, max_target, "a target"));
  }
  return stage_list{std::move(out)};
}

// The first `path: problem` of k6's executor rules (the Validate methods of lib/executor/*.go)
// that `e` breaks, naming k6's fields through `path_of`. k6's minimum of 1s for durations is
// not applied: stampede runs short in-process tests (see `validate` in exec/executors.hpp).
template <typename PathOf>
void check_executor(const executor& e, const PathOf& path_of) {
  const auto fail = [&](std::string_view field, const std::string& problem) {
    throw usage_error(fmt::format("{}: {}", path_of(field), problem));
  };
  const auto vus = [&](std::string_view field, std::int64_t n) {
    if (n <= 0) fail(field, "the number of VUs must be more than 0");
  };
  const auto positive = [&](std::string_view field, std::chrono::nanoseconds d, std::string_view name) {
    if (d <= std::chrono::nanoseconds::zero()) fail(field, fmt::format("the {} must be more than 0", name));
  };
  const auto pool = [&](std::int64_t pre_allocated, std::int64_t max) {
    if (pre_allocated < 1) {
      fail("preAllocatedVUs", "the number of preAllocatedVUs must be at least 1 (k6 accepts 0, but then no VU is "
                              "there to start an iteration)");
    }
    if (max < pre_allocated) fail("maxVUs", "maxVUs can't be less than preAllocatedVUs");
  };
  std::visit(
      [&](const auto& x) {
        using type = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<type, constant_vus>) {
          vus("vus", x.vus);
          positive("duration", x.duration, "duration");
        } else if constexpr (std::is_same_v<type, ramping_vus>) {
          if (x.stages.empty()) fail("stages", "at least one stage has to be specified");
          std::int64_t most = x.start_vus;
          for (const auto& s : x.stages) most = std::max(most, s.target.value_or(0));
          if (most <= 0) fail("stages", "either startVUs or one of the stages' target values must be greater than 0");
        } else if constexpr (std::is_same_v<type, shared_iterations>) {
          vus("vus", x.vus);
          if (x.iterations < x.vus) {
            fail("iterations", fmt::format("the number of iterations ({}) can't be less than the number of VUs ({})",
                                           x.iterations, x.vus));
          }
          positive("maxDuration", x.max_duration, "maxDuration");
        } else if constexpr (std::is_same_v<type, per_vu_iterations>) {
          vus("vus", x.vus);
          if (x.iterations <= 0) fail("iterations", "the number of iterations must be more than 0");
          positive("maxDuration", x.max_duration, "maxDuration");
        } else if constexpr (std::is_same_v<type, constant_arrival_rate>) {
          if (x.rate <= 0) fail("rate", "the iteration rate must be more than 0");
          positive("timeUnit", x.time_unit, "timeUnit");
          positive("duration", x.duration, "duration");
          pool(x.pre_allocated_vus, x.max_vus);
        } else {
          positive("timeUnit", x.time_unit, "timeUnit");
          if (x.stages.empty()) fail("stages", "at least one stage has to be specified");
          pool(x.pre_allocated_vus, x.max_vus);
        }
      },
      e);
}

// One of the file's scenarios (lib/executor/base_config.go and the executors' configs), with
// k6's defaults, and validated as k6 validates it.
STAMPEDE_DECL k6_scenario read_scenario(const json_ref& s, const std::string& name) {
  if (s.type() != json_type::object) expected(s, "a scenario (an object with an \"executor\")");
  // k6's scenarioNameWhitelist: ^[0-9a-zA-Z_-]+$.
  const bool good_name = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  if (!good_name) {
    s.fail("the scenario name should contain only numbers, latin letters, underscores, and dashes");
  }
  const auto type_ref = member(s, "executor");
  if (!type_ref) s.fail("scenario doesn't have a specified executor type");
  const auto& type = read_string(*type_ref);
  if (type == "externally-controlled") {
    type_ref->fail("stampede has no externally-controlled executor (k6's, scaled at run time through its REST "
                   "API); use ramping-vus with stages instead");
  }
  const std::vector<std::string_view> types{executor_names.begin(), executor_names.end()};
  if (std::find(types.begin(), types.end(), type) == types.end()) {
    const auto hint = nearest(type, types);
    type_ref->fail(fmt::format("unknown executor {}{}; expected one of {}", json_quote(type),
                               hint.empty() ? "" : fmt::format(" (did you mean {}?)", json_quote(hint)), join(types)));
  }

  std::vector<std::string_view> fields{"executor", "exec", "startTime", "gracefulStop", "env", "tags", "options"};
  const auto add = [&](std::initializer_list<std::string_view> more) { fields.insert(fields.end(), more); };
  if (type == "constant-vus") add({"vus", "duration"});
  if (type == "ramping-vus") add({"startVUs", "stages", "gracefulRampDown"});
  if (type == "shared-iterations" || type == "per-vu-iterations") add({"vus", "iterations", "maxDuration"});
  if (type == "constant-arrival-rate") add({"rate", "timeUnit", "duration", "preAllocatedVUs", "maxVUs"});
  if (type == "ramping-arrival-rate") add({"startRate", "timeUnit", "stages", "preAllocatedVUs", "maxVUs"});
  only(s, fields, fmt::format(" for a {} scenario", type));

  k6_scenario out;
  out.name = name;
  out.path = s.path();
  if (const auto v = member(s, "exec")) {
    out.exec = read_string(*v);
    if (out.exec.empty()) v->fail("exec value cannot be empty");
  }
  if (const auto v = member(s, "startTime")) out.start_time = read_duration(*v);
  if (const auto v = member(s, "gracefulStop")) out.graceful_stop = read_duration(*v);
  if (const auto v = member(s, "env")) out.env = read_string_map(*v);
  if (const auto v = member(s, "tags")) out.tags = read_tags(*v);
  if (const auto v = member(s, "options"); v && v->type() == json_type::object && v->value().size() > 0) {
    v->fail("scenario options (k6's browser settings) are not supported: stampede has no browser module");
  } else if (v && v->type() != json_type::object) {
    expected(*v, "an object");
  }

  const auto required = [&](std::string_view key, std::string_view problem) {
    auto v = member(s, key);
    if (!v) s.fail(problem);
    return *v;
  };
  const auto pool = [&](std::int64_t& pre_allocated, std::int64_t& max) {
    pre_allocated = vu_count(required("preAllocatedVUs", "the number of preAllocatedVUs isn't specified"));
    const auto m = member(s, "maxVUs");
    max = m ? vu_count(*m) : pre_allocated;
  };
  if (type == "constant-vus") {
    constant_vus e;
    if (const auto v = member(s, "vus")) e.vus = vu_count(*v);
    e.duration = read_duration(required("duration", "the duration is unspecified"));
    out.executor = e;
  } else if (type == "ramping-vus") {
    ramping_vus e;
    if (const auto v = member(s, "startVUs")) e.start_vus = vu_count(*v);
    e.stages = read_stages(required("stages", "at least one stage has to be specified"), vu_limit);
    if (const auto v = member(s, "gracefulRampDown")) e.graceful_ramp_down = read_duration(*v);
    out.executor = e;
  } else if (type == "shared-iterations" || type == "per-vu-iterations") {
    std::int64_t vus = 1, iterations = 1;
    std::chrono::nanoseconds max_duration = std::chrono::minutes{10};
    if (const auto v = member(s, "vus")) vus = vu_count(*v);
    if (const auto v = member(s, "iterations")) iterations = whole(*v, 0, std::numeric_limits<std::int64_t>::max(), "a number of iterations");
    if (const auto v = member(s, "maxDuration")) max_duration = read_duration(*v);
    if (type == "shared-iterations") {
      out.executor = shared_iterations{.vus = vus, .iterations = iterations, .max_duration = max_duration};
    } else {
      out.executor = per_vu_iterations{.vus = vus, .iterations = iterations, .max_duration = max_duration};
    }
  } else if (type == "constant-arrival-rate") {
    constant_arrival_rate e;
    e.rate = read_rate(required("rate", "the iteration rate isn't specified"));
    if (const auto v = member(s, "timeUnit")) e.time_unit = read_duration(*v);
    e.duration = read_duration(required("duration", "the duration is unspecified"));
    pool(e.pre_allocated_vus, e.max_vus);
    out.executor = e;
  } else {
    ramping_arrival_rate e;
    if (const auto v = member(s, "startRate")) e.start_rate = read_rate(*v);
    if (const auto v = member(s, "timeUnit")) e.time_unit = read_duration(*v);
    e.stages = read_stages(required("stages", "at least one stage has to be specified"),
                      static_cast<std::int64_t>(rate_limit));
    pool(e.pre_allocated_vus, e.max_vus);
    out.executor = e;
  }
  check_executor(out.executor, [&](std::string_view field) { return member_path(s.path(), field); });
  // What k6's rules above do not cover, stampede's do (e.g. the VU limit on a stage target).
  try {
    ::stampede::validate(out.executor, name);
  } catch (const usage_error& e) {
    s.fail(e.what());
  }
  return out;
}

// k6's threshold forms (metrics/thresholds.go): a string, or {threshold, abortOnFail,
// delayAbortEval}. k6 ignores other keys in the object; stampede refuses them (a misspelt
// abortOnFail would silently never abort).
STAMPEDE_DECL k6_threshold threshold_of(const json_ref& v, const std::string& metric) {
  k6_threshold out;
  out.metric = metric;
  out.path = v.path();
  if (v.type() == json_type::string) {
    out.expression = v.value().text();
  } else if (v.type() == json_type::object) {
    only(v, {"threshold", "abortOnFail", "delayAbortEval"}, " for a threshold");
    const auto t = member(v, "threshold");
    if (!t) v.fail("a threshold object needs \"threshold\", the expression (\"p(95)<200\")");
    out.expression = read_string(*t);
    if (const auto a = member(v, "abortOnFail")) out.abort_on_fail = read_bool(*a);
    if (const auto d = member(v, "delayAbortEval")) out.delay_abort_eval = read_duration(*d);
  } else {
    expected(v, "a threshold: a string such as \"p(95)<200\" or {\"threshold\": ..., \"abortOnFail\": true}");
  }
  if (out.expression.empty()) v.fail("the threshold expression is empty");
  return out;
}

// k6's DNSConfig (lib/types/dns.go): only the TTL is applied; select and policy are checked and
// left to the client, which connects to the addresses in the order DNS gives them.
STAMPEDE_DECL std::optional<std::chrono::nanoseconds> dns_setting(const json_ref& v, std::string_view key,
                                                               std::string_view value) {
  if (key == "ttl") {
    if (value == "inf") return std::chrono::nanoseconds::max();
    if (value.empty()) return std::nullopt;
    return duration_text(v, value);
  }
  if (key == "select") {
    if (value != "first" && value != "roundRobin" && value != "random") {
      v.fail(fmt::format("invalid DNS select {}; expected first, roundRobin or random", json_quote(value)));
    }
    return std::nullopt;
  }
  if (key == "policy") {
    if (value != "preferIPv4" && value != "preferIPv6" && value != "onlyIPv4" && value != "onlyIPv6" &&
        value != "any") {
      v.fail(fmt::format("invalid DNS policy {}; expected preferIPv4, preferIPv6, onlyIPv4, onlyIPv6 or any",
                         json_quote(value)));
    }
    return std::nullopt;
  }
  v.fail(fmt::format("unknown DNS configuration field {}; expected ttl, select or policy", json_quote(key)));
}

// k6's JSON form {"ttl": "1m", "select": "random", "policy": "preferIPv4"}, or the flag's and
// environment's "ttl=1m,select=random,policy=preferIPv4".
STAMPEDE_DECL std::optional<std::chrono::nanoseconds> read_dns(const json_ref& v) {
  std::optional<std::chrono::nanoseconds> ttl;
  if (v.type() == json_type::object) {
    only(v, {"ttl", "select", "policy"}, " for dns");
    for (const auto key : {"ttl", "select", "policy"}) {
      const auto m = member(v, key);
      if (!m) continue;
      const auto& text = m->type() == json_type::number && std::string_view{key} == "ttl" ? m->value().text() : read_string(*m);
      if (auto d = dns_setting(*m, key, text)) ttl = d;
    }
    return ttl;
  }
  if (v.type() != json_type::string) expected(v, "{\"ttl\": \"1m\", ...} or \"ttl=1m,select=random,policy=preferIPv4\"");
  std::string_view rest = v.value().text();
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const auto item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq + 1 == item.size()) v.fail(fmt::format("no value for key {}", json_quote(item)));
    if (auto d = dns_setting(v, item.substr(0, eq), item.substr(eq + 1))) ttl = d;
  }
  return ttl;
}

// Whether a value asks for nothing: what a refused key may still say.
STAMPEDE_DECL bool asks_nothing(const json_value& v) {
  switch (v.type()) {
    case json_type::null: return true;
    case json_type::boolean: return !v.boolean();
    case json_type::string: return v.text().empty();
    case json_type::array:
    case json_type::object: return v.size() == 0;
    default: return false;
  }
}

STAMPEDE_DECL k6_options read(const json_ref& root, std::string_view source) {
  if (root.type() != json_type::object) expected(root, "an object of k6's options");
  k6_options out;
  out.source = source;
  std::vector<std::string_view> known{supported_keys.begin(), supported_keys.end()};
  for (const auto& u : unsupported) known.push_back(u.key);
  known.push_back(segment_sequence.key);

  for (std::size_t i = 0; i < root.value().size(); ++i) {
    const std::string& key = root.value().key(i);
    const auto found = member(root, key);
    if (!found) continue;  // null: not set
    const json_ref& v = *found;
    if (key == "vus") {
      out.vus = vu_count(v);
    } else if (key == "duration") {
      out.duration = read_duration(v);
    } else if (key == "iterations") {
      out.iterations = whole(v, 0, std::numeric_limits<std::int64_t>::max(), "a number of iterations");
    } else if (key == "stages") {
      out.stages = read_stages(v, vu_limit);
    } else if (key == "scenarios") {
      if (v.type() != json_type::object) expected(v, "an object of scenarios by name");
      std::vector<k6_scenario> list;
      for (std::size_t j = 0; j < v.value().size(); ++j) {
        const auto& name = v.value().key(j);
        list.push_back(read_scenario(*v.find(name), name));
      }
      // k6's ScenarioConfigs.GetSortedConfigs: by start time, then by name.
      std::sort(list.begin(), list.end(), [](const k6_scenario& a, const k6_scenario& b) {
        return a.start_time != b.start_time ? a.start_time < b.start_time : a.name < b.name;
      });
      out.scenarios = std::move(list);
    } else if (key == "thresholds") {
      if (v.type() != json_type::object) expected(v, "an object of thresholds by metric");
      std::vector<k6_threshold> list;
      for (std::size_t j = 0; j < v.value().size(); ++j) {
        const auto& metric = v.value().key(j);
        const auto forms = *v.find(metric);
        if (forms.type() != json_type::array) expected(forms, "an array of thresholds, such as [\"p(95)<200\"]");
        for (std::size_t k = 0; k < forms.array_size(); ++k) list.push_back(threshold_of(forms[k], metric));
      }
      out.thresholds = std::move(list);
    } else if (key == "tags") {
      out.tags = read_tags(v);
    } else if (key == "summaryTrendStats") {
      out.summary_trend_stats = read_strings(v);
      for (std::size_t j = 0; j < out.summary_trend_stats->size(); ++j) {
        try {
          validate_trend_stat((*out.summary_trend_stats)[j]);
        } catch (const usage_error& e) {
          v[j].fail(e.what());
        }
      }
    } else if (key == "summaryTimeUnit") {
      const auto& unit = read_string(v);
      if (unit == "s") out.summary_time_unit = time_unit::s;
      else if (unit == "ms") out.summary_time_unit = time_unit::ms;
      else if (unit == "us") out.summary_time_unit = time_unit::us;
      else if (!unit.empty()) v.fail(fmt::format("invalid time unit {}; expected s, ms or us", json_quote(unit)));
    } else if (key == "noSetup") {
      out.no_setup = read_bool(v);
    } else if (key == "noTeardown") {
      out.no_teardown = read_bool(v);
    } else if (key == "setupTimeout") {
      out.setup_timeout = positive_duration(v);
    } else if (key == "teardownTimeout") {
      out.teardown_timeout = positive_duration(v);
    } else if (key == "minIterationDuration") {
      out.min_iteration_duration = read_duration(v);
    } else if (key == "systemTags") {
      out.system_tags = read_strings(v);
      for (std::size_t j = 0; j < out.system_tags->size(); ++j) {
        const auto& tag = (*out.system_tags)[j];
        if (!system_tag_set::find(tag)) {
          std::vector<std::string_view> names;
          for (const auto& [name, bit] : system_tag_set::names()) names.push_back(name);
          const auto hint = nearest(tag, names);
          v[j].fail(fmt::format("unknown system tag {}{}", json_quote(tag),
                                hint.empty() ? "" : fmt::format("; did you mean {}?", json_quote(hint))));
        }
      }
    } else if (key == "noConnectionReuse") {
      out.no_connection_reuse = read_bool(v);
    } else if (key == "noVUConnectionReuse") {
      out.no_vu_connection_reuse = read_bool(v);
    } else if (key == "userAgent") {
      out.user_agent = read_string(v);
    } else if (key == "insecureSkipTLSVerify") {
      out.insecure_skip_tls_verify = read_bool(v);
    } else if (key == "maxRedirects") {
      out.max_redirects = static_cast<int>(whole(v, 0, std::numeric_limits<int>::max(), "a number of redirects"));
    } else if (key == "discardResponseBodies") {
      out.discard_response_bodies = read_bool(v);
    } else if (key == "hosts") {
      out.hosts = read_string_map(v);
      for (const auto& [name, address] : *out.hosts) {
        if (name.empty()) v.fail("a host name is empty");
        if (!http::dns_cache::literal(address)) {
          v.find(name)->fail(fmt::format("expected an IP address, or one with a port (\"127.0.0.1:8080\", "
                                         "\"[::1]:8080\"), got {}; stampede's hosts map names to addresses only",
                                         json_quote(address)));
        }
      }
    } else if (key == "httpDebug") {
      const auto& level = read_string(v);
      if (level.empty()) out.http_debug = http::client_options::debug_level::off;
      else if (level == "headers") out.http_debug = http::client_options::debug_level::headers;
      else if (level == "full") out.http_debug = http::client_options::debug_level::full;
      else v.fail(fmt::format("invalid httpDebug {}; expected \"\", \"headers\" or \"full\"", json_quote(level)));
    } else if (key == "throw") {
      out.throw_on_failure = read_bool(v);
    } else if (key == "rps") {
      out.rps = read_rate(v);
    } else if (key == "dns") {
      if (auto ttl = read_dns(v)) out.dns_ttl = ttl;
    } else if (key == "out") {
      out.out = read_strings(v);
    } else if (key == "linger") {
      out.linger = read_bool(v);
    } else {
      const auto u = std::find_if(unsupported.begin(), unsupported.end(), [&](const auto& x) { return x.key == key; });
      const unsupported_key* entry = u != unsupported.end() ? &*u : key == segment_sequence.key ? &segment_sequence : nullptr;
      if (entry == nullptr) {
        // k6 ignores unknown top-level keys (json.Unmarshal is not strict there) but rejects
        // unknown scenario fields; stampede rejects both, as a misspelt option silently
        // ignored is a test that runs with other settings than its author believes.
        const auto hint = nearest(key, known);
        root.fail(fmt::format("unknown option {}{}", json_quote(key),
                              hint.empty() ? "" : fmt::format("; did you mean {}?", json_quote(hint))));
      }
      if (entry->refused) {
        if (asks_nothing(v.value())) continue;
        v.fail(fmt::format("stampede cannot honour this option: {}", entry->why));
      }
      // Type checks for the ignored keys, so that a broken value is still reported.
      if (key == "batch" || key == "batchPerHost" || key == "metricSamplesBufferSize") {
        (void)whole(v, 0, std::numeric_limits<std::int64_t>::max(), "a whole number");
      } else if (key == "handleSummaryTimeout") {
        (void)read_duration(v);
      } else if (key == "noUsageReport" || key == "webDashboard" || key == "noCookiesReset" || key == "noArchiveUpload") {
        (void)read_bool(v);
      } else if (key == "features") {
        (void)read_strings(v);
      } else if (key == "ext" || key == "collectors") {
        if (v.type() != json_type::object) expected(v, "an object");
      }
      out.ignored.push_back(fmt::format("{}: {}", key, entry->why));
    }
  }
  return out;
}

// Replaces the root's "JSON document" in json_ref's messages: the file is the document.
STAMPEDE_DECL std::string located(std::string_view source, std::string_view problem) {
  constexpr std::string_view document = "JSON document: ";
  if (problem.starts_with(document)) problem.remove_prefix(document.size());
  return fmt::format("couldn't parse the configuration from {}: {}", json_quote(source), problem);
}

// ---- applying ------------------------------------------------------------------------------

// The function `exec` names, or a message listing those the test has.
STAMPEDE_DECL exec_fn function_for(const load_test& test, const std::string& exec, std::string_view where) {
  if (const auto f = test.functions.find(exec); f != test.functions.end()) return f->second;
  std::vector<std::string_view> names;
  for (const auto& [name, fn] : test.functions) names.push_back(name);
  const auto has = names.empty() ? std::string{"the test has none; name them in load_test::functions"}
                                 : fmt::format("the test's functions are {}", join(names));
  throw usage_error(fmt::format("{}: the test has no function {} to run (k6: function '{}' not found in exports); {}",
                                where, json_quote(exec), exec, has));
}

// k6's DeriveScenariosFromShortcuts on the options left after Options.Apply of the file and
// then the test. Returns the scenarios the file makes, or nothing where the test's stand.
STAMPEDE_DECL std::optional<std::vector<k6_scenario>> derive(const k6_options& file, bool test_has_scenarios,
                                                             std::vector<std::string>& warnings) {
  const auto source = json_quote(file.source);
  // k6's Options.Apply: a tier that states any of duration, iterations, stages or scenarios
  // replaces the lower tier's execution. A compiled test's scenarios state all of it, VU
  // counts included, so they set aside the file's `vus` too (k6 since c9592bf lets a bare
  // `vus` of any tier replace the scenarios; here the test stays above the file).
  const bool file_execution = file.vus || file.duration || file.iterations || file.stages || file.scenarios;
  auto file_vus = file.vus;
  auto duration = file.duration;
  auto iterations = file.iterations;
  auto stages = file.stages;
  auto scenarios = file.scenarios;
  if (test_has_scenarios) {
    if (file_execution) {
      warnings.push_back(fmt::format("the test's scenarios override the execution options of {} (vus, duration, "
                                     "iterations, stages, scenarios), as a k6 script's override a config file's",
                                     source));
    }
    file_vus.reset();
    duration.reset();
    iterations.reset();
    stages.reset();
    scenarios.reset();
  }
  const auto vus = file_vus.value_or(1);
  const auto made = [](executor e) {
    k6_scenario s;
    s.name = "default";
    s.executor = std::move(e);
    return std::vector<k6_scenario>{std::move(s)};
  };
  // The shortcut options' paths: the default scenario's fields are the file's top-level keys.
  const auto shortcut_path = [](std::string_view field) -> std::string {
    if (field == "startVUs") return "vus";
    if (field == "maxDuration") return "duration";
    return std::string{field};
  };
  const bool has_stages = stages && !stages->empty();
  std::optional<std::vector<k6_scenario>> out;
  if (iterations) {
    if (has_stages) throw usage_error("using `iterations` and `stages` options simultaneously is not allowed");
    if (scenarios) throw usage_error("using `iterations` and `scenarios` options simultaneously is not allowed");
    out = made(shared_iterations{.vus = vus, .iterations = *iterations,
                                 .max_duration = duration.value_or(std::chrono::minutes{10})});
  } else if (duration) {
    if (has_stages) throw usage_error("using `duration` and `stages` options simultaneously is not allowed");
    if (scenarios) throw usage_error("using `duration` and `scenarios` options simultaneously is not allowed");
    if (*duration <= std::chrono::nanoseconds::zero()) throw usage_error("duration: `duration` option should be more than 0");
    out = made(constant_vus{.vus = vus, .duration = *duration});
  } else if (has_stages) {
    if (scenarios) throw usage_error("using `stages` and `scenarios` options simultaneously is not allowed");
    out = made(ramping_vus{.start_vus = vus, .stages = *stages});
  } else if (file_vus && !stages) {
    // k6 since May 2026 (c9592bf, "support bare --vus as shared-iterations and override
    // scenarios"): vus alone runs vus iterations on vus VUs, replacing the file's scenarios.
    if (scenarios) {
      warnings.push_back(fmt::format("`vus={}` of {} overrides scenarios configuration: the test runs k6's "
                                     "shared-iterations of {} iterations on {} VUs instead",
                                     *file_vus, source, *file_vus, *file_vus));
    }
    out = made(shared_iterations{.vus = *file_vus, .iterations = *file_vus});
  } else if (test_has_scenarios) {
    return std::nullopt;
  } else if (scenarios && !scenarios->empty()) {
    return scenarios;
  } else {
    if (stages) {
      warnings.push_back(fmt::format("`stages` was explicitly set to an empty value in {}, running the script "
                                     "with 1 iteration in 1 VU", source));
    }
    if (scenarios) {
      warnings.push_back(fmt::format("`scenarios` was explicitly set to an empty value in {}, running the "
                                     "script with 1 iteration in 1 VU", source));
    }
    return made(per_vu_iterations{});  // k6's 1 iteration on 1 VU
  }
  check_executor(out->front().executor, shortcut_path);
  try {
    ::stampede::validate(out->front().executor, "default");
  } catch (const usage_error& e) {
    throw usage_error(fmt::format("the shortcut options (vus, duration, iterations, stages): {}", e.what()));
  }
  return out;
}

STAMPEDE_DECL void apply_execution(const k6_options& file, load_test& test, std::vector<std::string>& warnings) {
  const auto scenarios = derive(file, !test.scenarios.empty(), warnings);
  if (!scenarios) return;
  std::vector<scenario> out;
  for (const auto& s : *scenarios) {
    const auto where = s.path.empty()
                           ? fmt::format("the scenario \"default\" made from the file's execution options")
                           : s.path;
    out.push_back(scenario{.name = s.name,
                           .exec = function_for(test, s.exec, where),
                           .executor = s.executor,
                           .start_time = s.start_time,
                           .graceful_stop = s.graceful_stop,
                           .tags = s.tags,
                           .env = s.env});
  }
  test.scenarios = std::move(out);
}

STAMPEDE_DECL void apply_thresholds(const k6_options& file, load_test& test) {
  // k6 replaces the whole map per tier: the file's thresholds only for a test with none.
  if (!file.thresholds || !test.thresholds.empty()) return;
  // Checked against the test's metrics now, so that a mistake names the file and the path; the
  // run resolves them again when it starts.
  std::vector<metric_descriptor> known;
  try {
    metric_registry registry;
    for (const auto& m : engine_metrics()) registry.add(m);
    for (const auto& m : test.metrics) registry.add(m.descriptor);
    known = registry.metrics();
  } catch (const usage_error&) {
    known = builtin_metrics();  // the test's own mistake, which the run reports
    for (const auto& m : test.metrics) known.push_back(m.descriptor);
  }
  std::vector<threshold> out;
  for (const auto& t : file.thresholds.value()) {
    threshold made{t.metric, t.expression};
    try {
      (void)made.resolve(known);
    } catch (const usage_error& e) {
      throw usage_error(fmt::format("{}: {}", t.path, e.what()));
    }
    out.push_back(t.abort_on_fail ? made.abort_on_fail(t.delay_abort_eval) : made);
  }
  test.thresholds = std::move(out);
}

// Every other option: the file's where the test has the default value.
STAMPEDE_DECL void apply_scalars(const k6_options& file, load_test& test) {
  const load_test defaults{};
  const http::client_options http_defaults{};
  const summary_options summary_defaults{};
  const auto fill = [](auto& field, const auto& file_value, const auto& default_value) {
    if (file_value && field == default_value) field = *file_value;
  };
  if (file.tags) {
    for (const auto& t : *file.tags) {
      if (!test.tags.contains(t.key)) test.tags.set(t.key, t.value);
    }
  }
  fill(test.summary.trend_stats, file.summary_trend_stats, summary_defaults.trend_stats);
  if (file.summary_time_unit && !test.summary.fixed_time_unit) test.summary.fixed_time_unit = file.summary_time_unit;
  if (file.no_setup.value_or(false)) test.setup = nullptr;
  if (file.no_teardown.value_or(false)) test.teardown = nullptr;
  fill(test.setup_timeout, file.setup_timeout, defaults.setup_timeout);
  fill(test.teardown_timeout, file.teardown_timeout, defaults.teardown_timeout);
  fill(test.min_iteration_duration, file.min_iteration_duration, defaults.min_iteration_duration);
  if (file.system_tags && !test.system_tags) test.system_tags = file.system_tags;

  auto& h = test.http;
  if (file.no_connection_reuse && h.reuse_connections == http_defaults.reuse_connections) {
    h.reuse_connections = !*file.no_connection_reuse;
  }
  if (file.no_vu_connection_reuse &&
      h.reuse_connections_across_iterations == http_defaults.reuse_connections_across_iterations) {
    h.reuse_connections_across_iterations = !*file.no_vu_connection_reuse;
  }
  fill(h.user_agent, file.user_agent, http_defaults.user_agent);
  fill(h.insecure_skip_tls_verify, file.insecure_skip_tls_verify, http_defaults.insecure_skip_tls_verify);
  fill(h.max_redirects, file.max_redirects, http_defaults.max_redirects);
  fill(h.discard_response_bodies, file.discard_response_bodies, http_defaults.discard_response_bodies);
  if (file.hosts && h.hosts.empty()) h.hosts = *file.hosts;  // k6 replaces the whole map per tier
  fill(h.debug, file.http_debug, http_defaults.debug);
  fill(h.throw_on_failure, file.throw_on_failure, http_defaults.throw_on_failure);
  fill(h.max_requests_per_second, file.rps, http_defaults.max_requests_per_second);
  fill(h.dns_ttl, file.dns_ttl, http_defaults.dns_ttl);
}

}  // namespace detail::config_file

STAMPEDE_DECL k6_options parse_k6_options(std::string_view json, std::string_view source_name) {
  namespace d = detail::config_file;
  try {
    const auto document = parse_json(json);
    return d::read(json_ref{document}, source_name);
  } catch (const usage_error& e) {
    throw usage_error(d::located(source_name, e.what()));
  }
}

STAMPEDE_DECL k6_options read_k6_options(const std::string& path) {
  // k6's readDiskConfig: "couldn't load the configuration from %q: %w".
  const auto fail = [&](const std::string& why) -> k6_options {
    throw usage_error(fmt::format("couldn't load the configuration from {}: {}", json_quote(path), why));
  };
  constexpr std::size_t largest = std::size_t{16} << 20;  // options files are a few KiB
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file{std::fopen(path.c_str(), "rb"), &std::fclose};
  if (!file) return fail(std::generic_category().message(errno));
  std::string text;
  char buffer[1 << 14];
  while (true) {
    const auto n = std::fread(buffer, 1, sizeof buffer, file.get());
    text.append(buffer, n);
    if (text.size() > largest) return fail("the file is larger than 16 MiB; an options file is a few KiB");
    if (n < sizeof buffer) break;
  }
  if (std::ferror(file.get()) != 0) return fail(std::generic_category().message(errno));
  return parse_k6_options(text, path);
}

STAMPEDE_DECL std::vector<std::string> apply_k6_options(const k6_options& file, load_test& test) {
  namespace d = detail::config_file;
  std::vector<std::string> warnings;
  load_test out = test;  // the test is left unchanged if anything throws
  try {
    d::apply_execution(file, out, warnings);
    d::apply_thresholds(file, out);
    d::apply_scalars(file, out);
  } catch (const usage_error& e) {
    throw usage_error(d::located(file.source, e.what()));
  }
  for (const auto& ignored : file.ignored) warnings.push_back(fmt::format("{}: ignoring {}", json_quote(file.source), ignored));
  test = std::move(out);
  return warnings;
}

}  // namespace stampede
