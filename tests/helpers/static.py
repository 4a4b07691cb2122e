"""Outside checks the lesson tests share: bandit on a stage module, the app in production."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def bandit_rules(path: Path) -> set[str]:
    """The bandit rule ids (e.g. ``B602``) reported for one file or folder."""
    done = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", "-f", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr  # 1: findings; anything else: bandit broke
    return {result["test_id"] for result in json.loads(done.stdout)["results"]}


def run_in_production(tmp_path: Path, stages: str) -> subprocess.CompletedProcess:
    """``marketplace run`` in production with ``MARKETPLACE_STAGES=stages`` (it should refuse)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MARKETPLACE_")}
    environ.update(
        MARKETPLACE_ENV="production",
        MARKETPLACE_SECRET_KEY="k" * 64,
        MARKETPLACE_STAGES=stages,
        MARKETPLACE_DATABASE_URL=f"sqlite:///{tmp_path}/prod.sqlite",
    )
    return subprocess.run(
        [str(Path(sys.executable).with_name("marketplace")), "run", "--port", "1"],
        env=environ,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
