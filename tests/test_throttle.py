"""Login and e-mail-change throttling: no lock-out button, shared by every process.

Each test runs on every store: the database (SQLite, PostgreSQL) and Redis
(redis://127.0.0.1:6379/3). Clients are told apart by REMOTE_ADDR (the test client's
``environ_base``), except in the live-server test, which really connects from 127.0.0.2.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from requests.adapters import HTTPAdapter

from marketplace import throttling
from marketplace.clock import utcnow
from marketplace.config import ConfigError, ratelimit_url
from marketplace.demo import demo_credentials
from marketplace.exploits import LiveTarget
from marketplace.exploits.runner import live_server, run_exploit
from marketplace.extensions import db
from marketplace.lessons import get_lesson
from marketplace.lessons.broken_authentication import exploits
from marketplace.lessons.broken_authentication.stages import hardened
from marketplace.lessons.broken_authentication.stages.hardened import THROTTLE
from marketplace.lessons.broken_authentication.throttle import LoginThrottle
from marketplace.models import ThrottleCounter, count
from tests.conftest import Browser, make_app
from tests.helpers import empty_database

# Parallel checkouts on one machine give each its own Redis database.
REDIS_URL = os.environ.get("MARKETPLACE_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
LESSON = get_lesson("broken-authentication")
ALICE, ALICE_PASSWORD = "alice@example.com", "wonderland-Quartz-42"
A, B = "203.0.113.10", "203.0.113.20"


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")
    return client


class Clock:
    """A settable clock for the database store (``app.config["CLOCK"]``)."""

    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now


@pytest.fixture(params=["sqlite", "postgres", "redis"])
def store(request, tmp_path):
    """(app, store name) with the lesson at ``hardened`` (its default) on a fresh store."""
    overrides = {"CLOCK": Clock()}
    if request.param == "redis":
        _redis_or_skip()
        overrides |= {
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            "RATELIMIT_KEY_PREFIX": f"test-{secrets.token_hex(6)}",
        }
    backend = "postgres" if request.param == "postgres" else "sqlite"
    app, drop = make_app(tmp_path, backend, **overrides)
    yield app, request.param
    with app.app_context():
        throttling.store().clear_all()
        db.session.remove()
        db.engine.dispose()
    if drop:
        drop()


@pytest.fixture
def app(store):
    return store[0]


def login(browser, email, password, address):
    return browser.submit(
        "/user/login",
        {"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def fail(browser, email, times, address):
    return [login(browser, email, f"Wrong-{i}-{address}", address).status for i in range(times)]


def error(reply):
    return exploits._error(reply)


def device_cookie(browser) -> str | None:
    """The device cookie is scoped to the login form's path."""
    cookie = browser.http.client.get_cookie("device", path="/user/login")
    return cookie.value if cookie else None


# --- (a), (b), (c): the (account, client) pair ------------------------------------------


def test_a_strangers_failures_do_not_lock_the_owner_out(app):
    attacker, owner = Browser(app), Browser(app)
    assert fail(attacker, ALICE, 5, A) == [400] * 5
    assert login(owner, ALICE, ALICE_PASSWORD, B).status == 302


def test_the_failing_client_is_refused_even_with_the_right_password(app):
    attacker = Browser(app)
    assert fail(attacker, ALICE, 5, A) == [400] * 5
    refused = login(attacker, ALICE, ALICE_PASSWORD, A)
    assert refused.status == 429
    assert error(refused) == (
        "Too many failed logins for this account from your address. Try again in 15 minutes."
    )
    # An unknown e-mail is refused in the same words: a refusal reveals no account.
    nobody = "no-one-here@example.com"
    assert fail(attacker, nobody, 6, A) == [400] * 5 + [429]


def test_a_success_resets_that_clients_count_only(app):
    owner, other = Browser(app), Browser(app)
    assert fail(owner, ALICE, 4, A) == [400] * 4
    assert login(owner, ALICE, ALICE_PASSWORD, A).status == 302
    assert fail(Browser(app), ALICE, 4, A) == [400] * 4  # four more: not five in a row
    assert login(Browser(app), ALICE, ALICE_PASSWORD, A).status == 302
    # Client B's success does not clear client A's count.
    assert fail(Browser(app), ALICE, 5, A) == [400] * 5
    assert login(other, ALICE, ALICE_PASSWORD, B).status == 302
    assert login(Browser(app), ALICE, ALICE_PASSWORD, A).status == 429


def test_the_window_ends(store):
    app, name = store
    assert fail(Browser(app), ALICE, 5, A) == [400] * 5
    assert login(Browser(app), ALICE, ALICE_PASSWORD, A).status == 429
    if name == "redis":  # Redis expires keys on its own clock: check the TTL it set
        with app.app_context():
            left = throttling.Rule("login-pair", 5).count(ALICE, f"address:{A}").seconds_left
        assert 800 < left <= 900
        return
    app.config["CLOCK"].now += timedelta(minutes=15, seconds=1)
    assert login(Browser(app), ALICE, ALICE_PASSWORD, A).status == 302


# --- (d): many clients against one account; one client against many accounts -----------


def test_a_per_account_ceiling_stops_a_distributed_guesser(app):
    owner = Browser(app)
    assert login(owner, ALICE, ALICE_PASSWORD, "198.51.100.250").status == 302  # device cookie
    guesser = Browser(app)
    addresses = [f"198.51.100.{i}" for i in range(1, 5)]  # 4 clients x 5 = the ceiling
    for address in addresses:
        assert fail(guesser, ALICE, 5, address) == [400] * 5
    assert THROTTLE.per_account == 20
    # Past the ceiling, a client that has failed for alice is refused...
    refused = login(guesser, ALICE, "Wrong-again-1", "198.51.100.77")  # fresh: one guess
    assert refused.status == 400
    refused = login(guesser, ALICE, ALICE_PASSWORD, "198.51.100.77")
    assert refused.status == 429
    assert error(refused).startswith("Too many failed logins for this account. Try again in")
    # ...a fresh client that has not failed still logs in with the right password,
    assert login(Browser(app), ALICE, ALICE_PASSWORD, "198.51.100.88").status == 302
    # and so does the owner's browser that logged in before, even from a guesser's address.
    assert login(owner, ALICE, ALICE_PASSWORD, addresses[0]).status == 302
    # Other accounts are untouched.
    assert login(Browser(app), "carol@example.com", "iloveyou", addresses[0]).status == 302


def test_past_the_account_lock_only_known_browsers_get_in(app, monkeypatch):
    """A botnet's guesses for one account are bounded; the owner's known browser still works."""
    small = LoginThrottle(per_pair=2, per_address=30, per_account=4, account_lock=8)
    monkeypatch.setattr(hardened, "THROTTLE", small)
    owner = Browser(app)
    assert login(owner, ALICE, ALICE_PASSWORD, "198.51.100.250").status == 302
    guesser = Browser(app)
    statuses = [login(guesser, ALICE, "Wrong-1", f"198.51.100.{i}").status for i in range(1, 12)]
    # 4 below the ceiling, then one guess per fresh address up to the lock (8), then none.
    assert statuses == [400] * 8 + [429] * 3
    assert login(Browser(app), ALICE, ALICE_PASSWORD, "198.51.100.99").status == 429
    assert login(owner, ALICE, ALICE_PASSWORD, "198.51.100.99").status == 302


def test_a_device_cookie_is_counted_on_its_own_and_can_be_locked_too(app):
    owner = Browser(app)
    assert login(owner, ALICE, ALICE_PASSWORD, A).status == 302
    assert device_cookie(owner)
    # An attacker at the owner's address locks only the address, not the owner's browser.
    assert fail(Browser(app), ALICE, 5, A) == [400] * 5
    assert login(owner, ALICE, ALICE_PASSWORD, A).status == 302
    # A stolen device cookie buys five guesses, not more.
    thief = Browser(app)
    thief.http.client.set_cookie("device", device_cookie(owner), path="/user/login")
    assert fail(thief, ALICE, 6, B) == [400] * 5 + [429]
    assert "from this browser" in error(login(thief, ALICE, ALICE_PASSWORD, B))
    # A forged cookie is ignored: the client is its address again.
    forged = Browser(app)
    forged.http.client.set_cookie("device", "forged.cookie.value", path="/user/login")
    assert login(forged, ALICE, ALICE_PASSWORD, A).status == 429


def test_a_spraying_address_gets_one_guess_per_account_and_locks_nobody_out(app):
    sprayer = Browser(app)
    for i in range(THROTTLE.per_address):
        assert login(sprayer, f"spray-{i}@example.com", "Summer2026!", A).status == 400
    assert fail(sprayer, "spray-new@example.com", 2, A) == [400, 429]
    # Someone else behind the same address logs in: they have not failed for their account.
    assert login(Browser(app), ALICE, ALICE_PASSWORD, A).status == 302


# --- (e): the state is shared; the CLI and the lab page clear it --------------------------


def _cli(app, *args):
    env = dict(os.environ)
    env.update(
        MARKETPLACE_ENV="development",
        MARKETPLACE_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        MARKETPLACE_SECRET_KEY=app.config["SECRET_KEY"],
        MARKETPLACE_RATELIMIT_URL=app.config.get("RATELIMIT_STORAGE_URI") or "",
        # This test's namespace: without it the reset cleared every test's Redis counters,
        # and a throttle test running beside it on the other core saw its limit not reached.
        MARKETPLACE_RATELIMIT_PREFIX=app.config.get("RATELIMIT_KEY_PREFIX") or "",
    )
    env.pop("MARKETPLACE_STAGES", None)
    return subprocess.run(
        [str(Path(sys.executable).parent / "marketplace"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_lab_reset_from_another_process_clears_the_login_throttle(app):
    assert fail(Browser(app), ALICE, 5, A) == [400] * 5
    assert login(Browser(app), ALICE, ALICE_PASSWORD, A).status == 429
    done = _cli(app, "lab", "reset")
    assert done.returncode == 0, done.stderr
    assert login(Browser(app), ALICE, ALICE_PASSWORD, A).status == 302


@pytest.mark.parametrize("store", ["redis"], indirect=True)  # a database is one lab's
def test_a_reset_leaves_another_labs_counters_in_the_same_redis(store):
    app, _name = store
    other = throttling.RedisStore(REDIS_URL, f"other-{secrets.token_hex(6)}")
    try:
        other.hit("someone-elses-key", 60)
        assert fail(Browser(app), ALICE, 5, A) == [400] * 5
        done = _cli(app, "lab", "reset")
        assert done.returncode == 0, done.stderr
        assert login(Browser(app), ALICE, ALICE_PASSWORD, A).status == 302  # ours: cleared
        assert other.get("someone-elses-key").hits == 1  # theirs: kept
    finally:
        other.clear_all()


def test_lab_page_reset_clears_the_login_throttle(app):
    assert fail(Browser(app), ALICE, 5, "127.0.0.1") == [400] * 5
    lab = Browser(app)
    assert lab.submit("/lab/reset", {}, form_path="/lab/").status == 302
    assert login(Browser(app), ALICE, ALICE_PASSWORD, "127.0.0.1").status == 302


def test_counters_hold_no_addresses_and_expired_rows_are_pruned(store):
    app, name = store
    fail(Browser(app), ALICE, 2, A)
    with app.app_context():
        if name == "redis":
            keys = [k.decode() for k in throttling.store().redis.scan_iter(count=1000)]
            ours = [k for k in keys if k.startswith(throttling.store().prefix)]
            assert len(ours) == 3, keys  # pair, address, account
        else:
            ours = list(db.session.scalars(db.select(ThrottleCounter.key)))
            assert len(ours) == 3
    assert not any(ALICE in k or A in k or "alice" in k for k in ours)
    if name == "redis":
        return
    app.config["CLOCK"].now += timedelta(minutes=16)
    fail(Browser(app), "carol@example.com", 1, B)
    with app.app_context():
        assert count(ThrottleCounter) == 3  # alice's three windows ended and were deleted


def test_the_limiter_refuses_a_per_process_memory_store():
    assert ratelimit_url("") == ""
    assert ratelimit_url("redis://127.0.0.1:6379/3") == "redis://127.0.0.1:6379/3"
    with pytest.raises(ConfigError, match="leave it unset to keep the counters in the database"):
        ratelimit_url("memory://")


# --- (f): changing one's e-mail to probe which are registered ------------------------------


def test_email_change_probes_are_cut_off(app):
    browser = Browser(app)
    assert browser.login("dave@example.com", "football").status == 302
    statuses = []
    for i in range(30):
        probe = "bob@example.com" if i % 2 else f"free-{i}@example.com"
        reply = browser.submit("/user/edit", {"full_name": "Dave Davis", "email": probe})
        statuses.append(reply.status)
        if reply.status == 302:  # a free e-mail was taken over; the next probe starts from it
            continue
    assert statuses[:5] == [302, 400, 302, 400, 302]
    assert statuses[5:] == [429] * 25
    assert "Too many e-mail changes; try again in 15 minutes." in reply.text
    # Saving the profile without changing the e-mail still works.
    current = "free-4@example.com"
    assert browser.submit("/user/edit", {"full_name": "Dave D.", "email": current}).status == 302


def test_email_changes_are_also_limited_per_address(app):
    changes = []
    for n in range(5):
        browser = Browser(app)
        email, password = f"prober-{n}@example.com", "Prober-pass-12345"
        assert browser.signup("Prober", email, password).status == 302
        assert browser.login(email, password).status == 302
        for i in range(5):
            probe = f"probe-{n}-{i}@example.com"
            reply = browser.submit("/user/edit", {"full_name": "Prober", "email": probe})
            changes.append(reply.status)
    assert changes[:20] == [302] * 20
    assert changes[20:] == [429] * 5


# --- issue 10: an exploit's brute force against a live server blocks nobody else ----------


class _FromAddress(HTTPAdapter):
    """Connect from another loopback address: another client, as the server sees it."""

    def __init__(self, source: str):
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def test_online_brute_force_on_a_live_server_blocks_nobody_else(app):
    with live_server(app) as url:
        target = LiveTarget(url)
        outcome = run_exploit(LESSON.exploit("online-brute-force"), target)
        assert not outcome.exploited and "throttled" in outcome.summary, outcome.summary
        assert any(e.status == 429 for e in outcome.exchanges)
        for _name, email, password in demo_credentials():
            other = target.session()
            other.http.mount("http://", _FromAddress("127.0.0.2"))
            assert other.login(email, password).status == 302, email
            if email != exploits.BRUTE_FORCE_VICTIM:  # the pair the exploit itself failed
                assert target.session().login(email, password).status == 302, email


# --- the stores themselves ------------------------------------------------------------------


def test_concurrent_hits_are_all_counted(app):
    """Workers hitting one key at once lose no count (the insert race is retried)."""
    from concurrent.futures import ThreadPoolExecutor

    name = f"race-{secrets.token_hex(4)}"

    def hit(_):
        with app.app_context():
            return throttling.Rule(name, 100).hit("k").hits

    with ThreadPoolExecutor(max_workers=6) as pool:
        seen = list(pool.map(hit, range(30)))
    with app.app_context():
        assert throttling.Rule(name, 100).count("k").hits == 30
    assert sorted(seen)[-1] == 30


def test_the_migration_creates_the_table(tmp_path, backend):
    """``marketplace db upgrade`` (revision 0004) makes the table the database store uses."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    app, drop = make_app(tmp_path, backend)
    try:
        with app.app_context():
            empty_database()
            upgrade()
            assert "throttle_counters" in inspect(db.engine).get_table_names()
            assert throttling.Rule("migrated", 1).hit("x").hits == 1
            downgrade(revision="0002_search_indexes")
            assert "throttle_counters" not in inspect(db.engine).get_table_names()
            db.session.remove()
            db.engine.dispose()
    finally:
        if drop:
            drop()
