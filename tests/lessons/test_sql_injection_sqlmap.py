"""sqlmap, the outside check: injectable at ``concat``, not injectable at ``orm``.

The app is served on a free loopback port with its own temporary database; sqlmap runs
bounded (level 2, risk 1, boolean and UNION techniques, SQLite only, short timeouts) with
its own output directory. sqlmap exits 0 either way, so the test reads what it printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from marketplace.audit import lab_app
from marketplace.exploits import LiveTarget
from marketplace.exploits.runner import live_server
from marketplace.extensions import db
from marketplace.lessons import state
from marketplace.models import Listing, User

SQLMAP = Path(sys.executable).with_name("sqlmap")
FOUND = "sqlmap identified the following injection point(s)"
NOT_FOUND = "all tested parameters do not appear to be injectable"


def sqlmap(url: str, workdir: Path, *args: str) -> str:
    command = [
        str(SQLMAP),
        "-u",
        url,
        *args,
        "--batch",
        "--level=2",
        "--risk=1",
        "--technique=BU",
        "--dbms=SQLite",
        "--timeout=10",
        "--retries=0",
        "--threads=1",
        "--disable-coloring",
        f"--output-dir={workdir}",
    ]
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HOME": str(workdir)}  # sqlmap keeps its history under $HOME
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=100, check=False, env=env, cwd=workdir
    )
    return done.stdout + done.stderr


def count_listings_of(email: str) -> int:
    user = User.by_email(email)
    return db.session.query(Listing).filter_by(user_id=user.id).count()


@pytest.mark.slow
# lab_app() migrates with Flask-Migrate, whose env.py still calls get_engine().
@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
@pytest.mark.skipif(not SQLMAP.exists(), reason="sqlmap is not installed in this environment")
@pytest.mark.parametrize(("stage", "injectable"), [("concat", True), ("orm", False)])
def test_sqlmap_finds_injection_only_where_sql_is_built_from_text(tmp_path, stage, injectable):
    with lab_app() as app, live_server(app) as base:
        with app.app_context():
            state.set_stage("sql-injection", stage)
        http = LiveTarget(base).session()
        email, password = "sqlmap@example.com", LiveTarget.fresh_password()
        assert http.signup("Sql Map", email, password).status == 302
        assert http.login(email, password).status == 302
        cookie = f"session={http.get_cookie('session')}"
        # A search whose results change with a true or false condition (a whole title).
        search = sqlmap(f"{base}listings/?q=Bookshelf", tmp_path / "search", "-p", "q")
        create = sqlmap(
            f"{base}listings/create",
            tmp_path / "create",
            "--data=title=Desk+lamp&description=Brass,+works&csrf_token=x",
            "--csrf-token=csrf_token",
            f"--csrf-url={base}listings/create",
            f"--cookie={cookie}",
            "-p",
            "title,description",
        )
        with app.app_context():
            posted = count_listings_of(email)
    # The form posts really went through (CSRF token and cookie accepted), at every stage.
    assert posted >= 20, f"only {posted} of sqlmap's listing posts were accepted"
    for name, output, parameter in (
        ("search", search, "Parameter: q (GET)"),
        ("create", create, "Parameter: title (POST)"),
    ):
        tail = output[-1500:]
        if injectable:
            assert FOUND in output and parameter in output, f"{name}: {tail}"
        else:
            assert NOT_FOUND in output and FOUND not in output, f"{name}: {tail}"
