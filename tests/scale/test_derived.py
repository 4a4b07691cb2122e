"""What the database keeps by triggers: the listing count and the stages' version.

Two apps on one database stand for two gunicorn workers: each caches the active stages,
and a change made through either (or by hand in SQL) applies to the other's next request.
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, insert, select, text

from marketplace import create_app
from marketplace.derived import LISTINGS, STAGES, read_counter
from marketplace.extensions import db
from marketplace.lessons import state
from marketplace.models import Listing, User
from marketplace.seeding import seed_listings


def _count(app) -> tuple[int, int]:
    with app.app_context():
        exact = db.session.scalar(select(func.count()).select_from(Listing))
        return read_counter(LISTINGS), exact


def test_the_listing_counter_follows_every_insert_and_delete(app, client):
    assert _count(app)[0] == _count(app)[1] > 0
    with app.app_context():
        seed_listings(250, users=2, seed=3)
        user_id = db.session.scalar(select(User.id))
        db.session.execute(
            insert(Listing), [{"title": "t", "description": "d", "user_id": user_id}]
        )
        db.session.execute(delete(Listing).where(Listing.id.in_(select(Listing.id).limit(7))))
        db.session.commit()
    counted, exact = _count(app)
    assert counted == exact
    assert client.get("/api/v1/listings").get_json()["total"] == exact
    with app.app_context():  # a rolled-back insert leaves the counter as it was
        db.session.execute(
            insert(Listing), [{"title": "t", "description": "d", "user_id": user_id}]
        )
        db.session.rollback()
    assert _count(app) == (exact, exact)


def test_total_falls_back_to_counting_without_the_counter(app, client):
    with app.app_context():
        db.session.execute(text("DROP TABLE counters"))
        db.session.commit()
        exact = db.session.scalar(select(func.count()).select_from(Listing))
    assert client.get("/api/v1/listings").get_json()["total"] == exact


@pytest.fixture
def second_worker(app):
    """Another app on the same database, as another gunicorn worker would be."""
    other = create_app(dict(app.config))
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def _stage(app, slug: str = "sql-injection") -> str:
    with app.test_request_context("/"):
        return state.active_stage(slug)


def test_a_stage_change_reaches_every_worker_on_its_next_request(app, second_worker):
    assert _stage(app) == _stage(second_worker) == "orm"  # both have cached the rows
    with app.app_context():
        version = read_counter(STAGES)
    with second_worker.test_request_context("/"):
        state.set_stage("sql-injection", "concat")
    assert _stage(app) == "concat"
    with app.app_context():
        assert read_counter(STAGES) != version
        # By hand, behind the app's back: the trigger bumps the version all the same.
        db.session.execute(text("UPDATE lesson_stages SET stage = 'parametrized'"))
        db.session.commit()
    assert _stage(second_worker) == "parametrized"
    with app.test_request_context("/"):
        state.reset()
    assert _stage(second_worker) == "orm" and _stage(app) == "orm"


def test_a_cached_request_reads_one_row_not_the_stage_table(app, second_worker):
    _stage(second_worker)
    statements: list[str] = []
    from sqlalchemy import event

    with second_worker.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert _stage(second_worker) == "orm"
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(statements) == 1 and "counters" in statements[0]
