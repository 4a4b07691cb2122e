"""The listing routes: index (pagination, search), create, edit, delete, XML upload."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Listing, User

from .helpers import (
    ALICE,
    BOB,
    add_listings,
    assert_no_traceback,
    count,
    listing_ids,
    logged_in,
    user_row,
)

TITLES = re.compile(r"<h3>([^<]*)</h3>")


# --- index, pagination, search --------------------------------------------------------------


def test_root_redirects_to_listings(client):
    reply = client.get("/")
    assert reply.status_code == 302 and reply.headers["Location"] == "/listings/"


def test_index_is_public_and_shows_demo_listings(client):
    page = client.get("/listings/").get_data(as_text=True)
    for title in ("Road bike, 56 cm", "Espresso machine", "Camping stove"):
        assert title in page
    assert "by Alice Adams" in page


def link(page: str, rel: str) -> str | None:
    """The href of the page's rel="next"/"prev" link (whatever form the link takes)."""
    found = re.search(rf'rel="{rel}" href="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


def test_index_pages_20_newest_first(app, client):
    add_listings(app, ALICE[0], 25)
    first = client.get("/listings/").get_data(as_text=True)
    titles = TITLES.findall(first)
    assert titles == [f"Item {i:02d}" for i in range(24, 4, -1)]  # 20, newest first
    assert link(first, "prev") is None
    second = client.get(link(first, "next")).get_data(as_text=True)
    titles = TITLES.findall(second)
    assert titles[:5] == [f"Item {i:02d}" for i in range(4, -1, -1)]
    assert len(titles) == 5 + 6  # and the six demo listings
    assert link(second, "next") is None
    back = client.get(link(second, "prev")).get_data(as_text=True)
    assert TITLES.findall(back) == TITLES.findall(first)


def test_page_two_by_number(app, client):
    add_listings(app, ALICE[0], 25)
    second = client.get("/listings/?page=2").get_data(as_text=True)
    assert TITLES.findall(second)[0] == "Item 04"


def test_page_past_the_end_is_empty_not_an_error(client):
    reply = client.get("/listings/?page=999")
    assert reply.status_code == 200
    assert "No listings" in reply.get_data(as_text=True)


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "2e3", "9" * 30, "%00"])
def test_bad_page_number_is_400(client, page):
    reply = client.get(f"/listings/?page={page}")
    assert reply.status_code == 400
    text = reply.get_data(as_text=True)
    assert "page must be a whole number" in text
    assert_no_traceback(text)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("bike", {"Road bike, 56 cm"}),
        ("BIKE", {"Road bike, 56 cm"}),  # case-insensitive
        ("descaled", {"Espresso machine"}),  # the description is searched too
        ("o", None),  # many
        ("%", set()),  # a wildcard is searched literally
        ("_", set()),
        ("'; DROP TABLE listings; --", set()),
        ("nothing matches this", set()),
    ],
)
def test_search_over_title_and_description(app, client, q, expected):
    reply = client.get("/listings/", query_string={"q": q})
    assert reply.status_code == 200
    titles = set(TITLES.findall(reply.get_data(as_text=True)))
    if expected is None:
        assert len(titles) > 3
    else:
        assert {t.replace("&#39;", "'") for t in titles} == expected
    assert count(app, Listing) == 6


def test_search_paginates(app, client):
    add_listings(app, ALICE[0], 23, prefix="Lamp")
    first = client.get("/listings/?q=lamp").get_data(as_text=True)
    assert len(TITLES.findall(first)) == 20
    older = link(first, "next")
    assert "q=lamp" in older  # the search is kept across pages
    second = client.get(older).get_data(as_text=True)
    assert TITLES.findall(second) == ["Lamp 02", "Lamp 01", "Lamp 00"]


def test_search_over_200_characters_is_400(client):
    reply = client.get("/listings/", query_string={"q": "x" * 201})
    assert reply.status_code == 400
    assert "too long" in reply.get_data(as_text=True)


def test_search_escapes_the_query_in_the_page(client):
    text = client.get("/listings/", query_string={"q": "<script>x</script>"}).get_data(as_text=True)
    assert "<script>x</script>" not in text
    assert "&lt;script&gt;x&lt;/script&gt;" in text


# --- create -------------------------------------------------------------------------------


def test_create_listing(app, user):
    browser, email, _, _ = user
    assert browser.get("/listings/create").status == 200
    reply = browser.submit("/listings/create", {"title": " Lamp ", "description": "Brass, 1950s."})
    assert reply.status == 302 and reply.location.endswith("/user/welcome")
    with app.app_context():
        row = db.session.scalar(select(Listing).where(Listing.title == "Lamp"))
        assert row is not None and row.description == "Brass, 1950s."
        assert row.user_id == User.by_email(email).id
    assert "Lamp" in browser.get("/user/welcome").text
    assert "Lamp" in browser.get("/listings/").text


def test_create_needs_login(app, client):
    reply = client.get("/listings/create")
    assert reply.status_code == 302
    assert reply.headers["Location"] == "/user/login?next=/listings/create"
    before = count(app, Listing)
    assert (
        client.post("/listings/create", data={"title": "t", "description": "d"}).status_code == 302
    )
    assert count(app, Listing) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "description": "d"}, "This field is required"),
        ({"title": "   ", "description": "d"}, "This field is required"),
        ({"title": "t", "description": ""}, "This field is required"),
        ({"description": "d"}, "This field is required"),
        ({"title": "t"}, "This field is required"),
        ({"title": "t" * 201, "description": "d"}, "longer than 200"),
        ({"title": "t", "description": "d" * 5001}, "longer than 5000"),
    ],
    ids=["empty-title", "blank-title", "empty-description", "no-title", "no-description",
         "long-title", "long-description"],
)  # fmt: skip
def test_create_refuses_bad_input(app, user, data, message):
    browser = user[0]
    before = count(app, Listing)
    reply = browser.submit("/listings/create", data)
    assert reply.status == 400
    assert message in reply.text
    assert count(app, Listing) == before


def test_create_without_csrf_token_is_refused(app, user):
    browser = user[0]
    before = count(app, Listing)
    assert browser.post("/listings/create", data={"title": "t", "description": "d"}).status == 400
    assert count(app, Listing) == before


def test_create_from_another_origin_is_refused(app, user):
    browser = user[0]
    page = browser.get("/listings/create")
    reply = browser.post(
        "/listings/create",
        data={"title": "t", "description": "d", "csrf_token": page.csrf_token},
        headers={"Origin": "http://evil.example"},
    )
    assert reply.status == 403
    assert "Cross-origin request refused" in reply.text
    assert count(app, Listing, Listing.title == "t") == 0


# --- edit ---------------------------------------------------------------------------------


def test_owner_edits_listing(app, browser):
    alice = logged_in(type(browser), app, *ALICE)
    listing_id = listing_ids(app, ALICE[0])[0]
    page = alice.get(f"/listings/{listing_id}")
    assert page.status == 200 and page.form_value("title") == "Road bike, 56 cm"
    reply = alice.submit(f"/listings/{listing_id}", {"title": "Road bike", "description": "Sold"})
    assert reply.status == 302 and reply.location.endswith("/user/welcome")
    with app.app_context():
        row = db.session.get(Listing, listing_id)
        assert (row.title, row.description) == ("Road bike", "Sold")


def test_edit_bad_input_changes_nothing(app, browser):
    alice = logged_in(type(browser), app, *ALICE)
    listing_id = listing_ids(app, ALICE[0])[0]
    reply = alice.submit(f"/listings/{listing_id}", {"title": "x" * 201, "description": "d"})
    assert reply.status == 400
    with app.app_context():
        assert db.session.get(Listing, listing_id).title == "Road bike, 56 cm"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_edit_someone_elses_listing_is_404(app, browser, method):
    bob = logged_in(type(browser), app, *BOB)
    listing_id = listing_ids(app, ALICE[0])[0]
    token = bob.get("/listings/create").csrf_token
    data = {"title": "Mine now", "description": "x", "csrf_token": token}
    reply = bob.request(method, f"/listings/{listing_id}", data=data)
    assert reply.status == 404
    with app.app_context():
        assert db.session.get(Listing, listing_id).title == "Road bike, 56 cm"


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/listings/999999", 404), ("/listings/abc", 404), ("/listings/-1", 404),
     ("/listings/1.5", 404), ("/listings/" + "9" * 40, 404)],
)  # fmt: skip
def test_edit_unknown_ids(user, path, expected):
    browser = user[0]
    reply = browser.get(path)
    assert reply.status == expected
    assert_no_traceback(reply.text)


def test_edit_needs_login(app, client):
    listing_id = listing_ids(app, ALICE[0])[0]
    reply = client.get(f"/listings/{listing_id}")
    assert reply.status_code == 302
    assert reply.headers["Location"].startswith("/user/login?next=")


# --- delete -------------------------------------------------------------------------------


def _delete(browser, listing_id: int):
    return browser.submit(f"/listings/{listing_id}/delete", {}, form_path="/user/welcome")


def test_owner_deletes_listing(app, browser):
    alice = logged_in(type(browser), app, *ALICE)
    listing_id = listing_ids(app, ALICE[0])[0]
    reply = _delete(alice, listing_id)
    assert reply.status == 302 and reply.location.endswith("/user/welcome")
    assert listing_id not in listing_ids(app, ALICE[0])


def test_delete_someone_elses_listing_is_404(app, browser):
    bob = logged_in(type(browser), app, *BOB)
    listing_id = listing_ids(app, ALICE[0])[0]
    assert _delete(bob, listing_id).status == 404
    assert listing_id in listing_ids(app, ALICE[0])


def test_delete_unknown_listing_is_404(user):
    assert _delete(user[0], 999_999).status == 404


def test_delete_needs_post_and_token(app, browser):
    alice = logged_in(type(browser), app, *ALICE)
    listing_id = listing_ids(app, ALICE[0])[0]
    assert alice.get(f"/listings/{listing_id}/delete").status == 405
    assert alice.post(f"/listings/{listing_id}/delete", data={}).status == 400
    assert listing_id in listing_ids(app, ALICE[0])


def test_delete_needs_login(app, client):
    listing_id = listing_ids(app, ALICE[0])[0]
    assert client.post(f"/listings/{listing_id}/delete").status_code == 302
    assert listing_id in listing_ids(app, ALICE[0])


# --- XML upload ---------------------------------------------------------------------------


def xml(*items: tuple[str | None, str | None]) -> bytes:
    parts = []
    for title, description in items:
        inner = ""
        if title is not None:
            inner += f"<title>{title}</title>"
        if description is not None:
            inner += f"<description>{description}</description>"
        parts.append(f"<listing>{inner}</listing>")
    return f"<listings>{''.join(parts)}</listings>".encode()


def upload(browser, content: bytes, filename: str = "listings.xml"):
    page = browser.get("/listings/upload")
    return browser.post(
        "/listings/upload",
        data={"csrf_token": page.csrf_token},
        files={"file": (filename, content, "application/xml")},
    )


def test_upload_creates_every_listing(app, user):
    browser, email, _, _ = user
    assert browser.get("/listings/upload").status == 200
    reply = upload(browser, xml(("Chair", "Wooden"), ("Table", "Round, 4 seats")))
    assert reply.status == 302 and reply.location.endswith("/user/welcome")
    uid = user_row(app, email).id
    assert count(app, Listing, Listing.user_id == uid) == 2
    assert "2 listings created." in browser.get("/user/welcome").text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (xml(("Chair", "Wooden"), ("Table", None)), "Listing 2 has no &lt;description&gt;"),
        (xml(("Chair", "Wooden"), (None, "no title")), "Listing 2 has no &lt;title&gt;"),
        (xml(("Chair", "Wooden"), ("T" * 201, "long")), "Listing 2 is too long"),
        (xml(), "no &lt;listing&gt; elements"),
        (b"<listings><listing><title>unclosed</listings>", "not well-formed XML"),
        (b"<items><listing/></items>", "root element must be &lt;listings&gt;"),
        (b"not xml at all", "not well-formed XML"),
        (b"", "The file is empty"),
        (
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY x "y">]><listings/>',
            "DTDs and entities are not allowed",
        ),
    ],
    ids=["no-description", "no-title", "long-title", "empty", "malformed", "wrong-root",
         "not-xml", "zero-bytes", "dtd"],
)  # fmt: skip
def test_upload_is_all_or_nothing(app, user, content, message):
    browser = user[0]
    before = count(app, Listing)
    reply = upload(browser, content)
    assert reply.status == 400
    assert message in reply.text
    assert_no_traceback(reply.text)
    assert count(app, Listing) == before


def test_upload_without_a_file_is_400(app, user):
    browser = user[0]
    page = browser.get("/listings/upload")
    reply = browser.post("/listings/upload", data={"csrf_token": page.csrf_token})
    assert reply.status == 400
    assert "This field is required" in reply.text


def test_upload_larger_than_the_limit_is_413(app, user):
    browser = user[0]
    token = browser.get("/listings/upload").csrf_token
    before = count(app, Listing)
    body = (
        b'--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        + token.encode()
        + b'\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="a.xml"\r\n\r\n'
        + b"<listings>"
        + b" " * app.config["MAX_CONTENT_LENGTH"]
        + b"</listings>\r\n--b--\r\n"
    )
    # A raw body: the test client would spool a multipart dict to a temporary file.
    reply = browser.http.client.post(
        "/listings/upload", data=body, content_type="multipart/form-data; boundary=b"
    )
    assert reply.status_code == 413
    assert "too large" in reply.get_data(as_text=True)
    assert count(app, Listing) == before


def test_upload_needs_login(app, client):
    reply = client.get("/listings/upload")
    assert reply.status_code == 302
    assert reply.headers["Location"] == "/user/login?next=/listings/upload"
