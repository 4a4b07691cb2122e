"""The benchmark's own parts: wrk's output is read right, the Python fallback loads a server."""

from __future__ import annotations

import json
import subprocess

import pytest
from click.testing import CliRunner

from bench import load as bench
from bench import run, servers
from marketplace.exploits.runner import live_server

WRK_OUTPUT = """Running 3s test @ http://127.0.0.1:40000/listings/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    38.10ms   12.50ms 120.00ms   87.50%
    Req/Sec   210.00     40.00   300.00     70.50%
  Latency Distribution
     50%   36.20ms
     75%   44.00ms
     90%    1.20s
     99%  110.00ms
  1262 requests in 3.01s, 6.40MB read
  Non-2xx or 3xx responses: 3
  Socket errors: connect 0, read 2, write 0, timeout 1
Requests/sec:    419.30
Transfer/sec:      2.13MB
"""


def test_wrk_output_is_parsed(monkeypatch):
    def fake_run(command, **kwargs):
        assert command[0] == "wrk" and command[-1].startswith("http://127.0.0.1:")
        assert command[-3:-1] == ["-H", "Cookie: session=x"]
        return subprocess.CompletedProcess(command, 0, stdout=WRK_OUTPUT, stderr="")

    monkeypatch.setattr(bench.subprocess, "run", fake_run)
    result = bench.load_wrk("http://127.0.0.1:40000/listings/", 3, 16, {"Cookie": "session=x"})
    assert (result.rps, result.requests, result.errors) == (419.30, 1262, 6)
    assert (result.p50_ms, result.p90_ms) == (36.2, 1200.0)


def test_python_fallback_loads_a_live_server(app):
    with live_server(app) as url:
        result = bench.load_python(url + "listings/", 0.5, 2, {})
    assert result.requests > 0 and result.errors == 0 and result.rps > 0
    assert 0 < result.p50_ms <= result.p90_ms


def test_fetch_refuses_anything_but_loopback():
    with pytest.raises(ValueError, match="loopback"):
        servers.fetch("http://example.com:80/")


def test_series_median_spread_and_overlap():
    a, b = bench.Series([1.0, 3.0, 2.0]), bench.Series([2.5, 4.0])
    assert a.median == 2.0 and a.spread == "1–3"
    assert a.overlaps(b) and not a.overlaps(bench.Series([5.0, 6.0]))


def test_run_refuses_an_unknown_figure(tmp_path):
    result = CliRunner().invoke(run.main, ["--only", "nonsense", "--out", str(tmp_path / "b.md")])
    assert result.exit_code == 2 and "unknown figure(s) nonsense" in result.output
    assert not (tmp_path / "b.md").exists()


def test_cracking_figure_runs_and_reports(tmp_path):
    """The smallest real run: the cracking figure, written to a report of its own."""
    from bench import fig_cracking

    cfg = run.config(quick=True)
    cfg.crack_runs, cfg.crack_budget = 1, 0.05
    result = fig_cracking.measure(cfg)
    assert result["bare"][0] > 0 and result["attack"][0] > 0
    lines = "\n".join(fig_cracking.report(cfg, result))
    assert "`crack.dictionary_attack` on the sha256 stage's hash" in lines


def test_busy_lab_without_redis_is_a_section_that_says_so(monkeypatch):
    from bench import fig_busy_lab

    monkeypatch.setenv("BENCH_REDIS_URL", "redis://127.0.0.1:1/6")  # nothing listens there
    cfg = run.config(quick=True)
    result = fig_busy_lab.measure(cfg, None)
    assert list(result) == ["missing"]
    assert result["missing"].startswith("Redis does not answer at redis://127.0.0.1:1/6: ")
    text = "\n".join(fig_busy_lab.report(cfg, result))
    assert "## 7. A busy lab" in text and "**Not measured**: Redis does not answer" in text


def test_busy_lab_without_postgres_is_unavailable():
    from bench import busy_lab

    nowhere = busy_lab.scratch_database("postgresql://postgres@127.0.0.1:1/postgres")
    with pytest.raises(busy_lab.Unavailable, match="PostgreSQL does not answer"), nowhere:
        pass


def test_busy_lab_report_holds_the_figures_and_the_goal():
    from bench import fig_busy_lab

    summary = {
        "requests": 6000, "rps": 100.0, "median_ms": 40.0, "p90_ms": 90.0, "p99_ms": 480.0,
        "max_ms": 900.0, "p99_over_median": 12.0, "errors": 0, "server_errors": 0,
        "unexpected": 0, "server_log_errors": 0, "exact": 40, "learners": 40, "stray_solves": 0,
    }  # fmt: skip
    result = {
        "workshop": {"learners": 40, "seconds": 60, "workers": 4, "arrivals": 10},
        "summary": summary,
        "by_kind": {"search": {"requests": 900, "median_ms": 35.0, "p99_ms": 300.0}},
        "problems": [],
    }
    text = "\n".join(fig_busy_lab.report(run.config(quick=False), result))
    assert "| requests/s | 100 | |" in text and "| **p99 / median** | **12.0** | ≤ 10 |" in text
    assert "| learners whose progress was exactly what they solved | 40/40 | 40/40 |" in text
    assert "| search (`GET /listings/?q=`) | 900 | 35 | 300 |" in text
    assert "Goals **not met**: p99 is 12.0x the median." in text


def test_test_time_report_judges_by_the_goal():
    from bench import fig_tests

    result = {
        "summary": "10 passed",
        "test_seconds": 270.0,
        "wall": 280.0,
        "cpu": 500.0,
        "exit": 0,
        "postgres_line": "PostgreSQL copies of the tests not collected: set ...",
    }
    slow = "\n".join(fig_tests.report(None, result, []))
    assert "| 1.50 |" in slow and "not met" in slow and "PostgreSQL copies" in slow
    fast = "\n".join(fig_tests.report(None, {**result, "test_seconds": 90.0}, []))
    assert "| 0.50 |" in fast and "): met" in fast
    assert "bench/test_time.md" in "\n".join(fig_tests.report(None, None, ["by hand"]))


def test_a_missing_wrk_is_said_unless_the_fallback_was_chosen(monkeypatch):
    from bench import load

    monkeypatch.delenv("BENCH_LOAD_TOOL", raising=False)
    monkeypatch.setattr(load.shutil, "which", lambda name: None)
    assert "apt-get install -y wrk" in load.load_tool_warning()
    monkeypatch.setenv("BENCH_LOAD_TOOL", "python")
    assert load.load_tool_warning() is None
    monkeypatch.delenv("BENCH_LOAD_TOOL")
    monkeypatch.setattr(load.shutil, "which", lambda name: "/usr/bin/wrk")
    assert load.load_tool_warning() is None


def test_hashing_counts_the_hashes_of_each_exploit_run(tmp_path, monkeypatch):
    """bench/hashing.py: every Argon2id or bcrypt hash during a run is its own."""
    import argon2._password_hasher as argon2_hasher
    import bcrypt
    from argon2 import PasswordHasher

    from bench import hashing
    from marketplace import audit

    for module, name in (
        (argon2_hasher, "hash_secret"),
        (argon2_hasher, "verify_secret"),
        (bcrypt, "hashpw"),
        (bcrypt, "checkpw"),
        (audit, "run_exploit"),
    ):
        monkeypatch.setattr(module, name, getattr(module, name))  # restored after the test
    log = tmp_path / "hashing.jsonl"
    hashing.install(str(log))
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

    class Hashes:
        name = "hashes-three-times"

        @staticmethod
        def run(target):
            stored = cheap.hash("one")
            cheap.verify(stored, "one")
            bcrypt.checkpw(b"two", bcrypt.hashpw(b"two", bcrypt.gensalt(4)))
            return target.defended("hashed")

    class Hashes0:
        name = "hashes-none"

        @staticmethod
        def run(target):
            return target.defended("nothing")

    from marketplace.exploits.target import LiveTarget

    for exploit in (Hashes, Hashes0):
        audit.run_exploit(exploit, LiveTarget("http://127.0.0.1:9/"))
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(r["exploit"], r["hashes"]) for r in records] == [
        ("hashes-three-times", 4),
        ("hashes-none", 0),
    ]
    assert records[0]["hash_seconds"] > 0 and records[0]["seconds"] >= records[0]["hash_seconds"]
    assert records[1]["hash_seconds"] == 0


def _cell(exploit: str, stage: str, seconds: float, lesson: str = "sql-injection") -> dict:
    return {"lesson": lesson, "exploit": exploit, "stage": stage, "seconds": seconds}


def test_audit_figure_splits_each_http_exploit_into_hashing_and_the_rest(tmp_path):
    from bench import fig_audit

    cells = [_cell("union-dump", "concat", 1.5), _cell("union-dump", "orm", 0.4)]
    log = tmp_path / "h.jsonl"
    log.write_text(
        "\n".join(
            json.dumps({"exploit": "union-dump", "seconds": s, "hashes": h, "hash_seconds": t})
            for s, h, t in ((1.5, 4, 1.3), (0.4, 1, 0.3))
        )
    )
    split = fig_audit._hashing(cells, [], [], log)
    assert [(c["cell"], c["hashes"]) for c in split] == [
        ("sql-injection/union-dump@concat", 4),
        ("sql-injection/union-dump@orm", 1),
    ]
    text = "\n".join(fig_audit._hashing_report(split))
    assert "5 hashes, 0.32 s each" in text
    assert "median 0.15 s, slowest 0.20 s; 0 of 2 took 1 s or more" in text
    assert "Of the 1 that took 1 s or more, 1 spent at least half" in text
    assert "| sql-injection/union-dump@concat | 1.50 | 4 | 1.30 | 0.20 |" in text
    # Records that do not line up with the runs are not reported at all.
    assert fig_audit._hashing(list(reversed(cells))[:1] + cells, [], [], log) == []


def test_throughput_figure_says_which_goals_the_floor_is_below():
    from bench import fig_throughput

    rates = {"hello": 5000, "index": 800, "api": 700, "welcome": 650, "prod_index": 900}
    series = {name: bench.Series([rate]) for name, rate in rates.items()}
    series["prod_floor"] = bench.Series([3500])
    series["floor"] = bench.Series([2100])  # 0.42: under 0.5, over 0.4
    text = "\n".join(fig_throughput._floor_report(series))
    assert "In lab mode it serves 0.420 of the hello world, below the goals of" in text
    assert "`GET /listings/` (≥ 0.5)" in text and "logged in (≥ 0.4)" not in text
    series["floor"] = bench.Series([2600])
    assert "above every goal" in "\n".join(fig_throughput._floor_report(series))
    del series["floor"]
    assert fig_throughput._floor_report(series) == []


def test_test_figure_sums_the_work_per_file():
    from bench import fig_tests

    output = """
3.50s call     tests/test_a.py::test_one[x]
0.50s setup    tests/test_a.py::test_one[x]
1.00s call     tests/lessons/test_b.py::TestB::test_two
(12 durations < 0.005s hidden.  Use -vv to show these durations.)
"""
    by_file = fig_tests.worker_seconds(output)
    assert by_file == {"tests/test_a.py": 4.0, "tests/lessons/test_b.py": 1.0}
    text = "\n".join(fig_tests._work_report({"by_file": by_file, "workers": 2, "test_seconds": 5}))
    assert "5 s of setup, call and teardown" in text and "2 s each, 50% of the test time" in text
    assert text.index("`tests/test_a.py` | 4.0 | 80%") < text.index("`tests/lessons/test_b.py`")
