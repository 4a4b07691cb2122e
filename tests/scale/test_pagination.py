"""Cursor pagination of the API and the HTML index, the bulk seeder, the search indexes."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, inspect, select

from marketplace.extensions import db
from marketplace.models import Listing, User
from marketplace.pagination import CursorError, decode_cursor, encode_cursor
from marketplace.seeding import seed_listings
from tests.helpers import empty_database

DEMO_LISTINGS = 6


@pytest.fixture
def seeded(app):
    with app.app_context():
        info = seed_listings(95, users=3, seed=1)
    return info


def _all_ids_newest_first(app) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Listing.id).order_by(Listing.created_at.desc(), Listing.id.desc())
            )
        )


def test_seeder_creates_listings_and_sellers(app, seeded):
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Listing)) == 95 + DEMO_LISTINGS
        sellers = db.session.scalars(select(User).where(User.email.like("seller-%"))).all()
        assert len(sellers) == 3
        stamps = db.session.scalars(
            select(Listing.created_at).where(Listing.user_id.in_([u.id for u in sellers]))
        ).all()
        assert len(set(stamps)) == 95, "every seeded listing has its own created_at"


def test_seed_listings_command(app):
    from marketplace.cli import seed_listings_command

    runner = app.test_cli_runner()
    result = runner.invoke(seed_listings_command, ["30", "--users", "2"])
    assert result.exit_code == 0, result.output
    assert "30 listings by 2 sellers" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Listing)) == 30 + DEMO_LISTINGS
    refused = runner.invoke(seed_listings_command, ["0"])
    assert refused.exit_code == 2 and "0" in refused.output


def test_api_page_mode_shape_and_next_cursor(app, client, seeded):
    body = client.get("/api/v1/listings?per_page=10").get_json()
    assert set(body) == {"items", "page", "pages", "total", "next"}
    assert (body["page"], body["pages"], body["total"]) == (1, 11, 101)
    assert [i["id"] for i in body["items"]] == _all_ids_newest_first(app)[:10]
    item = body["items"][0]
    assert set(item) == {"id", "title", "description", "created_at", "author"}
    assert item["created_at"].endswith("Z") and set(item["author"]) == {"id", "full_name"}
    last_page = client.get("/api/v1/listings?per_page=10&page=11").get_json()
    assert len(last_page["items"]) == 1 and last_page["next"] is None


def test_api_cursor_walk_is_complete_and_stable_under_inserts(app, client, seeded):
    expected = _all_ids_newest_first(app)
    seen, url, pages = [], "/api/v1/listings?per_page=7", 0
    while url:
        body = client.get(url).get_json()
        if pages:
            assert set(body) == {"items", "next"}, "cursor mode has no total"
        seen += [i["id"] for i in body["items"]]
        pages += 1
        # Someone posts a listing between every two page loads: the walk must not care.
        with app.app_context():
            db.session.add(Listing(title="new", description="new", user_id=1))
            db.session.commit()
        url = body["next"] and f"/api/v1/listings?per_page=7&after={body['next']}"
    assert seen == expected
    assert pages == -(-len(expected) // 7)


@pytest.mark.parametrize(
    "cursor",
    ["", "x", "%%%", "bm90IGEgY3Vyc29y", encode_cursor.__name__, "A" * 200, "MjAyNi0xMS0yNnwtMQ"],
)
def test_api_malformed_cursor_is_a_json_400(client, cursor):
    response = client.get("/api/v1/listings", query_string={"after": cursor})
    assert response.status_code == 400
    body = response.get_json()
    assert body["status"] == 400 and "cursor" in body["message"]


def test_api_refuses_deep_offsets_with_a_hint(client):
    response = client.get("/api/v1/listings?per_page=100&page=101")
    assert response.status_code == 400
    assert "after=" in response.get_json()["message"]
    assert client.get("/api/v1/listings?per_page=100&page=100").status_code == 200
    assert client.get("/api/v1/listings?per_page=101").status_code == 400


def test_cursor_round_trip_and_refusals():
    from datetime import datetime

    stamp = datetime(2026, 11, 26, 6, 31, 46, 664725)
    cursor = encode_cursor(stamp, 42)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", cursor)
    assert decode_cursor(cursor) == (stamp, 42)
    assert decode_cursor(encode_cursor(stamp.replace(microsecond=0), 1))[0].microsecond == 0
    for bad in ("", "!!", encode_cursor(stamp, 42)[:-3], "MjAyNi0xMS0yNlQwMDowMDowMCswMDowMHwx"):
        with pytest.raises(CursorError):
            decode_cursor(bad)


def _links(html: str) -> dict[str, str]:
    return {
        rel: unescape(href)
        for rel, href in re.findall(r'<a rel="(prev|next)" href="([^"]+)"', html)
    }


def _titles(html: str) -> list[str]:
    return [unescape(t) for t in re.findall(r"<h3>(.*?)</h3>", html)]


def test_index_walks_older_and_newer_by_cursor(app, client, seeded):
    with app.app_context():
        expected = [
            t
            for t in db.session.scalars(
                select(Listing.title).order_by(Listing.created_at.desc(), Listing.id.desc())
            )
        ]
    pages, url = [], "/listings/"
    while url:
        html = client.get(url).get_data(as_text=True)
        pages.append((url, _titles(html), _links(html)))
        url = _links(html).get("next")
        assert url is None or "after=" in url
    assert [t for _, titles, _ in pages for t in titles] == expected
    assert len(pages) == 6 and "prev" not in pages[0][2]
    # From the last page, "Newer" goes back up one page at a time to the first.
    back, titles_back = pages[-1][2]["prev"], []
    while back:
        html = client.get(back).get_data(as_text=True)
        titles_back.append(_titles(html))
        assert "before=" in back
        back = _links(html).get("prev")
    assert titles_back == [titles for _, titles, _ in pages[-2::-1]]


def test_index_bad_cursor_and_deep_page_are_400(client):
    assert client.get("/listings/?after=nope").status_code == 400
    assert client.get("/listings/?before=%ff").status_code == 400
    response = client.get("/listings/?page=501")  # past the numbered pages: empty, a hint
    assert response.status_code == 200 and b"follow the Older links" in response.data
    assert client.get("/listings/?page=2").status_code == 200


def test_search_finds_the_exact_seeded_listing(app, client, seeded):
    token = f"lot-{seeded['run']}-42"
    html = client.get("/listings/", query_string={"q": token}).get_data(as_text=True)
    titles = _titles(html)
    assert len(titles) == 1 and titles[0].endswith(token)
    html = client.get("/listings/", query_string={"q": f"lot-{seeded['run']}-"}).get_data(
        as_text=True
    )
    assert len(_titles(html)) == 20 and "page=2" in _links(html)["next"]
    assert client.get("/listings/?q=a&page=51").status_code == 400


def test_migrations_create_the_pagination_and_search_indexes(tmp_path, backend):
    from tests.conftest import make_app

    app, drop = make_app(tmp_path, backend)
    try:
        with app.app_context():
            empty_database()
            upgrade()
            indexes = {ix["name"] for ix in inspect(db.engine).get_indexes("listings")}
            assert "ix_listings_created_at_id" in indexes
            if backend == "postgres":
                assert {"ix_listings_title_trgm", "ix_listings_description_trgm"} <= indexes
            db.session.remove()
            db.engine.dispose()
    finally:
        if drop:
            drop()
