"""``marketplace audit`` output: a short report, its logs in a file named only on failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from marketplace import audit as runner
from marketplace import scratchdb
from marketplace.cli import main

BIN = Path(sys.executable).parent


def test_audit_of_one_lesson_is_short_and_leaves_no_log(tmp_path):
    """The newcomer's check: ``marketplace audit sql-injection 2>&1 | wc -l`` is at most 20."""
    env = {**os.environ, "TMPDIR": str(tmp_path), "MARKETPLACE_STAGES": ""}
    done = subprocess.run(
        [BIN / "marketplace", "audit", "sql-injection"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout
    lines = done.stdout.splitlines()
    assert len(lines) <= 20, done.stdout
    assert "Traceback" not in done.stdout and "alembic" not in done.stdout
    assert sum(line.startswith("sql-injection ") for line in lines) == 12
    assert not list(tmp_path.glob("marketplace-audit-*.log")), "a clean run keeps no log"


def test_a_failed_audit_names_the_log_that_holds_the_servers_errors(tmp_path, monkeypatch):
    monkeypatch.setattr(runner.tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(runner.Cell, "matches", property(lambda cell: cell.stage != "concat"))
    # A scratch database built here, not copied from an earlier test's: the migrations run.
    monkeypatch.setattr(scratchdb, "_templates", {})
    result = CliRunner().invoke(main, ["audit", "sql-injection"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    [log] = tmp_path.glob("marketplace-audit-*.log")
    assert f"The scratch server's log: {log}" in result.output
    text = log.read_text()
    # The concat stage's syntax errors and the migrations are in the file, not the terminal.
    assert "syntax error" in text and "Running upgrade" in text
