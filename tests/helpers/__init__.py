"""Small helpers shared by the app tests: database look-ups and logged-in browsers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select, text

from marketplace import models
from marketplace.extensions import db
from marketplace.models import Listing, User

ALICE = ("alice@example.com", "wonderland-Quartz-42")
BOB = ("bob@example.com", "sunshine")


def scalar(app, query):
    with app.app_context():
        return db.session.scalar(query)


def count(app, model, *where) -> int:
    with app.app_context():
        return models.count(model, *where)


def user_row(app, email: str) -> User | None:
    with app.app_context():
        user = User.by_email(email)
        if user is not None:
            db.session.expunge(user)
        return user


def exploit_accounts(app) -> list[str]:
    """E-mails of the accounts at the exploits' domain: what an exploit left behind."""
    from marketplace.exploits.target import EXPLOIT_DOMAIN

    with app.app_context():
        return list(
            db.session.scalars(select(User.email).where(User.email.endswith("@" + EXPLOIT_DOMAIN)))
        )


def listing_ids(app, email: str) -> list[int]:
    with app.app_context():
        user = User.by_email(email)
        return list(
            db.session.scalars(
                select(Listing.id).where(Listing.user_id == user.id).order_by(Listing.id)
            )
        )


def logged_in(browser_type, app, email: str, password: str):
    """A new browser logged in as ``email``."""
    browser = browser_type(app)
    reply = browser.login(email, password)
    assert reply.status == 302, reply.text[:300]
    return browser


def assert_no_traceback(text: str) -> None:
    for leak in ("Traceback", 'File "', "sqlalchemy.exc", "werkzeug.exceptions"):
        assert leak not in text, f"{leak!r} leaked into the response"


def add_listings(app, email: str, n: int, prefix: str = "Item") -> None:
    """``n`` listings, one a minute apart, all newer than the demo data; item n-1 newest."""
    start = datetime(2030, 1, 1)
    with app.app_context():
        user = User.by_email(email)
        db.session.add_all(
            Listing(
                title=f"{prefix} {i:02d}",
                description=f"Description of {prefix.lower()} {i:02d}",
                user_id=user.id,
                created_at=start + timedelta(minutes=i),
            )
            for i in range(n)
        )
        db.session.commit()


def every_cell(lesson):
    """Parametrize a test over every (stage, exploit) cell of a lesson, in catalogue order;
    a cell whose verdict depends on a password hash's cost carries ``hash_cost``."""
    import pytest

    return pytest.mark.parametrize(
        ("stage", "exploit"),
        [
            pytest.param(
                stage.slug,
                exploit,
                marks=hash_cost_marks(lesson.slug, [exploit.name]),
                id=f"{stage.slug}-{exploit.name}",
            )
            for stage in lesson.stages
            for exploit in lesson.exploits
        ],
    )


def demo_logins(app) -> dict[str, int]:
    """Log every demo user in with their password; {e-mail: status} of those refused."""
    from marketplace.demo import demo_credentials
    from marketplace.exploits import FlaskTarget

    refused = {}
    for _name, email, password in demo_credentials():
        reply = FlaskTarget(app).session().login(email, password)
        if reply.status != 302 or "/user/login" in reply.location:
            refused[email] = reply.status
    return refused


def public_index(app) -> tuple[int, int, list[str]]:
    """(users, listings, the titles on the first page of /listings/), to compare."""
    import re
    from html import unescape

    page = app.test_client().get("/listings/").get_data(as_text=True)
    titles = [unescape(t) for t in re.findall(r"<h3>(.*?)</h3>", page, re.S)]
    return count(app, User), count(app, Listing), titles


def teardown(app, drop) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if drop:
        drop()


# Lessons whose verdicts depend on what a password hash costs (see conftest's hashing),
# and their checks that do: the timing enumeration measures the cost, the dictionary
# crack's budget is set against it. The others (messages, the online brute force against
# the throttle, the features) give the same verdict at the tests' cheap cost, and an
# OWASP-cost login (24 ms) is fifty cheap ones (0.5 ms).
HASH_COST_LESSONS = frozenset({"broken-authentication", "weak-password-storage"})
HASH_COST_CHECKS = frozenset({"timing-enumeration", "dictionary-crack"})


def hash_cost_marks(lesson_slug: str, checks: Iterable[str] | None = None) -> list:
    """The ``hash_cost`` mark for a cell of a lesson in ``HASH_COST_LESSONS``; given the
    names of the only checks the cell runs, just when one is in ``HASH_COST_CHECKS``."""
    import pytest

    if lesson_slug not in HASH_COST_LESSONS:
        return []
    if checks is not None and HASH_COST_CHECKS.isdisjoint(checks):
        return []
    return [pytest.mark.hash_cost]


def empty_database() -> None:
    """Inside an app context: no tables and no migration recorded, so that ``upgrade()``
    runs every migration, whether the test's database was made by them (PostgreSQL) or
    by ``create_all`` (SQLite)."""
    db.drop_all()
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()
