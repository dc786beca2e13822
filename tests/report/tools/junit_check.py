#!/usr/bin/env python3
"""Reads a JUnit XML report as CI test reporters do and checks the parts they rely on.

usage: junit_check.py REPORT.xml [--failed NAME]... [--passed NAME]...

The layout Jenkins' junit plugin, GitLab and GitHub's test reporters read: a <testsuites>
root whose tests/failures equal the sums of its <testsuite>s; each suite with a name and
tests/failures/errors counts that match its <testcase>s; each case with a name and a
classname, and a <failure message=...> when it failed. NAME lists which cases must have
failed or passed. Exits 1 with the reason on the first mismatch.
"""
import sys
import xml.etree.ElementTree as ET


def fail(reason):
    print(f"junit_check: {reason}", file=sys.stderr)
    sys.exit(1)


def count(element, attribute):
    value = element.get(attribute)
    if value is None:
        fail(f"<{element.tag}> has no {attribute} attribute")
    try:
        return int(value)
    except ValueError:
        fail(f"<{element.tag} {attribute}=\"{value}\"> is not a count")


def main(argv):
    if len(argv) < 2:
        fail("usage: junit_check.py REPORT.xml [--failed NAME]... [--passed NAME]...")
    expect = {"--failed": [], "--passed": []}
    args = argv[2:]
    while args:
        if len(args) < 2 or args[0] not in expect:
            fail(f"unexpected arguments {args}")
        expect[args[0]].append(args[1])
        args = args[2:]

    root = ET.parse(argv[1]).getroot()
    if root.tag != "testsuites":
        fail(f"the root is <{root.tag}>, not <testsuites>")
    suites = root.findall("testsuite")
    if not suites:
        fail("no <testsuite>")
    outcome = {}
    total_tests = total_failures = 0
    for suite in suites:
        if not suite.get("name"):
            fail("a <testsuite> has no name")
        cases = suite.findall("testcase")
        failed = 0
        for case in cases:
            name = case.get("name")
            if not name or case.get("classname") is None:
                fail(f"a <testcase> in {suite.get('name')} lacks name or classname")
            failures = case.findall("failure")
            if failures and failures[0].get("message") is None:
                fail(f"the failure of {name} has no message")
            failed += 1 if failures else 0
            outcome[name] = "failed" if failures else "passed"
        if count(suite, "tests") != len(cases):
            fail(f"suite {suite.get('name')} says tests={suite.get('tests')} but has {len(cases)}")
        if count(suite, "failures") != failed:
            fail(f"suite {suite.get('name')} says failures={suite.get('failures')} but {failed} failed")
        count(suite, "errors")
        total_tests += len(cases)
        total_failures += failed
    if count(root, "tests") != total_tests or count(root, "failures") != total_failures:
        fail("<testsuites> totals do not match its suites")
    for name in expect["--failed"]:
        if outcome.get(name) != "failed":
            fail(f"{name!r} should have failed: {outcome.get(name, 'missing')}")
    for name in expect["--passed"]:
        if outcome.get(name) != "passed":
            fail(f"{name!r} should have passed: {outcome.get(name, 'missing')}")
    print(f"junit_check: {total_tests} test cases, {total_failures} failed, as expected")


if __name__ == "__main__":
    main(sys.argv)
