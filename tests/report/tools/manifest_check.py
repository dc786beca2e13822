#!/usr/bin/env python3
"""Reads a Kubernetes manifest from `manifest kubernetes` as kubectl does and checks its structure.

usage: manifest_check.py MANIFEST.yaml PARTS

The objects that run a test as PARTS parts: a headless Service (clusterIP None) selecting the
Job's pods by their job-name label, and a batch/v1 Indexed Job with completions and parallelism
both PARTS, no retries per index (backoffLimitPerIndex 0), pods that are never restarted, and a
container whose args give each pod its part (--execution-segment-index from the completion
index, --execution-segment-count=PARTS) and write its result to stdout (result=-), with equal
resource requests and limits. Exits 1 with the reason on the first mismatch.
"""
import sys

import yaml


def fail(reason):
    print(f"manifest_check: {reason}", file=sys.stderr)
    sys.exit(1)


def field(obj, path):
    """obj[a][b]... for path "a.b...", failing with the path when a step is missing."""
    value = obj
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            fail(f"{obj.get('kind', 'an object')} has no {path}")
        value = value[key]
    return value


def check_service(service, name):
    if service.get("apiVersion") != "v1":
        fail(f"the Service's apiVersion is {service.get('apiVersion')!r}, not 'v1'")
    if field(service, "spec.clusterIP") != "None":
        fail(f"the Service is not headless: clusterIP is {field(service, 'spec.clusterIP')!r}")
    if field(service, "spec.selector") != {"job-name": name}:
        fail(f"the Service selects {field(service, 'spec.selector')!r}, not the Job's pods (job-name: {name})")


def check_job(job, parts):
    name = field(job, "metadata.name")
    expect = {
        "spec.completionMode": "Indexed",
        "spec.completions": parts,
        "spec.parallelism": parts,
        "spec.backoffLimitPerIndex": 0,
        "spec.template.spec.restartPolicy": "Never",
        "spec.template.metadata.labels.job-name": name,
        "spec.template.spec.subdomain": name,
    }
    for path, value in expect.items():
        # type() too: completions "4" (a string) is not the count 4.
        actual = field(job, path)
        if actual != value or type(actual) is not type(value):
            fail(f"the Job's {path} is {actual!r}, not {value!r}")
    containers = field(job, "spec.template.spec.containers")
    if not isinstance(containers, list) or len(containers) != 1:
        fail(f"the Job's pod should have one container, has {containers!r}")
    container = containers[0]
    for key in ("image", "command", "args"):
        if key not in container:
            fail(f"the container has no {key}")
    if not isinstance(container["image"], str) or not container["image"]:
        fail(f"the container's image is {container['image']!r}")
    args = container["args"]
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        fail(f"the container's args are not a list of strings: {args!r}")
    for arg in ("--execution-segment-index=$(JOB_COMPLETION_INDEX)", f"--execution-segment-count={parts}", "result=-"):
        if arg not in args:
            fail(f"the container's args lack {arg!r}: {args!r}")
    resources = container.get("resources", {})
    requests, limits = resources.get("requests"), resources.get("limits")
    if not requests or requests != limits:
        fail(f"the container's resource requests {requests!r} differ from its limits {limits!r}")
    for key in ("cpu", "memory"):
        if key not in requests:
            fail(f"the container's resources have no {key}")
    return name


def main(argv):
    if len(argv) != 3:
        fail("usage: manifest_check.py MANIFEST.yaml PARTS")
    try:
        parts = int(argv[2])
    except ValueError:
        fail(f"PARTS {argv[2]!r} is not a count")
    with open(argv[1], encoding="utf-8") as f:
        try:
            documents = [d for d in yaml.safe_load_all(f) if d is not None]
        except yaml.YAMLError as e:
            fail(f"not YAML: {e}")
    kinds = [d.get("kind") if isinstance(d, dict) else None for d in documents]
    if sorted(kinds, key=str) != ["Job", "Service"]:
        fail(f"expected a Service and a Job, got {kinds}")
    job = documents[kinds.index("Job")]
    service = documents[kinds.index("Service")]
    if job.get("apiVersion") != "batch/v1":
        fail(f"the Job's apiVersion is {job.get('apiVersion')!r}, not 'batch/v1'")
    name = check_job(job, parts)
    check_service(service, name)
    print(f"manifest_check: a headless Service and an Indexed Job of {parts} part{'' if parts == 1 else 's'} named {name!r}, as expected")


if __name__ == "__main__":
    main(sys.argv)
