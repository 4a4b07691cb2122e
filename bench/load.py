"""Load generation: wrk when installed, else a bounded Python generator; medians, spreads."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass, field

from .servers import fetch


@dataclass
class Load:
    rps: float
    p50_ms: float
    p90_ms: float
    requests: int
    errors: int  # non-2xx/3xx answers and socket errors


def _wrk_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def load_wrk(url: str, seconds: float, connections: int, headers: dict) -> Load:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    out = subprocess.run(  # noqa: S603 - wrk at a loopback URL
        [*command, url], capture_output=True, text=True, timeout=seconds + 30, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _wrk_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p90 = _wrk_ms(re.search(r"^\s+90%\s+(\S+)", out, re.M).group(1))
    count = int(re.search(r"(\d+) requests in", out).group(1))
    errors = 0
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        errors += int(non2xx.group(1))
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if sockets:
        errors += sum(int(x) for x in sockets.groups())
    return Load(rps, p50, p90, count, errors)


def load_python(url: str, seconds: float, connections: int, headers: dict) -> Load:
    """The fallback: ``connections`` threads issuing requests until the time is up."""
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker() -> None:
        mine, bad = [], 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                status, _, _ = fetch(url, headers, timeout=10)
                bad += status >= 400
            except OSError:
                bad += 1
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    elapsed = time.monotonic() - started
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return Load(len(latencies) / elapsed, pick(0.5), pick(0.9), len(latencies), errors[0])


def use_wrk() -> bool:
    """wrk when installed, unless BENCH_LOAD_TOOL=python asks for the fallback."""
    return os.environ.get("BENCH_LOAD_TOOL") != "python" and shutil.which("wrk") is not None


def load(url: str, seconds: float, connections: int, headers: dict | None = None) -> Load:
    runner = load_wrk if use_wrk() else load_python
    return runner(url, seconds, connections, headers or {})


def load_tool_warning() -> str | None:
    """What to say when wrk is missing and the fallback was not asked for, else None."""
    if use_wrk() or os.environ.get("BENCH_LOAD_TOOL") == "python":
        return None
    return (
        "WARNING: wrk not found; figure 1 falls back to the Python load generator, which "
        "competes with the server for CPU (absolute numbers lower, ratios distorted). "
        "Install wrk (apt-get install -y wrk) for the issue's set-up, or set "
        "BENCH_LOAD_TOOL=python to choose the fallback knowingly."
    )


def load_tool() -> str:
    if use_wrk():
        version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout  # noqa: S607
        return (version.splitlines() or ["wrk"])[0].split(" [")[0]
    return "Python fallback (threads + http.client, bench/load.py load_python)"


@dataclass
class Series:
    """Repeated measurements of one figure: median and spread."""

    values: list[float] = field(default_factory=list)
    errors: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    def overlaps(self, other: Series) -> bool:
        return min(self.values) <= max(other.values) and min(other.values) <= max(self.values)

    @property
    def spread(self) -> str:
        if not self.values:
            return "n/a"
        return f"{min(self.values):,.0f}–{max(self.values):,.0f}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
