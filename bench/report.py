"""BENCHMARKS.md: the machine, the set-up, then one section per figure of issue 16."""

from __future__ import annotations

import contextlib
import os
import platform
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from . import fig_audit, fig_busy_lab, fig_cracking, fig_scale, fig_tests, fig_throughput


def machine() -> dict:
    cpu = platform.processor() or "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_before": _loadavg(),
    }


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def _setup(cfg, info: dict, datasets: dict) -> list[str]:
    return [
        "# Benchmarks",
        "",
        f"Written by `make bench` (`python -m bench.run{' --quick' if cfg.quick else ''}`) on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Every figure is a ratio against a baseline "
        "measured in the same run on the same machine; absolute numbers depend on the "
        "machine and its load, ratios much less.",
        "",
        "## Set-up",
        "",
        f"- Machine: {info['cpu']}, {info['cores']} cores, {info['memory']} RAM; "
        f"{info['os']}; Python {info['python']}; SQLite {info['sqlite']}. Load average "
        f"(1, 5, 15 min) {info['load_before']} before and {info['load_after']} after the run: "
        "the machine was shared with other jobs, which is why every figure alternates subject "
        "and baseline and reports ratios of medians and the spreads.",
        f"- Servers: `gunicorn --workers {cfg.workers} --worker-class sync --bind "
        "127.0.0.1:<free port>` for the marketplace (`marketplace.wsgi:app`, lab mode, SQLite) "
        "and for the baseline (`bench/hello.py`); the load generator runs on the same machine.",
        f"- Load tool: {info['tool']}; {cfg.connections} connections"
        + (", 2 threads" if "wrk" in info["tool"] else "")
        + f", {cfg.seconds:g} s per run, {cfg.runs} runs per figure, after a 1 s warm-up. "
        "Without wrk the fallback is `bench/load.py`'s `load_python` (threads + http.client; "
        "it competes with the server for CPU, so absolute numbers are lower).",
        "- Data: "
        + "; ".join(
            f"{name}: {d.listings:,} listings (`marketplace seed-listings {d.listings} "
            f"--users 100`, {d.seed_seconds:.1f} s wall)"
            for name, d in datasets.items()
        )
        + ".",
        "",
    ]


def _test_time() -> list[str]:
    path = Path(__file__).with_name("test_time.md")
    if not path.exists():
        return ["(no measurement recorded)", ""]
    return [*path.read_text().strip().splitlines(), ""]


def write(path: Path, cfg, info: dict, figures: dict, datasets: dict) -> None:
    lines = _setup(cfg, info, datasets)
    lines += fig_throughput.report(cfg, figures.get("throughput"), figures.get("tax"))
    lines += fig_scale.report(cfg, figures.get("scale"), figures.get("scale-postgres"))
    lines += fig_cracking.report(cfg, figures.get("cracking"))
    lines += fig_audit.report(cfg, figures.get("audit"))
    lines += fig_tests.report(cfg, figures.get("tests"), _test_time())
    lines += fig_busy_lab.report(cfg, figures.get("busy"))
    lines += [
        "## Reproduce",
        "",
        "```sh",
        "make bench                             # about 20-30 min on 2 cores",
        "make bench BENCH_ARGS=--quick          # CI-sized: 50k listings instead of 1M, short runs",
        "make bench BENCH_ARGS='--only scale'   # one figure; all: throughput, tax, scale,",
        "                                       #   cracking, audit, tests, busy",
        "BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres \\",
        "  BENCH_REDIS_URL=redis://127.0.0.1:6379/6 make bench BENCH_ARGS='--only busy'",
        "BENCH_LOAD_TOOL=python make bench      # the Python load generator instead of wrk",
        "# PostgreSQL (figures 2-3 and 7): BENCH_POSTGRES_URL, else MARKETPLACE_TEST_POSTGRES_URL,",
        "# else the local server; without one, those sections say PostgreSQL was not measured.",
        "```",
        "",
    ]
    path.write_text("\n".join(lines))
