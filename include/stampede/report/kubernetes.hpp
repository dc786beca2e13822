// sp::kubernetes_manifest: the Kubernetes objects that run a compiled test as N parts — an
// Indexed Job whose pod I runs part I, and a headless Service that names the pods — for
// `manifest kubernetes`; each part prints its result to its log, and `merge` joins them.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace stampede {

/// What `kubernetes_manifest` needs to know about the test and the cluster.
struct kubernetes_manifest_options {
  /// The Job's and the Service's name, and the value of the pods' `job-name` label. A DNS
  /// label that the Service's name rules also accept: lowercase letters, digits and '-',
  /// starting with a letter, ending with a letter or digit; short enough that the last pod's
  /// hostname, `name-(N-1)`, has at most 63 characters.
  std::string name{};
  /// The container image that holds the test binary: not empty, no whitespace.
  std::string image{};
  /// N, the number of parts (1 to 1000): the Job runs N pods at once, pod I with
  /// `--execution-segment-index=I --execution-segment-count=N`.
  std::int64_t parallelism = 1;
  /// The test binary's absolute path inside the image, such as "/app/my_test", without control
  /// characters (its file name appears in the manifest's comment).
  std::string program{};
  /// When every part starts its load (`--start-at`, in RFC 3339 UTC to the second; a fraction
  /// of a second is dropped), so that parts whose pods start at different moments still run
  /// together. Unset: each part starts when its pod does.
  std::optional<std::chrono::system_clock::time_point> start_at{};
  /// Each pod's CPU and memory, as Kubernetes quantities. Requests equal limits (Guaranteed
  /// QoS), so that every part gets the resources its share of the load was sized for.
  std::string cpu = "1";
  std::string memory = "512Mi";
  /// Asks the scheduler to put the parts on different nodes (preferred pod anti-affinity on
  /// `kubernetes.io/hostname`), so that they do not compete for one node's CPU and network.
  bool spread = true;
  /// Further arguments for the test, after the generated ones, passed as written (Kubernetes
  /// expands `$(VAR)` in them as in any container's args).
  std::vector<std::string> extra_args{};
};

/// The YAML for `kubectl apply -f`: a headless Service (`clusterIP: None`) and an Indexed Job
/// of N completions, all running at once, each part run once (no retries: a part's result is
/// what it is) and removed an hour after the Job finishes. Each pod runs `program` with its
/// part's segment flags, `--out result=-` and `--quiet`, so that its log holds its result
/// document between the `result_begin_marker` and `result_end_marker` lines of
/// report/result_file.hpp; the leading comment says how to collect the logs and merge them.
/// The same options give the same text. A Job without retries per index (`backoffLimitPerIndex`)
/// needs Kubernetes 1.29 or later.
///
/// ```yaml
/// # stampede: checkout, 4 parts
/// ...
/// apiVersion: batch/v1
/// kind: Job
/// metadata:
///   name: "checkout"
/// spec:
///   completionMode: Indexed
///   completions: 4
///   parallelism: 4
/// ```
///
/// Throws: `usage_error` naming the field and its value when an option is invalid.
[[nodiscard]] std::string kubernetes_manifest(const kubernetes_manifest_options& options);

}  // namespace stampede

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  include <stampede/report/impl/kubernetes.ipp>
#endif
