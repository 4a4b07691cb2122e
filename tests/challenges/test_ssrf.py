"""Chapter 16's challenges solved by hand: a photo URL that names a loopback-only service,
then another spelling of it and a redirect once the plain names are refused."""

from __future__ import annotations

import re

import pytest

from marketplace.lessons.ssrf.loopback_servers import serve
from marketplace.photo_client import tiny_png

from .helpers import csrf, login, signup, solved_by

LESSON = "ssrf"
PNG = {"Content-Type": "image/png"}


def _seller_listing(client) -> int:
    signup(client, "Sal Seller", "seller@example.com")
    assert login(client, "seller@example.com").status_code == 302
    token = csrf(client, "/listings/create")
    data = {"csrf_token": token, "title": "Brass lamp", "description": "Works."}
    assert client.post("/listings/create", data=data).status_code == 302
    page = client.get("/user/welcome").get_data(as_text=True)
    return int(re.search(r"/listings/(\d+)", page).group(1))


def _photo_url(client, listing: int, url: str):
    data = {"csrf_token": csrf(client, f"/listings/{listing}"), "url": url}
    return client.post(f"/listings/{listing}/photo", data=data)


@pytest.mark.parametrize(
    ("stage", "solvable"),
    [("fetch-any-url", True), ("host-blocklist", False), ("resolved-address-check", False)],
)
def test_internal_service_read_by_hand(app, client, set_stage, stage, solvable):
    set_stage(LESSON, stage)
    listing = _seller_listing(client)
    with serve({"/s.png": (200, PNG, tiny_png("internal"))}) as inside:
        host = f"127.0.0.1:{inside.port}"
        app.config["PHOTO_FETCH_ALLOW"] = [host]  # ordinary use: an allowed image server
        assert _photo_url(client, listing, f"http://{host}/s.png").status_code == 302
        assert solved_by(client, LESSON, "internal-service-read") is None
        app.config["PHOTO_FETCH_ALLOW"] = []
        reply = _photo_url(client, listing, f"http://{host}/s.png")
    assert (reply.status_code == 302) is solvable
    assert solved_by(client, LESSON, "internal-service-read") == ("learner" if solvable else None)


@pytest.mark.parametrize(
    ("stage", "solvable"), [("host-blocklist", True), ("resolved-address-check", False)]
)
@pytest.mark.parametrize("spelling", ["127.1", "2130706433", "redirect"])
def test_blocklist_bypass_by_hand(app, client, set_stage, stage, solvable, spelling):
    set_stage(LESSON, stage)
    listing = _seller_listing(client)
    with serve({"/s.png": (200, PNG, tiny_png("internal"))}) as inside:
        if spelling == "redirect":
            hop = (302, {"Location": f"http://127.0.0.1:{inside.port}/s.png"}, b"")
            with serve({"/lamp.png": hop}) as outside:
                # The attacker's site stands for a public one: allowed, as the internet is.
                app.config["PHOTO_FETCH_ALLOW"] = [f"127.0.0.1:{outside.port}"]
                reply = _photo_url(client, listing, f"http://127.0.0.1:{outside.port}/lamp.png")
        else:
            reply = _photo_url(client, listing, f"http://{spelling}:{inside.port}/s.png")
        assert bool(inside.requests) is solvable
    assert (reply.status_code == 302) is solvable
    assert solved_by(client, LESSON, "blocklist-bypass") == ("learner" if solvable else None)
    assert solved_by(client, LESSON, "internal-service-read") is None
