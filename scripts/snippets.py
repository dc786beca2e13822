#!/usr/bin/env python3
"""Keeps code in the docs identical to compiled files.

In README.md and docs/*.md, a fenced code block right after a marker line

    <!-- snippet: examples/demo.cpp -->              the whole file
    <!-- snippet: examples/demo.cpp#setup -->        the lines between two "[setup]" marker lines

must hold exactly that file's text. Region markers are comment lines ending in "[name]"
(`// [setup]` in C++, `# [setup]` in CMake); they, and the markers of regions nested inside,
are not part of the snippet.

    scripts/snippets.py --check    exit 1 and name every stale block (run by ctest)
    scripts/snippets.py --update   rewrite the stale blocks from the files
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
MARKER = re.compile(r"^<!-- snippet: (?P<path>[^#\s]+)(?:#(?P<region>[\w-]+))? -->$")


def source_text(path: str, region: str | None) -> str:
    file = ROOT / path
    if not file.is_file():
        raise ValueError(f"snippet source {path} does not exist")
    lines = file.read_text(encoding="utf-8").splitlines()
    if region is None:
        return "\n".join(lines)
    tag = re.compile(rf"^\s*(//|#)\s*\[{re.escape(region)}\]\s*$")
    marks = [i for i, line in enumerate(lines) if tag.match(line)]
    if len(marks) != 2:
        raise ValueError(f"{path} needs exactly two [{region}] marker lines, has {len(marks)}")
    # Markers of other regions nested inside this one are not part of it either.
    any_marker = re.compile(r"^\s*(//|#)\s*\[[\w-]+\]\s*$")
    body = [l for l in lines[marks[0] + 1 : marks[1]] if not any_marker.match(l)]
    indent = min((len(l) - len(l.lstrip()) for l in body if l.strip()), default=0)
    return "\n".join(l[indent:] for l in body)


def process(doc: pathlib.Path, update: bool) -> list[str]:
    lines = doc.read_text(encoding="utf-8").splitlines()
    problems, out, i = [], [], 0
    while i < len(lines):
        out.append(lines[i])
        m = MARKER.match(lines[i].strip())
        i += 1
        if not m:
            continue
        where = f"{doc.relative_to(ROOT)}:{i}"
        if i >= len(lines) or not lines[i].startswith("```"):
            problems.append(f"{where}: snippet marker is not followed by a fenced code block")
            continue
        end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("```")), None)
        if end is None:
            problems.append(f"{where}: unterminated code block")
            continue
        try:
            want = source_text(m["path"], m["region"])
        except ValueError as e:
            problems.append(f"{where}: {e}")
            out.extend(lines[i : end + 1])
            i = end + 1
            continue
        have = "\n".join(lines[i + 1 : end])
        if have != want:
            problems.append(f"{where}: block differs from {m['path']}" +
                            (f"#{m['region']}" if m["region"] else ""))
        out.append(lines[i])
        out.extend(want.split("\n") if want else [])
        out.append(lines[end])
        i = end + 1
    if update and problems:
        doc.write_text("\n".join(out) + "\n", encoding="utf-8")
    return problems


def main() -> int:
    if len(sys.argv) != 2 or sys.argv[1] not in ("--check", "--update"):
        print(__doc__, file=sys.stderr)
        return 2
    update = sys.argv[1] == "--update"
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    problems = [p for d in docs if d.exists() for p in process(d, update)]
    for p in problems:
        print(("updated " if update else "") + p, file=sys.stderr)
    if problems and not update:
        print("run scripts/snippets.py --update to copy the files into the docs", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
