"""The benchmark's own parts: wrk's output is read right, the Python fallback loads a server."""

from __future__ import annotations

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
