"""The app as deployed: gunicorn workers and instances on one PostgreSQL database.

- 20 concurrent clients each post 50 listings and read pages: exactly 1,000 new
  listings, no failed request, no 5xx.
- Two instances (separate gunicorn processes) on one database: a logout on one
  revokes the session on the other; a stage switched in one instance's lab is active
  on the other at once.

Needs MARKETPLACE_TEST_POSTGRES_URL (skipped otherwise, failing with
MARKETPLACE_REQUIRE_POSTGRES=1). Loopback only; every server is stopped afterwards.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter

import pytest
import requests
from sqlalchemy import create_engine, func, select

from marketplace.config import database_url
from marketplace.exploits import LiveTarget
from marketplace.exploits.runner import run_exploit
from marketplace.lessons import get_lesson
from marketplace.models import Listing
from tests.conftest import _postgres_database

from .servers import Visitor, create_users, gunicorn, prepare_database

CLIENTS, LISTINGS_EACH = 20, 50
PASSWORD = "Load-test-Passw0rd"


@pytest.fixture
def pg_url():
    url, drop = _postgres_database()
    prepare_database(url)
    yield url
    drop()


def _count_listings(url: str, where: str = "") -> int:
    engine = create_engine(database_url(url, ""))
    try:
        with engine.connect() as conn:
            query = select(func.count()).select_from(Listing)
            if where:
                query = query.where(Listing.title.like(where))
            return conn.scalar(query)
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.postgres
def test_twenty_concurrent_clients_on_four_workers(pg_url):
    users = create_users(pg_url, CLIENTS, PASSWORD)
    before = _count_listings(pg_url)
    statuses: Counter = Counter()
    failures: list[str] = []
    lock = threading.Lock()

    def client(number: int, email: str, server: str) -> None:
        visitor = Visitor(server, timeout=30)
        seen: list[tuple[str, int, str]] = []
        try:
            login = visitor.login(email, PASSWORD)
            seen.append(("login", login.status_code, login.headers.get("Location", "")))
            token = visitor.token("/listings/create")
            for n in range(LISTINGS_EACH):
                created = visitor.post(
                    "/listings/create",
                    {
                        "title": f"load-{number}-{n}",
                        "description": f"Posted by client {number}, listing {n}.",
                        "csrf_token": token,
                    },
                )
                where = created.headers.get("Location", "")
                seen.append(("create", created.status_code, where))
                if not (created.status_code == 302 and where.endswith("/user/welcome")):
                    failures.append(f"client {number} create {n}: {created.status_code} {where}")
                if n % 5 == 4:
                    index = visitor.get("/listings/")
                    api = visitor.get("/api/v1/listings?per_page=50")
                    seen += [("index", index.status_code, ""), ("api", api.status_code, "")]
                    cursor = api.json().get("next")
                    if cursor:
                        deeper = visitor.get(f"/api/v1/listings?after={cursor}")
                        seen.append(("api-cursor", deeper.status_code, ""))
        except requests.RequestException as exc:
            failures.append(f"client {number}: {exc.__class__.__name__}: {exc}")
        with lock:
            statuses.update((kind, status) for kind, status, _ in seen)

    with gunicorn(pg_url, workers=4) as server:
        started = time.monotonic()
        threads = [
            threading.Thread(target=client, args=(n, email, server.base))
            for n, (_, email) in enumerate(users)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=240)
        elapsed = time.monotonic() - started
        log = server.output()
    assert not any(t.is_alive() for t in threads), "a client did not finish within 240 s"
    assert not failures, failures[:10]
    bad = {k: v for k, v in statuses.items() if k[1] >= 400}
    assert not bad, f"failed requests: {bad}"
    assert statuses[("create", 302)] == CLIENTS * LISTINGS_EACH
    assert statuses[("login", 302)] == CLIENTS
    assert _count_listings(pg_url) - before == CLIENTS * LISTINGS_EACH
    assert _count_listings(pg_url, "load-%") == CLIENTS * LISTINGS_EACH
    assert "Traceback" not in log, log[-3000:]
    total = sum(statuses.values())
    print(f"{total} requests by {CLIENTS} clients in {elapsed:.1f} s ({total / elapsed:.0f}/s)")


def _active_stage_in_lab(visitor: Visitor, slug: str) -> str:
    page = visitor.get("/lab/")
    assert page.status_code == 200
    row = re.search(
        rf"<code>{re.escape(slug)}</code>.*?<td class=\"active-stage[^\"]*\">([^<(]+)",
        page.text,
        re.S,
    )
    assert row, f"{slug} not in the lab index"
    return row.group(1).strip()


@pytest.mark.postgres
def test_two_instances_share_sessions_and_stages(pg_url):
    lesson = get_lesson("broken-deauthentication")
    replay = lesson.exploit("replay-after-logout")
    vulnerable = lesson.stages[0].slug
    with gunicorn(pg_url, workers=1) as one, gunicorn(pg_url, workers=1) as two:
        # A session opened on one instance is valid on the other, until logged out anywhere.
        alice = Visitor(one.base)
        assert alice.login("alice@example.com", "wonderland-Quartz-42").status_code == 302
        other = Visitor(two.base)
        other.http.cookies.set("session", alice.http.cookies.get("session"))
        assert other.get("/user/welcome").status_code == 200
        assert alice.submit("/user/logout", {}).status_code == 302
        replayed = other.get("/user/welcome")
        assert replayed.status_code == 302 and "/user/login" in replayed.headers["Location"]

        # A stage switched through one instance's lab is what the other serves at once.
        assert run_exploit(replay, LiveTarget(two.base)).exploited is False
        lab = Visitor(one.base)
        switched = lab.submit(
            f"/lab/{lesson.slug}/stage",
            {"stage": vulnerable, "back": "lesson"},
            form_path=f"/lab/{lesson.slug}",
        )
        assert switched.status_code == 302
        assert _active_stage_in_lab(Visitor(two.base), lesson.slug) == vulnerable
        outcome = run_exploit(replay, LiveTarget(two.base))
        assert outcome.exploited is True, outcome.summary

        # And back, switched on the other instance this time.
        back = Visitor(two.base).submit(
            f"/lab/{lesson.slug}/reset", {}, form_path=f"/lab/{lesson.slug}"
        )
        assert back.status_code == 302
        assert _active_stage_in_lab(Visitor(one.base), lesson.slug) == lesson.default_stage.slug
        assert run_exploit(replay, LiveTarget(one.base)).exploited is False
        for server in (one, two):
            assert "Traceback" not in server.output()


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_workers_booting_together_apply_the_start_stages(tmp_path, database):
    """Was a crash: four workers applying MARKETPLACE_STAGES at once raced on the same
    rows, one died with a UNIQUE violation, and gunicorn shut down."""
    from marketplace.lessons import all_lessons

    if database == "postgres":
        url, drop = _postgres_database()
    else:
        url, drop = f"sqlite:///{tmp_path}/boot.sqlite", None
    try:
        prepare_database(url)
        with gunicorn(url, workers=4, MARKETPLACE_STAGES="all=vulnerable") as server:
            lab = Visitor(server.base)
            for lesson in all_lessons():
                if len(lesson.stages) > 1:
                    assert _active_stage_in_lab(lab, lesson.slug) == lesson.stages[0].slug
            assert "Traceback" not in server.output()
    finally:
        if drop:
            drop()
