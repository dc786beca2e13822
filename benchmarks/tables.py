#!/usr/bin/env python3
"""Turns the raw output benchmarks/run collected into Markdown tables (stdlib only).

Each section reads only files its part of the run wrote; a section that did not run is left
out. Parsing lives here rather than in the shell script so that every figure has one place
that says where it comes from.
"""
import argparse
import csv
import json
import math
import os
import re
import statistics
import subprocess
from pathlib import Path

# --- small helpers ------------------------------------------------------------------------


def read(path):
    try:
        return Path(path).read_text(errors="replace")
    except OSError:
        return ""


def gnu_time(prefix):
    """(elapsed s, user s, sys s, peak RSS KiB) from `/usr/bin/time -f '%e %U %S %M'`."""
    lines = [l for l in read(f"{prefix}.time").splitlines() if re.match(r"^[\d.]+ [\d.]+ [\d.]+ \d+$", l)]
    if not lines:
        return None
    e, u, s, m = lines[-1].split()
    return float(e), float(u), float(s), int(m)


def median_range(values, fmt):
    values = [v for v in values if v is not None]
    if not values:
        return "—"
    med = statistics.median(values)
    if len(values) == 1:
        return fmt(med)
    return f"{fmt(med)} ({fmt(min(values))}–{fmt(max(values))})"


def percentile(sorted_values, p):
    """Linear interpolation between closest ranks (k6's and numpy's default)."""
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * p / 100.0
    lo, hi = math.floor(k), math.ceil(k)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def ms(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if v < 1:
        return f"{v * 1000:.0f} µs"
    if v < 100:
        return f"{v:.2f} ms"
    return f"{v:.1f} ms"


def thousands(v):
    return f"{v:,.0f}"


def shell(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=10).stdout.strip()
    except Exception:  # noqa: BLE001 - a missing tool only leaves a blank in the header
        return ""


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


# --- requests each tool reports -----------------------------------------------------------


def stampede_export(prefix):
    try:
        return json.loads(read(f"{prefix}.json"))["metrics"]
    except (ValueError, KeyError):
        return {}


def requests_of(tool, prefix):
    """(successful requests, failed requests) as the tool reports them."""
    text = read(f"{prefix}.out")
    if tool in ("stampede", "stampede_json"):
        m = stampede_export(prefix)
        total = m.get("http_reqs", {}).get("count")
        failed = m.get("http_req_failed", {}).get("passes", 0)
        return (None, None) if total is None else (total - failed, failed)
    if tool == "wrk":
        total = re.search(r"(\d+) requests in", text)
        bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
        errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
        failed = (int(bad.group(1)) if bad else 0) + (sum(map(int, errors.groups())) if errors else 0)
        return (None, None) if not total else (int(total.group(1)) - (int(bad.group(1)) if bad else 0), failed)
    if tool == "ab":
        total = re.search(r"Complete requests:\s+(\d+)", text)
        failed = re.search(r"Failed requests:\s+(\d+)", text)
        non2xx = re.search(r"Non-2xx responses:\s+(\d+)", text)
        f = (int(failed.group(1)) if failed else 0) + (int(non2xx.group(1)) if non2xx else 0)
        return (None, None) if not total else (int(total.group(1)) - f, f)
    if tool == "hey":
        ok = sum(int(n) for code, n in re.findall(r"\[(\d+)\]\s+(\d+) responses", text) if code.startswith("2"))
        bad = sum(int(n) for code, n in re.findall(r"\[(\d+)\]\s+(\d+) responses", text) if not code.startswith("2"))
        errors = sum(int(n) for n in re.findall(r"\[(\d+)\]\s+Get ", text))
        return (ok, bad + errors) if ok else (None, None)
    if tool == "locust":
        try:
            with open(f"{prefix}_stats.csv", newline="") as f:
                for row in csv.DictReader(f):
                    if row.get("Name") == "Aggregated":
                        total, failed = int(row["Request Count"]), int(row["Failure Count"])
                        return total - failed, failed
        except OSError:
            pass
        return None, None
    raise ValueError(tool)


# --- sections -----------------------------------------------------------------------------

TOOLS = ["stampede", "stampede_json", "wrk", "ab", "hey", "locust"]
TOOL_NAMES = {
    "stampede": "stampede (`stampede_http_load_bench`, all k6 metrics)",
    "stampede_json": "stampede with `--out json=FILE` (every sample written)",
    "wrk": "wrk 4.1 (`-t 1`)",
    "ab": "ab 2.3 (`-k`)",
    "hey": "hey 0.1.4",
    "locust": "Locust 2.12 (FastHttpUser)",
}


def efficiency(a, facts):
    d = Path(a.work) / "efficiency"
    if not d.is_dir():
        return None
    per_tool = {}
    for tool in TOOLS:
        runs = []
        for rep in range(1, a.reps + 1):
            prefix = d / f"{tool}.{rep}"
            t = gnu_time(prefix)
            ok, failed = requests_of(tool, prefix)
            if t is None or not ok:
                continue
            elapsed, user, sys, rss = t
            ticks = int(read(f"{prefix}.server_ticks") or 0)
            ndjson = read(f"{prefix}.ndjson_bytes").strip()
            runs.append({"rep": rep, "rps": ok / a.load_seconds, "cpu_us": (user + sys) * 1e6 / ok, "rss": rss / 1024,
                         "file_bytes": int(ndjson) / ok if ndjson.isdigit() else None,
                         "user_us": user * 1e6 / ok, "sys_us": sys * 1e6 / ok,
                         "failed": failed, "server": ticks / 100 / elapsed * 100 if elapsed else 0,
                         "busy": (user + sys) / elapsed * 100 if elapsed else 0})
        per_tool[tool] = runs
    # Each repetition runs every tool once, one after the other, so a tool's run and wrk's in the
    # same repetition share the machine's state; the ratio is taken per repetition and then the
    # median, which a virtual machine's drift between repetitions does not skew.
    wrk_by_rep = {r["rep"]: r["cpu_us"] for r in per_tool.get("wrk", [])}
    rows = []
    for tool in TOOLS:
        runs = per_tool[tool]
        if not runs:
            rows.append([TOOL_NAMES[tool], "failed", "", "", "", "", "", ""])
            continue
        ratios = [r["cpu_us"] / wrk_by_rep[r["rep"]] for r in runs if r["rep"] in wrk_by_rep]
        if ratios:
            facts[f"ratio_{tool}"] = statistics.median(ratios)
        facts[f"rss_{tool}"] = statistics.median([r["rss"] for r in runs])
        rows.append([
            TOOL_NAMES[tool],
            median_range([r["rps"] for r in runs], thousands),
            median_range([r["cpu_us"] for r in runs], lambda v: f"{v:.2f}"),
            "1.00×" if tool == "wrk" else median_range(ratios, lambda v: f"{v:.2f}×") if ratios else "—",
            f"{statistics.median([r['user_us'] for r in runs]):.2f} / {statistics.median([r['sys_us'] for r in runs]):.2f}",
            f"{statistics.median([r['busy'] for r in runs]):.0f}%",
            f"{statistics.median([r['server'] for r in runs]):.0f}%",
            f"{statistics.median([r['rss'] for r in runs]):.1f} MiB",
        ])
        if sum(r["failed"] or 0 for r in runs):
            rows[-1][1] += f" ({sum(r['failed'] for r in runs)} failed)"
    json_bytes = [r["file_bytes"] for r in per_tool.get("stampede_json", []) if r.get("file_bytes")]
    json_note = (f"With `--out json` the generator wrote {statistics.median(json_bytes):,.0f} bytes of k6 JSON per "
                 "request (13 samples: a line each), on the same core as its VUs.\n\n") if json_bytes else ""
    return (f"### Generator efficiency: {a.connections} connections for {a.load_seconds:g} s against nginx "
            f"(one worker), {len(per_tool['wrk'])} repetitions\n\n"
            "Medians, with the range over the repetitions. CPU is user + system time of the generator process "
            "(GNU time, start-up included) over the successful requests it counted. CPU vs wrk is taken within "
            "each repetition (every tool runs once per repetition, stampede just before wrk) and is the median "
            "of those ratios, so drift of the machine between repetitions cancels. The generator core is how "
            "busy core 0 was (generator CPU / wall time); the nginx core is the nginx worker's CPU over the same "
            "wall time: near 100% means nginx, not the generator, set the request rate.\n\n"
            + json_note
            + table(["generator", "requests/s", "CPU-µs per request", "CPU vs wrk", "user / sys µs", "generator core",
                     "nginx core", "peak RSS"], rows))


def memory(a, facts):
    d = Path(a.work) / "memory"
    if not d.is_dir():
        return None
    parts = []
    idle_rows = []
    for f in sorted(d.glob("idle.*.out"), key=lambda p: int(p.name.split(".")[1])):
        n = int(f.name.split(".")[1])
        m = re.search(r"RSS \+([\d.]+) MiB, (\d+) bytes per VU", read(f))
        if not m:
            idle_rows.append([f"{n:,}", "failed", ""])
            continue
        facts[f"idle_{n}"] = int(m.group(2))
        idle_rows.append([f"{n:,}", f"{float(m.group(1)):,.1f} MiB", f"{int(m.group(2)):,} B"])
    if idle_rows:
        parts.append("### Memory per idle VU (`co_await u.sleep(1h)`, one shard)\n\n"
                     "RSS growth of `stampede_engine_bench --idle N` once every VU is parked, over N.\n\n"
                     + table(["VUs", "RSS growth", "per VU"], idle_rows))
    rows = []
    for tool in ("stampede", "locust"):
        base = gnu_time(d / f"{tool}.1")
        for f in sorted(d.glob(f"{tool}.*.time"), key=lambda p: int(p.name.split(".")[1])):
            n = int(f.name.split(".")[1])
            if n == 1:
                continue
            t = gnu_time(d / f"{tool}.{n}")
            ok, failed = requests_of(tool, d / f"{tool}.{n}")
            if not t or not base:
                rows.append([TOOL_NAMES[tool], f"{n:,}", "failed", "", "", ""])
                continue
            elapsed, user, sys, rss = t
            per = (rss - base[3]) * 1024 / (n - 1)
            facts[f"connected_{tool}_{n}"] = per
            wanted = n * a.connected_seconds  # one request per user per second of think time
            rows.append([TOOL_NAMES[tool], f"{n:,}", f"{rss / 1024:,.1f} MiB", f"{per / 1024:,.1f} KiB",
                         f"{int(ok or 0):,} of ~{int(wanted):,}" + (f", {int(failed):,} failed" if failed else ""),
                         f"{(user + sys) / elapsed * 100:.0f}%"])
    if rows:
        parts.append(f"### Memory per connected VU (keep-alive to nginx, think time 1 s, {a.connected_seconds:g} s)\n\n"
                     "Peak RSS (GNU time) of the whole process; per VU is the growth over a run with one VU "
                     "(one Locust user), divided by N − 1. Requests: what the run completed, against about one "
                     "per VU per second that the think time allows; the core column shows whether the generator "
                     "kept up.\n\n"
                     + table(["generator", "VUs / users", "peak RSS", "per VU", "requests", "generator core"], rows))
    return "\n\n".join(parts) if parts else None


def true_latencies(rate, seconds, period, stall, phase):
    """The wait each arrival of a constant rate would see from the stall schedule alone."""
    out = []
    n = int(round(rate * seconds))
    for i in range(n):
        t = (i / rate + phase) % period
        out.append((period - t) * 1000 if t >= period - stall else 0.0)
    out.sort()
    return out


def parse_seconds(text):
    m = re.fullmatch(r"([\d.]+)(ms|s)", text)
    return float(m.group(1)) / (1000 if m.group(2) == "ms" else 1)


def coordinated_omission(a, facts):
    d = Path(a.work) / "co"
    if not d.is_dir():
        return None
    period, stall = parse_seconds(a.co_period), parse_seconds(a.co_stall)
    ps = (50, 90, 99, 99.9)
    # The truth: every phase of the generator's start against the server's period gives the
    # same distribution over a whole number of periods; 50 phases show it (and bound rounding).
    sims = [true_latencies(a.co_rate, a.co_seconds, period, stall, period * k / 50) for k in range(50)]
    truth = {p: statistics.median(percentile(s, p) for s in sims) for p in ps}
    truth_range = {p: (min(percentile(s, p) for s in sims), max(percentile(s, p) for s in sims)) for p in ps}
    truth["max"] = statistics.median(s[-1] for s in sims)
    facts["true_p99"] = truth[99]
    rows = [["the schedule (true: stall wait; add the ~0.1 ms round trip)", f"{int(a.co_rate * a.co_seconds):,}",
             "0 + round trip", ms(truth[90]), ms(truth[99]), ms(truth[99.9]), ms(truth["max"]), "—"]]
    failed = lambda name: rows.append([name, "failed"] + [""] * 6)  # noqa: E731

    def row(name, count, values):
        p99 = values.get(99)
        off = f"{(p99 - truth[99]) / truth[99] * 100:+.1f}%" if p99 is not None else "—"
        rows.append([name, f"{count:,}" if count is not None else "—", ms(values.get(50)), ms(values.get(90)),
                     ms(p99), ms(values.get(99.9)), ms(values.get("max")), off])
        return p99

    dropped = {}
    for run, vus in (("stampede", a.co_max_vus), ("stampede_few", a.connections)):
        m = stampede_export(d / run)
        dropped[run] = int(m.get("dropped_iterations", {}).get("count", 0)) if m else None
        for metric, kind in (("iteration_latency", "from the intended start"), ("http_req_duration", "uncorrected")):
            label = f"stampede, {vus} VUs: `{metric}` ({kind})"
            if run == "stampede_few" and dropped[run]:
                label += f"; {dropped[run]:,} iterations dropped"
            v = m.get(metric)
            if not v:
                failed(label)
                continue
            p99 = row(label, v.get("count"), {50: v["p(50)"], 90: v["p(90)"], 99: v["p(99)"],
                                              99.9: v["p(99.9)"], "max": v["max"]})
            if run == "stampede":
                facts[f"co_{metric}"] = p99

    text = read(d / "wrk.out")
    vals = dict(re.findall(r"^(p50|p90|p99|p99\.9|max|requests) (\d+)$", text, re.M))
    if vals:
        us = lambda k: int(vals[k]) / 1000  # noqa: E731 - wrk reports microseconds
        p99 = row(f"wrk `--latency`, {a.connections} connections (closed loop, corrected after the run)",
                  int(vals["requests"]), {50: us("p50"), 90: us("p90"), 99: us("p99"), 99.9: us("p99.9"),
                                          "max": us("max")})
        facts["co_wrk"] = p99
    else:
        failed("wrk")

    times = []
    for line in read(d / "hey.out").splitlines():
        fields = line.split(",")
        if len(fields) >= 7 and re.fullmatch(r"[\d.]+", fields[0]) and fields[6].strip() == "200":
            times.append(float(fields[0]) * 1000)
    if times:
        times.sort()
        row(f"hey `-q {int(a.co_rate / a.connections)}` × {a.connections} workers (rate-limited closed loop)",
            len(times), {p: percentile(times, p) for p in ps} | {"max": times[-1]})
    else:
        failed("hey")

    spread = ", ".join(f"p({p:g}) {ms(lo)}–{ms(hi)}" for p, (lo, hi) in truth_range.items() if p != 50)
    return (f"### Coordinated omission: {a.co_rate:g} requests/s for {a.co_seconds:g} s; the server freezes for "
            f"{a.co_stall} of every {a.co_period}\n\n"
            f"The true values come from the schedule: arrivals every {1000 / a.co_rate:g} ms, and an arrival in a "
            f"stall waits until the stall ends (over 50 start phases: {spread}). stampede ran "
            f"`constant_arrival_rate` with {a.co_max_vus} pre-allocated VUs "
            f"({dropped.get('stampede', '?')} dropped iterations), then with {a.connections}.\n\n"
            + table(["measured by", "requests", "p(50)", "p(90)", "p(99)", "p(99.9)", "max", "p(99) vs true"], rows))


MICRO_ORDER = ["histogram", "recorder", "threshold", "response_parser", "plan"]


def fmt_time(ns):
    if ns < 1e3:
        return f"{ns:.1f} ns"
    if ns < 1e6:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns / 1e6:.2f} ms"


def micro(a, facts):
    d = Path(a.work) / "micro"
    if not d.is_dir():
        return None
    rows = []
    scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}
    for name in MICRO_ORDER:
        try:
            data = json.loads(read(d / f"{name}.json"))
        except ValueError:
            rows.append([f"`{name}_bench`", "failed", ""])
            continue
        entries = data.get("benchmarks", [])
        medians = [b for b in entries if b.get("aggregate_name") == "median"]
        picked = medians or [b for b in entries if b.get("run_type", "iteration") == "iteration"]
        for b in picked:
            label = b.get("run_name", b["name"]).replace("_median", "")
            cpu = b["cpu_time"] * scale[b.get("time_unit", "ns")]
            items = b.get("items_per_second")
            rows.append([f"`{label}`" + (f" ({b['label']})" if b.get("label") else ""), fmt_time(cpu),
                         f"{fmt_time(1e9 / items)} per item" if items else ""])
    reps = "median of 3 repetitions" if not a.quick else "1 repetition"
    return (f"### Micro-benchmarks (Google Benchmark, CPU time, {reps}, pinned to core 0)\n\n"
            + table(["benchmark", "CPU time per iteration", "per item"], rows))


def compile_time(a, facts):
    """benchmarks/compile_time's own tables, one per compiler."""
    d = Path(a.work) / "compile"
    if not d.is_dir():
        return None
    parts = []
    for compiler, name in (("g++", "g++ 12"), ("clang++", "clang 14")):
        path = d / f"{compiler}.md"
        parts.append(f"{name}:\n\n" + (read(path) if path.exists() else "failed or not run\n"))
    return "### Compile time (`benchmarks/compile_time --levels O2`, ratios to an Asio floor program)\n\n" + "\n".join(parts)


def merge(a, facts):
    """benchmarks/merge_bench.cpp: reading and merging N result files, beside Python's json.load."""
    d = Path(a.work) / "merge"
    if not d.is_dir():
        return None
    rows = []
    for n in sorted(int(p.name.split("-")[1].split(".")[0]) for p in d.glob("stampede-*.txt")):
        size = re.search(r"bytes_per_part=(\d+)", read(d / f"write-{n}.txt"))
        ours = read(d / f"stampede-{n}.time").split()
        peer = read(d / f"python-{n}.time").split()
        figures = re.search(r"read_s=([\d.]+) merge_s=([\d.]+)", read(d / f"stampede-{n}.txt"))
        if not size or len(ours) < 2 or len(peer) < 2 or not figures:
            rows.append([str(n), "failed", "", "", "", "", ""])
            continue
        t, rss = float(ours[0]), int(ours[1])
        pt, prss = float(peer[0]), int(peer[1])
        rows.append([f"{n:,}", f"{int(size.group(1)) / 1024:,.0f} KiB", f"{t:.2f} s ({float(figures.group(2)):.2f} s merging)",
                     f"{rss / 1024:,.0f} MiB", f"{pt:.2f} s", f"{prss / 1024:,.0f} MiB", f"{pt / t:.1f}×" if t > 0 else ""])
    return ("### Merging the parts of a distributed test (`merge_bench`: read, check and merge N result files "
            "of a one-minute part; pinned to core 0)\n\n"
            + table(["parts", "result file per part", "stampede read + merge", "peak RSS",
                     "Python json.load (parse only)", "peak RSS", "Python / stampede time"], rows))


WS_SERVERS = {"node": "Node ws echo server (`tests/interop/ws_echo_server.js`)",
              "testbed": "stampede testbed echo route (`stampede_ws_load --serve`)"}


def ws_line(path):
    """The JSON line a WebSocket client printed, or None."""
    for line in reversed(read(path).splitlines()):
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None


def websocket(a, facts):
    """stampede_ws_load beside Node's ws client: round trips of a text message to an echo server."""
    d = Path(a.work) / "ws"
    if not d.is_dir():
        return None
    rows = []
    names = {"stampede": "stampede (`stampede_ws_load`, k6's ws metrics)", "node": "Node ws client (`ws_client.js`)"}
    versions = ""
    for server, server_name in WS_SERVERS.items():
        runs = {"stampede": [], "node": []}
        for rep in range(1, a.ws_reps + 1):
            for tool in runs:
                prefix = d / f"{server}.{tool}.{rep}"
                r = ws_line(f"{prefix}.json")
                if r is None or not r.get("messages"):
                    continue
                if tool == "node":
                    versions = f"Node {r.get('node', '?')}, ws {r.get('ws', '?')}"
                ticks, began, ended = (read(f"{prefix}.server").split() + ["0", "0", "0"])[:3]
                elapsed = float(ended) - float(began)
                runs[tool].append({"rep": rep, "rate": r["messages_per_s"], "cpu_us": r["cpu_us_per_message"],
                                   "user_us": r["cpu_user_s"] * 1e6 / r["messages"],
                                   "sys_us": r["cpu_sys_s"] * 1e6 / r["messages"],
                                   "busy": r["cpu_s"] / r["window_s"] * 100 if r["window_s"] else 0,
                                   "server": int(ticks) / 100 / elapsed * 100 if elapsed > 0 else 0,
                                   "allocs": r.get("allocations_per_message"),
                                   "failures": r.get("failures", 0) + r.get("unclean_closes", 0)})
        if not runs["stampede"] and not runs["node"]:
            continue
        # As in the efficiency table: the ratio within each repetition, then the median.
        peer = {r["rep"]: r["cpu_us"] for r in runs["node"]}
        ratios = [r["cpu_us"] / peer[r["rep"]] for r in runs["stampede"] if r["rep"] in peer]
        if ratios:
            facts[f"ws_ratio_{server}"] = statistics.median(ratios)
        allocs = [r["allocs"] for r in runs["stampede"] if r["allocs"] is not None]
        if allocs:
            facts["ws_allocations"] = max(facts.get("ws_allocations", 0), statistics.median(allocs))
        for tool, tool_runs in runs.items():
            if not tool_runs:
                rows.append([server_name, names[tool], "failed", "", "", "", "", "", ""])
                continue
            row = [server_name, names[tool],
                   median_range([r["rate"] for r in tool_runs], thousands),
                   median_range([r["cpu_us"] for r in tool_runs], lambda v: f"{v:.2f}"),
                   f"{statistics.median([r['user_us'] for r in tool_runs]):.2f} / "
                   f"{statistics.median([r['sys_us'] for r in tool_runs]):.2f}",
                   (median_range(ratios, lambda v: f"{v:.2f}×") if ratios else "—") if tool == "stampede" else "1.00×",
                   f"{statistics.median([r['busy'] for r in tool_runs]):.0f}%",
                   f"{statistics.median([r['server'] for r in tool_runs]):.0f}%",
                   median_range([r["allocs"] for r in tool_runs], lambda v: f"{v:.2f}") if tool == "stampede" else "—"]
            failures = sum(r["failures"] for r in tool_runs)
            if failures:
                row[2] += f" ({failures} sessions failed)"
            rows.append(row)
    if not rows:
        return None
    return (f"### WebSocket: {a.ws_sessions} sessions, {a.ws_size}-byte text messages echoed, {a.ws_seconds:g} s "
            f"after {a.ws_warmup:g} s of warm-up, {a.ws_reps} repetition{'s' if a.ws_reps != 1 else ''}"
            f"{' (' + versions + ')' if versions else ''}\n\n"
            "A message is a round trip: a session sends it and waits for its echo before the next. Medians, with "
            "the range over the repetitions. CPU is the client process's user + system time over its measured "
            "window (getrusage; Node's process.cpuUsage) per message; CPU vs Node is taken within each "
            "repetition. The client core is that CPU over the window; the server core is the echo server's CPU "
            "over the client's whole run (warm-up included): near 100% means the server set the rate. "
            "Allocations are the stampede client thread's heap allocations per message in the window.\n\n"
            + table(["echo server", "client", "messages/s", "CPU-µs per message", "user / sys µs", "CPU vs Node",
                     "client core", "server core", "allocations per message"], rows))


def targets(facts):
    rows = []

    def add(what, target, value, ok, moon=None):
        rows.append([what, target, value, "met" if ok else "**missed**"] + ([moon] if moon is not None else [""]))

    if "ratio_stampede" in facts:
        r = facts["ratio_stampede"]
        add("generator CPU per request vs wrk", "≤ 1.25×", f"{r:.2f}×", r <= 1.25,
            "moonshot ≤ 1.0×: " + ("met" if r <= 1.0 else "missed"))
    if "ratio_stampede" in facts and "ratio_locust" in facts:
        r = facts["ratio_locust"] / facts["ratio_stampede"]
        add("generator CPU per request vs Locust", "≥ 10× less", f"{r:.1f}× less", r >= 10)
    if "idle_100000" in facts:
        v = facts["idle_100000"]
        add("memory per idle VU at 10^5", "≤ 2,048 B", f"{v:,} B", v <= 2048)
    if "idle_1000000" in facts:
        v = facts["idle_1000000"]
        add("memory per idle VU at 10^6 (moonshot)", "≤ 1,024 B", f"{v:,} B", v <= 1024)
    if "rss_stampede" in facts and "rss_wrk" in facts:
        r = facts["rss_stampede"] / facts["rss_wrk"]
        add("peak RSS of the efficiency run vs wrk", "≤ 2×", f"{r:.2f}×", r <= 2)
    for n in sorted(int(k.rsplit("_", 1)[1]) for k in facts if k.startswith("connected_stampede_")):
        v = facts[f"connected_stampede_{n}"]
        add(f"memory per connected VU at {n:,} (keep-alive, thinking)", "≤ 8 KiB", f"{v / 1024:.1f} KiB", v <= 8192)
    if "co_iteration_latency" in facts and "true_p99" in facts:
        off = (facts["co_iteration_latency"] - facts["true_p99"]) / facts["true_p99"]
        add("corrected p(99) vs the true p(99)", "within 5%", f"{off * 100:+.1f}%", abs(off) <= 0.05)
    if "ws_allocations" in facts:
        v = facts["ws_allocations"]
        add("heap allocations per WebSocket round trip (send + receive)", "0", f"{v:.2f}", v == 0)
    if not rows:
        return None
    return "### Targets\n\n" + table(["target", "wanted", "this run", "", ""], rows)


def header(a):
    cpu = re.search(r"model name\s*:\s*(.*)", read("/proc/cpuinfo"))
    mem = re.search(r"MemTotal:\s+(\d+) kB", read("/proc/meminfo"))
    os_name = re.search(r'PRETTY_NAME="([^"]*)"', read("/etc/os-release"))
    versions = shell("dpkg-query -W -f='${Package} ${Version}, ' nginx-light wrk apache2-utils hey python3-locust "
                     "hyperfine g++-12 clang-14 libbenchmark-dev nodejs 2>/dev/null").rstrip(", ")
    load_before = read(Path(a.work) / "load-before").strip()
    load_after = read(Path(a.work) / "load-after").strip()
    seconds = read(Path(a.work) / "seconds").strip()
    la = lambda s: s.split("load average:")[-1].strip() if s else "?"  # noqa: E731
    return (f"## benchmarks/run{' --quick' if a.quick else ''}\n\n"
            f"- machine: {cpu.group(1) if cpu else '?'}, {os.cpu_count()} CPUs, "
            f"{int(mem.group(1)) / 1024 / 1024:.0f} GiB, {os_name.group(1) if os_name else '?'}, "
            f"Linux {os.uname().release}\n"
            f"- packages: {versions}\n"
            f"- stampede built RelWithDebInfo (`-O2 -g1`) with g++ 12 in build-bench/; generators pinned to core 0, "
            f"servers to core 1\n"
            f"- load average (1, 5, 15 min) before: {la(load_before)}; after: {la(load_after)}; "
            f"run time {seconds} s")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--work", required=True)
    p.add_argument("--connections", type=int, default=50)
    p.add_argument("--load-seconds", type=float, default=10)
    p.add_argument("--connected-seconds", type=float, default=10)
    p.add_argument("--co-seconds", type=float, default=20)
    p.add_argument("--co-rate", type=float, default=500)
    p.add_argument("--co-period", default="5s")
    p.add_argument("--co-stall", default="1s")
    p.add_argument("--co-max-vus", type=int, default=1500)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--ws-reps", type=int, default=3)
    p.add_argument("--ws-seconds", type=float, default=3)
    p.add_argument("--ws-warmup", type=float, default=1)
    p.add_argument("--ws-sessions", type=int, default=50)
    p.add_argument("--ws-size", type=int, default=32)
    p.add_argument("--quick", action="store_true")
    a = p.parse_args()
    facts = {}
    sections = [header(a)]
    for f in (efficiency, memory, coordinated_omission, micro, compile_time, merge, websocket):
        s = f(a, facts)
        if s:
            sections.append(s)
    t = targets(facts)
    if t:
        sections.append(t)
    print("\n\n".join(sections))


if __name__ == "__main__":
    main()
