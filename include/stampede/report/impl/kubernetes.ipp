// Body of kubernetes_manifest (included by report/kubernetes.hpp).
#pragma once

#include <stampede/config.hpp>

// A separately compiled build reaches this file from report/impl/src.hpp, not from the header.
#if defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/report/kubernetes.hpp>
#endif

#include <stampede/core/error.hpp>
#include <stampede/core/json_string.hpp>
#include <stampede/core/timestamp.hpp>

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace stampede {

namespace detail::kubernetes {

// Kubernetes gives the pod of index I the hostname `name-I`, and checks when the Job is created
// that the last one is a DNS label too.
inline constexpr std::size_t max_label = 63;
inline constexpr std::int64_t max_parts = 1000;

// "1 part", "4 parts".
STAMPEDE_DECL std::string parts_text(std::int64_t parts) {
  return fmt::format("{} part{}", parts, parts == 1 ? "" : "s");
}

STAMPEDE_DECL usage_error invalid(std::string_view field, std::string_view value, std::string_view problem) {
  return usage_error(fmt::format("kubernetes_manifest: {} {} {}", field, json_quote(value), problem));
}

// Service names are DNS-1035 labels (a letter first); Job names end up in pod hostnames.
STAMPEDE_DECL void check_name(const std::string& name, std::int64_t parts) {
  const auto not_label = [&](std::string_view problem) {
    return invalid("name", name, fmt::format("is not a DNS-1123 label: {}", problem));
  };
  if (name.empty()) throw not_label("it is empty");
  if (name.size() > max_label) {
    throw not_label(fmt::format("it has {} characters, at most {} are allowed", name.size(), max_label));
  }
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      throw not_label("it may hold only lowercase letters, digits and '-'");
    }
  }
  if (name.front() < 'a' || name.front() > 'z') throw not_label("it must start with a lowercase letter");
  if (name.back() == '-') throw not_label("it must end with a lowercase letter or digit");
  const auto last_hostname = fmt::format("{}-{}", name, parts - 1);
  if (last_hostname.size() > max_label) {
    throw invalid("name", name,
                  fmt::format("is too long for {}: the last pod's hostname \"{}\" has more than {} characters",
                              parts_text(parts), last_hostname, max_label));
  }
}

STAMPEDE_DECL void check(const kubernetes_manifest_options& o) {
  if (o.parallelism < 1 || o.parallelism > max_parts) {
    throw usage_error(
        fmt::format("kubernetes_manifest: parallelism must be between 1 and {}, got {}", max_parts, o.parallelism));
  }
  check_name(o.name, o.parallelism);
  if (o.image.empty()) throw usage_error("kubernetes_manifest: image must not be empty");
  for (const char c : o.image) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      throw invalid("image", o.image, "holds whitespace or a control character");
    }
  }
  if (!o.program.starts_with('/') || o.program.ends_with('/')) {
    throw invalid("program", o.program,
                  "must be the absolute path of the test binary inside the image, such as \"/app/my_test\"");
  }
  // The program's name is shown in the manifest's comment, which a line break would end.
  for (const char c : o.program) {
    if (static_cast<unsigned char>(c) < ' ' || c == 0x7f) {
      throw invalid("program", o.program, "holds a control character");
    }
  }
}

// `text` as one shell word, for the command the comment suggests.
STAMPEDE_DECL std::string shell_word(std::string_view text) {
  const bool plain = !text.empty() && text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                              "0123456789_-./+:,@%=") == std::string_view::npos;
  if (plain) return std::string{text};
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace detail::kubernetes

STAMPEDE_DECL std::string kubernetes_manifest(const kubernetes_manifest_options& options) {
  namespace d = detail::kubernetes;
  d::check(options);
  const auto& o = options;
  const auto name = json_quote(o.name);
  const auto n = o.parallelism;
  const auto program = std::string_view{o.program}.substr(o.program.rfind('/') + 1);

  // Every string that comes from the options is written as a double-quoted scalar with JSON's
  // escapes, which YAML reads the same way: a name such as "no" or "null", a quantity such as
  // "1", or an argument with ": " or "#" would otherwise be read as something else.
  std::string out = fmt::format(
      "# stampede: {0}, {6}\n"
      "# Pod I of the Indexed Job runs part I; each prints its result document to its log. When\n"
      "# every pod has finished (the Job and its pods are removed an hour later), collect and merge:\n"
      "#   kubectl logs -l job-name={0} --tail=-1 > parts.log\n"
      "#   {2} merge parts.log\n"
      "apiVersion: v1\n"
      "kind: Service\n"
      "metadata:\n"
      "  name: {3}\n"
      "  labels:\n"
      "    app.kubernetes.io/name: stampede\n"
      "spec:\n"
      "  clusterIP: None\n"
      "  selector:\n"
      "    job-name: {3}\n"
      "---\n"
      "apiVersion: batch/v1\n"
      "kind: Job\n"
      "metadata:\n"
      "  name: {3}\n"
      "  labels:\n"
      "    app.kubernetes.io/name: stampede\n"
      "spec:\n"
      "  completionMode: Indexed\n"
      "  completions: {1}\n"
      "  parallelism: {1}\n"
      // A failed part is not run again (a second run would add load the plan did not have), and
      // the other parts go on; backoffLimit then defaults to its maximum.
      "  backoffLimitPerIndex: 0\n"
      "  maxFailedIndexes: {1}\n"
      "  ttlSecondsAfterFinished: 3600\n"
      "  template:\n"
      "    metadata:\n"
      "      labels:\n"
      "        job-name: {3}\n"
      "        app.kubernetes.io/name: stampede\n"
      "    spec:\n"
      "      subdomain: {3}\n"
      "      restartPolicy: Never\n"
      "      containers:\n"
      "        - name: test\n"
      "          image: {4}\n"
      "          command: [{5}]\n"
      "          args:\n"
      // Kubernetes sets JOB_COMPLETION_INDEX in each pod of an Indexed Job and expands $(VAR) in args.
      "            - \"--execution-segment-index=$(JOB_COMPLETION_INDEX)\"\n"
      "            - \"--execution-segment-count={1}\"\n",
      o.name, n, d::shell_word(fmt::format("./{}", program)), name, json_quote(o.image), json_quote(o.program),
      d::parts_text(n));
  if (o.start_at) {
    out += fmt::format("            - \"--start-at={}\"\n", format_rfc3339(*o.start_at, timestamp_precision::seconds));
  }
  out += "            - \"--out\"\n"
         "            - \"result=-\"\n"
         "            - \"--quiet\"\n";
  for (const auto& arg : o.extra_args) out += fmt::format("            - {}\n", json_quote(arg));
  const auto cpu = json_quote(o.cpu);
  const auto memory = json_quote(o.memory);
  out += fmt::format(
      "          resources:\n"
      "            requests:\n"
      "              cpu: {0}\n"
      "              memory: {1}\n"
      "            limits:\n"
      "              cpu: {0}\n"
      "              memory: {1}\n",
      cpu, memory);
  if (o.spread) {
    out += fmt::format(
        "      affinity:\n"
        "        podAntiAffinity:\n"
        "          preferredDuringSchedulingIgnoredDuringExecution:\n"
        "            - weight: 100\n"
        "              podAffinityTerm:\n"
        "                topologyKey: kubernetes.io/hostname\n"
        "                labelSelector:\n"
        "                  matchLabels:\n"
        "                    job-name: {}\n",
        name);
  }
  return out;
}

}  // namespace stampede
