"""Fixtures: an app per test on SQLite (and on PostgreSQL when configured), clients, users."""

from __future__ import annotations

import atexit
import os
import queue
import sys
import threading
import time
import uuid
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

import pytest
from argon2 import PasswordHasher
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from marketplace import create_app, demo, password_storage, scratchdb
from marketplace.demo import seed_demo
from marketplace.exploits import FlaskTarget
from marketplace.extensions import db
from marketplace.lessons import active, state
from marketplace.password_storage import hash_password

POSTGRES_URL = os.environ.get("MARKETPLACE_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("MARKETPLACE_REQUIRE_POSTGRES") == "1"
REQUIRE_BROWSER = os.environ.get("MARKETPLACE_REQUIRE_BROWSER") == "1"
BACKENDS = ["sqlite", "postgres"]


def _postgres_database(template: str | None = None):
    """A fresh database on the test server (a copy of ``template`` if given); dropped after."""
    if not POSTGRES_URL:
        message = (
            "PostgreSQL tests need MARKETPLACE_TEST_POSTGRES_URL, e.g. "
            "postgresql://postgres@127.0.0.1:5432/test"
        )
        if REQUIRE_POSTGRES:
            pytest.fail(message + " (MARKETPLACE_REQUIRE_POSTGRES=1 makes this mandatory)")
        pytest.skip(message)
    from marketplace.config import database_url

    base = database_url(POSTGRES_URL, "")
    name = f"mp_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        copy = f' TEMPLATE "{template}"' if template else ""
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    # Close it now: the drop is queued behind others (below), and a pooled connection held
    # by each queued drop ran the server out of connections (100) with two test processes.
    admin.dispose()
    parts = urlsplit(base)
    url = urlunsplit(parts._replace(path=f"/{name}"))

    def drop_now():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, lambda: _DROPS.put(drop_now)


# DROP DATABASE waits for a checkpoint: on a server shared by parallel test runs that took
# 10-34 s per test in teardown. One thread per test process drops them in order instead,
# while the tests go on; at exit it gets a bounded time to finish.
_DROPS: queue.Queue = queue.Queue()
DROP_AT_EXIT_WITHIN = 120  # seconds


def _dropper() -> None:
    while True:
        drop = _DROPS.get()
        try:
            drop()
        except Exception as exc:  # noqa: BLE001 - a leftover database must not fail a test
            print(f"conftest: could not drop a test database: {exc}", file=sys.stderr)
        finally:
            _DROPS.task_done()


def _wait_for_drops() -> None:
    deadline = time.monotonic() + DROP_AT_EXIT_WITHIN
    while _DROPS.unfinished_tasks and time.monotonic() < deadline:
        time.sleep(0.1)


threading.Thread(target=_dropper, name="drop-test-databases", daemon=True).start()
atexit.register(_wait_for_drops)


NEW_POSTGRES_STAGE_VERSION = (
    "UPDATE counters SET value = floor(random() * 4611686018427387904)::bigint "
    "WHERE name = 'lesson_stages'"
)

_DEMO_HASHES: dict[tuple, str] = {}


# Password hashing for in-process tests. The argon2id stage's real parameters (128 MiB,
# 3 passes: as costly as bcrypt-12) make every login cost a few hundred milliseconds, and
# the suite logs in thousands of times; most tests check what a login does, not what it
# costs, and run with the cheapest parameters (Argon2id at 1 MiB and 1 pass, bcrypt at
# cost 4: about a millisecond), as Django's test settings swap in a fast hasher. Tests
# whose verdict depends on the cost (timing enumeration, the online brute force against
# the throttle, the dictionary crack's budget) carry the ``hash_cost`` mark: Argon2id at
# OWASP's minimum and bcrypt at its real cost 12. The real Argon2id parameters are
# measured by ``test_argon2id_costs_at_least_a_bcrypt_12_guess`` and used by every
# subprocess (``audit``, gunicorn, ``marketplace run``).
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
OWASP_MINIMUM_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
CHEAP_BCRYPT_ROUNDS = 4  # bcrypt's minimum
# Databases built while OWASP hashing is on hold demo users hashed with it: their own
# templates, so that a test never mixes the two costs (a timing test would see them).
_OWASP_TEMPLATES: dict = {}


def _hashing_stage(name: str):
    from marketplace.lessons import get_lesson

    return get_lesson("weak-password-storage").module(name)


REAL_BCRYPT_ROUNDS = _hashing_stage("bcrypt").ROUNDS  # read before any test patches it


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_hashing_stage("argon2id"), "HASHER", CHEAP_HASHER)
        patch.setattr(_hashing_stage("bcrypt"), "ROUNDS", CHEAP_BCRYPT_ROUNDS)
        password_storage._dummy_hash.cache_clear()
        yield
    password_storage._dummy_hash.cache_clear()


@pytest.fixture
def owasp_password_hashing(monkeypatch):
    """Argon2id at OWASP's minimum (19 MiB, 2 passes) and bcrypt at cost 12 for this test,
    with the demo users and the dummy hash made at that cost too."""
    bcrypt_stage = _hashing_stage("bcrypt")
    monkeypatch.setattr(_hashing_stage("argon2id"), "HASHER", OWASP_MINIMUM_HASHER)
    monkeypatch.setattr(bcrypt_stage, "ROUNDS", REAL_BCRYPT_ROUNDS)
    monkeypatch.setattr(scratchdb, "_templates", _OWASP_TEMPLATES)
    password_storage._dummy_hash.cache_clear()
    yield
    password_storage._dummy_hash.cache_clear()


@pytest.fixture(autouse=True, scope="session")
def url_builders_compiled_once():
    """Each app's URL builders are compiled code; equal rules share it (see the module)."""
    from tests.helpers.url_builders import compiled_once

    with compiled_once() as cache:
        yield cache


@pytest.fixture(autouse=True, scope="session")
def one_chromium_per_test_process():
    """Browser tests share one Chromium per test process, a fresh context each (launching
    one costs most of a second); the first test that needs it launches it."""
    from marketplace.exploits.browser import one_browser

    with one_browser():
        yield


@pytest.fixture(autouse=True)
def hash_cost_mark(request):
    """A test marked ``hash_cost`` runs with ``owasp_password_hashing`` (before its app)."""
    if request.node.get_closest_marker("hash_cost") is not None:
        request.getfixturevalue("owasp_password_hashing")


def _hash_cost() -> tuple:
    """What the hashing stages cost now: the tests' cheap setting or ``hash_cost``'s."""
    return (id(_hashing_stage("argon2id").HASHER), _hashing_stage("bcrypt").ROUNDS)


def _cached_hash(password: str) -> str:
    """The demo users' hashes, computed once per scheme, cost and test run."""
    key = (active("weak-password-storage").__name__, _hash_cost(), password)
    if key not in _DEMO_HASHES:
        _DEMO_HASHES[key] = hash_password(password)
    return _DEMO_HASHES[key]


def seed_demo_quickly() -> int:
    with mock.patch.object(demo, "hash_password", _cached_hash):
        return seed_demo()


POSTGRES_HINT = (
    "PostgreSQL copies of the tests not collected: set "
    "MARKETPLACE_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test to run them "
    "(MARKETPLACE_REQUIRE_POSTGRES=1 makes a missing server an error)"
)


def _needs_postgres(item) -> bool:
    """A ``postgres`` marker, or a parameter (``backend``, ``database``) set to postgres."""
    if item.get_closest_marker("postgres") is not None:
        return True
    params = getattr(getattr(item, "callspec", None), "params", {})
    return any(isinstance(value, str) and value == "postgres" for value in params.values())


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc):
    """Tests marked ``one_backend`` (a module whose behaviour cannot differ by database: Host
    checks, XML parsing, page texts) run on SQLite only; the PostgreSQL copy of such a test
    costs a database but proves nothing the SQLite copy does not. An explicit
    ``parametrize("backend", ...)`` on the test still wins."""
    if "backend" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("one_backend") is None:
        return
    explicit = any(
        "backend" in str(mark.args[0]) for mark in metafunc.definition.iter_markers("parametrize")
    )
    if not explicit:
        metafunc.definition.add_marker(pytest.mark.parametrize("backend", ["sqlite"]))


def pytest_collection_modifyitems(config, items):
    """Without PostgreSQL, its copies are deselected (one summary line), not skipped one by
    one; with MARKETPLACE_REQUIRE_POSTGRES=1 they stay, and fail without a server."""
    if POSTGRES_URL or REQUIRE_POSTGRES:
        return
    dropped = [item for item in items if _needs_postgres(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not _needs_postgres(item)]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not (POSTGRES_URL or REQUIRE_POSTGRES):
        terminalreporter.write_line(POSTGRES_HINT)


def pytest_runtest_setup(item):
    """Tests marked ``browser`` skip with the reason when Chromium is missing (fail in CI)."""
    if item.get_closest_marker("browser") is None:
        return
    from marketplace.exploits.browser import browser_unavailable

    reason = browser_unavailable()
    if reason:
        if REQUIRE_BROWSER:
            pytest.fail(reason + " (MARKETPLACE_REQUIRE_BROWSER=1 makes browser tests mandatory)")
        pytest.skip(reason)


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


_TEST_CONFIG = {
    "TESTING": True,
    "SCRATCH_DATABASE": True,  # SQLite skips the disk flush of each commit
    "SECRET_KEY": "test-secret-key",
    "MARKETPLACE_ENV": "development",
    "LAB_ENABLED": True,
    "STAGES": "",
}
_POSTGRES_TEMPLATES: dict[tuple, str] = {}


def _postgres_template() -> str:
    """A database with the schema and the demo users, built once per test process: each
    test's database is a copy (``CREATE DATABASE ... TEMPLATE``), dropped at exit. One per
    password cost (see ``hash_cost``): the demo users' hashes are made at the cost in force."""
    cost = _hash_cost()
    if cost not in _POSTGRES_TEMPLATES:
        url, drop = _postgres_database()
        app = create_app({**_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            # The migrations, as `marketplace db upgrade` makes a real database: PostgreSQL
            # has what only they make (the pg_trgm indexes and their options).
            upgrade()
            seed_demo_quickly()
            db.session.remove()
            db.engine.dispose()  # a template must have no connections to be copied
        atexit.register(drop)
        _POSTGRES_TEMPLATES[cost] = urlsplit(url).path.lstrip("/")
    return _POSTGRES_TEMPLATES[cost]


def make_app(tmp_path, backend: str = "sqlite", **overrides):
    """An app on a fresh database, with the schema and the demo users."""
    drop = None
    if backend == "postgres":
        url, drop = _postgres_database(template=_postgres_template())
    else:
        url = f"sqlite:///{tmp_path}/test.sqlite"
    config = {
        **_TEST_CONFIG,
        "SQLALCHEMY_DATABASE_URI": url,
        "UPLOADS_FOLDER": f"{tmp_path}/uploads",  # listing photos: one folder per test
    }
    config.update(overrides)
    app = create_app(config)

    def build() -> None:
        with app.app_context():
            db.create_all()
            seed_demo_quickly()

    if backend == "sqlite":
        # Copied from the first one this process built (the same schema and demo users).
        scratchdb.prepare("tests", tmp_path / "test.sqlite", build)
    else:
        with app.app_context():  # a copy: its own stage version, as a new database has
            db.session.execute(text(NEW_POSTGRES_STAGE_VERSION))
            db.session.commit()
    return app, drop


@pytest.fixture
def app(tmp_path, backend):
    app, drop = make_app(tmp_path, backend)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if drop:
        drop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def target(app):
    """The exploit interface over the Flask test client."""
    return FlaskTarget(app)


@pytest.fixture
def set_stage(app):
    """Switch a lesson's stage for this test (others stay at their default)."""

    def switch(lesson: str, stage: str) -> None:
        with app.app_context():
            state.set_stage(lesson, stage)

    return switch


class Browser:
    """A logged-in (or not) test client that fills in CSRF tokens like a browser would."""

    def __init__(self, app):
        self.target = FlaskTarget(app)
        self.http = self.target.session()

    def __getattr__(self, name):
        return getattr(self.http, name)


@pytest.fixture
def browser(app):
    return Browser(app)


@pytest.fixture
def user(browser):
    """A fresh account, logged in; returns (browser, email, password, full_name)."""
    email, password, name = "tester@example.com", "Str0ng-Passw0rd!", "Terry Tester"
    assert browser.signup(name, email, password).status == 302
    assert browser.login(email, password).status == 302
    return browser, email, password, name


# --- Browser tests: the pytest_runtest_setup hook above skips or fails them. ---


@pytest.fixture
def live_target(app):
    """The app served on a free loopback port, as a LiveTarget (for browser exploits)."""
    from marketplace.exploits import LiveTarget
    from marketplace.exploits.runner import live_server

    with live_server(app) as url:
        yield LiveTarget(url)
