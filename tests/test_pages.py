"""Every page on a phone: long words wrap, nothing scrolls sideways; dates, icon, title links."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from marketplace.clock import time_element
from marketplace.demo import demo_credentials
from marketplace.extensions import db
from marketplace.lessons import all_lessons
from marketplace.models import Listing, User
from tests.conftest import Browser

# Page layout and markup, the same whatever stores the rows. One backend is enough.
pytestmark = pytest.mark.one_backend

PHONE = {"width": 390, "height": 844}
LONG_WORD = "Supercalifragilistic" * 75  # 1,500 characters and not one space


def add_listing(app, email: str, title: str, description: str) -> int:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        listing = Listing(title=title, description=description, user_id=user.id)
        db.session.add(listing)
        db.session.commit()
        return listing.id


# --- Without a browser ------------------------------------------------------------------


def test_favicon_answers_with_a_small_icon(client):
    with client.get("/favicon.ico") as reply:  # a static file: the reply holds it open
        assert reply.status_code == 200
        assert reply.mimetype == "image/svg+xml" and len(reply.data) < 2048
        assert b"<svg" in reply.data


def test_dates_show_to_the_minute_in_a_time_element(app, client):
    with app.app_context():
        listing = db.session.scalar(select(Listing).order_by(Listing.id))
        listing.created_at = datetime(2026, 3, 4, 5, 6, 7, 891011)
        title = listing.title
        db.session.commit()
    page = client.get("/listings/?q=" + title[:10]).get_data(as_text=True)
    assert '<time datetime="2026-03-04T05:06:07Z">2026-03-04 05:06 UTC</time>' in page
    index = client.get("/listings/").get_data(as_text=True)
    assert index.count("<time datetime=") >= 3
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d{6}", index), "no microseconds on the page"


def test_time_element_escapes_what_is_not_a_datetime():
    assert time_element("<b>") == "&lt;b&gt;" and time_element(None) == ""


def test_a_title_links_to_its_edit_page_for_the_owner_only(app):
    alice, bob = demo_credentials()[0], demo_credentials()[1]
    listing_id = add_listing(app, alice[1], "Owned-title-check", "A listing to edit.")
    link = f'<h3><a href="/listings/{listing_id}">Owned-title-check</a></h3>'
    owner = Browser(app)
    owner.login(alice[1], alice[2])
    assert link in owner.get("/listings/").text
    assert link in owner.get("/listings/?q=Owned-title").text
    other = Browser(app)
    other.login(bob[1], bob[2])
    for who in (other, Browser(app)):
        page = who.get("/listings/?q=Owned-title").text
        assert "<h3>Owned-title-check</h3>" in page and f"/listings/{listing_id}" not in page


# --- In Chromium, 390 px wide -----------------------------------------------------------


def pages(app) -> list[tuple[str, str]]:
    """(name, path) of every main page; logged in as alice from the third on."""
    alice = demo_credentials()[0][1]
    listing_id = add_listing(app, alice, "Long-word " + LONG_WORD[:150], LONG_WORD)
    lessons = [(f"lesson-{lesson.slug}", f"/lab/{lesson.slug}") for lesson in all_lessons()]
    return [
        ("listings-anonymous", "/listings/"),
        ("login", "/user/login"),
        ("listings", "/listings/"),
        ("search", "/listings/?q=" + LONG_WORD[:40]),
        ("welcome", "/user/welcome"),
        ("create", "/listings/create"),
        ("edit", f"/listings/{listing_id}"),
        ("upload", "/listings/upload"),
        ("profile", "/user/edit"),
        ("password", "/user/change_password"),
        ("delete", "/user/delete"),
        ("lab", "/lab/"),
        *lessons,
        ("breach", "/lab/weak-password-storage/breach"),
        ("speeds", "/lab/weak-password-storage/speeds"),
        ("not-found", "/no/such/page"),
    ]


@pytest.mark.browser
def test_every_page_fits_a_390_px_phone(app, live_target, monkeypatch):
    from marketplace.exploits.browser import launched
    from marketplace.lessons.weak_password_storage import crack, lab

    # The speeds page measures every scheme once per process; its layout is what matters here.
    rates = {"plaintext": 2e6, "sha256": 1e6, "bcrypt": 4.0, "argon2id": 3.0}
    monkeypatch.setattr(crack, "measure_rates", lambda seconds=0.25: rates)
    monkeypatch.setattr(lab, "_speeds", {})
    # Full-page screenshots (for a person to look at) cost more than the rest of the test.
    shots = os.environ.get("MARKETPLACE_SCREENSHOTS")
    base = live_target.base_url.rstrip("/")
    _name, email, password = demo_credentials()[0]
    too_wide = {}
    with launched() as chromium:
        context = chromium.new_context(viewport=PHONE)
        try:
            page = context.new_page()
            for number, (name, path) in enumerate(pages(app)):
                if number == 2:  # log in through the form, as a person would
                    page.fill("#email", email)
                    page.fill("#password", password)
                    page.click("form button[type=submit]")
                    page.wait_for_url("**/user/welcome")
                page.goto(base + path)
                if name == "lesson-vulnerable-components":
                    page.click("text=Run the exploits against this server")  # the evidence page
                    page.wait_for_load_state()
                    name = "attack-vulnerable-components"
                if shots:
                    page.screenshot(path=str(Path(shots) / f"{name}.png"), full_page=True)
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    too_wide[name] = width
            assert LONG_WORD[:40] in page.goto(base + "/listings/").text()
        finally:
            context.close()
    where = f"screenshots in {shots}" if shots else "MARKETPLACE_SCREENSHOTS=DIR saves screenshots"
    assert not too_wide, f"wider than {PHONE['width']} px ({where}): {too_wide}"


def test_lesson_page_folds_the_expected_results(client):
    page = client.get("/lab/broken-deauthentication").get_data(as_text=True)
    folded = page.index("<summary>Show the expected results</summary>")
    assert "<details open" not in page[folded - 40 : folded]
    assert page.index("Expected at") > folded and page.index("Fixed by") > folded
    assert page.count('class="exploited"') + page.count('class="defended"') == 3
