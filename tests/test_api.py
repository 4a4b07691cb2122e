"""GET /api/v1/listings: the JSON shape, pagination and its bounds, no private fields."""

from __future__ import annotations

from datetime import datetime

import pytest

from marketplace.models import Listing

from .helpers import ALICE, add_listings, count

ITEM_KEYS = {"id", "title", "description", "created_at", "author"}


def test_listings_json_shape(app, client):
    reply = client.get("/api/v1/listings")
    assert reply.status_code == 200
    assert reply.mimetype == "application/json"
    body = reply.get_json()
    assert {"items", "page", "pages", "total"} <= set(body)
    assert (body["page"], body["pages"], body["total"]) == (1, 1, count(app, Listing))
    assert len(body["items"]) == 6
    for item in body["items"]:
        assert set(item) == ITEM_KEYS
        assert set(item["author"]) == {"id", "full_name"}
        assert isinstance(item["id"], int) and isinstance(item["author"]["id"], int)
        assert item["created_at"].endswith("Z")
        datetime.fromisoformat(item["created_at"].removesuffix("Z"))
    stamps = [(i["created_at"], i["id"]) for i in body["items"]]
    assert stamps == sorted(stamps, reverse=True)  # newest first


def test_listings_json_has_no_private_fields(client):
    text = client.get("/api/v1/listings?per_page=100").get_data(as_text=True)
    for private in ("email", "password", "argon2", "@example.com", "session"):
        assert private not in text


def test_pages_and_total(app, client):
    add_listings(app, ALICE[0], 25)  # 31 with the demo data
    body = client.get("/api/v1/listings?per_page=10&page=2").get_json()
    assert (body["page"], body["pages"], body["total"]) == (2, 4, 31)
    assert [i["title"] for i in body["items"]] == [f"Item {i:02d}" for i in range(14, 4, -1)]
    last = client.get("/api/v1/listings?per_page=10&page=4").get_json()
    assert len(last["items"]) == 1
    beyond = client.get("/api/v1/listings?per_page=10&page=5").get_json()
    assert beyond["items"] == [] and beyond["total"] == 31


def test_default_page_size_is_20(app, client):
    add_listings(app, ALICE[0], 25)
    assert len(client.get("/api/v1/listings").get_json()["items"]) == 20


@pytest.mark.parametrize(("per_page", "expected"), [("1", 1), ("100", 31), ("7", 7)])
def test_per_page_within_bounds(app, client, per_page, expected):
    add_listings(app, ALICE[0], 25)
    body = client.get(f"/api/v1/listings?per_page={per_page}").get_json()
    assert len(body["items"]) == expected


@pytest.mark.parametrize(
    "query",
    ["per_page=0", "per_page=101", "per_page=-5", "per_page=abc", "per_page=1.5",
     "per_page=1e2", "page=0", "page=-1", "page=x", "page=" + "9" * 30],
)  # fmt: skip
def test_bad_pagination_is_a_json_400(client, query):
    reply = client.get(f"/api/v1/listings?{query}")
    assert reply.status_code == 400
    assert reply.mimetype == "application/json"
    body = reply.get_json()
    assert body["status"] == 400 and body["error"] == "Bad Request"
    assert "must be a whole number" in body["message"]


def test_api_needs_no_login_and_sets_no_cookie(client):
    reply = client.get("/api/v1/listings")
    assert reply.status_code == 200
    assert "Set-Cookie" not in reply.headers
