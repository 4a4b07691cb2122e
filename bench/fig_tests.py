"""Figure 6: ``make test``'s own test run on this checkout (SQLite, Chromium if present).

Runs the suite as ``make test`` does (``pytest -n auto``), with the PostgreSQL variables
removed so only the SQLite copies are collected, as on a fresh laptop. Reports the test
time pytest prints, the wall time and the CPU seconds of the whole process tree; the ratio
is test time to the goal (180 s on this 2-core machine). ``--durations=0`` gives every
test's setup, call and teardown seconds: their sum is the work the workers shared, shown
by test file, the files with the most first.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import time
from collections import Counter

from .servers import ROOT, log

GOAL_SECONDS = 180.0
_SUMMARY = re.compile(r"^=*\s*(\d+ passed.*?) in ([0-9.]+)s", re.MULTILINE)
_DURATION = re.compile(r"^([0-9.]+)s (?:setup|call|teardown)\s+([^:\s]+)::", re.MULTILINE)
TOP_FILES = 10


def worker_seconds(output: str) -> dict[str, float]:
    """Seconds per test file, summed over its tests' phases (pytest's ``--durations=0``;
    phases under 5 ms are not listed, and not counted)."""
    seconds: Counter = Counter()
    for value, path in _DURATION.findall(output):
        seconds[path] += float(value)
    return dict(seconds)


def measure(cfg) -> dict:
    log("\n[6] make test's test run (SQLite; PostgreSQL variables removed)")
    env = {k: v for k, v in os.environ.items() if "POSTGRES" not in k}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run(  # noqa: S603 - our own test suite
        [sys.executable, "-m", "pytest", "-n", "auto", "-q", "-p", "no:cacheprovider"]
        + ["--durations=0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    found = _SUMMARY.findall(out.stdout)
    summary, seconds = (found[-1][0], float(found[-1][1])) if found else ("no summary", wall)
    log(f"  {summary} in {seconds:.0f} s of test time; {wall:.0f} s wall, {cpu:.0f} s CPU")
    return {
        "summary": summary,
        "test_seconds": seconds,
        "wall": wall,
        "cpu": cpu,
        "exit": out.returncode,
        "workers": os.cpu_count() or 1,  # what ``-n auto`` starts
        "by_file": worker_seconds(out.stdout),
        "postgres_line": next(
            (line for line in out.stdout.splitlines() if "PostgreSQL copies" in line), ""
        ),
    }


def report(cfg, result: dict | None, fallback: list[str]) -> list[str]:
    lines = ["## 6. Test time", ""]
    if not result:
        return lines + [
            "Not measured in this run (`--only` left it out). The last measurement by hand, "
            "from `bench/test_time.md`:",
            "",
            *fallback,
        ]
    ratio = result["test_seconds"] / GOAL_SECONDS
    lines += [
        "`make test`'s run (`pytest -n auto`) on this checkout, SQLite, Chromium present, "
        "PostgreSQL variables removed (a fresh laptop's set-up):",
        "",
        "| test time s | wall s | CPU s (process tree) | result | ratio to the goal |",
        "|---:|---:|---:|---|---:|",
        f"| {result['test_seconds']:.0f} | {result['wall']:.0f} | {result['cpu']:.0f} | "
        f"{result['summary']} (exit {result['exit']}) | {ratio:.2f} |",
        "",
        f"Goal: at most {GOAL_SECONDS:.0f} s of test time on this 2-core machine "
        f"(ratio ≤ 1.00): {'met' if ratio <= 1 else 'not met'}. What pytest printed about "
        f"PostgreSQL: “{result['postgres_line']}”.",
        "",
    ]
    return lines + _work_report(result)


def _work_report(result: dict) -> list[str]:
    """Where the test time goes: the work per test file, and how busy the workers were."""
    by_file = result.get("by_file") or {}
    if not by_file:
        return []
    total, workers = sum(by_file.values()), result["workers"]
    busy = total / (workers * result["test_seconds"])
    lines = [
        f"The work: {total:.0f} s of setup, call and teardown over all tests "
        f"(`--durations=0`), shared by {workers} workers: {total / workers:.0f} s each, "
        f"{busy:.0%} of the test time. The goal asks for at most {GOAL_SECONDS * workers:.0f} "
        f"s of work on {workers} fully busy workers. The {TOP_FILES} test files with the most:",
        "",
        "| test file | s | share |",
        "|---|---:|---:|",
    ]
    for path, seconds in sorted(by_file.items(), key=lambda item: -item[1])[:TOP_FILES]:
        lines.append(f"| `{path}` | {seconds:.1f} | {seconds / total:.0%} |")
    return [*lines, ""]
